#!/usr/bin/env python3
"""Real, human-annotated errors: the checker beside Hunspell on one split of every real-errors set
and of both MQM-TED files.

    python bench/real_errors.py [--split test] [--sets geccc_cs,qe_ende] [-j 2]   # -> build/results-real/

Invariants:

- The split is decided only by ``checker.evaluate.real_split`` (50-line blocks, alternating
  dev/test) and ``checker.evaluate.mqm_split`` (CRC-32 of doc and segment id); ``--split test``
  is the held-out half, ``--split dev`` the half to look at while developing.
- Every line is checked in-process with ``Checker(lang).check(line, source, source_lang,
  context=word_counts(block))``: the context is the line's own 50-line block (it stands in for
  the essay or document the sentence came from; one 6,000-line file as a single document would
  make every repeated misspelling look like a recurring term).  For MQM-TED the context is the
  talk as that system translated it (all its segments of that doc, both halves: target text
  only, no labels).  MT sets pass their source and source language.
- Hunspell (``bench/hunspell_scan.py``) runs on a temp file of the same lines in the same run;
  ``n/a`` where no dictionary is installed.
- Work goes to one process pool of ``-j`` workers, one task per 50-line block (or MQM talk) and
  one per Hunspell file, so at most ``-j`` heavy processes run at once; results are assembled in
  input order, so the output does not depend on ``-j``.
- Predictions are written as scan JSONL (``NAME.SPLIT.ours.jsonl``, ``NAME.SPLIT.hunspell.jsonl``;
  ``line`` = the line number in the whole set, or the segment's position in the split for
  MQM-TED) so scoring can be re-run with ``--reuse-ours``/``--reuse-peer``.  A reused prediction
  file of ours must have been made with the same checker options (``.meta.json`` beside it).
- ``real.json`` records, per set, the checker's signature (model, lexicon and detector digests,
  threshold) as seen by the workers; more than one means the checker changed during the run.
- Scoring is ``checker.evaluate.score_real`` (README "How to score"; words by the README regex);
  ``typo/non-word`` = wordfreq ``zipf_frequency(token, lang) == 0``.

``check_set(name, split, checker_kwargs)`` is the importable entry point for calibration scripts.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker import evaluate as ev  # noqa: E402

DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_OUT = ROOT / "build" / "results-real"
HUNSPELL_SCAN = ROOT / "bench" / "hunspell_scan.py"
PY = sys.executable
#: MQM-TED file stem -> (target language, source language)
MQM_FILES = {"mqm_ted_ende": ("de", "en"), "mqm_ted_zhen": ("en", "zh")}
MQM_UNTRANSLATED, MQM_SPELLING = ev.MQM_FOCUS
GEC_TYPES = ("typo", ev.TYPO_NON_WORD, ev.TYPO_DIACRITIC, "realword", "foreign", "script")


def real_dir(shared: Path) -> Path:
    return Path(shared) / "corpora" / "real-errors"


def set_names(shared: Path) -> list[str]:
    """Every real-errors set (manifest order) followed by the MQM-TED files."""
    manifest = json.loads((real_dir(shared) / "manifest.json").read_text(encoding="utf-8"))
    return list(manifest) + list(MQM_FILES)


# --------------------------------------------------------------------------- jobs


@dataclass
class Job:
    """The lines of one set in one split, cut into checking chunks.

    ``keys[k]`` is the prediction key of ``texts[k]``; each chunk is (indices into ``texts``,
    the context lines whose word counts are that chunk's document context).
    """

    name: str
    lang: str
    source_lang: Optional[str]
    texts: list[str]
    sources: list[Optional[str]]
    keys: list[int]
    chunks: list[tuple[list[int], list[str]]]
    real: Optional[ev.RealSet] = None
    mqm: Optional[list[ev.MqmSegment]] = None


def load_job(name: str, split: str, shared: Path = DEFAULT_SHARED) -> Job:
    """Load a real-errors set or an MQM-TED file (``mqm_ted_ende``/``mqm_ted_zhen``) for ``split``."""
    if name in MQM_FILES:
        lang, src_lang = MQM_FILES[name]
        every = ev.load_mqm_tsv(Path(shared) / "corpora" / "mqm-ted" / f"{name}.tsv")
        segs = ev.select_mqm_split(every, split)
        talk: dict[tuple[str, str], list[str]] = {}
        for s in every:
            talk.setdefault((s.system, s.doc), []).append(s.target)
        groups: dict[tuple[str, str], list[int]] = {}
        for k, s in enumerate(segs):
            groups.setdefault((s.system, s.doc), []).append(k)
        return Job(name, lang, src_lang, [s.target for s in segs], [s.source for s in segs], list(range(len(segs))),
                   [(idx, talk[key]) for key, idx in groups.items()], mqm=segs)
    rs = ev.load_real_set(real_dir(shared), name, split)
    blocks: dict[int, list[int]] = {}
    for k, rl in enumerate(rs.lines):
        blocks.setdefault(rl.line // ev.SPLIT_BLOCK, []).append(k)
    # a block lies wholly in one split, so the split's lines of a block are the whole block
    chunks = [(idx, [rs.lines[k].text for k in idx]) for idx in blocks.values()]
    return Job(name, rs.lang, rs.source_lang if any(rl.source is not None for rl in rs.lines) else None,
               [rl.text for rl in rs.lines], [rl.source for rl in rs.lines], [rl.line for rl in rs.lines],
               chunks, real=rs)


# --------------------------------------------------------------------------- workers

_CHECKERS: dict[tuple, Any] = {}


def _checker(lang: str, kwargs: tuple[tuple[str, Any], ...]):
    key = (lang, kwargs)
    if key not in _CHECKERS:
        from checker import Checker

        _CHECKERS[key] = Checker(lang, **dict(kwargs))
    return _CHECKERS[key]


def _ours_chunk(lang: str, kwargs: tuple[tuple[str, Any], ...], evidence: bool,
                items: list[tuple[str, Optional[str], Optional[str]]], context_lines: list[str],
                label: str) -> tuple[list[list[dict]], float, int, str]:
    """Check ``items`` (text, source, source_lang) with one document context.

    Returns (anomaly dicts per item, seconds, lines that raised, the checker's signature).  A line that raises is
    reported on stderr and counted, and gets no flags: one bad line must not lose a long run.
    """
    from checker.document import word_counts

    t0 = time.perf_counter()
    chk = _checker(lang, kwargs)
    ctx = word_counts(context_lines)
    out: list[list[dict]] = []
    errors = 0
    for text, src, src_lang in items:
        if not text.strip():
            out.append([])
            continue
        try:
            out.append([a.to_dict(evidence) for a in chk.check(text, src, src_lang, context=ctx).anomalies])
        except Exception as exc:  # noqa: BLE001 - counted and reported, see docstring
            errors += 1
            print(f"ERROR {label}: {type(exc).__name__}: {exc} on {text[:80]!r}", file=sys.stderr)
            out.append([])
    return out, time.perf_counter() - t0, errors, chk.signature(chk.lang)


def _hunspell_task(lang: str, texts: list[str]) -> tuple[Optional[list[list[dict]]], float]:
    """Hunspell anomalies per text (None when there is no dictionary) and seconds taken."""
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="real-hs-") as tmp:
        inp, out = Path(tmp) / "lines.txt", Path(tmp) / "out.jsonl"
        inp.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
        p = subprocess.run([PY, str(HUNSPELL_SCAN), str(inp), "--lang", lang, "-o", str(out)],
                           capture_output=True, text=True)
        if p.returncode == 2:
            return None, time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"hunspell_scan failed for {lang}: {p.stderr[-2000:]}")
        pred = ev.load_scan_jsonl(out)
    if len(pred) != len(texts):
        raise RuntimeError(f"hunspell_scan returned {len(pred)} lines for {len(texts)}")
    return [pred[i] for i in range(len(texts))], time.perf_counter() - t0


def _kwargs_key(checker_kwargs: Optional[Mapping[str, Any]]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((checker_kwargs or {}).items()))


def supported(lang: Optional[str]) -> bool:
    """Whether the checker knows ``lang`` (as a target, or for a source lexicon)."""
    from checker.errors import LanguageError
    from checker.languages import normalize_lang

    try:
        normalize_lang(lang or "")
    except LanguageError:
        return False
    return True


def _submit_ours(pool: ProcessPoolExecutor, job: Job, kwargs: tuple, evidence: bool) -> list[Future]:
    # a source language without a lexicon (km, ps, ne, si, et...) still has its text passed:
    # the checker then only sees what was copied from the source
    src_lang = job.source_lang if supported(job.source_lang) else None
    futs = []
    for idx, context in job.chunks:
        items = [(job.texts[k], job.sources[k], src_lang if job.sources[k] is not None else None) for k in idx]
        futs.append(pool.submit(_ours_chunk, job.lang, kwargs, evidence, items, context, f"{job.name}:{job.keys[idx[0]]}"))
    return futs


def _collect_ours(job: Job, futs: Sequence[Future]) -> tuple[dict[int, list[dict]], float, int, list[str]]:
    """Predictions keyed by ``job.keys``, checking seconds, lines that raised, checker signatures seen."""
    pred: dict[int, list[dict]] = {}
    secs, errors, signatures = 0.0, 0, []
    for (idx, _), fut in zip(job.chunks, futs):
        res, dt, err, sig = fut.result()
        secs += dt
        errors += err
        if sig not in signatures:
            signatures.append(sig)
        for k, anoms in zip(idx, res):
            pred[job.keys[k]] = anoms
    return dict(sorted(pred.items())), secs, errors, signatures


def check_set(name: str, split: str = "test", checker_kwargs: Optional[Mapping[str, Any]] = None, *,
              shared: Path = DEFAULT_SHARED, jobs: int = 2, evidence: bool = False) -> dict[int, list[dict]]:
    """Our anomaly dicts for every line of ``name`` in ``split``, keyed as ``score_real`` expects.

    Raises ``checker.errors.LanguageError`` when the checker does not support the set's language.

    Real-errors sets are keyed by line number in the whole set; MQM-TED files by position among
    ``select_mqm_split(load_mqm_tsv(...), split)``.  ``checker_kwargs`` go to ``Checker(lang, ...)``
    (e.g. ``threshold``, ``context_model``); ``evidence`` keeps each anomaly's evidence dict.
    """
    job = load_job(name, split, shared)
    if not supported(job.lang):
        from checker.errors import LanguageError

        raise LanguageError(f"{name}: the checker does not support {job.lang!r}")
    with ProcessPoolExecutor(max(1, jobs)) as pool:
        pred, _, _, _ = _collect_ours(job, _submit_ours(pool, job, _kwargs_key(checker_kwargs), evidence))
    return pred


# --------------------------------------------------------------------------- files


def write_predictions(path: Path, pred: Mapping[int, Sequence[dict]]) -> None:
    """Scan JSONL: one ``{"line", "anomalies"}`` record per key, in key order."""
    with open(path, "w", encoding="utf-8") as fh:
        for i in sorted(pred):
            fh.write(json.dumps({"line": i, "anomalies": list(pred[i])}, ensure_ascii=False) + "\n")


def _reusable(path: Path, job: Job, meta: Optional[dict] = None) -> bool:
    if not path.exists():
        return False
    if meta is not None:
        mp = path.with_suffix(".meta.json")
        if not mp.exists() or json.loads(mp.read_text(encoding="utf-8")) != meta:
            print(f"{path.name}: made with other checker options, re-checking", file=sys.stderr)
            return False
    return sorted(ev.load_scan_jsonl(path)) == sorted(job.keys)


# --------------------------------------------------------------------------- scoring


def _is_word_fn(lang: str) -> Callable[[str], bool]:
    from wordfreq import zipf_frequency

    return lambda token: zipf_frequency(token, lang) > 0


def score_job(job: Job, pred: Mapping[int, Sequence[dict]], min_score: float = 0.0) -> dict[str, Any]:
    """Metrics dict of one system's predictions on ``job`` (real set or MQM file)."""
    if job.real is not None:
        return ev.score_real(job.real.lines, pred, _is_word_fn(job.lang), min_score).to_dict()
    assert job.mqm is not None
    segs = job.mqm
    focus = ev.score_mqm(segs, pred, min_score=min_score, word_counter=ev.count_readme_words)
    cats = sorted({sp.kind for s in segs for sp in s.spans})
    every = ev.score_mqm(segs, pred, focus=cats, min_score=min_score, word_counter=ev.count_readme_words)
    n_all = sum(v["n"] for v in every["recall_by_category"].values())
    return {**focus, "recall_all_categories": every["recall"], "n_all_categories": n_all}


def job_summary(job: Job) -> dict[str, Any]:
    if job.real is not None:
        by_type: dict[str, int] = {}
        for rl in job.real.lines:
            for sp in rl.spans:
                by_type[sp.kind] = by_type.get(sp.kind, 0) + 1
        return {"lang": job.lang, "source_lang": job.source_lang, "lines": len(job.texts),
                "error_free_lines": sum(1 for rl in job.real.lines if not rl.spans), "spans_by_type": by_type}
    assert job.mqm is not None
    return {"lang": job.lang, "source_lang": job.source_lang, "segments": len(job.mqm),
            "no_error_segments": sum(s.all_no_error for s in job.mqm)}


# --------------------------------------------------------------------------- tables


def _f(x: Optional[float], nd: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{nd}f}"


def _val(m: Optional[Mapping[str, Any]], *path: Any) -> Optional[Any]:
    """``m[path[0]][path[1]]...``, None where ``m`` is None (system n/a) or a key is missing."""
    for k in path:
        if not isinstance(m, Mapping) or k not in m:
            return None
        m = m[k]
    return m


def _flag_rate(m: Optional[Mapping[str, Any]]) -> Optional[float]:
    """All flags per 1,000 words (a QE set's error-free lines are few, so show the plain rate too)."""
    return 1000.0 * m["n_pred"] / m["words"] if m and m["words"] else None


def _pair(r: Mapping[str, Any], get: Callable[[Optional[Mapping[str, Any]]], Optional[float]]) -> str:
    """``ours / Hunspell`` for one metric; ``n/a`` for a system that did not run on the set."""
    o, h = r.get("ours"), r.get("hunspell")
    return f"{_f(get(o)) if o else 'n/a'} / {_f(get(h)) if h else 'n/a'}"


def _recall_cell(r: Mapping[str, Any], table: str, row: str) -> str:
    """``ours / Hunspell (n spans)`` recall of one gold type or category; ``–`` when absent."""
    n = _val(r.get("ours"), table, row, "n") or _val(r.get("hunspell"), table, row, "n")
    if n is None:
        return "–"
    return f"{_pair(r, lambda m: _val(m, table, row, 'recall'))} ({n})"


def tables(results: Mapping[str, dict], split: str) -> str:
    """Markdown: GEC sets (recall, precision, FA/1k; fix@k), QE sets, MQM-TED; ours / Hunspell."""
    gec = {n: r for n, r in results.items() if n not in MQM_FILES and not n.startswith("qe")}
    qe = {n: r for n, r in results.items() if n.startswith("qe")}
    mqm = {n: r for n, r in results.items() if n in MQM_FILES}
    out: list[str] = []
    if gec:
        out += [f"## Human text with real misspellings ({split} split): recall per type (spans), precision, "
                "false alarms per 1k words on error-free lines — ours / Hunspell", "",
                "| set | lang | lines (error-free) | " + " | ".join(GEC_TYPES) + " | precision | FA/1k error-free |",
                "|---" * (len(GEC_TYPES) + 5) + "|"]
        for n, r in gec.items():
            cells = [_recall_cell(r, "recall_by_type", t) for t in GEC_TYPES]
            cells += [_pair(r, lambda m: m["precision"]), _pair(r, lambda m: m["fa_per_1k_error_free"])]
            out.append(f"| {n} | {r['lang']} | {r['lines']} ({r['error_free_lines']}) | " + " | ".join(cells) + " |")
        out += ["", f"## Human text ({split} split): fix@1 / fix@3 ours (Hunspell fix@1)", "",
                "| set | " + " | ".join(GEC_TYPES) + " | all |", "|---" * (len(GEC_TYPES) + 2) + "|"]
        for n, r in gec.items():
            o, h = r.get("ours"), r.get("hunspell")
            cells = []
            for t in (*GEC_TYPES, None):
                path = ("fix_by_type", t) if t else ()
                if _val(o, *path, "fix_at_1") is None and _val(h, *path, "fix_at_1") is None:
                    cells.append("–")
                    continue
                hs = _f(_val(h, *path, "fix_at_1")) if h else "n/a"
                cells.append(f"{_f(_val(o, *path, 'fix_at_1'))} / {_f(_val(o, *path, 'fix_at_3'))} ({hs})")
            out.append(f"| {n} | " + " | ".join(cells) + " |")
    if qe:
        out += ["", f"## Machine translation with word-level QE tags ({split} split) — ours / Hunspell", "",
                "A flag on a word no post-editor or rater marked is a false alarm; recall on qe_bad is only a "
                "diagnostic (most BAD words are ordinary words).", "",
                "| set | lang | lines (error-free) | precision | FA/1k all lines | FA/1k error-free | flags/1k words "
                "| recall qe_bad (spans) |", "|---|---|---|---|---|---|---|---|"]
        for n, r in qe.items():
            cells = [_pair(r, lambda m: m["precision"]), _pair(r, lambda m: m["fa_per_1k_words"]),
                     _pair(r, lambda m: m["fa_per_1k_error_free"]), _pair(r, _flag_rate),
                     _recall_cell(r, "recall_by_type", "qe_bad")]
            out.append(f"| {n} | {r['lang']} | {r['lines']} ({r['error_free_lines']}) | " + " | ".join(cells) + " |")
    if mqm:
        out += ["", f"## MQM-TED ({split} split) — recall (spans) and FA/1k on all-No-error segments, ours / Hunspell", "",
                "| file | lang | segments (No-error) | Untranslated text | Spelling | all categories | FA/1k No-error |",
                "|---|---|---|---|---|---|---|"]
        for n, r in mqm.items():
            nall = _val(r.get("ours"), "n_all_categories") or _val(r.get("hunspell"), "n_all_categories")
            cells = [_recall_cell(r, "recall_by_category", MQM_UNTRANSLATED),
                     _recall_cell(r, "recall_by_category", MQM_SPELLING),
                     f"{_pair(r, lambda m: m['recall_all_categories'])} ({nall})",
                     _pair(r, lambda m: m["fa_per_1k_words_no_error"])]
            out.append(f"| {n} | {r['lang']} | {r['segments']} ({r['no_error_segments']}) | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- main


def _write_peer(fut: Future, job: Job, path: Path) -> None:
    """Done-callback of a Hunspell task: write its predictions (nothing for n/a or a failure)."""
    if fut.cancelled() or fut.exception() is not None:
        return
    hs, _ = fut.result()
    if hs is not None:
        write_predictions(path, {job.keys[k]: a for k, a in enumerate(hs)})


@dataclass
class _Pending:
    job: Job
    ours: Optional[list[Future]] = None
    ours_pred: Optional[dict[int, list[dict]]] = None
    peer: Optional[Future] = None
    peer_pred: Optional[dict[int, list[dict]]] = None
    run: dict[str, Any] = field(default_factory=dict)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--sets", default=None, help="comma-separated set names (default: all, MQM-TED included)")
    ap.add_argument("--split", choices=ev.SPLITS, default="test")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="worker processes (ours and Hunspell share them)")
    ap.add_argument("--threshold", type=float, default=None, help="checker threshold (default: calibrated)")
    ap.add_argument("--context-model", default="none", help="checker's context model (e.g. embedded)")
    ap.add_argument("--reuse-ours", action="store_true", help="keep our prediction files made with the same options")
    ap.add_argument("--reuse-peer", action="store_true", help="keep existing Hunspell prediction files")
    args = ap.parse_args(argv)

    t0 = time.time()
    names = set_names(args.shared)
    if args.sets:
        wanted = args.sets.split(",")
        unknown = [n for n in wanted if n not in names]
        if unknown:
            ap.error(f"unknown sets: {', '.join(unknown)} (known: {', '.join(names)})")
        names = [n for n in names if n in wanted]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    checker_kwargs: dict[str, Any] = {"context_model": args.context_model}
    if args.threshold is not None:
        checker_kwargs["threshold"] = args.threshold
    kwargs = _kwargs_key(checker_kwargs)
    meta = {"split": args.split, "checker_kwargs": checker_kwargs}

    pending = [_Pending(load_job(n, args.split, args.shared)) for n in names]
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        # Hunspell files first, largest first: they are the longest single tasks, and starting
        # them early keeps them off the tail of the run
        for p in sorted(pending, key=lambda p: -sum(len(t) for t in p.job.texts)):
            path = out / f"{p.job.name}.{args.split}.hunspell.jsonl"
            if args.reuse_peer and _reusable(path, p.job):
                p.peer_pred, p.run["hunspell"] = ev.load_scan_jsonl(path), "reused"
            else:
                p.peer = pool.submit(_hunspell_task, p.job.lang, p.job.texts)
                # written as soon as it is done, so an interrupted run can go on with --reuse-peer
                p.peer.add_done_callback(lambda f, job=p.job, path=path: _write_peer(f, job, path))
        for p in pending:
            path = out / f"{p.job.name}.{args.split}.ours.jsonl"
            if not supported(p.job.lang):
                p.run["ours"] = "n/a: unsupported language"
            elif args.reuse_ours and _reusable(path, p.job, meta):
                p.ours_pred, p.run["ours"] = ev.load_scan_jsonl(path), "reused"
            else:
                p.ours = _submit_ours(pool, p.job, kwargs, False)
        results: dict[str, dict] = {}
        for p in pending:
            job = p.job
            if p.ours is not None:
                p.ours_pred, secs, errors, signatures = _collect_ours(job, p.ours)
                # more than one signature means the checker's files changed during the run
                p.run["signature"] = signatures[0] if len(signatures) == 1 else signatures
                p.run["ours_s"] = round(secs, 1)
                if errors:
                    p.run["ours_errors"] = errors
                path = out / f"{job.name}.{args.split}.ours.jsonl"
                write_predictions(path, p.ours_pred)
                path.with_suffix(".meta.json").write_text(json.dumps(meta), encoding="utf-8")
            if p.peer is not None:
                hs, secs = p.peer.result()
                p.run["hunspell_s"] = round(secs, 1)
                if hs is not None:
                    p.peer_pred = {job.keys[k]: a for k, a in enumerate(hs)}
            r = {**job_summary(job), "ours": score_job(job, p.ours_pred) if p.ours_pred is not None else None,
                 "hunspell": score_job(job, p.peer_pred) if p.peer_pred is not None else None, "run": p.run}
            results[job.name] = r
            print(f"{job.name}: {len(job.texts)} lines, {p.run} ({time.time() - t0:.0f} s)", file=sys.stderr)

    wall = time.time() - t0
    md = tables(results, args.split) + f"\nWall time: {wall:.0f} s (-j {args.jobs}); checker options {checker_kwargs}.\n"
    (out / "real.json").write_text(json.dumps({"split": args.split, "checker_kwargs": checker_kwargs, "jobs": args.jobs,
                                               "wall_s": round(wall, 1), "sets": results}, indent=1, ensure_ascii=False),
                                   encoding="utf-8")
    (out / "real.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"total wall time {wall:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
