"""summary.json: per file and per system, segments, words, anomalies per 1,000 words by kind and
a score histogram; with references, sacrebleu BLEU, chrF and TER of each system as it is and
after applying every top suggestion that scores at least --fix-at."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..version import __version__
from .mt_metrics import score_from_stats, segment_stats
from .sources import InputProblem, Unit, display_path, records

BINS = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
METRICS = ("BLEU", "chrF", "TER")


def apply_fixes(text: str, anomalies: list[dict], fix_at: float) -> str:
    """The text with each anomaly's top suggestion applied where it scores >= fix_at
    (right to left, so offsets stay valid; overlapping spans keep the first)."""
    chosen, end = [], -1
    for a in sorted(anomalies, key=lambda a: a["start"]):
        s = a.get("suggestions") or []
        if s and s[0]["score"] >= fix_at and a["start"] >= end:
            chosen.append((a["start"], a["end"], s[0]["text"]))
            end = a["end"]
    for s, e, rep in reversed(chosen):
        text = text[:s] + rep + text[e:]
    return " ".join(text.split()) if chosen else text


class _Group:
    def __init__(self, metrics: tuple[str, ...] = METRICS) -> None:
        self.metrics = metrics
        self.segments = self.words = self.anomalies = self.changed = 0
        self.kinds: Counter[str] = Counter()
        self.hist = [0] * (len(BINS) - 1)
        self.hyps: list[str] = []
        self.fixed: list[str] = []
        self.refs: list[list[str]] = []
        self.scorable = True
        self.lang: str | None = None
        self.scores: dict[str, Any] | None = None
        self.future = None

    def add(self, rec: dict, text: str, refs: list[str] | None, fix_at: float) -> None:
        self.lang = self.lang or rec.get("lang")
        self.segments += 1
        self.words += rec["words"]
        self.anomalies += len(rec["anomalies"])
        for a in rec["anomalies"]:
            self.kinds[a["kind"]] += 1
            self.hist[next(i for i in range(len(BINS) - 1) if a["score"] < BINS[i + 1])] += 1
        if refs is None:
            self.scorable = False
        if self.scorable:
            fixed = apply_fixes(text, rec["anomalies"], fix_at)
            self.changed += fixed != text
            self.hyps.append(text)
            self.fixed.append(fixed)
            self.refs.append(refs)

    def finish(self, pool=None) -> None:
        """Score (in ``pool`` when given) and drop the texts: a run over many systems does not
        keep them all in memory."""
        if self.scores is None and self.future is None and self.scorable and self.hyps and self.metrics:
            if pool is not None:
                self.future = pool.submit(mt_scores, self.hyps, self.fixed, self.refs, self.lang, self.metrics)
            else:
                self.scores = mt_scores(self.hyps, self.fixed, self.refs, self.lang, self.metrics)
        self.hyps, self.fixed, self.refs = [], [], []

    def to_dict(self, with_scores: bool) -> dict[str, Any]:
        per_1k = lambda n: round(1000 * n / self.words, 3) if self.words else 0.0  # noqa: E731
        d: dict[str, Any] = {
            "segments": self.segments, "words": self.words, "anomalies": self.anomalies,
            "anomalies_per_1k": per_1k(self.anomalies),
            "per_1k_by_kind": {k: per_1k(v) for k, v in sorted(self.kinds.items())},
            "score_histogram": {f"{BINS[i]:.1f}-{min(BINS[i + 1], 1.0):.1f}": c for i, c in enumerate(self.hist)},
        }
        if with_scores:
            self.finish()
            if self.future is not None:
                self.scores, self.future = self.future.result(), None
            if self.scores:
                d["mt_scores"] = {**self.scores, "segments_changed_by_fixes": self.changed}
        return d


def _bleu_tokenizer(lang: str | None) -> str:
    """sacrebleu's own choice for the target language; 'char' for Japanese when MeCab is absent."""
    if lang == "zh":
        return "zh"
    if lang == "ja":
        import importlib.util

        return "ja-mecab" if importlib.util.find_spec("MeCab") else "char"
    return "13a"


def mt_scores(hyps: list[str], fixed: list[str], refs: list[list[str]], lang: str | None = None,
              metrics: tuple[str, ...] = METRICS) -> dict[str, Any]:
    """sacrebleu BLEU, chrF and TER as is and after fixes, with sacrebleu's signatures."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    n_refs = min(len(r) for r in refs)
    streams = [[r[k] for r in refs] for k in range(n_refs)]
    changed = [i for i, (h, f) in enumerate(zip(hyps, fixed)) if h != f]
    out: dict[str, Any] = {"references": n_refs}
    asian = lang in ("zh", "ja", "ko")
    for name, metric in (("BLEU", BLEU(tokenize=_bleu_tokenizer(lang))), ("chrF", CHRF()), ("TER", TER(asian_support=asian))):
        if name not in metrics:
            continue
        # sacrebleu sums per-segment statistics; only the segments a fix changed are scored
        # again (TER over a whole WMT system takes seconds; this is what sacrebleu's own
        # significance tests do with the same methods)
        stats = segment_stats(metric, hyps, streams)
        before = score_from_stats(metric, stats)
        if changed:
            new = segment_stats(metric, [fixed[i] for i in changed], [[s[i] for i in changed] for s in streams])
            stats = list(stats)
            for i, st in zip(changed, new):
                stats[i] = st
        after = score_from_stats(metric, stats)
        out[name] = {"as_is": round(before.score, 2), "fixed": round(after.score, 2),
                     "delta": round(after.score - before.score, 2), "signature": str(metric.get_signature())}
    return out


MAX_SHOWN = 5000  # flagged segments embedded in report.html (the summary counts all)


def summarize(units: list[Unit], opts, problems: list[InputProblem]) -> tuple[dict[str, Any], list[dict]]:
    """(summary, flagged segments with their text for the HTML report, at most MAX_SHOWN)."""
    seg_path = Path(opts.out) / "segments.jsonl"
    by_file: dict[str, _Group] = {}
    by_sys: dict[str, _Group] = {}
    shown: list[dict] = []
    # a system whose files are all behind us (the WMT layout: one file per system) is scored at once
    # records name their file by display_path (non-UTF-8 names escaped): key by the same form
    last_file = {display_path(u.path): u.system for u in units if u.system}
    last_of = {}
    for u in units:
        if u.system:
            last_of[u.system] = display_path(u.path)
    # TER is slow (seconds per WMT system): systems are scored in -j processes while reading goes on
    pool = None
    if getattr(opts, "jobs", 1) > 1:
        from ..pool import executor

        pool = executor(opts.jobs)
    try:
        return _summarize(units, opts, problems, seg_path, by_file, by_sys, shown, last_file, last_of, pool)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _summarize(units, opts, problems, seg_path, by_file, by_sys, shown, last_file, last_of, pool):
    prev = None
    flagged = 0
    with open(seg_path, encoding="utf-8") as f:
        for r, line in zip(records(units, opts.fields, []), f):
            if prev is not None and r.path != prev:
                sysname = last_file.get(prev)
                if sysname and last_of.get(sysname) == prev and sysname in by_sys:
                    by_sys[sysname].finish(pool)
                if not by_sys and prev in by_file:
                    by_file[prev].finish(pool)
            prev = r.path
            rec = json.loads(line)
            flagged += bool(rec["anomalies"])
            if rec["anomalies"] and len(shown) < MAX_SHOWN:
                shown.append({"path": r.path, "line": r.line + 1, "id": r.id, "system": r.system or "",
                              "text": r.text, "anomalies": rec["anomalies"]})
            by_file.setdefault(r.path, _Group(opts.metrics)).add(rec, r.text, r.reference, opts.fix_at)
            if r.system:
                by_sys.setdefault(r.system, _Group(opts.metrics)).add(rec, r.text, r.reference, opts.fix_at)
    systems = {k: g.to_dict(True) for k, g in sorted(by_sys.items())}
    files = {k: g.to_dict(not by_sys) for k, g in sorted(by_file.items())}
    total = _Group()
    for g in by_file.values():
        total.segments += g.segments
        total.words += g.words
        total.anomalies += g.anomalies
        total.kinds.update(g.kinds)
        total.hist = [a + b for a, b in zip(total.hist, g.hist)]
    ranking: dict[str, list[str]] = {}  # systems of one language pair, fewest anomalies first
    for k in sorted(systems, key=lambda k: (systems[k]["anomalies_per_1k"], k)):
        ranking.setdefault(k.split(":")[0] if ":" in k else "", []).append(k)
    return {
        "checker": __version__, "fix_at": opts.fix_at, "total": total.to_dict(False),
        "files": files, "systems": systems,
        "ranking_by_anomalies_per_1k": ranking, "flagged_segments": flagged, "flagged_segments_shown": len(shown),
        "problems": [{"path": p.path, "line": None if p.line is None else p.line + 1, "message": p.message}
                     for p in problems if not p.skipped_file],
        "skipped_files": [{"path": p.path, "message": p.message} for p in problems if p.skipped_file],
        "settings": {k: v for k, v in opts.identity().items() if k != "version"},
    }, shown
