"""When lifecycle passes run (clock listeners, the background thread, on demand), and that a
pass leaves the store's lock free between its batches."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timezone
from typing import Any

from fakes3.app import FakeS3
from fakes3.errors import AccessDenied
from fakes3.settings import Settings
from fakes3.store.clock import Clock, ManualClock
from fakes3.store.lifecycle import BATCH, Done, Lifecycle
from fakes3.store.store import NewObject, Store, open_store

DAY = 86400
START = datetime(2030, 3, 10, 15, 30, tzinfo=timezone.utc).timestamp()
EXPIRE_ALL = {
    "Rules": [{"ID": "all", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}]
}


def store_with(count: int, clock: Clock) -> Store:
    store = open_store(clock=clock)
    store.create_bucket("bkt", "us-east-1")
    for n in range(count):
        store.put_object("bkt", f"k{n:05d}", io.BytesIO(b"x"), NewObject())
    store.configs.put("bkt", "lifecycle", EXPIRE_ALL)
    return store


def test_a_step_across_midnight_runs_a_pass_a_step_within_a_day_does_not() -> None:
    clock = ManualClock(START)
    store = store_with(3, clock)
    lifecycle = Lifecycle(store)
    clock.advance(3600)  # 16:30, same day
    assert lifecycle.passes == 0
    clock.advance(DAY)  # past midnight, but the objects are not a day old at a midnight yet
    assert lifecycle.passes == 1 and store.index.get("bkt", "k00000") is not None
    clock.set(START + 2 * DAY)  # crosses the midnight after the first day
    assert lifecycle.passes == 2 and store.index.get("bkt", "k00000") is None


def test_the_apps_manual_clock_keeps_the_listener() -> None:
    app = FakeS3(Settings(lifecycle_day=10))
    store = app.store
    store.create_bucket("bkt", "us-east-1")
    store.put_object("bkt", "k", io.BytesIO(b"x"), NewObject())
    store.configs.put("bkt", "lifecycle", EXPIRE_ALL)
    app.consistency.advance(25)  # installs a manual clock: 2.5 ten-second days later
    assert store.index.get("bkt", "k") is None
    app.journal.assert_called("S3.EXPIRE.OBJECT", bucket="bkt", key="k", method="SYSTEM")


def test_background_thread_on_the_wall_clock_with_a_short_day() -> None:
    store = store_with(1, Clock())
    lifecycle = Lifecycle(store, day=1)
    expired = threading.Event()
    lifecycle.listeners.append(lambda done: expired.set())
    lifecycle.start(interval=0.05)
    try:
        assert expired.wait(10), "no pass expired the object within 10 s of one-second days"
    finally:
        lifecycle.stop()
    assert store.index.get("bkt", "k00000") is None
    assert not any(t.name == "fakes3-lifecycle" for t in threading.enumerate())


def test_a_pass_releases_the_lock_between_batches() -> None:
    clock = ManualClock(START)
    store = store_with(BATCH * 3, clock)
    lifecycle = Lifecycle(store)
    acquired: list[bool] = []

    def other_thread_gets_the_lock(done: Done) -> None:
        if len(acquired) in (0, BATCH * 2):  # during the pass, from another thread

            def grab() -> None:
                got = store.lock.acquire(timeout=5)
                acquired.append(got)
                if got:
                    store.lock.release()

            thread = threading.Thread(target=grab)
            thread.start()
            thread.join()
        else:
            acquired.append(True)

    lifecycle.listeners.append(other_thread_gets_the_lock)
    report = lifecycle.run(START + 3 * DAY)
    assert report.count("S3.EXPIRE.OBJECT") == BATCH * 3
    assert all(acquired) and len(acquired) == BATCH * 3


def test_a_refused_action_is_skipped_and_a_failing_listener_ignored() -> None:
    clock = ManualClock(START)
    store = store_with(3, clock)
    lifecycle = Lifecycle(store)
    delete = store.delete_object

    def locked_middle(bucket: str, key: str, *args: Any, **kwargs: Any) -> Any:
        if key == "k00001":  # as object lock refuses to remove a retained version
            raise AccessDenied("Access Denied because object protected by object lock.")
        return delete(bucket, key, *args, **kwargs)

    store.delete_object = locked_middle  # type: ignore[method-assign]
    lifecycle.listeners.append(lambda done: 1 / 0)
    report = lifecycle.run(START + 3 * DAY)
    assert [done.key for done in report.actions] == ["k00000", "k00002"]
    assert store.index.get("bkt", "k00001") is not None


def test_a_year_long_step_runs_passes_only_where_something_is_due() -> None:
    clock = ManualClock(START)
    store = store_with(2, clock)
    store.configs.put(
        "bkt",
        "lifecycle",
        {"Rules": [{"ID": "late", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 30}}]},
    )
    lifecycle = Lifecycle(store)
    report = lifecycle.catch_up(START, START + 365 * DAY)
    assert report.count("S3.EXPIRE.OBJECT") == 2
    assert report.passes <= 3  # the first midnight, the 30th day's, the day after


def test_tick_follows_the_clock_back_after_a_reset() -> None:
    app = FakeS3(Settings(lifecycle_day=10))
    wall_day = app.lifecycle._day_of(app.store.clock.time())
    app.consistency.advance(30 * 10)  # a manual clock, 30 short days ahead
    assert app.lifecycle.tick() is None
    app.reset()  # the wall clock again: 30 days "behind" the last pass
    assert app.lifecycle.tick() is None
    assert app.lifecycle._last_day <= wall_day + 1  # the next wall-clock midnight passes again
