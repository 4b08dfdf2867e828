"""Object Lock's rules on a version: what may remove it and how its retention may change.

S3 stores a version's retention (mode and retain-until date) and legal hold on the version
itself. While the date is ahead of the store's clock, or the legal hold is ON, the version
cannot be removed: DeleteObject / DeleteObjects with its version id is ``AccessDenied``
(a delete without a version id only adds a delete marker, which removes nothing). A
GOVERNANCE retention yields to ``x-amz-bypass-governance-retention: true``; COMPLIANCE and
legal holds yield to nothing. The check runs inside the store's delete, under its lock, so no
request can slip between the check and the removal.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from fakes3.errors import AccessDenied
from fakes3.store.records import BucketRecord, ObjectRecord

if TYPE_CHECKING:
    from fakes3.store.store import Store

GOVERNANCE, COMPLIANCE = "GOVERNANCE", "COMPLIANCE"
MODES = (GOVERNANCE, COMPLIANCE)
PROTECTED = "Access Denied because object protected by object lock."


def until_of(record: ObjectRecord) -> datetime | None:
    """The version's retain-until date, or None."""
    return datetime.fromisoformat(record.lock_until) if record.lock_until else None


def retained(record: ObjectRecord, now: datetime) -> bool:
    """Whether the version's retention period is still running on the store's clock."""
    until = until_of(record)
    return until is not None and until > now


def protected(record: ObjectRecord, now: datetime, bypass_governance: bool) -> bool:
    """Whether the version may not be removed now."""
    if record.legal_hold == "ON":
        return True
    if not retained(record, now):
        return False
    return record.lock_mode == COMPLIANCE or not bypass_governance


def check_delete(
    store: Store, bucket: BucketRecord, key: str, version_id: str, bypass_governance: bool
) -> None:
    """DeleteObject with a version id: AccessDenied if that version is protected.

    Runs under the store's lock, before ``versioning.delete_version`` (which checks the id).
    """
    if bucket.versioning is None:
        return  # never versioned: no version can carry a lock
    record = store.index.get_version(bucket.name, key, version_id)
    if record is not None and protected(record, store.clock.now(), bypass_governance):
        raise AccessDenied(PROTECTED)


def check_retention_change(
    record: ObjectRecord,
    mode: str | None,
    until: datetime | None,
    now: datetime,
    bypass_governance: bool,
) -> None:
    """PutObjectRetention's rule: a running retention may be extended in its mode; shortening,
    removing or changing the mode of a GOVERNANCE one needs the bypass header; a COMPLIANCE
    one can only be extended. Once the date has passed, anything goes.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
    """
    if not retained(record, now):
        return
    current = until_of(record)
    assert current is not None
    extends = mode == record.lock_mode and until is not None and until >= current
    if extends:
        return
    if record.lock_mode == GOVERNANCE and bypass_governance:
        return
    raise AccessDenied("Access Denied")
