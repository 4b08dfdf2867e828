"""Store semantics, run against both backends and checked against a plain model."""

from __future__ import annotations

import io
import os
import threading
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stored_blobs import stored_blobs

from fakes3.errors import BadDigest, BucketNotEmpty, NoSuchBucket, NoSuchKey, PreconditionFailed
from fakes3.store import Store, open_store
from fakes3.store.blobs import MemoryBlobs
from fakes3.store.index_memory import MemoryIndex
from fakes3.store.listing import prefix_successor
from fakes3.store.records import ObjectRecord
from fakes3.store.store import NewObject
from fakes3.store.versioning import Deletion


@pytest.fixture(params=["memory", "memory-spilling", "directory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory-spilling":  # every blob over 4 bytes goes to a temp file
        opened = Store(MemoryIndex(), MemoryBlobs(spill_threshold=4))
    else:
        opened = open_store(str(tmp_path / "data") if request.param == "directory" else None)
    yield opened
    opened.close()


def put(store: Store, bucket: str, key: str, data: bytes = b"x") -> ObjectRecord:
    return store.put_object(bucket, key, io.BytesIO(data), NewObject())


def read(store: Store, bucket: str, key: str) -> bytes:
    _record, reader = store.read_object(bucket, key, lambda rec: (0, rec.size))
    return b"".join(reader)


def model_list(
    keys: list[str], prefix: str, delimiter: str, start_after: str, max_keys: int
) -> tuple[list[str], list[str], bool]:
    """S3 listing semantics written the slow, obvious way."""
    entries: list[tuple[str, bool]] = []
    for key in sorted(set(keys)):
        if not key.startswith(prefix):
            continue
        pos = key.find(delimiter, len(prefix)) if delimiter else -1
        if pos >= 0:
            rolled = key[: pos + len(delimiter)]
            if not entries or entries[-1] != (rolled, True):
                entries.append((rolled, True))
        else:
            entries.append((key, False))
    entries = [e for e in entries if e[0] > start_after]
    page = entries[:max_keys]
    return (
        [k for k, is_prefix in page if not is_prefix],
        [k for k, is_prefix in page if is_prefix],
        len(entries) > max_keys,
    )


def test_put_get_overwrite_delete(store: Store) -> None:
    store.create_bucket("bkt", "us-east-1")
    first = put(store, "bkt", "k", b"one")
    assert first.etag == '"f97c5d29941bfb1b2fdab0874906ab82"'
    put(store, "bkt", "k", b"two")
    assert read(store, "bkt", "k") == b"two"
    assert store.delete_object("bkt", "k") is not None
    with pytest.raises(NoSuchKey):
        store.head_object("bkt", "k")


def test_missing_bucket_and_non_empty_delete(store: Store) -> None:
    with pytest.raises(NoSuchBucket):
        put(store, "nope", "k")
    store.create_bucket("bkt", "us-east-1")
    put(store, "bkt", "k")
    with pytest.raises(BucketNotEmpty):
        store.delete_bucket("bkt")


class FailingSource:
    """A body that delivers some bytes and then proves bad, as a wrong checksum does."""

    def __init__(self) -> None:
        self.calls = 0

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls == 1:
            return b"partial"
        raise BadDigest()


def test_failed_upload_leaves_old_object_and_no_blob(store: Store, tmp_path: Path) -> None:
    store.create_bucket("bkt", "us-east-1")
    put(store, "bkt", "k", b"original")
    with pytest.raises(BadDigest):
        store.put_object("bkt", "k", FailingSource(), NewObject())
    assert read(store, "bkt", "k") == b"original"
    if os.path.isdir(tmp_path / "data"):
        assert os.listdir(tmp_path / "data" / "tmp") == []
        assert len(stored_blobs(tmp_path / "data")) == 1  # files and inline rows


def test_precondition_is_checked_atomically_at_commit(store: Store) -> None:
    store.create_bucket("bkt", "us-east-1")
    put(store, "bkt", "k", b"first")

    def must_not_exist(current: ObjectRecord | None) -> None:
        if current is not None:
            raise PreconditionFailed()

    with pytest.raises(PreconditionFailed):
        store.put_object("bkt", "k", io.BytesIO(b"second"), NewObject(), must_not_exist)
    assert read(store, "bkt", "k") == b"first"


@pytest.mark.parametrize("key", ["../../etc/passwd", "/abs", "a/../../b", "..", "nul\x00key"])
def test_keys_never_become_paths(store: Store, key: str, tmp_path: Path) -> None:
    store.create_bucket("bkt", "us-east-1")
    put(store, "bkt", key, b"data")
    assert read(store, "bkt", key) == b"data"
    outside = [p for p in tmp_path.rglob("*") if "data" not in p.relative_to(tmp_path).parts]
    assert outside == []


def test_directory_store_survives_reopen(tmp_path: Path) -> None:
    first = open_store(str(tmp_path))
    first.create_bucket("bkt", "eu-west-1")
    put(first, "bkt", "k", b"persisted")
    first.close()
    second = open_store(str(tmp_path))
    assert second.get_bucket("bkt").region == "eu-west-1"
    assert read(second, "bkt", "k") == b"persisted"
    second.close()


def test_a_write_never_lands_in_a_bucket_another_store_deleted(tmp_path: Path) -> None:
    """Two stores on one directory (a restart whose old app is still open, or two processes):
    a write checks its bucket inside its transaction, after catching up with the other's
    commits, so it cannot leave rows that belong to no bucket."""
    first, second = open_store(str(tmp_path)), open_store(str(tmp_path))
    try:
        first.create_bucket("bkt", "us-east-1")
        put(second, "bkt", "k")  # second learns of the bucket and caches it
        first.delete_object("bkt", "k")
        first.delete_bucket("bkt")
        with pytest.raises(NoSuchBucket):
            put(second, "bkt", "k2")
        with pytest.raises(NoSuchBucket):
            second.configs.put("bkt", "tagging", {"TagSet": []})
        rows = first.index.connection.execute("SELECT count(*) FROM objects").fetchone()
        assert rows == (0,)
        first.blobs.flush()  # the deleted object's blob: by the reaper thread
        assert stored_blobs(tmp_path) == {}  # the refused write's blob went with it
    finally:
        first.close()
        second.close()


class ZeroSource:
    """``size`` zero bytes, handed out a chunk at a time like a socket."""

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, size: int = -1) -> bytes:
        n = min(self.left, 256 * 1024 if size < 0 else size)
        self.left -= n
        return bytes(n)


def test_large_upload_and_download_use_bounded_memory(store: Store) -> None:
    store.create_bucket("bkt", "us-east-1")
    size = 48 * 1024 * 1024
    tracemalloc.start()
    try:
        record = store.put_object("bkt", "big", ZeroSource(size), NewObject())
        _record, reader = store.read_object("bkt", "big", lambda rec: (0, rec.size))
        received = sum(len(chunk) for chunk in reader)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert record.size == received == size
    assert peak < 12 * 1024 * 1024  # the spill threshold plus a few chunks, not the object


def test_range_reads_and_copies(store: Store) -> None:
    store.create_bucket("bkt", "us-east-1")
    put(store, "bkt", "k", b"0123456789")
    _record, reader = store.read_object("bkt", "k", lambda rec: (2, 5))
    assert b"".join(reader) == b"234"
    store.copy_object(("bkt", "k", None), ("bkt", "copy"), lambda src: NewObject())
    store.delete_object("bkt", "k")
    assert read(store, "bkt", "copy") == b"0123456789"


def test_prefix_successor() -> None:
    assert prefix_successor("a/") == "a0"
    assert prefix_successor("a\U0010ffff") == "b"
    assert prefix_successor("\ud7ff") == "\ue000"
    assert prefix_successor("\U0010ffff") is None


KEYS = st.lists(st.text(alphabet="ab/é中", min_size=1, max_size=6), max_size=30)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    keys=KEYS,
    prefix=st.text(alphabet="ab/", max_size=2),
    delimiter=st.sampled_from(["", "/", "b", "ab"]),
    max_keys=st.integers(min_value=1, max_value=7),
)
def test_paginated_listing_matches_model(
    store: Store, keys: list[str], prefix: str, delimiter: str, max_keys: int
) -> None:
    store.reset()
    store.create_bucket("bkt", "us-east-1")
    for key in keys:
        put(store, "bkt", key)
    got_keys: list[str] = []
    got_prefixes: list[str] = []
    marker = ""
    for _ in range(100):
        page = store.list_objects("bkt", prefix, delimiter, marker, max_keys)
        want_keys, want_prefixes, want_truncated = model_list(
            keys, prefix, delimiter, marker, max_keys
        )
        assert [r.key for r in page.objects] == want_keys
        assert page.prefixes == want_prefixes
        assert page.truncated == want_truncated
        got_keys += want_keys
        got_prefixes += want_prefixes
        if not page.truncated:
            break
        assert page.last is not None
        marker = page.last
    all_keys, all_prefixes, _ = model_list(keys, prefix, delimiter, "", 10**6)
    assert got_keys == all_keys
    assert got_prefixes == all_prefixes


def test_concurrent_first_spills_keep_every_blob() -> None:
    """The first large uploads, arriving together, must share one spill directory."""
    for _round in range(10):  # a lost blob shows up in most rounds when the race is open
        store = Store(MemoryIndex(), MemoryBlobs(spill_threshold=4))
        store.create_bucket("bkt", "us-east-1")
        barrier = threading.Barrier(8)

        def upload(n: int, store: Store = store, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            put(store, "bkt", f"k{n}", b"spilled %d" % n)

        threads = [threading.Thread(target=upload, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        got = [read(store, "bkt", f"k{n}") for n in range(8)]
        assert got == [b"spilled %d" % n for n in range(8)]


# One transaction per S3-level change (issue 11) ------------------------------------------------


def snapshot(store: Store, bucket: str) -> tuple[object, ...]:
    """Everything a client could see of a bucket: objects, versions, bodies, configuration."""
    page = store.list_objects(bucket)
    versions = store.list_versions(bucket)
    return (
        store.get_bucket(bucket).versioning,
        [(r.key, r.etag, r.version_id, read(store, bucket, r.key)) for r in page.objects],
        [(r.key, r.version_id, r.delete_marker) for r in versions.objects],
        store.configs.get(bucket, "tagging"),
    )


class Boom(Exception):
    pass


def test_an_exception_inside_a_change_leaves_nothing_changed(store: Store) -> None:
    store.create_bucket("bkt", "us-east-1")
    for key in ("a", "b", "c"):
        put(store, "bkt", key, key.encode())
    store.configs.put("bkt", "tagging", {"TagSet": []})
    before = snapshot(store, "bkt")
    with pytest.raises(Boom), store.change():
        put(store, "bkt", "a", b"overwritten")
        put(store, "bkt", "new", b"new")
        store.delete_object("bkt", "b")
        store.delete_objects("bkt", [("c", None, None)])
        store.set_versioning("bkt", "Enabled")
        put(store, "bkt", "a", b"versioned")
        store.configs.delete("bkt", "tagging")
        store.create_bucket("other", "us-east-1")
        raise Boom()
    store.configs.clear()  # the cache is the store's; what is stored must be unchanged
    assert snapshot(store, "bkt") == before
    with pytest.raises(NoSuchBucket):
        store.get_bucket("other")
    put(store, "bkt", "after", b"x")  # and the store goes on working
    assert read(store, "bkt", "after") == b"x"


def test_versioned_changes_roll_back_too(store: Store) -> None:
    store.create_bucket("ver", "us-east-1")
    store.create_bucket("gone", "us-east-1")
    store.set_versioning("ver", "Enabled")
    first = put(store, "ver", "k", b"1")
    second = put(store, "ver", "k", b"2")
    put(store, "ver", "j", b"3")
    store.set_versioning("ver", "Suspended")
    put(store, "ver", "n", b"null")
    before = snapshot(store, "ver")
    with pytest.raises(Boom), store.change():
        store.delete_object("ver", "k", version_id=second.version_id)  # first is current again
        store.delete_object("ver", "k", version_id=first.version_id)  # and now none
        store.rewrite_object("ver", "j", None, lambda r: replace(r, tags=(("t", "v"),)))
        store.delete_object("ver", "n")  # a null delete marker replaces the null version
        store.delete_bucket("gone")
        raise Boom()
    assert snapshot(store, "ver") == before
    assert store.head_object("ver", "j").tags == ()
    assert [b.name for b in store.list_buckets()] == ["gone", "ver"]


def test_a_failing_nested_change_undoes_only_its_own_writes(store: Store) -> None:
    store.create_bucket("bkt", "us-east-1")
    with store.change():
        put(store, "bkt", "kept", b"1")
        with pytest.raises(Boom), store.change():
            put(store, "bkt", "undone", b"2")
            raise Boom()
    assert [r.key for r in store.list_objects("bkt").objects] == ["kept"]


def test_versioning_starts_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PutBucketVersioning interrupted after every object got its "null" version."""
    store.create_bucket("bkt", "us-east-1")
    for number in range(50):
        put(store, "bkt", f"k{number:02}")

    def fail(*_args: object) -> None:
        raise Boom()

    monkeypatch.setattr(store.index, "set_bucket", fail)
    with pytest.raises(Boom):
        store.set_versioning("bkt", "Enabled")
    monkeypatch.undo()
    assert store.get_bucket("bkt").versioning is None
    assert {r.version_id for r in store.list_versions("bkt").objects} == {None}
    assert store.index.latest_version("bkt", "k00") is None
    store.delete_objects("bkt", [(f"k{number:02}", None, None) for number in range(50)])
    store.delete_bucket("bkt")  # no version row was left behind to make it BucketNotEmpty


def test_delete_objects_keeps_per_key_errors_and_rolls_back_as_one(store: Store) -> None:
    store.create_bucket("bkt", "us-east-1")
    for key in ("a", "b", "c"):
        put(store, "bkt", key)

    def refuse(_current: ObjectRecord | None) -> None:
        raise PreconditionFailed()

    def crash(_current: ObjectRecord | None) -> None:
        raise Boom()

    results = store.delete_objects("bkt", [("a", None, None), ("b", None, refuse)])
    assert isinstance(results[1], PreconditionFailed)
    assert [r.key for r in store.list_objects("bkt").objects] == ["b", "c"]
    with pytest.raises(Boom):  # not an S3 error: the whole batch is undone
        store.delete_objects("bkt", [("b", None, None), ("c", None, crash)])
    assert [read(store, "bkt", key) for key in ("b", "c")] == [b"x", b"x"]


def test_plain_delete_objects_in_one_index_call(store: Store, tmp_path: Path) -> None:
    store.create_bucket("bkt", "us-east-1")
    for number in range(600):  # more than one SQL statement's worth of keys
        put(store, "bkt", f"k{number:03}")
    doomed = [f"k{number:03}" for number in range(0, 600, 2)] + ["k000", "missing"]
    results = store.delete_objects("bkt", [(key, None, None) for key in doomed])
    assert results == [Deletion()] * len(doomed)
    left = [record.key for record in store.list_objects("bkt").objects]
    assert left == [f"k{number:03}" for number in range(1, 600, 2)]
    store.blobs.flush()  # 300 freed blobs: the directory backend's reaper thread deletes them
    if os.path.isdir(tmp_path / "data"):
        assert len(blob_files(tmp_path / "data")) == 300


def blob_files(root: Path) -> set[str]:
    """Every stored blob's id: files and rows of the inline table."""
    return set(stored_blobs(root))


def test_reopening_removes_only_unreferenced_old_blobs(tmp_path: Path) -> None:
    first = open_store(str(tmp_path))
    first.create_bucket("bkt", "us-east-1")
    put(first, "bkt", "k", b"current")
    first.set_versioning("bkt", "Enabled")
    put(first, "bkt", "k", b"newer")  # the first body is now a noncurrent version
    upload = first.multipart.create("bkt", "big", {}, None, None)
    first.multipart.upload_part(upload, 1, io.BytesIO(b"part"), None)
    first.close()
    referenced = blob_files(tmp_path)
    assert len(referenced) == 3
    orphan = tmp_path / "blobs" / "0a" / ("0a" * 16)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    os.utime(orphan, (1, 1))
    second = open_store(str(tmp_path))
    assert second.reclaimed == 1
    assert blob_files(tmp_path) == referenced
    assert read(second, "bkt", "k") == b"newer"
    second.close()
