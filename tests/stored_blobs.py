"""What a directory data dir holds as blobs: files under ``blobs/`` and rows of the inline
table, read straight from disk (read-only), so tests check the store's state, not its API."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def blob_files(data_dir: str | Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(Path(data_dir, "blobs").rglob("*"))
        if path.is_file()
    }


def inline_rows(data_dir: str | Path) -> dict[str, bytes]:
    database = Path(data_dir, "inline.sqlite3")
    if not database.exists():
        return {}
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return {blob_id: bytes(data) for blob_id, data in db.execute("SELECT id, data FROM blobs")}


def stored_blobs(data_dir: str | Path) -> dict[str, bytes]:
    """Every blob, by id: files and inline rows (an id is never both)."""
    files, rows = blob_files(data_dir), inline_rows(data_dir)
    assert not files.keys() & rows.keys(), "a blob id is both a file and a row"
    return files | rows
