"""Checking documents: the one line loop every shell uses (`check`, `scan`, `hook`, the service,
`Checker.pipe`), and Checker.pipe's streaming over many documents on the one pool (checker.pool).

A document is a text of lines. Each non-blank line is checked on its own, with the document's word
counts as context (``file_context``: a rare word that recurs in the document is a term or a name),
and its line of the source when one is given. Invariants: the Report's anomaly offsets are offsets
into the whole text (``text[a.start:a.end] == a.text``); lines end at "\\n" and a "\\r" before it
is not part of the line; the source has exactly as many lines as the text, else InputError; with
``max_piece``, a longer line is checked in pieces cut after a sentence end or whitespace, never
inside a word; with ``cancel``, the loop stops (``Cancelled``) before the next line or piece once
it is set, so a caller that gave up on the result gets its worker back within one piece's work.
Checker.pipe answers an item it has checked before (the same text, source and languages, at most
``_REPEAT_CHARS`` characters) from memory, with its own copy of the same Report.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from .errors import InputError
from .report import Anomaly, Report, Suggestion

if TYPE_CHECKING:
    from .core import Checker

_SENTENCE_END = re.compile(r"[.!?;\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*\s+")
_SPACE = re.compile(r"\s+")


class Cancelled(Exception):
    """check_document stopped because its ``cancel`` event was set."""


@dataclass
class Text:
    """One document for Checker.pipe: its text, and optionally its source, languages and an id."""

    text: str
    source: str | None = None
    lang: str | None = None
    source_lang: str | None = None
    id: Any = None


def lines_of(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line: split at "\\n", a trailing "\\r" dropped, and a final newline
    does not add an empty line."""
    out, pos = [], 0
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    for p in parts:
        out.append((pos, p[:-1] if p.endswith("\r") else p))
        pos += len(p) + 1
    return out


def pieces(line: str, size: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering ``line``: pieces of at most ``size`` characters, cut after the last
    sentence end in reach, else after the last whitespace; a word longer than ``size`` is one piece
    of its own length, never cut (the core bounds the work on an over-long word)."""
    i, n = 0, len(line)
    while n - i > size:
        window = line[i:i + size]
        m = None
        for m in _SENTENCE_END.finditer(window):
            pass
        if m is None:
            for m in _SPACE.finditer(window):
                pass
        if m is not None and m.end() > 0:
            cut = i + m.end()
        else:  # no whitespace in reach: a word longer than size; cut after it
            m = _SPACE.search(line, i + size)
            cut = m.end() if m else n
        yield i, line[i:cut]
        i = cut
    if i < n:
        yield i, line[i:]


def check_document(chk: "Checker", text: str, source: str | Sequence[str | None] | None = None,
                   source_lang: str | None = None, *, lang: str | None = None, file_context: bool = True,
                   context: Mapping[str, int] | None = None, skip: Iterable[int] = (),
                   max_piece: int | None = None, cancel: threading.Event | None = None) -> Report:
    """Check ``text`` line by line (see the module docstring). ``source``: the whole source text,
    or one source per line; ``context``: word counts to use instead of the text's own (a batch
    run's file); ``skip``: 0-based lines not to check (the hook's ignore markers)."""
    from .document import word_counts

    lines = lines_of(text)
    if source is None:
        srcs: Sequence[str | None] = [None] * len(lines)
    else:
        srcs = [s for _, s in lines_of(source)] if isinstance(source, str) else list(source)
        if len(srcs) != len(lines):
            raise InputError(f"source has {len(srcs)} lines but text has {len(lines)}; they must be line-aligned")
    if context is None and file_context:
        context = word_counts(line for _, line in lines)
    ctx = context if file_context else None
    skipped = set(skip)
    anomalies, words, signature, doc_lang = [], 0, None, lang
    for i, ((base, line), src) in enumerate(zip(lines, srcs)):
        if i in skipped or not line.strip():
            continue
        parts = pieces(line, max_piece) if max_piece and len(line) > max_piece else ((0, line),)
        for off, piece in parts:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if not piece.strip():
                continue
            rep = chk.check(piece, src, source_lang, ctx, lang=lang)
            signature, doc_lang, words = rep.signature, rep.lang, words + rep.words
            for a in rep.anomalies:
                a.start += base + off
                a.end += base + off
                anomalies.append(a)
    if signature is None:  # nothing to check: the signature of what would have checked it
        doc_lang = doc_lang or chk.lang or "en"
        signature = chk.signature(doc_lang, ctx is not None)
    return Report(text=text, lang=doc_lang, anomalies=anomalies, signature=signature, words=words)


def as_text(item: "str | Text | tuple | Mapping[str, Any]") -> Text:
    """A Text from a string, a (text, source) pair, a mapping with Text's keys, or a Text."""
    if isinstance(item, Text):
        return item
    if isinstance(item, str):
        return Text(item)
    if isinstance(item, tuple):
        return Text(*item)
    if isinstance(item, Mapping):
        return Text(**{k: item[k] for k in ("text", "source", "lang", "source_lang", "id") if k in item})
    raise TypeError(f"cannot check a {type(item).__name__}: give a str, a (text, source) tuple, a mapping or a Text")


_WORKER: dict[str, Any] = {}


def _worker_init(kwargs: dict[str, Any], file_context: bool, context: Mapping[str, int] | None) -> None:
    from .core import Checker

    _WORKER.update(chk=Checker(**kwargs), file_context=file_context, context=context)


def _worker_run(batch: list[Text]) -> list[Report]:
    w = _WORKER
    memo = w.setdefault("memo", _Repeats(w["file_context"], w["context"]))
    return [memo.check(w["chk"], t) for t in batch]


#: texts remembered by _Repeats at most (cleared, not evicted, when reached), and their longest
_REPEATS_MAX = 1 << 15
_REPEAT_CHARS = 2000


class _Repeats:
    """Checks texts, answering a text seen before from memory: its Report cannot differ, since a
    text is judged with word counts shared by every item, its own (a function of the text), or
    none, and the checker is a function of the text, its source and languages and those counts.
    Corpora repeat whole lines (many systems' translations of one source, boilerplate)."""

    def __init__(self, file_context: bool, shared: Mapping[str, int] | None):
        self.file_context, self.shared = file_context, shared
        self.seen: dict[tuple, Report] = {}

    def check(self, chk: "Checker", t: Text) -> Report:
        key = (t.text, t.source, t.lang, t.source_lang)
        rep = self.seen.get(key)
        if rep is not None:
            return _copy(rep)
        rep = check_document(chk, t.text, t.source, t.source_lang, lang=t.lang, file_context=self.file_context,
                             context=self.shared)
        if len(t.text) <= _REPEAT_CHARS:  # lines are remembered, not whole articles
            if len(self.seen) >= _REPEATS_MAX:
                self.seen.clear()
            self.seen[key] = _copy(rep)
        return rep


def _copy(rep: Report) -> Report:
    """A Report its receiver may change without changing the remembered one."""
    return Report(text=rep.text, lang=rep.lang, signature=rep.signature, words=rep.words, meta=dict(rep.meta),
                  anomalies=[Anomaly(a.start, a.end, a.text, a.kind, a.score, a.reason,
                                     [Suggestion(x.text, x.score) for x in a.suggestions], dict(a.evidence))
                             for a in rep.anomalies])


def pipe(chk: "Checker", items: Iterable[Any], *, context: "str | Mapping[str, int]" = "file",
         n_process: int = 1, batch_size: int = 32) -> Iterator[Report]:
    """One Report per item, in input order (Checker.pipe documents it)."""
    from .errors import UsageError
    from .pool import ordered_map

    if isinstance(context, str) and context not in ("file", "line"):
        raise UsageError(f"context must be 'file', 'line' or word counts, not {context!r}")
    if n_process < 1 or batch_size < 1:
        raise UsageError("n_process and batch_size must be at least 1")
    file_context = context != "line"
    shared = context if not isinstance(context, str) else None
    texts = (as_text(it) for it in items)
    if n_process == 1:
        memo = _Repeats(file_context, shared)
        for t in texts:
            yield memo.check(chk, t)
        return
    batches = _batches(texts, batch_size)
    for reports in ordered_map(_worker_run, batches, n_process, _worker_init, (chk.init_kwargs, file_context, shared)):
        yield from reports


def _batches(items: Iterable[Any], size: int) -> Iterator[list]:
    buf: list = []
    for it in items:
        buf.append(it)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts (for turning offsets into line:column)."""
    return [off for off, _ in lines_of(text)] or [0]


__all__ = ["Text", "Cancelled", "as_text", "check_document", "lines_of", "line_starts", "pieces", "pipe"]
