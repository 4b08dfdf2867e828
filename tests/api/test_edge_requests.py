"""Requests at the edges: versions, overrides, part numbers, tokens, lengths, encryption."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from api_helpers import Raw, assert_s3_error, raises_client_error
from botocore.client import BaseClient


@pytest.fixture
def stored(s3: BaseClient, bucket: str) -> str:
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    return bucket


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_version_id_is_invalid_argument_and_changes_nothing(
    raw: Raw, s3: BaseClient, stored: str, method: str
) -> None:
    response = raw(method, f"/{stored}/k", params={"versionId": "3HL4kqtJlcpXroDTDmJ"})
    assert_s3_error(response, "InvalidArgument", 400)
    assert s3.get_object(Bucket=stored, Key="k")["Body"].read() == b"0123456789"


def test_null_version_id_names_the_only_version(s3: BaseClient, stored: str) -> None:
    assert s3.get_object(Bucket=stored, Key="k", VersionId="null")["Body"].read() == b"0123456789"
    assert s3.head_object(Bucket=stored, Key="k", VersionId="null")["ContentLength"] == 10
    with raises_client_error("400", 400):
        s3.head_object(Bucket=stored, Key="k", VersionId="bogus")


def test_response_override_cannot_inject_headers(raw: Raw, stored: str) -> None:
    response = raw(
        "GET", f"/{stored}/k", params={"response-content-type": "text/plain\r\nX-Evil: 1"}
    )
    assert_s3_error(response, "InvalidArgument", 400)
    assert "X-Evil" not in response.headers


def test_unicode_response_override_is_sent_as_utf8(s3: BaseClient, stored: str) -> None:
    disposition = 'attachment; filename="\u2713.pdf"'
    response = s3.get_object(Bucket=stored, Key="k", ResponseContentDisposition=disposition)
    sent = response["ResponseMetadata"]["HTTPHeaders"]["content-disposition"]
    assert sent.encode("latin-1").decode("utf-8") == disposition


def test_head_object_honours_response_overrides(s3: BaseClient, stored: str) -> None:
    head = s3.head_object(Bucket=stored, Key="k", ResponseContentType="text/x-override")
    assert head["ContentType"] == "text/x-override"


def test_every_object_says_it_is_encrypted_with_sse_s3(s3: BaseClient, bucket: str) -> None:
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    copied = s3.copy_object(Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "k"})
    assert copied["ServerSideEncryption"] == "AES256"


def test_put_object_sends_no_object_size_header(raw: Raw, bucket: str) -> None:
    response = raw("PUT", f"/{bucket}/k", data=b"abc")
    assert response.status_code == 200
    assert "x-amz-object-size" not in response.headers


def test_range_with_part_number_is_invalid_request(raw: Raw, stored: str) -> None:
    response = raw(
        "GET", f"/{stored}/k", params={"partNumber": "1"}, headers={"Range": "bytes=0-1"}
    )
    assert_s3_error(response, "InvalidRequest", 400)


@pytest.mark.parametrize("part", ["0", "10001", "-1"])
def test_part_number_outside_1_to_10000_is_invalid_argument(
    raw: Raw, stored: str, part: str
) -> None:
    assert_s3_error(raw("GET", f"/{stored}/k", params={"partNumber": part}), "InvalidArgument", 400)


@pytest.mark.parametrize("token", ["%%%", "", "not base64!"])
def test_continuation_token_not_issued_by_s3_is_invalid_argument(
    raw: Raw, stored: str, token: str
) -> None:
    response = raw("GET", f"/{stored}", params={"list-type": "2", "continuation-token": token})
    assert_s3_error(response, "InvalidArgument", 400)
    buckets = raw("GET", "/", params={"continuation-token": token})
    if token:
        assert_s3_error(buckets, "InvalidArgument", 400)
    else:  # ListBuckets reads an empty token as none (test_buckets.py)
        assert buckets.status_code == 200, buckets.text


def _raw_exchange(endpoint: str, request: bytes) -> bytes:
    parts = urlsplit(endpoint)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def test_no_content_length_on_204(endpoint: str, stored: str) -> None:
    head = _raw_exchange(
        endpoint, f"DELETE /{stored}/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    assert head.startswith(b"HTTP/1.1 204")
    assert b"content-length" not in head.lower()


def test_negative_content_length_is_refused_and_stores_nothing(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    request = (
        f"PUT /{bucket}/neg HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n"
        "Connection: close\r\n\r\nhello"
    ).encode()
    status = _raw_exchange(endpoint, request).split(b"\r\n")[0]
    assert status.split()[1].startswith(b"4")
    with raises_client_error("404", 404):
        s3.head_object(Bucket=bucket, Key="neg")


def test_location_constraint_with_child_elements_is_malformed_xml(raw: Raw) -> None:
    body = b"<CreateBucketConfiguration><LocationConstraint><a/></LocationConstraint>"
    body += b"</CreateBucketConfiguration>"
    assert_s3_error(raw("PUT", "/odd-location-bucket", data=body), "MalformedXML", 400)
