"""Byte ranges, conditional reads, response header overrides and checksum mode on GET/HEAD.

- GetObject (Range, If-*, response-*, ChecksumMode):
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
- HeadObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
- Conditional requests: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html
- Checksums: https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from api_helpers import Raw, assert_s3_error, etag_of, raises_client_error
from botocore.client import BaseClient

BODY = bytes(range(256)) * 4  # 1024 distinct-enough bytes
KEY = "ranged"


@pytest.fixture
def stored(s3: BaseClient, bucket: str) -> dict[str, Any]:
    """An object of 1024 bytes; its HEAD answer (ETag, LastModified)."""
    s3.put_object(Bucket=bucket, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")
    return s3.head_object(Bucket=bucket, Key=KEY)


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-9", 0, 9),
        ("bytes=100-199", 100, 199),
        ("bytes=1000-", 1000, 1023),
        ("bytes=0-", 0, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=-1", 1023, 1023),
        ("bytes=1020-5000", 1020, 1023),  # the end is clipped to the object
        ("bytes=1023-1023", 1023, 1023),
        ("bytes=-5000", 0, 1023),  # a suffix longer than the object is all of it
    ],
)
def test_range_get_is_partial_content(
    s3: BaseClient, bucket: str, stored: dict[str, Any], header: str, first: int, last: int
) -> None:
    got = s3.get_object(Bucket=bucket, Key=KEY, Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == f"bytes {first}-{last}/1024"
    assert got["ContentLength"] == last - first + 1
    assert got["Body"].read() == BODY[first : last + 1]
    assert got["ETag"] == etag_of(BODY)


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=1024-2000", "bytes=5000-6000"])
def test_range_starting_past_the_end_is_invalid_range(
    raw: Raw, bucket: str, stored: dict[str, Any], header: str
) -> None:
    response = raw("GET", f"/{bucket}/{KEY}", headers={"Range": header})
    fields = assert_s3_error(response, "InvalidRange", 416)
    assert fields["ActualObjectSize"] == "1024"
    assert fields["RangeRequested"] == header


def test_range_on_head_is_partial(s3: BaseClient, bucket: str, stored: dict[str, Any]) -> None:
    head = s3.head_object(Bucket=bucket, Key=KEY, Range="bytes=10-19")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 10
    assert head["ContentRange"] == "bytes 10-19/1024"


@pytest.mark.parametrize("header", ["bytes=5-2", "items=0-10", "bytes=abc", "bytes=0-1,4-5"])
def test_unsatisfiable_syntax_serves_the_whole_object(
    raw: Raw, bucket: str, stored: dict[str, Any], header: str
) -> None:
    """HTTP says a Range header that cannot be parsed as one range is ignored (200, whole body)."""
    response = raw("GET", f"/{bucket}/{KEY}", headers={"Range": header})
    assert response.status_code == 200
    assert response.content == BODY
    assert "Content-Range" not in response.headers


def test_accept_ranges_is_bytes(s3: BaseClient, bucket: str, stored: dict[str, Any]) -> None:
    assert stored["AcceptRanges"] == "bytes"
    assert s3.get_object(Bucket=bucket, Key=KEY)["AcceptRanges"] == "bytes"


def _conditions(stored: dict[str, Any], spec: dict[str, str]) -> dict[str, Any]:
    """Turn a symbolic condition spec into GetObject/HeadObject parameters."""
    etag = stored["ETag"]
    modified = stored["LastModified"]
    values = {
        "etag": etag,
        "unquoted-etag": etag.strip('"'),
        "other-etag": '"0123456789abcdef0123456789abcdef"',
        "star": "*",
        "before": modified - timedelta(days=1),
        "at": modified,
        "after": modified + timedelta(days=1),
    }
    return {name: values[value] for name, value in spec.items()}


# (conditions, expected status): the AWS reference for GetObject and HeadObject.
CASES = [
    ({"IfMatch": "etag"}, 200),
    ({"IfMatch": "unquoted-etag"}, 200),
    ({"IfMatch": "star"}, 200),
    ({"IfMatch": "other-etag"}, 412),
    ({"IfNoneMatch": "etag"}, 304),
    ({"IfNoneMatch": "star"}, 304),
    ({"IfNoneMatch": "other-etag"}, 200),
    ({"IfModifiedSince": "before"}, 200),
    ({"IfModifiedSince": "at"}, 304),
    # a date in the future is ignored (AWS: LocalStack's obj-ignore-future-modified-since)
    ({"IfModifiedSince": "after"}, 200),
    ({"IfUnmodifiedSince": "before"}, 412),
    ({"IfUnmodifiedSince": "at"}, 200),
    ({"IfUnmodifiedSince": "after"}, 200),
    # If-Match true and If-Unmodified-Since false: 200 and the data.
    ({"IfMatch": "etag", "IfUnmodifiedSince": "before"}, 200),
    # If-None-Match false and If-Modified-Since true: 304.
    ({"IfNoneMatch": "etag", "IfModifiedSince": "before"}, 304),
    # If-None-Match true wins over If-Modified-Since false.
    ({"IfNoneMatch": "other-etag", "IfModifiedSince": "after"}, 200),
    # A failed If-Match is 412 whatever If-None-Match says.
    ({"IfMatch": "other-etag", "IfNoneMatch": "etag"}, 412),
    ({"IfMatch": "etag", "IfNoneMatch": "etag"}, 304),
    ({"IfUnmodifiedSince": "before", "IfModifiedSince": "before"}, 412),
]


@pytest.mark.parametrize(("spec", "status"), CASES, ids=[str(c[0]) for c in CASES])
@pytest.mark.parametrize("operation", ["get_object", "head_object"])
def test_conditional_read(
    s3: BaseClient,
    bucket: str,
    stored: dict[str, Any],
    spec: dict[str, str],
    status: int,
    operation: str,
) -> None:
    call = getattr(s3, operation)
    params = _conditions(stored, spec)
    if status == 200:
        response = call(Bucket=bucket, Key=KEY, **params)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        if operation == "get_object":
            assert response["Body"].read() == BODY
        return
    code = {304: "304", 412: "PreconditionFailed" if operation == "get_object" else "412"}
    with raises_client_error(code[status], status):
        call(Bucket=bucket, Key=KEY, **params)


def test_not_modified_has_etag_and_no_body(raw: Raw, bucket: str, stored: dict[str, Any]) -> None:
    response = raw("GET", f"/{bucket}/{KEY}", headers={"If-None-Match": stored["ETag"]})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == stored["ETag"]
    assert "Last-Modified" in response.headers


def test_precondition_failed_body_names_the_condition(
    raw: Raw, bucket: str, stored: dict[str, Any]
) -> None:
    response = raw("GET", f"/{bucket}/{KEY}", headers={"If-Match": '"nope"'})
    fields = assert_s3_error(response, "PreconditionFailed", 412)
    assert fields["Condition"] == "If-Match"


def test_if_modified_since_with_the_last_modified_header_is_not_modified(
    raw: Raw, bucket: str, stored: dict[str, Any]
) -> None:
    """A client that echoes the Last-Modified header it was given must get 304."""
    first = raw("GET", f"/{bucket}/{KEY}")
    again = raw(
        "GET", f"/{bucket}/{KEY}", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 304
    unmodified = raw(
        "GET", f"/{bucket}/{KEY}", headers={"If-Unmodified-Since": first.headers["Last-Modified"]}
    )
    assert unmodified.status_code == 200


def test_unparsable_dates_are_ignored(raw: Raw, bucket: str, stored: dict[str, Any]) -> None:
    for header in ("If-Modified-Since", "If-Unmodified-Since"):
        response = raw("GET", f"/{bucket}/{KEY}", headers={header: "not a date"})
        assert response.status_code == 200
        assert response.content == BODY


def test_conditions_are_checked_before_the_range(
    raw: Raw, bucket: str, stored: dict[str, Any]
) -> None:
    response = raw("GET", f"/{bucket}/{KEY}", headers={"Range": "bytes=0-1", "If-Match": '"nope"'})
    assert response.status_code == 412
    matched = raw(
        "GET", f"/{bucket}/{KEY}", headers={"Range": "bytes=0-1", "If-Match": stored["ETag"]}
    )
    assert matched.status_code == 206
    assert matched.content == BODY[:2]


def test_response_header_overrides(s3: BaseClient, bucket: str, stored: dict[str, Any]) -> None:
    expires = datetime(2031, 5, 6, 7, 8, 9)
    got = s3.get_object(
        Bucket=bucket,
        Key=KEY,
        ResponseContentType="application/x-custom",
        ResponseContentDisposition="inline",
        ResponseContentEncoding="identity",
        ResponseContentLanguage="fr",
        ResponseCacheControl="no-cache",
        ResponseExpires=expires,
    )
    assert got["ContentType"] == "application/x-custom"
    assert got["ContentDisposition"] == "inline"
    assert got["ContentEncoding"] == "identity"
    assert got["ContentLanguage"] == "fr"
    assert got["CacheControl"] == "no-cache"
    assert got["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Tue, 06 May 2031 07:08:09 GMT"
    assert got["Body"].read() == BODY
    plain = s3.get_object(Bucket=bucket, Key=KEY)
    assert plain["ContentType"] == "binary/octet-stream"
    assert "ContentDisposition" not in plain


def test_checksum_mode_returns_checksum_on_full_get_and_head(
    s3: BaseClient, bucket: str, stored: dict[str, Any]
) -> None:
    got = s3.get_object(Bucket=bucket, Key=KEY, ChecksumMode="ENABLED")
    assert got["Body"].read() == BODY
    head = s3.head_object(Bucket=bucket, Key=KEY, ChecksumMode="ENABLED")
    expected = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert got["ChecksumSHA256"] == expected
    assert head["ChecksumSHA256"] == expected
    assert head["ChecksumType"] == "FULL_OBJECT"


def test_checksum_headers_absent_without_checksum_mode(
    raw: Raw, bucket: str, stored: dict[str, Any]
) -> None:
    """Raw requests: boto3 itself sends ``x-amz-checksum-mode: ENABLED`` on every GetObject."""
    for method in ("GET", "HEAD"):
        response = raw(method, f"/{bucket}/{KEY}")
        assert response.status_code == 200
        assert not [n for n in response.headers if n.lower().startswith("x-amz-checksum-")]
        enabled = raw(method, f"/{bucket}/{KEY}", headers={"x-amz-checksum-mode": "ENABLED"})
        assert "x-amz-checksum-sha256" in enabled.headers


def test_checksum_headers_absent_on_range_get(
    s3: BaseClient, bucket: str, stored: dict[str, Any]
) -> None:
    got = s3.get_object(Bucket=bucket, Key=KEY, ChecksumMode="ENABLED", Range="bytes=0-9")
    assert got["Body"].read() == BODY[:10]
    headers = got["ResponseMetadata"]["HTTPHeaders"]
    assert not [name for name in headers if name.startswith("x-amz-checksum-")]


@pytest.mark.parametrize("span", ["bytes=0-", "bytes=0-5000", "bytes=-2000", "bytes=0-1023"])
def test_a_range_of_the_whole_object_carries_its_checksum(
    s3: BaseClient, bucket: str, stored: dict[str, Any], span: str
) -> None:
    """A 206 that sends every byte sends the object's checksum too (AWS: LocalStack's
    validated test_get_object_range, get-0-100 and get--15), so boto3 validates it."""
    got = s3.get_object(Bucket=bucket, Key=KEY, ChecksumMode="ENABLED", Range=span)
    assert got["Body"].read() == BODY
    assert got["ContentRange"] == f"bytes 0-{len(BODY) - 1}/{len(BODY)}"
    assert got["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert got["ChecksumType"] == "FULL_OBJECT"


def test_checksum_mode_is_read_in_any_case(raw: Raw, bucket: str, stored: dict[str, Any]) -> None:
    """AWS takes "enabled" as "ENABLED" (LocalStack's validated test_s3_get_object_checksum)."""
    for method in ("GET", "HEAD"):
        response = raw(method, f"/{bucket}/{KEY}", headers={"x-amz-checksum-mode": "enabled"})
        assert "x-amz-checksum-sha256" in response.headers
