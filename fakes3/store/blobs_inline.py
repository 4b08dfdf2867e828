"""Directory blobs with small ones inline: rows of ``<data-dir>/inline.sqlite3``, the rest files.

A small PUT's body as a file costs an open, a write, a close and a rename, and its overwrite
or delete an unlink; as a row it is one INSERT and one DELETE, and a DeleteObjects of a
thousand small keys one ``DELETE … WHERE id IN (…)`` per few hundred. So a blob of at most
``INLINE_MAX`` bytes is a row; a larger one, and every multipart part (``create(part=True)``:
parts add up to any size and are concatenated by the kernel), stays a ``FileBlobs`` file.

The rows live in their own database file with its own connection (WAL, ``synchronous=OFF``
like the index): the index's connection is shared and inside ``BEGIN IMMEDIATE`` for every
change, so a blob statement from another thread on it would join that transaction. Each
statement here runs under this store's own lock, never the store's, and commits on its own:
a blob is written before the index commits to it and deleted after, as files are.

Ids stay 32 hex digits (``new_blob_id``) and say nothing about where a blob lives: the table
is looked at first, then the file, so a data directory written before this module (files
only) still reads.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from fakes3.store.blob_reaper import Reaper
from fakes3.store.blobs import (
    _BLOB_ID,
    BlobReader,
    BlobWriter,
    FileBlobs,
    SpillingWriter,
    _BytesReader,
    _FileWriter,
    new_blob_id,
)

# 64 KiB (``python -m benchmarks.inline_threshold``, numbers in benchmarks/README.md): up to
# there a row is written 2-4x faster than a file is created and renamed, and a row's write,
# read and delete together cost less than a file's; past 128 KiB a row's copy and delete grow
# with its overflow pages while a hard link and an unlink stay flat. A writer buffers at most
# this much in memory before it spills to a file.
INLINE_MAX = 64 * 1024
DATABASE = "inline.sqlite3"
# Rows lately written or read, kept as bytes (by id: a blob never changes, so only a delete ends
# one): a GET of a small object then costs what it costs in memory. Bounded in bytes.
RECENT_BYTES = 4 * 1024 * 1024
# Blob ids joined by newlines (or none): a batch checked in one pass.
_BLOB_IDS = re.compile(f"{_BLOB_ID.pattern}(?:\n{_BLOB_ID.pattern})*|")
_BATCH = 500  # ids per DELETE … IN (…): well under SQLite's variable limit (999 before 3.32)
BACKGROUND_MIN = 64  # freed blobs gathered before the reaper thread deletes them
# A rowid table, not WITHOUT ROWID: rows of up to 64 KiB are far past the size at which SQLite
# advises one (a twentieth of a page).
_SCHEMA = """CREATE TABLE IF NOT EXISTS blobs (
    id TEXT PRIMARY KEY, data BLOB NOT NULL, created REAL NOT NULL
)"""


def _checked(blob_id: str) -> str:
    if not _BLOB_ID.fullmatch(blob_id):
        raise ValueError(f"not a blob id: {blob_id!r}")
    return blob_id


class InlineBlobs:
    """The directory backend's blob store: ``FileBlobs`` under ``root`` plus the inline table."""

    def __init__(self, root: str, threshold: int = INLINE_MAX) -> None:
        self.files = FileBlobs(root)
        self.threshold = threshold
        self.database = os.path.join(root, DATABASE)
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, bytes] = OrderedDict()  # oldest first
        self._recent_size = 0
        self._db = sqlite3.connect(self.database, check_same_thread=False, isolation_level=None)
        # 8 KiB pages (a new database only; an existing one keeps its own): against 4 KiB,
        # a 1,000-row batch delete is a third faster and single rows are written no slower
        # (16 KiB pages make every small insert write twice the bytes to the WAL).
        self._db.execute("PRAGMA page_size=8192")
        self._db.execute("PRAGMA journal_mode=WAL")
        # As the index: survives a crash of fakes3 (kill -9), not of the operating system.
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(_SCHEMA)
        self._reaper = Reaper(self._delete_now)
        self._gathering = threading.Lock()  # over ``_gathered``: freed, not yet handed over
        self._gathered: list[str] = []

    # Statements, each under the lock and committed on its own --------------------------------

    def _insert(self, blob_id: str, data: bytes) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO blobs (id, data, created) VALUES (?, ?, ?)",
                (blob_id, data, time.time()),
            )
            self._remember(blob_id, data)

    def _data(self, blob_id: str) -> bytes | None:
        with self._lock:
            data = self._recent.get(blob_id)
            if data is not None:
                self._recent.move_to_end(blob_id)
                return data
            row = self._db.execute("SELECT data FROM blobs WHERE id = ?", (blob_id,)).fetchone()
            if row is None:
                return None
            data = bytes(row[0])
            self._remember(blob_id, data)
            return data

    # The recent rows (under the lock) ---------------------------------------------------------

    def _remember(self, blob_id: str, data: bytes) -> None:
        recent = self._recent
        recent[blob_id] = data
        self._recent_size += len(data)
        while self._recent_size > RECENT_BYTES:
            self._recent_size -= len(recent.popitem(last=False)[1])

    def _forget(self, blob_ids: Iterable[str]) -> None:
        recent = self._recent
        for blob_id in blob_ids:
            data = recent.pop(blob_id, None)
            if data is not None:
                self._recent_size -= len(data)

    # BlobStore -------------------------------------------------------------------------------

    def create(self, part: bool = False) -> BlobWriter:
        if part:
            return self.files.create(part=True)
        return SpillingWriter(self.threshold, lambda: self.files, self._insert)

    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> BlobReader:
        """An inline blob is read once, whole (so a later delete cannot cut the reader short)."""
        data = self._data(_checked(blob_id))
        if data is None:
            return self.files.open(blob_id, start, end)
        return _BytesReader(data, start, len(data) if end is None else end)

    def delete(self, blob_id: str) -> None:
        with self._lock:
            gone = self._db.execute("DELETE FROM blobs WHERE id = ?", (_checked(blob_id),))
            self._forget((blob_id,))
        if gone.rowcount == 0:
            self.files.delete(blob_id)

    def delete_many(self, blob_ids: Iterable[str]) -> None:
        """The blobs a change freed: gathered, and handed to the reaper thread
        ``BACKGROUND_MIN`` at a time, so no request waits for them (a DeleteObject's own row
        delete was a third of its store time; a 1,000-key DeleteObjects' half). Nothing refers
        to them any more, so nothing can ask for them meanwhile; ``flush()`` and ``close()``
        delete what is gathered, and a crash leaves it to the next open (``reconcile``)."""
        ids = list(blob_ids)
        if not _BLOB_IDS.fullmatch("\n".join(ids)):  # one pass for the batch, not one a blob
            raise ValueError(f"not all blob ids: {ids!r:.200}")
        with self._gathering:
            self._gathered.extend(ids)
            if len(self._gathered) < BACKGROUND_MIN:
                return
            batch, self._gathered = self._gathered, []
        self._reaper.submit(batch)

    def _hand_over(self) -> None:
        """Give the reaper what is gathered, however little."""
        with self._gathering:
            batch, self._gathered = self._gathered, []
        if batch:
            self._reaper.submit(batch)

    def flush(self) -> None:
        """Wait until every freed blob is deleted."""
        self._hand_over()
        self._reaper.flush()

    def _delete_now(self, ids: list[str]) -> None:
        """One DELETE per ``_BATCH`` ids, then the unlinks of those that may be files."""
        maybe_files: list[str] = []
        for offset in range(0, len(ids), _BATCH):
            chunk = ids[offset : offset + _BATCH]
            marks = ",".join("?" * len(chunk))
            with self._lock:
                gone = self._db.execute(f"DELETE FROM blobs WHERE id IN ({marks})", chunk)
                self._forget(chunk)
            # Most batches are rows only, as the count says (asking which with RETURNING
            # costs a third more); otherwise the chunk's files are unlinked, rows' ids missing.
            if gone.rowcount != len(chunk):
                maybe_files.extend(chunk)
        self.files.delete_many(maybe_files)

    def copy(self, blob_id: str) -> str:
        """An inline blob's copy is a new row, copied inside SQLite; a file's, a hard link."""
        new_id = new_blob_id()
        with self._lock:
            copied = self._db.execute(
                "INSERT INTO blobs (id, data, created) SELECT ?, data, ? FROM blobs WHERE id = ?",
                (new_id, time.time(), _checked(blob_id)),
            )
        if copied.rowcount == 0:
            return self.files.copy(blob_id)
        return new_id

    def copy_range(self, blob_id: str, start: int, end: int) -> str:
        """A multipart part (UploadPartCopy): always a file, even of an inline source."""
        data = self._data(_checked(blob_id))
        if data is None:
            return self.files.copy_range(blob_id, start, end)
        writer = _FileWriter(self.files)
        writer.write(data[start:end])
        return writer.commit()

    def concat(self, blob_ids: list[str]) -> str:
        """The blobs end to end in a new file (parts are files, but a whole-object
        UploadPartCopy of a small source is an inline copy)."""
        writer = _FileWriter(self.files)
        try:
            for blob_id in blob_ids:
                data = self._data(_checked(blob_id))
                if data is None:
                    writer.append_file(self.files.path(blob_id))
                else:
                    writer.write(data)
        except BaseException:
            writer.abort()
            raise
        return writer.commit()

    def clear(self) -> None:
        self.flush()
        with self._lock:
            self._db.execute("DELETE FROM blobs")
            self._recent.clear()
            self._recent_size = 0
        self.files.clear()

    # Reconciliation (``fakes3.store.reconcile``) --------------------------------------------

    def inline_ids(self, before: float) -> list[str]:
        """The ids of the rows written before ``before`` (a ``time.time()``)."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM blobs WHERE created < ?", (before,))
            return [row[0] for row in rows]

    def close(self) -> None:
        self._hand_over()
        self._reaper.stop()  # its batches deleted first
        with self._lock:
            self._db.close()
