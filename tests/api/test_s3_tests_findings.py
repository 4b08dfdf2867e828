"""Behaviours ceph s3-tests probes that the other API tests did not pin."""

from __future__ import annotations

import base64
import hashlib

import pytest
from api_helpers import Raw, assert_s3_error, raises_client_error, unique_bucket_name
from botocore.client import BaseClient


@pytest.mark.parametrize("name", ["foo.-bar", "foo-.bar"])
def test_dash_next_to_dot_is_invalid_bucket_name(s3: BaseClient, name: str) -> None:
    with raises_client_error("InvalidBucketName", 400):
        s3.create_bucket(Bucket=name)


def test_aws_chunked_label_without_framing_is_kept(s3: BaseClient, bucket: str) -> None:
    """A plain body labelled ``aws-chunked`` is stored as sent, the label too: S3 drops the
    coding only when it decoded aws-chunked framing (Swift's s3api tests, written against
    AWS: a hex payload hash beside ``Content-Encoding: aws-chunked`` reads back with it;
    test_integrity.py has the framed case, whose label goes)."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"plain", ContentEncoding="gzip, aws-chunked")
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentEncoding"] == "gzip, aws-chunked"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"plain"


@pytest.mark.parametrize(
    ("sent", "returned"),
    [
        # S3 reads a REST header's bytes as ISO-8859-1 text and returns its UTF-8: "ö" sent as
        # UTF-8 comes back as =?UTF-8?B?w4PCtg==?= (minio#21282, probing S3)
        ("Hello World\u00e9".encode(), "=?UTF-8?B?SGVsbG8gV29ybGTDg8Kp?="),
        ("ö".encode(), "=?UTF-8?B?w4PCtg==?="),
        # a probe of S3 recorded in a public script: "ÄMÄZÕÑ S3" came back so
        ("ÄMÄZÕÑ S3".encode(), "=?UTF-8?B?w4PChE3Dg8KEWsODwpXDg8KRIFMz?="),
        ("plain ascii", "plain ascii"),
    ],
)
def test_non_ascii_metadata_comes_back_rfc_2047_encoded(
    raw: Raw, bucket: str, sent: bytes | str, returned: str
) -> None:
    """S3's UsingMetadata page: values with non-US-ASCII characters are returned "encoded
    as per RFC 2047 to make them mail-safe"; US-ASCII ones as they are. (Was: returned as
    ISO-8859-1 when they fitted, which S3 does not do.)"""
    response = raw("PUT", f"/{bucket}/meta", data=b"x", headers={"x-amz-meta-greeting": sent})
    assert response.status_code == 200
    for method in ("HEAD", "GET"):
        answer = raw(method, f"/{bucket}/meta")
        assert answer.headers["x-amz-meta-greeting"] == returned
        assert answer.headers["x-amz-meta-greeting"].isascii()


def test_preflight_without_origin_is_bad_request(raw: Raw, bucket: str) -> None:
    assert_s3_error(raw("OPTIONS", f"/{bucket}/k"), "BadRequest", 400)


def test_preflight_without_method_is_bad_request(raw: Raw, bucket: str) -> None:
    response = raw("OPTIONS", f"/{bucket}/k", headers={"Origin": "http://example.test"})
    assert_s3_error(response, "BadRequest", 400)


def test_preflight_to_bucket_without_cors_configuration_is_forbidden(raw: Raw, bucket: str) -> None:
    headers = {"Origin": "http://example.test", "Access-Control-Request-Method": "GET"}
    fields = assert_s3_error(
        raw("OPTIONS", f"/{bucket}/k", headers=headers), "AccessForbidden", 403
    )
    assert fields["Method"] == "GET"
    assert fields["ResourceType"] == "OBJECT"
    missing = raw("OPTIONS", f"/{unique_bucket_name()}/k", headers=headers)
    assert_s3_error(missing, "NoSuchBucket", 404)


def test_delete_objects_checks_each_entry_etag(s3: BaseClient, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="keep", Body=b"a")["ETag"]
    s3.put_object(Bucket=bucket, Key="go", Body=b"b")
    go_etag = s3.head_object(Bucket=bucket, Key="go")["ETag"]
    response = s3.delete_objects(
        Bucket=bucket,
        Delete={"Objects": [{"Key": "keep", "ETag": '"0000"'}, {"Key": "go", "ETag": go_etag}]},
    )
    assert [e["Code"] for e in response["Errors"]] == ["PreconditionFailed"]
    assert [d["Key"] for d in response["Deleted"]] == ["go"]
    assert s3.head_object(Bucket=bucket, Key="keep")["ETag"] == etag


def test_delete_objects_accepts_rfc822_timestamps_in_xml(raw: Raw, bucket: str) -> None:
    """Members the model marks rfc822 arrive in that form inside XML bodies."""
    body = (
        b"<Delete><Object><Key>k</Key>"
        b"<LastModifiedTime>Thu, 01 Jan 2015 00:00:00 GMT</LastModifiedTime></Object></Delete>"
    )
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    response = raw("POST", f"/{bucket}?delete", data=body, headers={"Content-MD5": md5})
    assert response.status_code == 200, response.text
