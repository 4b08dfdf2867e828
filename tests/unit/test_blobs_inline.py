"""``InlineBlobs``: the directory backend's small blobs as rows, larger ones and parts as files."""

from __future__ import annotations

import io
import os
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from in_threads import in_threads
from stored_blobs import blob_files, inline_rows, stored_blobs

from fakes3.errors import NoSuchKey
from fakes3.store import blobs_inline, open_store
from fakes3.store.blobs import FileBlobs
from fakes3.store.blobs_inline import BACKGROUND_MIN, INLINE_MAX, InlineBlobs
from fakes3.store.index_sqlite import SqliteIndex
from fakes3.store.store import NewObject, Store
from fakes3.store.uploads_sqlite import SqliteUploads


def write(blobs: InlineBlobs, data: bytes, part: bool = False) -> str:
    writer = blobs.create(part=part)
    for offset in range(0, len(data), 1000):  # in pieces, as a request body arrives
        writer.write(data[offset : offset + 1000])
    return writer.commit()


def read(blobs: InlineBlobs, blob_id: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join(blobs.open(blob_id, start, end))


def test_small_blobs_are_rows_larger_ones_and_parts_files(tmp_path: Path) -> None:
    blobs = InlineBlobs(str(tmp_path))
    small, edge, large = os.urandom(10), os.urandom(INLINE_MAX), os.urandom(INLINE_MAX + 1)
    ids = {write(blobs, data): data for data in (small, edge, large, b"")}
    part = write(blobs, small, part=True)
    assert inline_rows(tmp_path) == {
        blob_id: data for blob_id, data in ids.items() if data != large
    }
    assert set(blob_files(tmp_path)) == {part, *(i for i, d in ids.items() if d == large)}
    for blob_id, data in ids.items():
        assert read(blobs, blob_id) == data
        assert read(blobs, blob_id, 3, 9) == data[3:9]
    assert os.listdir(tmp_path / "tmp") == []  # the spilled writer's temp file was renamed


def test_aborted_writes_leave_nothing(tmp_path: Path) -> None:
    blobs = InlineBlobs(str(tmp_path))
    for size in (10, INLINE_MAX + 1):
        writer = blobs.create()
        writer.write(os.urandom(size))
        writer.abort()
    assert stored_blobs(tmp_path) == {} and os.listdir(tmp_path / "tmp") == []


def test_a_reader_keeps_its_bytes_after_a_delete(tmp_path: Path) -> None:
    blobs = InlineBlobs(str(tmp_path))
    data = os.urandom(5000)
    blob_id = write(blobs, data)
    reader = blobs.open(blob_id, 100)
    blobs.delete(blob_id)
    assert b"".join(reader) == data[100:]
    assert inline_rows(tmp_path) == {}
    with pytest.raises(FileNotFoundError):
        blobs.open(blob_id)


def test_delete_many_mixes_rows_and_files_in_batches(tmp_path: Path) -> None:
    blobs = InlineBlobs(str(tmp_path))
    rows = [write(blobs, b"row %d" % number) for number in range(1200)]  # three batches
    files = [write(blobs, os.urandom(INLINE_MAX + 1)) for _ in range(3)]
    kept = write(blobs, b"kept")
    doomed = rows + files + ["0" * 32]  # an id nothing holds is no error
    random.Random(7).shuffle(doomed)
    blobs.delete_many(doomed)  # a batch this big goes to the reaper thread
    blobs.flush()
    assert stored_blobs(tmp_path) == {kept: b"kept"}
    with pytest.raises(ValueError):
        blobs.delete_many([kept, "../../metadata.sqlite3"])  # ids are checked, first
    assert stored_blobs(tmp_path) == {kept: b"kept"}


def test_freed_blobs_are_gathered_for_the_reaper_and_close_finishes_them(tmp_path: Path) -> None:
    """No request waits for its freed blobs: they are gathered (one at a time, as single
    deletes free them) and handed to the reaper thread ``BACKGROUND_MIN`` at a time."""
    blobs = InlineBlobs(str(tmp_path))
    small = [write(blobs, b"small %d" % number) for number in range(BACKGROUND_MIN)]
    for blob_id in small[:-1]:
        blobs.delete_many([blob_id])  # gathered, not deleted yet: no one waits for it
    assert set(stored_blobs(tmp_path)) == set(small)
    blobs.delete_many(small[-1:])  # the batch is full: handed over
    blobs._reaper.flush()
    assert stored_blobs(tmp_path) == {}
    lone = write(blobs, b"lone")
    blobs.delete_many([lone])
    blobs.flush()  # flush hands over what is gathered, however little
    assert stored_blobs(tmp_path) == {}
    batches = [[write(blobs, b"%d-%d" % (n, m)) for m in range(BACKGROUND_MIN)] for n in range(5)]
    for batch in batches:
        blobs.delete_many(batch)
    last = write(blobs, b"last")
    blobs.delete_many([last])
    blobs.close()  # what was handed over or gathered is deleted before the database closes
    assert stored_blobs(tmp_path) == {}
    assert blobs._reaper.errors == []


def test_copies_ranges_and_concat_of_rows(tmp_path: Path) -> None:
    blobs = InlineBlobs(str(tmp_path))
    data = os.urandom(3000)
    source = write(blobs, data)
    copy = blobs.copy(source)
    assert copy != source and set(inline_rows(tmp_path)) == {source, copy}
    piece = blobs.copy_range(source, 10, 2010)  # a part: a file
    assert piece in blob_files(tmp_path) and read(blobs, piece) == data[10:2010]
    big = write(blobs, os.urandom(INLINE_MAX + 5))
    joined = blobs.concat([copy, piece, big, source])
    assert joined in blob_files(tmp_path)
    assert read(blobs, joined) == data + data[10:2010] + read(blobs, big) + data
    blobs.delete(source)
    assert read(blobs, copy) == data
    with pytest.raises(FileNotFoundError):  # a part gone (a reset during a completion)
        blobs.concat([copy, source])
    assert len(blob_files(tmp_path)) == 3 and os.listdir(tmp_path / "tmp") == []


def test_reset_empties_the_table(tmp_path: Path) -> None:
    store = open_store(str(tmp_path))
    store.create_bucket("bkt", "us-east-1")
    store.put_object("bkt", "small", io.BytesIO(b"small"), NewObject())
    store.put_object("bkt", "large", io.BytesIO(os.urandom(INLINE_MAX + 1)), NewObject())
    assert len(stored_blobs(tmp_path)) == 2
    store.reset()
    assert stored_blobs(tmp_path) == {}
    store.close()


def old_style_store(data_dir: Path) -> Store:
    """A store as ``open_store`` made one before inline blobs: every blob a file."""
    index = SqliteIndex(str(data_dir / "metadata.sqlite3"))
    return Store(index, FileBlobs(str(data_dir)), None, SqliteUploads(index.connection))


def test_a_data_dir_of_files_only_still_reads(tmp_path: Path) -> None:
    old = old_style_store(tmp_path)
    old.create_bucket("bkt", "us-east-1")
    for key in ("a", "b", "c"):
        old.put_object("bkt", key, io.BytesIO(key.encode() * 10), NewObject())
    old.close()
    assert len(blob_files(tmp_path)) == 3 and not (tmp_path / "inline.sqlite3").exists()
    store = open_store(str(tmp_path))
    assert store.reclaimed == 0  # referenced files are not orphans
    for key in ("a", "b", "c"):
        record, reader = store.read_object("bkt", key, lambda r: (2, 7))
        assert b"".join(reader) == (key.encode() * 10)[2:7]
    store.put_object("bkt", "a", io.BytesIO(b"new"), NewObject())  # overwrite: file -> row
    store.copy_object(("bkt", "b", None), ("bkt", "b2"), lambda src: NewObject())
    store.delete_objects("bkt", [("c", None, None)])
    store.blobs.flush()  # freed blobs are deleted by the reaper thread
    assert sorted(stored_blobs(tmp_path).values()) == [b"b" * 10, b"b" * 10, b"new"]
    assert len(blob_files(tmp_path)) == 2  # b, and its copy (a hard link)
    store.close()


def test_reopening_removes_an_orphan_row_and_reports_it(tmp_path: Path) -> None:
    store = open_store(str(tmp_path))
    store.create_bucket("bkt", "us-east-1")
    store.put_object("bkt", "k", io.BytesIO(b"kept"), NewObject())
    store.close()
    with closing(sqlite3.connect(tmp_path / "inline.sqlite3")) as db, db:
        db.execute("INSERT INTO blobs (id, data, created) VALUES (?, ?, 1)", ("ab" * 16, b"lost"))
    orphan_file = tmp_path / "blobs" / "cd" / ("cd" * 16)
    orphan_file.parent.mkdir()
    orphan_file.write_bytes(b"lost too")
    os.utime(orphan_file, (1, 1))
    reopened = open_store(str(tmp_path))
    assert reopened.reclaimed == 2  # the row and the file, in one count
    assert list(stored_blobs(tmp_path).values()) == [b"kept"]
    _, reader = reopened.read_object("bkt", "k", lambda record: (0, record.size))
    assert b"".join(reader) == b"kept"
    reopened.close()


def test_concurrent_writes_reads_and_deletes_keep_table_and_index_consistent(
    tmp_path: Path,
) -> None:
    store = open_store(str(tmp_path))
    store.create_bucket("bkt", "us-east-1")
    sizes = [0, 100, INLINE_MAX - 1, INLINE_MAX, INLINE_MAX + 1, 3 * INLINE_MAX]
    bodies = {size: bytes([size % 251]) * size for size in sizes}

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(150):
            key = f"k{rng.randrange(5)}"
            action = rng.random()
            if action < 0.4:
                body = bodies[rng.choice(sizes)]
                store.put_object("bkt", key, io.BytesIO(body), NewObject())
            elif action < 0.55:
                target = f"k{rng.randrange(5)}"
                try:
                    store.copy_object(("bkt", key, None), ("bkt", target), lambda s: NewObject())
                except NoSuchKey:
                    pass
            elif action < 0.7:
                store.delete_objects(
                    "bkt", [(key, None, None), (f"k{rng.randrange(5)}", None, None)]
                )
            else:
                try:
                    record, reader = store.read_object("bkt", key, lambda r: (0, r.size))
                except NoSuchKey:
                    continue
                assert b"".join(reader) == bodies[record.size]  # whole, never cut short

    assert in_threads(worker, 6) == []
    store.blobs.flush()  # freed blobs are deleted by the reaper thread
    referenced = set(store.index.blob_ids())
    assert set(stored_blobs(tmp_path)) == referenced
    for record in store.list_objects("bkt").objects:
        _, reader = store.read_object("bkt", record.key, lambda r: (0, r.size))
        assert b"".join(reader) == bodies[record.size]
    store.close()


def test_new_tables_get_8k_pages_and_an_old_table_keeps_its_own(tmp_path: Path) -> None:
    fresh = InlineBlobs(str(tmp_path / "new"))
    assert fresh._db.execute("PRAGMA page_size").fetchone() == (8192,)
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    with sqlite3.connect(old_dir / "inline.sqlite3") as db:  # as written before 8 KiB pages
        db.execute("PRAGMA page_size=4096")
        db.execute("CREATE TABLE blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL, created REAL)")
        db.execute("INSERT INTO blobs VALUES (?, ?, 0)", ("a" * 32, b"old row"))
    db.close()
    old = InlineBlobs(str(old_dir))
    assert old._db.execute("PRAGMA page_size").fetchone() == (4096,)
    assert read(old, "a" * 32) == b"old row"
    added = write(old, b"new row")
    old.delete_many(["a" * 32, added])
    old.flush()
    assert stored_blobs(old_dir) == {}


def test_recent_rows_are_served_from_memory_within_a_byte_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blobs_inline, "RECENT_BYTES", 10_000)
    blobs = InlineBlobs(str(tmp_path))
    ids = [write(blobs, bytes([number]) * 3000) for number in range(6)]  # 18 KB written
    assert blobs._recent_size <= 10_000 and len(blobs._recent) == 3  # the newest three
    for number, blob_id in enumerate(ids):  # every one reads back, kept or not
        assert read(blobs, blob_id) == bytes([number]) * 3000
    assert blobs._recent_size == sum(map(len, blobs._recent.values())) <= 10_000
    kept = next(reversed(blobs._recent))
    blobs.delete(kept)
    with pytest.raises(FileNotFoundError):
        blobs.open(kept)  # a deleted blob is not served from memory
    rest = list(blobs._recent)
    blobs.delete_many([*rest, write(blobs, b"x")])
    blobs.flush()
    assert (
        not blobs._recent
        and blobs._recent_size == 0
        and stored_blobs(tmp_path)
        == {
            blob_id: bytes([number]) * 3000
            for number, blob_id in enumerate(ids)
            if blob_id not in {kept, *rest}
        }
    )
