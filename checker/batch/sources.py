"""Inputs of a batch run: files and directories in plain-text, JSONL, TSV/CSV and WMT layouts,
read as a deterministic stream of segment records. Problems in one file (a malformed line, a
missing column, misaligned source/reference files) become InputProblems naming the file and
line; the rest of the run goes on.

Invariants:
- A record's ``path`` (and an InputProblem's) is the file name in display form: any name works,
  bytes that are not UTF-8 show as \\xNN (reading always uses the Unit's real path).
- A record whose ``lang`` or ``source_lang`` is not supported is a problem (file:line) and is
  skipped: it never reaches a checker, where it would stop the whole run.
- CSV rows are one line each. A quoted field that runs past its line (an unbalanced quote, or a
  multi-line cell) or is malformed is a problem naming the lines it covers, which are skipped;
  rows are never merged silently. TSV has no quoting at all (QUOTE_NONE).
- The directory given as ``exclude`` (the run's --out) is never read as input."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import InputError, LanguageError, UsageError
from ..io import read_text, split_lines
from ..languages import normalize_lang

FIELDS = ("text", "source", "reference", "id", "lang", "system", "source_lang")
_WMT_HYP = re.compile(r"^(?P<set>.+)\.(?P<src>[a-z]{2,3})-(?P<tgt>[a-z]{2,3})\.hyp\.(?P<system>.+)\.(?P=tgt)$")
_TEXT_SUFFIXES = {".txt", ""}


@dataclass
class Record:
    n: int  # position in the whole run (deterministic), the key for resuming
    path: str
    line: int  # 0-based line (or row) in its file
    text: str
    id: str | None = None
    system: str | None = None
    lang: str | None = None
    source: str | None = None
    source_lang: str | None = None
    reference: list[str] | None = None
    unit: int = 0  # index of its Unit in the list given to records()


def display_path(path) -> str:
    """A path as text that always encodes: a name that is not UTF-8 (which os hands over with
    lone surrogates) shows its odd bytes as \\xNN instead of failing every write."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass
class InputProblem:
    path: str
    line: int | None
    message: str
    skipped_file: bool = False  # a whole file left out on purpose (its language is unsupported)

    def __str__(self) -> str:
        return f"{self.path}{'' if self.line is None else f':{self.line + 1}'}: {self.message}"


@dataclass
class Unit:
    """One input file (with, for WMT, its source and reference files)."""
    path: Path
    fmt: str  # text | jsonl | tsv | csv | wmt
    lang: str | None = None
    system: str | None = None
    source: Path | None = None
    source_lang: str | None = None
    references: list[Path] = field(default_factory=list)
    skip: str | None = None  # why the file cannot be checked (reported, not fatal)


def lang_from_name(path: Path) -> str | None:
    """`news.de`, `x.hyp.sys.de`, `notes.en.txt` -> the language the name ends with, if supported."""
    parts = path.name.lower().split(".")
    for p in reversed(parts[1:]):
        if p in ("txt", "jsonl", "tsv", "csv", "md"):
            continue
        try:
            return normalize_lang(p)
        except LanguageError:
            return None
    return None


def _fmt_of(path: Path, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    suf = path.suffix.lower()
    return {".jsonl": "jsonl", ".tsv": "tsv", ".csv": "csv"}.get(suf, "text")


#: what a run writes into --out (summary.json, report.html and run.json are rewritten atomically
#: through NAME.tmp files)
OUTPUT_NAMES = {"segments.jsonl", "summary.json", "report.html", "run.json"}


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _is_output(path: Path, out: Path) -> bool:
    return path.parent == out and (path.name in OUTPUT_NAMES or path.name.endswith(".tmp"))


def discover(paths: list[str], fmt: str = "auto", exclude: str | Path | None = None,
             notes: list[str] | None = None) -> list[Unit]:
    """Units for the given files and directories (recursive, sorted). A directory holding
    `sources/`, `references/` and `system-outputs/` is read as the WMT layout.

    ``exclude`` (a run's --out) is never read: an input that is that directory or one of its
    outputs is a usage error; inside an input directory it is left out (files there that are
    not outputs of a run are named in ``notes``)."""
    out = Path(exclude).resolve() if exclude else None
    units: list[Unit] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"{display_path(raw)}: no such file or directory")
        rp = p.resolve() if out else None
        if out and (rp == out or _is_output(rp, out)):
            raise UsageError(f"{display_path(raw)} is the --out directory or one of its outputs: a run never reads "
                             "its own outputs; give the inputs, and another --out")
        if p.is_dir() and (fmt in ("auto", "wmt")) and (p / "system-outputs").is_dir():
            units += _wmt_units(p)
        elif p.is_dir():
            # --out inside this directory: its files are outputs, not inputs (they would be read
            # back on the next run)
            skip_out = out is not None and _within(out, rp) and out != rp
            files = sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith("."))
            # other checker runs' outputs are outputs too, whoever's they are (only their output
            # files: a run may have written into a directory that also holds inputs)
            runs = {f.parent for f in files if f.name == "run.json" and _is_run_dir(f.parent)}
            for d in sorted(runs):
                if notes is not None and not (out is not None and d.resolve() == out):
                    notes.append(f"{display_path(d)}: holds another checker run's outputs, not read as input")
            for f in files:
                if skip_out and _within(rf := f.resolve(), out):
                    if notes is not None and not _is_output(rf, out):  # someone else's file: say so
                        notes.append(f"{display_path(f)}: inside --out {display_path(exclude)}, not read as input")
                    continue
                if f.parent in runs and (f.name in OUTPUT_NAMES or f.name.endswith(".tmp")):
                    continue
                units.append(Unit(f, _fmt_of(f, fmt), lang_from_name(f)))
        else:
            units.append(Unit(p, _fmt_of(p, "text" if fmt == "wmt" else fmt), lang_from_name(p)))
    if not units:
        why = f" ({'; '.join(notes)})" if notes else ""  # the caller prints notes only after success
        raise InputError(f"no input files in {' '.join(map(display_path, paths))}{why}")
    return units


def _is_run_dir(d: Path) -> bool:
    """Whether ``d`` holds a checker batch run: run.json with the identity's keys beside
    segments.jsonl."""
    if not (d / "segments.jsonl").is_file():
        return False
    try:
        meta = json.loads((d / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and {"version", "paths", "checker"} <= meta.keys()


def _wmt_units(root: Path) -> list[Unit]:
    out = []
    for hyp in sorted((root / "system-outputs").iterdir()):
        m = _WMT_HYP.match(hyp.name)
        if not m or not hyp.is_file():
            continue
        pair = f"{m['set']}.{m['src']}-{m['tgt']}"
        src = root / "sources" / f"{pair}.src.{m['src']}"
        refs = sorted((root / "references").glob(f"{pair}.ref.*.{m['tgt']}"))
        lang = lang_from_name(hyp)
        out.append(Unit(hyp, "wmt", lang, system=f"{m['src']}-{m['tgt']}:{m['system']}",
                        source=src if src.exists() else None, source_lang=m["src"], references=refs,
                        skip=None if lang else f"target language {m['tgt']!r} is not supported: file skipped"))
    return out


def _parse_fields(spec: list[str] | None) -> dict[str, str]:
    """`--field text=hyp --field id=seg` -> {our name: column or key}."""
    names = {f: f for f in FIELDS}
    for item in spec or []:
        k, sep, v = item.partition("=")
        if not sep or k not in FIELDS or not v:
            raise UsageError(f"--field {item!r}: expected NAME=COLUMN with NAME one of {', '.join(FIELDS)}")
        names[k] = v
    return names


def _lines(path: Path) -> list[str]:
    return split_lines(read_text(str(path)))


def records(units: list[Unit], fields: list[str] | None, problems: list[InputProblem]) -> Iterator[Record]:
    """Every segment of every unit, in order, numbered; problems are appended as found."""
    names = _parse_fields(fields)
    n = 0
    for k, u in enumerate(units):
        if u.skip:
            problems.append(InputProblem(display_path(u.path), None, u.skip, skipped_file=True))
            continue
        try:
            it = {"text": _text, "wmt": _wmt, "jsonl": _jsonl, "tsv": _table, "csv": _table}[u.fmt](u, names, problems)
            for r in it:
                r.n = n
                r.unit = k
                n += 1
                yield r
        except InputError as e:  # unreadable, binary, badly encoded: this file only
            problems.append(InputProblem(display_path(u.path), None, e.message.removeprefix(f"{u.path}: ")))


def _text(u: Unit, names, problems) -> Iterator[Record]:
    path = display_path(u.path)
    for i, line in enumerate(_lines(u.path)):
        yield Record(0, path, i, line, system=u.system, lang=u.lang)


def _wmt(u: Unit, names, problems) -> Iterator[Record]:
    path = display_path(u.path)
    hyp = _lines(u.path)
    src = _lines(u.source) if u.source else None
    if src is not None and len(src) != len(hyp):
        problems.append(InputProblem(path, None, f"{len(hyp)} lines, but its source {display_path(u.source)} has "
                                     f"{len(src)}: checked without its source"))
        src = None
    refs = []
    for r in u.references:
        lines = _lines(r)
        if len(lines) != len(hyp):
            problems.append(InputProblem(path, None, f"{len(hyp)} lines, but reference {display_path(r)} has "
                                         f"{len(lines)}: that reference is not used"))
        else:
            refs.append(lines)
    for i, line in enumerate(hyp):
        yield Record(0, path, i, line, system=u.system, lang=u.lang,
                     source=src[i] if src else None, source_lang=_lang_or_none(u.source_lang) if src else None,
                     reference=[r[i] for r in refs] or None)


def _lang_or_none(code: str | None) -> str | None:
    try:
        return normalize_lang(code) if code else None
    except LanguageError:
        return None


def _from_mapping(u: Unit, i: int, row: dict, names: dict[str, str], problems) -> Record | None:
    path = display_path(u.path)
    text = row.get(names["text"])
    if not isinstance(text, str):
        problems.append(InputProblem(path, i, f"no text field {names['text']!r}" if text is None
                                     else f"field {names['text']!r} is not a string"))
        return None
    get = lambda k: (None if row.get(names[k]) in (None, "") else str(row.get(names[k])))  # noqa: E731
    langs = {}
    for k, what in (("lang", "language"), ("source_lang", "source language")):
        code = get(k)
        try:  # here, not in a worker: there a LanguageError would end the whole run
            langs[k] = normalize_lang(code) if code else None
        except LanguageError:
            problems.append(InputProblem(path, i, f"unsupported {what} {code!r}: record skipped"))
            return None
    ref = row.get(names["reference"])
    refs = [str(x) for x in ref] if isinstance(ref, list) else ([str(ref)] if ref not in (None, "") else None)
    return Record(0, path, i, text, id=get("id"), system=get("system") or u.system,
                  lang=langs["lang"] or u.lang, source=get("source"), source_lang=langs["source_lang"],
                  reference=refs)


def _jsonl(u: Unit, names, problems) -> Iterator[Record]:
    for i, line in enumerate(_lines(u.path)):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(InputProblem(display_path(u.path), i,
                                         f"malformed JSON ({e.msg} at column {e.colno}): line skipped"))
            continue
        if not isinstance(row, dict):
            problems.append(InputProblem(display_path(u.path), i, "a JSON object is expected: line skipped"))
            continue
        r = _from_mapping(u, i, row, names, problems)
        if r is not None:
            yield r


def _lines_range(start: int, end: int) -> str:
    """0-based first line, 1-based last line (csv's line_num) -> 'lines 3-7' or 'line 3'."""
    return f"line {end}" if end <= start + 1 else f"lines {start + 1}-{end}"


def _table(u: Unit, names, problems) -> Iterator[Record]:
    """TSV (no quoting) or CSV, a header then one row per line. A CSV quote left open at the end
    of its line would make the csv module read on, across later rows, to the next quote or to
    the end of the file, merging them all into one field without a word: such a row, and the
    lines it swallowed, is reported and skipped instead (so is a multi-line quoted cell; every
    other format is one segment per line too), and so is a row ``strict`` parsing rejects."""
    path = display_path(u.path)
    text = read_text(str(u.path))
    tsv = u.fmt == "tsv"
    # newline="\n": physical lines end at \n only (the csv module handles a \r before it)
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter="\t" if tsv else ",",
                        quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL, strict=not tsv)
    header = None
    end = 0  # physical lines read so far
    while True:
        start = end  # 0-based line the next row starts on
        try:
            row = next(reader, None)
        except csv.Error as e:
            end = reader.line_num
            if end > start + 1 or "unexpected end of data" in str(e):  # a quote opened on line start
                msg = f"unbalanced quote starting on line {start + 1}: {_lines_range(start, end)} skipped"
            elif "new-line character seen in unquoted field" in str(e):
                msg = "a carriage return inside an unquoted field: line skipped"
            else:
                msg = f"malformed {'TSV' if tsv else 'CSV'} ({e}): line skipped"
            problems.append(InputProblem(path, start, msg))
            if header is None:
                problems.append(InputProblem(path, start, "no readable header: file skipped"))
                return
            continue
        end = reader.line_num
        if row is None:
            return
        if end > start + 1:  # a quoted field ran over line ends
            problems.append(InputProblem(path, start, f"a quoted field runs from line {start + 1} to line {end} "
                                         f"(an unbalanced quote?): {_lines_range(start, end)} skipped"))
            if header is None:
                problems.append(InputProblem(path, start, "no readable header: file skipped"))
                return
            continue
        if header is None:
            header = row
            if names["text"] not in header:
                problems.append(InputProblem(path, 0, f"no column {names['text']!r} in the header "
                                             f"({', '.join(header)}): file skipped"))
                return
            continue
        if not row:
            continue
        if len(row) != len(header):
            problems.append(InputProblem(path, start, f"{len(row)} columns, the header has {len(header)}: row skipped"))
            continue
        r = _from_mapping(u, start, dict(zip(header, row)), names, problems)
        if r is not None:
            yield r
