"""Archived storage classes and RestoreObject, on the store's clock.

A GLACIER or DEEP_ARCHIVE object is listed and answers HEAD, but GET (and copying from it) is
403 ``InvalidObjectState`` until a restore has finished. RestoreObject starts one (202),
answers 409 ``RestoreAlreadyInProgress`` while it runs and 200 once the copy is ready (the
expiry moves to ``Days`` from now). The restore state is two dates on the version's record,
written through ``Store.rewrite_object``: when the copy is ready and when it expires, so a
test moves the manual clock past them instead of waiting hours.

How long a restore takes (``DURATIONS``): the upper end of what AWS documents per class and
tier. The ``restore_seconds`` setting, when not 0, makes every restore take that many seconds.
The expiry is ``Days`` after the restore completes, rounded up to the next midnight UTC, as
AWS computes it.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from fakes3.errors import (
    InvalidArgument,
    InvalidObjectState,
    MalformedXML,
    NotImplementedByFakeS3,
    ObjectAlreadyInActiveTierError,
    RestoreAlreadyInProgress,
)
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.protocol.dates import http_date, plus_days
from fakes3.protocol.serializing import STATUS
from fakes3.store.clock import Clock
from fakes3.store.records import ObjectRecord

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
TIERS = ("Expedited", "Standard", "Bulk")
DURATIONS: dict[tuple[str, str], timedelta] = {
    ("GLACIER", "Expedited"): timedelta(minutes=5),
    ("GLACIER", "Standard"): timedelta(hours=5),
    ("GLACIER", "Bulk"): timedelta(hours=12),
    ("DEEP_ARCHIVE", "Standard"): timedelta(hours=12),
    ("DEEP_ARCHIVE", "Bulk"): timedelta(hours=48),
}
# What S3 answers a copy from an archived source (a real S3 answer captured in Apache Hadoop's
# troubleshooting_s3a.md); the model's ObjectNotInActiveTierError text is not sent.
NOT_ACTIVE = "Operation is not valid for the source object's storage class"


def _dates(record: ObjectRecord) -> tuple[datetime, datetime] | None:
    if record.restore_ready is None or record.restore_expiry is None:
        return None
    return datetime.fromisoformat(record.restore_ready), datetime.fromisoformat(
        record.restore_expiry
    )


def readable(record: ObjectRecord, now: datetime) -> bool:
    """Whether the version's bytes can be read now: not archived, or restored and unexpired."""
    if record.storage_class not in ARCHIVED:
        return True
    dates = _dates(record)
    return dates is not None and dates[0] <= now < dates[1]


def check_readable(record: ObjectRecord, clock: Clock) -> None:
    """GetObject of an archived version: 403 InvalidObjectState until it is restored (the
    clock is read only for archived versions: this runs on every GET)."""
    if record.storage_class in ARCHIVED and not readable(record, clock.now()):
        raise InvalidObjectState(StorageClass=record.storage_class)


def check_copy_source(record: ObjectRecord, clock: Clock) -> None:
    """CopyObject / UploadPartCopy from an archived version that is not restored."""
    if record.storage_class in ARCHIVED and not readable(record, clock.now()):
        raise InvalidObjectState(NOT_ACTIVE, StorageClass=record.storage_class)


def restore_output(record: ObjectRecord, clock: Clock) -> dict[str, Any]:
    """HEAD/GET's ``x-amz-restore``: running, or done with its expiry; nothing otherwise."""
    dates = _dates(record)
    if dates is None:
        return {}
    now = clock.now()
    if now >= dates[1]:
        return {}
    if now < dates[0]:
        return {"Restore": 'ongoing-request="true"'}
    return {"Restore": f'ongoing-request="false", expiry-date="{http_date(dates[1])}"'}


def restore_status(record: ObjectRecord, now: datetime) -> dict[str, Any] | None:
    """A listing entry's ``RestoreStatus`` (asked for with x-amz-optional-object-attributes)."""
    dates = _dates(record)
    if dates is None or now >= dates[1]:
        return None
    if now < dates[0]:
        return {"IsRestoreInProgress": True}
    return {"IsRestoreInProgress": False, "RestoreExpiryDate": dates[1]}


def _expiry(ready: datetime, days: int) -> datetime:
    """``days`` after ``ready``, rounded up to the next midnight UTC."""
    end = plus_days(ready, days)
    midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if midnight == end else plus_days(midnight, 1)


def restore_object(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html

    S3 Select restores (``Type=SELECT``, ``OutputLocation``) answer NotImplemented; a
    top-level ``Tier`` (theirs) without them is MalformedXML, as AWS answers it. An
    INTELLIGENT_TIERING object is never in an archive tier here: its restore is
    ``ObjectAlreadyInActiveTierError`` (``InvalidArgument`` with ``Days``, AWS's message).
    """
    request: dict[str, Any] = params.get("RestoreRequest") or {}
    if request.get("Type") not in (None, "SELECT"):  # the model's only RestoreRequestType
        raise MalformedXML()
    if request.get("Type") is not None or request.get("OutputLocation") is not None:
        raise NotImplementedByFakeS3("fakes3 does not implement S3 Select restores.")
    if request.get("Tier") is not None:  # the top-level Tier belongs to SELECT requests
        raise MalformedXML()
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or "Standard"
    if tier not in TIERS:
        raise MalformedXML()
    days = request.get("Days")
    if days is not None and days < 1:
        raise InvalidArgument(
            "The number of days must be a positive integer.",
            ArgumentName="Days",
            ArgumentValue=days,
        )
    clock, setting = ctx.store.clock, ctx.settings.restore_seconds
    answer: dict[str, int] = {}

    def change(record: ObjectRecord) -> ObjectRecord:
        now = clock.now()
        if record.storage_class == "INTELLIGENT_TIERING":  # never in an archive tier here
            if days is not None:
                raise InvalidArgument(
                    "INTELLIGENT_TIERING objects are not subject to restore expiry. Do not "
                    "specify Days when restoring this object"
                )
            raise ObjectAlreadyInActiveTierError()
        if record.storage_class not in ARCHIVED:
            raise InvalidObjectState(
                "Restore is not allowed for the object's current storage class"
            )
        duration = DURATIONS.get((record.storage_class, tier))
        if duration is None:
            raise InvalidArgument(
                f"{tier} retrieval is not available for the {record.storage_class} storage class.",
                ArgumentName="Tier",
                ArgumentValue=tier,
            )
        if days is None:
            raise MalformedXML()
        dates = _dates(record)
        if dates is not None and now < dates[0]:
            raise RestoreAlreadyInProgress()
        if dates is not None and now < dates[1]:  # restored: a new expiry, counted from now
            answer["status"] = 200
            return replace(record, restore_expiry=_expiry(now, days).isoformat())
        ready = now + (timedelta(seconds=setting) if setting else duration)
        answer["status"] = 202
        return replace(
            record, restore_ready=ready.isoformat(), restore_expiry=_expiry(ready, days).isoformat()
        )

    ctx.store.rewrite_object(params["Bucket"], params["Key"], params.get("VersionId"), change)
    return {STATUS: answer["status"]}


HANDLERS: dict[str, Handler] = {"RestoreObject": restore_object}
