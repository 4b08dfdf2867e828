"""Bucket tagging over a live server: Put/Get/DeleteBucketTagging and S3's tag rules.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
"""

from __future__ import annotations

import pytest
from api_helpers import raises_client_error
from botocore.client import BaseClient


def test_tags_round_trip_and_delete(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)
    tags = [{"Key": "team", "Value": "data"}, {"Key": "cost centre", "Value": "ünï 42"}]
    answer = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204  # as S3 answers
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    s3.delete_bucket_tagging(Bucket=bucket)
    with raises_client_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)


def test_an_empty_tag_set_deletes_the_tags(s3: BaseClient, bucket: str) -> None:
    """AWS: "setting an empty tag set is the same as effectively deleting the TagSet"
    (LocalStack's validated test_bucket_tagging_crud)."""
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    answer = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_client_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)


def test_an_invalid_value_is_named_in_the_error(s3: BaseClient, bucket: str) -> None:
    """AWS names the key and the value (LocalStack's validated put-bucket-tags-invalid-value)."""
    with raises_client_error("InvalidTag", 400) as caught:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "K", "Value": "a,b"}]})
    error = caught.value.response["Error"]
    assert (error["TagKey"], error["TagValue"]) == ("K", "a,b")


@pytest.mark.parametrize(
    "tags, message",
    [
        ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "multiple Tags"),
        ([{"Key": "aws:owner", "Value": "x"}], "System tags"),
        ([{"Key": "k" * 129, "Value": "x"}], "too long"),
        ([{"Key": "k", "Value": "v" * 257}], "too long"),
        ([{"Key": "bad<key>", "Value": "x"}], "invalid"),
        # spaces are Unicode's separators, not the white-space controls (were accepted)
        ([{"Key": "tab\tkey", "Value": "x"}], "TagKey you have provided is invalid"),
        ([{"Key": "k", "Value": "line\nbreak"}], "TagValue you have provided is invalid"),
        ([{"Key": "k", "Value": "cr\r"}], "TagValue you have provided is invalid"),
        ([{"Key": f"k{i}", "Value": "v"} for i in range(51)], "cannot be greater than 50"),
    ],
)
def test_bad_tags_are_invalid_tag_and_keep_the_old_set(
    s3: BaseClient, bucket: str, tags: list[dict[str, str]], message: str
) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "keep", "Value": "me"}]})
    with raises_client_error("InvalidTag", 400) as caught:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert message in caught.value.response["Error"]["Message"]
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "keep", "Value": "me"}]


def test_spaces_of_any_script_are_tag_text(s3: BaseClient, bucket: str) -> None:
    tags = [{"Key": "a b\u00a0c\u2003d", "Value": "ключ значение"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags


def test_missing_bucket_is_no_such_bucket(s3: BaseClient) -> None:
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_tagging(Bucket="no-such-bucket-for-tags")
    with raises_client_error("NoSuchBucket", 404):
        s3.put_bucket_tagging(Bucket="no-such-bucket-for-tags", Tagging={"TagSet": []})


def test_tags_given_at_creation_are_the_bucket_s(s3: BaseClient, bucket: str) -> None:
    """CreateBucketConfiguration's Tags: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html"""
    name = bucket + "-tagged"
    tags = [{"Key": "team", "Value": "data"}]
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": tags})
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == tags
    s3.delete_bucket(Bucket=name)
    # no tags given: no tag set (AWS: LocalStack's validated test_create_bucket_with_empty_tags)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": []})
    with raises_client_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=name)
    s3.delete_bucket(Bucket=name)


def test_recreating_with_tags_is_refused_in_us_east_1(s3: BaseClient, bucket: str) -> None:
    """us-east-1 answers 200 to re-creating one's own bucket, but not with tags, the same or
    others (LocalStack's validated test_create_bucket_with_tags_us_east_1_idempotency); the
    tags stay as they were, and a re-creation with none (or ``Tags: []``) is still 200."""
    name = bucket + "-again"
    first = [{"Key": "tag1", "Value": "value1"}]
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": first})
    for tags in ([{"Key": "tag2", "Value": "value2"}], first):
        with raises_client_error("BucketAlreadyOwnedByYou", 409):
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": tags})
    s3.create_bucket(Bucket=name)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": []})
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == first
    s3.delete_bucket(Bucket=name)


@pytest.mark.parametrize(
    "tags",
    [
        [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
        [{"Key": "aws:owner", "Value": "x"}],
    ],
)
def test_bad_tags_at_creation_create_no_bucket(
    s3: BaseClient, bucket: str, tags: list[dict[str, str]]
) -> None:
    name = bucket + "-badtags"
    with raises_client_error("InvalidTag", 400):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": tags})
    with raises_client_error("404", 404):
        s3.head_bucket(Bucket=name)


def test_directory_bucket_configuration_is_not_implemented(s3: BaseClient, bucket: str) -> None:
    name = bucket + "-dir"
    location = {"Type": "AvailabilityZone", "Name": "use1-az4"}
    with raises_client_error("NotImplemented", 501):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Location": location})
    with raises_client_error("404", 404):
        s3.head_bucket(Bucket=name)
