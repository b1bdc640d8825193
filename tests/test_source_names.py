"""The source-aware name check (signals/source_names.py): a name of the source written with a
slip in the target is reported with the source's spelling; inflections, transliterations and
local spellings of the name are not."""
from __future__ import annotations

import pytest

from checker import Checker
from checker.signals.source_names import MAX_NAMES, is_form, slip, source_names
from checker.lexicon import get_lexicon


def _names(target: str, source: str, lang: str, source_lang: str = "en") -> list[tuple[str, str]]:
    rep = Checker(lang=lang).check(target, source=source, source_lang=source_lang)
    return [(a.text, a.suggestions[0].text) for a in rep.anomalies if a.kind == "name"]


@pytest.mark.parametrize("target,lang,expected", [
    ("Premierminister Jonhson traf Macorn in Paris.", "de", [("Jonhson", "Johnson"), ("Macorn", "Macron")]),
    ("Premiér Jonhson se setkal s Macronem.", "cs", [("Jonhson", "Johnson")]),
    ("Premiér Johnsno se setkal s Macronem.", "cs", []),
    ("Premierminister Johnson traf Macorn-Berater.", "de", [("Macorn", "Macron")]),  # a part of a compound  # a slip in the last two letters reads as an inflection
])
def test_a_name_with_a_slip_is_reported_with_the_source_spelling(target, lang, expected):
    assert _names(target, "Prime Minister Johnson met Macron in Paris.", lang) == expected


@pytest.mark.parametrize("target,source,lang,source_lang", [
    ("Premiér Johnson se setkal s Macronem.", "Prime Minister Johnson met Macron.", "cs", "en"),   # inflection
    ("Präsident Selenskyj sprach in Bischkek.", "President Zelensky spoke in Bishkek.", "de", "en"),  # transliterations
    ("Prezident navštívil Biškek.", "The president visited Bishkek's centre.", "cs", "en"),        # possessive, local spelling
    ("President Erdoğan spoke.", "Prezident Erdoğanem mluvil.", "en", "cs"),                          # the source inflects
    ("Die Wi-Fi-Verbindung.", "The WiFi connection.", "de", "en"),                                   # hyphen
])
def test_forms_and_spellings_of_a_name_are_not_reported(target, source, lang, source_lang):
    assert _names(target, source, lang, source_lang) == []


def test_a_common_word_of_the_target_is_no_misspelt_name():
    # 'Parlament' is one letter from 'Parliament', but a word of German
    assert _names("Das Parlament stimmte zu.", "The vote in Parliament passed.", "de") == []


def test_sentence_initial_and_common_capitalised_words_are_not_names():
    lex = get_lexicon("en")
    assert source_names("Johnson met the President in London.", "en", lex) == []
    assert source_names("Then Johnson met Macron.", "en", lex) == ["Johnson", "Macron"]


def test_forms_and_slips():
    assert is_form("johnsona", "johnson") and is_form("erdoğan", "erdoğanem")
    assert slip("jonhson", "johnson") and not slip("johnsonovi", "johnson")


def test_work_is_bounded_by_the_number_of_source_names():
    source = "Then " + " ".join(f"Zorbax{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(200)) + "."
    assert len(source_names(source, "en", get_lexicon("en"))) == MAX_NAMES


def test_without_a_source_names_are_not_compared():
    rep = Checker(lang="de").check("Premierminister Jonhson traf Macorn.")
    assert not [a for a in rep.anomalies if a.kind == "name"]


@pytest.mark.parametrize("target,source", [
    ("Von Juni-August wurden 207 Studenten festgenommen.", "From June-August 207 students were arrested."),
    ("Ein Rekord für die westliche Hemisphäre.", "A record for the Western Hemisphere."),
])
def test_words_of_the_target_language_are_not_misspelt_names(target, source):
    # words joined by a hyphen; a rare noun in a language that capitalises every noun
    assert _names(target, source, "de") == []


def test_the_fix_keeps_the_target_s_inflection():
    from checker.signals.source_names import _fix
    assert _fix("Jonhsona", "Johnson") == "Johnsona"
    assert _fix("Frrancie", "France") == "Francie"
    assert _fix("Macorn", "Macron") == "Macron"
    assert _fix("Johnsson", "Johnson") == "Johnson"
