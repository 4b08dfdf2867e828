"""In-memory metadata index: a dict per bucket plus a sorted key list for listings.

Inside ``transaction()`` every change logs how to take it back, so an exception half-way through
an S3-level change leaves the index as it was, as SQLite's ROLLBACK does for the directory
backend. Outside one (direct use in tests) nothing is logged.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from itertools import repeat

from fakes3.store.records import BucketRecord, ObjectRecord

Undo = Callable[[], None]


class _Bucket:
    __slots__ = ("record", "objects", "size", "keys", "versions", "version_keys", "configs")

    def __init__(self, record: BucketRecord) -> None:
        self.record = record
        self.objects: dict[str, ObjectRecord] = {}
        self.size = 0  # the current objects' bytes, kept as they change (usage() is O(1))
        self.keys: list[str] = []  # sorted; insertion is a memmove, cheap up to millions
        self.versions: dict[str, list[ObjectRecord]] = {}  # newest first
        self.version_keys: list[str] = []  # sorted keys of ``versions``
        self.configs: dict[str, str] = {}  # configuration name -> document


def _restore(entry: _Bucket, key: str, record: ObjectRecord | None) -> None:
    """Make ``record`` (or nothing) the current object at ``key``, unlogged."""
    keys = entry.keys
    if record is None:
        gone = entry.objects.pop(key, None)
        if gone is not None:
            entry.size -= gone.size
            del keys[bisect.bisect_left(keys, key)]
        return
    before = entry.objects.get(key)
    if before is None:
        bisect.insort(keys, key)
    else:
        entry.size -= before.size
    entry.objects[key] = record
    entry.size += record.size


def _restore_all(entry: _Bucket, records: list[ObjectRecord]) -> None:
    for record in records:
        _restore(entry, record.key, record)


def _drop_sorted(entry: _Bucket, gone: list[str]) -> None:
    """Take ``gone`` (distinct keys, no longer in ``entry.objects``) out of the sorted key list:
    a memmove per key is slow in a big bucket, so many keys go in one pass."""
    keys = entry.keys
    if len(gone) < 8:
        for key in gone:
            del keys[bisect.bisect_left(keys, key)]
    elif len(keys) <= 4 * len(gone):  # most of the list goes: keep the rest
        objects = entry.objects
        keys[:] = [key for key in keys if key in objects]
    else:  # a few of many: copy the runs between them
        positions = sorted([bisect.bisect_left(keys, key) for key in gone])
        kept: list[str] = []
        start = 0
        for position in positions:
            kept += keys[start:position]
            start = position + 1
        kept += keys[start:]
        keys[:] = kept


def _unversion(entry: _Bucket, record: ObjectRecord) -> None:
    """Take ``record`` out of its key's versions, unlogged."""
    versions = entry.versions.get(record.key, [])
    for position, stored in enumerate(versions):
        if stored is record:
            del versions[position]
            break
    if not versions and record.key in entry.versions:
        del entry.versions[record.key]
        del entry.version_keys[bisect.bisect_left(entry.version_keys, record.key)]


def _reversion(entry: _Bucket, record: ObjectRecord, position: int) -> None:
    """Put ``record`` back at ``position`` among its key's versions, unlogged."""
    versions = entry.versions.get(record.key)
    if versions is None:
        bisect.insort(entry.version_keys, record.key)
        versions = entry.versions[record.key] = []
    versions.insert(position, record)


class _Scope:
    """``MemoryIndex.transaction()``: a class, not a generator, as it wraps every write."""

    __slots__ = ("index", "marks")

    def __init__(self, index: MemoryIndex) -> None:
        self.index = index
        self.marks: list[int] = []  # undo-log length at each open scope (the lock holder's)

    def __enter__(self) -> None:
        index = self.index
        if index._undo is None:
            index._undo = []
        self.marks.append(len(index._undo))

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        index, mark = self.index, self.marks.pop()
        undo = index._undo
        assert undo is not None
        if kind is not None:
            index._undo = None  # undoing logs nothing
            while len(undo) > mark:
                undo.pop()()
        index._undo = undo if self.marks else None


class MemoryIndex:
    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._undo: list[Undo] | None = None  # inside transaction(): newest change last
        self._scope = _Scope(self)

    def transaction(self) -> _Scope:
        """Everything inside stands or, if it raises, is taken back; nesting allowed."""
        return self._scope

    def add_bucket(self, bucket: BucketRecord) -> None:
        self._buckets[bucket.name] = _Bucket(bucket)
        if self._undo is not None:
            self._undo.append(partial(self.remove_bucket, bucket.name))

    def set_bucket(self, bucket: BucketRecord) -> None:
        entry = self._buckets[bucket.name]
        before, entry.record = entry.record, bucket
        if self._undo is not None:
            self._undo.append(lambda: setattr(entry, "record", before))

    def get_bucket(self, name: str) -> BucketRecord | None:
        entry = self._buckets.get(name)
        return entry.record if entry else None

    def remove_bucket(self, name: str) -> None:
        entry = self._buckets.pop(name, None)
        if self._undo is not None and entry is not None:
            self._undo.append(lambda: self._buckets.__setitem__(name, entry))

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
        else:
            entry.size -= previous.size
        entry.objects[record.key] = record
        entry.size += record.size
        if self._undo is not None:
            self._undo.append(lambda: _restore(entry, record.key, previous))
        return previous

    def get(self, bucket: str, key: str) -> ObjectRecord | None:
        entry = self._buckets.get(bucket)
        return entry.objects.get(key) if entry else None

    def remove(self, bucket: str, key: str) -> ObjectRecord | None:
        entry = self._buckets[bucket]
        previous = entry.objects.pop(key, None)
        if previous is not None:
            entry.size -= previous.size
            keys = entry.keys
            del keys[bisect.bisect_left(keys, key)]
            if self._undo is not None:
                self._undo.append(lambda: _restore(entry, key, previous))
        return previous

    def remove_many(self, bucket: str, keys: list[str]) -> list[str]:
        """``remove`` of each key, with one pass over the sorted key list (DeleteObjects)."""
        entry = self._buckets[bucket]
        pop = entry.objects.pop
        removed = [record for record in map(pop, keys, repeat(None)) if record is not None]
        if removed:
            entry.size -= sum(record.size for record in removed)
            _drop_sorted(entry, [record.key for record in removed])
            if self._undo is not None:
                self._undo.append(partial(_restore_all, entry, removed))
        return [record.blob_id for record in removed]

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
        if self._undo is not None:
            self._undo.append(lambda: _unversion(entry, record))

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
                if self._undo is not None:
                    self._undo.append(partial(_reversion, entry, record, position))
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
                if self._undo is not None:
                    self._undo.append(partial(versions.__setitem__, position, stored))
                return

    def start_versioning(self, bucket: str) -> None:
        entry = self._buckets[bucket]
        if self._undo is not None:
            objects, versions = dict(entry.objects), entry.versions
            version_keys = entry.version_keys

            def undo() -> None:
                entry.objects, entry.versions, entry.version_keys = objects, versions, version_keys

            self._undo.append(undo)
            entry.versions = dict(versions)
        for key in entry.keys:
            record = replace(entry.objects[key], version_id="null")
            entry.objects[key] = record
            entry.versions[key] = [record]
        entry.version_keys = list(entry.keys)

    def get_config(self, bucket: str, name: str) -> str | None:
        entry = self._buckets.get(bucket)
        return entry.configs.get(name) if entry else None

    def put_config(self, bucket: str, name: str, document: str) -> None:
        configs = self._buckets[bucket].configs
        before = configs.get(name)
        configs[name] = document
        if self._undo is not None:
            self._undo.append(lambda: _set_config(configs, name, before))

    def delete_config(self, bucket: str, name: str) -> bool:
        configs = self._buckets[bucket].configs
        before = configs.pop(name, None)
        if self._undo is not None and before is not None:
            self._undo.append(lambda: _set_config(configs, name, before))
        return before is not None

    def list_configs(self, bucket: str, prefix: str) -> list[tuple[str, str]]:
        entry = self._buckets.get(bucket)
        configs = entry.configs if entry else {}
        return sorted((name, doc) for name, doc in configs.items() if name.startswith(prefix))

    def blob_ids(self) -> Iterator[str]:
        """Every blob id an object or version refers to (duplicates possible)."""
        for entry in self._buckets.values():
            for record in entry.objects.values():
                yield record.blob_id
            for versions in entry.versions.values():
                for record in versions:
                    yield record.blob_id

    def usage(self, bucket: str) -> tuple[int, int]:
        entry = self._buckets.get(bucket)
        if entry is None:
            return 0, 0
        return len(entry.objects), entry.size

    def clear(self) -> None:
        before, self._buckets = self._buckets, {}
        if self._undo is not None:
            self._undo.append(lambda: setattr(self, "_buckets", before))

    def close(self) -> None:
        pass


def _set_config(configs: dict[str, str], name: str, document: str | None) -> None:
    if document is None:
        configs.pop(name, None)
    else:
        configs[name] = document
