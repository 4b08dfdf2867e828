"""HTTP dates: one formatter and one parser for every header fakes3 writes or reads.

``time.strftime("%a, %d %b")`` follows the process locale (``So, 06 Dez`` under German), and
the in-process mode and pytest fixtures run in the user's locale, so names come from fixed
English tables here. Dates at the edges of the
calendar (``9999-12-31T23:59:59-14:00`` is year 10000 in UTC) are clamped to what a datetime
holds rather than raising ``OverflowError``.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_FIRST = datetime.min.replace(tzinfo=timezone.utc)
_LAST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def utc(value: datetime) -> datetime:
    """``value`` in UTC (naive means UTC), clamped to the years 1-9999."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        offset = value.utcoffset()
        return _LAST if offset is not None and offset.total_seconds() < 0 else _FIRST


def from_epoch(seconds: float) -> datetime:
    """Epoch seconds as an aware UTC datetime, clamped to the years 1-9999 (a lifecycle rule
    of 99,999,999 days is valid S3 input and lands far past what a datetime holds)."""
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return _LAST if seconds > 0 else _FIRST


def plus_days(when: datetime, days: float) -> datetime:
    """``when`` + ``days``, clamped to the years 1-9999 like ``from_epoch``."""
    try:
        return when + timedelta(days=days)
    except OverflowError:
        return _LAST if days > 0 else _FIRST


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(value: datetime | float) -> str:
    """RFC 9110's IMF-fixdate, as S3 sends ``Last-Modified``: ``Wed, 12 Oct 2009 17:50:00 GMT``.

    A number is epoch seconds."""
    if not isinstance(value, datetime):
        value = from_epoch(value)
    return _imf_fixdate(value if value.tzinfo is timezone.utc else utc(value))


@functools.lru_cache(maxsize=4096)  # every GET and HEAD writes its object's Last-Modified
def _imf_fixdate(when: datetime) -> str:
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} GMT"
    )


def parse_http_date(text: str | None) -> datetime | None:
    """An RFC 9110 date (any of its three forms) as an aware UTC datetime; None if unreadable."""
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return utc(when)


# ISO 8601 as S3's clients write it (``2031-01-01T00:00:00.000Z``): the extended form, ASCII
# digits, optional time, fraction and zone (RFC 3339's lower case and space are taken too, and
# ``+0530``/``+05`` offsets). ``datetime.fromisoformat`` alone also takes week dates
# (``2031-W01-1``), the basic form (``20310101``) and non-ASCII digits.
_ISO8601 = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?"
    r"([Zz]|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)


def parse_iso8601(text: str) -> datetime | None:
    """An ISO 8601 date-time as an aware UTC datetime (no zone means UTC); None if unreadable."""
    found = _ISO8601.fullmatch(text)
    if found is None:
        return None
    day, clock, fraction, zone = found.groups()
    normal = day + (f"T{clock}" if clock else "") + (f".{fraction[:6]}" if fraction else "")
    if zone is None or zone in "Zz":
        normal += "+00:00"
    else:
        normal += f"{zone[:3]}:{zone[-2:] if len(zone) > 3 else '00'}"  # +05:30, +0530, +05
    try:
        return utc(datetime.fromisoformat(normal))
    except ValueError:  # a 31st of February, an hour 25
        return None


__all__ = ["from_epoch", "http_date", "parse_http_date", "parse_iso8601", "plus_days", "utc"]
