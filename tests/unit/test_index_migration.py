"""A data directory written before the listing columns opens with every field intact."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from fakes3.store import open_store
from fakes3.store.records import ObjectPart, ObjectRecord

# The tables as fakes3 wrote them before issue 11 (every attribute in the JSON ``attrs``).
_OLD_SCHEMA = """
CREATE TABLE buckets (name TEXT PRIMARY KEY, region TEXT NOT NULL, created REAL NOT NULL,
    owner TEXT NOT NULL DEFAULT '', versioning TEXT);
CREATE TABLE objects (bucket TEXT NOT NULL, key TEXT NOT NULL, blob_id TEXT NOT NULL,
    size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified REAL NOT NULL, attrs TEXT NOT NULL,
    PRIMARY KEY (bucket, key)) WITHOUT ROWID;
CREATE TABLE versions (bucket TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,
    version_id TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    last_modified REAL NOT NULL, attrs TEXT NOT NULL,
    PRIMARY KEY (bucket, key, seq DESC)) WITHOUT ROWID;
"""
_WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
_ATTRS = {
    "content_type": "text/plain",
    "headers": {"CacheControl": "no-cache"},
    "metadata": {"a": "b"},
    "storage_class": "GLACIER",
    "tags": [["t", "v"]],
    "checksum_algorithm": "CRC32",
    "checksum": "AAAAAA==",
    "checksum_type": "COMPOSITE",
    "version_id": "v" * 32,
    "parts": [[1, 3, '"e"', "AAAAAA=="]],
    "delete_marker": False,
    "encryption": {"ServerSideEncryption": "AES256"},
}


def test_old_rows_gain_their_listing_columns(tmp_path: Path) -> None:
    blob = tmp_path / "blobs" / "ab" / ("ab" * 16)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(b"old")
    with sqlite3.connect(tmp_path / "metadata.sqlite3") as db:
        db.executescript(_OLD_SCHEMA)
        db.execute("INSERT INTO buckets VALUES ('bkt', 'us-east-1', 0, '', 'Enabled')")
        row = ("bkt", "k", "ab" * 16, 3, '"etag"', _WHEN.timestamp(), json.dumps(_ATTRS))
        db.execute("INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        db.execute(
            "INSERT INTO versions VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
            (*row[:2], "v" * 32, *row[2:]),
        )
    db.close()
    store = open_store(str(tmp_path))
    expected = ObjectRecord(
        key="k",
        blob_id="ab" * 16,
        size=3,
        etag='"etag"',
        last_modified=_WHEN,
        content_type="text/plain",
        headers={"CacheControl": "no-cache"},
        metadata={"a": "b"},
        storage_class="GLACIER",
        tags=(("t", "v"),),
        checksum_algorithm="CRC32",
        checksum="AAAAAA==",
        checksum_type="COMPOSITE",
        version_id="v" * 32,
        parts=(ObjectPart(1, 3, '"e"', "AAAAAA=="),),
        encryption={"ServerSideEncryption": "AES256"},
    )
    assert store.head_object("bkt", "k") == expected
    assert store.list_objects("bkt").objects == [expected]
    assert store.list_versions("bkt").objects == [expected]
    assert store.reclaimed == 0  # the old row's blob is referenced
    store.close()
