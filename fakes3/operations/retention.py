"""A version's Object Lock sub-resources: Put/GetObjectRetention and Put/GetObjectLegalHold.

Both live on the version's record and change through ``Store.rewrite_object``, whose
``change`` runs under the store's lock: the rule for a retention change
(``fakes3.store.object_lock.check_retention_change``) is checked against the record as it
is at that moment, on the store's clock.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fakes3.errors import (
    InvalidRequest,
    MalformedXML,
    NoSuchObjectLockConfiguration,
    NotImplementedByFakeS3,
)
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.object_lock import configuration, future_date
from fakes3.store.object_lock import MODES, check_retention_change, until_of
from fakes3.store.records import ObjectRecord

NO_OBJECT_LOCK = "Bucket is missing Object Lock Configuration"


def _lock_bucket(ctx: Context, bucket: str) -> None:
    """The four operations on a bucket without Object Lock: 400 InvalidRequest."""
    if configuration(ctx.store, bucket) is None:
        raise InvalidRequest(NO_OBJECT_LOCK)


def put_object_retention(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html

    A retention with neither Mode nor RetainUntilDate removes it (a running GOVERNANCE one
    only with ``x-amz-bypass-governance-retention``).
    """
    bucket = params["Bucket"]
    _lock_bucket(ctx, bucket)
    retention: dict[str, Any] = params.get("Retention") or {}
    if retention.get("EventHold") is not None or retention.get("EventHoldDuration") is not None:
        raise NotImplementedByFakeS3("fakes3 does not implement Object Lock event holds.")
    mode, until = retention.get("Mode"), retention.get("RetainUntilDate")
    if (mode is not None and mode not in MODES) or (mode is None) != (until is None):
        raise MalformedXML()
    clock = ctx.store.clock
    if until is not None:
        until = future_date(until, clock.now())
    bypass = bool(params.get("BypassGovernanceRetention"))

    def change(record: ObjectRecord) -> ObjectRecord:
        check_retention_change(record, mode, until, clock.now(), bypass)
        return replace(record, lock_mode=mode, lock_until=until.isoformat() if until else None)

    ctx.store.rewrite_object(bucket, params["Key"], params.get("VersionId"), change)
    return {}


def get_object_retention(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html"""
    bucket = params["Bucket"]
    _lock_bucket(ctx, bucket)
    record = ctx.store.head_object(bucket, params["Key"], params.get("VersionId"))
    if record.lock_mode is None:
        raise NoSuchObjectLockConfiguration()
    return {"Retention": {"Mode": record.lock_mode, "RetainUntilDate": until_of(record)}}


def put_object_legal_hold(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLegalHold.html"""
    bucket = params["Bucket"]
    if params.get("LegalHold") is None:  # no body: said before the bucket's lock (AWS:
        raise MalformedXML()  # LocalStack's validated test_put_object_legal_hold_exc)
    _lock_bucket(ctx, bucket)
    status = params["LegalHold"].get("Status")
    if status not in ("ON", "OFF"):
        raise MalformedXML()

    def change(record: ObjectRecord) -> ObjectRecord:
        return replace(record, legal_hold=status)

    ctx.store.rewrite_object(bucket, params["Key"], params.get("VersionId"), change)
    return {}


def get_object_legal_hold(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLegalHold.html"""
    bucket = params["Bucket"]
    _lock_bucket(ctx, bucket)
    record = ctx.store.head_object(bucket, params["Key"], params.get("VersionId"))
    if record.legal_hold is None:
        raise NoSuchObjectLockConfiguration()
    return {"LegalHold": {"Status": record.legal_hold}}


HANDLERS: dict[str, Handler] = {
    "PutObjectRetention": put_object_retention,
    "GetObjectRetention": get_object_retention,
    "PutObjectLegalHold": put_object_legal_hold,
    "GetObjectLegalHold": get_object_legal_hold,
}
