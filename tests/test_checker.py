"""Behaviour of the Python API on made-up text (no ../shared needed)."""
import pytest

from checker import Checker
from checker.errors import LanguageError


def kinds(report):
    return {(a.text.strip(), a.kind) for a in report.anomalies}


def test_names_acronyms_and_hyphenated_names_are_not_errors(en_checker):
    r = en_checker.check("Army chief Valery Gerasimov told KCNA that Kim Jong-un and Vladimir Putin met in Pyongyang.")
    assert r.anomalies == []


def test_doubled_word_deletion_restores_text(en_checker):
    text = "The minister said that the the budget would be cut."
    r = en_checker.check(text)
    (a,) = r.anomalies
    assert a.kind == "repetition"
    assert text[:a.start] + a.suggestions[0].text + text[a.end:] == "The minister said that the budget would be cut."


def test_normal_doubles_are_not_flagged(en_checker):
    assert en_checker.check("By then the company had had three chief executives in a year.").anomalies == []


def test_stray_script_and_homoglyph(en_checker):
    r = en_checker.check("Prices rose sharply in Mоscow and the мэрия said nothing.")  # Cyrillic о in Moscow
    got = kinds(r)
    assert ("Mоscow", "script") in got and ("мэрия", "script") in got


def test_control_and_replacement_characters(en_checker):
    r = en_checker.check("The vote\u0007 was held on Sunday \ufffd in the capital.")
    assert [a.kind for a in r.anomalies] == ["script", "script"]


def test_foreign_word_in_english(en_checker):
    r = en_checker.check("Staffing shortages had sowieso worsened since the pandemic.")
    assert ("sowieso", "foreign") in kinds(r)


def test_non_word_gets_suggestions_that_fit(en_checker):
    r = en_checker.check("The government said it had taken the decisoin to raise taxes.")
    (a,) = r.anomalies
    assert a.text == "decisoin" and a.kind in ("misspelling", "non-word")
    assert a.suggestions[0].text == "decision"
    assert all(0.0 <= s.score <= 1.0 for s in a.suggestions)


def test_untranslated_word_from_source():
    chk = Checker(lang="de")
    r = chk.check("Die Wahlhelfer seien however zu spät informiert worden.",
                  source="The poll workers were however informed too late.", source_lang="en")
    assert ("however", "untranslated") in kinds(r)


def test_allowlist_suppresses(en_checker):
    chk = Checker(lang="en", allowlist=["zorvanted"])
    assert chk.check("Members had zorvanted guarantees.").anomalies == []
    assert [a.text for a in en_checker.check("Members had zorvanted guarantees.").anomalies] == ["zorvanted"]


def test_language_detection_when_not_given():
    chk = Checker(lang=None)
    r = chk.check("Die Regierung hat am Dienstag neue Regeln für die Wahl beschlossen.")
    assert r.lang == "de"


def test_unsupported_language_lists_supported():
    with pytest.raises(LanguageError) as e:
        Checker(lang="tlh")
    assert "supported:" in e.value.message and " de " in e.value.message


def test_language_aliases():
    assert Checker(lang="pt-BR", model="none").lang == "pt"
    assert Checker(lang="zh-Hans", model="none").lang == "zh"


def test_report_dict_and_signature(en_checker):
    r = en_checker.check("Members had zorvanted guarantees.")
    d = r.to_dict()
    assert d["signature"].startswith("checker:") and "|lm:" in d["signature"] and "|thr:" in d["signature"]
    assert d["anomalies"][0]["text"] == "zorvanted"


def test_check_many_streams_in_order(en_checker):
    texts = ["The the cat.", "All fine here.", ("He had zorvanted it.", "Er hatte es verlangt.")]
    reps = list(en_checker.check_many(texts, source_lang="de"))
    assert [len(r.anomalies) for r in reps] == [1, 0, 1]


@pytest.mark.parametrize("lang,text", [
    ("ru", "Правительство объявило о новых мерах поддержки экономики."),
    ("zh", "政府宣布了支持经济的新措施。"),
    ("ar", "أعلنت الحكومة عن إجراءات جديدة لدعم الاقتصاد."),
    ("he", "הממשלה הודיעה על צעדים חדשים לתמיכה בכלכלה."),
    ("ja", "ＮＡＴＯとＧ７の首脳が会談した。"),  # fullwidth Latin is ordinary Japanese typography
])
def test_clean_sentences_in_other_scripts(lang, text):
    assert Checker(lang=lang).check(text).anomalies == []


_BRANDS_EN = "He drives an Audi and works at Google."


@pytest.mark.parametrize("lang,text,source", [
    ("uk", "Він їздить на Audi і працює в Google.", _BRANDS_EN),
    ("ru", "Он ездит на Audi и работает в Google.", _BRANDS_EN),
    ("ar", "يعمل في Google ويقود Audi.", _BRANDS_EN),
    ("zh", "他在Google工作，开Audi。", _BRANDS_EN),
    # capitalised only at the start of the source sentence, still written so there
    ("uk", "Компанія Apple представила новий телефон у вівторок.", "Apple unveiled a new phone on Tuesday."),
])
def test_brands_kept_in_latin_letters_are_not_untranslated(lang, text, source):
    # checked against the source: names and brands stay in their own script in these languages
    r = Checker(lang=lang).check(text, source=source, source_lang="en")
    assert r.anomalies == []


def test_a_lone_english_word_in_ukrainian_is_flagged():
    r = Checker(lang="uk").check("Президент попросив assist у партнерів і отримав його швидко.")
    assert [a.text for a in r.anomalies] == ["assist"]


def test_a_mixed_script_fix_is_the_same_in_every_process() -> None:
    # one Latin and one Cyrillic letter: the reading the lexicon knows better wins, whatever
    # order a set of the two scripts has under the process's hash seed
    import os
    import subprocess
    import sys

    code = ("from checker import Checker; c = Checker(lang='uk'); "
            "print([s.text for a in c.check('Це МS і Рy.').anomalies for s in a.suggestions])")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "2", "3")}
    assert outs == {"['MS', 'Ру']\n"}
