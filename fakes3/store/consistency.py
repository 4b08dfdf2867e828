"""The consistency view: what a simulated set of replicas lets each read see.

Every committed change to a key (PutObject, CopyObject, CompleteMultipartUpload, DeleteObject)
and to a bucket (versioning, deletion) is stamped with the store's clock. When the rules in
force say it lags, each replica receives it after its own seeded random lag; until every
replica has it, the key keeps a short history (the state before, then each change with its
arrival times). A GET, HEAD or list is served by one replica, chosen by the seeded generator,
and sees the newest change that has reached it. Keys with no history, and strong mode, read
the store itself: in strong mode the store never calls in here (``Store.view`` is None).

A blob replaced while a replica may still serve the old object is kept until the history is
gone (``hold``). ``settle()`` drops every history: everything is visible everywhere now.

All methods run under the store's lock.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fakes3.errors import NoSuchKey
from fakes3.store import versioning
from fakes3.store.consistency_rules import Rules
from fakes3.store.records import BucketRecord, ObjectRecord

if TYPE_CHECKING:
    from fakes3.store.store import Store

__all__ = ["Change", "Finding", "History", "View", "request_scope"]

READ, LIST = "read", "list"
Scan = Callable[[str, bool, "str | None", int], list[ObjectRecord]]

# Per request (the ``x-fakes3-consistency`` header): the rules, and the operation's name.
request_scope: ContextVar[tuple[str, Rules | None] | None] = ContextVar(
    "fakes3_consistency_request", default=None
)


@dataclass(slots=True)
class Change:
    """One committed change: the state after it, and when each replica receives it."""

    at: float
    state: Any  # ObjectRecord | BucketRecord | None (absent)
    arrivals: tuple[float, ...] | None  # None: every replica has it at once
    for_reads: bool = False
    for_lists: bool = False
    added_version: str | None = None  # the version (or delete marker) this change added

    def reached(self, replica: int, now: float, purpose: str) -> bool:
        if self.arrivals is None:
            return True
        lags = self.for_reads if purpose == READ else self.for_lists
        return not lags or self.arrivals[replica] <= now


@dataclass(slots=True)
class History:
    """A key's (or bucket's) state before its first unsettled change, then the changes."""

    base: Any
    changes: list[Change] = field(default_factory=list)

    def seen(self, replica: int, now: float, purpose: str) -> Any:
        for change in reversed(self.changes):
            if change.reached(replica, now, purpose):
                return change.state
        return self.base

    @property
    def current(self) -> Any:
        return self.changes[-1].state

    def settled_at(self) -> float:
        return max((max(c.arrivals) for c in self.changes if c.arrivals), default=0.0)

    def states(self) -> list[Any]:
        return [self.base, *(change.state for change in self.changes)]


@dataclass(frozen=True)
class Finding:
    """A read whose answer the checked mode could have changed, silently."""

    operation: str
    bucket: str
    key: str | None
    anomaly: str  # read-after-overwrite, read-after-delete, read-after-write, list-after-write…
    detail: str

    def describe(self) -> str:
        where = f"{self.bucket}/{self.key}" if self.key is not None else self.bucket
        return f"{self.operation} {where}: {self.anomaly} ({self.detail})"


class View:
    """Replicas over one store; ``rules_for`` says which rules a call runs under."""

    def __init__(
        self,
        store: Store,
        rules_for: Callable[[str | None], Rules],
        seed: int,
        findings: list[Finding],
    ) -> None:
        self.store = store
        self.rules_for = rules_for
        self.rng = random.Random(seed)
        self.keys: dict[tuple[str, str], History] = {}
        self.buckets: dict[str, History] = {}
        self.configs: dict[tuple[str, str], History] = {}  # (bucket, configuration name)
        self.misses: dict[tuple[str, str], float] = {}  # 404s answered (negative caching)
        self.held: set[str] = set()  # blob ids kept for stale readers
        self.findings = findings  # the checker's, kept by the owner across views
        self.served: dict[str, int] = {}  # anomalies served, by kind (the owner's; metrics)
        self._horizon = 0.0  # when every history will have settled

    # What reads run under ----------------------------------------------------------------

    def _served(self, anomaly: str) -> None:
        self.served[anomaly] = self.served.get(anomaly, 0) + 1

    def _rules(self, bucket: str | None) -> Rules:
        scoped = request_scope.get()
        if scoped is not None and scoped[1] is not None:
            return scoped[1]
        return self.rules_for(bucket)

    def _operation(self, fallback: str) -> str:
        scoped = request_scope.get()
        return scoped[0] if scoped is not None else fallback

    def _now(self) -> float:
        return self.store.clock.time()

    def _replica(self, rules: Rules) -> int:
        return self.rng.randrange(rules.replicas) if rules.replicas > 1 else 0

    # Changes -------------------------------------------------------------------------------

    def _arrivals(self, rules: Rules, now: float) -> tuple[float, ...] | None:
        if rules.probability < 1.0 and self.rng.random() >= rules.probability:
            return None
        low, high = rules.lag
        arrivals = tuple(now + self.rng.uniform(low, high) for _ in range(rules.replicas))
        self._horizon = max(self._horizon, *arrivals)
        return arrivals

    def committed(
        self,
        bucket: str,
        key: str,
        before: ObjectRecord | None,
        after: ObjectRecord | None,
        added_version: str | None,
    ) -> None:
        """Record a change to ``bucket/key`` (``after`` None: the key is now absent)."""
        now = self._now()
        self._sweep(now)
        if self.keys:  # the oldest history first: memory stays bounded under steady writes
            self._settled(self.keys, next(iter(self.keys)), now)
        rules = self._rules(bucket)
        checked = rules.checking or rules
        kind = "write" if before is None else "delete" if after is None else "overwrite"
        for_reads, for_lists = _lags(checked, kind)
        if kind == "write" and checked.negative_caching:
            missed = self.misses.pop((bucket, key), None)
            if missed is not None and now - missed <= checked.lag[1]:
                for_reads = True
        lags = (for_reads or for_lists) and checked.covers(key)
        history = self._settled(self.keys, (bucket, key), now)
        if history is None and not lags:
            return
        arrivals = self._arrivals(checked, now) if lags else None
        if history is None:
            if arrivals is None:
                return
            history = self.keys[(bucket, key)] = History(before)
        history.changes.append(Change(now, after, arrivals, for_reads, for_lists, added_version))

    def bucket_changed(
        self, name: str, before: BucketRecord | None, after: BucketRecord | None
    ) -> None:
        self._changed(self.buckets, name, name, before, after)

    def config_changed(self, bucket: str, name: str, before: Any, after: Any) -> None:
        """A bucket configuration changed (``after`` None: deleted); lags as buckets do."""
        self._changed(self.configs, (bucket, name), bucket, before, after)

    def _changed(
        self, table: dict[Any, History], name: Any, bucket: str, before: Any, after: Any
    ) -> None:
        now = self._now()
        rules = self._rules(bucket)
        checked = rules.checking or rules
        history = table.get(name)
        if history is None and not checked.bucket_config:
            return
        arrivals = self._arrivals(checked, now) if checked.bucket_config else None
        if history is None:
            if arrivals is None:
                return
            history = table[name] = History(before)
        history.changes.append(Change(now, after, arrivals, True, True))

    def hold(self, blob_ids: list[str]) -> list[str]:
        """Of the blobs a change freed, those no stale replica can serve (delete them now)."""
        if not self.keys:
            return blob_ids
        used = self._used_blobs()
        kept = [blob_id for blob_id in blob_ids if blob_id in used]
        self.held.update(kept)
        return [blob_id for blob_id in blob_ids if blob_id not in used]

    def _used_blobs(self) -> set[str]:
        return {
            state.blob_id
            for history in self.keys.values()
            for state in history.states()
            if state is not None and state.blob_id
        }

    # Settling ------------------------------------------------------------------------------

    def _sweep(self, now: float) -> None:
        """Past the last arrival every history is settled: drop them all at once."""
        if self._horizon and now >= self._horizon:
            self.keys.clear()
            self.buckets.clear()
            self.configs.clear()
            self._horizon = 0.0
            self._release()

    def _settled(self, table: dict[Any, History], name: Any, now: float) -> History | None:
        history = table.get(name)
        if history is not None and now >= history.settled_at():
            del table[name]
            if table is self.keys:
                self._release()
            return None
        return history

    def settle(self) -> None:
        """Every change has reached every replica: forget the histories, free held blobs."""
        self.misses.clear()
        self._horizon = max(self._horizon, 1.0)
        self._sweep(self._horizon)

    def _release(self) -> None:
        if not self.held:
            return
        used = self._used_blobs()
        free = self.held - used
        self.held &= used
        self.store.blobs.delete_many(free)

    # Reads ---------------------------------------------------------------------------------

    def head(
        self,
        bucket: str,
        key: str,
        version_id: str | None,
        operation: str,
        span: Callable[[ObjectRecord], Any] | None = None,
    ) -> ObjectRecord | None:
        """The record a replica serves for a GET/HEAD of the current version, or None to
        answer as the store does. Raises NoSuchKey when the replica has no object.

        For the checker, ``span`` (a GET's preconditions and range) tells whether a stale
        record would have been refused (If-Match on the new ETag): such a read relied on
        nothing, and is no finding. Reads by version id see immutable versions: never stale.
        """
        rules = self._rules(bucket)
        if version_id is not None or rules.strong:
            return None
        now = self._now()
        history = self._settled(self.keys, (bucket, key), now)
        if history is None:
            return None
        if rules.check is not None:
            pinned = None if span is None else _refuses(span)
            self._check(rules, history, now, READ, self._operation(operation), bucket, key, pinned)
            return None
        seen = history.seen(self._replica(rules), now, READ)
        if seen is history.current:
            return None
        self._served(_anomaly(seen, history.current, READ))
        if seen is None:
            raise NoSuchKey(Key=key)
        return seen  # type: ignore[no-any-return]

    def find(
        self,
        bucket: BucketRecord,
        key: str,
        version_id: str | None,
        operation: str,
        span: Callable[[ObjectRecord], Any] | None = None,
    ) -> ObjectRecord:
        """``versioning.find`` as one replica answers it (``head``), remembering 404s."""
        seen = self.head(bucket.name, key, version_id, operation, span)
        if seen is not None:
            return seen
        try:
            return versioning.find(self.store.index, bucket, key, version_id)
        except NoSuchKey:
            if version_id is None:
                self.missed(bucket.name, key)
            raise

    def missed(self, bucket: str, key: str) -> None:
        """A GET/HEAD answered 404 (negative caching remembers it)."""
        rules = self._rules(bucket)
        checked = rules.checking or rules
        if checked.negative_caching and checked.covers(key):
            self.misses[(bucket, key)] = self._now()

    def _check(
        self,
        rules: Rules,
        history: History,
        now: float,
        purpose: str,
        operation: str,
        bucket: str,
        key: str,
        pinned: Callable[[Any], bool] | None = None,
    ) -> None:
        """Checker: record a finding if any replica of the checked mode differs from now."""
        checked = rules.checking
        assert checked is not None
        current = history.current
        for replica in range(checked.replicas):
            seen = history.seen(replica, now, purpose)
            if seen is current or (pinned is not None and seen is not None and pinned(seen)):
                continue
            anomaly = _anomaly(seen, current, purpose)
            detail = (
                f"a replica of {checked.preset} could answer {_state(seen)} "
                f"instead of {_state(current)}"
            )
            self.findings.append(Finding(operation, bucket, key, anomaly, detail))
            return

    def scan(self, bucket: str, scan: Scan, versions: bool, operation: str) -> Scan:
        """Wrap an index scan so a listing sees one replica's state of the bucket."""
        rules = self._rules(bucket)
        if rules.strong:
            return scan
        now = self._now()
        pending = [
            (key, history)
            for (name, key), history in list(self.keys.items())
            if name == bucket and self._settled(self.keys, (name, key), now) is not None
        ]
        if not pending:
            return _exists_or_empty(self.store, bucket, scan)
        if rules.check is not None:
            for key, history in pending:
                self._check(rules, history, now, LIST, self._operation(operation), bucket, key)
            return _exists_or_empty(self.store, bucket, scan)
        replica = self._replica(rules)
        if versions:
            hidden = {
                (key, change.added_version)
                for key, history in pending
                for change in history.changes
                if change.added_version is not None and not change.reached(replica, now, LIST)
            }
            if hidden:
                self._served("list-after-write")
            return _hiding(self.store, bucket, scan, hidden)
        overrides = {}
        for key, history in pending:
            seen = history.seen(replica, now, LIST)
            if seen is not history.current:
                overrides[key] = seen
        if overrides:
            self._served("list-after-write")
        return _overriding(self.store, bucket, scan, overrides)

    def bucket(self, name: str, record: BucketRecord | None) -> BucketRecord | None:
        """The bucket as one replica sees it (bucket-config lag)."""
        return self._seen(self.buckets, name, name, record)  # type: ignore[no-any-return]

    def config(self, bucket: str, name: str, current: Any) -> Any:
        """A bucket configuration as one replica sees it (bucket-config lag)."""
        return self._seen(self.configs, (bucket, name), bucket, current)

    def _seen(self, table: dict[Any, History], name: Any, bucket: str, current: Any) -> Any:
        if not table:
            return current
        rules = self._rules(bucket)
        if rules.strong or rules.check is not None:
            return current
        now = self._now()
        history = self._settled(table, name, now)
        if history is None:
            return current
        seen = history.seen(self._replica(rules), now, READ)
        if seen is not history.current:
            self._served("bucket-config-lag")
        return seen

    def bucket_list(self, records: list[BucketRecord]) -> list[BucketRecord]:
        if not self.buckets:
            return records
        by_name = {record.name: record for record in records}
        for name in list(self.buckets):
            seen = self.bucket(name, by_name.get(name))
            if seen is None:
                by_name.pop(name, None)
            else:
                by_name[name] = seen
        return [by_name[name] for name in sorted(by_name)]


def _refuses(span: Callable[[ObjectRecord], Any]) -> Callable[[Any], bool]:
    def refused(record: Any) -> bool:
        try:
            span(record)
        except Exception:  # noqa: BLE001 - any S3 error: the client would have noticed
            return True
        return False

    return refused


def _lags(rules: Rules, kind: str) -> tuple[bool, bool]:
    """(lags for GET/HEAD, lags for listings) of a change of this kind."""
    if kind == "write":
        return rules.read_after_write, rules.list_after_write
    if kind == "overwrite":
        return rules.read_after_overwrite, rules.list_after_write or rules.read_after_overwrite
    return rules.read_after_delete, rules.list_after_write or rules.read_after_delete


def _anomaly(seen: Any, current: Any, purpose: str) -> str:
    if purpose == LIST:
        return "list-after-write"
    if seen is None:
        return "read-after-write"
    if current is None:
        return "read-after-delete"
    return "read-after-overwrite"


def _state(record: Any) -> str:
    if record is None:
        return "404 NoSuchKey"
    return f"ETag {record.etag}"


def _exists_or_empty(store: Store, bucket: str, scan: Scan) -> Scan:
    """A bucket a replica still shows after it was deleted lists as empty."""
    if store.index.get_bucket(bucket) is not None:
        return scan
    return lambda start, inclusive, after, limit: []


def _overriding(
    store: Store, bucket: str, scan: Scan, overrides: dict[str, ObjectRecord | None]
) -> Scan:
    """Current-object scan with some keys replaced, removed or brought back."""
    if not overrides:
        return _exists_or_empty(store, bucket, scan)
    inner = _exists_or_empty(store, bucket, scan)

    def viewed(start: str, inclusive: bool, after: str | None, limit: int) -> list[ObjectRecord]:
        rows = [
            r
            for r in inner(start, inclusive, after, limit + len(overrides))
            if r.key not in overrides
        ]
        rows.extend(
            record
            for key, record in overrides.items()
            if record is not None and (key > start or (inclusive and key == start))
        )
        rows.sort(key=_key_of)
        return rows[:limit]

    return viewed


def _hiding(store: Store, bucket: str, scan: Scan, hidden: set[tuple[str, str]]) -> Scan:
    """Version scan without the versions (and delete markers) a replica has not received."""
    inner = _exists_or_empty(store, bucket, scan)
    if not hidden:
        return inner

    def viewed(start: str, inclusive: bool, after: str | None, limit: int) -> list[ObjectRecord]:
        rows = inner(start, inclusive, after, limit + len(hidden))
        return [r for r in rows if (r.key, r.version_id) not in hidden][:limit]

    return viewed


def _key_of(record: ObjectRecord) -> str:
    return record.key
