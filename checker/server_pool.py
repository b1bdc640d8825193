"""The bounded worker pool of `checker serve`, and cancellation of checks.

Invariants:
- At most ``workers`` checks run at once, on threads, and at most ``workers + queue`` are
  admitted (running or waiting); one more is refused with 503 and Retry-After.
- An admitted check counts until its thread is done with it, not until its request is answered,
  so work cancelled by a timeout still counts while it winds down and cannot pile up.
- A check that takes longer than its timeout (waiting for a worker included) is answered 504 and
  its cancel flag is set; the work looks at the flag (checker.server.check_text: before every
  piece of a line) and stops with ``_Cancelled``. Shutting the pool down sets every live flag and
  refuses new checks with 503.

Only the standard library is needed here.
"""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor


class _Refused(Exception):
    """A request refused with an HTTP status; the app answers {"detail": message} with ``headers``."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


class _Cancelled(Exception):
    """The check was cancelled (its request timed out, or the server is stopping)."""


class _Pool:
    """Checks on ``workers`` threads, at most ``workers + queue`` admitted at once (more: 503).
    An admitted check counts until its thread is done with it, so work cancelled by a timeout
    still counts while it winds down and cannot pile up behind the responses."""

    def __init__(self, workers: int, queue: int):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="checker")
        self.capacity = workers + queue
        self.admitted = 0
        self.live: set[threading.Event] = set()
        self.lock = threading.Lock()
        self.stopped = False

    def _release(self, cancel: threading.Event) -> None:
        with self.lock:
            self.admitted -= 1
            self.live.discard(cancel)

    async def run(self, fn, timeout: float):
        """``fn(cancel)`` on a worker; 504 after ``timeout`` s, and ``cancel`` is set."""
        cancel = threading.Event()
        with self.lock:
            if self.stopped:
                raise _Refused(503, "the server is shutting down")
            if self.admitted >= self.capacity:
                raise _Refused(503, f"busy: {self.admitted} checks are running or waiting; retry later",
                               {"Retry-After": "1"})
            self.admitted += 1
            self.live.add(cancel)

        def job():
            if cancel.is_set():
                raise _Cancelled()
            return fn(cancel)

        try:
            fut = self.executor.submit(job)
        except RuntimeError:  # shut down since the check above
            self._release(cancel)
            raise _Refused(503, "the server is shutting down") from None
        # runs when the job ends, or at once when the job is cancelled before it started
        fut.add_done_callback(lambda _: self._release(cancel))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), timeout)
        except asyncio.TimeoutError:
            cancel.set()
            raise _Refused(504, f"check took longer than {timeout:g} s") from None
        except _Cancelled:  # only the shutdown cancels a check that has not timed out
            raise _Refused(503, "the server is shutting down") from None
        except BaseException:  # the handler itself was cancelled (shutdown): stop the work too
            cancel.set()
            raise

    def shutdown(self) -> None:
        with self.lock:
            self.stopped = True
            for ev in self.live:
                ev.set()
        self.executor.shutdown(wait=False, cancel_futures=True)
