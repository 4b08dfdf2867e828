"""RestoreObject's pure pieces: archived or readable, the x-amz-restore header, the expiry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from fakes3.errors import InvalidObjectState
from fakes3.operations.restore import (
    _expiry,
    check_readable,
    readable,
    restore_output,
    restore_status,
)
from fakes3.settings import Settings
from fakes3.store.clock import ManualClock
from fakes3.store.records import ObjectRecord

NOON = datetime(2030, 3, 1, 12, 0, tzinfo=timezone.utc)


def _record(storage_class: str, ready: datetime | None = None, days: int = 1) -> ObjectRecord:
    restore = {}
    if ready is not None:
        restore = {
            "restore_ready": ready.isoformat(),
            "restore_expiry": _expiry(ready, days).isoformat(),
        }
    return ObjectRecord("k", "b", 1, '"e"', NOON, storage_class=storage_class, **restore)


@pytest.mark.parametrize(
    ("ready", "days", "expiry"),
    [
        (NOON, 1, datetime(2030, 3, 3, tzinfo=timezone.utc)),  # rounded up to midnight
        (NOON.replace(hour=0), 2, datetime(2030, 3, 3, tzinfo=timezone.utc)),  # already midnight
        (
            datetime(2030, 2, 28, 23, 59, 59, tzinfo=timezone.utc),
            1,
            datetime(2030, 3, 2, tzinfo=timezone.utc),
        ),
    ],
)
def test_expiry_is_the_next_midnight_after_days(
    ready: datetime, days: int, expiry: datetime
) -> None:
    assert _expiry(ready, days) == expiry


def test_states_over_time() -> None:
    assert readable(_record("GLACIER_IR"), NOON)
    never = _record("GLACIER")
    assert not readable(never, NOON) and restore_output(never, ManualClock(NOON)) == {}
    with pytest.raises(InvalidObjectState):
        check_readable(never, ManualClock(NOON))
    record = _record("DEEP_ARCHIVE", ready=NOON + timedelta(hours=12))
    assert restore_output(record, ManualClock(NOON)) == {"Restore": 'ongoing-request="true"'}
    assert restore_status(record, NOON) == {"IsRestoreInProgress": True}
    done = NOON + timedelta(hours=12)
    assert readable(record, done)
    assert restore_output(record, ManualClock(done)) == {
        "Restore": 'ongoing-request="false", expiry-date="Sun, 03 Mar 2030 00:00:00 GMT"'
    }
    end = datetime(2030, 3, 3, tzinfo=timezone.utc)
    assert restore_status(record, done) == {"IsRestoreInProgress": False, "RestoreExpiryDate": end}
    assert not readable(record, end) and restore_status(record, end) is None


def test_restore_seconds_from_the_environment() -> None:
    assert Settings().restore_seconds == 0
    assert Settings.from_env({"FAKES3_RESTORE_SECONDS": "30"}).restore_seconds == 30
