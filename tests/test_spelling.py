"""The noisy-channel search for what a misspelling was meant to be (checker.spelling)."""
from checker.spelling import (COST_DIACRITIC, COST_SUBSTITUTE, SpellIndex, edits1, get_spell_index,
                              skeleton)
from checker.lexicon import get_lexicon


def test_skeleton_drops_diacritics_and_is_idempotent():
    assert skeleton("Kamarádky") == "kamaradky"
    assert skeleton("їжак") == "іжак"  # ї -> і (a diaeresis), not a different letter
    assert skeleton("Łódź") == "lodz"
    for w in ("Předpokládám", "façade", "Straße", "ёлка"):
        assert skeleton(skeleton(w)) == skeleton(w)


def test_dropped_diacritics_are_restored_first():
    cs = get_spell_index("cs")
    best = cs.best("kamaradky")
    assert (best.word, best.edit) == ("kamarádky", "diacritic")
    assert cs.best("tyden").word == "týden"
    assert cs.variant("tyden")[0] == "týden"
    assert get_spell_index("es").best("faciles").word == "fáciles"


def test_one_edit_plus_diacritics_is_found():
    # 'prochazka' is one diacritic from 'procházka'; 'prochazku' also needs no real edit, but a
    # word with one real edit and a dropped diacritic is found through the skeleton index
    cs = get_spell_index("cs")
    c = {x.word for x in cs.candidates("nejvic", limit=10)}
    assert "nejvíc" in c
    assert "předpokládám" in {x.word for x in cs.candidates("Předpokladam")}


def test_cheap_slips_cost_less_than_arbitrary_substitutions():
    cs = get_spell_index("cs")
    assert cs.cost("tyden", "týden") == (COST_DIACRITIC, "diacritic")
    assert cs.cost("bit", "byt")[1] == "phonetic"  # i/y sound alike in Czech
    assert cs.cost("xpz", "xaz")[0] == COST_SUBSTITUTE
    en = get_spell_index("en")
    assert en.cost("recieve", "receive")[1] == "transpose"
    assert en.cost("accomodate", "accommodate")[1] == "double"
    assert en.cost("thw", "the")[1] == "keyboard"  # w and e are neighbours on QWERTY


def test_typos_of_common_words_outscore_rare_real_words():
    en = get_spell_index("en")
    assert en.best("recieve").score > 2.5
    assert en.best("teh").word == "the"
    # a garble has nothing cheap to be a slip of
    best = en.best("idingere")
    assert best is None or best.score < 1.0


def test_candidates_are_deterministic_and_never_the_word_itself():
    cs = get_spell_index("cs")
    a = [(c.word, c.cost) for c in cs.candidates("otevřila", limit=20)]
    b = [(c.word, c.cost) for c in cs.candidates("otevřila", limit=20)]
    assert a == b and "otevřila" not in [w for w, _ in a]


def test_work_per_word_is_bounded():
    cs = get_spell_index("cs")
    assert cs.candidates("a" * 10_000) == []


def test_edits1_is_sorted_and_excludes_the_word():
    e = edits1("ab", "abc")
    assert e == sorted(e) and "ab" not in e and "b" in e and "ba" in e and "abc" in e


def test_index_on_a_tiny_lexicon():
    lex = get_lexicon("en")
    idx = SpellIndex("en", lex, {"cafe": "café"})
    assert idx.variant("cafe") == ("café", round(lex.zipf("café"), 2))


def test_a_stuttered_syllable_is_one_slip():
    from checker.spelling import COST_INDEL
    best = get_spell_index("en").best("becacause")
    assert (best.word, best.cost, best.edit) == ("because", COST_INDEL, "double")


def test_rare_inflections_from_the_full_form_dictionary_are_candidates():
    import pytest
    from wordfreq import zipf_frequency
    from checker.morphology import known_form
    if known_form("uk") is None:
        pytest.skip("pymorphy3 Ukrainian dictionary not installed")
    # a future-tense form no frequency list holds; two swapped letters in it
    assert zipf_frequency("розмальовуватиму", "uk") == 0.0 and known_form("uk")("розмальовуватиму")
    best = get_spell_index("uk").best("розмальовувтаиму")
    assert (best.word, best.edit) == ("розмальовуватиму", "transpose")


def test_dictionary_walk_finds_exactly_the_one_edit_forms_a_lookup_would():
    # pins the DAWG adapter in checker.morphology against plain membership tests
    import pytest
    from checker.morphology import analyzer, near_forms
    m = analyzer("uk")
    if m is None:
        pytest.skip("pymorphy3 Ukrainian dictionary not installed")
    alphabet = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'"
    near = near_forms("uk", alphabet)
    for w in ("перемгоа", "книжкаа", "вулицв", "мвсто", "сонцее", "xyz"):
        want = sorted(e for e in edits1(w, alphabet) if e in m.dictionary.words)
        assert near(w) == want, w
    assert "перемога" in near("перемгоа")
