"""S3's versioning rules: what a write, a delete or a read does to a key's versions.

A bucket is in one of three states: never versioned (``None``), ``Enabled`` or ``Suspended``
(it never goes back to ``None``).

- never versioned: one record per key, version id None (S3's "null", never shown);
- Enabled: every write and every delete adds a new version (a delete adds a delete marker);
- Suspended: a write or delete replaces the key's ``"null"`` version (a delete leaves a
  ``"null"`` delete marker) and keeps every other version.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html

Every function runs under the store's lock and returns the blob ids that no version uses any
more, for the store to delete once the index has changed.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime

from fakes3.errors import InvalidArgument, MethodNotAllowed, NoSuchKey, NoSuchVersion, S3Error
from fakes3.store.index import MetadataIndex
from fakes3.store.records import BucketRecord, ObjectRecord

NULL = "null"
ENABLED, SUSPENDED = "Enabled", "Suspended"
# fakes3's version ids: 32 URL-safe characters, as S3's are; anything else is malformed.
_VERSION_ID = re.compile(r"[A-Za-z0-9._-]{32}")
_CHECK = 4  # trailing characters that check the rest, so an id S3 never issued is "invalid"


_STAMP = 11  # leading characters of an id that hold when it was issued (66 bits, ns)
# S3's ids are letters, digits, "." and "_" (LocalStack's validated
# test_object_version_id_format); ids fakes3 issued before that check may hold "-".
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
_DIGIT = {char: value for value, char in enumerate(_ALPHABET)}
_stamp_lock = threading.Lock()
_last_stamp = 0


def _check_of(body: str, salt: bytes = b"fakes3-version-id:") -> str:
    digest = hashlib.sha256(salt + body.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_CHECK]


def _stamped_check(body: str) -> str:
    return _check_of(body, b"fakes3-version-id/stamped:").replace("-", ".")


def _next_stamp() -> int:
    """Nanoseconds of the wall clock, strictly increasing within the process."""
    global _last_stamp
    with _stamp_lock:
        _last_stamp = max(time.time_ns(), _last_stamp + 1)
        return _last_stamp


def new_version_id() -> str:
    """32 letters, digits, "." and "_": its issue time, a random part, 4 that check the rest.

    S3's version ids carry structure: an id it never issued (made up, or an issued one with
    characters changed) is ``InvalidArgument: Invalid version id specified`` (400), while
    one it issued whose version is gone is ``NoSuchVersion`` (404); and a version-id marker
    whose version is gone still says where a listing resumes (``issued_at``). The check lets
    fakes3 tell the two apart the same way, and the stamp keeps the place.
    """
    stamp = _next_stamp()
    body = "".join(_ALPHABET[(stamp >> shift) & 63] for shift in range(60, -6, -6))
    body += secrets.token_urlsafe(13)[: 28 - _STAMP].replace("-", ".")
    return body + _stamped_check(body)


def issued(version_id: str) -> bool:
    """Could fakes3 have issued this id? (Ids from before the check are found in the index
    instead: callers treat an id found there as issued.)"""
    if _VERSION_ID.fullmatch(version_id) is None:
        return False
    body, check = version_id[:-_CHECK], version_id[-_CHECK:]
    return check in (_stamped_check(body), _check_of(body))


def issued_at(version_id: str) -> int | None:
    """When fakes3 issued this id (ns since the epoch); None for ``null`` and for ids issued
    before ids carried the time."""
    if _VERSION_ID.fullmatch(version_id) is None:
        return None
    body = version_id[:-_CHECK]
    if version_id[-_CHECK:] != _stamped_check(body):
        return None
    stamp = 0
    for char in body[:_STAMP]:
        stamp = stamp << 6 | _DIGIT[char]
    return stamp


def older_than(record: ObjectRecord, stamp: int) -> bool:
    """Was ``record`` written before the version issued at ``stamp``? By its id's stamp, or
    for a ``null`` version (and ids from before stamps) by its Last-Modified."""
    issued_then = issued_at(record.version_id or NULL)
    if issued_then is not None:
        return issued_then < stamp
    return record.last_modified.timestamp() * 1e9 < stamp


def shaped_like_an_id(version_id: str) -> bool:
    """``null`` or 32 characters of an id's alphabet: what S3 checks of a version-id marker
    before anything else (Swift's s3api tests, written against AWS)."""
    return version_id == NULL or _VERSION_ID.fullmatch(version_id) is not None


def invalid_version_id(version_id: str, argument: str = "versionId") -> InvalidArgument:
    return InvalidArgument(
        "Invalid version id specified", ArgumentName=argument, ArgumentValue=version_id
    )


def check_version_id(bucket: BucketRecord, version_id: str) -> None:
    """A version id that cannot exist in this bucket is InvalidArgument, as in S3: anything
    but ``null`` in a bucket that never had versioning, anything not shaped like an id."""
    if version_id == NULL:
        return
    if not version_id:
        raise InvalidArgument(
            "Version id cannot be the empty string", ArgumentName="versionId", ArgumentValue=""
        )
    if bucket.versioning is None or not _VERSION_ID.fullmatch(version_id):
        raise invalid_version_id(version_id)


@dataclass(frozen=True)
class Deletion:
    """What a DeleteObject did, as S3 reports it (``x-amz-version-id``, ``x-amz-delete-marker``)."""

    version_id: str | None = None
    delete_marker: bool = False


def stamp(bucket: BucketRecord, record: ObjectRecord) -> ObjectRecord:
    """Give a new record the version id the bucket's state calls for."""
    if bucket.versioning is None:
        return record if record.version_id is None else replace(record, version_id=None)
    version_id = new_version_id() if bucket.versioning == ENABLED else NULL
    return replace(record, version_id=version_id)


def commit(index: MetadataIndex, bucket: BucketRecord, record: ObjectRecord) -> list[str]:
    """Make a stamped record the current version of its key."""
    name = bucket.name
    if bucket.versioning is None:
        previous = index.put(name, record)
        return [previous.blob_id] if previous is not None else []
    garbage = _drop_null(index, name, record.key) if record.version_id == NULL else []
    index.put(name, record)
    index.add_version(name, record)
    return garbage


def delete_current(
    index: MetadataIndex, bucket: BucketRecord, key: str, now: datetime
) -> tuple[Deletion, list[str]]:
    """DeleteObject without a version id: remove the object, or cover it with a marker."""
    name = bucket.name
    if bucket.versioning is None:
        previous = index.remove(name, key)
        return Deletion(), [previous.blob_id] if previous is not None else []
    version_id = new_version_id() if bucket.versioning == ENABLED else NULL
    garbage = _drop_null(index, name, key) if version_id == NULL else []
    index.remove(name, key)
    marker = ObjectRecord(
        key=key,
        blob_id="",
        size=0,
        etag="",
        last_modified=now,
        version_id=version_id,
        delete_marker=True,
    )
    index.add_version(name, marker)
    return Deletion(version_id, delete_marker=True), garbage


def delete_version(
    index: MetadataIndex, bucket: BucketRecord, key: str, version_id: str
) -> tuple[Deletion, list[str]]:
    """DeleteObject with a version id: remove exactly that version, for good.

    If it was the newest, the next newest becomes current (none, if that is a delete marker).
    Deleting a version fakes3 issued that is gone succeeds and changes nothing; an id it
    never issued is InvalidArgument, as S3 answers (see ``new_version_id``).
    """
    check_version_id(bucket, version_id)
    name = bucket.name
    if bucket.versioning is None:  # only "null" gets here: the one unversioned record
        previous = index.remove(name, key)
        return Deletion(), [previous.blob_id] if previous is not None else []
    removed = index.remove_version(name, key, version_id)
    if removed is None:
        if version_id != NULL and not issued(version_id):
            raise invalid_version_id(version_id)
        return Deletion(version_id), []
    latest = index.latest_version(name, key)  # what is current now
    if latest is None or latest.delete_marker:
        index.remove(name, key)
    else:
        current = index.get(name, key)
        if current is None or current.version_id != latest.version_id:
            index.put(name, latest)
    garbage = [] if removed.delete_marker else [removed.blob_id]
    return Deletion(version_id, removed.delete_marker), garbage


def _drop_null(index: MetadataIndex, bucket: str, key: str) -> list[str]:
    """Remove a key's ``"null"`` version (Suspended writes replace it)."""
    previous = index.remove_version(bucket, key, NULL)
    return [previous.blob_id] if previous is not None and not previous.delete_marker else []


def find(
    index: MetadataIndex, bucket: BucketRecord, key: str, version_id: str | None
) -> ObjectRecord:
    """The record GET and HEAD serve, or S3's error for why there is none.

    A current delete marker is ``NoSuchKey`` with ``x-amz-delete-marker: true``; a delete
    marker asked for by version id is ``MethodNotAllowed`` (405), as in S3.
    """
    name = bucket.name
    if version_id is None:
        record = index.get(name, key)
        if record is not None:
            return record
        marker = index.latest_version(name, key) if bucket.versioning else None
        if marker is not None and marker.delete_marker:
            raise _with_marker(NoSuchKey(Key=key), marker)
        raise NoSuchKey(Key=key)
    check_version_id(bucket, version_id)
    if bucket.versioning is None:
        record = index.get(name, key)
        if record is None:
            raise NoSuchKey(Key=key)
        return record
    record = index.get_version(name, key, version_id)
    if record is None:
        if version_id != NULL and not issued(version_id):
            raise invalid_version_id(version_id)
        raise NoSuchVersion(Key=key, VersionId=version_id)
    if record.delete_marker:
        # The app names the method used and the one a marker allows (app._refusal_of_method)
        error = MethodNotAllowed(Method="GET", ResourceType="DeleteMarker")
        raise _with_marker(error, record).with_members(LastModified=record.last_modified)
    return record


def _with_marker(error: S3Error, marker: ObjectRecord) -> S3Error:
    return error.with_members(DeleteMarker=True, VersionId=marker.version_id or NULL)


def scan_versions(
    index: MetadataIndex, bucket: str, start: str, inclusive: bool, after: str | None, limit: int
) -> list[ObjectRecord]:
    """``index.scan_versions``, and a version-id marker whose version is gone still marks the
    place: the listing resumes with the versions written before it, as S3's does."""
    if after is not None and index.get_version(bucket, start, after) is None:
        stamp = issued_at(after)
        if stamp is not None:
            older = _first_older(index, bucket, start, stamp)
            if older is None:
                return index.scan_versions(bucket, start, False, None, limit)
            return [older] + index.scan_versions(bucket, start, False, older.version_id, limit - 1)
    return index.scan_versions(bucket, start, inclusive, after, limit)


def _first_older(index: MetadataIndex, bucket: str, key: str, stamp: int) -> ObjectRecord | None:
    """The newest version of ``key`` written before the version issued at ``stamp``, which is
    gone: S3 resumes a listing there after a deleted version-id marker (LocalStack's validated
    test_list_objects_versions_with_prefix_only_and_pagination; what a loop deleting each page
    of versions as it lists them relies on). Versions written after it are passed over."""
    after: str | None = None
    while True:
        page = index.scan_versions(bucket, key, after is None, after, 100)
        for record in page:
            if record.key != key:
                return None
            if older_than(record, stamp):
                return record
        if len(page) < 100:
            return None
        after = page[-1].version_id
