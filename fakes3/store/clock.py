"""The store's time source, injectable so tests can step time without sleeping.

Everything time-based reads the store's clock: Last-Modified, signature expiry and clock
skew (``fakes3.auth``), and the lags of the consistency view (``fakes3.store.consistency``).
``Clock`` is the wall clock; ``ManualClock`` only moves when a test moves it.

``listeners`` are called as ``listener(before, after)`` after a manual clock moves, outside
its lock (lifecycle passes run when a step crosses a day boundary). A manual clock installed
in place of another shares that clock's list, so listeners survive the swap.
"""

from __future__ import annotations

import threading
import time as _time
from collections.abc import Callable
from datetime import datetime, timezone

__all__ = ["Clock", "ManualClock"]


class Clock:
    """Wall-clock time."""

    manual = False

    def __init__(self) -> None:
        self.listeners: list[Callable[[float, float], None]] = []

    def time(self) -> float:
        """Seconds since the epoch, with a fraction (what the consistency view measures)."""
        return _time.time()

    def now(self) -> datetime:
        """UTC, truncated to whole seconds as S3's Last-Modified is."""
        return datetime.fromtimestamp(int(self.time()), timezone.utc)


class ManualClock(Clock):
    """A clock that stands still until ``advance()`` or ``set()``.

    It starts at the wall-clock time of its creation (so signatures made by real clients are
    within S3's 15-minute skew), unless ``start`` is given.
    """

    manual = True

    def __init__(
        self,
        start: float | datetime | None = None,
        listeners: list[Callable[[float, float], None]] | None = None,
    ) -> None:
        super().__init__()
        if listeners is not None:
            self.listeners = listeners
        self._lock = threading.Lock()
        self._now = _time.time() if start is None else _seconds(start)

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward (never back) by ``seconds``; returns the new time."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward, not by {seconds}")
        with self._lock:
            before = self._now
            self._now += seconds
            after = self._now
        self._moved(before, after)
        return after

    def set(self, when: float | datetime) -> float:
        """Jump to ``when`` (epoch seconds or an aware datetime), forward or back."""
        with self._lock:
            before = self._now
            self._now = after = _seconds(when)
        self._moved(before, after)
        return after

    def _moved(self, before: float, after: float) -> None:
        for listener in list(self.listeners):
            listener(before, after)


def _seconds(when: float | datetime) -> float:
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError("give an aware datetime (tzinfo=timezone.utc)")
        return when.timestamp()
    return float(when)
