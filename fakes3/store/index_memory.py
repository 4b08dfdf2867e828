"""In-memory metadata index: a dict per bucket plus a sorted key list for listings."""

from __future__ import annotations

import bisect

from fakes3.store.records import BucketRecord, ObjectRecord


class _Bucket:
    __slots__ = ("record", "objects", "keys")

    def __init__(self, record: BucketRecord) -> None:
        self.record = record
        self.objects: dict[str, ObjectRecord] = {}
        self.keys: list[str] = []  # sorted; insertion is a memmove, cheap up to millions


class MemoryIndex:
    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}

    def add_bucket(self, bucket: BucketRecord) -> None:
        self._buckets[bucket.name] = _Bucket(bucket)

    def get_bucket(self, name: str) -> BucketRecord | None:
        entry = self._buckets.get(name)
        return entry.record if entry else None

    def remove_bucket(self, name: str) -> None:
        self._buckets.pop(name, None)

    def buckets(self) -> list[BucketRecord]:
        return [self._buckets[name].record for name in sorted(self._buckets)]

    def is_empty(self, bucket: str) -> bool:
        return not self._buckets[bucket].objects

    def put(self, bucket: str, record: ObjectRecord) -> ObjectRecord | None:
        entry = self._buckets[bucket]
        previous = entry.objects.get(record.key)
        if previous is None:
            bisect.insort(entry.keys, record.key)
        entry.objects[record.key] = record
        return previous

    def get(self, bucket: str, key: str) -> ObjectRecord | None:
        entry = self._buckets.get(bucket)
        return entry.objects.get(key) if entry else None

    def remove(self, bucket: str, key: str) -> ObjectRecord | None:
        entry = self._buckets[bucket]
        previous = entry.objects.pop(key, None)
        if previous is not None:
            keys = entry.keys
            del keys[bisect.bisect_left(keys, key)]
        return previous

    def scan(self, bucket: str, start: str, inclusive: bool, limit: int) -> list[ObjectRecord]:
        entry = self._buckets[bucket]
        keys = entry.keys
        first = bisect.bisect_left(keys, start) if inclusive else bisect.bisect_right(keys, start)
        objects = entry.objects
        return [objects[key] for key in keys[first : first + limit]]

    def clear(self) -> None:
        self._buckets.clear()

    def close(self) -> None:
        pass
