"""SQLite metadata index for the directory backend (WAL mode, one connection, store-locked).

Every S3-level change runs in one transaction (``transaction()``: BEGIN IMMEDIATE … COMMIT, or a
savepoint inside one), so a process killed at any instant leaves each key as it was before the
change or as it is after it. The upload tables (``uploads_sqlite.py``) share the connection, so
a multipart completion commits its object and drops its upload together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from fakes3.store.record_cache import RecordCache
from fakes3.store.records import BucketRecord, ObjectRecord
from fakes3.store.rows_sqlite import ADDED, COLUMNS, PLACEHOLDERS, record, row

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
_COLUMNS = COLUMNS
_INSERT_OBJECT = f"INSERT OR REPLACE INTO objects (bucket, {COLUMNS}) VALUES (?, {PLACEHOLDERS})"
_DELETE_OBJECT = "DELETE FROM objects WHERE bucket = ? AND key = ?"
_RETURNING = sqlite3.sqlite_version_info >= (3, 35)  # DELETE … RETURNING
_RANGE_FROM = 64  # keys in a batch removal from which a run of neighbours goes as one range
_INSERT_VERSION = f"INSERT INTO versions (bucket, seq, {COLUMNS}) VALUES (?, ?, {PLACEHOLDERS})"


def _migrate(db: sqlite3.Connection) -> None:
    """Add the listing columns to tables from before them, filled from each row's JSON."""
    for table in ("objects", "versions"):
        present = {info[1] for info in db.execute(f"PRAGMA table_info({table})")}
        missing = [(name, kind, default) for name, kind, default in ADDED if name not in present]
        if not missing:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            for name, kind, _default in missing:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
            fill = ", ".join(
                f"{name} = coalesce(json_extract(attrs, '$.{name}'), {default})"
                for name, _kind, default in missing
            )
            db.execute(f"UPDATE {table} SET {fill}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


class _Transaction:
    """``SqliteIndex.transaction()``: BEGIN IMMEDIATE … COMMIT, or a savepoint when nested (a
    class, not a generator: it wraps every write)."""

    __slots__ = ("index",)

    def __init__(self, index: SqliteIndex) -> None:
        self.index = index

    def __enter__(self) -> None:
        index = self.index
        depth = index._depth
        if depth:
            index._db.execute(f"SAVEPOINT s{depth}")
        else:
            index._db.execute("BEGIN IMMEDIATE")
            # What another process on this data directory committed is seen before this
            # change looks at anything (a bucket it deleted, say), under SQLite's write lock.
            try:
                index._caught_up()
            except BaseException:  # leave no transaction open behind the error
                index._db.execute("ROLLBACK")
                index._forget_undone()
                raise
        index._depth = depth + 1

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        index = self.index
        depth = index._depth = index._depth - 1
        db = index._db
        if kind is not None:
            try:
                # SQLite may have rolled the whole transaction back itself (a full disk, an
                # I/O error): then there is nothing left to roll back, and saying so would
                # only hide the error that did it.
                if db.in_transaction:
                    if depth == 0:
                        db.execute("ROLLBACK")
                    else:
                        db.execute(f"ROLLBACK TO s{depth}")
                        db.execute(f"RELEASE s{depth}")
            finally:
                index._forget_undone()
            return
        try:
            db.execute("COMMIT" if depth == 0 else f"RELEASE s{depth}")
        except BaseException:  # a disk full at COMMIT: leave no transaction open behind it
            try:
                if depth == 0 and db.in_transaction:
                    db.execute("ROLLBACK")
            finally:
                index._forget_undone()
            raise
        if depth == 0:
            index._cache.committed()


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
        _migrate(self._db)
        self._depth = 0  # nesting of transaction(): 0 outside, 1 in BEGIN, more in savepoints
        self._cache = RecordCache()  # current objects lately read (fakes3/store/record_cache.py)
        (self._cache.data_version,) = self._db.execute("PRAGMA data_version").fetchone()
        self._transaction = _Transaction(self)
        self._load_buckets()
        (last,) = self._db.execute("SELECT max(seq) FROM versions").fetchone()
        self._seq = last or 0  # versions are numbered in write order: newest is largest

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for the upload tables to share (one transaction covers both)."""
        return self._db

    def _forget_undone(self) -> None:
        """After a rollback: what the caches took from the undone change is forgotten."""
        self._cache.rolled_back()
        self._load_buckets()

    def _load_buckets(self) -> None:
        self._buckets: dict[str, BucketRecord] = {
            record.name: record
            for record in map(_bucket, self._db.execute(f"SELECT {_BUCKET_FIELDS} FROM buckets"))
        }

    def transaction(self) -> _Transaction:
        """Everything inside commits together or not at all; nested, a savepoint."""
        return self._transaction

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
        found = self._buckets.get(name)
        if found is None and self._caught_up():  # made by another process meanwhile?
            found = self._buckets.get(name)
        return found

    def _caught_up(self) -> bool:
        """Whether another connection (another process on this data directory) committed
        since the caches last looked; if so they are dropped and the buckets read again.
        ~4 µs (SQLite's ``data_version``): paid on a cache hit and on an unknown bucket."""
        (version,) = self._db.execute("PRAGMA data_version").fetchone()
        cache = self._cache
        if version == cache.data_version:
            return False
        cache.drop_all()
        cache.data_version = version
        self._load_buckets()
        return True

    def remove_bucket(self, name: str) -> None:
        self._cache.drop_all()
        self._db.execute("DELETE FROM versions WHERE bucket = ?", (name,))
        self._db.execute("DELETE FROM bucket_configs WHERE bucket = ?", (name,))
        self._db.execute("DELETE FROM buckets WHERE name = ?", (name,))
        self._buckets.pop(name, None)

    def buckets(self) -> list[BucketRecord]:
        self._caught_up()
        return [self._buckets[name] for name in sorted(self._buckets)]

    def is_empty(self, bucket: str) -> bool:
        for table in ("objects", "versions"):
            found = self._db.execute(f"SELECT 1 FROM {table} WHERE bucket = ? LIMIT 1", (bucket,))
            if found.fetchone() is not None:
                return False
        return True

    def put(self, bucket: str, record: ObjectRecord) -> ObjectRecord | None:
        previous = self.get(bucket, record.key)  # lazy: its JSON is never decoded here
        cache = self._cache
        cache.drop(bucket, record.key)
        self._db.execute(_INSERT_OBJECT, (bucket, *row(record)))
        if self._db.in_transaction:
            cache.stage(bucket, record)  # kept once the transaction commits
        else:
            cache.keep(bucket, record, cache.generation)
        return previous

    def get(self, bucket: str, key: str) -> ObjectRecord | None:
        cache = self._cache
        known = cache.get(bucket, key)
        # Inside a write transaction no one else can commit, and its BEGIN caught up already.
        if known is not None and (self._depth or not self._caught_up()):
            return known
        generation = cache.generation
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM objects WHERE bucket = ? AND key = ?", (bucket, key)
        ).fetchone()
        if not found:
            return None
        current = record(found)
        if not self._db.in_transaction:  # committed state only: see record_cache.py
            cache.keep(bucket, current, generation)
        return current

    def remove(self, bucket: str, key: str) -> ObjectRecord | None:
        self._cache.drop(bucket, key)
        if _RETURNING:  # one statement: DeleteObjects does this 1000 times in a transaction
            found = self._db.execute(_DELETE_OBJECT + f" RETURNING {_COLUMNS}", (bucket, key))
            removed = found.fetchone()
            found.close()
            return record(removed) if removed else None
        previous = self.get(bucket, key)
        if previous is not None:
            self._db.execute(_DELETE_OBJECT, (bucket, key))
        return previous

    def remove_many(self, bucket: str, keys: list[str]) -> list[str]:
        self._cache.drop_many(bucket, keys)
        if len(keys) >= _RANGE_FROM:
            blob_ids = self._remove_run(bucket, keys)
            if blob_ids is not None:
                return blob_ids
        blob_ids = []
        for start in range(0, len(keys), 500):  # under SQLite's 999-variable floor
            chunk = keys[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            where = f"WHERE bucket = ? AND key IN ({marks})"
            # A SELECT then a DELETE (in the caller's transaction) cost a fifth less than
            # one DELETE … RETURNING: 2.35 against 2.94 ms per 1,000 keys.
            rows = self._db.execute(f"SELECT blob_id FROM objects {where}", (bucket, *chunk))
            blob_ids.extend(blob_id for (blob_id,) in rows.fetchall())  # no record decoded
            self._db.execute(f"DELETE FROM objects {where}", (bucket, *chunk))
        return blob_ids

    def _remove_run(self, bucket: str, keys: list[str]) -> list[str] | None:
        """The keys as one range, when nothing else lies between the least and the greatest:
        the usual batch (a listed page deleted, ``aws s3 rm --recursive``) is a run of
        neighbours, and one range scan and one range DELETE cost about half the per-key
        lookups of two IN lists. None (nothing done) when the range holds another key; the
        scan stops after ``len(wanted) + 1`` rows, so a scattered batch wastes little."""
        wanted = set(keys)
        where = "WHERE bucket = ? AND key >= ? AND key <= ?"
        bounds = (bucket, min(wanted), max(wanted))
        rows = self._db.execute(
            f"SELECT key, blob_id FROM objects {where} LIMIT ?", (*bounds, len(wanted) + 1)
        ).fetchall()
        if len(rows) > len(wanted) or not all(key in wanted for key, _ in rows):
            return None
        # In this transaction the range holds exactly ``rows``: the DELETE removes those.
        self._db.execute(f"DELETE FROM objects {where}", bounds)
        return [blob_id for _, blob_id in rows]

    def scan(self, bucket: str, start: str, inclusive: bool, limit: int) -> list[ObjectRecord]:
        op = ">=" if inclusive else ">"
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM objects WHERE bucket = ? AND key {op} ? ORDER BY key LIMIT ?",
            (bucket, start, limit),
        )
        return list(map(record, rows))

    def add_version(self, bucket: str, record: ObjectRecord) -> None:
        self._seq += 1
        self._db.execute(_INSERT_VERSION, (bucket, self._seq, *row(record)))

    def get_version(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
            (bucket, key, version_id),
        ).fetchone()
        return record(found) if found else None

    def latest_version(self, bucket: str, key: str) -> ObjectRecord | None:
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key = ? "
            "ORDER BY seq DESC LIMIT 1",
            (bucket, key),
        ).fetchone()
        return record(found) if found else None

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
            seq = self._db.execute(
                "SELECT seq FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
                (bucket, start, after_version),
            ).fetchone()
            if seq is not None:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND seq < ? "
                    "ORDER BY seq DESC LIMIT ?",
                    (bucket, start, seq[0], limit),
                )
                found.extend(map(record, rows))
            inclusive = False
        if len(found) < limit:
            op = ">=" if inclusive else ">"
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM versions WHERE bucket = ? AND key {op} ? "
                "ORDER BY key, seq DESC LIMIT ?",
                (bucket, start, limit - len(found)),
            )
            found.extend(map(record, rows))
        return found

    def update_version(self, bucket: str, record: ObjectRecord) -> None:
        key, *rest = row(record)
        assignments = ", ".join(f"{name} = ?" for name in _COLUMNS.split(", ")[1:])
        self._db.execute(
            f"UPDATE versions SET {assignments} WHERE bucket = ? AND key = ? AND version_id = ?",
            (*rest, bucket, key, record.version_id),
        )

    def start_versioning(self, bucket: str) -> None:
        """Two statements, whatever the bucket's size (within the caller's transaction)."""
        db = self._db
        self._cache.drop_all()  # every current record's version id changes
        db.execute("UPDATE objects SET version_id = 'null' WHERE bucket = ?", (bucket,))
        (count,) = db.execute("SELECT count(*) FROM objects WHERE bucket = ?", (bucket,)).fetchone()
        db.execute(
            f"INSERT INTO versions (bucket, seq, {_COLUMNS}) "
            f"SELECT bucket, ? + row_number() OVER (ORDER BY key), {_COLUMNS} "
            "FROM objects WHERE bucket = ?",
            (self._seq, bucket),
        )
        self._seq += count

    def blob_ids(self) -> Iterator[str]:
        """Every blob id an object or version refers to (duplicates possible)."""
        for table in ("objects", "versions"):
            for (blob_id,) in self._db.execute(f"SELECT blob_id FROM {table}"):
                yield blob_id

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
        self._cache.drop_all()
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
