"""Ordered parallel checking of many lines: worker processes each build one Checker, lines go
out in chunks and results come back in input order, so output is identical to a serial run.

Invariant: a worker never outlives the process that started it. A parent killed with SIGKILL
cannot stop its pool: a concurrent.futures worker then waits on its call queue for ever (it and
its siblings keep the queue's write end open), holding a loaded Checker, and an mp.Pool worker
still finishes its start-up and its chunk. So every worker, here and in the batch engine, runs
die_with_parent() first, and ends at once."""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
import time
from typing import Any, Iterable, Iterator, Mapping

_CHK = None
_EVIDENCE = False
_CONTEXT: Mapping[str, int] | None = None


def die_with_parent(parent: int) -> None:
    """Make this worker process end when ``parent`` (the pid that started it) ends, however it
    ends: on Linux the kernel sends SIGTERM (PR_SET_PDEATHSIG); elsewhere, and in case that
    signal is lost, a daemon thread notices within a second that the worker has been re-parented.
    A pool initializer: call it first, before any slow setup."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            arg = ctypes.c_ulong
            ctypes.CDLL(None, use_errno=True).prctl(1, arg(signal.SIGTERM), arg(0), arg(0), arg(0))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before prctl took effect: no signal will come
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="checker-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _init(kwargs: dict[str, Any], evidence: bool, context: Mapping[str, int] | None = None,
          parent: int | None = None) -> None:
    global _CHK, _EVIDENCE, _CONTEXT
    if parent is not None:
        die_with_parent(parent)
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
    with ctx.Pool(jobs, initializer=_init, initargs=(checker_kwargs, evidence, context, os.getpid())) as pool:
        for res in pool.imap(_work, _chunks(items, chunk)):
            yield from res
