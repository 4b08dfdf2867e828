"""The SQLite index's cache of current records never answers with anything but committed state."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fakes3.store import record_cache
from fakes3.store.index_sqlite import SqliteIndex
from fakes3.store.record_cache import RecordCache
from fakes3.store.records import BucketRecord, ObjectRecord

NOON = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)


def obj(key: str, blob: str, etag: str = '"e"', version_id: str | None = None) -> ObjectRecord:
    return ObjectRecord(key, blob.ljust(32, "0"), 1, etag, NOON, version_id=version_id)


@pytest.fixture
def index(tmp_path: Path) -> SqliteIndex:
    index = SqliteIndex(str(tmp_path / "metadata.sqlite3"))
    with index.transaction():
        index.add_bucket(BucketRecord("b", "us-east-1", NOON))
    return index


def put(index: SqliteIndex, record: ObjectRecord) -> None:
    with index.transaction():
        index.put("b", record)


def on_disk(index: SqliteIndex, key: str) -> str | None:
    """The blob id the table holds, read past the cache."""
    found = index.connection.execute(
        "SELECT blob_id FROM objects WHERE bucket = 'b' AND key = ?", (key,)
    ).fetchone()
    return found[0] if found else None


def test_a_read_is_kept_and_a_write_replaces_it(index: SqliteIndex) -> None:
    put(index, obj("k", "a"))
    first = index.get("b", "k")
    assert first is not None and index.get("b", "k") is first  # the second read is the cache
    put(index, obj("k", "c"))
    again = index.get("b", "k")
    assert again is not None and again.blob_id == on_disk(index, "k") == "c".ljust(32, "0")


def test_a_rolled_back_change_is_never_served(index: SqliteIndex) -> None:
    put(index, obj("k", "a"))
    assert index.get("b", "k") is not None  # cached
    with pytest.raises(RuntimeError), index.transaction():
        index.put("b", obj("k", "d"))
        inside = index.get("b", "k")  # the transaction sees its own change...
        assert inside is not None and inside.blob_id.startswith("d")
        raise RuntimeError("undo")
    after = index.get("b", "k")  # ...which was not kept
    assert after is not None and after.blob_id == on_disk(index, "k") == "a".ljust(32, "0")
    with pytest.raises(RuntimeError), index.transaction():
        index.put("b", obj("new", "e"))
        assert index.get("b", "new") is not None
        raise RuntimeError("undo")
    assert index.get("b", "new") is None


def test_removals_and_bucket_wide_changes_drop_what_was_kept(index: SqliteIndex) -> None:
    for key in ("k1", "k2", "k3"):
        put(index, obj(key, "a"))
        assert index.get("b", key) is not None
    with index.transaction():
        index.remove("b", "k1")
        index.remove_many("b", ["k2"])
    assert index.get("b", "k1") is None and index.get("b", "k2") is None
    with index.transaction():
        index.start_versioning("b")
    current = index.get("b", "k3")
    assert current is not None and current.version_id == "null"
    with index.transaction():
        index.clear()
    assert index.get("b", "k3") is None


@pytest.mark.parametrize("doomed", [["k1"], ["k1", *(f"x{n}" for n in range(60))]])
def test_a_batch_drop_walks_the_smaller_side_and_spares_other_buckets(doomed: list[str]) -> None:
    cache = RecordCache()
    for bucket in ("b", "c"):
        for key in ("k1", "k2"):
            cache.keep(bucket, obj(key, "a"), cache.generation)
    cache.stage("b", obj("k1", "s"))
    seen = cache.generation
    cache.drop_many("b", doomed)
    assert cache.generation != seen
    assert cache.get("b", "k1") is None and cache.get("b", "k2") is not None
    assert cache.get("c", "k1") is not None
    cache.committed()  # the staged k1 was dropped too
    assert cache.get("b", "k1") is None


def test_a_read_that_straddles_a_change_is_not_kept() -> None:
    cache = RecordCache()
    seen = cache.generation
    cache.drop("b", "k")  # another change ran between the SELECT and keep()
    cache.keep("b", obj("k", "a"), seen)
    assert cache.get("b", "k") is None
    cache.keep("b", obj("k", "a"), cache.generation)
    assert cache.get("b", "k") is not None


def test_the_cache_stays_bounded(index: SqliteIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_cache, "MAX_RECORDS", 10)
    with index.transaction():
        for number in range(25):
            index.put("b", obj(f"k{number:02d}", "a"))
    for number in range(25):
        assert index.get("b", f"k{number:02d}") is not None
    assert len(index._cache._records) <= 10


def test_another_connection_sees_what_the_cache_serves(index: SqliteIndex, tmp_path: Path) -> None:
    """The cache is only a copy: the table written through the index agrees with it."""
    put(index, obj("k", "a", etag='"1"'))
    put(index, obj("k", "b", etag='"2"'))
    served = index.get("b", "k")
    with sqlite3.connect(tmp_path / "metadata.sqlite3") as other:
        (etag,) = other.execute("SELECT etag FROM objects WHERE key = 'k'").fetchone()
    assert served is not None and served.etag == etag == '"2"'


def test_a_committed_write_is_served_without_reading_it_back(index: SqliteIndex) -> None:
    written = obj("k", "a")
    put(index, written)
    assert index.get("b", "k") is written  # kept at COMMIT: a GET after its PUT reads no row
    with pytest.raises(RuntimeError), index.transaction():
        index.put("b", obj("k", "f"))
        with index.transaction():  # a savepoint rolled back forgets what it staged
            index.put("b", obj("other", "g"))
            raise RuntimeError("undo")
    assert index.get("b", "k") is not None and on_disk(index, "k") == "a".ljust(32, "0")
    assert index.get("b", "k").blob_id == "a".ljust(32, "0")  # type: ignore[union-attr]
    assert index.get("b", "other") is None


def test_a_savepoint_undone_inside_a_committed_change_is_never_served(index: SqliteIndex) -> None:
    with index.transaction():
        index.put("b", obj("kept", "a"))
        with pytest.raises(RuntimeError), index.transaction():
            index.put("b", obj("undone", "b"))
            raise RuntimeError("undo the savepoint only")
    assert index.get("b", "undone") is None and on_disk(index, "undone") is None
    kept = index.get("b", "kept")
    assert kept is not None and kept.blob_id == on_disk(index, "kept")


def test_a_change_by_another_connection_is_seen(index: SqliteIndex, tmp_path: Path) -> None:
    """Two processes on one data directory: what the other one commits is never hidden by
    what this one kept."""
    put(index, obj("k", "a", etag='"1"'))
    assert index.get("b", "k") is not None and index.get("b", "k") is not None  # kept
    with sqlite3.connect(tmp_path / "metadata.sqlite3", isolation_level=None) as other:
        other.execute("UPDATE objects SET etag = ? WHERE key = 'k'", ('"2"',))
    changed = index.get("b", "k")
    assert changed is not None and changed.etag == '"2"'
    with sqlite3.connect(tmp_path / "metadata.sqlite3", isolation_level=None) as other:
        other.execute("DELETE FROM objects WHERE key = 'k'")
    assert index.get("b", "k") is None


def test_a_change_sqlite_undid_itself_is_never_served(index: SqliteIndex) -> None:
    """A full disk makes SQLite roll the whole transaction back on its own: its staged record
    must not reach the cache with the next commit, and the disk's error is the one raised."""
    put(index, obj("k", "a", etag='"1"'))
    (pages,) = index.connection.execute("PRAGMA page_count").fetchone()
    index.connection.execute(f"PRAGMA max_page_count = {pages + 3}")
    with pytest.raises(sqlite3.OperationalError, match="full"), index.transaction():
        index.put("b", obj("k", "b", etag='"2"'))  # staged
        for number in range(100):  # then the disk fills
            big = ObjectRecord(
                f"big{number}", "c" * 32, 1, '"e"', NOON, metadata={"x": "y" * 20000}
            )
            index.put("b", big)
    index.connection.execute("PRAGMA max_page_count = 1000000")
    put(index, obj("other", "d"))  # any later change that commits
    served = index.get("b", "k")
    assert served is not None and served.etag == '"1"'


def test_a_bucket_made_or_filled_by_another_process_is_seen(
    index: SqliteIndex, tmp_path: Path
) -> None:
    """Two fakes3 processes on one data directory: each sees the buckets and objects the
    other commits (the bucket table is read again when the database moved)."""
    other = SqliteIndex(str(tmp_path / "metadata.sqlite3"))
    with other.transaction():
        other.add_bucket(BucketRecord("made-elsewhere", "us-east-1", NOON))
        other.put("made-elsewhere", obj("k", "a"))
    assert index.get_bucket("made-elsewhere") is not None
    assert [bucket.name for bucket in index.buckets()] == ["b", "made-elsewhere"]
    found = index.get("made-elsewhere", "k")
    assert found is not None and found.blob_id == "a".ljust(32, "0")
    other.close()
