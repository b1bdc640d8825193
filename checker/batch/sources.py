"""Inputs of a batch run: files and directories in plain-text, JSONL, TSV/CSV and WMT layouts,
read as a deterministic stream of segment records. Problems in one file (a malformed line, a
missing column, misaligned source/reference files) become InputProblems naming the file and
line; the rest of the run goes on."""
from __future__ import annotations

import csv
import io
import json
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


def discover(paths: list[str], fmt: str = "auto") -> list[Unit]:
    """Units for the given files and directories (recursive, sorted). A directory holding
    `sources/`, `references/` and `system-outputs/` is read as the WMT layout."""
    units: list[Unit] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"{raw}: no such file or directory")
        if p.is_dir() and (fmt in ("auto", "wmt")) and (p / "system-outputs").is_dir():
            units += _wmt_units(p)
        elif p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")):
                units.append(Unit(f, _fmt_of(f, fmt), lang_from_name(f)))
        else:
            units.append(Unit(p, _fmt_of(p, "text" if fmt == "wmt" else fmt), lang_from_name(p)))
    if not units:
        raise InputError(f"no input files in {' '.join(paths)}")
    return units


def _wmt_units(root: Path) -> list[Unit]:
    out = []
    for hyp in sorted((root / "system-outputs").iterdir()):
        m = _WMT_HYP.match(hyp.name)
        if not m:
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
    for u in units:
        if u.skip:
            problems.append(InputProblem(str(u.path), None, u.skip, skipped_file=True))
            continue
        try:
            it = {"text": _text, "wmt": _wmt, "jsonl": _jsonl, "tsv": _table, "csv": _table}[u.fmt](u, names, problems)
            for r in it:
                r.n = n
                n += 1
                yield r
        except InputError as e:  # unreadable, binary, badly encoded: this file only
            problems.append(InputProblem(str(u.path), None, e.message.removeprefix(f"{u.path}: ")))


def _text(u: Unit, names, problems) -> Iterator[Record]:
    for i, line in enumerate(_lines(u.path)):
        yield Record(0, str(u.path), i, line, system=u.system, lang=u.lang)


def _wmt(u: Unit, names, problems) -> Iterator[Record]:
    hyp = _lines(u.path)
    src = _lines(u.source) if u.source else None
    if src is not None and len(src) != len(hyp):
        problems.append(InputProblem(str(u.path), None, f"{len(hyp)} lines, but its source {u.source} has "
                                     f"{len(src)}: checked without its source"))
        src = None
    refs = []
    for r in u.references:
        lines = _lines(r)
        if len(lines) != len(hyp):
            problems.append(InputProblem(str(u.path), None, f"{len(hyp)} lines, but reference {r} has {len(lines)}: "
                                         "that reference is not used"))
        else:
            refs.append(lines)
    for i, line in enumerate(hyp):
        yield Record(0, str(u.path), i, line, system=u.system, lang=u.lang,
                     source=src[i] if src else None, source_lang=_lang_or_none(u.source_lang) if src else None,
                     reference=[r[i] for r in refs] or None)


def _lang_or_none(code: str | None) -> str | None:
    try:
        return normalize_lang(code) if code else None
    except LanguageError:
        return None


def _from_mapping(u: Unit, i: int, row: dict, names: dict[str, str], problems) -> Record | None:
    text = row.get(names["text"])
    if not isinstance(text, str):
        problems.append(InputProblem(str(u.path), i, f"no text field {names['text']!r}" if text is None
                                     else f"field {names['text']!r} is not a string"))
        return None
    get = lambda k: (None if row.get(names[k]) in (None, "") else str(row.get(names[k])))  # noqa: E731
    ref = row.get(names["reference"])
    refs = [str(x) for x in ref] if isinstance(ref, list) else ([str(ref)] if ref not in (None, "") else None)
    return Record(0, str(u.path), i, text, id=get("id"), system=get("system") or u.system,
                  lang=get("lang") or u.lang, source=get("source"), source_lang=get("source_lang"), reference=refs)


def _jsonl(u: Unit, names, problems) -> Iterator[Record]:
    for i, line in enumerate(_lines(u.path)):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(InputProblem(str(u.path), i, f"malformed JSON ({e.msg} at column {e.colno}): line skipped"))
            continue
        if not isinstance(row, dict):
            problems.append(InputProblem(str(u.path), i, "a JSON object is expected: line skipped"))
            continue
        r = _from_mapping(u, i, row, names, problems)
        if r is not None:
            yield r


def _table(u: Unit, names, problems) -> Iterator[Record]:
    text = read_text(str(u.path))
    delim = "\t" if u.fmt == "tsv" else ","
    reader = csv.reader(io.StringIO(text), delimiter=delim, quoting=csv.QUOTE_NONE if delim == "\t" else csv.QUOTE_MINIMAL)
    header = next(reader, None)
    if header is None:
        return
    if names["text"] not in header:
        problems.append(InputProblem(str(u.path), 0, f"no column {names['text']!r} in the header "
                                     f"({', '.join(header)}): file skipped"))
        return
    for i, row in enumerate(reader, start=1):
        if not row:
            continue
        if len(row) != len(header):
            problems.append(InputProblem(str(u.path), i, f"{len(row)} columns, the header has {len(header)}: row skipped"))
            continue
        r = _from_mapping(u, i, dict(zip(header, row)), names, problems)
        if r is not None:
            yield r
