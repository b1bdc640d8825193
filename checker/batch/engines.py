"""Where chunks of records are checked: in this process, in local worker processes, or on a
Dask distributed cluster. Every engine returns results in submission order, with a bounded
number of chunks in flight, so memory stays flat however large the corpus.

Invariants: a CheckerError while checking one record is that record's result (its message),
never the end of the run; local workers end when the run's process ends, even by SIGKILL
(checker.pool, the one local pool)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from ..errors import CheckerError, ModelError, UsageError
from ..pool import ordered_map, windowed

_CHECKERS: dict[str, Any] = {}
_CONTEXTS: dict[str, Any] = {}


def check_chunk(task: tuple[str, dict, bool, list[str] | None, Any, list[tuple]]
                ) -> list[tuple[int, list[dict], int, str | None]]:
    """Check one chunk: (n, anomaly dicts, words, error) per record, error being the message of a
    CheckerError met on that record (else None). Checkers and per-file word counts are built
    once per worker process and kept (keyed by their settings / file)."""
    import json

    from ..core import Checker
    from ..document import word_counts
    from ..pipe import check_document
    from .sources import records

    key, kwargs, file_context, fields, unit, items = task
    chk = _CHECKERS.get(key)
    if chk is None:
        chk = _CHECKERS[key] = Checker(**json.loads(key))
    ctx = None
    if file_context:
        ck = f"{unit.path}|{fields}"
        if ck not in _CONTEXTS:
            _CONTEXTS.clear()  # one file at a time is enough: chunks arrive file by file
            _CONTEXTS[ck] = word_counts([r.text for r in records([unit], fields, [])])
        ctx = _CONTEXTS[ck]
    out = []
    for n, text, source, source_lang, lang in items:
        if not text.strip():
            out.append((n, [], 0, None))
            continue
        try:
            # the one document loop (a record with line breaks is checked line by line, like a file)
            rep = check_document(chk, text, source, source_lang, lang=lang, file_context=file_context, context=ctx)
        except CheckerError as e:  # this record's problem; the other records are fine
            out.append((n, [], 0, e.message))
            continue
        out.append((n, [a.to_dict() for a in rep.anomalies], rep.words, None))
    return out


def run_ordered(tasks: Iterable[Any], engine: str, jobs: int, address: str | None,
                fn: Callable = check_chunk) -> Iterator[Any]:
    """fn(task) for every task, in order."""
    if engine == "local":
        yield from ordered_map(fn, tasks, jobs)
        return
    if engine == "dask":
        try:
            from distributed import Client
        except ImportError:
            raise ModelError("--engine dask needs the dask extra: pip install 'translation-checker[dask]'") from None
        if not address:
            raise UsageError("--engine dask needs --address (the scheduler, e.g. tcp://127.0.0.1:8786)")
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as e:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            yield from windowed(lambda f, t: client.submit(f, t, pure=False), tasks, 4 * workers, fn)
        finally:
            client.close()
        return
    raise UsageError(f"unknown engine {engine!r} (local, dask)")
