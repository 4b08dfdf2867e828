"""SQLite metadata index for the directory backend (WAL mode, one connection, store-locked)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any

from fakes3.store.records import BucketRecord, ObjectRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY, region TEXT NOT NULL, created REAL NOT NULL,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, last_modified REAL NOT NULL, attrs TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
"""
_COLUMNS = "key, blob_id, size, etag, last_modified, attrs"


def _attrs(record: ObjectRecord) -> str:
    return json.dumps(
        {
            "content_type": record.content_type,
            "headers": record.headers,
            "metadata": record.metadata,
            "storage_class": record.storage_class,
            "tags": record.tags,
            "checksum_algorithm": record.checksum_algorithm,
            "checksum": record.checksum,
            "checksum_type": record.checksum_type,
            "version_id": record.version_id,
        },
        separators=(",", ":"),
    )


def _record(row: tuple[Any, ...]) -> ObjectRecord:
    key, blob_id, size, etag, last_modified, attrs = row
    extra = json.loads(attrs)
    extra["tags"] = tuple(tuple(tag) for tag in extra["tags"])
    return ObjectRecord(
        key=key,
        blob_id=blob_id,
        size=size,
        etag=etag,
        last_modified=datetime.fromtimestamp(last_modified, timezone.utc),
        **extra,
    )


class SqliteIndex:
    """Objects live in SQLite; bucket records are also kept in a dict, since every request
    looks its bucket up and there are few of them (the table stays the source of truth)."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL without fsync: survives a crash of fakes3 (what a test double needs), not of the OS.
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(buckets)")}
        if "owner" not in columns:  # a data dir from before accounts: the default owns all
            self._db.execute("ALTER TABLE buckets ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
        self._buckets = {
            record.name: record
            for record in map(
                _bucket, self._db.execute("SELECT name, region, created, owner FROM buckets")
            )
        }

    def add_bucket(self, bucket: BucketRecord) -> None:
        self._db.execute(
            "INSERT INTO buckets (name, region, created, owner) VALUES (?, ?, ?, ?)",
            (bucket.name, bucket.region, bucket.created.timestamp(), bucket.owner),
        )
        self._buckets[bucket.name] = bucket

    def get_bucket(self, name: str) -> BucketRecord | None:
        return self._buckets.get(name)

    def remove_bucket(self, name: str) -> None:
        self._db.execute("DELETE FROM buckets WHERE name = ?", (name,))
        self._buckets.pop(name, None)

    def buckets(self) -> list[BucketRecord]:
        return [self._buckets[name] for name in sorted(self._buckets)]

    def is_empty(self, bucket: str) -> bool:
        row = self._db.execute("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", (bucket,))
        return row.fetchone() is None

    def put(self, bucket: str, record: ObjectRecord) -> ObjectRecord | None:
        previous = self.get(bucket, record.key)
        self._db.execute(
            "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                bucket,
                record.key,
                record.blob_id,
                record.size,
                record.etag,
                record.last_modified.timestamp(),
                _attrs(record),
            ),
        )
        return previous

    def get(self, bucket: str, key: str) -> ObjectRecord | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM objects WHERE bucket = ? AND key = ?", (bucket, key)
        ).fetchone()
        return _record(row) if row else None

    def remove(self, bucket: str, key: str) -> ObjectRecord | None:
        previous = self.get(bucket, key)
        if previous is not None:
            self._db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        return previous

    def scan(self, bucket: str, start: str, inclusive: bool, limit: int) -> list[ObjectRecord]:
        op = ">=" if inclusive else ">"
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM objects WHERE bucket = ? AND key {op} ? ORDER BY key LIMIT ?",
            (bucket, start, limit),
        )
        return [_record(row) for row in rows]

    def clear(self) -> None:
        self._db.execute("DELETE FROM objects")
        self._db.execute("DELETE FROM buckets")
        self._buckets.clear()

    def close(self) -> None:
        self._db.close()


def _bucket(row: tuple[Any, ...]) -> BucketRecord:
    name, region, created, owner = row
    return BucketRecord(name, region, datetime.fromtimestamp(created, timezone.utc), owner)
