"""A batch run: inputs -> ordered checking on an engine -> DIR/segments.jsonl (appended and
flushed chunk by chunk), then DIR/summary.json and DIR/report.html. A run that is killed and
started again with the same arguments resumes after the last complete record."""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, TextIO

from ..errors import UsageError
from ..langid import detect_language
from ..languages import normalize_lang
from ..version import __version__
from .engines import run_ordered
from .progress import Progress
from .sources import InputProblem, Unit, discover, records


@dataclass
class BatchOptions:
    paths: list[str]
    out: str | None = None
    fmt: str = "auto"
    fields: list[str] | None = None
    lang: str | None = None
    checker: dict[str, Any] = field(default_factory=dict)  # Checker(**kwargs), lang excluded
    jobs: int = 1
    engine: str = "local"
    address: str | None = None
    file_context: bool = True
    fix_at: float = 0.5
    metrics: tuple[str, ...] = ("BLEU", "chrF", "TER")
    progress: bool | None = None  # None: when stderr is a terminal
    restart: bool = False
    chunk: int = 64

    def identity(self) -> dict[str, Any]:
        """What determines segments.jsonl: a resumed run must match it exactly."""
        return {"version": __version__, "paths": [str(Path(p).resolve()) for p in self.paths], "fmt": self.fmt,
                "fields": self.fields, "lang": self.lang, "checker": self.checker, "file_context": self.file_context}


def _resolve_langs(units: list[Unit], opts: BatchOptions) -> None:
    """--lang wins, then the file name; otherwise detect once per file from its first segments."""
    for u in units:
        if opts.lang:
            u.lang = normalize_lang(opts.lang)
        if u.lang or u.skip:
            continue
        sample = []
        for r in records([u], opts.fields, []):
            sample.append(r.text)
            if len(sample) >= 200:
                break
        lang, _ = detect_language(" ".join(sample)[:20000]) if sample else ("und", 0.0)
        u.lang = normalize_lang(lang) if lang != "und" else "en"


class Sink:
    """DIR/segments.jsonl with resume: complete lines are kept, a torn last line is cut."""

    def __init__(self, out: Path, identity: dict, restart: bool):
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.seg = out / "segments.jsonl"
        meta = out / "run.json"
        if restart:
            for p in (self.seg, meta, out / "summary.json", out / "report.html"):
                p.unlink(missing_ok=True)
        if meta.exists():
            try:
                old = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
            if old != identity:
                raise UsageError(f"{out} holds a run with other inputs or settings; "
                                 "use --restart to start it over, or another --out")
        elif self.seg.exists() and self.seg.stat().st_size:
            raise UsageError(f"{self.seg} exists but is not from a checker run; use --restart or another --out")
        meta.write_text(json.dumps(identity, indent=1) + "\n", encoding="utf-8")
        self.done = self._recover()
        self.f: TextIO = open(self.seg, "a", encoding="utf-8")

    def _recover(self) -> int:
        """Number of complete records already written (and a torn tail removed)."""
        if not self.seg.exists():
            return 0
        data = self.seg.read_bytes()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            with open(self.seg, "r+b") as f:
                f.truncate(keep)
        n = data[:keep].count(b"\n")
        if n:
            last = json.loads(data[:keep].splitlines()[-1])
            if last.get("n") != n - 1:
                raise UsageError(f"{self.seg} is out of order (record {last.get('n')} on line {n}); use --restart")
        return n

    def write(self, lines: list[str]) -> None:
        self.f.write("".join(lines))
        self.f.flush()

    def close(self) -> None:
        self.f.close()


def iter_tasks(units: list[Unit], opts: BatchOptions, problems: list[InputProblem], skip: int,
               meta: dict[int, dict]) -> Iterator[tuple]:
    """Chunks of records (never across files, so each carries its file for the word counts);
    records before ``skip`` are read but not sent. ``meta`` gets each sent record's fields."""
    key = json.dumps(opts.checker, sort_keys=True)
    cur_unit, buf = None, []
    unit_of = {str(u.path): u for u in units}
    for r in records(units, opts.fields, problems):
        u = unit_of[r.path]
        if buf and (u is not cur_unit or len(buf) >= opts.chunk):
            yield (key, opts.checker, opts.file_context, opts.fields, cur_unit, buf)
            buf = []
        cur_unit = u
        if r.n < skip:
            continue
        meta[r.n] = {"path": r.path, "line": r.line, "id": r.id, "system": r.system, "lang": r.lang or u.lang}
        buf.append((r.n, r.text, r.source, r.source_lang, r.lang or u.lang))
    if buf:
        yield (key, opts.checker, opts.file_context, opts.fields, cur_unit, buf)


def run_batch(opts: BatchOptions, stdout: TextIO | None = None) -> tuple[int, list[InputProblem]]:
    """Run the scan; returns (records written in this run, input problems)."""
    t0 = time.monotonic()
    units = discover(opts.paths, opts.fmt)
    _resolve_langs(units, opts)
    total = sum(1 for _ in records(units, opts.fields, []))
    problems: list[InputProblem] = []
    sink = Sink(Path(opts.out), opts.identity(), opts.restart) if opts.out else None
    skip = sink.done if sink else 0
    prog = Progress(total, skip, opts.progress)
    meta: dict[int, dict] = {}
    written = 0
    try:
        for res in run_ordered(iter_tasks(units, opts, problems, skip, meta), opts.engine, opts.jobs, opts.address):
            lines, words = [], 0
            for n, anoms, w in res:
                rec = {"n": n, **meta.pop(n), "words": w, "anomalies": anoms}
                lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
                words += w
            if sink:
                sink.write(lines)
            else:
                (stdout or sys.stdout).write("".join(lines))
            written += len(lines)
            prog.update(len(lines), words)
    finally:
        prog.close()
        if sink:
            sink.close()
    if sink:
        from .report_html import render_report
        from .summary import summarize

        t_check = time.monotonic() - t0
        summary, shown = summarize(units, opts, problems)
        summary["timing"] = {"check_s": round(t_check, 1), "summary_s": round(time.monotonic() - t0 - t_check, 1)}
        _atomic(Path(opts.out) / "summary.json", json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
        _atomic(Path(opts.out) / "report.html", render_report(summary, shown))
    return written, problems


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
