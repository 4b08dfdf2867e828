"""CopyObject: directives, copy-source conditions, encoded sources and the copy-onto-itself rule.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from api_helpers import (
    Raw,
    assert_s3_error,
    etag_of,
    find_text,
    raises_client_error,
    unique_bucket_name,
    xml_root,
)
from botocore.client import BaseClient

BODY = b"copy me please"
SRC = "source object"


@pytest.fixture
def source(s3: BaseClient, bucket: str) -> dict[str, Any]:
    s3.put_object(
        Bucket=bucket,
        Key=SRC,
        Body=BODY,
        ContentType="text/plain",
        ContentLanguage="de",
        CacheControl="no-store",
        Metadata={"origin": "source", "shared": "1"},
        Tagging="a=1&b=2",
    )
    return s3.head_object(Bucket=bucket, Key=SRC)


def test_copy_default_directive_copies_metadata_and_tags(
    s3: BaseClient, bucket: str, source: dict[str, Any]
) -> None:
    result = s3.copy_object(
        Bucket=bucket,
        Key="dest",
        CopySource={"Bucket": bucket, "Key": SRC},
        Metadata={"ignored": "yes"},  # ignored without REPLACE
        ContentType="application/ignored",
    )
    assert result["CopyObjectResult"]["ETag"] == etag_of(BODY)
    assert "LastModified" in result["CopyObjectResult"]
    got = s3.get_object(Bucket=bucket, Key="dest")
    assert got["Body"].read() == BODY
    assert got["Metadata"] == {"origin": "source", "shared": "1"}
    assert got["ContentType"] == "text/plain"
    assert got["ContentLanguage"] == "de"
    assert got["CacheControl"] == "no-store"
    assert got["TagCount"] == 2


def test_copy_replace_directive_takes_request_metadata(
    s3: BaseClient, bucket: str, source: dict[str, Any]
) -> None:
    s3.copy_object(
        Bucket=bucket,
        Key="dest",
        CopySource={"Bucket": bucket, "Key": SRC},
        MetadataDirective="REPLACE",
        Metadata={"fresh": "yes"},
        ContentType="application/json",
    )
    got = s3.get_object(Bucket=bucket, Key="dest")
    assert got["Body"].read() == BODY
    assert got["Metadata"] == {"fresh": "yes"}
    assert got["ContentType"] == "application/json"
    assert "ContentLanguage" not in got
    assert "CacheControl" not in got
    assert got["TagCount"] == 2  # tags follow the tagging directive, COPY by default


def test_copy_replace_without_content_type_defaults_it(
    s3: BaseClient, bucket: str, source: dict[str, Any]
) -> None:
    s3.copy_object(
        Bucket=bucket,
        Key="dest",
        CopySource={"Bucket": bucket, "Key": SRC},
        MetadataDirective="REPLACE",
    )
    got = s3.head_object(Bucket=bucket, Key="dest")
    assert got["Metadata"] == {}
    assert got["ContentType"] == "binary/octet-stream"


@pytest.mark.parametrize(
    ("extra", "tag_count"),
    [
        ({"TaggingDirective": "REPLACE", "Tagging": "only=one"}, 1),
        ({"TaggingDirective": "REPLACE"}, None),
        ({"TaggingDirective": "COPY", "Tagging": "x=1&y=2&z=3"}, 2),
    ],
    ids=["replace", "replace-with-none", "copy-ignores-tagging"],
)
def test_copy_tagging_directive(
    s3: BaseClient,
    bucket: str,
    source: dict[str, Any],
    extra: dict[str, str],
    tag_count: int | None,
) -> None:
    s3.copy_object(Bucket=bucket, Key="dest", CopySource={"Bucket": bucket, "Key": SRC}, **extra)
    got = s3.get_object(Bucket=bucket, Key="dest")
    assert got.get("TagCount") == tag_count


def test_copy_storage_class_defaults_to_standard(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    s3.copy_object(Bucket=bucket, Key="std", CopySource=f"{bucket}/ia")
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="std")
    s3.copy_object(
        Bucket=bucket, Key="glacier-ir", CopySource=f"{bucket}/ia", StorageClass="GLACIER_IR"
    )
    assert s3.head_object(Bucket=bucket, Key="glacier-ir")["StorageClass"] == "GLACIER_IR"


def test_copy_does_not_copy_website_redirect_location(s3: BaseClient, bucket: str) -> None:
    """S3: the redirect location is unique to each object and not copied with the metadata."""
    s3.put_object(Bucket=bucket, Key="r", Body=b"x", WebsiteRedirectLocation="/target")
    s3.copy_object(Bucket=bucket, Key="r2", CopySource=f"{bucket}/r")
    assert "WebsiteRedirectLocation" not in s3.head_object(Bucket=bucket, Key="r2")
    s3.copy_object(
        Bucket=bucket, Key="r3", CopySource=f"{bucket}/r", WebsiteRedirectLocation="/new"
    )
    assert s3.head_object(Bucket=bucket, Key="r3")["WebsiteRedirectLocation"] == "/new"


def test_copy_between_buckets(s3: BaseClient, bucket: str, source: dict[str, Any]) -> None:
    other = unique_bucket_name("copy-dst")
    s3.create_bucket(Bucket=other)
    try:
        s3.copy_object(Bucket=other, Key="there", CopySource={"Bucket": bucket, "Key": SRC})
        assert s3.get_object(Bucket=other, Key="there")["Body"].read() == BODY
    finally:
        s3.delete_object(Bucket=other, Key="there")
        s3.delete_bucket(Bucket=other)


@pytest.mark.parametrize(
    "key", ["with space", "plus+and%percent", "ünïcödé/文件", "q?and#hash", "a//b/"]
)
def test_copy_source_with_encoded_key(s3: BaseClient, bucket: str, key: str) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    s3.copy_object(Bucket=bucket, Key=key + ".copy", CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket=bucket, Key=key + ".copy")["Body"].read() == key.encode()
    s3.copy_object(Bucket=bucket, Key=key + ".copy2", CopySource=f"{bucket}/{key}")
    assert s3.get_object(Bucket=bucket, Key=key + ".copy2")["Body"].read() == key.encode()


@pytest.mark.parametrize("leading_slash", ["/", ""])
def test_raw_copy_source_header_is_url_decoded(
    raw: Raw, s3: BaseClient, bucket: str, leading_slash: str
) -> None:
    key = "dir/naïve file+1"
    s3.put_object(Bucket=bucket, Key=key, Body=b"raw copy")
    header = f"{leading_slash}{bucket}/{quote(key)}"
    response = raw("PUT", f"/{bucket}/dest", headers={"x-amz-copy-source": header})
    assert response.status_code == 200, response.text
    root = xml_root(response)
    assert root.tag.endswith("CopyObjectResult")
    assert find_text(root, "ETag") == etag_of(b"raw copy")
    assert s3.get_object(Bucket=bucket, Key="dest")["Body"].read() == b"raw copy"


def test_a_plus_in_the_copy_source_is_a_space(raw: Raw, s3: BaseClient, bucket: str) -> None:
    """As a form-encoded ``+`` (AWS: LocalStack's validated
    test_copy_object_special_character_plus_for_space); SDKs send a key's ``+`` as ``%2B``."""
    s3.put_object(Bucket=bucket, Key="test key.txt", Body=b"spaced")
    response = raw(
        "PUT", f"/{bucket}/dest", headers={"x-amz-copy-source": f"{bucket}%2Ftest+key.txt"}
    )
    assert response.status_code == 200, response.text
    assert s3.get_object(Bucket=bucket, Key="dest")["Body"].read() == b"spaced"


@pytest.mark.parametrize("source", ["wrongformat", "/wrongformat", "wrongformat/"])
def test_a_copy_source_without_a_key_is_an_invalid_object_key(
    raw: Raw, bucket: str, source: str
) -> None:
    """In AWS's words (LocalStack's validated test_s3_copy_object_wrong_format)."""
    response = raw("PUT", f"/{bucket}/dest", headers={"x-amz-copy-source": source})
    fields = assert_s3_error(response, "InvalidArgument", 400)
    assert fields["Message"] == "Invalid copy source object key"
    assert (fields["ArgumentName"], fields["ArgumentValue"]) == (
        "x-amz-copy-source",
        "x-amz-copy-source",
    )


def test_a_null_source_version_is_not_named(s3: BaseClient, vbucket: str) -> None:
    """AWS sends no CopySourceVersionId for a source's null version (LocalStack's validated
    test_s3_copy_object_in_place_suspended_only), for a copy or a part copy; a real one it
    names."""
    s3.put_bucket_versioning(Bucket=vbucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=vbucket, Key="src", Body=b"x" * 10)  # the null version
    copied = s3.copy_object(Bucket=vbucket, Key="dst", CopySource=f"{vbucket}/src")
    assert "CopySourceVersionId" not in copied
    upload = s3.create_multipart_upload(Bucket=vbucket, Key="mpu")["UploadId"]
    part = s3.upload_part_copy(
        Bucket=vbucket, Key="mpu", UploadId=upload, PartNumber=1, CopySource=f"{vbucket}/src"
    )
    assert "CopySourceVersionId" not in part
    s3.abort_multipart_upload(Bucket=vbucket, Key="mpu", UploadId=upload)
    s3.put_bucket_versioning(Bucket=vbucket, VersioningConfiguration={"Status": "Enabled"})
    real = s3.put_object(Bucket=vbucket, Key="src", Body=b"y")["VersionId"]
    copied = s3.copy_object(Bucket=vbucket, Key="dst", CopySource=f"{vbucket}/src")
    assert copied["CopySourceVersionId"] == real


def _copy_conditions(source: dict[str, Any], spec: dict[str, str]) -> dict[str, Any]:
    modified = source["LastModified"]
    values = {
        "etag": source["ETag"],
        "other": '"0123456789abcdef0123456789abcdef"',
        "before": modified - timedelta(days=1),
        "at": modified,
        "after": modified + timedelta(days=1),
    }
    return {"CopySource" + name: values[value] for name, value in spec.items()}


COPY_CASES = [
    ({"IfMatch": "etag"}, True),
    ({"IfMatch": "other"}, False),
    ({"IfNoneMatch": "other"}, True),
    ({"IfNoneMatch": "etag"}, False),
    ({"IfModifiedSince": "before"}, True),
    ({"IfModifiedSince": "at"}, False),
    # a date in the future is ignored (AWS: LocalStack's copy-ignore-future-modified-since)
    ({"IfModifiedSince": "after"}, True),
    ({"IfUnmodifiedSince": "at"}, True),
    ({"IfUnmodifiedSince": "after"}, True),
    ({"IfUnmodifiedSince": "before"}, False),
    # if-match true and if-unmodified-since false: the copy happens.
    ({"IfMatch": "etag", "IfUnmodifiedSince": "before"}, True),
    # if-none-match false and if-modified-since true: 412.
    ({"IfNoneMatch": "etag", "IfModifiedSince": "before"}, False),
]


@pytest.mark.parametrize(("spec", "copies"), COPY_CASES, ids=[str(c[0]) for c in COPY_CASES])
def test_copy_source_conditions(
    s3: BaseClient, bucket: str, source: dict[str, Any], spec: dict[str, str], copies: bool
) -> None:
    params = _copy_conditions(source, spec)
    call = {"Bucket": bucket, "Key": "dest", "CopySource": {"Bucket": bucket, "Key": SRC}}
    if copies:
        s3.copy_object(**call, **params)
        assert s3.get_object(Bucket=bucket, Key="dest")["Body"].read() == BODY
        return
    with raises_client_error("PreconditionFailed", 412):
        s3.copy_object(**call, **params)
    with raises_client_error("404", 404):
        s3.head_object(Bucket=bucket, Key="dest")


def test_copy_onto_itself_without_change_is_invalid_request(
    s3: BaseClient, bucket: str, source: dict[str, Any]
) -> None:
    with raises_client_error("InvalidRequest", 400):
        s3.copy_object(Bucket=bucket, Key=SRC, CopySource={"Bucket": bucket, "Key": SRC})
    assert s3.head_object(Bucket=bucket, Key=SRC)["Metadata"] == source["Metadata"]


def test_copy_onto_itself_with_replace_updates_metadata(
    s3: BaseClient, bucket: str, source: dict[str, Any]
) -> None:
    s3.copy_object(
        Bucket=bucket,
        Key=SRC,
        CopySource={"Bucket": bucket, "Key": SRC},
        MetadataDirective="REPLACE",
        Metadata={"updated": "true"},
        ContentType="text/csv",
    )
    got = s3.get_object(Bucket=bucket, Key=SRC)
    assert got["Body"].read() == BODY
    assert got["Metadata"] == {"updated": "true"}
    assert got["ContentType"] == "text/csv"
    assert got["ETag"] == etag_of(BODY)


def test_copy_from_missing_key_is_no_such_key(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("NoSuchKey", 404):
        s3.copy_object(Bucket=bucket, Key="dest", CopySource={"Bucket": bucket, "Key": "nope"})


def test_copy_from_missing_bucket_is_no_such_bucket(raw: Raw, bucket: str) -> None:
    missing = unique_bucket_name("missing")
    response = raw("PUT", f"/{bucket}/dest", headers={"x-amz-copy-source": f"/{missing}/key"})
    assert_s3_error(response, "NoSuchBucket", 404)


def test_copy_into_missing_bucket_is_no_such_bucket(
    s3: BaseClient, bucket: str, source: dict[str, Any]
) -> None:
    with raises_client_error("NoSuchBucket", 404):
        s3.copy_object(
            Bucket=unique_bucket_name("missing"),
            Key="dest",
            CopySource={"Bucket": bucket, "Key": SRC},
        )


def test_copy_with_bad_metadata_directive_is_invalid_argument(
    raw: Raw, bucket: str, source: dict[str, Any]
) -> None:
    response = raw(
        "PUT",
        f"/{bucket}/dest",
        headers={
            "x-amz-copy-source": f"/{bucket}/{quote(SRC)}",
            "x-amz-metadata-directive": "MOVE",
        },
    )
    assert_s3_error(response, "InvalidArgument", 400)


def test_copying_a_version_onto_its_own_key_restores_it(s3: BaseClient, vbucket: str) -> None:
    """The documented way to make an earlier version current again (user guide,
    RestoringPreviousVersions.html): a copy onto itself that names a source version is no
    copy "without changing anything"."""
    first = s3.put_object(Bucket=vbucket, Key="k", Body=b"v1")["VersionId"]
    s3.put_object(Bucket=vbucket, Key="k", Body=b"v2")
    copy = {"Bucket": vbucket, "Key": "k", "VersionId": first}
    restored = s3.copy_object(Bucket=vbucket, Key="k", CopySource=copy)
    assert restored["CopySourceVersionId"] == first and restored["VersionId"] != first
    assert s3.get_object(Bucket=vbucket, Key="k")["Body"].read() == b"v1"
    versions = s3.list_object_versions(Bucket=vbucket)["Versions"]
    assert [v["IsLatest"] for v in versions] == [True, False, False]
    with raises_client_error("InvalidRequest", 400):  # without a version: still refused
        s3.copy_object(Bucket=vbucket, Key="k", CopySource={"Bucket": vbucket, "Key": "k"})


def test_a_copy_in_a_suspended_bucket_names_the_null_version(s3: BaseClient, vbucket: str) -> None:
    """Where PutObject sends no version id, CopyObject sends "null" (AWS: LocalStack's
    validated test_s3_copy_object_in_place_versioned, copy-in-place-versioned-suspended); a
    plain copy's result names its checksum but not the checksum's type (copy-success)."""
    s3.put_bucket_versioning(Bucket=vbucket, VersioningConfiguration={"Status": "Suspended"})
    put = s3.put_object(Bucket=vbucket, Key="k", Body=b"x")
    assert "VersionId" not in put
    copied = s3.copy_object(
        Bucket=vbucket, Key="k", CopySource=f"{vbucket}/k", MetadataDirective="REPLACE"
    )
    assert copied["VersionId"] == "null"
    result = copied["CopyObjectResult"]
    assert "ChecksumType" not in result and any(name.startswith("Checksum") for name in result)
