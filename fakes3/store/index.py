"""The metadata index contract shared by the memory and SQLite implementations.

Keys are ordered by UTF-8 byte order, which for valid Unicode strings is also code point
order, so Python's ``str`` comparison and SQLite's BINARY collation both give S3's order.
The store serialises calls with its own lock; implementations need not be thread-safe.
"""

from __future__ import annotations

from typing import Protocol

from fakes3.store.records import BucketRecord, ObjectRecord


class MetadataIndex(Protocol):
    def add_bucket(self, bucket: BucketRecord) -> None:
        """MUST store a bucket whose name is not present (the store checks first)."""

    def get_bucket(self, name: str) -> BucketRecord | None: ...

    def remove_bucket(self, name: str) -> None:
        """MUST remove the bucket; the store has checked that it is empty."""

    def buckets(self) -> list[BucketRecord]:
        """All buckets, sorted by name."""
        ...

    def is_empty(self, bucket: str) -> bool: ...

    def put(self, bucket: str, record: ObjectRecord) -> ObjectRecord | None:
        """MUST make ``record`` the object at its key; returns the record it replaced."""

    def get(self, bucket: str, key: str) -> ObjectRecord | None: ...

    def remove(self, bucket: str, key: str) -> ObjectRecord | None:
        """MUST remove the key if present; returns the removed record."""

    def scan(self, bucket: str, start: str, inclusive: bool, limit: int) -> list[ObjectRecord]:
        """Up to ``limit`` records with key >= start (or > start), in key order.

        MUST cost O(log n + limit), whatever the bucket's size.
        """
        ...

    def clear(self) -> None:
        """MUST remove every bucket and object."""

    def close(self) -> None: ...
