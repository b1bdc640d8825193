"""Translators' copy statistics: a tiny artifact built here from hand-written sentence pairs with
the builder's own functions (offline), plus checks on the committed artifacts."""
from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker.translation import (DEFAULT_DIR, TranslationStats, WordStats,  # noqa: E402
                                 covered_pairs, get_translation_stats)


def _builder():
    name = "build_translation_stats"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "models" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


# English → German news-like pairs: "Biden" and "Merkel" are always kept, "Monday" and
# "government" always translated, "Regierung" written capitalised (also after "die").
PAIRS = [
    ("Biden spoke on Monday.", "Biden sprach am Montag."),
    ("On Monday the government met in Berlin.", "Am Montag traf sich die Regierung in Berlin."),
    ("The government said Biden was right.", "Die Regierung sagte, Biden habe recht."),
    ("Monday was quiet for Biden.", "Der Montag war ruhig für Biden."),
    ("Merkel and Biden met the government on Monday.",
     "Merkel und Biden trafen die Regierung am Montag."),
    ("The new government of Merkel started work.",
     "Die neue Regierung von Merkel begann die Arbeit."),
    ("Merkel said the talks on Monday went well.",
     "Merkel sagte, die Gespräche am Montag liefen gut."),
    ("Biden said the government was strong.", "Biden sagte, die Regierung sei stark."),
    ("The Biden-led talks ended.", "Die Biden-Gespräche endeten."),
    ("Europe and Merkel agreed.", "L'Europe et Merkel sont d'accord."),  # elision counts as kept
]


def _build(pairs=PAIRS, src="en", tgt="de") -> bytes:
    b = _builder()
    return b.serialize(b.build_pair(pairs, src, tgt, sources=[("hand-written", len(pairs))]))


@pytest.fixture()
def art_dir(tmp_path: Path) -> Path:
    (tmp_path / "en-de.npz").write_bytes(_build())
    return tmp_path


@pytest.fixture()
def stats(art_dir: Path) -> TranslationStats:
    s = get_translation_stats("en", "de", directory=art_dir)
    assert s is not None
    return s


def test_name_kept_in_every_pair_has_copy_rate_near_one(stats):
    ws = stats.lookup("Biden")
    assert isinstance(ws, WordStats)
    # "Biden-led" is its own source token; "Biden-Gespräche" still keeps it in that pair
    assert ws.n == 5 and ws.kept == 5
    assert ws.copy_rate > 0.9
    assert ws.cap_rate == 1.0
    assert ws.surface == "Biden"
    assert ws.translations[0][0] == "Biden"  # a kept name translates as itself


def test_always_translated_word_has_copy_rate_near_zero_and_cased_translation(stats):
    mon = stats.lookup("monday")  # any case finds the word
    assert mon is not None and mon.kept == 0 and mon.n == 5
    assert mon.copy_rate < 0.1
    assert mon.surface == "Monday"
    assert mon.translations[0][0] == "Montag"
    gov = stats.lookup("government")
    assert gov is not None and gov.copy_rate < 0.1 and gov.cap_rate == 0.0
    # stored in its mid-sentence target form, never casefolded
    assert gov.translations[0][0] == "Regierung"
    probs = [p for _, p in gov.translations]
    assert probs == sorted(probs, reverse=True) and all(0 < p <= 1 for p in probs)


def test_hyphenated_and_elided_target_tokens_count_as_kept(stats):
    assert stats.lookup("Merkel").kept == stats.lookup("Merkel").n == 4
    europe = stats.lookup("Europe")
    assert europe is None  # one segment only: below min_segments
    b = _builder()
    assert "europe" in b.match_set(b.tokenize("L'Europe et Merkel.", "fr"))
    assert "biden" in b.match_set(b.tokenize("Die Biden-Regierung.", "de"))


def test_unknown_word_gives_none(stats):
    assert stats.lookup("Zanzibar") is None
    assert stats.lookup("") is None
    assert "zanzibar" not in stats


def test_uncovered_pair_gives_none_not_an_exception(art_dir, tmp_path):
    assert get_translation_stats("de", "en", directory=art_dir) is None
    assert get_translation_stats("en", "en", directory=art_dir) is None
    assert get_translation_stats("en", "xx-nonsense", directory=art_dir) is None
    assert get_translation_stats("../en", "de", directory=art_dir) is None
    assert get_translation_stats("en", "de", directory=tmp_path / "missing") is None
    assert covered_pairs(tmp_path / "missing") == ()
    assert covered_pairs(art_dir) == (("en", "de"),)


def test_region_and_alias_codes_find_the_pair(art_dir):
    assert get_translation_stats("EN_us", "de-AT", directory=art_dir) is not None


def test_directory_overridable_by_environment(art_dir, monkeypatch):
    monkeypatch.setenv("CHECKER_TRANSLATION_DIR", str(art_dir))
    s = get_translation_stats("en", "de")
    assert s is not None and s.lookup("Biden") is not None
    assert covered_pairs() == (("en", "de"),)


def test_artifact_round_trips(art_dir):
    b = _builder()
    data = (art_dir / "en-de.npz").read_bytes()
    s = TranslationStats(data, "en-de.npz")
    assert s.src == "en" and s.tgt == "de" and s.name == "en-de.npz"
    assert len(s.digest) == 12 and s.signature == f"en-de.npz@{s.digest}"
    assert s.header["segments"] == len(PAIRS)
    # every stored word re-derived from the raw pairs
    for key in s.words():
        ws = s.lookup(key)
        seg_n = seg_kept = 0
        for src, tgt in PAIRS:
            if key in {t.key for t in b.tokenize(src, "en")}:
                seg_n += 1
                seg_kept += key in b.match_set(b.tokenize(tgt, "de"))
        assert (ws.n, ws.kept) == (seg_n, seg_kept), key
        assert ws.copy_rate == pytest.approx((seg_kept + 0.5) / (seg_n + 1))
        assert 0 <= ws.kept <= ws.n and ws.n >= 2
        assert math.isnan(ws.cap_rate) or 0 <= ws.cap_rate <= 1
        assert len(ws.translations) <= 3


def test_rebuild_is_byte_identical():
    assert _build() == _build()


def test_pruning_keeps_the_most_frequent_words_like_a_capped_build():
    b = _builder()
    segs = [(b.analyse(x, "en"), b.analyse(y, "de")) for x, y in PAIRS]
    full = b.build_segments(segs, "en", "de")
    for cap in (2, 4, 100):
        pruned = b.serialize(b.prune(full, cap))
        assert pruned == b.serialize(b.prune(b.build_segments(segs, "en", "de", max_vocab=cap),
                                             cap))
    s = TranslationStats(b.serialize(b.prune(full, 2)))
    # "the" (7 segments), then the first of biden/government/monday (5 each) alphabetically
    assert s.words() == ["biden", "the"]
    assert s.header["types_stored"] == 2 and s.header["max_vocab"] == 2


def test_only_sentence_initial_word_has_unknown_cap_rate(stats):
    # "The" is sentence-initial in some pairs and "the" mid-sentence in others: known
    assert stats.lookup("the").cap_rate == 0.0
    b = _builder()
    one = b.build_pair([("Yesterday it rained.", "Gestern regnete es."),
                        ("Yesterday it snowed.", "Gestern schneite es.")], "en", "de")
    s = TranslationStats(b.serialize(one))
    assert math.isnan(s.lookup("yesterday").cap_rate)


def test_cjk_target_keeps_latin_names_and_stores_no_single_character_translations():
    b = _builder()
    pairs = [("Apple sold the iPhone on Monday.", "苹果公司周一出售了iPhone。"),
             ("The iPhone is new.", "iPhone是新的。"),
             ("Monday was quiet.", "周一很平静。")]
    s = TranslationStats(b.serialize(b.build_pair(pairs, "en", "zh")))
    iphone = s.lookup("iPhone")
    assert iphone.kept == iphone.n == 2 and iphone.surface == "iPhone"
    assert s.lookup("Monday").kept == 0
    for w in s.words():
        for t, _ in s.lookup(w).translations:
            assert len(t) > 1 or not ("\u4e00" <= t <= "\u9fff")
    # and from Chinese, only words made of letters outside Han/kana are keys
    back = TranslationStats(b.serialize(b.build_pair([(y, x) for x, y in pairs], "zh", "en")))
    assert back.words() == ["iphone"]


# ------------------------------------------------------------------ committed artifacts
needs_artifacts = pytest.mark.skipif(not (DEFAULT_DIR / "en-de.npz").is_file(),
                                     reason="models/translation not built")


@needs_artifacts
def test_committed_en_de_monday_is_translated_and_names_are_kept():
    s = get_translation_stats("en", "de", directory=DEFAULT_DIR)
    assert s is not None
    mon = s.lookup("Monday")
    assert mon.copy_rate < 0.1
    assert "Montag" in [t for t, _ in mon.translations]
    for name in ("Biden", "Trump", "Merkel"):
        assert s.lookup(name).copy_rate > 0.8, name
    gov = s.lookup("government")
    assert gov.translations[0][0] == "Regierung"


@needs_artifacts
def test_committed_artifacts_cover_both_directions_and_fit_the_budget():
    pairs = covered_pairs(DEFAULT_DIR)
    assert ("en", "de") in pairs and ("de", "en") in pairs
    assert all((t, s) in pairs for s, t in pairs)
    total = sum(p.stat().st_size for p in DEFAULT_DIR.glob("*-*.npz"))
    assert total <= 8_000_000
