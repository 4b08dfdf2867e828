"""In-memory metadata index: a dict per bucket plus a sorted key list for listings."""

from __future__ import annotations

import bisect
from dataclasses import replace

from fakes3.store.records import BucketRecord, ObjectRecord


class _Bucket:
    __slots__ = ("record", "objects", "keys", "versions", "version_keys", "configs")

    def __init__(self, record: BucketRecord) -> None:
        self.record = record
        self.objects: dict[str, ObjectRecord] = {}
        self.keys: list[str] = []  # sorted; insertion is a memmove, cheap up to millions
        self.versions: dict[str, list[ObjectRecord]] = {}  # newest first
        self.version_keys: list[str] = []  # sorted keys of ``versions``
        self.configs: dict[str, str] = {}  # configuration name -> document


class MemoryIndex:
    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}

    def add_bucket(self, bucket: BucketRecord) -> None:
        self._buckets[bucket.name] = _Bucket(bucket)

    def set_bucket(self, bucket: BucketRecord) -> None:
        self._buckets[bucket.name].record = bucket

    def get_bucket(self, name: str) -> BucketRecord | None:
        entry = self._buckets.get(name)
        return entry.record if entry else None

    def remove_bucket(self, name: str) -> None:
        self._buckets.pop(name, None)

    def buckets(self) -> list[BucketRecord]:
        return [self._buckets[name].record for name in sorted(self._buckets)]

    def is_empty(self, bucket: str) -> bool:
        entry = self._buckets[bucket]
        return not entry.objects and not entry.versions

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

    def add_version(self, bucket: str, record: ObjectRecord) -> None:
        entry = self._buckets[bucket]
        versions = entry.versions.get(record.key)
        if versions is None:
            bisect.insort(entry.version_keys, record.key)
            entry.versions[record.key] = [record]
        else:
            versions.insert(0, record)

    def get_version(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        for record in self._buckets[bucket].versions.get(key, ()):
            if record.version_id == version_id:
                return record
        return None

    def latest_version(self, bucket: str, key: str) -> ObjectRecord | None:
        versions = self._buckets[bucket].versions.get(key)
        return versions[0] if versions else None

    def remove_version(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        entry = self._buckets[bucket]
        versions = entry.versions.get(key, [])
        for position, record in enumerate(versions):
            if record.version_id == version_id:
                del versions[position]
                if not versions:
                    del entry.versions[key]
                    keys = entry.version_keys
                    del keys[bisect.bisect_left(keys, key)]
                return record
        return None

    def scan_versions(
        self, bucket: str, start: str, inclusive: bool, after_version: str | None, limit: int
    ) -> list[ObjectRecord]:
        entry = self._buckets[bucket]
        found: list[ObjectRecord] = []
        if after_version is not None:
            versions = entry.versions.get(start, [])
            for position, record in enumerate(versions):
                if record.version_id == after_version:
                    found.extend(versions[position + 1 : position + 1 + limit])
                    break
            inclusive = False
        keys = entry.version_keys
        position = (
            bisect.bisect_left(keys, start) if inclusive else bisect.bisect_right(keys, start)
        )
        while len(found) < limit and position < len(keys):
            found.extend(entry.versions[keys[position]][: limit - len(found)])
            position += 1
        return found

    def update_version(self, bucket: str, record: ObjectRecord) -> None:
        versions = self._buckets[bucket].versions.get(record.key, [])
        for position, stored in enumerate(versions):
            if stored.version_id == record.version_id:
                versions[position] = record
                return

    def start_versioning(self, bucket: str) -> None:
        entry = self._buckets[bucket]
        for key in entry.keys:
            record = replace(entry.objects[key], version_id="null")
            entry.objects[key] = record
            entry.versions[key] = [record]
        entry.version_keys = list(entry.keys)

    def get_config(self, bucket: str, name: str) -> str | None:
        entry = self._buckets.get(bucket)
        return entry.configs.get(name) if entry else None

    def put_config(self, bucket: str, name: str, document: str) -> None:
        self._buckets[bucket].configs[name] = document

    def delete_config(self, bucket: str, name: str) -> bool:
        return self._buckets[bucket].configs.pop(name, None) is not None

    def list_configs(self, bucket: str, prefix: str) -> list[tuple[str, str]]:
        entry = self._buckets.get(bucket)
        configs = entry.configs if entry else {}
        return sorted((name, doc) for name, doc in configs.items() if name.startswith(prefix))

    def usage(self, bucket: str) -> tuple[int, int]:
        entry = self._buckets.get(bucket)
        if entry is None:
            return 0, 0
        return len(entry.objects), sum(record.size for record in entry.objects.values())

    def clear(self) -> None:
        self._buckets.clear()

    def close(self) -> None:
        pass
