"""Multipart pieces without a server: the ETag/checksum math, blob assembly, the upload
indexes, and the store's completion under races (run against every backend)."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import random
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stored_blobs import stored_blobs

from fakes3.errors import ConditionalRequestConflict, NoSuchKey, NoSuchUpload, PreconditionFailed
from fakes3.protocol.checksums import compute, encode
from fakes3.store import Store, open_store
from fakes3.store.blobs import BlobStore, FileBlobs, MemoryBlobs
from fakes3.store.index_memory import MemoryIndex
from fakes3.store.multipart import ChosenPart, Completion
from fakes3.store.multipart_math import composite_checksum, full_object_checksum, multipart_etag
from fakes3.store.records import ObjectRecord
from fakes3.store.store import NewObject
from fakes3.store.uploads import AFTER_ALL_IDS, PartRecord, UploadIndex, UploadRecord
from fakes3.store.uploads_memory import MemoryUploads
from fakes3.store.uploads_sqlite import SqliteUploads

MiB = 1024 * 1024

# The math -------------------------------------------------------------------------------


def test_multipart_etag_is_the_md5_of_the_binary_part_md5s() -> None:
    parts = [b"a" * 10, b"b" * 3]
    expected = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    etags = ['"' + hashlib.md5(p).hexdigest() + '"' for p in parts]
    assert multipart_etag(etags) == f'"{expected}-2"'


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_composite_checksum_hashes_the_binary_part_checksums(algorithm: str) -> None:
    parts = [b"first", b"second", b"third"]
    binary = [compute(algorithm, p) for p in parts]
    expected = base64.b64encode(compute(algorithm, b"".join(binary))).decode()
    assert composite_checksum(algorithm, [encode(d) for d in binary]) == f"{expected}-3"


@settings(max_examples=60, deadline=None)
@given(
    algorithm=st.sampled_from(["CRC32", "CRC32C", "CRC64NVME"]),
    parts=st.lists(st.binary(max_size=300), min_size=1, max_size=6),
)
def test_full_object_checksum_equals_the_crc_of_the_joined_parts(
    algorithm: str, parts: list[bytes]
) -> None:
    combined = full_object_checksum(
        algorithm, [(encode(compute(algorithm, p)), len(p)) for p in parts]
    )
    assert combined == encode(compute(algorithm, b"".join(parts)))


# Blob assembly --------------------------------------------------------------------------


@pytest.fixture(params=["memory", "memory-spilling", "files"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "files":
        return FileBlobs(str(tmp_path))
    return MemoryBlobs(spill_threshold=4 if request.param == "memory-spilling" else 8 * MiB)


def write(blobs: BlobStore, data: bytes) -> str:
    writer = blobs.create()
    writer.write(data)
    return writer.commit()


def read(blobs: BlobStore, blob_id: str) -> bytes:
    return b"".join(blobs.open(blob_id))


def test_concat_and_copy_range_make_new_blobs(blobs: BlobStore) -> None:
    ids = [write(blobs, data) for data in (b"ab", b"", b"cdefgh", b"i")]
    joined = blobs.concat(ids)
    assert read(blobs, joined) == b"abcdefghi"
    for blob_id in ids:
        blobs.delete(blob_id)
    assert read(blobs, joined) == b"abcdefghi"  # independent of the parts
    piece = blobs.copy_range(joined, 2, 7)
    assert read(blobs, piece) == b"cdefg"
    assert read(blobs, blobs.copy_range(joined, 0, 0)) == b""


def test_concat_of_spilled_blobs_does_not_hold_them_in_memory(tmp_path: Path) -> None:
    blobs = MemoryBlobs(spill_threshold=MiB)
    ids = [write(blobs, os.urandom(4 * MiB)) for _ in range(4)]
    tracemalloc.start()
    try:
        joined = blobs.concat(ids)
        piece = blobs.copy_range(joined, MiB, 15 * MiB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MiB, peak
    size = sum(len(chunk) for chunk in blobs.open(piece))
    assert size == 14 * MiB


# Upload indexes: memory and SQLite agree -------------------------------------------------


@pytest.fixture(params=["memory", "sqlite"])
def uploads(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UploadIndex]:
    index: UploadIndex = (
        MemoryUploads() if request.param == "memory" else SqliteUploads(str(tmp_path / "m.db"))
    )
    yield index
    index.close()


NOW = datetime(2026, 1, 2, tzinfo=timezone.utc)


def test_upload_indexes_agree_with_a_plain_model(uploads: UploadIndex) -> None:
    rng = random.Random(7)
    model: dict[str, tuple[str, dict[int, PartRecord]]] = {}
    for step in range(300):
        action = rng.random()
        if action < 0.3 or not model:
            upload_id = f"{step:014x}{'0' * 26}"
            key = rng.choice(["a", "a/b", "b", "c/d/e", "\u00e9", "z"])
            uploads.add(UploadRecord("bkt", key, upload_id, NOW, {"tags": (("k", "v"),)}, "CRC32"))
            model[upload_id] = (key, {})
        elif action < 0.8:
            upload_id = rng.choice(sorted(model))
            number = rng.randint(1, 20)
            part = PartRecord(number, f"{step:032x}", step, f'"{step}"', NOW, "AAAAAA==")
            previous = uploads.put_part("bkt", upload_id, part)
            assert previous == model[upload_id][1].get(number)
            model[upload_id][1][number] = part
        else:
            upload_id = rng.choice(sorted(model))
            removed = uploads.remove("bkt", upload_id)
            key, parts = model.pop(upload_id)
            assert removed == [parts[n] for n in sorted(parts)]
        order = sorted((key, uid) for uid, (key, _parts) in model.items())
        after = rng.choice([("", ""), ("a", AFTER_ALL_IDS), ("b", ""), *order[:3]])
        got = [(u.key, u.upload_id) for u in uploads.scan("bkt", after, 4)]
        assert got == [entry for entry in order if entry > after][:4]
    for upload_id, (key, parts) in model.items():
        record = uploads.get("bkt", upload_id)
        assert record is not None and record.key == key
        assert record.attrs == {"tags": (("k", "v"),)}
        assert (
            uploads.parts("bkt", upload_id, 3, 5) == [parts[n] for n in sorted(parts) if n > 3][:5]
        )
    uploads.clear()
    assert uploads.scan("bkt", ("", ""), 10) == []


# The store: completion, races, restarts ----------------------------------------------------


class RacingBlobs(MemoryBlobs):
    """Memory blobs that run ``during_concat`` while a completion assembles its object: the
    moment another request can slip in between the completion's checks and its commit."""

    during_concat: Callable[[], None] | None = None

    def concat(self, blob_ids: list[str]) -> str:
        if self.during_concat is not None:
            self.during_concat()
        return super().concat(blob_ids)


@pytest.fixture(params=["memory", "directory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "data") if request.param == "directory" else None)
    opened.create_bucket("bkt", "us-east-1")
    yield opened
    opened.close()


def start(store: Store, key: str, parts: dict[int, bytes]) -> tuple[UploadRecord, list[ChosenPart]]:
    upload = store.multipart.create("bkt", key, NewObject().record_fields(), None, None)
    chosen = []
    for number, data in parts.items():
        part, _values = store.multipart.upload_part(upload, number, io.BytesIO(data), None)
        chosen.append(ChosenPart(number, part.etag))
    return upload, chosen


def body(store: Store, key: str) -> bytes:
    _record, reader = store.read_object("bkt", key, lambda rec: (0, rec.size))
    return b"".join(reader)


def test_completion_records_its_parts_and_survives_a_restart(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    store = open_store(data_dir)
    store.create_bucket("bkt", "us-east-1")
    first = os.urandom(5 * MiB)
    upload, chosen = start(store, "k", {3: first, 9: b"tail"})
    store.close()
    store = open_store(data_dir)  # the upload and its parts outlive the process
    upload = store.multipart.get("bkt", "k", upload.upload_id)
    parts, truncated = store.multipart.list_parts(upload, 0, 10)
    assert [(p.part_number, p.size) for p in parts] == [(3, 5 * MiB), (9, 4)] and not truncated
    record = store.multipart.complete("bkt", "k", upload.upload_id, Completion(chosen))
    assert [(p.part_number, p.size) for p in record.parts] == [(3, 5 * MiB), (9, 4)]
    store.close()
    store = open_store(data_dir)
    assert store.head_object("bkt", "k").parts == record.parts  # persisted with the object
    assert body(store, "k") == first + b"tail"
    stored = stored_blobs(data_dir)  # files and inline rows
    assert list(stored) == [record.blob_id]  # the object's; the parts' blobs are gone
    store.close()


def racing_store() -> tuple[Store, RacingBlobs]:
    blobs = RacingBlobs()
    store = Store(MemoryIndex(), blobs)
    store.create_bucket("bkt", "us-east-1")
    return store, blobs


def if_none_match(current: ObjectRecord | None) -> None:
    if current is not None:
        raise PreconditionFailed(Condition="If-None-Match")


def test_memory_store_keeps_parts_out_of_memory_until_a_small_object_is_complete() -> None:
    store, blobs = racing_store()
    upload, chosen = start(store, "k", {1: os.urandom(5 * MiB), 2: b"x"})
    assert blobs._blobs == {}  # both parts are spill files
    record = store.multipart.complete("bkt", "k", upload.upload_id, Completion(chosen))
    assert list(blobs._blobs) == [record.blob_id]  # 5 MiB + 1 fits under the spill threshold
    assert blob_count_in(blobs.spill.blob_dir) == 0


def blob_count_in(root: str) -> int:
    return sum(len(files) for _dir, _subdirs, files in os.walk(root))


def test_a_write_that_slips_in_during_a_conditional_completion_is_a_409() -> None:
    store, blobs = racing_store()
    upload, chosen = start(store, "k", {1: b"mine"})
    blobs.during_concat = lambda: store.put_object("bkt", "k", io.BytesIO(b"theirs"), NewObject())
    completion = Completion(chosen, precondition=if_none_match)
    with pytest.raises(ConditionalRequestConflict):
        store.multipart.complete("bkt", "k", upload.upload_id, completion)
    assert body(store, "k") == b"theirs"
    blobs.during_concat = None
    store.delete_object("bkt", "k")
    with pytest.raises(ConditionalRequestConflict):  # the key changed since the upload began
        store.multipart.complete("bkt", "k", upload.upload_id, completion)
    unconditional = Completion(chosen)
    store.multipart.complete("bkt", "k", upload.upload_id, unconditional)  # the upload survived
    # ... and completes, but the delete since it began outlives it (S3 orders writes by when
    # they began: Swift's s3api tests, written against AWS); its bytes are gone with it
    assert store.index.get("bkt", "k") is None
    assert len(blobs._blobs) == 0


def test_a_key_changed_since_the_upload_began_fails_a_conditional_completion() -> None:
    """AWS: a condition that fails is a 412 as ever; one that holds after a write or delete
    since CreateMultipartUpload is a 409. The marks go with the upload, completed or aborted."""
    store, _blobs = racing_store()
    store.put_object("bkt", "deleted", io.BytesIO(b"there"), NewObject())
    upload, chosen = start(store, "deleted", {1: b"mine"})
    store.delete_object("bkt", "deleted")
    with pytest.raises(ConditionalRequestConflict):  # absent again, but changed
        store.multipart.complete(
            "bkt", "deleted", upload.upload_id, Completion(chosen, if_none_match)
        )
    store.multipart.abort("bkt", "deleted", upload.upload_id)
    upload, chosen = start(store, "written", {1: b"mine"})
    store.put_object("bkt", "written", io.BytesIO(b"theirs"), NewObject())
    with pytest.raises(PreconditionFailed):  # the condition fails first
        store.multipart.complete(
            "bkt", "written", upload.upload_id, Completion(chosen, if_none_match)
        )
    with pytest.raises(ConditionalRequestConflict):  # holds, but the key changed meanwhile
        store.multipart.complete(
            "bkt", "written", upload.upload_id, Completion(chosen, lambda _: None)
        )
    store.multipart.abort("bkt", "written", upload.upload_id)
    assert store.multipart._changes == {} and store.conflicts._watches == {}


def test_a_condition_false_on_arrival_is_a_412_and_assembles_nothing() -> None:
    store, blobs = racing_store()
    store.put_object("bkt", "k", io.BytesIO(b"there"), NewObject())
    upload, chosen = start(store, "k", {1: b"mine"})
    assembled: list[bool] = []
    blobs.during_concat = lambda: assembled.append(True)
    with pytest.raises(PreconditionFailed):
        store.multipart.complete("bkt", "k", upload.upload_id, Completion(chosen, if_none_match))
    assert assembled == []


def test_an_abort_during_completion_wins_and_leaks_no_blob() -> None:
    store, blobs = racing_store()
    upload, chosen = start(store, "k", {1: b"a" * (5 * MiB), 2: b"b"})
    blobs.during_concat = lambda: store.multipart.abort("bkt", "k", upload.upload_id)
    with pytest.raises(NoSuchUpload):
        store.multipart.complete("bkt", "k", upload.upload_id, Completion(chosen))
    assert blobs._blobs == {}
    assert store.multipart.uploads.scan("bkt", ("", ""), 10) == []


def test_a_part_replaced_during_completion_is_deleted_after_it() -> None:
    """The completion assembles the parts it checked; the replaced blob outlives it, then goes."""
    store, blobs = racing_store()
    upload, chosen = start(store, "k", {1: b"old part"})
    blobs.during_concat = lambda: store.multipart.upload_part(
        upload, 1, io.BytesIO(b"new part"), None
    )
    record = store.multipart.complete("bkt", "k", upload.upload_id, Completion(chosen))
    assert body(store, "k") == b"old part"
    assert set(blobs._blobs) == {record.blob_id}


def model_uploads(
    uploads: list[tuple[str, str]], prefix: str, delimiter: str
) -> list[tuple[str, str | None]]:
    """S3's upload listing, the slow obvious way: (key, id) entries and (prefix, None) rollups."""
    entries: list[tuple[str, str | None]] = []
    for key, upload_id in sorted(uploads):
        if not key.startswith(prefix):
            continue
        pos = key.find(delimiter, len(prefix)) if delimiter else -1
        if pos >= 0:
            rolled = (key[: pos + len(delimiter)], None)
            if rolled not in entries:
                entries.append(rolled)
        else:
            entries.append((key, upload_id))
    return entries


@settings(max_examples=40, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="ab/", min_size=1, max_size=4), max_size=12),
    prefix=st.sampled_from(["", "a", "a/", "b"]),
    delimiter=st.sampled_from(["", "/", "b"]),
    limit=st.integers(min_value=1, max_value=4),
)
def test_upload_listing_pages_add_up_to_the_model(
    keys: list[str], prefix: str, delimiter: str, limit: int
) -> None:
    store = Store(MemoryIndex(), MemoryBlobs())
    store.create_bucket("bkt", "us-east-1")
    made = [(key, store.multipart.create("bkt", key, {}, None, None).upload_id) for key in keys]
    listed: list[tuple[str, str | None]] = []
    marker: tuple[str, str | None] = ("", None)
    for _page in range(len(keys) + 2):
        page = store.multipart.list_uploads("bkt", prefix, delimiter, marker, limit)
        assert len(page.objects) + len(page.prefixes) <= limit
        listed.extend((u.key, u.upload_id) for u in page.objects)
        listed.extend((p, None) for p in page.prefixes)
        if not page.truncated:
            break
        assert page.last is not None
        marker = (page.last, page.last_version)
    expected = model_uploads(made, prefix, delimiter)
    assert sorted(listed, key=lambda e: (e[0], e[1] or "")) == expected


def test_a_change_of_the_key_while_the_parts_are_joined_fails_a_conditional_completion() -> None:
    """A put and a delete of the key while the object is assembled leave the condition true
    (the key is free again) but the key changed since the upload began: 409 at commit."""
    store, blobs = racing_store()
    upload, chosen = start(store, "k", {1: b"mine"})

    def put_then_delete() -> None:
        store.put_object("bkt", "k", io.BytesIO(b"theirs"), NewObject())
        store.delete_object("bkt", "k")

    blobs.during_concat = put_then_delete
    with pytest.raises(ConditionalRequestConflict):
        store.multipart.complete("bkt", "k", upload.upload_id, Completion(chosen, if_none_match))
    blobs.during_concat = None
    with pytest.raises(NoSuchKey):
        body(store, "k")
