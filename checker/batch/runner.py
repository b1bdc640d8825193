"""A batch run: inputs -> ordered checking on an engine -> DIR/segments.jsonl (appended and
flushed chunk by chunk), then DIR/summary.json and DIR/report.html. A run that is killed and
started again with the same arguments resumes after the last complete record.

Invariants:
- Resuming never mixes results of different inputs: DIR/run.json (human-readable) holds the
  settings and, for every file read (WMT sources and references too), its size and blake2b
  hash. Another run into DIR with other settings, or after an input changed, is refused with one
  line naming the change and --restart (exit 2); refusing is simpler than re-checking and can
  never pair new text with old offsets.
- One run per DIR at a time: DIR/.lock is held (flock) from before run.json is read until
  summary.json and report.html are written. The kernel drops it when the process dies, however
  it dies; forked workers do not keep it.
- A run never reads its outputs: DIR, and files under it, are not inputs (sources.discover).
- A record that cannot be checked is a reported problem with its file and line, never the end
  of the run: an unsupported language is found while reading (the record is skipped); any other
  CheckerError met while checking it is written as the record's "error" (n stays contiguous for
  resume and summary) and reported again when the run resumes. Exit 3, with a complete summary.
- Every JSONL line is written with checker.io.jsonl_record, and nothing written can fail to
  encode: paths are in display form (sources.display_path), any other lone surrogate becomes a
  JSON \\uXXXX escape.
- A DIR the machine refuses (read-only, full, not a directory) is an OutputError: exit 6, one line.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, TextIO

from ..errors import InputError, OutputError, UsageError, os_error_message
from ..io import encodable, jsonl_record, silence_stdout
from ..langid import detect_language
from ..languages import normalize_lang
from ..version import __version__
from .engines import run_ordered
from .progress import Progress
from .sources import InputProblem, Unit, discover, display_path, records

try:
    import fcntl
except ImportError:  # not POSIX: runs into one DIR are not serialised
    fcntl = None  # type: ignore[assignment]


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
        return {"version": __version__, "paths": [display_path(Path(p).resolve()) for p in self.paths], "fmt": self.fmt,
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


@contextlib.contextmanager
def _writing(what: str | Path) -> Iterator[None]:
    """An OSError while writing ``what`` -> OutputError (exit 6) with one line."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as e:
        raise OutputError(os_error_message(display_path(what), e)) from None


def stdout_error(e: OSError) -> OutputError:
    """Standard output refused a write (a full disk behind a redirection): the one-line error,
    after pointing fd 1 at /dev/null so that the unwritten rest is not flushed again, with a
    second error, when the interpreter exits."""
    silence_stdout()
    return OutputError(os_error_message("standard output", e))


def _to_stdout(stream: TextIO | None, text: str | None) -> None:
    """Write ``text`` (None: flush) to ``stream`` or standard output; OSError -> OutputError."""
    stream = stream or sys.stdout
    try:
        if text is None:
            stream.flush()
        else:
            stream.write(text)
    except BrokenPipeError:
        raise
    except OSError as e:
        raise stdout_error(e) if stream is sys.stdout else OutputError(os_error_message("output", e)) from None


# lock files held by this process: a forked worker closes its copies at once, so that the lock
# is never kept alive by a worker that outlives the run
_HELD: list[TextIO] = []


def _forget_locks_in_child() -> None:
    for f in _HELD:
        try:
            f.close()
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """DIR created if needed and locked for this run (flock on DIR/.lock, not blocking): another
    run into DIR is a usage error naming the pid that holds it."""
    lock = out / ".lock"
    with _writing(out):
        out.mkdir(parents=True, exist_ok=True)
    with _writing(lock):
        f = open(lock, "a+", encoding="utf-8")
    try:
        if fcntl is not None:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutputError(os_error_message(display_path(lock), e)) from None
                f.seek(0)
                pid = f.read().strip()
                raise UsageError(f"{display_path(out)} is in use by another checker run"
                                 f"{f' (pid {pid})' if pid.isdigit() else ''}; wait for it to end, or use another --out"
                                 ) from None
        with _writing(lock):
            f.seek(0)
            f.truncate()
            f.write(f"{os.getpid()}\n")
            f.flush()
        _HELD.append(f)
        yield
    finally:
        if f in _HELD:
            _HELD.remove(f)
        f.close()  # releases the lock


def fingerprint(path: Path) -> dict[str, Any]:
    """Size and blake2b (128 bits) of a file's bytes: what resume compares, besides the settings."""
    h = hashlib.blake2b(digest_size=16)
    size = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except OSError as e:  # reported as an input problem when the file is read
        return {"path": display_path(path.resolve()), "unreadable": e.strerror or str(e)}
    return {"path": display_path(path.resolve()), "size": size, "blake2b": h.hexdigest()}


def run_identity(opts: BatchOptions, units: list[Unit]) -> dict[str, Any]:
    """opts.identity() and every file this run reads, by content."""
    files: list[Path] = []
    for u in units:
        if not u.skip:
            files += [u.path] + ([u.source] if u.source else []) + list(u.references)
    seen: set[Path] = set()
    inputs = []
    for f in files:
        if f not in seen:  # a WMT source serves several systems
            seen.add(f)
            inputs.append(fingerprint(f))
    return {**opts.identity(), "inputs": inputs}


def _difference(out: Path, old: Any, new: dict) -> str:
    """Why the run in ``out`` is not this run, in one line."""
    if isinstance(old, dict) and {k: v for k, v in old.items() if k != "inputs"} == \
            {k: v for k, v in new.items() if k != "inputs"} and isinstance(old.get("inputs"), list):
        before = {i.get("path"): i for i in old["inputs"] if isinstance(i, dict)}
        after = {i["path"]: i for i in new["inputs"]}
        for path, fp in after.items():
            if path not in before:
                return f"{path} is new since the run in {display_path(out)} began"
            if before[path] != fp:
                return f"{path} changed since the run in {display_path(out)} began"
        for path in before:
            if path not in after:
                return f"{path} is no longer an input of the run in {display_path(out)}"
    elif isinstance(old, dict) and "inputs" not in old:
        return f"the run in {display_path(out)} did not record what its inputs held (an older checker)"
    return f"{display_path(out)} holds a run with other inputs or settings"


class Sink:
    """DIR/segments.jsonl with resume: complete lines are kept, a torn last line is cut. The
    caller holds DIR's lock."""

    def __init__(self, out: Path, identity: dict, restart: bool):
        self.out = out
        self.seg = out / "segments.jsonl"
        meta = out / "run.json"
        if restart:
            for p in (self.seg, meta, out / "summary.json", out / "report.html"):
                with _writing(p):
                    p.unlink(missing_ok=True)
        if meta.exists():
            try:
                old = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
            if old != identity:
                raise UsageError(f"{_difference(out, old, identity)}; use --restart to check everything again, "
                                 "or another --out")
        elif self.seg.exists() and self.seg.stat().st_size:
            raise UsageError(f"{display_path(self.seg)} exists but is not from a checker run; "
                             "use --restart or another --out")
        with _writing(meta):
            _atomic(meta, json.dumps(identity, indent=1) + "\n")
        #: problems of records already written (their "error"), reported again on resume
        self.problems: list[InputProblem] = []
        self.done = self._recover()
        with _writing(self.seg):
            self.f: TextIO = open(self.seg, "a", encoding="utf-8")

    def _recover(self) -> int:
        """Number of complete records already written (and a torn tail removed)."""
        if not self.seg.exists():
            return 0
        data = self.seg.read_bytes()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            with _writing(self.seg), open(self.seg, "r+b") as f:
                f.truncate(keep)
        lines = data[:keep].splitlines()
        n = len(lines)
        if n:
            last = json.loads(lines[-1])
            if last.get("n") != n - 1:
                raise UsageError(f"{display_path(self.seg)} is out of order (record {last.get('n')} on line {n}); "
                                 "use --restart")
        for line in lines:
            if b'"error": ' in line:
                rec = json.loads(line)
                if rec.get("error"):
                    self.problems.append(InputProblem(rec["path"], rec["line"], f"{rec['error']}: record not checked"))
        return n

    def write(self, lines: list[str]) -> None:
        with _writing(self.seg):
            self.f.write("".join(lines))
            self.f.flush()

    def close(self) -> None:
        try:
            self.f.close()
        except OSError:  # the error that matters was raised by write()
            pass


def iter_tasks(units: list[Unit], opts: BatchOptions, problems: list[InputProblem], skip: int,
               meta: dict[int, dict]) -> Iterator[tuple]:
    """Chunks of records (never across files, so each carries its file for the word counts);
    records before ``skip`` are read but not sent. ``meta`` gets each sent record's fields."""
    key = json.dumps(opts.checker, sort_keys=True)
    cur_unit, buf = None, []
    for r in records(units, opts.fields, problems):
        u = units[r.unit]
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
    if not opts.out:
        return _run(opts, None, stdout)
    with locked(Path(opts.out)):
        return _run(opts, Path(opts.out), stdout)


def _run(opts: BatchOptions, out: Path | None, stdout: TextIO | None) -> tuple[int, list[InputProblem]]:
    t0 = time.monotonic()
    notes: list[str] = []
    units = discover(opts.paths, opts.fmt, exclude=out, notes=notes)
    for note in notes:
        print(f"checker: note: {note}", file=sys.stderr)
    _resolve_langs(units, opts)
    total = sum(1 for _ in records(units, opts.fields, []))
    problems: list[InputProblem] = []
    identity = run_identity(opts, units) if out else None
    sink = Sink(out, identity, opts.restart) if out else None
    if sink:
        problems += sink.problems
    skip = sink.done if sink else 0
    prog = Progress(total, skip, opts.progress)
    meta: dict[int, dict] = {}
    written = 0
    try:
        for res in run_ordered(iter_tasks(units, opts, problems, skip, meta), opts.engine, opts.jobs, opts.address):
            lines, words = [], 0
            for n, anoms, w, err in res:
                m = meta.pop(n)
                rec = {"n": n, **m, "words": w, "anomalies": anoms}
                if err:
                    rec["error"] = err
                    problems.append(InputProblem(m["path"], m["line"], f"{err}: record not checked"))
                lines.append(jsonl_record(rec))
                words += w
            if sink:
                sink.write(lines)
            else:
                _to_stdout(stdout, "".join(lines))
            written += len(lines)
            prog.update(len(lines), words)
        if not sink:
            _to_stdout(stdout, None)  # flush: a full disk is reported here, not lost at exit
    finally:
        prog.close()
        if sink:
            sink.close()
    if sink:
        from .report_html import render_report
        from .summary import summarize

        # an input edited while the run went on: its records mix two versions, and the summary
        # would pair text with spans of the other; say so instead (run.json keeps the old
        # fingerprint, so a resume is refused too)
        now = run_identity(opts, units)["inputs"]
        for before, after in zip(identity["inputs"], now):
            if before != after:
                raise InputError(f"{before['path']} changed during the run: the results in {display_path(out)} "
                                 "mix two versions of it; run again with --restart")
        t_check = time.monotonic() - t0
        summary, shown = summarize(units, opts, problems)
        summary["timing"] = {"check_s": round(t_check, 1), "summary_s": round(time.monotonic() - t0 - t_check, 1)}
        _atomic(out / "summary.json", encodable(json.dumps(summary, indent=1, ensure_ascii=False) + "\n"))
        _atomic(out / "report.html", render_report(summary, shown))
    return written, problems


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with _writing(path):
        # backslashreplace: a lone surrogate in the report's text is shown, not a failed run
        tmp.write_text(text, encoding="utf-8", errors="backslashreplace")
        os.replace(tmp, path)
