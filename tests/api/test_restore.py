"""Storage classes and RestoreObject through a live server, on the store's manual store_clock (both
backends)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from email.utils import format_datetime

import pytest
from api_helpers import raises_client_error
from botocore.client import BaseClient
from clocked import DAY
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store.clock import ManualClock

_EXPEDITED = {"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}}
_BULK = {"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}}
GENERAL = [
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
]
ELSEWHERE = ["OUTPOSTS", "EXPRESS_ONEZONE", "SNOW", "FSX_OPENZFS", "FSX_ONTAP"]


@pytest.fixture
def bucket(cs3: BaseClient) -> str:
    name = f"classes-{uuid.uuid4().hex[:16]}"
    cs3.create_bucket(Bucket=name)
    return name


def _midnight_after(moment: datetime, days: int) -> datetime:
    end = moment + timedelta(days=days)
    midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if midnight == end else midnight + timedelta(days=1)


def _header(expiry: datetime) -> str:
    return f'ongoing-request="false", expiry-date="{format_datetime(expiry, usegmt=True)}"'


@pytest.mark.parametrize("storage_class", GENERAL)
def test_every_general_purpose_class_is_stored_and_reported(
    cs3: BaseClient, bucket: str, storage_class: str
) -> None:
    cs3.put_object(Bucket=bucket, Key="put", Body=b"x", StorageClass=storage_class)
    cs3.put_object(Bucket=bucket, Key="src", Body=b"x")
    cs3.copy_object(
        Bucket=bucket, Key="copy", CopySource=f"{bucket}/src", StorageClass=storage_class
    )
    upload = cs3.create_multipart_upload(Bucket=bucket, Key="mpu", StorageClass=storage_class)
    [listed] = cs3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert listed["StorageClass"] == storage_class
    cs3.abort_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload["UploadId"])
    shown = None if storage_class == "STANDARD" else storage_class  # HEAD omits STANDARD
    for key in ("put", "copy"):
        assert cs3.head_object(Bucket=bucket, Key=key).get("StorageClass") == shown
    classes = {o["Key"]: o["StorageClass"] for o in cs3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert classes == {"put": storage_class, "copy": storage_class, "src": "STANDARD"}


@pytest.mark.parametrize("storage_class", ELSEWHERE)
def test_classes_of_other_storage_are_refused(
    cs3: BaseClient, bucket: str, storage_class: str
) -> None:
    with raises_client_error("InvalidStorageClass", 400):
        cs3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class)
    with raises_client_error("InvalidStorageClass", 400):
        cs3.create_multipart_upload(Bucket=bucket, Key="k", StorageClass=storage_class)
    assert "Contents" not in cs3.list_objects_v2(Bucket=bucket)


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_archived_objects_are_listed_and_headed_but_not_read(
    cs3: BaseClient, bucket: str, storage_class: str
) -> None:
    cs3.put_object(Bucket=bucket, Key="k", Body=b"cold", StorageClass=storage_class)
    assert cs3.head_object(Bucket=bucket, Key="k")["ContentLength"] == 4
    with raises_client_error("InvalidObjectState", 403) as caught:
        cs3.get_object(Bucket=bucket, Key="k")
    assert caught.value.response["Error"]["StorageClass"] == storage_class
    with raises_client_error("InvalidObjectState", 403) as caught:
        cs3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/k")
    # S3's words for it (a real answer quoted in Apache Hadoop's troubleshooting_s3a.md)
    error = caught.value.response["Error"]
    assert error["Message"] == "Operation is not valid for the source object's storage class"
    assert error["StorageClass"] == storage_class
    upload = cs3.create_multipart_upload(Bucket=bucket, Key="mpu")
    with raises_client_error("InvalidObjectState", 403):
        cs3.upload_part_copy(
            Bucket=bucket,
            Key="mpu",
            UploadId=upload["UploadId"],
            PartNumber=1,
            CopySource=f"{bucket}/k",
        )
    cs3.abort_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload["UploadId"])


@pytest.mark.parametrize("storage_class", ["GLACIER_IR", "STANDARD_IA", "STANDARD"])
def test_instant_classes_read_and_refuse_restores(
    cs3: BaseClient, bucket: str, storage_class: str
) -> None:
    cs3.put_object(Bucket=bucket, Key="k", Body=b"warm", StorageClass=storage_class)
    assert cs3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"warm"
    with raises_client_error("InvalidObjectState", 403) as caught:
        cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest={"Days": 1})
    assert caught.value.response["Error"]["Message"] == (
        "Restore is not allowed for the object's current storage class"
    )


def test_intelligent_tiering_is_already_in_the_active_tier(cs3: BaseClient, bucket: str) -> None:
    cs3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="INTELLIGENT_TIERING")
    with raises_client_error("ObjectAlreadyInActiveTierError", 403):
        cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest={})
    with raises_client_error("InvalidArgument", 400) as caught:
        cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest={"Days": 1})
    assert "not subject to restore expiry" in caught.value.response["Error"]["Message"]
    assert cs3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_a_restore_runs_then_expires_on_the_clock(
    cs3: BaseClient, store_clock: ManualClock, bucket: str
) -> None:
    cs3.put_object(Bucket=bucket, Key="k", Body=b"cold", StorageClass="GLACIER")
    started = store_clock.now()
    request = {"Days": 2, "GlacierJobParameters": {"Tier": "Standard"}}
    answer = cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest=request)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert cs3.head_object(Bucket=bucket, Key="k")["Restore"] == 'ongoing-request="true"'
    with raises_client_error("RestoreAlreadyInProgress", 409):
        cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest=request)
    store_clock.advance(5 * 3600 - 1)  # Standard from GLACIER: 5 hours
    with raises_client_error("InvalidObjectState", 403):
        cs3.get_object(Bucket=bucket, Key="k")
    store_clock.advance(1)
    expiry = _midnight_after(started + timedelta(hours=5), 2)
    got = cs3.get_object(Bucket=bucket, Key="k")
    assert (got["Body"].read(), got["Restore"]) == (b"cold", _header(expiry))
    assert cs3.head_object(Bucket=bucket, Key="k")["StorageClass"] == "GLACIER"  # still
    cs3.copy_object(Bucket=bucket, Key="thawed", CopySource=f"{bucket}/k")
    assert cs3.get_object(Bucket=bucket, Key="thawed")["Body"].read() == b"cold"
    # Restoring again while restored: 200, the expiry counted from now.
    store_clock.advance(DAY)
    answer = cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest={"Days": 3})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    expiry = _midnight_after(store_clock.now(), 3)
    assert cs3.head_object(Bucket=bucket, Key="k")["Restore"] == _header(expiry)
    store_clock.advance((expiry - store_clock.now()).total_seconds())
    assert "Restore" not in cs3.head_object(Bucket=bucket, Key="k")
    with raises_client_error("InvalidObjectState", 403):
        cs3.get_object(Bucket=bucket, Key="k")
    answer = cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest={"Days": 1})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202


@pytest.mark.parametrize(
    ("storage_class", "tier", "hours"),
    [
        ("GLACIER", "Expedited", 5 / 60),
        ("GLACIER", "Standard", 5),
        ("GLACIER", "Bulk", 12),
        ("DEEP_ARCHIVE", "Standard", 12),
        ("DEEP_ARCHIVE", "Bulk", 48),
    ],
)
def test_tier_durations(
    cs3: BaseClient,
    store_clock: ManualClock,
    bucket: str,
    storage_class: str,
    tier: str,
    hours: float,
) -> None:
    cs3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class)
    request = {"Days": 1, "GlacierJobParameters": {"Tier": tier}}
    cs3.restore_object(Bucket=bucket, Key="k", RestoreRequest=request)
    store_clock.advance(hours * 3600 - 1)
    assert cs3.head_object(Bucket=bucket, Key="k")["Restore"] == 'ongoing-request="true"'
    store_clock.advance(1)
    assert cs3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_bad_restore_requests(cs3: BaseClient, bucket: str) -> None:
    cs3.put_object(Bucket=bucket, Key="deep", Body=b"x", StorageClass="DEEP_ARCHIVE")
    with raises_client_error("InvalidArgument", 400):
        cs3.restore_object(
            Bucket=bucket,
            Key="deep",
            RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}},
        )
    with raises_client_error("MalformedXML", 400):
        cs3.restore_object(Bucket=bucket, Key="deep", RestoreRequest={})
    with raises_client_error("InvalidArgument", 400):
        cs3.restore_object(Bucket=bucket, Key="deep", RestoreRequest={"Days": 0})
    with raises_client_error("MalformedXML", 400):  # the top-level Tier is SELECT's
        cs3.restore_object(Bucket=bucket, Key="deep", RestoreRequest={"Days": 1, "Tier": "Bulk"})
    with raises_client_error("NotImplemented", 501):
        cs3.restore_object(Bucket=bucket, Key="deep", RestoreRequest={"Type": "SELECT"})
    with raises_client_error("MalformedXML", 400):  # SELECT is the only type there is
        cs3.restore_object(Bucket=bucket, Key="deep", RestoreRequest={"Type": "FOO"})
    with raises_client_error("NoSuchKey", 404):
        cs3.restore_object(Bucket=bucket, Key="absent", RestoreRequest={"Days": 1})
    assert "Restore" not in cs3.head_object(Bucket=bucket, Key="deep")


def test_restore_status_in_listings(cs3: BaseClient, store_clock: ManualClock, bucket: str) -> None:
    cs3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = cs3.put_object(Bucket=bucket, Key="a", Body=b"1", StorageClass="GLACIER")["VersionId"]
    cs3.put_object(Bucket=bucket, Key="a", Body=b"2", StorageClass="GLACIER")
    cs3.put_object(Bucket=bucket, Key="b", Body=b"x", StorageClass="GLACIER")
    cs3.restore_object(Bucket=bucket, Key="a", VersionId=old, RestoreRequest={"Days": 1})
    cs3.restore_object(Bucket=bucket, Key="b", RestoreRequest=_EXPEDITED)
    store_clock.advance(300)
    asked = {"OptionalObjectAttributes": ["RestoreStatus"]}
    for listing in (cs3.list_objects_v2, cs3.list_objects):
        entries = listing(Bucket=bucket, **asked)["Contents"]
        assert "RestoreStatus" not in entries[0]  # the current "a" was never restored
        assert entries[1]["RestoreStatus"] == {
            "IsRestoreInProgress": False,
            "RestoreExpiryDate": _midnight_after(store_clock.now(), 1),
        }
        assert "RestoreStatus" not in listing(Bucket=bucket)["Contents"][1]  # not asked
    versions = cs3.list_object_versions(Bucket=bucket, **asked)["Versions"]
    statuses = {(v["Key"], v["VersionId"] == old): v.get("RestoreStatus") for v in versions}
    assert statuses[("a", True)] == {"IsRestoreInProgress": True}
    assert statuses[("a", False)] is None


def test_restore_seconds_setting() -> None:
    app = FakeS3(Settings(restore_seconds=30))
    store_clock = app.consistency.manual_clock()
    with Server(app, port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="fast")
        s3.put_object(Bucket="fast", Key="k", Body=b"x", StorageClass="DEEP_ARCHIVE")
        s3.restore_object(Bucket="fast", Key="k", RestoreRequest=_BULK)
        store_clock.advance(29)
        assert s3.head_object(Bucket="fast", Key="k")["Restore"] == 'ongoing-request="true"'
        store_clock.advance(1)
        assert s3.get_object(Bucket="fast", Key="k")["Body"].read() == b"x"
    assert not app.errors
