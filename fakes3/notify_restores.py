"""Restores waiting to complete, for ``s3:ObjectRestore:Completed``.

A restore completes on the store's clock without any commit (the version's record holds when
the copy is ready, fakes3/operations/restore.py), so nothing passes a seam then. The
notifications remember each restore they reported started (``s3:ObjectRestore:Post``) and
report it completed the first time they look after it is ready: when a manual clock moves
(a clock listener) and before any request to a bucket is answered (one truthiness check while
none waits). A restore replaced or a version deleted meanwhile reports nothing.
"""

from __future__ import annotations

import heapq
import threading
from dataclasses import dataclass, field


@dataclass(order=True, frozen=True)
class Waiting:
    ready: float
    bucket: str = field(compare=False)
    key: str = field(compare=False)
    version_id: str | None = field(compare=False)
    ready_text: str = field(compare=False)  # the record's restore_ready, to tell it is the same


class Restores:
    def __init__(self) -> None:
        self._heap: list[Waiting] = []
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._heap)

    def add(self, waiting: Waiting) -> None:
        with self._lock:
            heapq.heappush(self._heap, waiting)

    def due(self, now: float) -> list[Waiting]:
        """The restores ready at ``now``, earliest first, forgotten here."""
        found: list[Waiting] = []
        with self._lock:
            while self._heap and self._heap[0].ready <= now:
                found.append(heapq.heappop(self._heap))
        return found

    def clear(self) -> None:
        with self._lock:
            self._heap.clear()
