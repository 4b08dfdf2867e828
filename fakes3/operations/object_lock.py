"""Object Lock for buckets: the configuration, lock-enabled buckets, the lock a write asks for.

A bucket has Object Lock when it has an ``object-lock`` configuration in the store's
configuration home: CreateBucket with ``x-amz-bucket-object-lock-enabled: true`` stores one
(and turns versioning on), and PutObjectLockConfiguration stores one on a bucket whose
versioning is Enabled (AWS allows Object Lock on existing buckets since 2023). It is never
removed, and versioning can no longer be suspended.

Writes (PutObject, CopyObject, CreateMultipartUpload, POST uploads) give the new version the
lock their ``x-amz-object-lock-*`` headers ask for, else the bucket's default retention.
What a lock then forbids is the store's (``fakes3.store.object_lock``); the per-version
retention and legal hold operations are in ``operations/retention.py``.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fakes3.errors import (
    InvalidArgument,
    InvalidBucketState,
    InvalidRequest,
    MalformedXML,
    NotImplementedByFakeS3,
)
from fakes3.operations.context import Context, Params
from fakes3.protocol.dates import parse_iso8601, plus_days
from fakes3.store import Store
from fakes3.store.object_lock import MODES
from fakes3.store.records import ObjectRecord
from fakes3.store.versioning import ENABLED, SUSPENDED

NAME = "object-lock"  # the store's name for the configuration
ENABLED_ONLY = {"ObjectLockEnabled": "Enabled"}
DAYS_PER_YEAR = 365  # a default retention in Years counts 365 days a year
# The members of a write that ask for a lock.
WRITE_MEMBERS = ("ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")
MISSING_ON_WRITE = "Bucket is missing ObjectLockConfiguration"  # as AWS words it on writes
NEEDS_DIGEST = (
    "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with "
    "Object Lock parameters"
)


def configuration(store: Store, bucket: str) -> dict[str, Any] | None:
    """The bucket's Object Lock configuration (None: no Object Lock); a cached dict lookup."""
    value: dict[str, Any] | None = store.configs.get(bucket, NAME)
    return value


def bypass_of(ctx: Context, bucket: str, params: Params) -> bool:
    """``x-amz-bypass-governance-retention`` on a delete. Sent at all (true or false) to a
    bucket without Object Lock, it is InvalidArgument (AWS, as LocalStack's validated
    test_delete_object_with_no_locking recorded it for DeleteObject and DeleteObjects),
    unless ``Settings.ignore_stray_bypass_governance`` (a conformance suite's cleanup)."""
    value = params.get("BypassGovernanceRetention")
    if value is None:
        return False
    store = ctx.store
    store.get_bucket(bucket)  # NoSuchBucket first
    if configuration(store, bucket) is None:
        if ctx.settings.ignore_stray_bypass_governance:
            return False
        raise InvalidArgument(
            "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.",
            ArgumentName="x-amz-bypass-governance-retention",
        )
    return bool(value)


def validate(ctx: Context, params: Params, document: dict[str, Any]) -> dict[str, Any]:
    """PutObjectLockConfiguration's document: ``Enabled`` and an optional default retention
    (a mode and exactly one of Days and Years, positive)."""
    if document.get("ObjectLockEnabled") != "Enabled":
        raise MalformedXML()
    stored: dict[str, Any] = dict(ENABLED_ONLY)
    rule = document.get("Rule")
    if rule is not None:
        retention = rule.get("DefaultRetention")
        if not retention:
            raise MalformedXML()
        if retention.get("DefaultEventHold") is not None:
            raise NotImplementedByFakeS3("fakes3 does not implement Object Lock event holds.")
        mode, days, years = retention.get("Mode"), retention.get("Days"), retention.get("Years")
        if mode not in MODES or (days is None) == (years is None):
            raise MalformedXML()
        unit, period = ("Days", days) if days is not None else ("Years", years)
        if period <= 0:
            raise InvalidArgument(
                "Default retention period must be a positive integer value.",
                ArgumentName=unit,
                ArgumentValue=period,
            )
        if period > _LONGEST[unit]:  # the user guide: at most 100 years (36,500 days)
            raise InvalidArgument(
                f"Default retention period cannot exceed {_LONGEST[unit]} {unit.lower()}.",
                ArgumentName=unit,
                ArgumentValue=period,
            )
        stored["Rule"] = {"DefaultRetention": {"Mode": mode, unit: period}}
    bucket = params["Bucket"]
    if configuration(ctx.store, bucket) is None and ctx.store.bucket_now(bucket).versioning != (
        ENABLED
    ):
        raise InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
        )
    return stored


_LONGEST = {"Days": 36500, "Years": 100}


def enable(ctx: Context, bucket: str) -> None:
    """CreateBucket with ``x-amz-bucket-object-lock-enabled: true``: versioning Enabled and
    Object Lock on, with no default retention."""
    ctx.store.set_versioning(bucket, ENABLED)
    ctx.store.configs.put(bucket, NAME, ENABLED_ONLY)


def check_versioning(ctx: Context, bucket: str, status: str) -> None:
    """PutBucketVersioning: a bucket with Object Lock cannot be suspended (409)."""
    if status == SUSPENDED and configuration(ctx.store, bucket) is not None:
        raise InvalidBucketState(
            "An Object Lock configuration is present on this bucket, so the versioning state "
            "cannot be changed."
        )


def _date(value: Any) -> datetime:
    """A retain-until date: parsed by the protocol layer, or a POST form's ISO 8601 text."""
    if isinstance(value, str):
        parsed = parse_iso8601(value)
        if parsed is None:
            raise InvalidArgument(
                "The retain until date must be provided in ISO 8601 format",
                ArgumentName="x-amz-object-lock-retain-until-date",
                ArgumentValue=value,
            )
        value = parsed
    if not isinstance(value, datetime):
        raise InvalidArgument("The retain until date must be provided in ISO 8601 format")
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def future_date(value: Any, now: datetime) -> datetime:
    until = _date(value)
    if until <= now:
        raise InvalidArgument("The retain until date must be in the future!")
    return until


def for_write(store: Store, bucket: str, params: Params) -> dict[str, Any]:
    """The lock fields (``ObjectRecord.lock_*``, ``legal_hold``) a new version gets: those the
    write's ``x-amz-object-lock-*`` members ask for, else the bucket's default retention.

    A bucket without Object Lock refuses lock headers (400 InvalidRequest), as AWS does.
    """
    mode = params.get("ObjectLockMode")
    until = params.get("ObjectLockRetainUntilDate")
    hold = params.get("ObjectLockLegalHoldStatus")
    config = configuration(store, bucket)
    if config is None:
        if mode is not None or until is not None or hold is not None:
            raise InvalidRequest(MISSING_ON_WRITE)
        return {}
    now = store.clock.now()
    lock: dict[str, Any] = {}
    if mode is not None or until is not None:
        if mode is None or until is None:
            raise InvalidArgument(
                "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be "
                "supplied"
            )
        if mode not in MODES:
            raise InvalidArgument(
                "Unknown wormMode directive.",
                ArgumentName="x-amz-object-lock-mode",
                ArgumentValue=mode,
            )
        lock = {"lock_mode": mode, "lock_until": future_date(until, now).isoformat()}
    else:
        default = (config.get("Rule") or {}).get("DefaultRetention")
        if default:
            days = default.get("Days") or DAYS_PER_YEAR * default["Years"]
            lock = {"lock_mode": default["Mode"], "lock_until": plus_days(now, days).isoformat()}
    if hold is not None:
        if hold not in ("ON", "OFF"):
            raise InvalidArgument(
                "Legal Hold must be either of 'ON' or 'OFF'",
                ArgumentName="x-amz-object-lock-legal-hold",
                ArgumentValue=hold,
            )
        lock["legal_hold"] = hold
    return lock


def require_digest(lock: dict[str, Any], params: Params) -> None:
    """A body written under a lock must come with Content-MD5 or an ``x-amz-checksum-*`` value
    (header or trailer), S3's rule; a signed payload's SHA-256 is not enough."""
    if lock and params.get("ContentMD5") is None and params["Body"].checksum_algorithm is None:
        raise InvalidRequest(NEEDS_DIGEST)


def lock_output(record: ObjectRecord) -> dict[str, Any]:
    """GET/HEAD's ``x-amz-object-lock-*`` headers for the version."""
    output: dict[str, Any] = {}
    if record.lock_mode is not None and record.lock_until is not None:
        output["ObjectLockMode"] = record.lock_mode
        output["ObjectLockRetainUntilDate"] = datetime.fromisoformat(record.lock_until)
    if record.legal_hold is not None:
        output["ObjectLockLegalHoldStatus"] = record.legal_hold
    return output


def upload_lock(attrs: dict[str, Any]) -> dict[str, Any]:
    """The lock fields a multipart upload's object will get (its parts need a digest then)."""
    return {name: attrs[name] for name in ("lock_mode", "legal_hold") if attrs.get(name)}
