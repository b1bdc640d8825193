"""Evidence the signals attach for real-world errors: typos of common words (capitalised ones
too), words translators do not keep, misspelt names, half-translated compounds, full-form
dictionaries. These test the evidence, not the calibrated verdict (see test_checker.py)."""
import pytest

from checker import Checker
from checker.document import word_counts
from checker.lexicon import get_lexicon
from checker.morphology import describe, known_form
from checker.translation import get_translation_stats


def _ev(chk, text, word, source=None, source_lang=None, context=None):
    doc = chk.annotate(text, source, source_lang, context=context)
    return next(t.evidence for t in doc.tokens if t.text == word)


@pytest.fixture(scope="module")
def cs():
    return Checker("cs", threshold=0.0)


@pytest.fixture(scope="module")
def de():
    return Checker("de", threshold=0.0)


def test_dropped_diacritic_names_the_intended_word(cs):
    lx = _ev(cs, "Včera jsem byl s kamaradky v kině.", "kamaradky")["lexicon"]
    assert (lx["typo"], lx["typo_edit"]) == ("kamarádky", "diacritic")
    assert lx["variant"] == "kamarádky" and lx["typo_score"] > 3
    assert "a diacritic away from 'kamarádky'" in lx["note"]


def test_capitalised_sentence_start_is_still_checked_for_typos(cs):
    ev = _ev(cs, "Předpokladam, že to bude dobré.", "Předpokladam")
    assert ev["names"]["cap_initial"]
    assert ev["lexicon"]["typo"] == "předpokládám"


def test_a_garble_has_no_cheap_typo_reading():
    en = Checker("en", threshold=0.0)
    lx = _ev(en, 'Kim Jong-un "idingere the decision" to transfer soldiers.', "idingere")["lexicon"]
    assert lx["neighbour"] is None and lx["typo_score"] < 1.0


def test_translators_statistics_tell_kept_names_from_untranslated_words(de):
    src = "Police said on Monday that Biden had met the government."
    text = "Die Polizei teilte am Monday mit, dass Biden die Regierung getroffen habe."
    monday = _ev(de, text, "Monday", src, "en")["names"]
    assert monday["in_source"] and monday["copy_rate"] < 0.05 and monday["translation"] == "Montag"
    # 'Biden' is common in German text and translators keep it: not even a candidate
    assert get_translation_stats("en", "de").lookup("Biden").copy_rate > 0.9
    assert "names" not in _ev(de, text, "Biden", src, "en")
    # 'monday' is Zipf 3.1 in German word lists (web leakage): examined because translators
    # never keep it, not because it is rare
    assert monday["src_suspect"] and "lexicon" in _ev(de, text, "Monday", src, "en")


def test_without_statistics_for_the_pair_a_source_word_is_just_in_the_source(de):
    assert get_translation_stats("en", "xx") is None
    nm = _ev(de, "Der Zorvant kam.", "Zorvant", "The Zorvant came.", "en")["names"]
    assert nm["in_source"] and nm["copy_rate"] is None


def test_untranslated_word_is_suggested_its_usual_translation(de):
    r = de.check("Die Polizei teilte am Monday mit, dass die Straße gesperrt sei.",
                 "Police said on Monday that the road was closed.", "en")
    a = next(a for a in r.anomalies if a.text == "Monday")
    assert a.kind == "untranslated"
    assert a.suggestions and a.suggestions[0].text == "Montag"
    assert "translators keep it in 0% of" in a.reason and "usually 'Montag'" in a.reason


def test_misspelt_name_beside_its_recurring_spelling_is_a_document_variant():
    uk = Checker("uk", threshold=0.0)
    lines = ["Берліоза ніхто не бачив.", "Тоді Берліоза пішов додому.", "Барліоза шукали всі.",
             "Берліозу дали книгу."]
    ctx = word_counts(lines)
    assert _ev(uk, lines[2], "Барліоза", context=ctx)["names"]["doc_variant"] == "берліоза"
    # another case ending of the same name is an inflection, not a variant
    assert _ev(uk, lines[3], "Берліозу", context=ctx)["names"]["doc_variant"] is None


@pytest.mark.skipif(known_form("uk") is None, reason="pymorphy3 Ukrainian dictionary not installed")
def test_full_form_dictionary_knows_inflections_and_hyphenated_words():
    known = known_form("uk")
    assert known("розвіялись") and known("прямо-таки") and known("інтерв’юер")
    assert not known("користовуч") and not known("мокасінах")
    assert known_form("cs") is None and describe("cs") is None
    assert describe("uk").startswith("pymorphy3-dicts-uk-")


def test_half_translated_compound_is_found_and_real_compounds_are_not():
    de_lex, en_lex = get_lexicon("de"), get_lexicon("en")
    assert de_lex.half_foreign("Markenpartnering", en_lex) == ("marken", "partnering")
    assert de_lex.half_foreign("Sectarianweise", en_lex) == ("sectarian", "weise")
    for w in ("Pressekonferenz", "Arbeitsmeeting", "Teammitglieder", "Kernkraftwerk"):
        assert de_lex.half_foreign(w, en_lex) is None, w


def test_stress_mark_is_not_a_misspelling():
    uk = Checker("uk", threshold=0.0)
    assert "lexicon" not in _ev(uk, "Він не бачив цього о́бразу раніше.", "о́бразу")


def test_capitalised_unknown_word_with_nothing_in_the_source_is_unsupported():
    ru = Checker("ru", threshold=0.0)
    text, src = "Лиггинс и Голдаст встретили Пунударота в Москве.", "Liggins and Goldust met someone in Moscow."
    # names come over from the source, transliterated or not; a garble answers to nothing
    assert not _ev(ru, text, "Лиггинс", src, "en")["names"]["unsupported"]
    assert not _ev(ru, text, "Голдаст", src, "en")["names"]["unsupported"]
    assert _ev(ru, text, "Пунударота", src, "en")["names"]["unsupported"]
    cs = Checker("cs", threshold=0.0)
    # an inflected name still answers to the source's
    assert not _ev(cs, "Ligginsovi pomohl Erogineh.", "Ligginsovi", "Erogineh helped Liggins.", "en")["names"]["unsupported"]
    # without a source there is no such evidence
    assert not _ev(ru, text, "Пунударота")["names"]["unsupported"]


def test_word_cut_short_names_the_word_it_begins():
    sv = get_lexicon("sv")
    word, zipf = sv.completion_of("utveckl")
    assert word.startswith("utveckl") and len(word) >= len("utveckl") + 2 and zipf > 3
    assert sv.completion_of("xqzv") is None


def test_capitalised_title_kept_word_for_word_from_the_source_is_a_name(de):
    text = "Im Black History Month zeigte Shark Tank am Monday neue Folgen."
    src = "During Black History Month Shark Tank showed new episodes on Monday."
    assert _ev(de, text, "Month", src, "en")["names"]["src_title"]
    assert _ev(de, text, "Shark", src, "en")["names"]["src_title"]
    assert not _ev(de, text, "Monday", src, "en")["names"]["src_title"]


def test_a_lone_lower_case_english_word_in_cyrillic_text_is_evidence_and_names_are_not():
    from checker.detector import features
    uk = Checker("uk", threshold=0.0)

    def feat(text, word):
        doc = uk.annotate(text)
        return features(next(t for t in doc.tokens if t.text == word))["alien_common"]

    assert feat("Президент попросив assist у партнерів і отримав його.", "assist") > 0.5
    # a brand, a camel-cased name, and a quoted English title are how Latin words belong there
    assert feat("Президент купив Apple у магазині біля дому.", "Apple") == 0.0
    assert feat("Він купив iPod у магазині біля дому.", "iPod") == 0.0
    assert feat("Фільм «Dawn of the Dead» вийшов у 2004 році.", "the") == 0.0
