"""The metadata index contract shared by the memory and SQLite implementations.

Keys are ordered by UTF-8 byte order, which for valid Unicode strings is also code point
order, so Python's ``str`` comparison and SQLite's BINARY collation both give S3's order.
The store serialises calls with its own lock; implementations need not be thread-safe.

Every S3-level change runs inside ``transaction()``: all its calls take effect together or,
if anything inside raises, not at all — and for the directory backend, a process killed at
any instant leaves either none or all of them on disk.

Two views of a bucket's objects:

- **current** (``put``/``get``/``remove``/``scan``): the one live version of each key, what
  GET and ListObjects see. A key whose newest version is a delete marker is absent here.
- **versions** (``add_version``/``get_version``/``remove_version``/``scan_versions``): every
  version of every key, newest first, delete markers included. Used only once a bucket has had
  versioning (then every current record is also its key's newest version); never-versioned
  buckets keep it empty, so their writes cost what they did before versioning existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from fakes3.store.records import BucketRecord, ObjectRecord


class MetadataIndex(Protocol):
    def transaction(self) -> AbstractContextManager[None]:
        """MUST make the calls inside one atomic change: an exception inside undoes them all
        (then re-raises); nested, an inner one that raises undoes only its own calls. SQLite:
        BEGIN IMMEDIATE / COMMIT / ROLLBACK, savepoints when nested; memory: an undo log."""
        ...

    def blob_ids(self) -> Iterator[str]:
        """Every blob id a current object or a version refers to (blob reconciliation)."""
        ...

    def add_bucket(self, bucket: BucketRecord) -> None:
        """MUST store a bucket whose name is not present (the store checks first)."""

    def set_bucket(self, bucket: BucketRecord) -> None:
        """MUST replace the whole record of an existing bucket (every field survives a
        restart of a directory store)."""

    def get_bucket(self, name: str) -> BucketRecord | None: ...

    def remove_bucket(self, name: str) -> None:
        """MUST remove the bucket; the store has checked that it is empty."""

    def buckets(self) -> list[BucketRecord]:
        """All buckets, sorted by name."""
        ...

    def is_empty(self, bucket: str) -> bool:
        """True if the bucket has no current object and no version (delete markers count)."""
        ...

    def put(self, bucket: str, record: ObjectRecord) -> ObjectRecord | None:
        """MUST make ``record`` the object at its key; returns the record it replaced."""

    def get(self, bucket: str, key: str) -> ObjectRecord | None: ...

    def remove_many(self, bucket: str, keys: list[str]) -> list[str]:
        """MUST remove every present key (duplicates allowed); returns the blob ids of the
        removed records (all DeleteObjects needs: SQLite returns one column, not records)."""
        ...

    def remove(self, bucket: str, key: str) -> ObjectRecord | None:
        """MUST remove the key if present; returns the removed record."""

    def scan(self, bucket: str, start: str, inclusive: bool, limit: int) -> list[ObjectRecord]:
        """Up to ``limit`` records with key >= start (or > start), in key order.

        MUST cost O(log n + limit), whatever the bucket's size.
        """
        ...

    def add_version(self, bucket: str, record: ObjectRecord) -> None:
        """MUST store ``record`` as the newest version of its key (its version id is new)."""

    def get_version(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None: ...

    def latest_version(self, bucket: str, key: str) -> ObjectRecord | None:
        """The newest version of ``key`` (possibly a delete marker), or None."""
        ...

    def remove_version(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        """MUST remove that version if present; returns it."""

    def scan_versions(
        self, bucket: str, start: str, inclusive: bool, after_version: str | None, limit: int
    ) -> list[ObjectRecord]:
        """Up to ``limit`` versions in (key ascending, newest first) order.

        With ``after_version``: the versions of key ``start`` older than that one, then every
        version of the keys after ``start``. Without: every version of keys >= start (or >).
        MUST cost O(log n + limit).
        """
        ...

    def update_version(self, bucket: str, record: ObjectRecord) -> None:
        """MUST replace the stored version with ``record``'s key and version id, keeping its
        place among the key's versions (tags, retention: a version's sub-resources)."""

    def start_versioning(self, bucket: str) -> None:
        """MUST give every current record version id ``"null"`` and make it its key's only
        version: the step a bucket takes when versioning is first configured."""

    # Bucket configurations: opaque documents keyed by (bucket, name) ----------------------

    def get_config(self, bucket: str, name: str) -> str | None:
        """The document stored under ``name``, or None."""
        ...

    def put_config(self, bucket: str, name: str, document: str) -> None:
        """MUST store ``document`` under ``name``, replacing any; the bucket exists."""

    def delete_config(self, bucket: str, name: str) -> bool:
        """MUST remove the document if present; True if there was one."""
        ...

    def list_configs(self, bucket: str, prefix: str) -> list[tuple[str, str]]:
        """Every ``(name, document)`` whose name starts with ``prefix``, sorted by name."""
        ...

    def usage(self, bucket: str) -> tuple[int, int]:
        """``(objects, bytes)`` of the bucket's current objects, for metrics at scrape time:
        one aggregate, not a listing."""
        ...

    def clear(self) -> None:
        """MUST remove every bucket, object and configuration (``remove_bucket`` too drops
        the bucket's configurations)."""

    def close(self) -> None: ...
