"""Restores on the store's clock, for ``s3:ObjectRestore:Completed`` and ``:Delete``.

A restore completes, and its temporary copy expires, on the store's clock without any commit
(the version's record holds both dates, fakes3/operations/restore.py), so nothing passes a seam
then. The notifications remember each restore they reported started (``s3:ObjectRestore:Post``)
or extended (RestoreObject's 200), and report it the first time they look after its date: when
a manual clock moves (a clock listener) and before any bucket request is answered (one
truthiness check while none waits). A restore replaced or a version deleted meanwhile reports
nothing (the record's date must still be the one remembered).
"""

from __future__ import annotations

import base64
import heapq
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from fakes3 import notify_events as ne
from fakes3.errors import S3Error

if TYPE_CHECKING:
    from fakes3.store import Store

PRINCIPAL = "s3.amazonaws.com"  # S3 itself: lifecycle actions, restores


@dataclass(order=True, frozen=True)
class Waiting:
    when: float
    completes: bool = field(compare=False)  # True: ready; False: the copy expires
    bucket: str = field(compare=False)
    key: str = field(compare=False)
    version_id: str | None = field(compare=False)
    text: str = field(compare=False)  # the record's restore_ready / restore_expiry


def request_ids() -> tuple[str, str]:
    """A request id and host id for an event S3 caused itself."""
    return os.urandom(8).hex().upper(), base64.b64encode(os.urandom(48)).decode("ascii")


def _timestamp(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


class Restores:
    def __init__(self) -> None:
        self._heap: list[Waiting] = []
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._heap)

    def clear(self) -> None:
        with self._lock:
            self._heap.clear()

    def started(self, store: Store, bucket: str, key: str, version_id: str | None) -> None:
        """RestoreObject answered 202 (a restore runs) or 200 (a restored copy's expiry moved)."""
        try:
            stored = store.head_object(bucket, key, version_id)
        except S3Error:
            return
        ready, expiry = stored.restore_ready, stored.restore_expiry
        if ready is None or expiry is None:
            return
        if _timestamp(ready) > store.clock.time():
            self._add(Waiting(_timestamp(ready), True, bucket, key, version_id, ready))
        else:
            self._add(Waiting(_timestamp(expiry), False, bucket, key, version_id, expiry))

    def due(self, store: Store, now: float) -> list[tuple[ne.Happened, float]]:
        """The events of the restores whose date has come, with that date, earliest first."""
        found: list[tuple[ne.Happened, float]] = []
        with self._lock:
            waiting: list[Waiting] = []
            while self._heap and self._heap[0].when <= now:
                waiting.append(heapq.heappop(self._heap))
        for each in waiting:
            try:
                stored = store.head_object(each.bucket, each.key, each.version_id)
            except S3Error:
                continue
            text = stored.restore_ready if each.completes else stored.restore_expiry
            if text != each.text:
                continue
            extra = {}
            if each.completes:
                expiry = stored.restore_expiry or ""
                restored = {
                    "lifecycleRestorationExpiryTime": ne.iso_time(_timestamp(expiry)),
                    "lifecycleRestoreStorageClass": stored.storage_class,
                }
                extra = {"glacierEventData": {"restoreEventData": restored}}
                follow = Waiting(
                    _timestamp(expiry), False, each.bucket, each.key, each.version_id, expiry
                )
                if follow.when <= now:
                    waiting.append(follow)  # noqa: B909 - handled in this same loop
                else:
                    self._add(follow)
            name = "s3:ObjectRestore:Completed" if each.completes else "s3:ObjectRestore:Delete"
            request_id, host_id = request_ids()
            happened = ne.Happened(
                name,
                each.bucket,
                each.key,
                each.version_id,
                stored.size,
                stored.etag,
                PRINCIPAL,
                PRINCIPAL,
                request_id,
                host_id,
                extra,
            )
            found.append((happened, each.when))
        return found

    def _add(self, waiting: Waiting) -> None:
        with self._lock:
            heapq.heappush(self._heap, waiting)
