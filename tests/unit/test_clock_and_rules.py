"""The manual clock and the consistency presets and knobs, as pure values."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from fakes3.errors import InvalidArgument
from fakes3.store.clock import Clock, ManualClock
from fakes3.store.consistency_rules import PRESETS, make_rules


def test_the_wall_clock_is_whole_seconds_utc() -> None:
    now = Clock().now()
    assert now.tzinfo is timezone.utc and now.microsecond == 0


def test_the_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(1_000.25)
    assert clock.time() == clock.time() == 1_000.25
    assert clock.now() == datetime.fromtimestamp(1_000, timezone.utc)
    assert clock.advance(1.5) == 1_001.75
    assert clock.set(datetime(2020, 12, 1, tzinfo=timezone.utc)) == 1606780800.0
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2020, 12, 1))


def test_presets() -> None:
    assert PRESETS["strong"].strong
    assert not any(PRESETS[name].strong for name in PRESETS if name != "strong")
    aws = PRESETS["aws-2020"]
    assert aws.list_after_write and aws.negative_caching and not aws.read_after_write
    assert PRESETS["checker"].checking == make_rules("aws-2020")


def test_knobs() -> None:
    rules = make_rules("eventual", lag=2, keys="tmp/", replicas=1, probability=0.5)
    assert rules.lag == (2.0, 2.0) and rules.replicas == 1
    assert rules.covers("tmp/x") and not rules.covers("x/tmp/")
    assert make_rules("eventual", keys="*.csv").covers("a/b.csv")
    assert make_rules("strong", list_after_write=True).strong is False
    for bad in ({"replicas": 0}, {"lag": (-1, 2)}, {"probability": -0.1}, {"check": "nope"}):
        with pytest.raises(InvalidArgument):
            make_rules("aws-2020", **bad)
