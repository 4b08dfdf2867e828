"""SQLite metadata index for the directory backend (WAL mode, one connection, store-locked)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import astuple, replace
from datetime import datetime, timezone
from typing import Any

from fakes3.store.records import FRESH, BucketRecord, ObjectPart, ObjectRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY, region TEXT NOT NULL, created REAL NOT NULL,
    owner TEXT NOT NULL DEFAULT '', versioning TEXT
);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, last_modified REAL NOT NULL, attrs TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions (
    bucket TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, version_id TEXT NOT NULL,
    blob_id TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified REAL NOT NULL,
    attrs TEXT NOT NULL,
    PRIMARY KEY (bucket, key, seq DESC)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS versions_by_id ON versions (bucket, key, version_id);
CREATE TABLE IF NOT EXISTS bucket_configs (
    bucket TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL,
    PRIMARY KEY (bucket, name)
) WITHOUT ROWID;
"""
# Columns added after the first release, with the type they are added with (a data dir from
# before accounts: the default account owns every bucket).
_BUCKET_COLUMNS = {"owner": "TEXT NOT NULL DEFAULT ''", "versioning": "TEXT"}
# Every BucketRecord field, in order: INSERT and UPDATE both write all of them, so a field
# added to the record must be added here (tests/unit/test_store.py compares a reopened store).
_BUCKET_FIELDS = "name, region, created, owner, versioning"
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
            "parts": [astuple(part) for part in record.parts],
            "delete_marker": record.delete_marker,
            "encryption": record.encryption,
            **{name: getattr(record, name) for name in FRESH},  # lock and restore
        },
        separators=(",", ":"),
    )


def _row(record: ObjectRecord) -> tuple[Any, ...]:
    """The columns ``key, blob_id, size, etag, last_modified, attrs`` of a record."""
    return (
        record.key,
        record.blob_id,
        record.size,
        record.etag,
        record.last_modified.timestamp(),
        _attrs(record),
    )


def _record(row: tuple[Any, ...]) -> ObjectRecord:
    key, blob_id, size, etag, last_modified, attrs = row
    extra = json.loads(attrs)
    extra["tags"] = tuple(tuple(tag) for tag in extra["tags"])
    extra["parts"] = tuple(ObjectPart(*part) for part in extra.get("parts", ()))
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
        present = {row[1] for row in self._db.execute("PRAGMA table_info(buckets)")}
        for column, kind in _BUCKET_COLUMNS.items():
            if column not in present:
                self._db.execute(f"ALTER TABLE buckets ADD COLUMN {column} {kind}")
        self._buckets = {
            record.name: record
            for record in map(
                _bucket,
                self._db.execute(f"SELECT {_BUCKET_FIELDS} FROM buckets"),
            )
        }
        (last,) = self._db.execute("SELECT max(seq) FROM versions").fetchone()
        self._seq = last or 0  # versions are numbered in write order: newest is largest

    def add_bucket(self, bucket: BucketRecord) -> None:
        self._db.execute(
            f"INSERT INTO buckets ({_BUCKET_FIELDS}) VALUES (?, ?, ?, ?, ?)", _bucket_row(bucket)
        )
        self._buckets[bucket.name] = bucket

    def set_bucket(self, bucket: BucketRecord) -> None:
        self._db.execute(
            f"REPLACE INTO buckets ({_BUCKET_FIELDS}) VALUES (?, ?, ?, ?, ?)", _bucket_row(bucket)
        )
        self._buckets[bucket.name] = bucket

    def get_bucket(self, name: str) -> BucketRecord | None:
        return self._buckets.get(name)

    def remove_bucket(self, name: str) -> None:
        self._db.execute("DELETE FROM versions WHERE bucket = ?", (name,))
        self._db.execute("DELETE FROM bucket_configs WHERE bucket = ?", (name,))
        self._db.execute("DELETE FROM buckets WHERE name = ?", (name,))
        self._buckets.pop(name, None)

    def buckets(self) -> list[BucketRecord]:
        return [self._buckets[name] for name in sorted(self._buckets)]

    def is_empty(self, bucket: str) -> bool:
        for table in ("objects", "versions"):
            row = self._db.execute(f"SELECT 1 FROM {table} WHERE bucket = ? LIMIT 1", (bucket,))
            if row.fetchone() is not None:
                return False
        return True

    def put(self, bucket: str, record: ObjectRecord) -> ObjectRecord | None:
        previous = self.get(bucket, record.key)
        self._db.execute(
            "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?)",
            (bucket, *_row(record)),
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

    def add_version(self, bucket: str, record: ObjectRecord) -> None:
        self._seq += 1
        key, *rest = _row(record)
        self._db.execute(
            "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (bucket, key, self._seq, record.version_id, *rest),
        )

    def get_version(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
            (bucket, key, version_id),
        ).fetchone()
        return _record(row) if row else None

    def latest_version(self, bucket: str, key: str) -> ObjectRecord | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key = ? "
            "ORDER BY seq DESC LIMIT 1",
            (bucket, key),
        ).fetchone()
        return _record(row) if row else None

    def remove_version(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        previous = self.get_version(bucket, key, version_id)
        if previous is not None:
            self._db.execute(
                "DELETE FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
                (bucket, key, version_id),
            )
        return previous

    def scan_versions(
        self, bucket: str, start: str, inclusive: bool, after_version: str | None, limit: int
    ) -> list[ObjectRecord]:
        found: list[ObjectRecord] = []
        if after_version is not None:
            row = self._db.execute(
                "SELECT seq FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
                (bucket, start, after_version),
            ).fetchone()
            if row is not None:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND seq < ? "
                    "ORDER BY seq DESC LIMIT ?",
                    (bucket, start, row[0], limit),
                )
                found.extend(map(_record, rows))
            inclusive = False
        if len(found) < limit:
            op = ">=" if inclusive else ">"
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key {op} ? "
                "ORDER BY key, seq DESC LIMIT ?",
                (bucket, start, limit - len(found)),
            )
            found.extend(map(_record, rows))
        return found

    def update_version(self, bucket: str, record: ObjectRecord) -> None:
        key, *rest = _row(record)
        self._db.execute(
            "UPDATE versions SET blob_id = ?, size = ?, etag = ?, last_modified = ?, attrs = ? "
            "WHERE bucket = ? AND key = ? AND version_id = ?",
            (*rest, bucket, key, record.version_id),
        )

    def start_versioning(self, bucket: str) -> None:
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM objects WHERE bucket = ?", (bucket,))
        for record in [replace(_record(row), version_id="null") for row in rows]:
            self.put(bucket, record)
            self.add_version(bucket, record)

    def get_config(self, bucket: str, name: str) -> str | None:
        row = self._db.execute(
            "SELECT document FROM bucket_configs WHERE bucket = ? AND name = ?", (bucket, name)
        ).fetchone()
        return row[0] if row else None

    def put_config(self, bucket: str, name: str, document: str) -> None:
        self._db.execute("REPLACE INTO bucket_configs VALUES (?, ?, ?)", (bucket, name, document))

    def delete_config(self, bucket: str, name: str) -> bool:
        cursor = self._db.execute(
            "DELETE FROM bucket_configs WHERE bucket = ? AND name = ?", (bucket, name)
        )
        return cursor.rowcount > 0

    def list_configs(self, bucket: str, prefix: str) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT name, document FROM bucket_configs WHERE bucket = ? AND name >= ? "
            "ORDER BY name",
            (bucket, prefix),
        )
        found: list[tuple[str, str]] = []
        for name, document in rows:
            if not name.startswith(prefix):
                break
            found.append((name, document))
        return found

    def clear(self) -> None:
        self._db.execute("DELETE FROM bucket_configs")
        self._db.execute("DELETE FROM versions")
        self._db.execute("DELETE FROM objects")
        self._db.execute("DELETE FROM buckets")
        self._buckets.clear()

    def usage(self, bucket: str) -> tuple[int, int]:
        query = "SELECT count(*), coalesce(sum(size), 0) FROM objects WHERE bucket = ?"
        count, size = self._db.execute(query, (bucket,)).fetchone()
        return int(count), int(size)

    def close(self) -> None:
        self._db.close()


def _bucket_row(bucket: BucketRecord) -> tuple[Any, ...]:
    """The columns of ``_BUCKET_FIELDS``."""
    created = bucket.created.timestamp()
    return (bucket.name, bucket.region, created, bucket.owner, bucket.versioning)


def _bucket(row: tuple[Any, ...]) -> BucketRecord:
    name, region, created, owner, versioning = row
    created_at = datetime.fromtimestamp(created, timezone.utc)
    return BucketRecord(name, region, created_at, owner, versioning)
