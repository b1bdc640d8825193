from checker.document import Document, token_scripts


def kinds(text):
    return [(t.kind, t.text) for t in Document.from_text(text, "en").tokens]


def test_offsets_roundtrip_on_mixed_unicode():
    text = "Café naïve\u200bword «שלום» 東京タワーへ行く e\u0301te\u0301 \u202eabc x"
    doc = Document.from_text(text, "en")
    for t in doc.tokens:
        assert text[t.start:t.end] == t.text


def test_non_words_are_not_words():
    k = kinds("Mail me@example.org or see https://ex.com/a?b=1, @bob #tag <b>3.5km</b> 1,000")
    got = {t for kind, t in k if kind == "word"}
    assert got == {"Mail", "me", "or", "see"} - {"me"}
    assert ("email", "me@example.org") in k
    assert ("url", "https://ex.com/a?b=1") in k
    assert ("handle", "@bob") in k and ("hashtag", "#tag") in k
    assert ("markup", "<b>") in k and ("number", "1,000") in k


def test_cjk_runs_split_by_script():
    k = kinds("東京タワーへ行く")
    assert k == [("cjk", "東京"), ("cjk", "タワー"), ("cjk", "へ"), ("cjk", "行"), ("cjk", "く")]


def test_segments_split_sentences():
    doc = Document.from_text("He came. She left! Why? 好。好", "en")
    assert len(doc.segments) == 5
    assert [doc.segment_words(i)[0].text for i in range(3)] == ["He", "She", "Why"]


def test_token_scripts():
    assert token_scripts("Москва") == {"Cyrillic"}
    assert token_scripts("Mоscow") == {"Latin", "Cyrillic"}  # Cyrillic о
    assert token_scripts("e\u0301te") == {"Latin"}
