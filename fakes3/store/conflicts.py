"""Keys watched for writes and deletes: conditional writes in flight, and uploads in progress.

S3 answers a conditional write (``If-None-Match`` / ``If-Match``) with 409
``ConditionalRequestConflict`` when the key is deleted while the write is under way; the client
should retry. A write registers a ``Watch`` when it starts streaming its body; a delete marks
every watch on its key; the commit checks its watch. Each multipart upload in progress watches
its key too, for writes as well (a conditional completion after either is a 409:
``multipart.py``). Unconditional writes never register; a write or delete costs one empty-dict
test while nothing is watched, and a lock and a dict lookup while something is.
"""

from __future__ import annotations

import threading

from fakes3.errors import ConditionalRequestConflict


class Watch:
    __slots__ = ("place", "deleted", "written")

    def __init__(self, place: tuple[str, str]) -> None:
        self.place = place
        self.deleted = False
        self.written = False  # (only a multipart upload's watch asks: see multipart.py)


class ConflictWatch:
    def __init__(self) -> None:
        self._watches: dict[tuple[str, str], set[Watch]] = {}
        self._lock = threading.Lock()

    def watch(self, bucket: str, key: str) -> Watch:
        watch = Watch((bucket, key))
        with self._lock:
            self._watches.setdefault(watch.place, set()).add(watch)
        return watch

    def forget(self, watch: Watch) -> None:
        with self._lock:
            watching = self._watches.get(watch.place)
            if watching is not None:
                watching.discard(watch)
                if not watching:
                    del self._watches[watch.place]

    def deleted(self, bucket: str, key: str) -> None:
        self._mark(bucket, key, "deleted")

    def written(self, bucket: str, key: str) -> None:
        self._mark(bucket, key, "written")

    def _mark(self, bucket: str, key: str, what: str) -> None:
        """Set ``what`` on every watch of the key: one test while nothing watches."""
        if not self._watches:
            return
        with self._lock:
            for watch in self._watches.get((bucket, key), ()):
                setattr(watch, what, True)

    def deleted_keys(self, bucket: str, keys: list[str]) -> None:
        """``deleted`` for each of ``keys`` (DeleteObjects): one test while nothing watches."""
        if not self._watches:
            return
        for key in keys:
            self.deleted(bucket, key)

    def check(self, watch: Watch) -> None:
        """Stop watching; ConditionalRequestConflict if the key was deleted meanwhile."""
        self.forget(watch)
        if watch.deleted:
            raise ConditionalRequestConflict(Key=watch.place[1])  # S3 names the key
