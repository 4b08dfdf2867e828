"""Small objects of the directory backend are rows of ``inline.sqlite3``, larger ones files
(``fakes3/store/blobs_inline.py``): every object API behaves the same on both sides of the
threshold, on both backends, and the rows are freed with the objects."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from api_helpers import client_for, unique_bucket_name
from botocore.client import BaseClient
from stored_blobs import blob_files, inline_rows, stored_blobs

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store.blobs_inline import INLINE_MAX


def data_dir(server: Server) -> str | None:
    directory: str | None = server.app.settings.data_dir  # type: ignore[attr-defined]
    return directory


def counts(server: Server) -> tuple[int, int]:
    """(inline rows, blob files) of a directory server, once the big batches its deletes
    handed to the reaper thread are done; (0, 0) for a memory one."""
    directory = data_dir(server)
    if directory is None:
        return 0, 0
    server.app.store.blobs.flush()  # type: ignore[attr-defined]
    return len(inline_rows(directory)), len(blob_files(directory))


@pytest.mark.parametrize("size", [INLINE_MAX - 1, INLINE_MAX, INLINE_MAX + 1])
def test_threshold_sizes_round_trip_with_ranges(
    s3: BaseClient, bucket: str, server: Server, size: int
) -> None:
    body = os.urandom(size)
    rows, files = counts(server)
    s3.put_object(Bucket=bucket, Key="k", Body=body)
    if data_dir(server) is not None:  # at most the threshold: a row; past it: a file
        inline = size <= INLINE_MAX
        assert counts(server) == (rows + inline, files + (not inline))
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["ContentLength"] == size and got["Body"].read() == body
    for first, last in [(0, 0), (1, 1000), (size - 10, size - 1), (INLINE_MAX - 2, size - 1)]:
        part = s3.get_object(Bucket=bucket, Key="k", Range=f"bytes={first}-{last}")
        assert part["Body"].read() == body[first : last + 1]
        assert part["ContentRange"] == f"bytes {first}-{last}/{size}"
    suffix = s3.get_object(Bucket=bucket, Key="k", Range="bytes=-7")["Body"].read()
    assert suffix == body[-7:]
    s3.delete_object(Bucket=bucket, Key="k")
    assert counts(server) == (rows, files)


def test_overwrite_and_delete_free_the_row(s3: BaseClient, bucket: str, server: Server) -> None:
    rows, files = counts(server)
    s3.put_object(Bucket=bucket, Key="k", Body=b"first")
    s3.put_object(Bucket=bucket, Key="k", Body=b"second")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second"
    if data_dir(server) is not None:
        assert counts(server) == (rows + 1, files)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x" * (INLINE_MAX + 1))  # row -> file
    if data_dir(server) is not None:
        assert counts(server) == (rows, files + 1)
    s3.put_object(Bucket=bucket, Key="k", Body=b"third")  # file -> row
    if data_dir(server) is not None:
        assert counts(server) == (rows + 1, files)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"third"
    s3.delete_object(Bucket=bucket, Key="k")
    assert counts(server) == (rows, files)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_copy_of_an_inline_object_survives_its_source(
    s3: BaseClient, bucket: str, server: Server
) -> None:
    rows, files = counts(server)
    body = os.urandom(3000)
    s3.put_object(Bucket=bucket, Key="src", Body=body)
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    if data_dir(server) is not None:
        assert counts(server) == (rows + 2, files)  # a row of its own, not a shared one
    s3.delete_object(Bucket=bucket, Key="src")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == body
    ranged = s3.get_object(Bucket=bucket, Key="dst", Range="bytes=100-199")["Body"].read()
    assert ranged == body[100:200]
    s3.delete_object(Bucket=bucket, Key="dst")
    assert counts(server) == (rows, files)


def test_upload_part_copy_from_an_inline_object(
    s3: BaseClient, bucket: str, server: Server
) -> None:
    body = os.urandom(5000)
    s3.put_object(Bucket=bucket, Key="small", Body=body)
    rows, files = counts(server)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="joined")["UploadId"]
    source = {"Bucket": bucket, "Key": "small"}
    whole = s3.upload_part_copy(
        Bucket=bucket, Key="joined", UploadId=upload, PartNumber=1, CopySource=source
    )["CopyPartResult"]
    ranged = s3.upload_part_copy(
        Bucket=bucket,
        Key="joined",
        UploadId=upload,
        PartNumber=2,
        CopySource=source,
        CopySourceRange="bytes=10-4009",
    )["CopyPartResult"]
    assert ranged["ETag"] == f'"{hashlib.md5(body[10:4010]).hexdigest()}"'
    s3.delete_object(Bucket=bucket, Key="small")  # the parts do not depend on it
    parts = [{"PartNumber": 1, "ETag": whole["ETag"]}, {"PartNumber": 2, "ETag": ranged["ETag"]}]
    with pytest.raises(s3.exceptions.ClientError) as error:  # part 1 is under 5 MiB
        s3.complete_multipart_upload(
            Bucket=bucket, Key="joined", UploadId=upload, MultipartUpload={"Parts": parts}
        )
    assert error.value.response["Error"]["Code"] == "EntityTooSmall"
    s3.complete_multipart_upload(
        Bucket=bucket, Key="joined", UploadId=upload, MultipartUpload={"Parts": parts[:1]}
    )
    assert s3.get_object(Bucket=bucket, Key="joined")["Body"].read() == body
    s3.delete_object(Bucket=bucket, Key="joined")
    # The source's row went with it; the parts' blobs went with the completion.
    assert counts(server) == ((rows - 1, files) if data_dir(server) else (0, 0))


def test_delete_objects_of_a_thousand_inline_objects_leaves_no_rows(
    s3: BaseClient, bucket: str, server: Server
) -> None:
    rows, files = counts(server)
    keys = [f"k{number:04}" for number in range(1000)]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    if data_dir(server) is not None:
        assert counts(server) == (rows + 1000, files)
    answer = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
    )
    assert "Errors" not in answer
    assert counts(server) == (rows, files)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_restart_keeps_inline_objects_and_old_file_blobs(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    name = unique_bucket_name("inline")
    small, large = os.urandom(100), os.urandom(INLINE_MAX + 100)
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket=name)
        s3.put_object(Bucket=name, Key="small", Body=small)
        s3.put_object(Bucket=name, Key="large", Body=large)
        s3.copy_object(Bucket=name, Key="copy", CopySource=f"{name}/small")
    assert len(inline_rows(tmp_path)) == 2 and len(blob_files(tmp_path)) == 1
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        assert s3.get_object(Bucket=name, Key="small")["Body"].read() == small
        assert s3.get_object(Bucket=name, Key="copy")["Body"].read() == small
        assert s3.get_object(Bucket=name, Key="large")["Body"].read() == large
        got = s3.get_object(Bucket=name, Key="small", Range="bytes=5-9")["Body"].read()
        assert got == small[5:10]
        s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "small"}, {"Key": "large"}]})
        assert s3.get_object(Bucket=name, Key="copy")["Body"].read() == small
        running.app.store.blobs.flush()  # type: ignore[attr-defined]  # the reaper's deletes
    assert list(stored_blobs(tmp_path).values()) == [small]
