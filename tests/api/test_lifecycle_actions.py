"""Lifecycle rules enforced on the store's manual clock, seen through boto3: expiration (delete
markers on versioned buckets), noncurrent versions, expired delete markers, incomplete uploads,
transitions, filters, the response headers, the journal and the control endpoint."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
from api_helpers import etag_of
from botocore.client import BaseClient

from fakes3.access_log_format import parse_line
from fakes3.app import FakeS3
from fakes3.server import Server

DAY = 86400


@pytest.fixture
def app(server: Server) -> Iterator[FakeS3]:
    """The server's app on a manual clock at the start of a UTC day; the wall clock after."""
    app = server.app
    assert isinstance(app, FakeS3)
    clock = app.consistency.manual_clock()
    clock.set(math.floor(clock.time() / DAY) * DAY + 3600)  # 01:00 UTC today
    yield app
    app.consistency.reset()


@pytest.fixture
def versioned(s3: BaseClient, bucket: str) -> Iterator[str]:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    yield bucket
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])


def lifecycle(s3: BaseClient, bucket: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}
    )


def keys(s3: BaseClient, bucket: str) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_expiration_days_at_the_midnight_after(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    lifecycle(
        s3,
        bucket,
        {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
    )
    put = s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="keep/a", Body=b"a")
    expected = datetime.fromtimestamp(
        math.ceil((app.store.clock.time() + DAY) / DAY) * DAY, timezone.utc
    )
    header = f'expiry-date="{expected:%a, %d %b %Y %H:%M:%S GMT}", rule-id="tmp"'
    assert put["Expiration"] == header
    assert s3.head_object(Bucket=bucket, Key="tmp/a")["Expiration"] == header
    assert s3.get_object(Bucket=bucket, Key="tmp/a")["Expiration"] == header
    # asked for by version id (here "null"), a read names no expiration (AWS: LocalStack's
    # validated test_bucket_lifecycle_configuration_object_expiry_versioned)
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="tmp/a", VersionId="null")
    assert "Expiration" not in s3.get_object(Bucket=bucket, Key="tmp/a", VersionId="null")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="keep/a")
    app.consistency.advance(DAY)  # 01:00 tomorrow: one day old, not yet midnight after it
    assert keys(s3, bucket) == ["keep/a", "tmp/a"]
    app.consistency.advance(23 * 3600)  # the next midnight: gone
    assert keys(s3, bucket) == ["keep/a"]
    app.journal.assert_called("S3.EXPIRE.OBJECT", bucket=bucket, key="tmp/a", method="SYSTEM")


def test_expiration_date_and_disabled_rules(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    tomorrow = datetime.fromtimestamp(math.ceil(app.store.clock.time() / DAY) * DAY, timezone.utc)
    lifecycle(
        s3,
        bucket,
        {
            "ID": "date",
            "Filter": {"Prefix": "d/"},
            "Status": "Enabled",
            "Expiration": {"Date": tomorrow},
        },
        {"ID": "off", "Filter": {"Prefix": "x/"}, "Status": "Disabled", "Expiration": {"Days": 1}},
    )
    for key in ("d/1", "x/1"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"a")
    app.consistency.advance(DAY)
    assert keys(s3, bucket) == ["x/1"]


def test_tag_and_size_filters_select_what_expires(
    app: FakeS3, s3: BaseClient, endpoint: str, bucket: str
) -> None:
    lifecycle(
        s3,
        bucket,
        {
            "ID": "tagged",
            "Status": "Enabled",
            "Expiration": {"Days": 1},
            "Filter": {"And": {"Prefix": "t/", "Tags": [{"Key": "tier", "Value": "tmp"}]}},
        },
        {
            "ID": "big",
            "Status": "Enabled",
            "Expiration": {"Days": 1},
            "Filter": {"ObjectSizeGreaterThan": 10},
        },
    )
    s3.put_object(Bucket=bucket, Key="t/tagged", Body=b"a", Tagging="tier=tmp")
    s3.put_object(Bucket=bucket, Key="t/other-tag", Body=b"a", Tagging="tier=keep")
    s3.put_object(Bucket=bucket, Key="small", Body=b"a" * 10)
    s3.put_object(Bucket=bucket, Key="large", Body=b"a" * 11)
    requests.post(f"{endpoint}/_fakes3/clock/advance", json={"seconds": 2 * DAY}, timeout=10)
    assert keys(s3, bucket) == ["small", "t/other-tag"]


def test_versioned_expiration_places_a_delete_marker(
    app: FakeS3, s3: BaseClient, versioned: str
) -> None:
    lifecycle(
        s3, versioned, {"ID": "e", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}
    )
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"a")["VersionId"]
    app.consistency.advance(2 * DAY)
    listed = s3.list_object_versions(Bucket=versioned)
    assert [v["VersionId"] for v in listed["Versions"]] == [first]
    assert len(listed["DeleteMarkers"]) == 1 and listed["DeleteMarkers"][0]["IsLatest"]
    app.journal.assert_called("S3.CREATE.DELETEMARKER", bucket=versioned, key="k")


def test_noncurrent_versions_trimmed_keeping_the_newer_ones(
    app: FakeS3, s3: BaseClient, versioned: str
) -> None:
    lifecycle(
        s3,
        versioned,
        {
            "ID": "nc",
            "Filter": {"Prefix": ""},
            "Status": "Enabled",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 2},
        },
    )
    ids = [
        s3.put_object(Bucket=versioned, Key="k", Body=str(n).encode())["VersionId"]
        for n in range(5)
    ]
    app.consistency.advance(DAY - 3600)  # midnight, but noncurrent for less than a day
    assert len(s3.list_object_versions(Bucket=versioned)["Versions"]) == 5
    app.consistency.advance(DAY)
    left = [v["VersionId"] for v in s3.list_object_versions(Bucket=versioned)["Versions"]]
    assert left == [ids[4], ids[3], ids[2]]  # current + the 2 newest noncurrent


# Noncurrent versions go a day after, then the delete markers left alone above nothing.
CLEAN_UP = {
    "ID": "clean",
    "Filter": {"Prefix": ""},
    "Status": "Enabled",
    "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
    "Expiration": {"ExpiredObjectDeleteMarker": True},
}


def test_expired_object_delete_marker_removed(app: FakeS3, s3: BaseClient, versioned: str) -> None:
    lifecycle(s3, versioned, CLEAN_UP)
    s3.put_object(Bucket=versioned, Key="k", Body=b"a")
    s3.delete_object(Bucket=versioned, Key="k")  # a marker over one noncurrent version
    app.consistency.advance(2 * DAY)  # the version expires, then the lone marker goes
    app.lifecycle.run()
    listed = s3.list_object_versions(Bucket=versioned)
    assert "Versions" not in listed and "DeleteMarkers" not in listed


def test_a_marker_over_locked_versions_is_no_lone_marker(app: FakeS3, s3: BaseClient) -> None:
    """Lifecycle never removes what Object Lock holds, nor a delete marker with versions
    under it: the marker stays until the last version goes (it was removed while a legal hold
    kept the version, and the deleted object came back)."""
    name = f"lc-locked-{int(datetime.now(timezone.utc).timestamp() * 1000)}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    lifecycle(s3, name, CLEAN_UP)
    until = datetime.fromtimestamp(app.store.clock.now().timestamp() + 4.5 * DAY, timezone.utc)
    held = s3.put_object(Bucket=name, Key="held", Body=b"h", ObjectLockLegalHoldStatus="ON")
    s3.put_object(
        Bucket=name,
        Key="kept",
        Body=b"k",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
    )
    for key in ("held", "kept"):
        s3.delete_object(Bucket=name, Key=key)
    for _ in range(3):
        app.consistency.advance(DAY)
        app.lifecycle.run()
    listed = s3.list_object_versions(Bucket=name)
    assert sorted(m["Key"] for m in listed["DeleteMarkers"]) == ["held", "kept"]
    assert sorted(v["Key"] for v in listed["Versions"]) == ["held", "kept"]
    assert keys(s3, name) == []
    app.consistency.advance(3 * DAY)  # the retention ends: the version goes, then its marker
    app.lifecycle.run()
    app.lifecycle.run()
    listed = s3.list_object_versions(Bucket=name)
    assert [m["Key"] for m in listed["DeleteMarkers"]] == ["held"]
    assert [v["Key"] for v in listed["Versions"]] == ["held"]
    s3.put_object_legal_hold(
        Bucket=name, Key="held", VersionId=held["VersionId"], LegalHold={"Status": "OFF"}
    )
    for item in listed["Versions"] + listed["DeleteMarkers"]:
        s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=name)


def test_incomplete_uploads_aborted_with_abort_headers(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    lifecycle(
        s3,
        bucket,
        {
            "ID": "mpu",
            "Filter": {"Prefix": "up/"},
            "Status": "Enabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2},
        },
    )
    doomed = s3.create_multipart_upload(Bucket=bucket, Key="up/a")
    kept = s3.create_multipart_upload(Bucket=bucket, Key="other/a")
    expected = datetime.fromtimestamp(
        math.ceil((app.store.clock.time() + 2 * DAY) / DAY) * DAY, timezone.utc
    )
    assert doomed["AbortDate"] == expected and doomed["AbortRuleId"] == "mpu"
    parts = s3.list_parts(Bucket=bucket, Key="up/a", UploadId=doomed["UploadId"])
    assert parts["AbortDate"] == expected and parts["AbortRuleId"] == "mpu"
    assert "AbortDate" not in kept
    app.consistency.advance(3 * DAY)
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["UploadId"] for u in uploads] == [kept["UploadId"]]
    s3.abort_multipart_upload(Bucket=bucket, Key="other/a", UploadId=kept["UploadId"])


def test_transitions_change_the_storage_class(app: FakeS3, s3: BaseClient, versioned: str) -> None:
    lifecycle(
        s3,
        versioned,
        {
            "ID": "tiers",
            "Filter": {"ObjectSizeGreaterThan": 0},
            "Status": "Enabled",
            "Transitions": [
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 60, "StorageClass": "GLACIER"},
            ],
            "NoncurrentVersionTransitions": [{"NoncurrentDays": 5, "StorageClass": "GLACIER_IR"}],
        },
    )
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"old")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"new")
    s3.put_object(Bucket=versioned, Key="small-default", Body=b"x")
    app.consistency.advance(10 * DAY)
    assert s3.head_object(Bucket=versioned, Key="k", VersionId=old)["StorageClass"] == "GLACIER_IR"
    assert "StorageClass" not in s3.head_object(Bucket=versioned, Key="k")  # STANDARD
    app.consistency.advance(25 * DAY)
    assert s3.head_object(Bucket=versioned, Key="k")["StorageClass"] == "STANDARD_IA"
    app.consistency.advance(30 * DAY)
    classes = {
        v["Key"]: v["StorageClass"]
        for v in s3.list_object_versions(Bucket=versioned)["Versions"]
        if v["IsLatest"]
    }
    assert classes == {"k": "GLACIER", "small-default": "GLACIER"}
    for operation in ("S3.TRANSITION_GIR.OBJECT", "S3.TRANSITION_SIA.OBJECT"):
        app.journal.assert_called(operation, bucket=versioned, key="k")
    app.journal.assert_called("S3.TRANSITION.OBJECT", bucket=versioned, key="k")  # GLACIER


def test_default_minimum_size_keeps_small_objects_standard(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    lifecycle(
        s3,
        bucket,
        {
            "ID": "t",
            "Filter": {},
            "Status": "Enabled",
            "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}],
        },
    )
    s3.put_object(Bucket=bucket, Key="small", Body=b"x" * 1000)
    s3.put_object(Bucket=bucket, Key="large", Body=b"x" * (128 * 1024))
    app.consistency.advance(DAY)
    classes = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert classes == {"large": "GLACIER", "small": "STANDARD"}


def test_control_endpoint_runs_a_pass(
    app: FakeS3, s3: BaseClient, endpoint: str, bucket: str
) -> None:
    lifecycle(s3, bucket, {"ID": "e", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}})
    s3.put_object(Bucket=bucket, Key="k", Body=b"a")
    clock = app.consistency.manual_clock()
    clock.listeners.remove(app.lifecycle._clock_moved)  # steps without passes
    try:
        app.consistency.advance(2 * DAY)
        assert keys(s3, bucket) == ["k"]
        answer = requests.post(f"{endpoint}/_fakes3/lifecycle/run", timeout=10).json()
    finally:
        clock.listeners.append(app.lifecycle._clock_moved)
    assert [(a["operation"], a["key"], a["rule_id"]) for a in answer["actions"]] == [
        ("S3.EXPIRE.OBJECT", "k", "e")
    ]
    assert answer["actions"][0]["size"] == 1 and answer["actions"][0]["etag"] == etag_of(b"a")
    assert keys(s3, bucket) == []
    info = requests.get(f"{endpoint}/_fakes3/lifecycle", timeout=10).json()
    assert info["day"] == DAY and info["passes"] >= 1


def test_thirty_days_ahead_boto3_still_lists(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"a")
    app.consistency.advance(30 * DAY)
    assert keys(s3, bucket) == ["k"]  # signed with the real time, 30 days behind the store
    s3.put_object(Bucket=bucket, Key="later", Body=b"b")
    assert s3.head_object(Bucket=bucket, Key="later")["LastModified"].timestamp() == int(
        app.store.clock.time()
    )


def test_copy_and_complete_answer_the_expiration(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    lifecycle(
        s3,
        bucket,
        {"ID": "e", "Filter": {"Prefix": "e/"}, "Status": "Enabled", "Expiration": {"Days": 3}},
    )
    s3.put_object(Bucket=bucket, Key="src", Body=b"a")
    copied = s3.copy_object(Bucket=bucket, Key="e/copy", CopySource=f"{bucket}/src")
    assert copied["Expiration"].endswith('rule-id="e"')
    upload = s3.create_multipart_upload(Bucket=bucket, Key="e/mpu")
    part = s3.upload_part(
        Bucket=bucket, Key="e/mpu", UploadId=upload["UploadId"], PartNumber=1, Body=b"p"
    )
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="e/mpu",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["Expiration"].endswith('rule-id="e"')


def test_one_long_step_does_what_daily_evaluations_would(
    app: FakeS3, s3: BaseClient, versioned: str
) -> None:
    lifecycle(
        s3,
        versioned,
        {"ID": "expire", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}},
        {
            "ID": "noncurrent",
            "Filter": {"Prefix": "tidy/"},
            "Status": "Enabled",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
        },
    )
    s3.put_object(Bucket=versioned, Key="tidy/a", Body=b"a")
    kept = s3.put_object(Bucket=versioned, Key="kept/a", Body=b"a")["VersionId"]
    midnight_after_one_day = math.ceil((app.store.clock.time() + DAY) / DAY) * DAY
    app.consistency.advance(31 * DAY)  # one step: on day 2 markers, on day 3 tidy/a's version
    # goes, and its marker, alone and a day old, goes with the Days rule (S3's "expired object
    # delete marker" cleanup); kept/a keeps its version, so its marker stays
    listed = s3.list_object_versions(Bucket=versioned)
    assert [(v["Key"], v["VersionId"]) for v in listed["Versions"]] == [("kept/a", kept)]
    [marker] = listed["DeleteMarkers"]
    assert marker["Key"] == "kept/a" and marker["IsLatest"]
    assert marker["LastModified"].timestamp() == midnight_after_one_day  # dated at its pass
    operations = [e.operation for e in app.journal if e.method == "SYSTEM" and e.key == "tidy/a"]
    assert operations == ["S3.CREATE.DELETEMARKER", "S3.EXPIRE.OBJECT", "S3.EXPIRE.OBJECT"]


def test_lifecycle_actions_reach_the_buckets_access_log(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    target = f"{bucket}-logs"
    s3.create_bucket(Bucket=target)
    try:
        enabled = {"TargetBucket": target, "TargetPrefix": "l/"}
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": enabled})
        lifecycle(
            s3, bucket, {"ID": "e", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}
        )
        s3.put_object(Bucket=bucket, Key="gone", Body=b"a")
        app.consistency.advance(2 * DAY)
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
        app.access_logs.flush()
        lines = []
        for item in s3.list_objects_v2(Bucket=target)["Contents"]:
            body = s3.get_object(Bucket=target, Key=item["Key"])["Body"].read().decode()
            lines.extend(parse_line(line) for line in body.splitlines())
        [expired] = [line for line in lines if line["operation"] == "S3.EXPIRE.OBJECT"]
        assert (expired["key"], expired["requester"], expired["request_uri"]) == (
            "gone",
            "AmazonS3",
            "-",
        )
    finally:
        for item in s3.list_objects_v2(Bucket=target).get("Contents", []):
            s3.delete_object(Bucket=target, Key=item["Key"])
        s3.delete_bucket(Bucket=target)
