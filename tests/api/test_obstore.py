"""obstore (Python bindings of Rust's ``object_store``, the S3 client under Polars and
arrow-rs) against a real server on both backends. Its conditional writes are how it makes a
put-if-absent and a compare-and-swap: ``If-None-Match: *`` and ``If-Match``, refused with 412
when the object is there or has changed (docs/versioning.md's conditional writes)."""

from __future__ import annotations

import obstore
import pytest
from api_helpers import unique_bucket_name
from botocore.client import BaseClient
from obstore.exceptions import AlreadyExistsError, NotModifiedError, PreconditionError
from obstore.store import S3Store


@pytest.fixture
def store(endpoint: str, s3: BaseClient) -> S3Store:
    name = unique_bucket_name("obstore")
    s3.create_bucket(Bucket=name)
    return S3Store(
        name,
        endpoint=endpoint,
        region="us-east-1",
        access_key_id="test",
        secret_access_key="test",
        client_options={"allow_http": True},
    )


def test_reads_writes_and_listings(store: S3Store) -> None:
    obstore.put(store, "a/b.txt", b"hello")
    obstore.put(store, "a/c.txt", b"world")
    obstore.put(store, "z.txt", b"!")
    assert obstore.get(store, "a/b.txt").bytes().to_bytes() == b"hello"
    assert obstore.get_range(store, "a/b.txt", start=1, end=3).to_bytes() == b"el"
    parts = obstore.get_ranges(store, "a/b.txt", starts=[0, 2], ends=[1, 4])
    assert [bytes(part) for part in parts] == [b"h", b"ll"]
    head = obstore.head(store, "a/b.txt")
    assert head["size"] == 5 and head["e_tag"] == '"5d41402abc4b2a76b9719d911017c592"'
    assert [m["path"] for m in obstore.list(store).collect()] == ["a/b.txt", "a/c.txt", "z.txt"]
    after = obstore.list(store, offset="a/b.txt").collect()  # S3's start-after
    assert [m["path"] for m in after] == ["a/c.txt", "z.txt"]
    top = obstore.list_with_delimiter(store)
    assert top["common_prefixes"] == ["a"]
    assert [m["path"] for m in top["objects"]] == ["z.txt"]
    obstore.copy(store, "a/b.txt", "copy.txt")
    obstore.rename(store, "copy.txt", "renamed.txt")
    assert obstore.get(store, "renamed.txt").bytes().to_bytes() == b"hello"
    with pytest.raises(FileNotFoundError):
        obstore.head(store, "copy.txt")
    big = bytes(range(256)) * (12 * 1024 * 4)  # 12 MiB in 5 MiB parts
    written = obstore.put(store, "big.bin", big, chunk_size=5 * 1024 * 1024)
    assert str(written["e_tag"]).endswith('-3"')
    assert obstore.get(store, "big.bin").bytes().to_bytes() == big
    obstore.delete(store, ["a/b.txt", "a/c.txt", "z.txt", "renamed.txt", "big.bin"])
    assert obstore.list(store).collect() == []


def test_put_if_absent_and_compare_and_swap(store: S3Store) -> None:
    obstore.put(store, "lock", b"mine", mode="create")  # If-None-Match: *
    with pytest.raises(AlreadyExistsError):
        obstore.put(store, "lock", b"theirs", mode="create")
    first = obstore.head(store, "lock")["e_tag"]
    assert first is not None
    swapped = obstore.put(store, "lock", b"next", mode={"e_tag": first})  # If-Match
    with pytest.raises(PreconditionError):
        obstore.put(store, "lock", b"stale", mode={"e_tag": first})
    assert obstore.get(store, "lock").bytes().to_bytes() == b"next"
    with pytest.raises(NotModifiedError):
        obstore.get(store, "lock", options={"if_none_match": swapped["e_tag"]})
