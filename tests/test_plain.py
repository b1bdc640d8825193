"""The plain-line shortcut (checker.plain) and the simple tokenizer behind it: the same answers as
the full path, on real text and on every kind of anomaly."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker import Checker
from checker.document import _SENT_END_RE, _TOKEN_RE, Document, simple_tokenizer
from checker.languages import scripts_of
from checker.signals import DEFAULT_PIPELINE, register
from checker.signals.base import Signal

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "corpora" / "news"

# every kind of anomaly the default pipeline reports, each in an otherwise plain line
NOT_PLAIN = [
    "The the cat sat on the mat.",  # doubled word
    "in the city in the city we live",  # a loop
    "He said it was an idingere decision.",  # non-word
    "The goverment said so.",  # misspelling
    "The cat\u200b sat.",  # invisible character
    "The cat\x07 sat.",  # control character
    "The cat sat on the mat\ufffd.",  # replacement character
    "The Ð¼Ð¸Ñ\u0080 is here.",  # mojibake
    "The кот sat.",  # another script
    "Visit www.example.com today.",  # URL
    "Write to a@b.com now.",  # e-mail
    "The <b>cat</b> sat.",  # markup
    "The cat sat. Die Katze saß auf der Matte und schlief dort ein.",  # a German sentence
]


def _full(chk: Checker, line: str, lang: str):
    doc = chk.annotate(line, lang=lang)
    return chk.detector(doc, chk.threshold), sum(1 for t in doc.tokens if t.is_word)


def _real_lines(lang: str, n: int = 400) -> list[str]:
    p = NEWS / f"{lang}.txt"
    if not p.is_file():
        pytest.skip(f"{p} not available")
    return [ln for ln in p.read_text(encoding="utf-8").splitlines()[:n] if ln.strip()]


@pytest.mark.parametrize("lang", ["en", "cs", "uk", "de"])
def test_a_plain_real_line_has_the_full_paths_word_count_and_nothing_to_report(lang: str) -> None:
    chk = Checker(lang=lang)
    plain = chk._plain_lines(lang)
    assert plain is not None
    seen = 0
    for line in _real_lines(lang):
        n = plain.words(line)
        if n is None:
            continue
        seen += 1
        anomalies, words = _full(chk, line, lang)
        assert anomalies == [] and words == n, line
    assert seen >= 50  # the shortcut is taken on real text, not only on toy lines


def test_a_line_with_something_to_report_is_never_plain(en_checker: Checker) -> None:
    plain = en_checker._plain_lines("en")
    for line in NOT_PLAIN:
        anomalies, _ = _full(en_checker, line, "en")
        if anomalies:
            assert plain.words(line) is None, line
            assert en_checker.check(line).anomalies, line


def test_check_gives_the_same_report_with_and_without_the_shortcut(en_checker: Checker) -> None:
    lines = [ln for ln in (ROOT / "corpora" / "samples" / "harbour.en.txt").read_text(encoding="utf-8").splitlines()
             if ln.strip()] + NOT_PLAIN + ["The cat sat on the mat.", "It was a good year for the city."]
    for line in lines:
        rep = en_checker.check(line, lang="en")
        anomalies, words = _full(en_checker, line, "en")
        assert [(a.start, a.end, a.kind) for a in rep.anomalies] == [(a.start, a.end, a.kind) for a in anomalies]
        assert rep.words == words


def test_a_line_with_a_source_takes_the_full_path() -> None:
    # 'Monday' is common in German word lists, so the line is plain German; only the source (and
    # translators' statistics) makes it a suspect: an untranslated word
    de = Checker(lang="de")
    line = "Am Monday hat der Rat entschieden."
    assert de._plain_lines("de").words(line) == 6
    rep = de.check(line, source="On Monday the council decided.", source_lang="en")
    assert [(a.text, a.kind) for a in rep.anomalies] == [("Monday", "untranslated")]


@register("_test_flags_cat")
class _FlagsCat(Signal):
    """A signal that reports a common word (as a context model may): it does not declare itself
    quiet on plain lines."""
    assigns = ("script",)

    def __call__(self, doc: Document) -> None:
        for t in doc.tokens:
            if t.text == "cat":
                t.evidence["script"] = {"anomaly": "test", "note": "a cat"}


def test_a_signal_that_may_report_common_words_turns_the_shortcut_off() -> None:
    chk = Checker(lang="en", pipeline=(*[s for s in DEFAULT_PIPELINE if s != "context"], "_test_flags_cat"))
    assert chk._plain_lines("en") is None
    assert [a.text for a in chk.check("The cat sat on the mat.").anomalies] == ["cat"]


EDGE_CASES = [
    "The U.S. and the E.U. met at 5.30 p.m. on the 5th.", "COVID-19 cases rose 3.5% to 1,200,000.",
    "Don’t go; it’s a well-known e-mail. “Yes,” he said. (Really?) «Non.» —Done… 10:30/11",
    "He left.  She stayed.\u00a0Then 2022 came. 'Quoted.' \"Next\" one. [Bracket] ends.",
    "x+1=2, -5 and +7; 5thousand 19th-century a5 5a", "www. example", "a_b __init__ `code` ~tilde~ {x}|y",
    "Předseda vlády řekl, že to je „důležité“.", "Прем'єр-міністр заявив: «Це важливо».",
    "Vláda schválila 3,5% růst. Ministr řekl: „Ano.“ Další věta přišla v 10:30.",
    "Ve čtvrtek 5. května to bylo jinak… A co dál? Nikdo neví!", "Čeští a slovenští poslanci (ODS) se sešli.",
    "Уряд ухвалив закон. Міністр сказав, що 5-й пункт важливий.", "У 2022 році – війна; «Так», — сказав він.",
    "Зв’язок п'ять разів… Далі? Ніхто не знає!", "Компанія «Укрзалізниця» перевезла 3,5 млн осіб.",
    "Він пішов.  Вона лишилася.\u00a0Потім прийшов 2023-й.",
]


@pytest.mark.parametrize("lang", ["en", "cs", "uk"])
def test_the_simple_tokenizer_finds_the_full_tokenizers_tokens_and_sentences(lang: str) -> None:
    tok = simple_tokenizer(frozenset(scripts_of(lang)))
    lines = EDGE_CASES + (_real_lines(lang, 2000) if (NEWS / f"{lang}.txt").is_file() else [])
    compared = 0
    for line in lines:
        got = tok.tokens(line)
        if got is None:
            continue
        compared += 1
        want = ([(m.start(), m.end(), m.group(), m.lastgroup) for m in _TOKEN_RE.finditer(line)],
                [m.end() for m in _SENT_END_RE.finditer(line)])
        assert got == want, line
    assert compared >= 5


def test_the_simple_tokenizer_declines_text_it_cannot_tokenise_exactly() -> None:
    tok = simple_tokenizer(frozenset(scripts_of("en")))
    for line in ["see http://x.org", "www.x.org", "a@b.c", "#tag", "<b>", "&amp;", "smile 🙂", "кот",
                 "zero\u200bwidth", "ctrl\x07", "日本", "combining e\u0301"]:
        assert tok.tokens(line) is None, line
