"""Bucket operations against the live server, checked against the S3 API reference.

- Naming: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
- CreateBucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
- HeadBucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
- DeleteBucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
- GetBucketLocation: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
- ListBuckets: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from api_helpers import Raw, assert_s3_error, raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError


@pytest.fixture
def new_name(s3: BaseClient) -> Iterator[str]:
    """A bucket name nobody uses yet; the bucket is deleted afterwards if a test made it."""
    name = unique_bucket_name("new")
    yield name
    try:
        s3.delete_bucket(Bucket=name)
    except ClientError:
        pass


def _delete_quietly(s3: BaseClient, name: str) -> None:
    try:
        s3.delete_bucket(Bucket=name)
    except ClientError:
        pass


@pytest.mark.parametrize(
    "name",
    [
        "abc",  # the shortest allowed, 3 characters
        "a" * 63,  # the longest allowed
        "my.dotted.bucket",
        "0-starts-with-a-digit-9",
        "with-hyphen",
        "a.b-c.d",
        "xn-single-hyphen-is-fine",
    ],
)
def test_valid_bucket_names_are_accepted(s3: BaseClient, name: str) -> None:
    suffixed = name if len(name) >= 63 or name == "abc" else f"{name}-{uuid.uuid4().hex[:8]}"
    _delete_quietly(s3, suffixed)
    try:
        response = s3.create_bucket(Bucket=suffixed)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        s3.head_bucket(Bucket=suffixed)
    finally:
        _delete_quietly(s3, suffixed)


@pytest.mark.parametrize(
    "name",
    [
        "ab",  # 2 characters: too short
        "a" * 64,  # 64 characters: too long
        "UpperCase",
        "under_score",
        "192.168.5.4",  # formatted like an IP address
        "double..dot",
        "-leading-hyphen",
        "trailing-hyphen-",
        ".leading-dot",
        "trailing-dot.",
        "xn--reserved-prefix",
        "sthree-reserved-prefix",
        "reserved-suffix-s3alias",
        "reserved-suffix--ol-s3",
    ],
)
def test_invalid_bucket_names_are_refused(s3: BaseClient, name: str) -> None:
    with raises_client_error("InvalidBucketName", 400):
        s3.create_bucket(Bucket=name)
    with raises_client_error("404", 404):
        s3.head_bucket(Bucket=name)


def test_create_bucket_without_location_is_us_east_1(s3: BaseClient, new_name: str) -> None:
    response = s3.create_bucket(Bucket=new_name)
    assert response["Location"] == f"/{new_name}"
    # GetBucketLocation answers an empty LocationConstraint for us-east-1.
    assert s3.get_bucket_location(Bucket=new_name)["LocationConstraint"] is None
    head = s3.head_bucket(Bucket=new_name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    assert head["BucketRegion"] == "us-east-1"


def test_explicit_us_east_1_location_constraint_is_invalid(s3: BaseClient, new_name: str) -> None:
    with raises_client_error("InvalidLocationConstraint", 400):
        s3.create_bucket(
            Bucket=new_name, CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        )
    with raises_client_error("404", 404):
        s3.head_bucket(Bucket=new_name)


@pytest.mark.parametrize("region", ["eu-west-2", "ap-southeast-2", "us-west-2"])
def test_other_region_is_accepted_on_the_us_east_1_endpoint(
    s3: BaseClient, new_name: str, region: str
) -> None:
    s3.create_bucket(Bucket=new_name, CreateBucketConfiguration={"LocationConstraint": region})
    assert s3.get_bucket_location(Bucket=new_name)["LocationConstraint"] == region
    head = s3.head_bucket(Bucket=new_name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == region


@pytest.mark.parametrize("region", ["mars-north-1", "not a region", "us-east-9"])
def test_unknown_location_constraint_is_invalid(s3: BaseClient, new_name: str, region: str) -> None:
    with raises_client_error("InvalidLocationConstraint", 400):
        s3.create_bucket(Bucket=new_name, CreateBucketConfiguration={"LocationConstraint": region})


def test_recreating_own_bucket_in_us_east_1_succeeds(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="kept", Body=b"still here")
    response = s3.create_bucket(Bucket=bucket)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"still here"


def test_recreating_own_bucket_in_another_region_is_already_owned(
    s3: BaseClient, new_name: str
) -> None:
    config = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket=new_name, CreateBucketConfiguration=config)
    with raises_client_error("BucketAlreadyOwnedByYou", 409):
        s3.create_bucket(Bucket=new_name, CreateBucketConfiguration=config)


def test_head_bucket_missing_is_404_without_body(raw: Raw, new_name: str) -> None:
    response = raw("HEAD", f"/{new_name}")
    assert response.status_code == 404
    assert response.content == b""


def test_delete_bucket_returns_204_and_bucket_is_gone(s3: BaseClient, new_name: str) -> None:
    s3.create_bucket(Bucket=new_name)
    response = s3.delete_bucket(Bucket=new_name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_client_error("404", 404):
        s3.head_bucket(Bucket=new_name)
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert new_name not in names


def test_delete_non_empty_bucket_is_bucket_not_empty(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="x", Body=b"x")
    with raises_client_error("BucketNotEmpty", 409) as info:
        s3.delete_bucket(Bucket=bucket)
    assert info.value.response["Error"]["BucketName"] == bucket
    s3.head_bucket(Bucket=bucket)


def test_delete_missing_bucket_is_no_such_bucket(raw: Raw, new_name: str) -> None:
    fields = assert_s3_error(raw("DELETE", f"/{new_name}"), "NoSuchBucket", 404)
    assert fields["BucketName"] == new_name


@pytest.mark.parametrize(
    "call",
    [
        lambda s3, b: s3.get_bucket_location(Bucket=b),
        lambda s3, b: s3.list_objects_v2(Bucket=b),
        lambda s3, b: s3.list_objects(Bucket=b),
        lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x"),
        lambda s3, b: s3.get_object(Bucket=b, Key="k"),
    ],
    ids=["location", "list-v2", "list-v1", "put", "get"],
)
def test_operations_on_missing_bucket_are_no_such_bucket(
    s3: BaseClient, new_name: str, call: Callable[[BaseClient, str], object]
) -> None:
    with raises_client_error("NoSuchBucket", 404):
        call(s3, new_name)


@pytest.fixture
def three_buckets(s3: BaseClient) -> Iterator[tuple[str, list[str]]]:
    prefix = f"lb-{uuid.uuid4().hex[:10]}-"
    names = [prefix + suffix for suffix in ("c", "a", "b")]
    for name in names:
        s3.create_bucket(Bucket=name)
    yield prefix, sorted(names)
    for name in names:
        _delete_quietly(s3, name)


def test_list_buckets_by_prefix(s3: BaseClient, three_buckets: tuple[str, list[str]]) -> None:
    prefix, names = three_buckets
    response = s3.list_buckets(Prefix=prefix)
    assert [b["Name"] for b in response["Buckets"]] == names
    assert response["Prefix"] == prefix
    assert all("CreationDate" in b for b in response["Buckets"])
    assert "ContinuationToken" not in response
    everything = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert everything == sorted(everything)
    assert set(names) <= set(everything)


def test_list_buckets_pages_with_max_buckets(
    s3: BaseClient, three_buckets: tuple[str, list[str]]
) -> None:
    prefix, names = three_buckets
    first = s3.list_buckets(Prefix=prefix, MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == names[:2]
    token = first["ContinuationToken"]
    second = s3.list_buckets(Prefix=prefix, MaxBuckets=2, ContinuationToken=token)
    assert [b["Name"] for b in second["Buckets"]] == names[2:]
    assert "ContinuationToken" not in second
    paginated = [
        b["Name"]
        for page in s3.get_paginator("list_buckets").paginate(
            Prefix=prefix, PaginationConfig={"PageSize": 1}
        )
        for b in page["Buckets"]
    ]
    assert paginated == names


def test_new_bucket_has_never_been_versioned(s3: BaseClient, bucket: str) -> None:
    response = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in response
    assert "MFADelete" not in response
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_versioning(Bucket="no-such-bucket-here")
