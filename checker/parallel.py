"""Ordered parallel checking of many lines: worker processes each build one Checker, lines go
out in chunks and results come back in input order, so output is identical to a serial run."""
from __future__ import annotations

import multiprocessing as mp
from typing import Any, Iterable, Iterator, Mapping

_CHK = None
_EVIDENCE = False
_CONTEXT: Mapping[str, int] | None = None


def _init(kwargs: dict[str, Any], evidence: bool, context: Mapping[str, int] | None = None) -> None:
    global _CHK, _EVIDENCE, _CONTEXT
    from .core import Checker

    _CHK = Checker(**kwargs)
    _EVIDENCE = evidence
    _CONTEXT = context


def _work(chunk: list[tuple[str, str | None, str | None]]) -> list[list[dict]]:
    out = []
    for line, src, src_lang in chunk:
        if line.strip():
            out.append([a.to_dict(_EVIDENCE) for a in _CHK.check(line, src, src_lang, _CONTEXT).anomalies])
        else:
            out.append([])
    return out


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    buf: list = []
    for it in items:
        buf.append(it)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def check_lines(items: Iterable[tuple[str, str | None, str | None]], checker_kwargs: dict[str, Any],
                jobs: int = 1, evidence: bool = False, chunk: int = 64,
                context: Mapping[str, int] | None = None) -> Iterator[list[dict]]:
    """Anomaly dicts for each (line, source, source_lang), in input order."""
    if jobs <= 1:
        _init(checker_kwargs, evidence, context)
        for c in _chunks(items, chunk):
            yield from _work(c)
        return
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(jobs, initializer=_init, initargs=(checker_kwargs, evidence, context)) as pool:
        for res in pool.imap(_work, _chunks(items, chunk)):
            yield from res
