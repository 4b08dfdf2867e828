"""Helpers shared by the API tests: raw HTTP requests, S3 error bodies, ClientError checks."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import requests
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from s3clients import client_for  # noqa: F401 - re-exported for the API tests

Raw = Callable[..., requests.Response]
Aws = Callable[..., "subprocess.CompletedProcess[str]"]  # the ``aws`` fixture: the AWS CLI
S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def unique_bucket_name(prefix: str = "api") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def empty_versioned(s3: BaseClient, bucket: str) -> None:
    """Remove every version and delete marker of a bucket, then the bucket."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=bucket)


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def etag_of(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest() + '"'


def error_fields(response: requests.Response) -> dict[str, str]:
    """The children of an S3 ``<Error>`` document as a flat dict (namespace ignored)."""
    root = ET.fromstring(response.content)
    assert root.tag == "Error", response.text
    return {child.tag: child.text or "" for child in root}


def assert_s3_error(response: requests.Response, code: str, status: int) -> dict[str, str]:
    assert response.status_code == status, (response.status_code, response.text)
    fields = error_fields(response)
    assert fields["Code"] == code, response.text
    return fields


def xml_root(response: requests.Response) -> ET.Element:
    return ET.fromstring(response.content)


def find_text(element: ET.Element, path: str) -> str | None:
    """``find`` with the S3 namespace added to every step of ``path``."""
    found = element.find("/".join(S3_NS + step for step in path.split("/")))
    return None if found is None else (found.text or "")


def find_all_text(element: ET.Element, path: str) -> list[str]:
    return [e.text or "" for e in element.findall("/".join(S3_NS + s for s in path.split("/")))]


@contextmanager
def raises_client_error(code: str, status: int) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    """Expect a botocore ClientError with this S3 error code and HTTP status."""
    with pytest.raises(ClientError) as info:
        yield info
    error = info.value.response
    assert error["Error"]["Code"] == code, error
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status, error


def checksum_b64(algorithm: str, data: bytes) -> str:
    """The base64 value S3 puts in ``x-amz-checksum-<algorithm>``, computed independently."""
    import zlib

    import awscrt.checksums
    import xxhash

    algorithm = algorithm.upper()
    if algorithm == "CRC32":
        digest = zlib.crc32(data).to_bytes(4, "big")
    elif algorithm == "CRC32C":
        digest = awscrt.checksums.crc32c(data).to_bytes(4, "big")
    elif algorithm == "CRC64NVME":
        digest = awscrt.checksums.crc64nvme(data).to_bytes(8, "big")
    elif algorithm in ("SHA1", "SHA256", "SHA512", "MD5"):
        digest = hashlib.new(algorithm.lower(), data).digest()
    elif algorithm == "XXHASH64":
        digest = xxhash.xxh64(data).digest()
    elif algorithm == "XXHASH3":
        digest = xxhash.xxh3_64(data).digest()
    elif algorithm == "XXHASH128":
        digest = xxhash.xxh3_128(data).digest()
    else:
        raise ValueError(algorithm)
    return base64.b64encode(digest).decode()


# ChecksumAlgorithm values that this botocore can compute and send (its own list, checked in
# test_integrity so a botocore upgrade that adds one shows up).
BOTO_CHECKSUMS = [
    "CRC32",
    "CRC32C",
    "CRC64NVME",
    "SHA1",
    "SHA256",
    "SHA512",
    "XXHASH64",
    "XXHASH3",
    "XXHASH128",
]


def aws_chunked(
    data: bytes, trailer: tuple[str, str] | None = None, chunk_size: int = 8192
) -> bytes:
    """An unsigned aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER framing)."""
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + chunk_size]), data[i : i + chunk_size])
        for i in range(0, len(data), chunk_size)
    ]
    parts.append(b"0\r\n")
    if trailer:
        parts.append(f"{trailer[0]}:{trailer[1]}\r\n".encode())
    parts.append(b"\r\n")
    return b"".join(parts)
