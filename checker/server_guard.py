"""The connection guard of `checker serve`: uvicorn's h11 protocol with deadlines and a
connection cap, the open-file limit, and bounded logging.

Invariants:
- Each stage of a request has a deadline, armed when the connection enters it: the request
  head (``header_timeout``, from the connection's start or the end of its previous response),
  the body (``body_timeout`` + ``BACKSTOP_GRACE``: the app answers 408 first, this cuts a body
  no handler reads), and the response (``response_timeout``, from a complete request until its
  answer is handed to the client's socket). Past a head or body deadline the connection is
  closed (with a 408 if part of a request came and no answer has started); past a response
  deadline it is aborted, since a graceful close would wait forever for a client that does not
  read.
- At most ``cap`` connections are open: ``max_connections``, lowered to the open-file limit less
  ``FD_RESERVE`` (the soft limit is first raised to the hard one). A connection over the cap
  closes the oldest connection still sending a request head or body (or idle between requests);
  a connection whose request is being answered is never closed for a new one. If there is none
  to close, the new connection is closed.
- Logging is bounded whatever clients do: dropped connections are counted by reason and reported
  in one line at most every ``LOG_INTERVAL`` (60) seconds (``_DropLog``); any one warning or error
  message of uvicorn or asyncio passes at most once per ``LOG_INTERVAL`` with a count of the
  suppressed ones, and asyncio's failed accept (out of file descriptors) is one line, not a
  traceback (``_OncePerInterval``).

uvicorn and h11 are imported only inside make_server, so importing this module needs neither.
"""

import asyncio
import logging
import math
import signal
import threading
import time
from typing import Any

DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_TIMEOUT = 30.0
# `checker serve`'s default: --timeout (checker.server.DEFAULT_TIMEOUT, 10 s) + --body-timeout (30 s)
DEFAULT_RESPONSE_TIMEOUT = 10.0 + DEFAULT_BODY_TIMEOUT
DEFAULT_MAX_CONNECTIONS = 2048
FD_RESERVE = 128  # file descriptors kept for everything but connections (models, logs, epoll)
BACKSTOP_GRACE = 1.0  # the connection guard cuts a body this long after the app's own 408
LOG_INTERVAL = 60.0

_log = logging.getLogger("uvicorn.error")  # uvicorn configures its handler and format


class _DropLog:
    """Counts dropped connections by reason; reports them in one line at most every LOG_INTERVAL
    seconds (the first at once), so that a flood of stalled clients cannot flood the log."""

    def __init__(self, interval: float = LOG_INTERVAL):
        self.interval = interval
        self.counts: dict[str, int] = {}
        self.last = -math.inf
        self.flush_at: tuple[Any, Any] | None = None  # (loop, timer handle) of a pending report

    def count(self, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        wait = self.last + self.interval - time.monotonic()
        if wait <= 0:
            self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self.flush_at is None or self.flush_at[0] is not loop or loop.is_closed():
            self.flush_at = (loop, loop.call_later(wait, self.flush))

    def flush(self) -> None:
        if self.flush_at is not None:
            self.flush_at[1].cancel()
            self.flush_at = None
        if self.counts:
            parts = ", ".join(f"{n} {why}" for why, n in sorted(self.counts.items(), key=lambda kv: -kv[1]))
            _log.warning("connections dropped since the last report: %s", parts, extra={"rate_limited": True})
            self.counts.clear()
            self.last = time.monotonic()


_drops = _DropLog()  # shared with the app (checker.server), which counts clients gone mid-body


class _OncePerInterval(logging.Filter):
    """A logger filter: each warning or error message (by its template's first line) passes at most
    once per ``interval`` seconds; the next one that passes says how many were suppressed. The
    accept() failure asyncio logs with a traceback per attempt becomes one line."""

    def __init__(self, interval: float = LOG_INTERVAL):
        super().__init__()
        self.interval = interval
        self.seen: dict[tuple[str, str], list] = {}
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or getattr(record, "rate_limited", False):
            return True
        first = str(record.msg).split("\n", 1)[0]
        key = (record.name, first)
        now = time.monotonic()
        with self.lock:
            entry = self.seen.get(key)
            if entry is not None and now - entry[0] < self.interval:
                entry[1] += 1
                return False
            if len(self.seen) > 1000:  # templates, not messages, so this is a safety net only
                self.seen.clear()
            suppressed = entry[1] if entry else 0
            self.seen[key] = [now, 0]
        if record.name == "asyncio" and "out of system resource" in first:
            record.msg, record.args = f"{first} (open-file limit reached)", ()
            record.exc_info = record.exc_text = None
        if suppressed:
            record.msg = f"{record.msg} ({suppressed} more like this in the last {self.interval:g} s)"
        return True


def _install_log_filters() -> None:
    for name in ("uvicorn.error", "asyncio"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _OncePerInterval) for f in logger.filters):
            logger.addFilter(_OncePerInterval())


def _raise_fd_limit() -> int:
    """Raise the soft open-file limit to the hard one; the soft limit now in force."""
    try:
        import resource
    except ImportError:  # not POSIX
        return DEFAULT_MAX_CONNECTIONS + FD_RESERVE
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft == resource.RLIM_INFINITY or (want != resource.RLIM_INFINITY and soft >= want):
        return soft if soft != resource.RLIM_INFINITY else 1 << 20
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        return want
    except (ValueError, OSError):
        return soft


def make_server(app, host: str = "127.0.0.1", port: int = 8000, header_timeout: float = DEFAULT_HEADER_TIMEOUT,
                body_timeout: float = DEFAULT_BODY_TIMEOUT, max_connections: int = DEFAULT_MAX_CONNECTIONS,
                response_timeout: float = DEFAULT_RESPONSE_TIMEOUT, log_level: str = "warning"):
    """A uvicorn.Server for ``app`` with the connection guard (header, body and response
    timeouts, the connection cap; see the module docstring), SIGTERM as a clean exit 0, and
    bounded logging. ``.run()`` serves until SIGTERM/SIGINT or ``.should_exit = True``.
    ``response_timeout`` must exceed the app's own check timeout (cmd_serve: --timeout +
    --body-timeout)."""
    import h11
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

    cap = max(1, min(max_connections, _raise_fd_limit() - FD_RESERVE))
    deadline = {"head": header_timeout, "body": body_timeout + BACKSTOP_GRACE, "response": response_timeout}
    # connections still sending a request head or body, or idle between requests, oldest first:
    # the ones to close when the cap is reached (a dict is an insertion-ordered set)
    waiting: dict[Any, None] = {}
    timeout_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                   b"content-length: 16\r\nconnection: close\r\n\r\nrequest timeout\n")

    class GuardedH11Protocol(H11Protocol):
        """uvicorn's h11 protocol with a deadline on each request's head and body."""

        _guard = None
        _phase = None  # "head", "body", "response" (the request is in, its answer not yet out)
        _got = 0  # bytes of the current request received so far

        def connection_made(self, transport):
            super().connection_made(transport)
            if len(self.connections) > cap:
                victim = next(iter(waiting), None)
                if victim is None:
                    _drops.count("over the connection cap")
                    self.connections.discard(self)
                    transport.abort()
                    return
                victim._expire("closed for a new one at the connection cap")
            self._arm("head")

        def _arm(self, phase: str) -> None:
            self._disarm()
            self._phase = phase
            self._guard = self.loop.call_later(deadline[phase], self._expire, f"{phase} timeout")
            if phase != "response":  # a request being answered is never closed for a new connection
                waiting[self] = None

        def _disarm(self) -> None:
            if self._guard is not None:
                self._guard.cancel()
                self._guard = None
            waiting.pop(self, None)

        def _expire(self, why: str) -> None:
            self._disarm()
            t = self.transport
            if t.is_closing() and not t.get_write_buffer_size():
                return  # closed already, or closing with nothing left to send
            _drops.count(why)
            if self._phase == "response" or t.is_closing() or t.get_write_buffer_size():
                # a client that does not read its answer: close() would wait for it forever
                t.abort()
                return
            cycle = self.cycle if self._phase == "body" else None
            if self._got and (cycle is None or not cycle.response_started):
                if cycle is not None:
                    cycle.disconnected = True  # whatever the app sends now goes nowhere
                t.write(timeout_408)
            t.close()

        def _track(self) -> None:
            """Arm the deadline of the phase the connection is in now (a new phase, a new one)."""
            t = self.transport
            state = self.conn.their_state
            writing = t.get_write_buffer_size() > 0  # part of an answer not yet taken by the client
            if t.is_closing() or state not in (h11.IDLE, h11.SEND_BODY, h11.DONE):
                phase = "response" if writing else None
            elif state is h11.DONE or (state is h11.IDLE and writing and not self._got):
                phase = "response"  # being answered, or the answer still on its way out
            else:
                phase = "head" if state is h11.IDLE else "body"
            if phase is None:
                self._disarm()
                self._phase = None
            elif phase != self._phase:
                self._arm(phase)

        def data_received(self, data: bytes) -> None:
            self._got += len(data)
            super().data_received(data)
            self._track()

        def on_response_complete(self) -> None:
            self._got = 0  # the next request starts
            super().on_response_complete()  # may start the next (pipelined) request
            self._track()

        def connection_lost(self, exc):
            self._disarm()
            super().connection_lost(exc)

    class Server(uvicorn.Server):
        # SIGTERM is the normal way to stop a service: shut down gracefully, then exit 0 (uvicorn
        # would re-raise the signal after its graceful shutdown, so the exit status were -15)
        def handle_exit(self, sig, frame):
            super().handle_exit(sig, frame)
            # checks still running are cancelled now (they answer 503 at their next line or piece),
            # not after the graceful wait, when uvicorn would cancel their handlers with a traceback
            pool = getattr(getattr(app, "state", None), "pool", None)
            if pool is not None:
                pool.shutdown()
            captured = getattr(self, "_captured_signals", None)
            if sig == signal.SIGTERM and captured and captured[-1] == sig:
                captured.pop()

    # ws="none": no websockets here; an upgrade request is answered as plain HTTP
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5,
                            http=GuardedH11Protocol, ws="none", lifespan="on")
    _install_log_filters()
    if cap < max_connections:
        _log.warning("max connections lowered to %d by the open-file limit (ulimit -n)", cap)
    server = Server(config)
    server.connection_cap = cap
    return server

