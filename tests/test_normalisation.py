"""Lookup keys normalised as wordfreq preprocesses each language (checker.normalise): Serbian
Cyrillic looked up in the Latin Serbo-Croatian list, Turkish dotted and dotless I, Arabic vowel
marks and tatweel, Romanian s/t with cedilla or comma. Offline: wordfreq's lists ship with it."""
import pytest
import wordfreq
from wordfreq.preprocess import preprocess_text
from wordfreq.transliterate import transliterate

from checker import Checker
from checker.charmodel import get_char_model
from checker.core import load_lm
from checker.langid import detect_language
from checker.lexicon import get_foreign_index, get_lexicon, norm

SR_CYRL = "Влада је усвојила нови закон о народном образовању."
SR_CYRL_LONGER = ("Председник је рекао да ће се састанак одржати следеће недеље у Београду, "
                  "а министар је најавио да ће школе добити нове рачунаре.")


@pytest.fixture(scope="module")
def sr_checker():
    return Checker(lang="sr")


@pytest.mark.parametrize("text", [SR_CYRL, SR_CYRL_LONGER])
def test_serbian_cyrillic_sentence_is_clean_like_its_latin_form(sr_checker, text):
    latin = transliterate("sr-Latn", text)
    cyr = sr_checker.check(text)
    lat = sr_checker.check(latin)
    assert [(a.kind, a.reason) for a in cyr.anomalies] == [(a.kind, a.reason) for a in lat.anomalies] == []


def test_serbian_cyrillic_error_is_found_at_its_offsets_in_the_original_text(sr_checker):
    text = "Влада је је усвојила нови закон о народном образовању."
    found = [(a.kind, a.start, a.end, text[a.start:a.end]) for a in sr_checker.check(text).anomalies]
    assert found == [("repetition", 8, 11, " је")]  # the doubled word, and no 'reads as mk'


def test_serbian_cyrillic_text_is_identified_as_serbo_croatian():
    assert detect_language(SR_CYRL_LONGER)[0] == "sh"
    assert detect_language(transliterate("sr-Latn", SR_CYRL_LONGER))[0] == "sh"


def test_serbian_cyrillic_words_have_their_latin_frequency():
    sh = get_lexicon("sh")
    for cyr in ("влада", "образовању", "Београду", "следеће"):
        lat = transliterate("sr-Latn", cyr)
        assert sh.zipf(cyr) == sh.zipf(lat) == wordfreq.zipf_frequency(cyr, "sh") >= 3.0, cyr


def test_serbian_cyrillic_word_counts_for_serbo_croatian_only_in_the_foreign_index():
    idx = get_foreign_index()
    cyr, lat = idx.lookup("влада"), idx.lookup("vlada")
    assert cyr["sh"] == lat["sh"]
    assert "mk" in cyr  # Macedonian writes the same word in Cyrillic
    assert "sl" in lat and "sl" not in cyr  # Slovene has 'vlada', never in Cyrillic
    # wordfreq transliterates Russian letters too, but a word with them is no Serbian word
    assert "sh" in idx.lookup("javili") and "sh" not in idx.lookup("явили")


def test_serbian_cyrillic_words_are_scored_in_latin_by_the_letter_model_and_the_ngram_model():
    cm = get_char_model("sh")
    assert cm.score("образовању") == cm.score("obrazovanju")
    lm = load_lm("ngram", "sh")
    assert lm.vocab_count("влада") == lm.vocab_count("vlada") > 0


@pytest.mark.parametrize("ekavian, ijekavian", [("седећи", "sjedeći"), ("sedeći", "sjedeći"),
                                                 ("излечити", "izliječiti"), ("uspešnost", "uspješnost")])
def test_serbian_ekavian_form_is_a_known_word(ekavian, ijekavian):
    # wordfreq's sh list is mostly ijekavian (Croatian, Bosnian): standard Serbian's ekavian form
    # counts with the frequency of the same word's ijekavian spelling
    assert wordfreq.zipf_frequency(ekavian, "sh") == 0.0
    assert get_lexicon("sh").zipf(ekavian) == wordfreq.zipf_frequency(ijekavian, "sh") >= 3.0


def test_serbian_ekavian_word_missing_from_the_list_is_not_flagged(sr_checker):
    text = "Старица је седећи крај прозора чекала унуке."
    for t in (text, transliterate("sr-Latn", text)):
        assert [(a.text, a.kind) for a in sr_checker.check(t).anomalies] == [], t


@pytest.mark.parametrize("word", ["tjelo", "tjela", "nene", "mlieko"])
def test_ijekavian_slip_is_not_taken_for_an_ekavian_word(word):
    # only ekavian e is read as the ijekavian yat: a je/ije slip ('tjelo' for 'tijelo') and a
    # word that would need the letter nj ('nene' is no 'njene') stay unknown
    assert get_lexicon("sh").zipf(word) == 0.0


def test_common_serbian_word_keeps_its_own_frequency():
    sh = get_lexicon("sh")
    for word in ("vreme", "време", "reka", "mleko", "vrijeme"):
        assert sh.zipf(word) == wordfreq.zipf_frequency(word, "sh") >= 3.0, word


def test_turkish_dotted_and_dotless_capitals_are_known_words():
    tr, idx = get_lexicon("tr"), get_foreign_index()
    for word, same_as in [("IŞIK", "ışık"), ("Irak", "ırak"), ("KIZ", "kız"), ("İstanbul'da", "istanbul'da"),
                          ("İSTANBUL", "istanbul")]:
        assert tr.zipf(word) == tr.zipf(same_as) == wordfreq.zipf_frequency(word, "tr") >= 3.0, word
        assert "tr" in idx.lookup(word), word


def test_turkish_comma_letters_are_the_cedilla_letters():
    assert get_lexicon("tr").zipf("kișinin") == get_lexicon("tr").zipf("kişinin") >= 3.0


@pytest.mark.parametrize("word, bare", [("كَلِمَة", "كلمة"), ("المَدْرَسَةِ", "المدرسة"), ("الحمــــــد", "الحمد"),
                                        ("الحكومــــة", "الحكومة")])
def test_arabic_word_with_vowel_marks_or_tatweel_is_known(word, bare):
    ar = get_lexicon("ar")
    assert ar.zipf(word) == ar.zipf(bare) == wordfreq.zipf_frequency(word, "ar") >= 3.0
    assert "ar" in get_foreign_index().lookup(word)
    assert norm(word) == bare  # every language written in Arabic script drops them


def test_vocalised_arabic_sentence_has_no_unknown_word():
    doc = Checker(lang="ar", model="none").annotate("ذَهَبَ الوَلَدُ إِلَى المَدْرَسَةِ")
    assert [t.text for t in doc.tokens if "lexicon" in t.evidence] == []


@pytest.mark.parametrize("cedilla, comma", [("şi", "și"), ("ţară", "țară"), ("Preşedintele", "președintele"),
                                            ("investiţii", "investiții")])
def test_romanian_cedilla_letters_are_known_as_the_comma_letters(cedilla, comma):
    ro = get_lexicon("ro")
    assert ro.zipf(cedilla) == ro.zipf(comma) == wordfreq.zipf_frequency(cedilla, "ro") >= 3.0


def test_romanian_sentence_with_cedilla_letters_is_clean():
    text = "Preşedintele a spus că ţara are nevoie de investiţii şi de reforme."
    assert [(a.text, a.kind) for a in Checker(lang="ro").check(text).anomalies] == []


@pytest.mark.parametrize("word, lang", [
    ("схваташ", "sh"), ("ОБРАЗОВАЊУ", "sh"), ("Đorđe", "sh"), ("HAKKINDA", "tr"), ("İSTANBUL", "tr"),
    ("kișinin", "tr"), ("ACELAŞI", "ro"), ("كَلِمَة", "ar"), ("الحمــــــد", "ar"), ("فارسی", "fa"),
    ("שָׁלוֹם", "he"), ("natu\u0308rlich", "de"), ("groß", "de"), ("λέξις", "el"), ("Ｕターン", "ja"),
    ("\u1102\u1161\u11c0\u1106\u1161\u11af", "ko"), ("Word", "en"), ("WORD", "tr")])
def test_lookup_key_is_wordfreqs_preprocessing(word, lang):
    lex = get_lexicon(lang)
    assert lex.norm(word) == norm(word, lang) == preprocess_text(word, lang)
    assert lex.norm(lex.norm(word)) == lex.norm(word)


def test_curly_apostrophes_are_looked_up_straight():
    assert norm("l’Italia", "it") == norm("l\u02bcItalia", "it") == "l'italia"
    assert get_lexicon("en").zipf("don’t") == get_lexicon("en").zipf("don't") > 5
