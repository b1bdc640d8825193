"""The one local worker pool: `scan -j`, batch runs' local engine, Checker.pipe and the batch
summary's metric scoring all run their worker processes through it.

Invariants:
- Results come back in submission order, with at most ``window`` tasks in flight, so memory stays
  flat however many tasks there are.
- Workers start clean (``spawn``) — never a plain fork of this process, which is unsafe once
  torch (or any threaded library) is loaded; each builds its own Checker in its initializer.
- A worker never outlives the process that started it: a parent killed with SIGKILL cannot stop
  its pool, and a concurrent.futures worker would then wait on its call queue for ever holding a
  loaded Checker. Every worker runs die_with_parent() first.
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing as mp
import os
import sys
import threading
import time
from typing import Any, Callable, Iterable, Iterator


def start_method() -> str:
    # spawn, not forkserver: a fork server outlives a parent killed with SIGKILL, and so would
    # the workers it forked (their parent, the server, is still alive); spawned workers are the
    # run's own children, so PR_SET_PDEATHSIG ends them with it
    return "spawn"


def die_with_parent(parent: int | None = None) -> None:
    """Make this worker process end when its parent ends, however it ends: on Linux the kernel
    sends SIGTERM (PR_SET_PDEATHSIG); elsewhere, and in case that signal is lost, a daemon thread
    notices within a second that the worker has been re-parented."""
    parent = os.getppid() if parent is None else parent
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            arg = ctypes.c_ulong
            ctypes.CDLL(None, use_errno=True).prctl(1, arg(signal.SIGTERM), arg(0), arg(0), arg(0))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    # it died before prctl took effect (no signal will come): re-parented to init already
    if os.getppid() != parent or parent == 1:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="checker-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _init(init: Callable | None, initargs: tuple) -> None:
    die_with_parent()
    if init is not None:
        init(*initargs)


def executor(jobs: int, init: Callable | None = None, initargs: tuple = ()) -> cf.ProcessPoolExecutor:
    """A process pool of ``jobs`` clean workers that die with this process; ``init(*initargs)``
    runs once in each (build its Checker there)."""
    return cf.ProcessPoolExecutor(jobs, mp_context=mp.get_context(start_method()), initializer=_init,
                                  initargs=(init, initargs))


def ordered_map(fn: Callable, tasks: Iterable[Any], jobs: int, init: Callable | None = None,
                initargs: tuple = (), window: int | None = None) -> Iterator[Any]:
    """fn(task) for every task, in order: in this process when ``jobs`` <= 1 (after
    ``init(*initargs)``), else in a pool of ``jobs`` workers."""
    if jobs <= 1:
        if init is not None:
            init(*initargs)
        for t in tasks:
            yield fn(t)
        return
    with executor(jobs, init, initargs) as ex:
        yield from windowed(ex.submit, tasks, window or 4 * jobs, fn)


def windowed(submit: Callable, tasks: Iterable[Any], window: int, fn: Callable) -> Iterator[Any]:
    """Results of submit(fn, task) in order, with at most ``window`` submitted and not yet taken."""
    pending: collections.deque = collections.deque()
    for t in tasks:
        pending.append(submit(fn, t))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


__all__ = ["die_with_parent", "executor", "ordered_map", "windowed", "start_method"]
