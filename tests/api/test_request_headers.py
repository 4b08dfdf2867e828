"""Headers S3 honours that fakes3 has no feature behind: refused as AWS refuses them (and nothing
is stored), or accepted where AWS gives them no effect on such a bucket.

See docs/request-headers.md and fakes3/operations/request_rules.py.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from api_helpers import Aws, Raw, assert_s3_error, raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from wire import exchange, request

ALL_USERS = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'
STRANGER = 'id="' + "ab" * 32 + '"'
FUTURE = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
SOURCE = "existing"  # an object every case's bucket holds before the request

Call = Callable[[BaseClient, str], Any]


def _copy(bucket: str, **extra: Any) -> dict[str, Any]:
    return {"Bucket": bucket, "Key": "copied", "CopySource": f"{bucket}/{SOURCE}", **extra}


def _new_bucket(s3: BaseClient, **extra: Any) -> None:
    s3.create_bucket(Bucket=unique_bucket_name("refused"), **extra)


# (id, request, S3 error code, HTTP status): each is refused and must change nothing.
REFUSED: list[tuple[str, Call, str, int]] = [
    # ACLs: a new bucket has Object Ownership BucketOwnerEnforced (ACLs disabled).
    (
        "put-acl-public-read",
        lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x", ACL="public-read"),
        "AccessControlListNotSupported",
        400,
    ),
    (
        "put-acl-private",
        lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x", ACL="private"),
        "AccessControlListNotSupported",
        400,
    ),
    (
        "put-grant-read-all-users",
        lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x", GrantRead=ALL_USERS),
        "AccessControlListNotSupported",
        400,
    ),
    (
        "put-grant-full-control-stranger",
        lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x", GrantFullControl=STRANGER),
        "AccessControlListNotSupported",
        400,
    ),
    (
        "put-canned-and-grant",
        lambda s3, b: s3.put_object(
            Bucket=b, Key="k", Body=b"x", ACL="bucket-owner-full-control", GrantRead=ALL_USERS
        ),
        "InvalidRequest",
        400,
    ),
    (
        "copy-acl",
        lambda s3, b: s3.copy_object(**_copy(b, ACL="public-read")),
        "AccessControlListNotSupported",
        400,
    ),
    (
        "mpu-acl",
        lambda s3, b: s3.create_multipart_upload(Bucket=b, Key="k", ACL="authenticated-read"),
        "AccessControlListNotSupported",
        400,
    ),
    (
        "create-bucket-acl-public-read",
        lambda s3, b: _new_bucket(s3, ACL="public-read"),
        "InvalidBucketAclWithObjectOwnership",
        400,
    ),
    (
        "create-bucket-grant-read",
        lambda s3, b: _new_bucket(s3, GrantRead=ALL_USERS),
        "InvalidBucketAclWithObjectOwnership",
        400,
    ),
    (
        "create-bucket-object-writer-public-acl",
        lambda s3, b: _new_bucket(s3, ObjectOwnership="ObjectWriter", ACL="public-read"),
        "InvalidBucketAclWithBlockPublicAccessError",
        400,
    ),
    (
        "create-directory-bucket",
        lambda s3, b: _new_bucket(
            s3,
            CreateBucketConfiguration={
                "Location": {"Type": "AvailabilityZone", "Name": "use1-az4"},
                "Bucket": {"Type": "Directory", "DataRedundancy": "SingleAvailabilityZone"},
            },
        ),
        "NotImplemented",
        501,
    ),
    # Object Lock headers on a bucket without Object Lock (tests/api/test_object_lock*.py).
    (
        "put-legal-hold",
        lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON"),
        "InvalidRequest",
        400,
    ),
    (
        "put-retention",
        lambda s3, b: s3.put_object(
            Bucket=b,
            Key="k",
            Body=b"x",
            ObjectLockMode="GOVERNANCE",
            ObjectLockRetainUntilDate=FUTURE,
        ),
        "InvalidRequest",
        400,
    ),
    (
        "copy-retention",
        lambda s3, b: s3.copy_object(
            **_copy(b, ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=FUTURE)
        ),
        "InvalidRequest",
        400,
    ),
    (
        "mpu-legal-hold",
        lambda s3, b: s3.create_multipart_upload(
            Bucket=b, Key="k", ObjectLockLegalHoldStatus="OFF"
        ),
        "InvalidRequest",
        400,
    ),
    # MFA delete and directory-bucket-only headers.
    (
        "delete-mfa",
        lambda s3, b: s3.delete_object(Bucket=b, Key=SOURCE, MFA="20899872 301749"),
        "NotImplemented",
        501,
    ),
    (
        "delete-objects-mfa",
        lambda s3, b: s3.delete_objects(
            Bucket=b, Delete={"Objects": [{"Key": SOURCE}]}, MFA="20899872 301749"
        ),
        "NotImplemented",
        501,
    ),
    (
        "versioning-mfa",
        lambda s3, b: s3.put_bucket_versioning(
            Bucket=b, VersioningConfiguration={"Status": "Enabled"}, MFA="20899872 301749"
        ),
        "NotImplemented",
        501,
    ),
    (
        "put-write-offset",
        lambda s3, b: s3.put_object(Bucket=b, Key=SOURCE, Body=b"more", WriteOffsetBytes=5),
        "NotImplemented",
        501,
    ),
    (
        "delete-if-match-size",
        lambda s3, b: s3.delete_object(Bucket=b, Key=SOURCE, IfMatchSize=5),
        "NotImplemented",
        501,
    ),
    (
        "delete-if-match-last-modified",
        lambda s3, b: s3.delete_object(Bucket=b, Key=SOURCE, IfMatchLastModifiedTime=FUTURE),
        "NotImplemented",
        501,
    ),
]


def _state(s3: BaseClient, bucket: str) -> Any:
    """Everything a refused request could have changed: buckets, versions, uploads."""
    versions = s3.list_object_versions(Bucket=bucket)
    return (
        sorted(b["Name"] for b in s3.list_buckets()["Buckets"]),
        [(v["Key"], v["VersionId"], v["ETag"]) for v in versions.get("Versions", [])],
        versions.get("DeleteMarkers", []),
        s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []),
        s3.get_bucket_versioning(Bucket=bucket).get("Status"),
        s3.get_object(Bucket=bucket, Key=SOURCE)["Body"].read(),
    )


@pytest.mark.parametrize(
    "call, code, status", [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_refused_headers_store_nothing(
    s3: BaseClient, bucket: str, call: Call, code: str, status: int
) -> None:
    s3.put_object(Bucket=bucket, Key=SOURCE, Body=b"hello")
    before = _state(s3, bucket)
    with raises_client_error(code, status):
        call(s3, bucket)
    assert _state(s3, bucket) == before


def test_object_lock_message_and_not_implemented_names_the_header(
    s3: BaseClient, bucket: str, raw: Raw
) -> None:
    with raises_client_error("InvalidRequest", 400) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert caught.value.response["Error"]["Message"] == (
        "Bucket is missing ObjectLockConfiguration"
    )
    with raises_client_error("AccessControlListNotSupported", 400) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    assert caught.value.response["Error"]["Message"] == "The bucket does not allow ACLs"
    fields = assert_s3_error(
        raw("DELETE", f"/{bucket}/k", headers={"x-amz-mfa": "1 2"}), "NotImplemented", 501
    )
    assert fields["Header"] == "x-amz-mfa"


def test_missing_bucket_is_named_before_the_header(s3: BaseClient) -> None:
    with raises_client_error("NoSuchBucket", 404):
        s3.put_object(Bucket="no-such-bucket-acl", Key="k", Body=b"x", ACL="public-read")
    with raises_client_error("NoSuchBucket", 404):
        s3.put_object(
            Bucket="no-such-bucket-acl", Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON"
        )


def test_post_upload_acl_field_is_refused(s3: BaseClient, bucket: str, endpoint: str) -> None:
    def post(acl: str) -> requests.Response:
        return requests.post(
            f"{endpoint}/{bucket}",
            data={"key": f"posted-{acl}", "acl": acl},
            files={"file": ("a.txt", b"form data")},
            timeout=30,
        )

    assert_s3_error(post("public-read"), "AccessControlListNotSupported", 400)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    assert post("bucket-owner-full-control").status_code == 204
    got = s3.get_object(Bucket=bucket, Key="posted-bucket-owner-full-control")
    assert got["Body"].read() == b"form data"


def test_aws_cli_acl_is_refused(
    aws: Aws,
    s3: BaseClient,
    bucket: str,
    tmp_path: Any,
) -> None:
    source = tmp_path / "report.csv"
    source.write_bytes(b"a,b")
    refused = aws(
        "s3", "cp", str(source), f"s3://{bucket}/report.csv", "--acl", "public-read", check=False
    )
    assert refused.returncode != 0
    assert "AccessControlListNotSupported" in refused.stderr
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    aws("s3", "cp", str(source), f"s3://{bucket}/report.csv", "--acl", "bucket-owner-full-control")
    assert s3.get_object(Bucket=bucket, Key="report.csv")["Body"].read() == b"a,b"


def test_bucket_owner_full_control_is_accepted(s3: BaseClient, bucket: str) -> None:
    owner = s3.list_buckets()["Owner"]["ID"]
    s3.put_object(Bucket=bucket, Key=SOURCE, Body=b"source")
    s3.put_object(Bucket=bucket, Key="canned", Body=b"a", ACL="bucket-owner-full-control")
    s3.put_object(Bucket=bucket, Key="granted", Body=b"b", GrantFullControl=f'id="{owner}"')
    s3.copy_object(**_copy(bucket, ACL="bucket-owner-full-control"))
    upload = s3.create_multipart_upload(Bucket=bucket, Key="multi", ACL="bucket-owner-full-control")
    s3.abort_multipart_upload(Bucket=bucket, Key="multi", UploadId=upload["UploadId"])
    assert s3.get_object(Bucket=bucket, Key="canned")["Body"].read() == b"a"
    assert s3.get_object(Bucket=bucket, Key="granted")["Body"].read() == b"b"
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == b"source"


def test_create_bucket_with_default_ownership_settings(s3: BaseClient) -> None:
    owner = s3.list_buckets()["Owner"]["ID"]
    names = [unique_bucket_name("accepted") for _ in range(3)]
    s3.create_bucket(Bucket=names[0], ACL="private", ObjectOwnership="BucketOwnerEnforced")
    s3.create_bucket(Bucket=names[1], GrantFullControl=f'id="{owner}"')
    s3.create_bucket(Bucket=names[2], ObjectLockEnabledForBucket=False)
    listed = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert set(names) <= listed
    for name in names:
        s3.delete_bucket(Bucket=name)


def test_request_payer_is_accepted_and_nothing_is_charged(s3: BaseClient, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"paid", RequestPayer="requester")
    got = s3.get_object(Bucket=bucket, Key="k", RequestPayer="requester")
    listed = s3.list_objects_v2(Bucket=bucket, RequestPayer="requester")
    assert got["Body"].read() == b"paid"
    assert [o["Key"] for o in listed["Contents"]] == ["k"]
    for response in (put, got, listed):
        assert "RequestCharged" not in response


def test_bypass_governance_retention_deletes(s3: BaseClient) -> None:
    """In a bucket with Object Lock (elsewhere the header is InvalidArgument, as on AWS:
    tests/api/test_object_lock.py)."""
    name = unique_bucket_name("bypass")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    first = s3.put_object(Bucket=name, Key="k", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=name, Key="k", VersionId=first, BypassGovernanceRetention=True)
    second = s3.put_object(Bucket=name, Key="k2", Body=b"x")["VersionId"]
    s3.delete_objects(
        Bucket=name,
        Delete={"Objects": [{"Key": "k2", "VersionId": second}]},
        BypassGovernanceRetention=True,
    )
    assert "Versions" not in s3.list_object_versions(Bucket=name)
    s3.delete_bucket(Bucket=name)


def test_optional_object_attributes_on_listings(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for listing in (s3.list_objects_v2, s3.list_objects, s3.list_object_versions):
        page = listing(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])
        entries = page.get("Contents") or page.get("Versions")
        assert [e["Key"] for e in entries] == ["k"]
        assert "RestoreStatus" not in entries[0]  # never restored, as on AWS
        with raises_client_error("InvalidArgument", 400):
            listing(Bucket=bucket, OptionalObjectAttributes=["Owner"])


def test_annotation_directive(s3: BaseClient, bucket: str, raw: Raw) -> None:
    s3.put_object(Bucket=bucket, Key=SOURCE, Body=b"hello")
    headers = {"x-amz-copy-source": f"/{bucket}/{SOURCE}"}
    for directive in ("COPY", "EXCLUDE"):
        key = f"copy-{directive}"
        copied = raw(
            "PUT",
            f"/{bucket}/{key}",
            headers={**headers, "x-amz-object-annotation-directive": directive},
        )
        assert copied.status_code == 200, copied.text
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"hello"
    bad = raw(
        "PUT",
        f"/{bucket}/copy-bad",
        headers={**headers, "x-amz-object-annotation-directive": "MERGE"},
    )
    assert_s3_error(bad, "InvalidArgument", 400)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["copy-COPY", "copy-EXCLUDE", SOURCE]


def test_bucket_namespace(s3: BaseClient, raw: Raw) -> None:
    name = f"ns-{uuid.uuid4().hex[:16]}"
    refused = raw("PUT", f"/{name}", headers={"x-amz-bucket-namespace": "account-regional"})
    assert assert_s3_error(refused, "NotImplemented", 501)["Header"] == "x-amz-bucket-namespace"
    accepted = raw("PUT", f"/{name}", headers={"x-amz-bucket-namespace": "global"})
    assert accepted.status_code == 200, accepted.text
    s3.delete_bucket(Bucket=name)


def test_a_request_target_in_absolute_form_is_taken(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    """``PUT http://host/bucket/key``: RFC 9112 3.2.2 asks every server to take it, and S3
    does (Swift's s3api tests, written against AWS; botocore sends it through a forwarding
    proxy). cheroot refused it, 400, outside proxy mode."""
    put = exchange(
        endpoint,
        request("PUT", f"{endpoint}/{bucket}/abs%20form?x-id=PutObject", [("Content-Length", "2")])
        + b"hi",
    )
    assert put.status == 200, put.raw
    assert s3.get_object(Bucket=bucket, Key="abs form")["Body"].read() == b"hi"
    listed = exchange(endpoint, request("GET", f"{endpoint}/{bucket}?list-type=2", []))
    assert listed.status == 200 and b"<Key>abs form</Key>" in listed.body
