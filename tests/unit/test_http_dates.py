"""One HTTP date formatter and one parser (fakes3/protocol/dates.py), locale-independent; the
ISO 8601 parser and clamped date arithmetic beside them, and the XML body's integers.

The machine has no German locale to switch to, so the formatter is checked against the
standard library's locale-free ``email.utils.format_datetime`` for a date in every month and
on every weekday, and the old ``strftime`` call sites are checked to be gone.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from fakes3.app import _Date
from fakes3.errors import MalformedXML
from fakes3.protocol.dates import from_epoch, http_date, parse_http_date, parse_iso8601, plus_days
from fakes3.protocol.xmlbody import iso8601, scalar

ROOT = Path(__file__).resolve().parents[2]


def test_every_month_and_weekday_in_english() -> None:
    start = datetime(2026, 1, 1, 12, 34, 56, tzinfo=timezone.utc)
    seen_days, seen_months = set(), set()
    for offset in range(0, 372, 3):
        when = start + timedelta(days=offset)
        text = http_date(when)
        assert text == format_datetime(when, usegmt=True)
        seen_days.add(text[:3])
        seen_months.add(text.split()[2])
    assert seen_days == {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
    assert len(seen_months) == 12


def test_same_text_as_the_standard_library_for_any_zone_and_fraction() -> None:
    """The table formatter (cached per datetime) against ``email.utils.format_datetime``."""
    start = datetime(1, 1, 2, tzinfo=timezone.utc)
    step = timedelta(days=3652, hours=7, minutes=13, seconds=29, microseconds=123457)
    for n in range(1000):
        when = start + step * n
        zone = timezone(timedelta(hours=(n % 29) - 14))
        local = when.astimezone(zone) if 1 < when.year < 9999 else when
        expected = format_datetime(when, usegmt=True)
        assert http_date(when) == http_date(local) == expected
        assert http_date(local.replace(tzinfo=None) if local is when else when) == expected


def test_epoch_seconds_and_the_date_header() -> None:
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert http_date(1796587718) == format_datetime(
        datetime.fromtimestamp(1796587718, timezone.utc), usegmt=True
    )
    assert parse_http_date(_Date()()) is not None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime.fromisoformat("9999-12-31T23:59:59-14:00"), "Fri, 31 Dec 9999 23:59:59 GMT"),
        (datetime.fromisoformat("0001-01-01T00:00:00+14:00"), "Mon, 01 Jan 0001 00:00:00 GMT"),
        (datetime(2020, 2, 29, 1, 2, 3), "Sat, 29 Feb 2020 01:02:03 GMT"),  # naive is UTC
        (datetime.fromisoformat("2020-02-29T01:02:03+05:30"), "Fri, 28 Feb 2020 19:32:03 GMT"),
    ],
)
def test_calendar_edges_are_clamped_not_overflowing(value: datetime, text: str) -> None:
    assert http_date(value) == text


def test_iso8601_at_the_edges() -> None:
    assert iso8601(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01-01T00:00:00.000Z"
    late = datetime.fromisoformat("9999-12-31T23:59:59-14:00")
    assert iso8601(late) == "9999-12-31T23:59:59.000Z"


@pytest.mark.parametrize(
    "text",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # RFC 850
        "Sun Nov  6 08:49:37 1994",  # asctime
        "Sun, 06 Nov 1994 09:49:37 +0100",
    ],
)
def test_parser_reads_all_three_forms_as_utc(text: str) -> None:
    assert parse_http_date(text) == datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "yesterday",
        "Sun, 06 Nov " + "9" * 5000 + " 08:49:37 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 99999 08:49:37 GMT",
        "\x00",
    ],
)
def test_parser_gives_none_for_anything_unreadable(text: str | None) -> None:
    assert parse_http_date(text) is None


def test_no_locale_dependent_formatting_or_second_parser_left() -> None:
    found = subprocess.run(
        ["grep", "-rnE", r"%a|%b|parsedate_to_datetime|formatdate", "fakes3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert [line for line in found if not line.startswith("fakes3/protocol/dates.py")] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2031-01-01T00:00:00.000Z", datetime(2031, 1, 1, tzinfo=timezone.utc)),
        ("2031-01-01T05:30:00+05:30", datetime(2031, 1, 1, tzinfo=timezone.utc)),
        ("2030-12-31T19:00:00-0500", datetime(2031, 1, 1, tzinfo=timezone.utc)),
        ("2031-01-01T02:00:00+02", datetime(2031, 1, 1, tzinfo=timezone.utc)),
        ("2031-01-01 00:00:00z", datetime(2031, 1, 1, tzinfo=timezone.utc)),  # RFC 3339
        ("2031-01-01T00:00:00.123456789Z", datetime(2031, 1, 1, 0, 0, 0, 123456, timezone.utc)),
        ("2031-01-01T00:00", datetime(2031, 1, 1, tzinfo=timezone.utc)),  # no zone: UTC
        ("2031-01-01", datetime(2031, 1, 1, tzinfo=timezone.utc)),
    ],
)
def test_iso8601_parser_reads_the_extended_form(text: str, expected: datetime) -> None:
    assert parse_iso8601(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2031-W01-1",
        "20310101",
        "2031-01-01_00:00:00",
        "1e10",
        "1_956_528_000",
        "2031-02-31",
        "٢٠٣١-01-01",
        "2031-01-01T25:00:00Z",
        "",
    ],
)
def test_iso8601_parser_refuses_what_s3_does_not_read(text: str) -> None:
    assert parse_iso8601(text) is None


def test_epoch_and_day_arithmetic_clamp_at_the_calendar_edges() -> None:
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert from_epoch(1e15) == last and http_date(1e15) == "Fri, 31 Dec 9999 23:59:59 GMT"
    assert from_epoch(-1e15) == datetime.min.replace(tzinfo=timezone.utc)
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    assert plus_days(now, 99_999_999) == last
    assert plus_days(now, 1) == datetime(2026, 12, 8, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("integer", "7", 7),
        ("integer", "-3", -3),
        ("integer", "2147483647", 2**31 - 1),
        ("long", "9223372036854775807", 2**63 - 1),
    ],
)
def test_xml_integers_are_ascii_digits_in_the_model_s_range(
    kind: str, text: str, value: int
) -> None:
    assert scalar(kind, text) == value


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("integer", "1_000"),
        ("integer", "١٢"),
        ("integer", "+5"),
        ("integer", "2147483648"),
        ("integer", "9" * 5000),
        ("long", "9223372036854775808"),
        ("integer", ""),
    ],
)
def test_xml_integers_outside_that_are_malformed(kind: str, text: str) -> None:
    with pytest.raises(MalformedXML):
        scalar(kind, text)
