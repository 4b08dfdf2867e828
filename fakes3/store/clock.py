"""The store's time source, injectable so tests can step time without sleeping."""

from __future__ import annotations

from datetime import datetime, timezone


class Clock:
    """Wall-clock time, truncated to whole seconds as S3's Last-Modified is."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(microsecond=0)
