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

import botocore.loaders
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
        "account-regional-suffix-an",  # only account regional namespace names end in -an
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


def _botocore_regions() -> list[str]:
    endpoints = botocore.loaders.create_loader().load_data("endpoints")
    return sorted({name for part in endpoints["partitions"] for name in part["regions"]})


def test_botocore_knows_every_partition() -> None:
    regions = _botocore_regions()
    for region in ("cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-west-1"):
        assert region in regions


@pytest.mark.parametrize("region", [r for r in _botocore_regions() if r != "us-east-1"])
def test_every_botocore_region_is_a_location_constraint(
    s3: BaseClient, new_name: str, region: str
) -> None:
    """Each region of every partition in botocore's endpoints data (aws, aws-cn, aws-us-gov,
    aws-iso, aws-iso-b, ...) is a LocationConstraint the us-east-1 endpoint accepts."""
    s3.create_bucket(Bucket=new_name, CreateBucketConfiguration={"LocationConstraint": region})
    assert s3.get_bucket_location(Bucket=new_name)["LocationConstraint"] == region
    assert s3.head_bucket(Bucket=new_name)["BucketRegion"] == region


def _create_at(raw: Raw, host: str, name: str, constraint: str | None) -> object:
    body = None
    if constraint is not None:
        body = (
            '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<LocationConstraint>{constraint}</LocationConstraint></CreateBucketConfiguration>"
        )
    return raw("PUT", f"/{name}", headers={"Host": host}, data=body)


@pytest.mark.parametrize(
    ("endpoint_region", "constraint"),
    [
        ("eu-west-2", None),
        ("eu-west-2", "eu-west-1"),
        ("eu-west-2", "us-east-1"),
        ("eu-west-2", "EU"),
        ("eu-west-2", "mars-north-1"),  # not a region, but a regional endpoint says Illegal
        ("ap-southeast-2", "ap-southeast-1"),
    ],
)
def test_regional_endpoints_refuse_other_constraints_as_illegal(
    raw: Raw, new_name: str, endpoint_region: str, constraint: str | None
) -> None:
    """A regional endpoint creates buckets only in its own region; anything else, a region
    name or not, is IllegalLocationConstraintException naming the constraint as sent
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html; LocalStack's
    AWS-validated validate_location_constraint draws the same line)."""
    host = f"s3.{endpoint_region}.amazonaws.com"
    response = _create_at(raw, host, new_name, constraint)
    fields = assert_s3_error(response, "IllegalLocationConstraintException", 400)
    named = "unspecified" if constraint is None else constraint
    assert fields["Message"] == (
        f"The {named} location constraint is incompatible for the region specific endpoint "
        "this request was sent to."
    )
    assert raw("HEAD", f"/{new_name}").status_code == 404


def test_regional_endpoints_accept_their_own_region(raw: Raw, s3: BaseClient) -> None:
    own = unique_bucket_name("own")
    eu = unique_bucket_name("eu")
    try:
        assert _create_at(raw, "s3.eu-west-2.amazonaws.com", own, "eu-west-2").status_code == 200
        assert s3.get_bucket_location(Bucket=own)["LocationConstraint"] == "eu-west-2"
        assert _create_at(raw, "s3.eu-west-1.amazonaws.com", eu, "EU").status_code == 200
        assert s3.get_bucket_location(Bucket=eu)["LocationConstraint"] == "eu-west-1"
    finally:
        _delete_quietly(s3, own)
        _delete_quietly(s3, eu)


def test_us_east_1_endpoint_says_invalid_for_a_non_region(raw: Raw, new_name: str) -> None:
    response = _create_at(raw, "s3.amazonaws.com", new_name, "mars-north-1")
    fields = assert_s3_error(response, "InvalidLocationConstraint", 400)
    assert fields["Message"] == "The specified location-constraint is not valid"
    assert fields["LocationConstraint"] == "mars-north-1"


def test_list_buckets_region_only_with_a_parameter(
    s3: BaseClient, three_buckets: tuple[str, list[str]]
) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_Bucket.html: BucketRegion "If the
    request contains at least one valid parameter, it is included in the response"; BucketArn
    is "only supported for S3 directory buckets"."""
    prefix, names = three_buckets
    plain = [b for b in s3.list_buckets()["Buckets"] if b["Name"] in names]
    assert len(plain) == 3 and all(set(b) == {"Name", "CreationDate"} for b in plain)
    for kwargs in ({"Prefix": prefix}, {"MaxBuckets": 10000}, {"BucketRegion": "us-east-1"}):
        listed = [b for b in s3.list_buckets(**kwargs)["Buckets"] if b["Name"] in names]
        assert [b["BucketRegion"] for b in listed] == ["us-east-1"] * 3, kwargs
        assert all("BucketArn" not in b for b in listed)


def test_list_buckets_empty_continuation_token_starts_at_the_beginning(
    s3: BaseClient, three_buckets: tuple[str, list[str]]
) -> None:
    """AWS reads an empty continuation-token as no token (LocalStack's AWS-validated
    test_list_buckets_when_continuation_token_is_empty)."""
    prefix, names = three_buckets
    page = s3.list_buckets(Prefix=prefix, MaxBuckets=2, ContinuationToken="")
    assert [b["Name"] for b in page["Buckets"]] == names[:2]
    assert page["ContinuationToken"]
    with raises_client_error("InvalidArgument", 400):
        s3.list_buckets(Prefix=prefix, ContinuationToken="!!not a token!!")


def test_general_purpose_buckets_carry_no_bucket_arn(s3: BaseClient, new_name: str) -> None:
    """BucketArn (x-amz-bucket-arn) is for directory buckets only, per the API reference of
    CreateBucket and HeadBucket."""
    created = s3.create_bucket(Bucket=new_name)
    head = s3.head_bucket(Bucket=new_name)
    for response in (created, head):
        assert "BucketArn" not in response
        assert "x-amz-bucket-arn" not in response["ResponseMetadata"]["HTTPHeaders"]


def test_list_buckets_by_an_unknown_region_is_invalid_argument(s3: BaseClient, raw: Raw) -> None:
    """The answer LocalStack's AWS-validated test_list_buckets_region_validation pins."""
    with raises_client_error("InvalidArgument", 400) as info:
        s3.list_buckets(BucketRegion="mars-north-1")
    assert info.value.response["Error"]["Message"] == (
        "Argument value mars-north-1 is not a valid AWS Region"
    )
    fields = assert_s3_error(raw("GET", "/", params={"bucket-region": "x"}), "InvalidArgument", 400)
    assert fields["ArgumentName"] == "bucket-region"
    assert s3.list_buckets(BucketRegion="us-isob-east-1")["Buckets"] == []


@pytest.mark.parametrize(
    "body",
    [
        b'<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
        b"",
    ],
    ids=["empty-configuration", "no-body"],
)
def test_an_empty_create_bucket_configuration_is_no_constraint(
    raw: Raw, s3: BaseClient, body: bytes
) -> None:
    """Since the configuration gained optional members (S3 Express's ``Location`` and
    ``Bucket``, ``Tags``), an empty one is no constraint: us-east-1 from that endpoint, the
    "unspecified" IllegalLocationConstraintException from a regional one (moto's
    test_bucket_create_empty_location_constraint_*, verified against AWS). Was
    MalformedXML."""
    name = unique_bucket_name("empty-config")
    assert raw("PUT", f"/{name}", data=body).status_code == 200
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    s3.delete_bucket(Bucket=name)
    response = raw("PUT", f"/{name}", headers={"Host": "s3.us-east-2.amazonaws.com"}, data=body)
    fields = assert_s3_error(response, "IllegalLocationConstraintException", 400)
    assert fields["Message"] == (
        "The unspecified location constraint is incompatible for the region specific endpoint "
        "this request was sent to."
    )
    with raises_client_error("404", 404):
        s3.head_bucket(Bucket=name)


def test_an_unknown_object_ownership_at_creation_is_invalid_argument(raw: Raw) -> None:
    """In AWS's words, naming the value in the message (LocalStack's validated
    ownership-wrong-value-at-creation); no bucket is made."""
    name = unique_bucket_name("ownership")
    response = raw("PUT", f"/{name}", headers={"x-amz-object-ownership": "RandomValue"})
    fields = assert_s3_error(response, "InvalidArgument", 400)
    assert fields["Message"] == "Invalid x-amz-object-ownership header: RandomValue"
    assert fields["ArgumentName"] == "x-amz-object-ownership" and "ArgumentValue" not in fields
    assert raw("HEAD", f"/{name}").status_code == 404
