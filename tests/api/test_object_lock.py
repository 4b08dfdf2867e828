"""Object Lock through a live server: the bucket configuration, the lock a write gets, and what
a lock forbids, on the store's manual store_clock (both backends)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from api_helpers import md5_b64, raises_client_error
from botocore.client import BaseClient
from botocore.config import Config
from s3clients import client_for

from fakes3.server import Server
from fakes3.store.clock import ManualClock

PROTECTED = "Access Denied because object protected by object lock."


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def _lock_config(mode: str = "GOVERNANCE", **period: int) -> dict[str, Any]:
    return {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": mode, **period}}}


@pytest.fixture
def locked(cs3: BaseClient) -> str:
    name = _name("locked")
    cs3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


@pytest.fixture
def plain(cs3: BaseClient) -> str:
    name = _name("plain")
    cs3.create_bucket(Bucket=name)
    return name


def _lock_of(s3: BaseClient, bucket: str, key: str, **kwargs: Any) -> dict[str, Any]:
    head = s3.head_object(Bucket=bucket, Key=key, **kwargs)
    return {k: v for k, v in head.items() if k.startswith("ObjectLock")}


def _versions(s3: BaseClient, bucket: str) -> list[str]:
    listed = s3.list_object_versions(Bucket=bucket)
    return [v["VersionId"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


# The bucket configuration ----------------------------------------------------------------


def test_create_bucket_with_lock_turns_versioning_on(cs3: BaseClient, locked: str) -> None:
    assert cs3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    got = cs3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert got == {"ObjectLockEnabled": "Enabled"}
    with raises_client_error("InvalidBucketState", 409) as caught:
        cs3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Suspended"})
    assert caught.value.response["Error"]["Message"] == (
        "An Object Lock configuration is present on this bucket, so the versioning state "
        "cannot be changed."
    )
    assert cs3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    cs3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Enabled"})


def test_existing_bucket_needs_versioning_enabled(cs3: BaseClient, plain: str) -> None:
    with raises_client_error("ObjectLockConfigurationNotFoundError", 404):
        cs3.get_object_lock_configuration(Bucket=plain)
    with raises_client_error("InvalidBucketState", 409):
        cs3.put_object_lock_configuration(
            Bucket=plain, ObjectLockConfiguration=_lock_config(Days=1)
        )
    with raises_client_error("ObjectLockConfigurationNotFoundError", 404):
        cs3.get_object_lock_configuration(Bucket=plain)
    cs3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    cs3.put_object_lock_configuration(Bucket=plain, ObjectLockConfiguration=_lock_config(Days=1))
    got = cs3.get_object_lock_configuration(Bucket=plain)["ObjectLockConfiguration"]
    assert got == _lock_config(Days=1)
    with raises_client_error("InvalidBucketState", 409):
        cs3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Suspended"})


BAD_CONFIGS = [
    ({"ObjectLockEnabled": "Disabled"}, "MalformedXML", 400),
    ({"Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}, "MalformedXML", 400),
    (_lock_config(Days=1, Years=1), "MalformedXML", 400),
    (_lock_config(), "MalformedXML", 400),
    (_lock_config("governance", Days=1), "MalformedXML", 400),
    (_lock_config("invalid", Years=1), "MalformedXML", 400),
    (_lock_config(Days=0), "InvalidArgument", 400),
    (_lock_config(Years=-1), "InvalidArgument", 400),
    # at most 100 years, the user guide's limit (2147483647 years were stored, then clamped)
    (_lock_config(Days=36501), "InvalidArgument", 400),
    (_lock_config(Years=101), "InvalidArgument", 400),
    (_lock_config(Years=2147483647), "InvalidArgument", 400),
]


@pytest.mark.parametrize("period", [{"Days": 36500}, {"Years": 100}])
def test_the_longest_default_retention_is_100_years(
    cs3: BaseClient, locked: str, period: dict[str, int]
) -> None:
    cs3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_lock_config(**period))
    got = cs3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert got["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", **period}


def test_missing_and_empty_bodies(clocked_server: Server, cs3: BaseClient, locked: str) -> None:
    """As AWS answers them (moto's AWS-verified tests record both)."""
    response = requests.put(
        f"{clocked_server.endpoint_url}/{locked}?object-lock",
        headers={"Content-MD5": md5_b64(b"")},
        timeout=10,
    )
    assert response.status_code == 400 and "<Code>MissingRequestBodyError</Code>" in response.text
    with raises_client_error("MalformedXML", 400):
        cs3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={})


@pytest.mark.parametrize(("config", "code", "status"), BAD_CONFIGS)
def test_bad_configuration_keeps_the_previous_one(
    cs3: BaseClient, locked: str, config: dict[str, Any], code: str, status: int
) -> None:
    cs3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_lock_config(Days=3))
    with raises_client_error(code, status):
        cs3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=config)
    got = cs3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert got == _lock_config(Days=3)


# The lock a write gets ---------------------------------------------------------------------


def test_default_retention_on_put_copy_multipart_and_post(
    cs3: BaseClient, clocked_server: Server, store_clock: ManualClock, locked: str, plain: str
) -> None:
    cs3.put_object_lock_configuration(
        Bucket=locked, ObjectLockConfiguration=_lock_config("COMPLIANCE", Days=2)
    )
    now = store_clock.now()
    expected = {"ObjectLockMode": "COMPLIANCE", "ObjectLockRetainUntilDate": now + timedelta(2)}
    cs3.put_object(Bucket=locked, Key="put", Body=b"x")
    cs3.put_object(Bucket=plain, Key="source", Body=b"x")
    cs3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": plain, "Key": "source"})
    upload = cs3.create_multipart_upload(Bucket=locked, Key="mpu")
    part = cs3.upload_part(
        Bucket=locked, Key="mpu", UploadId=upload["UploadId"], PartNumber=1, Body=b"p"
    )
    cs3.complete_multipart_upload(
        Bucket=locked,
        Key="mpu",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    posted = requests.post(
        f"{clocked_server.endpoint_url}/{locked}",
        data={"key": "post"},
        files={"file": ("f", b"x")},
        timeout=10,
    )
    assert posted.status_code == 204, posted.text
    for key in ("put", "copy", "mpu", "post"):
        assert _lock_of(cs3, locked, key) == expected, key
    # A copy out of a locked bucket does not carry the lock along.
    cs3.copy_object(Bucket=plain, Key="out", CopySource={"Bucket": locked, "Key": "put"})
    assert _lock_of(cs3, plain, "out") == {}


def test_explicit_lock_headers_override_the_default(
    cs3: BaseClient, clocked_server: Server, store_clock: ManualClock, locked: str
) -> None:
    cs3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_lock_config(Days=1))
    until = store_clock.now() + timedelta(days=30)
    lock = {
        "ObjectLockMode": "COMPLIANCE",
        "ObjectLockRetainUntilDate": until,
        "ObjectLockLegalHoldStatus": "ON",
    }
    cs3.put_object(Bucket=locked, Key="put", Body=b"x", **lock)
    cs3.create_multipart_upload(Bucket=locked, Key="mpu", **lock)
    cs3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "put"}, **lock)
    posted = requests.post(
        f"{clocked_server.endpoint_url}/{locked}",
        data={
            "key": "post",
            "x-amz-object-lock-mode": "COMPLIANCE",
            "x-amz-object-lock-retain-until-date": until.isoformat(),
            "x-amz-object-lock-legal-hold": "ON",
        },
        files={"file": ("f", b"x")},
        timeout=10,
    )
    assert posted.status_code == 204, posted.text
    for key in ("put", "post", "copy"):
        assert _lock_of(cs3, locked, key) == lock
    [upload] = cs3.list_multipart_uploads(Bucket=locked)["Uploads"]
    cs3.abort_multipart_upload(Bucket=locked, Key="mpu", UploadId=upload["UploadId"])


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"ObjectLockMode": "GOVERNANCE"},
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
        ),
        ({"ObjectLockMode": "SOMETIMES", "future": 1}, "Unknown wormMode directive."),
        (
            {"ObjectLockMode": "GOVERNANCE", "past": 1},
            "The retain until date must be in the future!",
        ),
        ({"ObjectLockLegalHoldStatus": "MAYBE"}, "Legal Hold must be either of 'ON' or 'OFF'"),
    ],
)
def test_bad_lock_headers_store_nothing(
    cs3: BaseClient, store_clock: ManualClock, locked: str, headers: dict[str, Any], message: str
) -> None:
    if headers.pop("future", None):
        headers["ObjectLockRetainUntilDate"] = store_clock.now() + timedelta(days=1)
    if headers.pop("past", None):
        headers["ObjectLockRetainUntilDate"] = store_clock.now() - timedelta(seconds=1)
    with raises_client_error("InvalidArgument", 400) as caught:
        cs3.put_object(Bucket=locked, Key="k", Body=b"x", **headers)
    assert caught.value.response["Error"]["Message"] == message
    assert _versions(cs3, locked) == []


def test_a_locked_body_needs_content_md5_or_a_checksum(
    clocked_server: Server, cs3: BaseClient, locked: str
) -> None:
    bare = client_for(
        clocked_server.endpoint_url, config=Config(request_checksum_calculation="when_required")
    )
    bare.put_object(Bucket=locked, Key="free", Body=b"x")  # no default retention: no digest
    cs3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_lock_config(Days=1))
    with raises_client_error("InvalidRequest", 400) as caught:
        bare.put_object(Bucket=locked, Key="k", Body=b"x")
    assert "Content-MD5 OR x-amz-checksum- HTTP header is required" in str(caught.value)
    upload = bare.create_multipart_upload(Bucket=locked, Key="k")
    with raises_client_error("InvalidRequest", 400):
        bare.upload_part(
            Bucket=locked, Key="k", UploadId=upload["UploadId"], PartNumber=1, Body=b"p"
        )
    bare.put_object(Bucket=locked, Key="k", Body=b"x", ContentMD5=md5_b64(b"x"))
    cs3.put_object(Bucket=locked, Key="k", Body=b"x")  # boto3's default CRC32 is proof too
    assert len(_versions(cs3, locked)) == 3


def test_lock_headers_on_a_bucket_without_lock(
    cs3: BaseClient, store_clock: ManualClock, plain: str
) -> None:
    until = store_clock.now() + timedelta(days=1)
    with raises_client_error("InvalidRequest", 400) as caught:
        cs3.put_object(
            Bucket=plain,
            Key="k",
            Body=b"x",
            ObjectLockMode="GOVERNANCE",
            ObjectLockRetainUntilDate=until,
        )
    assert caught.value.response["Error"]["Message"] == "Bucket is missing ObjectLockConfiguration"
    cs3.put_object(Bucket=plain, Key="k", Body=b"x")
    for call in (
        lambda: cs3.get_object_retention(Bucket=plain, Key="k"),
        lambda: cs3.put_object_retention(
            Bucket=plain, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until}
        ),
        lambda: cs3.get_object_legal_hold(Bucket=plain, Key="k"),
        lambda: cs3.put_object_legal_hold(Bucket=plain, Key="k", LegalHold={"Status": "ON"}),
    ):
        with raises_client_error("InvalidRequest", 400) as caught:
            call()
        assert (
            caught.value.response["Error"]["Message"]
            == "Bucket is missing Object Lock Configuration"
        )
    # no LegalHold body at all: that is said first (AWS: LocalStack's validated
    # test_put_object_legal_hold_exc, put-object-retention-empty)
    with raises_client_error("MalformedXML", 400):
        cs3.put_object_legal_hold(Bucket=plain, Key="k")


def test_event_holds_are_not_implemented_and_the_token_is_accepted(
    clocked_server: Server, cs3: BaseClient, locked: str
) -> None:
    response = requests.put(
        f"{clocked_server.endpoint_url}/{locked}/k",
        data=b"x",
        headers={"x-amz-object-lock-event-hold": "ON", "Content-MD5": md5_b64(b"x")},
        timeout=10,
    )
    assert response.status_code == 501, response.text
    assert "<Header>x-amz-object-lock-event-hold</Header>" in response.text
    assert _versions(cs3, locked) == []
    cs3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Enabled"})
    cs3.put_object_lock_configuration(
        Bucket=locked, ObjectLockConfiguration=_lock_config(Days=1), Token="from-aws-support"
    )
    got = cs3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert got == _lock_config(Days=1)


@pytest.mark.parametrize("bypass", [True, False])
def test_bypass_governance_on_a_bucket_without_object_lock_is_invalid_argument(
    s3: BaseClient, bucket: str, bypass: bool
) -> None:
    """Sent at all, true or false (AWS: LocalStack's validated
    test_delete_object_with_no_locking); nothing is deleted."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    message = "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets."
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.delete_object(Bucket=bucket, Key="k", BypassGovernanceRetention=bypass)
    error = caught.value.response["Error"]
    assert (error["Message"], error["ArgumentName"]) == (
        message,
        "x-amz-bypass-governance-retention",
    )
    with raises_client_error("InvalidArgument", 400):
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": "k"}]}, BypassGovernanceRetention=bypass
        )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    s3.delete_object(Bucket=bucket, Key="k")  # without the header: as ever


@pytest.mark.parametrize("data_dir", [False, True], ids=["memory", "directory"])
def test_a_suites_stray_bypass_header_may_be_ignored(tmp_path: Path, data_dir: bool) -> None:
    """``--ignore-stray-bypass-governance``: ceph's s3-tests cleanup (DeleteObjects with
    BypassGovernanceRetention=True on every bucket) works; where there is Object Lock the
    header still bypasses GOVERNANCE and still does not bypass COMPLIANCE."""
    from fakes3.app import FakeS3
    from fakes3.settings import Settings

    settings = Settings(
        ignore_stray_bypass_governance=True, data_dir=str(tmp_path) if data_dir else None
    )
    app = FakeS3(settings)
    with Server(app, port=0) as server:
        s3 = client_for(server.endpoint_url)
        plain, locked = _name("stray"), _name("stray-locked")
        s3.create_bucket(Bucket=plain)
        s3.put_object(Bucket=plain, Key="k", Body=b"x")
        done = s3.delete_objects(
            Bucket=plain, Delete={"Objects": [{"Key": "k"}]}, BypassGovernanceRetention=True
        )
        assert [d["Key"] for d in done["Deleted"]] == ["k"] and not done.get("Errors")
        assert "Contents" not in s3.list_objects_v2(Bucket=plain)
        s3.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
        retain = {"Mode": "GOVERNANCE", "RetainUntilDate": "2099-01-01T00:00:00Z"}
        gov = s3.put_object(Bucket=locked, Key="g", Body=b"g", ChecksumAlgorithm="SHA256")
        s3.put_object_retention(
            Bucket=locked, Key="g", VersionId=gov["VersionId"], Retention=retain
        )
        comp = s3.put_object(Bucket=locked, Key="c", Body=b"c", ChecksumAlgorithm="SHA256")
        s3.put_object_retention(
            Bucket=locked,
            Key="c",
            VersionId=comp["VersionId"],
            Retention={**retain, "Mode": "COMPLIANCE"},
        )
        batch = [
            {"Key": "g", "VersionId": gov["VersionId"]},
            {"Key": "c", "VersionId": comp["VersionId"]},
        ]
        result = s3.delete_objects(
            Bucket=locked, Delete={"Objects": batch}, BypassGovernanceRetention=True
        )
        assert [d["Key"] for d in result["Deleted"]] == ["g"]
        assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("c", "AccessDenied")]
    assert not app.errors
    app.store.close()
