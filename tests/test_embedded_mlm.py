"""The committed context model (models/mlm): it loads offline through the same code as a hub
model, stays within its size budget, and has learned something real about context, measured on
the project's own sample articles (never seen in training)."""
import json
import random
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from checker import Checker  # noqa: E402
from checker.core import EMBEDDED_CONTEXT_MODEL, load_context_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"


@pytest.fixture(scope="module")
def cm():
    return load_context_model("embedded")


def _sentences(name: str) -> list[list[str]]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return [l.split() for l in text.splitlines() if len(l.split()) >= 8]


def test_committed_model_files_size_and_card():
    d = EMBEDDED_CONTEXT_MODEL
    size = sum(p.stat().st_size for p in d.iterdir() if p.is_file())
    assert size <= 30 * 2 ** 20
    info = json.loads((d / "training.json").read_text())
    langs = info["args"]["langs"].split(",")
    assert {"en", "de", "fr", "es", "it", "pt", "cs", "pl", "ru", "uk", "vi", "zh"} <= set(langs)
    assert set(info["masked_token_perplexity_held_out"]) == set(langs)
    assert (d / "README.md").is_file()


def test_loads_through_the_transformers_backend_offline(cm, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from checker.lm.hf import ContextModel

    again = ContextModel.from_pretrained(str(EMBEDDED_CONTEXT_MODEL))
    assert again.name == cm.name and cm.name.startswith("cm:mlm@")
    assert cm.covers("en") and cm.covers("zh") and not cm.covers("he")


@pytest.mark.parametrize("name", ["harbour.en.clean.txt", "wahl.de.clean.txt"])
def test_a_word_moved_into_another_sentence_scores_lower_than_where_it_belongs(cm, name):
    """Swap one longer word between two sentences: the model should like it less in the wrong
    sentence. A model that learnt nothing about context is right half of the time."""
    sents = _sentences(name)
    rng = random.Random(0)
    wins = trials = 0
    for _ in range(60):
        a, b = rng.sample(range(len(sents)), 2)
        ia = rng.choice([i for i, w in enumerate(sents[a]) if len(w) >= 5 and w.isalpha()])
        ib = rng.choice([i for i, w in enumerate(sents[b]) if len(w) >= 5 and w.isalpha()])
        wa, wb = sents[a][ia], sents[b][ib]
        if wa.lower() == wb.lower():
            continue
        moved = list(sents[a])
        moved[ia] = wb
        orig_lp, moved_lp = cm.visible_logprobs([sents[a], moved])
        wins += orig_lp[ia][0] > moved_lp[ia][0]
        trials += 1
    assert trials >= 40 and wins / trials >= 0.7, (wins, trials)


def test_fill_in_recovers_masked_function_words(cm):
    sents = _sentences("harbour.en.clean.txt")
    hits = total = 0
    for s in sents:
        for i, w in enumerate(s):
            if w in ("the", "of", "to", "and", "in", "a", "on", "for") and 0 < i < len(s) - 1:
                total += 1
                hits += w in [c for c, _ in cm.slot_fill(s, i, k=5)]
    assert total >= 20 and hits / total >= 0.5, (hits, total)


def test_checker_with_the_embedded_model_keeps_the_sample_findings():
    chk = Checker(lang="en", context_model="embedded")
    text = (SAMPLES / "harbour.en.txt").read_text(encoding="utf-8")
    found = [a for line in text.splitlines() for a in chk.check(line).anomalies]
    assert any(a.kind == "repetition" for a in found)
    assert "+cm:mlm@" in chk.signature("en")
