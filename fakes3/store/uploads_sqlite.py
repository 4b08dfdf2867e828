"""SQLite upload index for the directory backend: tables beside the objects' in the same file.

The directory store hands it the object index's connection, so one transaction covers a
multipart completion's new object and its upload's removal; given a path, it opens its own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from fakes3.store.uploads import PartRecord, UploadRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    bucket TEXT NOT NULL, key TEXT NOT NULL, upload_id TEXT NOT NULL, initiated REAL NOT NULL,
    attrs TEXT NOT NULL, checksum_algorithm TEXT, checksum_type TEXT,
    PRIMARY KEY (bucket, upload_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads (bucket, key, upload_id);
CREATE TABLE IF NOT EXISTS upload_parts (
    bucket TEXT NOT NULL, upload_id TEXT NOT NULL, part_number INTEGER NOT NULL,
    blob_id TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    last_modified REAL NOT NULL, checksum TEXT NOT NULL,
    PRIMARY KEY (bucket, upload_id, part_number)
) WITHOUT ROWID;
"""
_UPLOAD_COLUMNS = (
    "bucket, key, upload_id, initiated, attrs, checksum_algorithm, checksum_type, initiator"
)
_PART_COLUMNS = "part_number, blob_id, size, etag, last_modified, checksum"


def _time(value: float) -> datetime:
    return datetime.fromtimestamp(value, timezone.utc)


def _upload(row: tuple[Any, ...]) -> UploadRecord:
    bucket, key, upload_id, initiated, attrs, algorithm, kind, initiator = row
    fields = json.loads(attrs)
    fields["tags"] = tuple(tuple(tag) for tag in fields.get("tags", ()))
    return UploadRecord(
        bucket, key, upload_id, _time(initiated), fields, algorithm, kind, initiator
    )


def _part(row: tuple[Any, ...]) -> PartRecord:
    number, blob_id, size, etag, last_modified, checksum = row
    return PartRecord(number, blob_id, size, etag, _time(last_modified), checksum)


class SqliteUploads:
    def __init__(self, database: str | sqlite3.Connection) -> None:
        self._owned = isinstance(database, str)
        if isinstance(database, str):
            self._db = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=OFF")
        else:
            self._db = database
        self._db.executescript(_SCHEMA)
        present = {info[1] for info in self._db.execute("PRAGMA table_info(uploads)")}
        if "initiator" not in present:  # a data dir from before initiators were kept
            self._db.execute("ALTER TABLE uploads ADD COLUMN initiator TEXT")

    def add(self, upload: UploadRecord) -> None:
        self._db.execute(
            f"INSERT INTO uploads ({_UPLOAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                upload.bucket,
                upload.key,
                upload.upload_id,
                upload.initiated.timestamp(),
                json.dumps(upload.attrs, separators=(",", ":")),
                upload.checksum_algorithm,
                upload.checksum_type,
                upload.initiator,
            ),
        )

    def get(self, bucket: str, upload_id: str) -> UploadRecord | None:
        row = self._db.execute(
            f"SELECT {_UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND upload_id = ?",
            (bucket, upload_id),
        ).fetchone()
        return _upload(row) if row else None

    def remove(self, bucket: str, upload_id: str) -> list[PartRecord]:
        parts = self.parts(bucket, upload_id, 0, 10001)
        # A savepoint: its own transaction alone, part of the caller's inside one.
        self._db.execute("SAVEPOINT upload_removal")
        try:
            self._db.execute(
                "DELETE FROM upload_parts WHERE bucket = ? AND upload_id = ?", (bucket, upload_id)
            )
            self._db.execute(
                "DELETE FROM uploads WHERE bucket = ? AND upload_id = ?", (bucket, upload_id)
            )
        except BaseException:
            self._db.execute("ROLLBACK TO upload_removal")
            self._db.execute("RELEASE upload_removal")
            raise
        self._db.execute("RELEASE upload_removal")
        return parts

    def put_part(self, bucket: str, upload_id: str, part: PartRecord) -> PartRecord | None:
        row = self._db.execute(
            f"SELECT {_PART_COLUMNS} FROM upload_parts "
            "WHERE bucket = ? AND upload_id = ? AND part_number = ?",
            (bucket, upload_id, part.part_number),
        ).fetchone()
        self._db.execute(
            "INSERT OR REPLACE INTO upload_parts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                bucket,
                upload_id,
                part.part_number,
                part.blob_id,
                part.size,
                part.etag,
                part.last_modified.timestamp(),
                part.checksum,
            ),
        )
        return _part(row) if row else None

    def parts(self, bucket: str, upload_id: str, after: int, limit: int) -> list[PartRecord]:
        rows = self._db.execute(
            f"SELECT {_PART_COLUMNS} FROM upload_parts WHERE bucket = ? AND upload_id = ? "
            "AND part_number > ? ORDER BY part_number LIMIT ?",
            (bucket, upload_id, after, limit),
        )
        return [_part(row) for row in rows]

    def scan(self, bucket: str, after: tuple[str, str], limit: int) -> list[UploadRecord]:
        rows = self._db.execute(
            f"SELECT {_UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND (key, upload_id) > (?, ?) "
            "ORDER BY key, upload_id LIMIT ?",
            (bucket, after[0], after[1], limit),
        )
        return [_upload(row) for row in rows]

    def blob_ids(self) -> Iterator[str]:
        """Every blob id a part refers to."""
        for (blob_id,) in self._db.execute("SELECT blob_id FROM upload_parts"):
            yield blob_id

    def clear(self) -> None:
        self._db.execute("DELETE FROM upload_parts")
        self._db.execute("DELETE FROM uploads")

    def close(self) -> None:
        if self._owned:  # a shared connection is closed by the index that opened it
            self._db.close()
