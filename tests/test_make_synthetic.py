"""The synthetic benchmark's generator (bench/make_synthetic.py), offline.

Tiny clean/source lines are built here; nothing under /work/shared is read (the news and FLORES
folders are pointed at a missing path, so the generator's case evidence falls back to wordfreq
alone).  wordfreq's bundled word lists are used.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import make_synthetic as ms  # noqa: E402

LINES: dict[str, tuple[list[str], list[str]]] = {
    "de": (["Die Regierung hat am Montag eine neue Pressekonferenz in der Hauptstadt angekündigt.",
            "Nach dem Treffen sagte der Bürgermeister, dass die Zeitpunkt der Entscheidung noch offen sei.",
            "Der Ausschuss wird die Vorgehensweise im nächsten Monat gründlich überprüfen."],
           ["The government announced a new press conference in the capital on Monday.",
            "After the meeting the mayor said that the timing of the decision was still open.",
            "The committee will thoroughly review the approach next month."]),
    "en": (["The committee announced on Monday that the new bridge will open next spring.",
            "Scientists believe that the unusual weather caused severe flooding across the region."],
           ["Der Ausschuss gab am Montag bekannt, dass die neue Brücke im nächsten Frühjahr eröffnet wird.",
            "Wissenschaftler glauben, dass das ungewöhnliche Wetter schwere Überschwemmungen in der Region verursachte."]),
    "cs": (["Vláda v pondělí oznámila, že nový most bude otevřen příští jaro.",
            "Vědci předpokládají, že neobvyklé počasí způsobilo rozsáhlé záplavy v celém regionu."],
           ["The government announced on Monday that the new bridge will open next spring.",
            "Scientists believe that the unusual weather caused extensive flooding across the region."]),
}
#: A tiny hand-made error model in the format of bench/error_model.json.
MODEL = {"langs": {"cs": {
    "tokens": 100, "classes": {"diacritic-dropped": 60, "diacritic-added": 20, "substitution": 20},
    "positions": {"first": 5, "middle": 60, "last": 35},
    "sub_pairs": [["y", "i", 10], ["i", "y", 8]], "diacritic_pairs": [["á", "a", 30], ["í", "i", 20]],
    "diacritic_drop_all": 5, "keyboard_subs": 4, "case": {"lower": 90, "cap_initial": 8, "cap_mid": 2},
}}}


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No corpora: the case counts come from a missing folder (empty), caches cleared; one
    foreign donor language per target keeps wordfreq loading short."""
    monkeypatch.setattr(ms, "NEWS_DIR", tmp_path / "no-news")
    monkeypatch.setattr(ms, "FLORES_DIR", tmp_path / "no-flores")
    monkeypatch.setattr(ms, "FOREIGN_DONORS", {**ms.FOREIGN_DONORS, "de": ("it",), "en": ("it",), "cs": ("pl",)})
    caches = (ms.case_counts, ms.wrong_word_pool, ms.foreign_pool)
    for c in caches:
        c.cache_clear()
    yield
    for c in caches:
        c.cache_clear()


def context(lang: str, model: Optional[dict] = None) -> ms.Context:
    clean, _ = LINES[lang]
    return ms.make_context(lang, "de" if lang == "en" else "en", clean, model or {})


def inject(lang: str, kind: str, variant: str, cap: bool, model: Optional[dict] = None,
           seeds: int = 20) -> tuple[ms.Injection, str, str]:
    """The first successful injection over the language's lines and a few seeds."""
    ctx = context(lang, model)
    clean, src = LINES[lang]
    for seed in range(seeds):
        for line, src_line in zip(clean, src):
            inj = ms.INJECTORS_V2[kind](line, src_line, random.Random(seed), ctx, variant, cap)
            if inj is not None:
                return inj, line, src_line
    raise AssertionError(f"no {kind}/{variant} cap={cap} injection in {lang}")


def check_exact(inj: ms.Injection, clean: str) -> str:
    """The exactness guarantee of a gold span; returns the span text."""
    text = inj.noisy[inj.start: inj.end]
    assert inj.noisy[: inj.start] + inj.original + inj.noisy[inj.end:] == clean
    assert text and text != inj.original
    assert text == text.strip()
    return text


CASES = [
    ("de", "non-word", "garble"), ("de", "non-word", "truncated"), ("de", "non-word", "subword-merge"),
    ("de", "non-word", "half-compound"),
    ("cs", "misspelling", "diacritic"), ("en", "misspelling", "keyboard"), ("de", "misspelling", "phonetic"),
    ("en", "misspelling", "double"), ("en", "misspelling", "drop"), ("en", "misspelling", "swap"),
    ("en", "misspelling", "edit2"), ("en", "misspelling", "split"), ("en", "misspelling", "merge"),
    ("de", "foreign", "word"), ("de", "untranslated", "single"), ("de", "untranslated", "multi"),
    ("en", "untranslated", "multi"), ("cs", "untranslated", "multi"),
]


@pytest.mark.parametrize("lang,kind,variant", CASES)
def test_every_variant_yields_an_exact_tagged_span(lang: str, kind: str, variant: str) -> None:
    inj, clean, _ = inject(lang, kind, variant, cap=False)
    text = check_exact(inj, clean)
    assert (inj.kind, inj.variant) == (kind, variant)
    if kind in ("non-word", "misspelling") and variant not in ("split",):
        assert ms.zipf(ms.lower_word(text, lang), lang) == 0, text


@pytest.mark.parametrize("lang,kind,variant", [
    ("de", "non-word", "garble"), ("de", "misspelling", "keyboard"), ("en", "misspelling", "swap"),
    ("cs", "misspelling", "diacritic"), ("de", "foreign", "word"), ("de", "untranslated", "single"),
    ("de", "untranslated", "multi"), ("de", "misspelling", "split"),
])
def test_capitalised_injections_are_case_matched_and_tagged(lang: str, kind: str, variant: str) -> None:
    inj, clean, _ = inject(lang, kind, variant, cap=True)
    text = check_exact(inj, clean)
    assert inj.cap is True and inj.original[:1].isupper()
    words = text.split(" ")
    if kind == "untranslated" and not text[:1].isupper():  # "die the Vicinity": the noun after a determiner
        assert variant == "multi" and words[0] in ms.DETERMINERS["en"]
        words = words[1:]
    assert ms.is_title(words[0])


def test_lower_case_slots_are_tagged_uncapitalised() -> None:
    inj, clean, _ = inject("en", "misspelling", "drop", cap=False)
    check_exact(inj, clean)
    assert inj.cap is False and inj.original == inj.original.lower()


def test_diacritic_changes_only_marks() -> None:
    for model in (None, MODEL):  # default rule and the learned one
        for seed in range(10):
            ctx = context("cs", model)
            for line in LINES["cs"][0]:
                inj = ms.inject_misspelling_v2(line, "", random.Random(seed), ctx, "diacritic", False)
                if inj is None:
                    continue
                text = check_exact(inj, line)
                assert ms.fold_marks(text.lower()) == ms.fold_marks(inj.original.lower())
                assert len(text) == len(inj.original)


def test_diacritic_examples_of_the_brief() -> None:
    ctx = context("cs")
    rng = random.Random(0)
    outs = {ms.misspell_diacritic("pondělí", rng, ctx) for _ in range(60)}
    assert "pondelí" in outs and "pondeli" in outs  # one mark dropped, all marks dropped
    de = ms.make_context("de", "en", ["Straße und Grüße"], {})
    assert ms.misspell_diacritic("straße", random.Random(1), de) == "strasse"


def _keyboard_typo(orig: str, typo: str, nb: dict[str, tuple[str, ...]]) -> bool:
    """One letter replaced by a neighbouring key, or a neighbour of a letter typed next to it."""
    if len(typo) == len(orig):
        diff = [i for i, (a, b) in enumerate(zip(orig, typo)) if a != b]
        return len(diff) == 1 and typo[diff[0]] in nb.get(orig[diff[0]], ())
    if len(typo) == len(orig) + 1:
        for i in range(len(typo)):
            if typo[:i] + typo[i + 1:] == orig:
                around = [orig[j] for j in (i - 1, i) if 0 <= j < len(orig)]
                if any(typo[i] in nb.get(c, ()) for c in around):
                    return True
    return False


@pytest.mark.parametrize("lang", ["en", "de", "cs"])
def test_keyboard_uses_a_neighbouring_key(lang: str) -> None:
    ctx = context(lang)
    nb = ms.keyboard_neighbours(lang)
    for seed in range(15):
        for line in LINES[lang][0]:
            inj = ms.inject_misspelling_v2(line, "", random.Random(seed), ctx, "keyboard", seed % 2 == 1)
            if inj is None:
                continue
            text = check_exact(inj, line)
            assert _keyboard_typo(ms.lower_word(inj.original, lang), ms.lower_word(text, lang), nb), (inj.original, text)


def test_keyboard_layouts_are_the_usual_ones() -> None:
    assert set(ms.keyboard_neighbours("en")["s"]) == {"a", "d", "w", "e", "z", "x"}
    assert "y" in ms.keyboard_neighbours("de")["x"] and "z" in ms.keyboard_neighbours("de")["u"]
    assert "a" in ms.keyboard_neighbours("fr")["z"]
    assert "ц" in ms.keyboard_neighbours("ru")["у"]


@pytest.mark.parametrize("lang", ["de", "en", "cs"])
def test_untranslated_multi_covers_two_or_three_source_words(lang: str) -> None:
    for cap in (False, True):
        inj, clean, src = inject(lang, "untranslated", "multi", cap=cap)
        text = check_exact(inj, clean)
        words = text.split(" ")
        assert 2 <= len(words) <= 3
        assert text in src if not cap else text.lower() in src.lower()
        assert 1 <= len(inj.original.split(" ")) <= 3


def test_untranslated_words_pass_only_the_frequency_test() -> None:
    # "capital" is common in German word lists too (zipf 3.8); "government" (3.5 in German,
    # 5.6 in English) and "Monday" (3.1 / 4.8) are web leakage, still far more common in English
    words = [w for w, _ in ms.untranslated_words(LINES["de"][1][0], LINES["de"][0][0], "de", "en")]
    assert {"announced", "government", "Monday"} <= set(words) and "capital" not in words
    assert all(ms.passes_untranslated(w, "de", "en") for w in words)


def test_split_and_merge_cover_both_parts() -> None:
    inj, clean, _ = inject("en", "misspelling", "split", cap=False)
    text = check_exact(inj, clean)
    assert " " in text and text.replace(" ", "") == inj.original
    inj, clean, _ = inject("en", "misspelling", "merge", cap=False)
    text = check_exact(inj, clean)
    assert " " not in text and inj.original.replace(" ", "") == text


def _build(seed: int, lang: str = "de") -> tuple[list[str], list[dict]]:
    clean, src = LINES[lang]
    clean, src = clean * 6, src * 6  # enough lines for every kind
    noisy, gold, _ = ms.build_language(lang, clean, src, "en", clean, seed, "dev", MODEL)
    return noisy, gold


def test_build_is_deterministic_for_a_seed_and_keeps_the_guarantee() -> None:
    a, b = _build(7), _build(7)
    assert a == b
    assert _build(8) != a
    clean = LINES["de"][0] * 6
    noisy, gold = a
    for line, rec in zip(clean, gold):
        for s in rec["spans"]:
            n = noisy[rec["line"]]
            assert n[s["start"]: s["end"]] == s["text"]
            assert n[: s["start"]] + s["original"] + n[s["end"]:] == line
            assert s["variant"] in ms.VARIANTS[s["kind"]] and isinstance(s["cap"], bool)


def test_learned_mix_follows_the_model_and_keeps_every_variant() -> None:
    err = ms.lang_errors(MODEL, "cs")
    assert err is not None and abs(err.cap_share - 0.10) < 1e-9
    mix = ms.variant_weights("misspelling", context("cs", MODEL))
    assert max(mix, key=mix.get) == "diacritic"
    assert set(mix) == set(ms.VARIANTS["misspelling"]) and min(mix.values()) > 0
    assert "diacritic" not in ms.variant_weights("misspelling", context("en"))


def test_apportion_gives_exact_counts() -> None:
    labels = ms.apportion({"a": 0.5, "b": 0.3, "c": 0.2}, 7)
    assert len(labels) == 7 and labels.count("a") in (3, 4) and labels.count("c") in (1, 2)


def test_legacy_generator_writes_the_old_gold_fields_only() -> None:
    clean, src = LINES["de"]
    clean, src = clean * 6, src * 6
    noisy, gold, counts = ms.build_language_legacy("de", clean, src, "en", clean, 3, "dev")
    spans = [s for rec in gold for s in rec["spans"]]
    assert spans and all(set(s) == {"start", "end", "text", "kind", "original"} for s in spans)
    assert sum(counts.values()) == len(spans)
