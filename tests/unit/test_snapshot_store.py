"""fakes3.store.snapshot over stores directly: blobs are neither leaked nor lost by a restore."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from stored_blobs import stored_blobs

from fakes3.store import open_store
from fakes3.store.snapshot import FORMAT, SnapshotError, restore, stream, write
from fakes3.store.store import NewObject, Store


def blob_files(root: Path) -> list[bytes]:
    """Every stored blob's bytes: files and rows of the inline table."""
    return list(stored_blobs(root).values())


def put(store: Store, bucket: str, key: str, body: bytes) -> None:
    store.put_object(bucket, key, io.BytesIO(body), NewObject())


def archive_of(store: Store) -> bytes:
    out = io.BytesIO()
    write(store, out, {"note": "kept"})
    return out.getvalue()


def test_restore_replaces_blobs_without_leaking(tmp_path: Path) -> None:
    directory = open_store(str(tmp_path))
    directory.create_bucket("old-bucket", "us-east-1")
    for n in range(5):
        put(directory, "old-bucket", f"old/{n}", b"old" * n)
    assert len(blob_files(tmp_path)) == 5
    memory = open_store()
    memory.create_bucket("new-bucket", "us-east-1")
    put(memory, "new-bucket", "a", b"alpha")
    put(memory, "new-bucket", "b", b"beta")
    assert restore(directory, io.BytesIO(archive_of(memory))) == {"note": "kept"}
    assert [bucket.name for bucket in directory.list_buckets()] == ["new-bucket"]
    assert len(blob_files(tmp_path)) == 2  # the old state's files are gone
    assert sorted(blob_files(tmp_path)) == [b"alpha", b"beta"]
    directory.close()
    reopened = open_store(str(tmp_path))  # and it survives a restart
    record = reopened.head_object("new-bucket", "a")
    assert b"".join(reopened.blobs.open(record.blob_id)) == b"alpha"
    reopened.close()


def test_damaged_archive_changes_nothing_and_leaves_no_blobs(tmp_path: Path) -> None:
    directory = open_store(str(tmp_path))
    directory.create_bucket("kept-bucket", "us-east-1")
    put(directory, "kept-bucket", "k", b"value")
    memory = open_store()
    memory.create_bucket("other-bucket", "us-east-1")
    put(memory, "other-bucket", "x", b"x" * 5000)
    good = archive_of(memory)
    # a manifest naming a blob the archive lacks
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(good)) as source, tarfile.open(fileobj=out, mode="w") as t:
        for member in source.getmembers()[:1]:
            t.addfile(member, source.extractfile(member))
    for bad in (out.getvalue(), b"\0" * 10240, good[:700]):
        with pytest.raises(SnapshotError):
            restore(directory, io.BytesIO(bad))
        assert [bucket.name for bucket in directory.list_buckets()] == ["kept-bucket"]
        assert len(blob_files(tmp_path)) == 1
    directory.close()


def test_archive_is_a_plain_tar_with_the_manifest_first_and_each_blob_once() -> None:
    memory = open_store()
    memory.create_bucket("tarred", "us-east-1")
    memory.set_versioning("tarred", "Enabled")
    put(memory, "tarred", "a", b"same")  # the current record and its version share one blob
    data = b"".join(stream(memory))
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        names = archive.getnames()
        manifest = archive.extractfile(names[0])
        assert manifest is not None
        assert names[0] == "manifest.json" and FORMAT.encode() in manifest.read()
        assert names[1:] == ["blobs/00000000"]


class _Zeros:
    """A readable of ``size`` bytes made on demand (never whole in memory)."""

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return b"z" * size


def test_snapshot_and_restore_stream_large_objects(tmp_path: Path) -> None:
    """A 64 MiB object goes through with a peak of Python memory far below its size."""
    import tracemalloc

    size = 64 * 1024 * 1024
    memory = open_store()
    memory.create_bucket("large-bucket", "us-east-1")
    memory.put_object("large-bucket", "big", _Zeros(size), NewObject())
    path = tmp_path / "state.tar"
    tracemalloc.start()
    try:
        with path.open("wb") as out:
            write(memory, out)
        _, snapshot_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        directory = open_store(str(tmp_path / "data"))
        with path.open("rb") as source:
            restore(directory, source)
        _, restore_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert path.stat().st_size > size
    print(
        f"peaks: snapshot {snapshot_peak / 2**20:.1f} MiB, restore {restore_peak / 2**20:.1f} MiB"
    )
    assert snapshot_peak < size / 3 and restore_peak < size / 3, (snapshot_peak, restore_peak)
    record = directory.head_object("large-bucket", "big")
    assert record.size == size
    assert sum(len(chunk) for chunk in directory.blobs.open(record.blob_id)) == size
    directory.close()
