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


def test_utf8_metadata_comes_back_as_latin1_header(raw: Raw, bucket: str) -> None:
    response = raw(
        "PUT",
        f"/{bucket}/meta",
        data=b"x",
        headers={"x-amz-meta-greeting": "Hello World\u00e9".encode()},
    )
    assert response.status_code == 200
    head = raw("HEAD", f"/{bucket}/meta")
    # requests/http.client decode header bytes as ISO-8859-1, as for AWS's answer.
    assert head.headers["x-amz-meta-greeting"] == "Hello World\u00e9"


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
