"""Lifecycle passes: rules applied to a store on its clock, in small locked batches.

A pass walks every bucket that has a lifecycle configuration: it reads a batch of records
(``BATCH``) under the store's lock, decides outside it (``lifecycle_rules.plan_key``), then
applies each action through the store's own operations, each taking the lock on its own: so
requests keep being served during a pass over a large bucket, and an object overwritten
between the read and the action is left alone (every action checks the version it was decided
on).

When passes run (docs/lifecycle.md): AWS evaluates rules once a day, at midnight UTC.

- on a ``ManualClock``, when ``advance``/``set`` crosses day boundaries (a clock listener),
  before the call returns: one pass per midnight crossed, each dated at its midnight, the
  midnights where nothing is due skipped (``catch_up``), so a 31-day step does what 31 daily
  evaluations would;
- on the wall clock, from a background thread (``start``/``stop``; the server starts it)
  that checks every ``interval`` seconds whether a day boundary has passed;
- on demand: ``run()`` (``app.lifecycle.run()``, ``POST /_fakes3/lifecycle/run``).

A day is ``day`` seconds (86400; ``lifecycle_day`` / ``FAKES3_LIFECYCLE_DAY`` shortens it for
tests, as other S3 servers' debug interval does).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from fakes3.errors import NoSuchBucket, NoSuchKey, NoSuchUpload, NoSuchVersion, S3Error
from fakes3.store import lifecycle_rules as lr
from fakes3.store.records import ObjectRecord
from fakes3.store.uploads import UploadRecord

if TYPE_CHECKING:
    from fakes3.store.store import Store

log = logging.getLogger("fakes3")

CONFIG = "lifecycle"  # the store's name for the configuration
BATCH = 256  # records read under the lock at a time

# How each action is named in the journal (S3's server access log operations for them).
OPERATIONS = {
    "expire": "S3.EXPIRE.OBJECT",
    "marker": "S3.CREATE.DELETEMARKER",
    "delete-version": "S3.EXPIRE.OBJECT",
    "remove-marker": "S3.EXPIRE.OBJECT",
    "transition": "S3.TRANSITION.OBJECT",
    "abort": "S3.DELETE.UPLOAD",
}
# A transition's operation names its target class (S3.TRANSITION.OBJECT is to GLACIER).
_TRANSITIONS = {
    "STANDARD_IA": "S3.TRANSITION_SIA.OBJECT",
    "ONEZONE_IA": "S3.TRANSITION_ZIA.OBJECT",
    "INTELLIGENT_TIERING": "S3.TRANSITION_INT.OBJECT",
    "GLACIER_IR": "S3.TRANSITION_GIR.OBJECT",
    "GLACIER": "S3.TRANSITION.OBJECT",
    "DEEP_ARCHIVE": "S3.TRANSITION_GDA.OBJECT",
}


@dataclass(frozen=True)
class Done:
    """One action a pass took, as reported to listeners (the journal)."""

    operation: str  # one of OPERATIONS' values
    bucket: str
    key: str
    version_id: str | None
    rule_id: str
    detail: str = ""  # the new storage class, the upload id
    # The version acted on, as it was (what an event notification reports): its size, its
    # quoted ETag, and whether it was a delete marker; the marker created has its own id.
    size: int = 0
    etag: str = ""
    was_delete_marker: bool = False


@dataclass
class Report:
    """What one pass (or the passes of one catch-up) did."""

    time: float
    actions: list[Done] = field(default_factory=list)
    passes: int = 0
    horizon: lr.Horizon = field(default_factory=lr.Horizon)  # when something is next due

    def count(self, operation: str) -> int:
        return sum(1 for done in self.actions if done.operation == operation)


class _Changed(Exception):
    """The version an action was decided on is no longer there as it was: skip it."""


class Lifecycle:
    """Runs lifecycle passes over one store."""

    def __init__(self, store: Store, day: float = lr.DAY) -> None:
        if day <= 0:
            raise ValueError(f"a lifecycle day is a positive number of seconds, not {day}")
        self.store = store
        self.day = float(day)
        self.listeners: list[Callable[[Done], None]] = []  # told of every action
        self.passes = 0
        self._run_lock = threading.Lock()  # one pass at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_day = self._day_of(store.clock.time())
        listeners = getattr(store.clock, "listeners", None)  # a Clock subclass may lack them
        if listeners is not None:
            listeners.append(self._clock_moved)

    # When --------------------------------------------------------------------------------

    def _day_of(self, when: float) -> int:
        return math.floor(when / self.day)

    def _clock_moved(self, before: float, after: float) -> None:
        """A clock listener: passes for the midnights a forward step crosses."""
        if self._day_of(after) > self._day_of(before):
            self.catch_up(before, after)

    def tick(self) -> Report | None:
        """Passes for the midnights the store's clock has crossed since the last one."""
        now = self.store.clock.time()
        today = self._day_of(now)
        if today < self._last_day:  # the clock went back (a reset reinstalled the wall clock)
            self._last_day = today
        if today <= self._last_day:
            return None
        return self.catch_up(self._last_day * self.day, now)

    def catch_up(self, since: float, until: float) -> Report:
        """What AWS's daily evaluations would have done between ``since`` and ``until``: a
        pass at each midnight in between, in order, each dated at its midnight (a delete
        marker placed on day 3 makes its version noncurrent from day 3), skipping the
        midnights at which nothing is due."""
        with self._run_lock:
            total = Report(until)
            when = (math.floor(since / self.day) + 1) * self.day
            while when <= until:
                report = self._pass(when)
                total.actions.extend(report.actions)
                total.passes += 1
                upcoming = report.horizon.next
                if report.actions:  # they may make more due (a new marker's version)
                    when += self.day
                elif upcoming is None:
                    break
                else:
                    when = max(when + self.day, math.ceil(upcoming / self.day) * self.day)
            self._last_day = max(self._last_day, self._day_of(until))
            return total

    def start(self, interval: float | None = None) -> None:
        """Check for a new day every ``interval`` seconds (default: a tenth of a day, at most
        a minute) in a daemon thread, until ``stop``."""
        if self._thread is not None:
            return
        every = interval if interval is not None else min(60.0, self.day / 10)
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    self.tick()
                except Exception:  # noqa: BLE001 - a failed pass must not end the thread
                    log.exception("lifecycle pass failed")

        self._thread = threading.Thread(target=loop, name="fakes3-lifecycle", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join()

    # A pass ------------------------------------------------------------------------------

    def run(self, now: float | None = None) -> Report:
        """One pass over every bucket with a lifecycle configuration, at ``now`` (default:
        the store's clock): what is due then is done, dated then."""
        with self._run_lock:
            now = self.store.clock.time() if now is None else now
            report = self._pass(now)
            self._last_day = max(self._last_day, self._day_of(now))
            return report

    def _pass(self, now: float) -> Report:
        """One pass at ``now`` (the caller holds ``_run_lock``)."""
        report = Report(now, passes=1)
        for bucket in [record.name for record in self.store.list_buckets()]:
            try:
                document = self.store.configs.get(bucket, CONFIG)
            except NoSuchBucket:
                continue
            if document is None:
                continue
            rules = lr.rules_of(document)
            if not rules.rules:
                continue
            self._objects(bucket, rules, now, report)
            self._uploads(bucket, rules, now, report)
        self.passes += 1
        return report

    def _objects(self, bucket: str, rules: lr.Rules, now: float, report: Report) -> None:
        for versions in self._keys(bucket):
            for action in lr.plan_key(rules, versions, now, self.day, report.horizon):
                try:
                    done = self._apply(bucket, action, now)
                except (_Changed, NoSuchKey, NoSuchVersion, NoSuchBucket):
                    continue
                except S3Error as error:  # e.g. a version object lock protects: S3 skips it
                    log.debug("lifecycle skipped %s/%s: %s", bucket, action.key, error.code)
                    continue
                report.actions.append(done)
                self._tell(done)

    def _keys(self, bucket: str) -> Iterator[list[ObjectRecord]]:
        """Each key's versions newest first (its one record if never versioned), read
        ``BATCH`` records at a time under the lock."""
        store, index = self.store, self.store.index
        start, inclusive, after = "", True, None
        pending: list[ObjectRecord] = []
        while True:
            with store.lock:
                try:
                    versioned = store.bucket_now(bucket).versioning is not None
                except NoSuchBucket:
                    return
                if versioned:
                    batch = index.scan_versions(bucket, start, inclusive, after, BATCH)
                else:
                    batch = index.scan(bucket, start, inclusive, BATCH)
            for record in batch:
                if pending and pending[0].key != record.key:
                    yield pending
                    pending = []
                pending.append(record)
            if len(batch) < BATCH:
                if pending:
                    yield pending
                return
            last = batch[-1]
            start, inclusive = last.key, False
            after = last.version_id if versioned else None

    def _apply(self, bucket: str, action: lr.Action, now: float) -> Done:
        store, seen = self.store, action.current
        assert seen is not None

        def unchanged(current: ObjectRecord | None) -> None:
            if current is None or current.version_id != seen.version_id:
                raise _Changed()
            if current.blob_id != seen.blob_id:
                raise _Changed()

        def done(operation: str, version_id: str | None, detail: str = "") -> Done:
            return Done(
                operation,
                bucket,
                action.key,
                version_id,
                action.rule_id,
                detail,
                seen.size,
                seen.etag,
                seen.delete_marker,
            )

        name = OPERATIONS[action.kind]
        if action.kind == "expire":
            # "S3 Lifecycle sets the delete marker's creation time to 00:00 UTC (midnight) of
            # the current day"
            midnight = math.floor(now / self.day) * self.day
            at = datetime.fromtimestamp(midnight, timezone.utc)
            deletion = store.delete_object(bucket, action.key, unchanged, at=at)
            if deletion.delete_marker:
                return done(OPERATIONS["marker"], deletion.version_id)
            return done(name, None)
        if action.kind in ("delete-version", "remove-marker"):
            assert action.version_id is not None
            store.delete_object(bucket, action.key, version_id=action.version_id)
            return done(name, action.version_id)
        target = action.storage_class or ""

        def move(record: ObjectRecord) -> ObjectRecord:
            if record.blob_id != seen.blob_id:
                raise _Changed()
            return replace(record, storage_class=target)

        store.rewrite_object(bucket, action.key, action.version_id, move)
        return done(_TRANSITIONS.get(target, name), action.version_id, target)

    def _tell(self, done: Done) -> None:
        for listener in list(self.listeners):
            try:
                listener(done)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the pass
                log.exception("lifecycle listener failed")

    def _uploads(self, bucket: str, rules: lr.Rules, now: float, report: Report) -> None:
        if not any(rule.abort_days is not None for rule in rules.rules):
            return
        multipart, after = self.store.multipart, ("", "")
        while True:
            with self.store.lock:
                batch: list[UploadRecord] = multipart.uploads.scan(bucket, after, BATCH)
            for upload in batch:
                found = lr.abort_date(rules, upload.key, upload.initiated.timestamp(), self.day)
                if found is None:
                    continue
                if found[0] > now:
                    report.horizon.see(found[0], now)
                    continue
                try:
                    multipart.abort(bucket, upload.key, upload.upload_id)
                except (NoSuchUpload, NoSuchBucket):
                    continue
                except S3Error as error:
                    log.debug("lifecycle skipped upload %s: %s", upload.upload_id, error.code)
                    continue
                done = Done(
                    OPERATIONS["abort"], bucket, upload.key, None, found[1], upload.upload_id
                )
                report.actions.append(done)
                self._tell(done)
            if len(batch) < BATCH:
                return
            after = (batch[-1].key, batch[-1].upload_id)

    def close(self) -> None:
        self.stop()
        listeners = getattr(self.store.clock, "listeners", [])
        if self._clock_moved in listeners:
            listeners.remove(self._clock_moved)
