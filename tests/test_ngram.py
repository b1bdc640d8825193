"""Tests for the embedded n-gram LM: a tiny model trained here, plus the shipped English one."""
from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker.lm.base import LanguageModel  # noqa: E402
from checker.lm.ngram import DEFAULT_DIR, NgramLM, lm_words, load_ngram  # noqa: E402


def _trainer():
    spec = importlib.util.spec_from_file_location("train_ngram", ROOT / "models" / "train_ngram.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


SENTENCES = [
    "The cat sat on the mat.",
    "The cat sat on the sofa.",
    "The dog sat on the mat.",
    "A dog ate the bone.",
    "The cat ate the fish.",
    "The dog ate the fish.",
    "He made the decision yesterday.",
    "She made the decision today.",
    "They made the decision together.",
    "He took the bus.",
    "She took the train to work.",
    "The team had had enough.",
    "Zebra once.",
    "Quokka once.",
] * 3


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> NgramLM:
    tr = _trainer()
    arrays = tr.train(SENTENCES, "xx", prune=(1, 1), min_count=2)
    out = tmp_path_factory.mktemp("ngram")
    size = tr.save(arrays, out / "xx.npz")
    assert size == (out / "xx.npz").stat().st_size > 0
    # reproducible: the same input gives the same bytes
    assert tr.serialize(tr.train(SENTENCES, "xx", prune=(1, 1))) == (out / "xx.npz").read_bytes()
    return NgramLM.from_pretrained(out, "xx")


def test_tokenizer() -> None:
    assert lm_words("Kim Jong-un's decision, don’t U.S.!") == [
        "kim", "jong-un's", "decision", "don't", "u", "s"]
    assert lm_words("東京タワーは高い。GDP增长") == ["東", "京", "タ", "ワ", "ー", "は", "高", "い",
                                                  "gdp", "增", "长"]
    assert lm_words("STRASSE Straße") == ["strasse", "strasse"]


def test_interface_and_name(tiny: NgramLM) -> None:
    assert isinstance(tiny, LanguageModel)
    assert tiny.lang == "xx"
    assert tiny.name.startswith("ngram-xx@") and len(tiny.name) == len("ngram-xx@") + 8


def test_token_logprobs(tiny: NgramLM) -> None:
    words = ["The", "cat", "sat", "on", "the", "mat"]
    lps = tiny.token_logprobs(words)
    assert len(lps) == len(words)
    assert all(math.isfinite(x) and x < 0 for x in lps)
    assert tiny.token_logprobs([]) == []
    assert tiny.sequence_logprob(words) == pytest.approx(sum(lps))
    # case-insensitive
    assert tiny.token_logprobs(["THE", "CAT"]) == tiny.token_logprobs(["the", "cat"])


def test_seen_continuation_beats_unseen(tiny: NgramLM) -> None:
    seen = tiny.token_logprobs(["the", "cat", "sat"])[-1]
    unseen = tiny.token_logprobs(["the", "cat", "bone"])[-1]
    assert seen > unseen


def test_unknown_word_is_finite_and_low(tiny: NgramLM) -> None:
    lp = tiny.token_logprobs(["the", "xylophone"])[-1]
    assert math.isfinite(lp)
    assert lp < tiny.token_logprobs(["the", "mat"])[-1]
    assert lp < tiny.token_logprobs(["the", "bus"])[-1]


def test_probabilities_normalise(tiny: NgramLM) -> None:
    # P(w | h) over the vocabulary (incl. </s> and the <unk> class) sums to one, up to quantisation
    ids = np.arange(tiny.V)
    for h2, h1 in [(-1, 1), (1, tiny.word_id("the")), (tiny.word_id("the"), tiny.word_id("cat"))]:
        p = np.exp(tiny.logprob_ids(h2, h1, ids).astype(np.float64))
        p[1] = 0.0  # <s> is never predicted
        assert p.sum() == pytest.approx(1.0, abs=0.05)


def test_fill_ranks_seen_word_first(tiny: NgramLM) -> None:
    best = tiny.fill(["he"], ["the", "decision"], k=3)
    assert best[0][0] == "made"
    assert len(best) == 3 and best[0][1] >= best[1][1] >= best[2][1]
    assert tiny.fill(["the", "cat"], [], k=1)[0][0] in {"sat", "ate"}


def test_fill_candidates(tiny: NgramLM) -> None:
    out = tiny.fill(["he"], ["the", "decision"], candidates=["took", "Made", "zzz"])
    assert [w for w, _ in out] == ["Made", "took", "zzz"]
    assert all(math.isfinite(s) for _, s in out)
    # the score is log P(left + w + right) - log P(left)
    full = tiny.sequence_logprob(["he", "made", "the", "decision", "yesterday"])
    left = tiny.sequence_logprob(["he"])
    got = dict(tiny.fill(["he"], ["the", "decision", "yesterday"], candidates=["made"]))
    assert got["made"] == pytest.approx(full - left, abs=1e-4)


def test_counts(tiny: NgramLM) -> None:
    assert tiny.vocab_count("the") == tiny.vocab_count("The") > 10
    assert tiny.vocab_count("nonexistent") == 0
    assert tiny.bigram_count("had", "had") == 3
    assert tiny.bigram_count("cat", "sat") == 6
    assert tiny.bigram_count("sat", "cat") == 0
    assert tiny.bigram_count("the", "nonexistent") == 0


def test_missing_artifact(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        NgramLM.from_pretrained(tmp_path, "xx")
    assert load_ngram("qq") is None


@pytest.mark.skipif(not (DEFAULT_DIR / "en.npz").is_file(), reason="no English artifact")
def test_english_artifact() -> None:
    lm = load_ngram("en")
    assert lm is not None and lm is load_ngram("en-US")
    top = [w for w, _ in lm.fill(["he"], ["the", "decision"], k=10)]
    assert {"made", "took", "make"} & set(top)
    assert lm.bigram_count("had", "had") > 0
    s = "the government said on monday that it would raise taxes".split()
    assert lm.sequence_logprob(s) > lm.sequence_logprob(s[::-1])


SHIPPED = sorted(p.stem for p in DEFAULT_DIR.glob("*.npz"))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_model_loads_for_a_supported_language(name: str) -> None:
    """A shipped model that no target language selects is dead weight in every install: each
    ``<name>.npz`` must be what ``--model ngram`` loads for the language code it is named by."""
    from checker.core import load_lm
    from checker.languages import normalize_lang

    lang = normalize_lang(name)  # a LanguageError here: no user can ever select this model
    lm = load_lm("ngram", lang)
    assert isinstance(lm, NgramLM) and lm.lang == name


def test_croatian_model_under_its_checker_code(tmp_path: Path) -> None:
    # wordfreq folds hr into Serbo-Croatian "sh"; the model is trained and named "hr"
    if (DEFAULT_DIR / "hr.npz").is_file():
        assert load_ngram("sh") is load_ngram("hr") is load_ngram("hr-HR")
    trainer = _trainer()
    (tmp_path / "hr.npz").write_bytes(trainer.serialize(trainer.train(SENTENCES, "hr")))
    assert NgramLM.from_pretrained(tmp_path, "sh").lang == "hr"


def test_trainer_skips_corpora_no_language_can_load(tmp_path: Path, capsys) -> None:
    for lang in ("en", "et", "hr", "zu"):
        (tmp_path / f"{lang}.txt").write_text("a line\n", encoding="utf-8")
    assert _trainer().default_langs(tmp_path) == ["en", "hr"]
    assert "et zu" in capsys.readouterr().out


def _every_context(lm: NgramLM):
    words = [w for w in lm.words[3:]] + ["unseenword"]
    for left in ([], ["he"], ["the", "cat"], ["unseenword", "the"], ["<s>"]):
        for right in ([], ["the"], ["the", "decision"], ["on", "the", "mat"], ["unseenword"], ["the", "unseenword"]):
            yield words, left, right


def test_the_slot_search_scores_each_word_to_the_bit_as_candidate_scoring_does(tiny: NgramLM) -> None:
    # fill() without candidates reads n-gram blocks instead of searching each word: the same
    # floating-point arithmetic, so the same scores exactly, and the same ranking
    for words, left, right in _every_context(tiny):
        for limit in (None, 5):
            pool = tiny.words[3:3 + limit] if limit else tiny.words[3:]
            every = dict(tiny.fill(left, right, candidates=pool))
            top = tiny.fill(left, right, k=len(pool), limit=limit)
            assert {w: s for w, s in top} == every, (left, right, limit)


def test_the_slot_search_agrees_with_candidate_scoring_on_the_english_model() -> None:
    lm = load_ngram("en")
    assert lm is not None
    for left, right in ((["the", "president"], ["of", "the"]), ([], ["is", "a"]), (["said"], [])):
        fast = lm.fill(left, right, k=20, limit=3000)
        slow = lm.fill(left, right, candidates=lm.words[3:3003])
        assert [s for _, s in fast] == [s for _, s in slow[:20]]
        assert dict(slow)[fast[0][0]] == fast[0][1]
