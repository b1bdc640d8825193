"""A one-line progress bar with rate and ETA on a terminal; silent when stderr is piped."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, done: int = 0, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.done, self.start_done = total, done, done
        self.words = 0
        self.t0 = self.last = time.monotonic()

    def update(self, segments: int, words: int) -> None:
        self.done += segments
        self.words += words
        now = time.monotonic()
        if self.enabled and (now - self.last >= 0.2 or self.done >= self.total):
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        el = max(now - self.t0, 1e-9)
        rate = (self.done - self.start_done) / el
        left = (self.total - self.done) / rate if rate > 0 else 0
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(frac * 30)
        eta = f"{int(left // 60)}:{int(left % 60):02d}"
        self.stream.write(f"\r[{bar:<30}] {self.done:,}/{self.total:,} segments  {rate:,.0f} seg/s  "
                          f"{self.words / el:,.0f} words/s  ETA {eta} ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
