"""Object tags over a live server: Put/Get/DeleteObjectTagging on current and older versions,
``x-amz-tagging`` on writes, POST form ``tagging`` documents, and S3's tag rules.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
"""

from __future__ import annotations

import pytest
import requests
from api_helpers import Aws, raises_client_error
from auth_servers import Running
from botocore.client import BaseClient

ONE = [{"Key": "team", "Value": "data"}]

AWS_KEY = {"Key": "aws:prefixed", "Value": "Val1"}


def test_put_replaces_tags_and_delete_clears_them(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="old=1&older=2")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": ONE})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == ONE
    assert (
        s3.head_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"][
            "x-amz-tagging-count"
        ]
        == "1"
    )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"  # bytes untouched
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_tags_of_one_version_leave_the_others(s3: BaseClient, vbucket: str) -> None:
    first = s3.put_object(Bucket=vbucket, Key="k", Body=b"1")["VersionId"]
    second = s3.put_object(Bucket=vbucket, Key="k", Body=b"2")["VersionId"]
    answer = s3.put_object_tagging(
        Bucket=vbucket, Key="k", VersionId=first, Tagging={"TagSet": ONE}
    )
    assert answer["VersionId"] == first
    assert s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=first)["TagSet"] == ONE
    current = s3.get_object_tagging(Bucket=vbucket, Key="k")
    assert current["VersionId"] == second and current["TagSet"] == []
    versions = s3.list_object_versions(Bucket=vbucket)["Versions"]
    assert [v["VersionId"] for v in versions] == [second, first]  # order and ids unchanged
    deleted = s3.delete_object_tagging(Bucket=vbucket, Key="k", VersionId=first)
    assert deleted["VersionId"] == first
    assert s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=first)["TagSet"] == []


@pytest.mark.parametrize(
    "tags, code",
    [
        ([{"Key": f"k{i}", "Value": "v"} for i in range(11)], "BadRequest"),
        ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "InvalidTag"),
        ([{"Key": "aws:system", "Value": "1"}], "InvalidTag"),
        ([{"Key": "k" * 129, "Value": "1"}], "InvalidTag"),
        ([{"Key": "k", "Value": "v" * 257}], "InvalidTag"),
    ],
    ids=["eleven", "duplicate", "reserved-prefix", "long-key", "long-value"],
)
def test_bad_tag_sets_are_refused_and_keep_the_old_tags(
    s3: BaseClient, bucket: str, tags: list[dict[str, str]], code: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="keep=me")
    with raises_client_error(code, 400):
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": tags})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [
        {"Key": "keep", "Value": "me"}
    ]


def test_bad_tagging_header_stores_nothing(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("InvalidTag", 400) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="aws:reserved=1")
    # an object's words for it (LocalStack's validated put-object-tags-aws-prefixed)
    assert caught.value.response["Error"]["Message"] == "Your TagKey cannot be prefixed with aws:"
    with raises_client_error("InvalidTag", 400) as caught:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [AWS_KEY]})
    assert caught.value.response["Error"]["Message"] == "Your TagKey cannot be prefixed with aws:"
    with raises_client_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize("header", ["key1=val1&key1=val2", "key1=val1,key2=val2"])
def test_a_tagging_header_with_a_repeated_key_or_odd_characters_is_invalid_argument(
    s3: BaseClient, bucket: str, header: str
) -> None:
    """The header itself is refused (AWS: LocalStack's validated put-obj-duplicate-tagging
    and put-obj-wrong-format), not its tags."""
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging=header)
    error = caught.value.response["Error"]
    assert error["Message"].startswith("The header 'x-amz-tagging' shall be encoded as UTF-8")
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("x-amz-tagging", header)
    with raises_client_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="k")


def test_missing_object_and_version(s3: BaseClient, vbucket: str) -> None:
    with raises_client_error("NoSuchKey", 404):
        s3.put_object_tagging(Bucket=vbucket, Key="nope", Tagging={"TagSet": ONE})
    gone = s3.put_object(Bucket=vbucket, Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket=vbucket, Key="k", Body=b"2")
    s3.delete_object(Bucket=vbucket, Key="k", VersionId=gone)
    with raises_client_error("NoSuchVersion", 404):
        s3.put_object_tagging(Bucket=vbucket, Key="k", VersionId=gone, Tagging={"TagSet": ONE})
    with raises_client_error("InvalidArgument", 400):  # an id S3 never issued
        s3.put_object_tagging(Bucket=vbucket, Key="k", VersionId="A" * 32, Tagging={"TagSet": ONE})


def test_a_missing_key_is_named_with_its_bucket_by_get_object_tagging(
    s3: BaseClient, bucket: str
) -> None:
    """AWS's NoSuchKey from GetObjectTagging names ``bucket/key``; Put and Delete name the key
    (LocalStack's validated test_object_tagging_exc recorded all three)."""
    with raises_client_error("NoSuchKey", 404) as caught:
        s3.get_object_tagging(Bucket=bucket, Key="fake-key")
    assert caught.value.response["Error"]["Key"] == f"{bucket}/fake-key"
    for call in (
        lambda: s3.put_object_tagging(Bucket=bucket, Key="fake-key", Tagging={"TagSet": ONE}),
        lambda: s3.delete_object_tagging(Bucket=bucket, Key="fake-key"),
    ):
        with raises_client_error("NoSuchKey", 404) as caught:
            call()
        assert caught.value.response["Error"]["Key"] == "fake-key"


def test_post_form_tagging_document_becomes_tags(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    document = (
        "<Tagging><TagSet><Tag><Key>source</Key><Value>browser</Value></Tag>"
        "<Tag><Key>kind</Key><Value>photo</Value></Tag></TagSet></Tagging>"
    )
    alice = auth_server.client("alice", "alice-secret")
    presigned = alice.generate_presigned_post(
        alice_bucket, "posted", Fields={"tagging": document}, Conditions=[{"tagging": document}]
    )
    response = auth_http.post(
        presigned["url"], data=presigned["fields"], files={"file": ("f", b"data")}
    )
    assert response.status_code == 204, response.text
    tags = alice.get_object_tagging(Bucket=alice_bucket, Key="posted")["TagSet"]
    assert tags == [{"Key": "source", "Value": "browser"}, {"Key": "kind", "Value": "photo"}]


def test_cli_bucket_and_object_tagging(aws: Aws, s3: BaseClient, bucket: str) -> None:
    aws(
        "s3api", "put-bucket-tagging", "--bucket", bucket,
        "--tagging", "TagSet=[{Key=env,Value=test}]",
    )  # fmt: skip
    assert '"env"' in aws("s3api", "get-bucket-tagging", "--bucket", bucket).stdout
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    aws(
        "s3api", "put-object-tagging", "--bucket", bucket, "--key", "k",
        "--tagging", "TagSet=[{Key=stage,Value=one}]",
    )  # fmt: skip
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [
        {"Key": "stage", "Value": "one"}
    ]
    refused = aws("s3api", "get-bucket-tagging", "--bucket", "no-such-bkt-x", check=False)
    assert refused.returncode != 0 and "NoSuchBucket" in refused.stderr


def test_tags_of_a_key_whose_latest_is_a_delete_marker_are_405(
    s3: BaseClient, vbucket: str
) -> None:
    """S3 refuses the method on the marker, naming it (AWS: LocalStack's validated
    test_object_tagging_versioned, put-/get-/delete-object-tags-delete-marker-latest)."""
    s3.put_object(Bucket=vbucket, Key="t", Body=b"x")
    s3.delete_object(Bucket=vbucket, Key="t")
    calls = {
        "PUT": lambda: s3.put_object_tagging(Bucket=vbucket, Key="t", Tagging={"TagSet": ONE}),
        "GET": lambda: s3.get_object_tagging(Bucket=vbucket, Key="t"),
        "DELETE": lambda: s3.delete_object_tagging(Bucket=vbucket, Key="t"),
    }
    for method, call in calls.items():
        with raises_client_error("MethodNotAllowed", 405) as caught:
            call()
        error = caught.value.response["Error"]
        assert (error["Method"], error["ResourceType"]) == (method, "DeleteMarker")
    with raises_client_error("NoSuchKey", 404):  # a key that never was: as before
        s3.get_object_tagging(Bucket=vbucket, Key="never")
