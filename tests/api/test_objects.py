"""PutObject, GetObject, HeadObject and DeleteObject round trips through boto3 and raw HTTP.

- PutObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
- GetObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
- HeadObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
- DeleteObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
- Object keys: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
- Metadata: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import pytest
from api_helpers import Raw, assert_s3_error, etag_of, raises_client_error
from botocore.client import BaseClient

KEYS = [
    "plain",
    "with space",
    "plus+sign",
    "percent%20literal",
    "100%",
    "question?mark",
    "hash#tag",
    "amp&er=sand;semi",
    "tilde~star*quote'paren()",
    "unicode-é-中文-🙂",
    "double//slash",
    "/leading-slash",
    "trailing-slash/",
    "dir/sub/file.txt",
    "tab\tand\nnewline",
    "UPPER-lower",
    "a" * 1024,
    "é" * 512,  # 1024 bytes of UTF-8
]


@pytest.mark.parametrize("key", KEYS, ids=range(len(KEYS)))
def test_put_get_head_delete_round_trip(s3: BaseClient, bucket: str, key: str) -> None:
    body = f"body of {key!r}".encode()
    put = s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert put["ETag"] == etag_of(body)
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == body
    assert got["ETag"] == etag_of(body)
    assert got["ContentLength"] == len(body)
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == etag_of(body)
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in listed] == [key]
    deleted = s3.delete_object(Bucket=bucket, Key=key)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_client_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key=key)


@pytest.mark.parametrize("key", ["a" * 1025, "é" * 512 + "a", "中" * 342])
def test_key_longer_than_1024_bytes_is_refused(s3: BaseClient, bucket: str, key: str) -> None:
    with raises_client_error("KeyTooLongError", 400):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_keys_that_differ_only_in_slashes_are_distinct(s3: BaseClient, bucket: str) -> None:
    keys = ["a/b", "a//b", "/a/b", "a/b/"]
    for index, key in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=key, Body=str(index).encode())
    for index, key in enumerate(keys):
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == str(index).encode()
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == sorted(keys)


def test_encoded_slash_in_raw_path_names_the_same_key(raw: Raw, bucket: str) -> None:
    assert raw("PUT", f"/{bucket}/dir%2Ffile", data=b"x").status_code == 200
    response = raw("GET", f"/{bucket}/dir/file")
    assert response.status_code == 200
    assert response.content == b"x"


def test_overwrite_replaces_body_and_metadata(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", Metadata={"old": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"second!", Metadata={"new": "2"})
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"second!"
    assert got["Metadata"] == {"new": "2"}
    assert got["ETag"] == etag_of(b"second!")


def test_empty_object(s3: BaseClient, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["ContentLength"] == 0
    assert got["Body"].read() == b""
    assert s3.list_objects_v2(Bucket=bucket)["Contents"][0]["Size"] == 0


def test_ten_mebibyte_object_round_trip(s3: BaseClient, bucket: str) -> None:
    body = os.urandom(10 * 1024 * 1024)
    put = s3.put_object(Bucket=bucket, Key="big", Body=body)
    assert put["ETag"] == etag_of(body)
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["ContentLength"] == len(body)
    data = got["Body"].read()
    assert hashlib.sha256(data).digest() == hashlib.sha256(body).digest()
    assert s3.head_object(Bucket=bucket, Key="big")["ContentLength"] == len(body)


def test_metadata_round_trip(s3: BaseClient, bucket: str) -> None:
    metadata = {"color": "blue", "multi-word-key": "value with spaces", "n": "1"}
    s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata=metadata)
    assert s3.get_object(Bucket=bucket, Key="m")["Metadata"] == metadata
    assert s3.head_object(Bucket=bucket, Key="m")["Metadata"] == metadata


def test_metadata_names_come_back_lower_case(raw: Raw, bucket: str) -> None:
    response = raw("PUT", f"/{bucket}/m", data=b"x", headers={"X-Amz-Meta-CamelCase": "Keep"})
    assert response.status_code == 200
    head = raw("HEAD", f"/{bucket}/m")
    assert head.headers["x-amz-meta-camelcase"] == "Keep"
    assert not any(name.startswith("X-Amz-Meta-Camel") for name in head.headers.keys())


def test_metadata_of_exactly_2_kb_is_accepted(s3: BaseClient, bucket: str) -> None:
    # Size is the sum of the UTF-8 bytes of each name (without x-amz-meta-) and value.
    metadata = {"k1": "a" * 1000, "k2": "b" * 1044}
    assert sum(len(k) + len(v) for k, v in metadata.items()) == 2048
    s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata=metadata)
    assert s3.head_object(Bucket=bucket, Key="m")["Metadata"] == metadata


@pytest.mark.parametrize(
    "metadata",
    [{"k1": "a" * 1000, "k2": "b" * 1045}, {"big": "x" * 4000}],
    ids=["2049-bytes", "4000-bytes"],
)
def test_metadata_over_2_kb_is_too_large(
    s3: BaseClient, bucket: str, metadata: dict[str, str]
) -> None:
    with raises_client_error("MetadataTooLarge", 400):
        s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata=metadata)
    with raises_client_error("404", 404):
        s3.head_object(Bucket=bucket, Key="m")


def test_default_content_type_is_binary_octet_stream(s3: BaseClient, raw: Raw, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="boto", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="boto")["ContentType"] == "binary/octet-stream"
    assert raw("PUT", f"/{bucket}/raw", data=b"x").status_code == 200
    assert raw("GET", f"/{bucket}/raw").headers["Content-Type"] == "binary/octet-stream"


def test_representation_headers_are_stored_and_returned(s3: BaseClient, bucket: str) -> None:
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    s3.put_object(
        Bucket=bucket,
        Key="page.html",
        Body=b"<html></html>",
        ContentType="text/html; charset=utf-8",
        ContentEncoding="identity",
        ContentDisposition='attachment; filename="page.html"',
        ContentLanguage="en-GB",
        CacheControl="max-age=3600, public",
        Expires=expires,
        WebsiteRedirectLocation="/elsewhere.html",
        StorageClass="STANDARD_IA",
        Tagging="project=fakes3&team=api&empty=",
    )
    for response in (
        s3.get_object(Bucket=bucket, Key="page.html"),
        s3.head_object(Bucket=bucket, Key="page.html"),
    ):
        assert response["ContentType"] == "text/html; charset=utf-8"
        assert response["ContentEncoding"] == "identity"
        assert response["ContentDisposition"] == 'attachment; filename="page.html"'
        assert response["ContentLanguage"] == "en-GB"
        assert response["CacheControl"] == "max-age=3600, public"
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert parsedate_to_datetime(headers["expires"]) == expires
        assert response["WebsiteRedirectLocation"] == "/elsewhere.html"
        assert response["StorageClass"] == "STANDARD_IA"
    assert s3.get_object(Bucket=bucket, Key="page.html")["TagCount"] == 3
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed["StorageClass"] == "STANDARD_IA"


def test_standard_storage_class_is_not_sent_on_get(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert "x-amz-storage-class" not in got["ResponseMetadata"]["HTTPHeaders"]
    assert "x-amz-tagging-count" not in got["ResponseMetadata"]["HTTPHeaders"]
    assert s3.list_objects_v2(Bucket=bucket)["Contents"][0]["StorageClass"] == "STANDARD"


def test_invalid_storage_class_is_refused(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("InvalidStorageClass", 400):
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="CHEAP")


def test_last_modified_is_now_and_consistent(s3: BaseClient, bucket: str) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    head = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    got = s3.get_object(Bucket=bucket, Key="k")["LastModified"]
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]["LastModified"]
    assert before <= head <= after
    assert head == got == listed.replace(microsecond=0)


def test_get_missing_key_is_no_such_key_with_its_key(raw: Raw, bucket: str) -> None:
    fields = assert_s3_error(raw("GET", f"/{bucket}/no/such%20key"), "NoSuchKey", 404)
    assert fields["Key"] == "no/such key"
    assert "Resource" not in fields


def test_head_missing_key_is_404_without_body(raw: Raw, bucket: str) -> None:
    response = raw("HEAD", f"/{bucket}/missing")
    assert response.status_code == 404
    assert response.content == b""
    assert "x-amz-request-id" in response.headers


def test_delete_missing_key_is_204(s3: BaseClient, bucket: str) -> None:
    response = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_raw_put_of_utf8_key_is_decoded(raw: Raw, s3: BaseClient, bucket: str) -> None:
    key = "naïve/日本"
    assert raw("PUT", f"/{bucket}/{quote(key)}", data=b"utf8").status_code == 200
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"utf8"


def test_put_if_none_match_star_refuses_to_overwrite(s3: BaseClient, bucket: str) -> None:
    """Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html"""
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    with raises_client_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"


def test_put_if_match_needs_the_current_etag(s3: BaseClient, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    with raises_client_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag_of(b"other"))
    s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v2"
    with raises_client_error("NoSuchKey", 404):
        s3.put_object(Bucket=bucket, Key="absent", Body=b"x", IfMatch=etag)


def test_metadata_names_with_underscores_round_trip(s3: BaseClient, bucket: str) -> None:
    """S3 keeps header names as sent; a CGI-style environ would turn ``_`` into ``-``."""
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"x", Metadata={"snake_case": "1", "kebab-case": "2"}
    )
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {
        "snake_case": "1",
        "kebab-case": "2",
    }


def test_get_object_tagging_returns_tags_given_on_put(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="team=data&env=a%20b")
    tags = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert tags == [{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "a b"}]
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert s3.get_object_tagging(Bucket=bucket, Key="plain")["TagSet"] == []
    with raises_client_error("NoSuchKey", 404):
        s3.get_object_tagging(Bucket=bucket, Key="missing")
