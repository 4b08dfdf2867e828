"""Headers every S3 response carries, and the few S3 adds to bodiless answers.

- https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html: every
  response has ``x-amz-request-id`` and ``x-amz-id-2`` (``Date``, ``Server``). It lists no
  ``x-amzn-RequestId``: that is the JSON services' header, which S3 does not send, so fakes3
  does not send it either (moto's S3 answers carry it; botocore reads x-amz-request-id).
- HeadBucket says ``Content-Type: application/xml`` though it has no body, and PutObject says
  none (moto's AWS-verified tests/test_s3/test_s3_response_headers.py).
- Object listings say ``x-amz-bucket-region`` (LocalStack's AWS-validated
  test_region_header_exists).
"""

from __future__ import annotations

from typing import Any

import requests
from api_helpers import Raw, unique_bucket_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError


def _common(headers: Any) -> None:
    assert len(headers["x-amz-request-id"]) == 16
    assert headers["x-amz-id-2"]
    assert headers["server"] == "AmazonS3"
    assert headers["date"].endswith(" GMT")
    assert "x-amzn-requestid" not in {name.lower() for name in headers}


def test_every_response_carries_request_id_and_host_id(
    s3: BaseClient, raw: Raw, bucket: str
) -> None:
    answers: list[dict[str, Any]] = [
        s3.put_object(Bucket=bucket, Key="k", Body=b"x"),
        s3.get_object(Bucket=bucket, Key="k"),
        s3.head_object(Bucket=bucket, Key="k"),
        s3.list_objects_v2(Bucket=bucket),
        s3.delete_object(Bucket=bucket, Key="k"),  # 204
    ]
    for failing in (
        lambda: s3.get_object(Bucket=bucket, Key="missing"),
        lambda: s3.head_object(Bucket=bucket, Key="missing"),  # an error without a body
    ):
        try:
            failing()
        except ClientError as error:
            answers.append(error.response)
    assert len(answers) == 7
    ids = set()
    for answer in answers:
        meta = answer["ResponseMetadata"]
        _common(meta["HTTPHeaders"])
        assert meta["RequestId"] == meta["HTTPHeaders"]["x-amz-request-id"]
        assert meta["HostId"] == meta["HTTPHeaders"]["x-amz-id-2"]
        ids.add(meta["RequestId"])
    assert len(ids) == 7  # one id per request
    response: requests.Response = raw("GET", "/")
    _common(response.headers)


def test_head_bucket_says_xml_and_put_object_says_nothing(s3: BaseClient, bucket: str) -> None:
    head = s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPHeaders"]
    assert head["content-type"] == "application/xml"
    assert head["content-length"] == "0"
    put = s3.put_object(Bucket=bucket, Key="key", Body=b"data")["ResponseMetadata"]
    assert "content-type" not in put["HTTPHeaders"]
    listed = s3.list_object_versions(Bucket=bucket)["ResponseMetadata"]["HTTPHeaders"]
    assert listed["content-type"] == "application/xml"
    got = s3.get_object(Bucket=bucket, Key="key")["ResponseMetadata"]["HTTPHeaders"]
    assert got["content-type"] == "binary/octet-stream"


def test_object_listings_name_the_bucket_region(s3: BaseClient, raw: Raw) -> None:
    """LocalStack's AWS-validated test_region_header_exists: ListObjectsV2 answers carry
    ``x-amz-bucket-region`` as HeadBucket's do."""
    name = unique_bucket_name("regional")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        for answer in (s3.list_objects_v2(Bucket=name), s3.list_objects(Bucket=name)):
            assert answer["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"
        head = s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPHeaders"]
        assert head["x-amz-bucket-region"] == "eu-west-1"
    finally:
        s3.delete_bucket(Bucket=name)
