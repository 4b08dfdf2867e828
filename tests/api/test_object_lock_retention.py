"""Object Lock on versions through a live server: retention and legal hold rules, deletes that a
lock refuses, retention ending on the store's manual store_clock, and a restart mid-lock."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_helpers import raises_client_error
from botocore.client import BaseClient
from clocked import DAY
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store.clock import ManualClock

PROTECTED = "Access Denied because object protected by object lock."


@pytest.fixture
def locked(cs3: BaseClient) -> str:
    name = f"locked-{uuid.uuid4().hex[:16]}"
    cs3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def _retention(mode: str, until: datetime) -> dict[str, Any]:
    return {"Mode": mode, "RetainUntilDate": until}


def _retained(s3: BaseClient, bucket: str, key: str, mode: str, until: datetime) -> str:
    """A new version of ``key`` under ``mode`` until ``until``; its version id."""
    version = s3.put_object(Bucket=bucket, Key=key, Body=b"kept")["VersionId"]
    s3.put_object_retention(Bucket=bucket, Key=key, Retention=_retention(mode, until))
    return str(version)


def _version_ids(s3: BaseClient, bucket: str) -> set[str]:
    listed = s3.list_object_versions(Bucket=bucket)
    return {v["VersionId"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])}


def test_retention_round_trip_and_absent(
    cs3: BaseClient, store_clock: ManualClock, locked: str
) -> None:
    cs3.put_object(Bucket=locked, Key="k", Body=b"x")
    with raises_client_error("NoSuchObjectLockConfiguration", 404):
        cs3.get_object_retention(Bucket=locked, Key="k")
    until = store_clock.now() + timedelta(days=10, milliseconds=250)
    cs3.put_object_retention(Bucket=locked, Key="k", Retention=_retention("GOVERNANCE", until))
    assert cs3.get_object_retention(Bucket=locked, Key="k")["Retention"] == _retention(
        "GOVERNANCE", until
    )
    head = cs3.head_object(Bucket=locked, Key="k")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"]) == ("GOVERNANCE", until)


@pytest.mark.parametrize(
    ("mode", "change", "bypass", "allowed"),
    [
        ("GOVERNANCE", ("GOVERNANCE", +1), False, True),  # extend
        ("GOVERNANCE", ("GOVERNANCE", -1), False, False),  # shorten
        ("GOVERNANCE", ("GOVERNANCE", -1), True, True),
        ("GOVERNANCE", ("COMPLIANCE", 0), False, False),  # a mode change needs the bypass
        ("GOVERNANCE", ("COMPLIANCE", 0), True, True),
        ("GOVERNANCE", None, False, False),  # removal
        ("GOVERNANCE", None, True, True),
        ("COMPLIANCE", ("COMPLIANCE", +1), False, True),
        ("COMPLIANCE", ("COMPLIANCE", -1), True, False),
        ("COMPLIANCE", ("GOVERNANCE", +1), True, False),
        ("COMPLIANCE", None, True, False),
    ],
)
def test_retention_changes(
    cs3: BaseClient,
    store_clock: ManualClock,
    locked: str,
    mode: str,
    change: tuple[str, int] | None,
    bypass: bool,
    allowed: bool,
) -> None:
    until = store_clock.now() + timedelta(days=5)
    version = _retained(cs3, locked, "k", mode, until)
    retention = {} if change is None else _retention(change[0], until + timedelta(days=change[1]))
    call = {"Bucket": locked, "Key": "k", "VersionId": version, "Retention": retention}
    if bypass:
        call["BypassGovernanceRetention"] = True
    if allowed:
        cs3.put_object_retention(**call)
        if change is None:
            with raises_client_error("NoSuchObjectLockConfiguration", 404):
                cs3.get_object_retention(Bucket=locked, Key="k")
            return
    else:
        with raises_client_error("AccessDenied", 403):
            cs3.put_object_retention(**call)
        retention = _retention(mode, until)
    assert cs3.get_object_retention(Bucket=locked, Key="k")["Retention"] == retention


def test_anything_goes_once_retention_has_passed(
    cs3: BaseClient, store_clock: ManualClock, locked: str
) -> None:
    until = store_clock.now() + timedelta(days=1)
    _retained(cs3, locked, "k", "COMPLIANCE", until)
    store_clock.advance(DAY)
    cs3.put_object_retention(
        Bucket=locked, Key="k", Retention=_retention("GOVERNANCE", store_clock.now() + timedelta(1))
    )


@pytest.mark.parametrize(
    ("retention", "code"),
    [
        ({"Mode": "governance", "future": 1}, "MalformedXML"),
        ({"Mode": "GOVERNANCE"}, "MalformedXML"),
        ({"future": 1}, "MalformedXML"),
        ({"Mode": "GOVERNANCE", "past": 1}, "InvalidArgument"),
    ],
)
def test_bad_retention_changes_nothing(
    cs3: BaseClient, store_clock: ManualClock, locked: str, retention: dict[str, Any], code: str
) -> None:
    cs3.put_object(Bucket=locked, Key="k", Body=b"x")
    if retention.pop("future", None):
        retention["RetainUntilDate"] = store_clock.now() + timedelta(days=1)
    if retention.pop("past", None):
        retention["RetainUntilDate"] = store_clock.now()
    with raises_client_error(code, 400):
        cs3.put_object_retention(Bucket=locked, Key="k", Retention=retention)
    with raises_client_error("NoSuchObjectLockConfiguration", 404):
        cs3.get_object_retention(Bucket=locked, Key="k")


def test_deleting_a_retained_version(
    cs3: BaseClient, store_clock: ManualClock, locked: str
) -> None:
    until = store_clock.now() + timedelta(days=3)
    governed = _retained(cs3, locked, "gov", "GOVERNANCE", until)
    complied = _retained(cs3, locked, "comp", "COMPLIANCE", until)
    for key, version in (("gov", governed), ("comp", complied)):
        with raises_client_error("AccessDenied", 403) as caught:
            cs3.delete_object(Bucket=locked, Key=key, VersionId=version)
        assert caught.value.response["Error"]["Message"] == PROTECTED
    result = cs3.delete_objects(
        Bucket=locked,
        Delete={
            "Objects": [
                {"Key": "gov", "VersionId": governed},
                {"Key": "comp", "VersionId": complied},
            ]
        },
    )
    assert [(e["Key"], e["Code"], e["Message"]) for e in result["Errors"]] == [
        ("gov", "AccessDenied", PROTECTED),
        ("comp", "AccessDenied", PROTECTED),
    ]
    with raises_client_error("AccessDenied", 403):
        cs3.delete_object(
            Bucket=locked, Key="comp", VersionId=complied, BypassGovernanceRetention=True
        )
    result = cs3.delete_objects(
        Bucket=locked,
        Delete={"Objects": [{"Key": "gov", "VersionId": governed}]},
        BypassGovernanceRetention=True,
    )
    assert result["Deleted"] == [{"Key": "gov", "VersionId": governed}]
    assert _version_ids(cs3, locked) == {complied}
    # The store's store_clock decides: one second before the end it is kept, at the end it goes.
    store_clock.advance((until - store_clock.now()).total_seconds() - 1)
    with raises_client_error("AccessDenied", 403):
        cs3.delete_object(Bucket=locked, Key="comp", VersionId=complied)
    store_clock.advance(1)
    cs3.delete_object(Bucket=locked, Key="comp", VersionId=complied)
    assert _version_ids(cs3, locked) == set()


def test_a_delete_without_version_id_adds_a_marker(
    cs3: BaseClient, store_clock: ManualClock, locked: str
) -> None:
    version = _retained(cs3, locked, "k", "COMPLIANCE", store_clock.now() + timedelta(days=1))
    marker = cs3.delete_object(Bucket=locked, Key="k")
    assert marker["DeleteMarker"] is True
    with raises_client_error("NoSuchKey", 404):
        cs3.get_object(Bucket=locked, Key="k")
    assert cs3.get_object(Bucket=locked, Key="k", VersionId=version)["Body"].read() == b"kept"
    cs3.delete_object(Bucket=locked, Key="k", VersionId=marker["VersionId"])  # markers are free
    assert cs3.get_object(Bucket=locked, Key="k")["Body"].read() == b"kept"
    cs3.put_object(Bucket=locked, Key="k", Body=b"over")  # an overwrite is a new version
    assert _version_ids(cs3, locked) >= {version}


def test_legal_hold(cs3: BaseClient, store_clock: ManualClock, locked: str) -> None:
    version = cs3.put_object(Bucket=locked, Key="k", Body=b"x")["VersionId"]
    with raises_client_error("NoSuchObjectLockConfiguration", 404):
        cs3.get_object_legal_hold(Bucket=locked, Key="k")
    with raises_client_error("MalformedXML", 400):
        cs3.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "abc"})
    cs3.put_object_legal_hold(Bucket=locked, Key="k", VersionId=version, LegalHold={"Status": "ON"})
    assert cs3.get_object_legal_hold(Bucket=locked, Key="k")["LegalHold"] == {"Status": "ON"}
    assert cs3.head_object(Bucket=locked, Key="k")["ObjectLockLegalHoldStatus"] == "ON"
    store_clock.advance(400 * DAY)  # a legal hold has no end date
    for bypass in (False, True):
        with raises_client_error("AccessDenied", 403):
            cs3.delete_object(
                Bucket=locked, Key="k", VersionId=version, BypassGovernanceRetention=bypass
            )
    cs3.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "OFF"})
    assert cs3.get_object_legal_hold(Bucket=locked, Key="k")["LegalHold"] == {"Status": "OFF"}
    cs3.delete_object(Bucket=locked, Key="k", VersionId=version)
    assert _version_ids(cs3, locked) == set()


def test_default_retention_in_years_ends_on_the_clock(
    cs3: BaseClient, store_clock: ManualClock, locked: str
) -> None:
    config = {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}},
    }
    cs3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=config)
    created = store_clock.now()
    version = cs3.put_object(Bucket=locked, Key="k", Body=b"x")["VersionId"]
    retention = cs3.get_object_retention(Bucket=locked, Key="k")["Retention"]
    assert retention == _retention("COMPLIANCE", created + timedelta(days=365))
    store_clock.advance(364 * DAY)
    with raises_client_error("AccessDenied", 403):
        cs3.delete_object(Bucket=locked, Key="k", VersionId=version)
    store_clock.advance(DAY)
    cs3.delete_object(Bucket=locked, Key="k", VersionId=version)


def test_retention_survives_a_restart(tmp_path: Path) -> None:
    settings = Settings(auth="off", data_dir=str(tmp_path / "data"))
    start = datetime(2030, 1, 1, 12, 0, 0).astimezone()
    first = FakeS3(settings)
    first.consistency.manual_clock().set(start)
    with Server(first, port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="vault", ObjectLockEnabledForBucket=True)
        until = start + timedelta(days=10)
        version = _retained(s3, "vault", "k", "COMPLIANCE", until)
        held = s3.put_object(Bucket="vault", Key="held", Body=b"x", ObjectLockLegalHoldStatus="ON")
    first.store.close()
    second = FakeS3(settings)
    store_clock = second.consistency.manual_clock()
    store_clock.set(start + timedelta(days=5))  # the middle of the lock period
    with Server(second, port=0) as running:
        s3 = client_for(running.endpoint_url)
        assert s3.get_object_lock_configuration(Bucket="vault")["ObjectLockConfiguration"] == {
            "ObjectLockEnabled": "Enabled"
        }
        with raises_client_error("InvalidBucketState", 409):
            s3.put_bucket_versioning(
                Bucket="vault", VersioningConfiguration={"Status": "Suspended"}
            )
        with raises_client_error("AccessDenied", 403):
            s3.delete_object(Bucket="vault", Key="k", VersionId=version)
        with raises_client_error("AccessDenied", 403):
            s3.delete_object(Bucket="vault", Key="held", VersionId=held["VersionId"])
        assert s3.get_object_retention(Bucket="vault", Key="k")["Retention"] == _retention(
            "COMPLIANCE", until
        )
        store_clock.advance(5 * DAY)
        s3.delete_object(Bucket="vault", Key="k", VersionId=version)
    second.store.close()
