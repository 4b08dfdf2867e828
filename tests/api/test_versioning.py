"""Bucket versioning through boto3: version ids, delete markers, null versions, listings.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

import boto3
from api_helpers import (
    S3_NS,
    Raw,
    assert_s3_error,
    empty_versioned,
    find_text,
    md5_b64,
    raises_client_error,
    unique_bucket_name,
    xml_root,
)
from botocore.client import BaseClient


def versions_xml(raw: Raw, bucket: str, query: str = "") -> ET.Element:
    response = raw("GET", f"/{bucket}?versions{query}")
    assert response.status_code == 200, response.text
    return xml_root(response)


def all_versions(raw: Raw, bucket: str, page_size: int = 1000) -> list[tuple[str, str, bool, bool]]:
    """Every (key, version id, is latest, is delete marker) in the order S3 writes them
    (boto3 splits versions from markers, so the raw XML is read), following every page."""
    found: list[tuple[str, str, bool, bool]] = []
    query = f"&max-keys={page_size}"
    while True:
        root = versions_xml(raw, bucket, query)
        for element in root:
            kind = element.tag.removeprefix(S3_NS)
            if kind in ("Version", "DeleteMarker"):
                key, version = find_text(element, "Key"), find_text(element, "VersionId")
                latest = find_text(element, "IsLatest") == "true"
                assert key is not None and version is not None
                found.append((key, version, latest, kind == "DeleteMarker"))
        if find_text(root, "IsTruncated") != "true":
            return found
        next_key = quote(find_text(root, "NextKeyMarker") or "")
        next_version = quote(find_text(root, "NextVersionIdMarker") or "")
        query = f"&max-keys={page_size}&key-marker={next_key}&version-id-marker={next_version}"


def body(s3: BaseClient, bucket: str, key: str, **kwargs: Any) -> bytes:
    data: bytes = s3.get_object(Bucket=bucket, Key=key, **kwargs)["Body"].read()
    return data


def test_versioning_status_goes_enabled_suspended_never_back(s3: BaseClient, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    for status in ("Enabled", "Suspended", "Enabled"):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == status
    with raises_client_error("IllegalVersioningConfigurationException", 400):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})


def test_bad_status_is_malformed_xml_and_missing_bucket_is_404(s3: BaseClient, raw: Raw) -> None:
    name = unique_bucket_name()
    s3.create_bucket(Bucket=name)
    xml = "<VersioningConfiguration><Status>Sometimes</Status></VersioningConfiguration>"
    response = raw(
        "PUT",
        f"/{name}?versioning",
        data=xml,
        headers={"Content-MD5": md5_b64(xml.encode())},
    )
    assert_s3_error(response, "MalformedXML", 400)
    assert "Status" not in s3.get_bucket_versioning(Bucket=name)
    s3.delete_bucket(Bucket=name)
    with raises_client_error("NoSuchBucket", 404):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def test_versioning_configuration_needs_a_digest(s3: BaseClient, bucket: str, raw: Raw) -> None:
    xml = "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"
    response = raw("PUT", f"/{bucket}?versioning", data=xml)
    assert_s3_error(response, "InvalidRequest", 400)
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_every_write_is_a_new_version(s3: BaseClient, raw: Raw, vbucket: str) -> None:
    first = s3.put_object(Bucket=vbucket, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=vbucket, Key="k", Body=b"two")["VersionId"]
    assert first != second and len(first) == 32
    assert body(s3, vbucket, "k") == b"two"
    assert body(s3, vbucket, "k", VersionId=first) == b"one"
    head = s3.head_object(Bucket=vbucket, Key="k", VersionId=first)
    assert head["VersionId"] == first and head["ContentLength"] == 3
    assert s3.get_object(Bucket=vbucket, Key="k")["VersionId"] == second
    assert [v[:3] for v in all_versions(raw, vbucket)] == [
        ("k", second, True),
        ("k", first, False),
    ]
    listed = s3.list_objects_v2(Bucket=vbucket)["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("k", 3)]


def test_delete_leaves_a_marker_and_hides_the_key(s3: BaseClient, raw: Raw, vbucket: str) -> None:
    kept = s3.put_object(Bucket=vbucket, Key="k", Body=b"data")["VersionId"]
    deleted = s3.delete_object(Bucket=vbucket, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with raises_client_error("NoSuchKey", 404) as info:
        s3.get_object(Bucket=vbucket, Key="k")
    headers = info.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    assert headers["x-amz-version-id"] == marker
    assert "Contents" not in s3.list_objects_v2(Bucket=vbucket)
    assert all_versions(raw, vbucket) == [("k", marker, True, True), ("k", kept, False, False)]
    assert body(s3, vbucket, "k", VersionId=kept) == b"data"


def test_a_delete_marker_asked_for_by_version_is_405(s3: BaseClient, vbucket: str) -> None:
    s3.put_object(Bucket=vbucket, Key="k", Body=b"data")
    marker = s3.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    with raises_client_error("MethodNotAllowed", 405) as info:
        s3.get_object(Bucket=vbucket, Key="k", VersionId=marker)
    headers = info.value.response["ResponseMetadata"]["HTTPHeaders"]
    # S3 says which method a marker allows (LocalStack's validated test_delete_object_versioned)
    assert headers["x-amz-delete-marker"] == "true" and headers["allow"] == "DELETE"
    assert info.value.response["Error"]["Method"] == "GET"
    with raises_client_error("405", 405) as info:
        s3.head_object(Bucket=vbucket, Key="k", VersionId=marker)
    assert info.value.response["ResponseMetadata"]["HTTPHeaders"]["allow"] == "DELETE"
    with raises_client_error("MethodNotAllowed", 405) as info:  # the method used is named
        s3.put_object_tagging(Bucket=vbucket, Key="k", VersionId=marker, Tagging={"TagSet": []})
    assert info.value.response["Error"]["Method"] == "PUT"
    with raises_client_error("InvalidRequest", 400):
        s3.copy_object(
            Bucket=vbucket, Key="c", CopySource={"Bucket": vbucket, "Key": "k", "VersionId": marker}
        )


def test_removing_versions_promotes_the_next_newest(s3: BaseClient, raw: Raw, vbucket: str) -> None:
    v1 = s3.put_object(Bucket=vbucket, Key="k", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=vbucket, Key="k", Body=b"2")["VersionId"]
    marker = s3.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    removed = s3.delete_object(Bucket=vbucket, Key="k", VersionId=marker)
    assert removed["DeleteMarker"] is True and removed["VersionId"] == marker
    assert body(s3, vbucket, "k") == b"2"  # removing the marker brings the object back
    gone = s3.delete_object(Bucket=vbucket, Key="k", VersionId=v2)
    assert gone["VersionId"] == v2 and "DeleteMarker" not in gone
    assert body(s3, vbucket, "k") == b"1"
    assert s3.list_objects_v2(Bucket=vbucket)["Contents"][0]["Size"] == 1
    s3.delete_object(Bucket=vbucket, Key="k", VersionId=v1)
    assert all_versions(raw, vbucket) == []
    with raises_client_error("404", 404):
        s3.head_object(Bucket=vbucket, Key="k")


def test_removing_an_older_marker_keeps_the_current_object(s3: BaseClient, vbucket: str) -> None:
    s3.put_object(Bucket=vbucket, Key="k", Body=b"1")
    marker = s3.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    latest = s3.put_object(Bucket=vbucket, Key="k", Body=b"3")["VersionId"]
    s3.delete_object(Bucket=vbucket, Key="k", VersionId=marker)
    assert s3.get_object(Bucket=vbucket, Key="k")["VersionId"] == latest


def test_missing_and_malformed_version_ids(s3: BaseClient, vbucket: str, bucket: str) -> None:
    s3.put_object(Bucket=vbucket, Key="k", Body=b"1")
    absent = s3.put_object(Bucket=vbucket, Key="gone", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=vbucket, Key="gone", VersionId=absent)
    with raises_client_error("NoSuchVersion", 404):
        s3.get_object(Bucket=vbucket, Key="k", VersionId=absent)
    with raises_client_error("InvalidArgument", 400):
        s3.get_object(Bucket=vbucket, Key="k", VersionId="not a version")
    # Removing a version that does not exist is a no-op success, as in S3.
    assert s3.delete_object(Bucket=vbucket, Key="k", VersionId=absent)["VersionId"] == absent
    assert body(s3, vbucket, "k") == b"1"
    with raises_client_error("InvalidArgument", 400):
        s3.delete_object(Bucket=vbucket, Key="k", VersionId="bad/id")
    # A bucket that never had versioning knows only the null version.
    s3.put_object(Bucket=bucket, Key="k", Body=b"plain")
    assert body(s3, bucket, "k", VersionId="null") == b"plain"
    assert "VersionId" not in s3.head_object(Bucket=bucket, Key="k")
    with raises_client_error("InvalidArgument", 400):
        s3.get_object(Bucket=bucket, Key="k", VersionId=absent)


def test_objects_from_before_versioning_become_the_null_version(s3: BaseClient, raw: Raw) -> None:
    name = unique_bucket_name()
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="old", Body=b"before")
    listed = s3.list_object_versions(Bucket=name)["Versions"]
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in listed] == [("old", "null", True)]
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    new = s3.put_object(Bucket=name, Key="old", Body=b"after")["VersionId"]
    assert body(s3, name, "old", VersionId="null") == b"before"
    assert [v[:3] for v in all_versions(raw, name)] == [
        ("old", new, True),
        ("old", "null", False),
    ]
    empty_versioned(s3, name)


def test_suspended_writes_and_deletes_replace_the_null_version(
    s3: BaseClient, raw: Raw, vbucket: str
) -> None:
    kept = s3.put_object(Bucket=vbucket, Key="k", Body=b"versioned")["VersionId"]
    s3.put_bucket_versioning(Bucket=vbucket, VersioningConfiguration={"Status": "Suspended"})
    assert "VersionId" not in s3.put_object(Bucket=vbucket, Key="k", Body=b"null-1")
    s3.put_object(Bucket=vbucket, Key="k", Body=b"null-2")
    assert all_versions(raw, vbucket) == [("k", "null", True, False), ("k", kept, False, False)]
    assert body(s3, vbucket, "k") == b"null-2"
    deleted = s3.delete_object(Bucket=vbucket, Key="k")
    assert deleted["DeleteMarker"] is True and deleted["VersionId"] == "null"
    assert all_versions(raw, vbucket) == [("k", "null", True, True), ("k", kept, False, False)]
    assert body(s3, vbucket, "k", VersionId=kept) == b"versioned"


def test_a_bucket_with_only_old_versions_is_not_empty(s3: BaseClient, vbucket: str) -> None:
    s3.put_object(Bucket=vbucket, Key="k", Body=b"1")
    s3.delete_object(Bucket=vbucket, Key="k")
    assert "Contents" not in s3.list_objects_v2(Bucket=vbucket)
    with raises_client_error("BucketNotEmpty", 409) as info:
        s3.delete_bucket(Bucket=vbucket)
    # AWS's words for a versioned bucket (LocalStack's test_delete_versioned_bucket_with_objects)
    assert info.value.response["Error"]["Message"].endswith(
        "You must delete all versions in the bucket."
    )


def test_copy_from_a_version(s3: BaseClient, vbucket: str) -> None:
    v1 = s3.put_object(Bucket=vbucket, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=vbucket, Key="src", Body=b"second")
    copied = s3.copy_object(
        Bucket=vbucket, Key="dst", CopySource={"Bucket": vbucket, "Key": "src", "VersionId": v1}
    )
    assert copied["CopySourceVersionId"] == v1
    assert copied["VersionId"] != v1
    assert body(s3, vbucket, "dst", VersionId=copied["VersionId"]) == b"first"


def test_list_object_versions_pages_match_the_full_listing(
    s3: BaseClient, raw: Raw, vbucket: str
) -> None:
    for key in ("a", "b/1", "b/2", "c", "d/x/y", "é"):
        for round_ in range(3):
            s3.put_object(Bucket=vbucket, Key=key, Body=b"%d" % round_)
        if key in ("b/2", "c"):
            s3.delete_object(Bucket=vbucket, Key=key)
    full = all_versions(raw, vbucket)
    assert len(full) == 20
    paged = all_versions(raw, vbucket, page_size=3)
    assert paged == full
    by_key: dict[str, list[bool]] = {}
    for key, _version, latest, _marker in full:
        by_key.setdefault(key, []).append(latest)
    assert all(flags == [True] + [False] * (len(flags) - 1) for flags in by_key.values())
    page = s3.list_object_versions(Bucket=vbucket, Delimiter="/", MaxKeys=4)
    assert page["IsTruncated"] is True
    assert [p["Prefix"] for p in page.get("CommonPrefixes", [])] == ["b/"]
    assert {v["Key"] for v in page.get("Versions", [])} == {"a"}
    rest = s3.list_object_versions(
        Bucket=vbucket,
        Delimiter="/",
        KeyMarker=page["NextKeyMarker"],
        VersionIdMarker=page.get("NextVersionIdMarker", ""),
    )
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["d/"]
    assert {v["Key"] for v in rest["Versions"]} == {"c", "é"}
    prefixed = s3.list_object_versions(Bucket=vbucket, Prefix="b/")
    assert {v["Key"] for v in prefixed["Versions"]} == {"b/1", "b/2"}
    assert [m["Key"] for m in prefixed["DeleteMarkers"]] == ["b/2"]


def test_version_marker_needs_a_key_marker(s3: BaseClient, vbucket: str, raw: Raw) -> None:
    response = raw("GET", f"/{vbucket}?versions&version-id-marker=" + "A" * 32)
    assert_s3_error(response, "InvalidArgument", 400)


def test_delete_objects_with_versions(s3: BaseClient, raw: Raw, vbucket: str) -> None:
    v1 = s3.put_object(Bucket=vbucket, Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket=vbucket, Key="other", Body=b"2")
    result = s3.delete_objects(
        Bucket=vbucket,
        Delete={"Objects": [{"Key": "k", "VersionId": v1}, {"Key": "other"}]},
    )
    deleted = {d["Key"]: d for d in result["Deleted"]}
    assert deleted["k"]["VersionId"] == v1 and "DeleteMarker" not in deleted["k"]
    assert deleted["other"]["DeleteMarker"] is True
    marker = deleted["other"]["DeleteMarkerVersionId"]
    assert [(k, v, m) for k, v, _latest, m in all_versions(raw, vbucket)] == [
        ("other", marker, True),
        ("other", all_versions(raw, vbucket)[1][1], False),
    ]
    again = s3.delete_objects(
        Bucket=vbucket, Delete={"Objects": [{"Key": "other", "VersionId": marker}]}
    )
    assert again["Deleted"][0]["DeleteMarker"] is True
    assert again["Deleted"][0]["DeleteMarkerVersionId"] == marker
    assert body(s3, vbucket, "other") == b"2"


def test_boto3_resource_empties_a_versioned_bucket(endpoint: str) -> None:
    resource = boto3.resource(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    bucket = resource.create_bucket(Bucket=unique_bucket_name())
    bucket.Versioning().enable()
    for n in range(5):
        bucket.put_object(Key=f"k{n % 2}", Body=b"x")
    bucket.Object("k0").delete()
    assert len(list(bucket.object_versions.all())) == 6
    bucket.object_versions.delete()
    assert list(bucket.object_versions.all()) == []
    bucket.delete()


def test_a_version_id_marker_is_judged_before_the_key_marker(s3: BaseClient, bucket: str) -> None:
    """Not shaped like a version id: "Invalid version id specified", even with no key marker;
    shaped like one but without a key marker: the marker rule (Swift's s3api tests, written
    against AWS)."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.list_object_versions(Bucket=bucket, KeyMarker="", VersionIdMarker="bogus")
    assert caught.value.response["Error"]["Message"] == "Invalid version id specified"
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.list_object_versions(Bucket=bucket, VersionIdMarker="a" * 32)
    assert caught.value.response["Error"]["Message"] == (
        "A version-id marker cannot be specified without a key marker."
    )
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.list_object_versions(Bucket=bucket, KeyMarker="k", VersionIdMarker="bogus")
    assert caught.value.response["Error"]["Message"] == "Invalid version id specified"
    assert s3.list_object_versions(Bucket=bucket, KeyMarker="k", VersionIdMarker="null")
