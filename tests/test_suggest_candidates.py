"""Where the suggester's candidates come from: a word cut short offers what it begins, two words
run together offer the space put back, a cheap slip keeps its fix (checker.suggest)."""
from checker import Checker
from checker.lexicon import get_lexicon


def _candidates(chk: Checker, text: str, word: str) -> tuple[list[str], list[str]]:
    """(every candidate, the ranked suggestions) for ``word`` in ``text``."""
    doc = chk.annotate(text)
    tok = next(t for t in doc.tokens if t.text == word)
    _, _, sug = chk._parts(doc.lang)
    return [c for c, _ in sug.candidate_features(doc, tok)], [s.text for s in sug._rank_now(tok, doc)]


def test_completions_are_the_commonest_longer_words_a_prefix_begins():
    lex = get_lexicon("en")
    got = lex.completions("announc")
    assert got and all(w.startswith("announc") and len(w) >= len("announc") + 2 for w in got)
    freqs = [lex.zipf(w) for w in got]
    assert freqs == sorted(freqs, reverse=True)
    assert lex.completions("ann") == []  # too short to say what it begins


def test_splits_need_two_words_a_writer_uses():
    lex = get_lexicon("en")
    assert ("the", "cat") in lex.splits("thecat")
    assert lex.splits("xqzv") == []
    # single letters only when they are among the language's commonest words
    assert all(len(a) > 1 or lex.zipf(a) >= 6.0 for a, _ in lex.splits("aman"))


def test_a_word_cut_short_gets_its_completion_first():
    cands, ranked = _candidates(Checker("en"), "Officials said the investigat would continue next week.", "investigat")
    assert "investigation" in cands
    assert ranked[0] == "investigation"


def test_two_words_run_together_get_the_space_back():
    cands, ranked = _candidates(Checker("en"), "The minister said thenew policy would start in May.", "thenew")
    assert "the new" in cands
    assert ranked[0] == "the new"


def test_a_cheap_slip_is_not_read_as_a_word_cut_short():
    # 'moglich' is 'möglich' without its diacritic, and also begins 'moglichkeit' (a web list's
    # diacritic-free spelling): the slip is the likelier story, so no completion competes
    assert get_lexicon("de").completions("moglich")
    cands, ranked = _candidates(Checker("de"), "Das ist moglich, sagte der Minister am Montag.", "moglich")
    assert ranked[0] == "möglich"
    assert not any(c.startswith("moglich") and len(c) > len("moglich") for c in cands)
