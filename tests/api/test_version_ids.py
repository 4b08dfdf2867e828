"""Which responses carry ``x-amz-version-id``, and how S3 tells an unknown version id from
one it never issued.

References:
- https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (``x-amz-version-id``:
  "Version ID of the object" of a versioning-enabled bucket)
- https://docs.aws.amazon.com/AmazonS3/latest/userguide/AddingObjectstoVersionSuspendedBuckets.html
- https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
- AWS's own answers as LocalStack recorded them (tests/aws/services/s3/test_s3_api.py:
  test_put_object_on_suspended_bucket, test_delete_object_versioned, test_delete_objects,
  test_get_object_with_version_unversioned_bucket).
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from api_helpers import Raw, assert_s3_error, empty_versioned, raises_client_error
from api_helpers import unique_bucket_name as unique
from botocore.client import BaseClient

INVENTED = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"  # 32 URL-safe characters S3 never issued


def headers(response: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = response["ResponseMetadata"]["HTTPHeaders"]
    return found


def multipart(s3: BaseClient, bucket: str, key: str) -> dict[str, Any]:
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=1, Body=b"p")["ETag"]
    done: dict[str, Any] = s3.complete_multipart_upload(
        Bucket=bucket,
        Key=key,
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    return done


@pytest.fixture
def suspended(s3: BaseClient) -> Iterator[str]:
    """A bucket whose versioning was suspended without ever being enabled."""
    name = unique("suspended")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    yield name
    empty_versioned(s3, name)


def test_writes_to_a_never_versioned_bucket_send_no_version(s3: BaseClient, bucket: str) -> None:
    writes = [
        s3.put_object(Bucket=bucket, Key="put", Body=b"x"),
        multipart(s3, bucket, "mpu"),
        s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "put"}),
        s3.delete_object(Bucket=bucket, Key="copy"),
        s3.get_object(Bucket=bucket, Key="put"),
        s3.head_object(Bucket=bucket, Key="mpu"),
    ]
    for response in writes:
        assert "x-amz-version-id" not in headers(response), headers(response)
        assert "VersionId" not in response
    deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "put"}]})
    assert deleted["Deleted"] == [{"Key": "put"}]


def test_writes_to_a_suspended_bucket_send_no_version_but_reads_say_null(
    s3: BaseClient, suspended: str
) -> None:
    put = s3.put_object(Bucket=suspended, Key="put", Body=b"x")
    done = multipart(s3, suspended, "mpu")
    for response in (put, done):
        assert "x-amz-version-id" not in headers(response), headers(response)
    # CopyObject is the exception: it names the null version (AWS: LocalStack's validated
    # test_s3_copy_object_in_place_versioned)
    copy = s3.copy_object(Bucket=suspended, Key="copy", CopySource=f"{suspended}/put")
    assert headers(copy)["x-amz-version-id"] == "null"
    # Reads and deletes in a bucket with a versioning state name the null version.
    assert s3.get_object(Bucket=suspended, Key="put")["VersionId"] == "null"
    assert s3.head_object(Bucket=suspended, Key="mpu")["VersionId"] == "null"
    deleted = s3.delete_object(Bucket=suspended, Key="copy")
    assert (deleted["DeleteMarker"], deleted["VersionId"]) == (True, "null")


def test_writes_to_an_enabled_bucket_send_the_new_version(s3: BaseClient, vbucket: str) -> None:
    put = s3.put_object(Bucket=vbucket, Key="put", Body=b"x")["VersionId"]
    done = multipart(s3, vbucket, "mpu")["VersionId"]
    copy = s3.copy_object(Bucket=vbucket, Key="copy", CopySource=f"{vbucket}/put")["VersionId"]
    assert len({put, done, copy, "null"}) == 4
    assert all(len(v) == 32 for v in (put, done, copy))
    assert s3.get_object(Bucket=vbucket, Key="mpu")["VersionId"] == done


def _tampered(version: str) -> str:
    return version[:-4] + ("ABCD" if not version.endswith("ABCD") else "WXYZ")


def test_an_id_never_issued_is_invalid_argument(s3: BaseClient, raw: Raw, vbucket: str) -> None:
    """DeleteObject with an issued id whose last characters were changed: AWS answers 400
    InvalidArgument "Invalid version id specified" (LocalStack's test_delete_object_versioned)."""
    real = s3.put_object(Bucket=vbucket, Key="k", Body=b"1")["VersionId"]
    for bad in (INVENTED, _tampered(real), "not a version"):
        response = raw("DELETE", f"/{vbucket}/k?versionId={bad}")
        error = assert_s3_error(response, "InvalidArgument", 400)
        assert error["Message"] == "Invalid version id specified"
        assert (error["ArgumentName"], error["ArgumentValue"]) == ("versionId", bad)
        error = assert_s3_error(raw("GET", f"/{vbucket}/k?versionId={bad}"), "InvalidArgument", 400)
        assert error["Message"] == "Invalid version id specified"
        assert raw("HEAD", f"/{vbucket}/k?versionId={bad}").status_code == 400
        with raises_client_error("InvalidArgument", 400):
            s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=bad)
        with raises_client_error("InvalidArgument", 400):
            s3.get_object_attributes(
                Bucket=vbucket, Key="k", VersionId=bad, ObjectAttributes=["ETag"]
            )
        with raises_client_error("InvalidArgument", 400):
            source = {"Bucket": vbucket, "Key": "k", "VersionId": bad}
            s3.copy_object(Bucket=vbucket, Key="dst", CopySource=source)
    assert s3.get_object(Bucket=vbucket, Key="k")["VersionId"] == real  # nothing changed


def test_an_issued_id_that_is_gone_is_no_such_version(s3: BaseClient, vbucket: str) -> None:
    gone = s3.put_object(Bucket=vbucket, Key="k", Body=b"1")["VersionId"]
    kept = s3.put_object(Bucket=vbucket, Key="k", Body=b"2")["VersionId"]
    assert s3.delete_object(Bucket=vbucket, Key="k", VersionId=gone)["VersionId"] == gone
    with raises_client_error("NoSuchVersion", 404) as info:
        s3.get_object(Bucket=vbucket, Key="k", VersionId=gone)
    assert info.value.response["Error"]["Message"] == "The specified version does not exist."
    assert info.value.response["Error"]["VersionId"] == gone
    with raises_client_error("404", 404):
        s3.head_object(Bucket=vbucket, Key="k", VersionId=gone)
    with raises_client_error("NoSuchVersion", 404):
        s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=gone)
    with raises_client_error("NoSuchVersion", 404):
        source = {"Bucket": vbucket, "Key": "k", "VersionId": gone}
        s3.copy_object(Bucket=vbucket, Key="dst", CopySource=source)
    # Deleting it again is the documented no-op: 204 and the id echoed.
    again = s3.delete_object(Bucket=vbucket, Key="k", VersionId=gone)
    assert again["VersionId"] == gone and "DeleteMarker" not in again
    assert s3.get_object(Bucket=vbucket, Key="k")["VersionId"] == kept


def test_delete_objects_reports_ids_never_issued_as_no_such_version(
    s3: BaseClient, bucket: str, vbucket: str
) -> None:
    """AWS's answer (LocalStack's test_delete_objects and test_delete_objects_versioned): the
    per-key error is NoSuchVersion, in a versioned bucket and in one never versioned."""
    for name in (bucket, vbucket):
        s3.put_object(Bucket=name, Key="k", Body=b"1")
        result = s3.delete_objects(
            Bucket=name,
            Delete={"Objects": [{"Key": "k", "VersionId": INVENTED}, {"Key": "absent"}]},
        )
        assert result["Errors"] == [
            {
                "Key": "k",
                "VersionId": INVENTED,
                "Code": "NoSuchVersion",
                "Message": "The specified version does not exist.",
            }
        ]
        assert [d["Key"] for d in result["Deleted"]] == ["absent"]
        assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"1"


def test_an_empty_version_id_is_invalid_argument(
    s3: BaseClient, raw: Raw, bucket: str, vbucket: str
) -> None:
    """``?versionId=`` is 400 InvalidArgument "Version id cannot be the empty string" in any
    bucket (AWS's message, as S3-compatible test suites run against AWS record it)."""
    for name in (bucket, vbucket):
        s3.put_object(Bucket=name, Key="k", Body=b"1")
        for method, query in (("GET", ""), ("DELETE", ""), ("GET", "tagging&")):
            response = raw(method, f"/{name}/k?{query}versionId=")
            error = assert_s3_error(response, "InvalidArgument", 400)
            assert error["Message"] == "Version id cannot be the empty string"
            assert (error["ArgumentName"], error["ArgumentValue"]) == ("versionId", "")
        assert raw("HEAD", f"/{name}/k?versionId=").status_code == 400
        assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"1"


def test_the_null_version_of_a_missing_key_is_no_such_version(s3: BaseClient, vbucket: str) -> None:
    with raises_client_error("NoSuchVersion", 404):
        s3.get_object(Bucket=vbucket, Key="missing", VersionId="null")


def test_post_upload_sends_the_new_version(
    auth_server: Any, alice_bucket: str, auth_http: requests.Session
) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html (Versioning): with
    versioning enabled POST "returns this ID in the response by using the x-amz-version-id
    response header"; suspended, it sends none, as PutObject."""
    alice = auth_server.client("alice", "alice-secret")
    alice.put_bucket_versioning(Bucket=alice_bucket, VersioningConfiguration={"Status": "Enabled"})
    presigned = alice.generate_presigned_post(alice_bucket, "posted")
    sent = auth_http.post(presigned["url"], data=presigned["fields"], files={"file": ("f", b"1")})
    assert sent.status_code == 204, sent.text
    version = sent.headers["x-amz-version-id"]
    assert alice.head_object(Bucket=alice_bucket, Key="posted")["VersionId"] == version
    alice.put_bucket_versioning(
        Bucket=alice_bucket, VersioningConfiguration={"Status": "Suspended"}
    )
    again = auth_http.post(presigned["url"], data=presigned["fields"], files={"file": ("f", b"2")})
    assert again.status_code == 204, again.text
    assert "x-amz-version-id" not in again.headers
    assert alice.head_object(Bucket=alice_bucket, Key="posted")["VersionId"] == "null"


def test_a_listing_resumes_after_a_version_marker_that_is_gone(
    s3: BaseClient, vbucket: str
) -> None:
    """S3 resumes after a deleted version-id marker with the versions older than it, the
    first of them latest if nothing newer is left (LocalStack's validated
    test_list_objects_versions_with_prefix_only_and_pagination). fakes3 lost the rest of the
    key, so a loop that deletes each page of versions as it lists them left versions behind."""
    ids = [
        s3.put_object(Bucket=vbucket, Key="prefixed_key", Body=b"x")["VersionId"] for _ in "12345"
    ]
    s3.put_object(Bucket=vbucket, Key="z-later", Body=b"z")
    first = s3.list_object_versions(Bucket=vbucket, Prefix="prefix", MaxKeys=3)
    assert [v["VersionId"] for v in first["Versions"]] == ids[:1:-1]
    gone = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in first["Versions"]]
    s3.delete_objects(Bucket=vbucket, Delete={"Objects": gone})
    markers = {"KeyMarker": first["NextKeyMarker"], "VersionIdMarker": first["NextVersionIdMarker"]}
    second = s3.list_object_versions(Bucket=vbucket, Prefix="prefix", MaxKeys=5, **markers)
    assert [(v["VersionId"], v["IsLatest"]) for v in second["Versions"]] == [
        (ids[1], True),
        (ids[0], False),
    ]
    assert second["IsTruncated"] is False
    # a version written after the marker is newer than it: passed over, and the latest
    newer = s3.put_object(Bucket=vbucket, Key="prefixed_key", Body=b"y")["VersionId"]
    third = s3.list_object_versions(Bucket=vbucket, MaxKeys=5, **markers)
    listed = [(v["Key"], v["VersionId"], v["IsLatest"]) for v in third["Versions"]]
    assert listed[:2] == [("prefixed_key", ids[1], False), ("prefixed_key", ids[0], False)]
    assert [key for key, _, _ in listed[2:]] == ["z-later"]
    assert newer not in [version for _, version, _ in listed]


def test_deleting_each_page_as_it_is_listed_empties_the_bucket(
    s3: BaseClient, vbucket: str
) -> None:
    """The cleanup loop of many test suites: list a page of versions, delete them, go on
    with the page's markers."""
    for key in ("a", "b", "c"):
        for _ in range(4):
            s3.put_object(Bucket=vbucket, Key=key, Body=b"x")
        s3.delete_object(Bucket=vbucket, Key=key)  # a delete marker too
    pages = 0
    for page in s3.get_paginator("list_object_versions").paginate(
        Bucket=vbucket, PaginationConfig={"PageSize": 3}
    ):
        pages += 1
        doomed = page.get("Versions", []) + page.get("DeleteMarkers", [])
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in doomed]
        if objects:
            s3.delete_objects(Bucket=vbucket, Delete={"Objects": objects})
    assert pages == 5
    after = s3.list_object_versions(Bucket=vbucket)
    assert "Versions" not in after and "DeleteMarkers" not in after
    s3.delete_bucket(Bucket=vbucket)
    s3.create_bucket(Bucket=vbucket)  # for the fixture's own cleanup


def test_version_ids_are_spelled_as_s3_spells_them(s3: BaseClient, vbucket: str) -> None:
    """32 characters of letters, digits, ``.`` and ``_`` (LocalStack's validated
    test_object_version_id_format); fakes3's held ``-`` too, one id in three."""
    allowed = set(string.ascii_letters + string.digits + "._")
    for _ in range(60):
        version = s3.put_object(Bucket=vbucket, Key="k", Body=b"x")["VersionId"]
        assert len(version) == 32 and set(version) <= allowed, version
