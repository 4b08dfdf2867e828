"""boto3 over HTTPS: what it sends there is aws-chunked with a trailing checksum.

botocore only streams ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` bodies over TLS, so this module runs
its own fakes3 server with a ``trustme`` certificate, per backend, and a client that trusts it.
Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from api_helpers import BOTO_CHECKSUMS, checksum_b64, etag_of, unique_bucket_name
from botocore.client import BaseClient

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings


@pytest.fixture(scope="module")
def https_server(
    backend: str, tls_files: tuple[str, str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    data_dir = str(tmp_path_factory.mktemp("tls-data")) if backend == "directory" else None
    app = FakeS3(Settings(data_dir=data_dir))
    _ca, cert, key = tls_files
    with Server(app, port=0, tls_cert=cert, tls_key=key) as running:
        yield running
    assert not app.errors, f"unexpected server errors: {app.errors!r}"


class Sent:
    """Headers of the requests a client sent (a botocore event listener, not a mock)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Any, **_: Any) -> None:
        headers = {
            k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()
        }
        self.requests.append(headers)


@pytest.fixture(scope="module")
def sent() -> Sent:
    return Sent()


@pytest.fixture(scope="module")
def s3_tls(https_server: Server, tls_files: tuple[str, str, str], sent: Sent) -> BaseClient:
    client = boto3.client(
        "s3",
        endpoint_url=https_server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        verify=tls_files[0],
    )
    client.meta.events.register("before-send.s3.PutObject", sent)
    return client


@pytest.fixture
def tls_bucket(s3_tls: BaseClient) -> Iterator[str]:
    name = unique_bucket_name("tls")
    s3_tls.create_bucket(Bucket=name)
    yield name
    keys = [o["Key"] for o in s3_tls.list_objects_v2(Bucket=name).get("Contents", [])]
    if keys:
        s3_tls.delete_objects(Bucket=name, Delete={"Objects": [{"Key": k} for k in keys]})
    s3_tls.delete_bucket(Bucket=name)


def test_https_endpoint(https_server: Server) -> None:
    assert https_server.endpoint_url.startswith("https://")


@pytest.mark.parametrize("algorithm", [None, *BOTO_CHECKSUMS])
@pytest.mark.parametrize("size", [0, 1000, 3 * 1024 * 1024 + 17], ids=["empty", "1k", "3m"])
def test_boto3_aws_chunked_upload_with_trailing_checksum(
    s3_tls: BaseClient, tls_bucket: str, sent: Sent, algorithm: str | None, size: int
) -> None:
    body = os.urandom(size)
    extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
    put = s3_tls.put_object(Bucket=tls_bucket, Key="chunked", Body=body, **extra)
    request = sent.requests[-1]
    expected_algorithm = algorithm or "CRC32"  # botocore's default
    header = f"x-amz-checksum-{expected_algorithm.lower()}"
    # This really was an aws-chunked body with a trailer, as botocore sends over HTTPS.
    assert request["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert "aws-chunked" in request["content-encoding"]
    assert request["x-amz-trailer"] == header
    assert request["x-amz-decoded-content-length"] == str(size)
    expected = checksum_b64(expected_algorithm, body)
    assert put["Checksum" + expected_algorithm] == expected
    assert put["ETag"] == etag_of(body)
    got = s3_tls.get_object(Bucket=tls_bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == body
    assert got["Checksum" + expected_algorithm] == expected
    assert "ContentEncoding" not in got


def test_boto3_upload_from_file_over_https(
    s3_tls: BaseClient, tls_bucket: str, tmp_path: Path
) -> None:
    source = tmp_path / "upload.bin"
    source.write_bytes(os.urandom(2 * 1024 * 1024))
    s3_tls.upload_file(str(source), tls_bucket, "from-file")
    target = tmp_path / "download.bin"
    s3_tls.download_file(tls_bucket, "from-file", str(target))
    assert target.read_bytes() == source.read_bytes()


def test_content_encoding_survives_aws_chunked(s3_tls: BaseClient, tls_bucket: str) -> None:
    s3_tls.put_object(Bucket=tls_bucket, Key="gz", Body=b"\x1f\x8b fake", ContentEncoding="gzip")
    assert s3_tls.head_object(Bucket=tls_bucket, Key="gz")["ContentEncoding"] == "gzip"
