"""minio-py, a second real client with its own signing, XML parsing and listing code."""

from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import pytest
from api_helpers import unique_bucket_name
from botocore.client import BaseClient
from minio import Minio
from minio.commonconfig import ComposeSource, CopySource
from minio.deleteobjects import DeleteObject
from minio.error import S3Error


@pytest.fixture
def minio(endpoint: str) -> Minio:
    return Minio(
        urlsplit(endpoint).netloc,
        access_key="test",
        secret_key="test",
        secure=False,
        region="us-east-1",
    )


def test_minio_round_trip(minio: Minio) -> None:
    bucket = unique_bucket_name("minio")
    minio.make_bucket(bucket)
    assert minio.bucket_exists(bucket)
    minio.put_object(
        bucket,
        "dir/a b.txt",
        io.BytesIO(b"hello"),
        5,
        content_type="text/plain",
        metadata={"x-amz-meta-colour": "blue"},
    )
    response = minio.get_object(bucket, "dir/a b.txt")
    try:
        assert response.read() == b"hello"
        assert response.headers["x-amz-meta-colour"] == "blue"
    finally:
        response.close()
        response.release_conn()
    stat = minio.stat_object(bucket, "dir/a b.txt")
    assert (stat.size, stat.content_type) == (5, "text/plain")
    minio.copy_object(bucket, "copy", CopySource(bucket, "dir/a b.txt"))
    assert [o.object_name for o in minio.list_objects(bucket)] == ["copy", "dir/"]
    names = [o.object_name for o in minio.list_objects(bucket, recursive=True)]
    assert names == ["copy", "dir/a b.txt"]
    errors = list(minio.remove_objects(bucket, [DeleteObject("copy"), DeleteObject("dir/a b.txt")]))
    assert errors == []
    minio.remove_bucket(bucket)
    assert not minio.bucket_exists(bucket)


def test_minio_sees_s3_errors(minio: Minio) -> None:
    bucket = unique_bucket_name("minio")
    minio.make_bucket(bucket)
    with pytest.raises(S3Error) as info:
        minio.stat_object(bucket, "missing")
    assert info.value.code == "NoSuchKey"  # from a HEAD 404, which has no body
    with pytest.raises(S3Error) as info:
        minio.get_object(bucket, "missing")
    assert info.value.code == "NoSuchKey"
    minio.put_object(bucket, "k", io.BytesIO(b"x"), 1)
    with pytest.raises(S3Error) as info:
        minio.remove_bucket(bucket)
    assert info.value.code == "BucketNotEmpty"


def test_minio_multipart_upload_and_compose(minio: Minio, s3: BaseClient) -> None:
    """minio-py cuts a stream of unknown length into 5 MiB parts, and composes objects with
    UploadPartCopy; both must come back byte for byte."""
    bucket = unique_bucket_name("minio")
    minio.make_bucket(bucket)
    data = os.urandom(12 * 1024 * 1024 + 5)
    minio.put_object(bucket, "big", io.BytesIO(data), -1, part_size=5 * 1024 * 1024)
    assert s3.head_object(Bucket=bucket, Key="big")["ETag"].endswith('-3"')
    sources = [ComposeSource(bucket, "big"), ComposeSource(bucket, "big", offset=10, length=100)]
    minio.compose_object(bucket, "composed", sources)
    response = minio.get_object(bucket, "composed")
    try:
        assert response.read() == data + data[10:110]
    finally:
        response.close()
        response.release_conn()
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    for name in ("big", "composed"):
        minio.remove_object(bucket, name)
    minio.remove_bucket(bucket)
