"""checker.batch.mt_metrics, the adapter around sacrebleu's per-segment statistics: pinned against
sacrebleu's public corpus_score, so a sacrebleu upgrade that changes its private methods fails
here and not as wrong numbers in a batch summary."""
import pytest

pytest.importorskip("sacrebleu")

from sacrebleu.metrics import BLEU, CHRF, TER  # noqa: E402

from checker.batch import mt_metrics  # noqa: E402
from checker.batch.mt_metrics import score_from_stats, segment_stats  # noqa: E402

HYPS = ["The cat sat on the mat.", "A dog barked at the postman yesterday.", "Prices rose by 3%.",
        "He said it was fine .", "", "Completely unrelated words here"]
REFS = [["The cat sat on the mat.", "The dog barked at the postman yesterday.", "Prices rose 3 %.",
         "He said that it was fine.", "Nothing.", "The talks resume on Monday."],
        ["A cat was sitting on the mat.", "Yesterday a dog barked at the mailman.", "Prices went up by 3%.",
         "He told us it was fine.", "", "Talks resume Monday."]]
FIXED = list(HYPS)
FIXED[1], FIXED[5] = "The dog barked at the postman yesterday.", "The talks resume Monday"

METRICS = [lambda: BLEU(), lambda: BLEU(tokenize="char"), lambda: CHRF(), lambda: CHRF(word_order=2),
           lambda: TER(), lambda: TER(asian_support=True)]


def _same(got, want):
    assert got.score == pytest.approx(want.score, abs=1e-9)
    assert str(got) == str(want)


@pytest.mark.parametrize("make", METRICS)
@pytest.mark.parametrize("n_refs", [1, 2])
def test_scores_from_segment_statistics_are_corpus_score(make, n_refs):
    refs = REFS[:n_refs]
    metric = make()
    stats = segment_stats(metric, HYPS, refs)
    assert len(stats) == len(HYPS)
    _same(score_from_stats(metric, stats), make().corpus_score(HYPS, refs))


@pytest.mark.parametrize("make", METRICS)
def test_replacing_the_statistics_of_changed_segments_scores_the_changed_corpus(make):
    metric = make()
    stats = segment_stats(metric, HYPS, REFS)
    changed = [i for i, (h, f) in enumerate(zip(HYPS, FIXED)) if h != f]
    new = segment_stats(metric, [FIXED[i] for i in changed], [[s[i] for i in changed] for s in REFS])
    for i, st in zip(changed, new):
        stats[i] = st
    _same(score_from_stats(metric, stats), make().corpus_score(FIXED, REFS))


@pytest.mark.parametrize("make", METRICS)
def test_without_the_private_methods_the_public_corpus_score_gives_the_same(make, monkeypatch):
    monkeypatch.setattr(mt_metrics, "_has_stats", lambda metric: False)
    metric = make()
    stats = segment_stats(metric, HYPS, REFS)
    stats[1] = segment_stats(metric, [FIXED[1]], [[s[1]] for s in REFS])[0]
    want = list(HYPS)
    want[1] = FIXED[1]
    _same(score_from_stats(metric, stats), make().corpus_score(want, REFS))


def test_the_installed_sacrebleu_still_has_the_statistics_methods():
    # the fast path: without it every fix would rescore whole systems (TER takes seconds)
    assert all(mt_metrics._has_stats(m()) for m in METRICS)


def test_batch_summary_uses_the_adapter():
    from checker.batch.summary import mt_scores

    m = mt_scores(HYPS, FIXED, [list(col) for col in zip(*REFS)])
    assert m["references"] == 2
    for name, make in (("BLEU", BLEU), ("chrF", CHRF), ("TER", TER)):
        assert m[name]["as_is"] == round(make().corpus_score(HYPS, REFS).score, 2)
        assert m[name]["fixed"] == round(make().corpus_score(FIXED, REFS).score, 2)
