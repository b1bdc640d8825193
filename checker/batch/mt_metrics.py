"""sacrebleu scores from per-segment statistics: the one place that touches sacrebleu's private
statistics methods (``_extract_corpus_statistics``, ``_aggregate_and_compute``, what its own
significance tests use), so that a sacrebleu release that renames them breaks one module.

Invariants:
- ``score_from_stats(metric, segment_stats(metric, hyps, refs))`` is
  ``metric.corpus_score(hyps, refs)``: the same score and the same formatted string, for BLEU,
  chrF and TER (tests/test_mt_metrics.py pins it against the installed sacrebleu).
- ``segment_stats`` gives one entry per hypothesis, in order, that depends on that segment and
  its references only: replacing entry ``i`` by ``segment_stats`` of a new ``hyps[i]`` scores the
  corpus with that segment changed, without scoring the others again.
- ``refs`` are reference streams, as for ``corpus_score``: ``refs[k][i]`` is reference k of
  segment i.
- A metric without those private methods is still scored exactly, through the public
  ``corpus_score``: the entries are then the segments themselves (slower, same numbers).
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

__all__ = ["segment_stats", "score_from_stats"]


class _Segment(NamedTuple):
    """A segment kept as text, for metrics without per-segment statistics."""
    hyp: str
    refs: tuple[str, ...]


def _has_stats(metric) -> bool:
    return all(callable(getattr(metric, m, None)) for m in ("_extract_corpus_statistics", "_aggregate_and_compute"))


def segment_stats(metric, hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list:
    """Per-segment statistics of ``hyps`` against the reference streams ``refs``."""
    if _has_stats(metric):
        return list(metric._extract_corpus_statistics(hyps, refs))
    return [_Segment(h, tuple(s[i] for s in refs)) for i, h in enumerate(hyps)]


def score_from_stats(metric, stats: Sequence) -> Any:
    """The corpus score (a sacrebleu Score: ``.score``, ``str()``) of per-segment statistics."""
    if _has_stats(metric):
        return metric._aggregate_and_compute(list(stats))
    return metric.corpus_score([s.hyp for s in stats], [list(r) for r in zip(*(s.refs for s in stats))])
