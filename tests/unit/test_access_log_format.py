"""The access log line formatter: S3's fields, order, quoting and ``-`` for the unknown.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
"""

from __future__ import annotations

import dataclasses
import locale
from collections.abc import Iterator

import pytest

from fakes3.access_log_format import (
    FIELDS,
    Record,
    format_keyed,
    format_record,
    log_time,
    operation_name,
    parse_line,
)

OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
# 2019-02-06T00:00:38Z, the time of the examples in S3's documentation.
WHEN = 1549411238.0


def _record(**changes: object) -> Record:
    base = Record(
        bucket_owner=OWNER,
        bucket="amzn-s3-demo-bucket1",
        time=WHEN,
        remote_ip="192.0.2.3",
        requester=OWNER,
        request_id="3E57427F3EXAMPLE",
        operation="REST.GET.VERSIONING",
        key=None,
        request_uri="GET /amzn-s3-demo-bucket1?versioning HTTP/1.1",
        http_status=200,
        error_code=None,
        bytes_sent=113,
        object_size=None,
        total_time=7,
        turn_around_time=None,
        referrer=None,
        user_agent="S3Console/0.4",
        version_id=None,
        host_id="s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=",
        signature_version="SigV4",
        cipher_suite="ECDHE-RSA-AES128-GCM-SHA256",
        authentication_type="AuthHeader",
        host_header="amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com",
        tls_version="TLSV1.2",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_the_documented_example_line() -> None:
    assert format_record(_record()) == (
        f"{OWNER} amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 {OWNER} "
        '3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" '
        '200 - 113 - 7 - "-" "S3Console/0.4" - '
        "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= "
        "SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
        "amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 - - -"
    )


def test_every_field_is_written_in_order() -> None:
    assert FIELDS[:3] == ("bucket_owner", "bucket", "time")
    assert FIELDS[-4:] == ("tls_version", "access_point_arn", "acl_required", "source_region")
    assert len(FIELDS) == 27
    parsed = parse_line(format_record(_record(acl_required="Yes")))
    assert list(parsed) == list(FIELDS)
    assert parsed["acl_required"] == "Yes"


def test_empty_values_are_dashes_and_zero_bytes_sent_too() -> None:
    record = _record(
        requester=None,
        bytes_sent=0,
        user_agent="",
        signature_version=None,
        authentication_type=None,
        request_uri=None,
    )
    parsed = parse_line(format_record(record))
    assert parsed["requester"] == "-"
    assert parsed["bytes_sent"] == "-"
    assert parsed["user_agent"] == "-"
    assert parsed["request_uri"] == "-"
    assert (parsed["signature_version"], parsed["authentication_type"]) == ("-", "-")
    assert parsed["total_time"] == "7"
    assert parsed["http_status"] == "200"


def test_keys_are_url_encoded_and_quoted_fields_escaped() -> None:
    record = _record(
        operation="REST.GET.OBJECT",
        key="photos/2019/a b+ü.jpg",
        user_agent='agent "quoted" \\ slash',
        object_size=4406583,
    )
    line = format_record(record)
    assert " REST.GET.OBJECT photos/2019/a%20b%2B%C3%BC.jpg " in line
    assert '"agent \\"quoted\\" \\\\ slash"' in line
    parsed = parse_line(line)
    assert parsed["user_agent"] == 'agent "quoted" \\ slash'
    assert parsed["object_size"] == "4406583"
    assert len(line.split("\n")) == 1


@pytest.fixture
def foreign_locale() -> Iterator[None]:
    saved = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "C"):
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    yield
    locale.setlocale(locale.LC_TIME, saved)


def test_time_is_english_utc_whatever_the_locale(foreign_locale: None) -> None:
    assert log_time(WHEN) == "[06/Feb/2019:00:00:38 +0000]"
    assert log_time(1767225599.9) == "[31/Dec/2025:23:59:59 +0000]"


@pytest.mark.parametrize(
    "method, operation, has_key, query, expected",
    [
        ("GET", "GetObject", True, {}, "REST.GET.OBJECT"),
        ("PUT", "PutObject", True, {}, "REST.PUT.OBJECT"),
        ("HEAD", "HeadObject", True, {}, "REST.HEAD.OBJECT"),
        ("DELETE", "DeleteObject", True, {}, "REST.DELETE.OBJECT"),
        ("GET", "ListObjectsV2", False, {"list-type": "2"}, "REST.GET.BUCKET"),
        ("GET", "ListObjectVersions", False, {"versions": ""}, "REST.GET.BUCKETVERSIONS"),
        ("GET", "GetBucketVersioning", False, {"versioning": ""}, "REST.GET.VERSIONING"),
        ("GET", "GetBucketLogging", False, {"logging": ""}, "REST.GET.LOGGING_STATUS"),
        ("GET", "GetBucketPolicy", False, {"policy": ""}, "REST.GET.BUCKETPOLICY"),
        ("PUT", "PutBucketTagging", False, {"tagging": ""}, "REST.PUT.TAGGING"),
        ("PUT", "PutObjectTagging", True, {"tagging": ""}, "REST.PUT.OBJECT_TAGGING"),
        ("GET", "GetObjectAcl", True, {"acl": ""}, "REST.GET.ACL"),
        ("POST", "DeleteObjects", False, {"delete": ""}, "REST.POST.MULTI_OBJECT_DELETE"),
        ("POST", "CreateMultipartUpload", True, {"uploads": ""}, "REST.POST.UPLOADS"),
        ("PUT", "UploadPart", True, {"partNumber": "1"}, "REST.PUT.PART"),
        ("POST", "CompleteMultipartUpload", True, {"uploadId": "u"}, "REST.POST.UPLOAD"),
        ("PUT", "CopyObject", True, {}, "REST.COPY.OBJECT"),
        ("PUT", "CreateBucket", False, {}, "REST.PUT.BUCKET"),
        ("HEAD", "HeadBucket", False, {}, "REST.HEAD.BUCKET"),
        ("OPTIONS", None, True, {}, "REST.OPTIONS.PREFLIGHT"),
        ("POST", None, False, {}, "REST.POST.OBJECT"),
    ],
)
def test_operation_names(
    method: str, operation: str | None, has_key: bool, query: dict[str, str], expected: str
) -> None:
    assert operation_name(method, operation, has_key, query) == expected


def test_keyed_lines_are_the_records_with_each_key() -> None:
    """DeleteObjects' BATCH.DELETE.OBJECT lines, formatted once and re-keyed, are exactly the
    lines of a record per key (keys that need URL-encoding, versions or none)."""
    keys = [
        ("plain/key.txt", None),
        ("sp ace+plus&amp/é", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
        ("~tilde_-.", "null"),
        ("\r\n%", None),
    ]
    base = _record(operation="BATCH.DELETE.OBJECT", request_uri=None, http_status=204)
    expected = [format_record(dataclasses.replace(base, key=k, version_id=v)) for k, v in keys]
    assert format_keyed(base, keys) == expected
    assert format_keyed(base, []) == []
