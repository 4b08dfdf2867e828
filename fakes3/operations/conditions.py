"""Pure rules for conditional requests and byte ranges, shared by GET, HEAD and copies."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from fakes3.errors import InvalidRange, NotModified, PreconditionFailed
from fakes3.protocol.numbers import decimal
from fakes3.store.records import ObjectRecord

_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)")  # ASCII digits: \d matches others


def etag_matches(header: str, etag: str) -> bool:
    """Does an If-Match / If-None-Match value name this ETag? Quotes and ``W/`` are optional."""
    bare = etag.strip('"')
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate.strip('"') == bare:
            return True
    return False


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def modified_since(record: ObjectRecord, since: datetime) -> bool:
    return record.last_modified > _utc(since)


Now = Callable[[], datetime]  # the store's clock, asked only when a date condition needs it


def _not_modified_since(record: ObjectRecord, since: datetime, now: Now) -> bool:
    """If-Modified-Since fails: the object is not newer than ``since``, a date not in the
    future (S3 ignores one in the future: LocalStack's validated
    obj-ignore-future-modified-since and copy-ignore-future-modified-since)."""
    return not modified_since(record, since) and _utc(since) <= now()


def check_read_conditions(params: dict[str, Any], record: ObjectRecord, now: Now) -> None:
    """GET/HEAD preconditions with S3's precedence (If-Match over If-Unmodified-Since,
    If-None-Match over If-Modified-Since): 412 PreconditionFailed or 304 NotModified; an
    If-Modified-Since in the future is ignored.

    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax
    """
    if_match = params.get("IfMatch")
    if if_match is not None:
        if not etag_matches(if_match, record.etag):
            raise PreconditionFailed(Condition="If-Match")
    elif params.get("IfUnmodifiedSince") is not None:
        if modified_since(record, params["IfUnmodifiedSince"]):
            raise PreconditionFailed(Condition="If-Unmodified-Since")
    if_none_match = params.get("IfNoneMatch")
    if if_none_match is not None:
        if etag_matches(if_none_match, record.etag):
            raise _not_modified(record)
    elif params.get("IfModifiedSince") is not None:
        if _not_modified_since(record, params["IfModifiedSince"], now):
            raise _not_modified(record)


def _not_modified(record: ObjectRecord) -> NotModified:
    error = NotModified()
    return error.with_members(ETag=record.etag, LastModified=record.last_modified)  # type: ignore[return-value]


def check_copy_source_conditions(params: dict[str, Any], record: ObjectRecord, now: Now) -> None:
    """``x-amz-copy-source-if-*``: every failure is 412, with the same precedence as GET (an
    If-Modified-Since in the future is ignored)."""
    if_match = params.get("CopySourceIfMatch")
    if if_match is not None:
        if not etag_matches(if_match, record.etag):
            raise PreconditionFailed(Condition="x-amz-copy-source-If-Match")
    elif params.get("CopySourceIfUnmodifiedSince") is not None:
        if modified_since(record, params["CopySourceIfUnmodifiedSince"]):
            raise PreconditionFailed(Condition="x-amz-copy-source-If-Unmodified-Since")
    if_none_match = params.get("CopySourceIfNoneMatch")
    if if_none_match is not None:
        if etag_matches(if_none_match, record.etag):
            raise PreconditionFailed(Condition="x-amz-copy-source-If-None-Match")
    elif params.get("CopySourceIfModifiedSince") is not None:
        if _not_modified_since(record, params["CopySourceIfModifiedSince"], now):
            raise PreconditionFailed(Condition="x-amz-copy-source-If-Modified-Since")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """A single ``bytes=`` range as ``(first, last)`` inclusive, or None to serve it all.

    Syntax S3 does not understand (several ranges, other units) is ignored as HTTP says;
    a range that starts past the end is ``InvalidRange`` (416).
    """
    match = _RANGE.fullmatch(header.strip())
    if match is None or not (match[1] or match[2]):
        return None
    if match[1]:
        first = _number(match[1])
        if match[2] and _number(match[2]) < first:
            return None  # syntactically invalid: HTTP says ignore the header
        last = _number(match[2]) if match[2] else size - 1
        if first >= size:
            raise _invalid_range(header, size)
        return first, min(last, size - 1)
    suffix = _number(match[2])
    if suffix == 0 or size == 0:
        raise _invalid_range(header, size)
    return max(0, size - suffix), size - 1


def _number(digits: str) -> int:
    """A range bound; beyond any size (and past int()'s 4300-digit limit) it is just large."""
    return decimal(digits) or 0


def _invalid_range(header: str, size: int) -> InvalidRange:
    return InvalidRange(RangeRequested=header, ActualObjectSize=size)
