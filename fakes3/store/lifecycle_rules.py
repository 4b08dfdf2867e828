"""Lifecycle rules as values, and the pure questions asked of them: which rule selects a version,
when an object expires, what a pass should do to one key's versions.

No store, no lock, no clock here: every function takes the time (epoch seconds) and the day
length. AWS counts days from an object's creation (a version's: from when it became
noncurrent; an upload's: from its initiation) and rounds the result up to the next midnight UTC;
with a day of ``day`` seconds, midnights are the multiples of ``day`` since the epoch, so a
shortened test day keeps the same arithmetic.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from fakes3.store.object_lock import until_of
from fakes3.store.records import ObjectRecord

DAY = 86400
MIN_TRANSITION_SIZE = 128 * 1024  # the default x-amz-transition-default-minimum-object-size
ALL_128K = "all_storage_classes_128K"
# Storage classes in the order lifecycle moves objects, S3's "waterfall" (never back up).
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
_RANK = {
    "STANDARD": 0,
    "REDUCED_REDUNDANCY": 0,
    "STANDARD_IA": 1,
    "INTELLIGENT_TIERING": 2,
    "ONEZONE_IA": 3,
    "GLACIER_IR": 4,
    "GLACIER": 5,
    "DEEP_ARCHIVE": 6,
}
_IA = frozenset({"STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING"})


@dataclass(frozen=True)
class Transition:
    days: int | None
    date: float | None
    storage_class: str
    newer: int = 0  # NewerNoncurrentVersions (noncurrent transitions only)


@dataclass(frozen=True)
class Rule:
    """One enabled or disabled rule, flattened from the stored document."""

    id: str
    enabled: bool
    prefix: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    size_gt: int | None = None
    size_lt: int | None = None
    expiration_days: int | None = None
    expiration_date: float | None = None
    expired_delete_marker: bool = False
    transitions: tuple[Transition, ...] = ()
    noncurrent_days: int | None = None
    newer_noncurrent: int = 0
    noncurrent_transitions: tuple[Transition, ...] = ()
    abort_days: int | None = None

    def selects(self, key: str, tags: Sequence[tuple[str, str]], size: int) -> bool:
        """Whether this rule's filter selects a version (prefix, every tag, sizes)."""
        if not key.startswith(self.prefix):
            return False
        if self.tags and not set(self.tags) <= set(tags):
            return False
        if self.size_gt is not None and not size > self.size_gt:
            return False
        return self.size_lt is None or size < self.size_lt


@dataclass(frozen=True)
class Rules:
    """A bucket's lifecycle configuration, enabled rules only."""

    rules: tuple[Rule, ...]
    min_transition_size: str = ALL_128K

    def selecting(self, record: ObjectRecord) -> list[Rule]:
        return [r for r in self.rules if r.selects(record.key, record.tags, record.size)]


def due(start: float, days: int, day: float = DAY) -> float:
    """``start`` plus ``days`` days, rounded up to the next midnight (a multiple of ``day``)."""
    return math.ceil((start + days * day) / day) * day


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return when.timestamp()
    return float(value)


def _filter_parts(rule: dict[str, Any]) -> dict[str, Any]:
    """Prefix, tags and sizes of a rule, from its Filter (or its deprecated Prefix)."""
    found: dict[str, Any] = {"prefix": rule.get("Prefix") or "", "tags": ()}
    filt = rule.get("Filter")
    if filt is None:
        return found
    source = filt.get("And") or filt
    found["prefix"] = source.get("Prefix") or ""
    tags = source.get("Tags") or ([filt["Tag"]] if filt.get("Tag") else [])
    found["tags"] = tuple((tag["Key"], tag.get("Value", "")) for tag in tags)
    found["size_gt"] = source.get("ObjectSizeGreaterThan")
    found["size_lt"] = source.get("ObjectSizeLessThan")
    return found


def parse_rule(rule: dict[str, Any]) -> Rule:
    """A stored (validated) rule as a ``Rule``."""
    expiration = rule.get("Expiration") or {}
    noncurrent = rule.get("NoncurrentVersionExpiration") or {}
    abort = rule.get("AbortIncompleteMultipartUpload") or {}
    return Rule(
        id=rule.get("ID") or "",
        enabled=rule.get("Status") == "Enabled",
        **_filter_parts(rule),
        expiration_days=expiration.get("Days"),
        expiration_date=_epoch(expiration.get("Date")),
        expired_delete_marker=bool(expiration.get("ExpiredObjectDeleteMarker")),
        transitions=tuple(
            Transition(t.get("Days"), _epoch(t.get("Date")), t.get("StorageClass", ""))
            for t in rule.get("Transitions") or []
        ),
        noncurrent_days=noncurrent.get("NoncurrentDays"),
        newer_noncurrent=noncurrent.get("NewerNoncurrentVersions") or 0,
        noncurrent_transitions=tuple(
            Transition(
                t.get("NoncurrentDays"),
                None,
                t.get("StorageClass", ""),
                t.get("NewerNoncurrentVersions") or 0,
            )
            for t in rule.get("NoncurrentVersionTransitions") or []
        ),
        abort_days=abort.get("DaysAfterInitiation"),
    )


_PARSED: dict[int, tuple[Any, Rules]] = {}


def rules_of(document: Any) -> Rules:
    """The enabled rules of a stored configuration; parsed once per stored document (the
    configuration port hands out the same object until the configuration changes)."""
    cached = _PARSED.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    parsed = [parse_rule(rule) for rule in document.get("Rules") or []]
    rules = Rules(
        tuple(rule for rule in parsed if rule.enabled),
        document.get("TransitionDefaultMinimumObjectSize") or ALL_128K,
    )
    if len(_PARSED) > 1000:
        _PARSED.clear()
    _PARSED[id(document)] = (document, rules)
    return rules


# What applies when ------------------------------------------------------------------------


class Horizon:
    """The earliest time after ``now`` at which something planned becomes due (None: nothing
    pending): a pass catching up over many days skips the midnights where nothing is due."""

    def __init__(self) -> None:
        self.next: float | None = None

    def see(self, when: float, now: float) -> None:
        if when > now and (self.next is None or when < self.next):
            self.next = when


def expiration(rules: Rules, record: ObjectRecord, day: float = DAY) -> tuple[float, str] | None:
    """When the current version ``record`` expires and by which rule (the earliest), or None:
    what ``x-amz-expiration`` says and what a pass acts on."""
    if record.delete_marker:
        return None
    best: tuple[float, str] | None = None
    created = record.last_modified.timestamp()
    for rule in rules.selecting(record):
        if rule.expiration_days is not None:
            when = due(created, rule.expiration_days, day)
        elif rule.expiration_date is not None:
            when = rule.expiration_date
        else:
            continue
        if best is None or when < best[0]:
            best = (when, rule.id)
    return best


def abort_date(
    rules: Rules, key: str, initiated: float, day: float = DAY
) -> tuple[float, str] | None:
    """When an upload of ``key`` begun at ``initiated`` is aborted and by which rule, or None."""
    best: tuple[float, str] | None = None
    for rule in rules.rules:
        if rule.abort_days is None or not key.startswith(rule.prefix):
            continue
        when = due(initiated, rule.abort_days, day)
        if best is None or when < best[0]:
            best = (when, rule.id)
    return best


def _min_size(rules: Rules, rule: Rule, storage_class: str) -> int:
    if rule.size_gt is not None:  # a size filter replaces the default minimum
        return 0
    if rules.min_transition_size == ALL_128K or storage_class in _IA:
        return MIN_TRANSITION_SIZE
    return 0


def _transition(
    rules: Rules,
    record: ObjectRecord,
    start: float,
    now: float,
    day: float,
    noncurrent_index: int | None = None,
    horizon: Horizon | None = None,
) -> tuple[str, str] | None:
    """The furthest storage class a transition due by ``now`` moves ``record`` to, and the
    rule's id; None if there is none."""
    target: tuple[str, str] | None = None
    rank = _RANK.get(record.storage_class, 0)
    for rule in rules.selecting(record):
        moves = rule.transitions if noncurrent_index is None else rule.noncurrent_transitions
        for move in moves:
            if noncurrent_index is not None and noncurrent_index < move.newer:
                continue
            if move.date is not None:
                when = move.date
            elif move.days is not None:
                when = due(start, move.days, day)
            else:
                continue
            if record.size < _min_size(rules, rule, move.storage_class):
                continue
            if when > now:
                if horizon is not None and _RANK.get(move.storage_class, 0) > rank:
                    horizon.see(when, now)
                continue
            if _RANK.get(move.storage_class, 0) > rank:
                target, rank = (move.storage_class, rule.id), _RANK[move.storage_class]
    return target


@dataclass(frozen=True)
class Action:
    """One thing a pass does to one version."""

    kind: str  # "expire" | "delete-version" | "remove-marker" | "transition"
    key: str
    version_id: str | None  # None: the current object of an unversioned bucket
    rule_id: str = ""
    storage_class: str | None = None  # for "transition"
    current: ObjectRecord | None = None  # the version the action was decided on


def plan_key(
    rules: Rules,
    versions: Sequence[ObjectRecord],
    now: float,
    day: float = DAY,
    horizon: Horizon | None = None,
) -> list[Action]:
    """What a pass does to one key, given its versions newest first (one record for a bucket
    that never had versioning); ``horizon`` hears of what falls due later."""
    if not versions:
        return []
    actions: list[Action] = []
    newest = versions[0]
    key = newest.key
    # Noncurrent versions: each became noncurrent when the next newer version was made.
    kept_noncurrent = 0
    removed = 0
    for index in range(1, len(versions)):
        version, successor = versions[index], versions[index - 1]
        since = successor.last_modified.timestamp()
        rank = index - 1  # 0 = the newest noncurrent version
        gone = _noncurrent_expiry(rules, version, since, rank, now, day, horizon)
        if gone is not None and _locked(version, now, horizon):
            gone = None  # kept: a delete marker above it is no lone marker either
        if gone is not None:
            actions.append(Action("delete-version", key, version.version_id, gone, None, version))
            removed += 1
            continue
        kept_noncurrent += 1
        if not version.delete_marker:
            target = _transition(rules, version, since, now, day, rank, horizon)
            if target is not None:
                actions.append(
                    Action("transition", key, version.version_id, target[1], target[0], version)
                )
    if newest.delete_marker:
        if kept_noncurrent == 0:
            rule_id = _lone_marker_rule(rules, newest, now, day, horizon)
            if rule_id is not None:
                actions.append(
                    Action("remove-marker", key, newest.version_id, rule_id, None, newest)
                )
        return actions
    expiry = expiration(rules, newest, day)
    target = _transition(rules, newest, newest.last_modified.timestamp(), now, day, None, horizon)
    if expiry is not None and expiry[0] <= now:
        # "Permanent deletion takes precedence over transition; transition takes precedence
        # over creation of delete markers": on a versioned bucket the marker waits a day.
        if target is None or newest.version_id is None:
            actions.append(Action("expire", key, newest.version_id, expiry[1], None, newest))
            return actions
    elif expiry is not None and horizon is not None:
        horizon.see(expiry[0], now)
    if target is not None:
        actions.append(Action("transition", key, newest.version_id, target[1], target[0], newest))
    return actions


def _locked(version: ObjectRecord, now: float, horizon: Horizon | None) -> bool:
    """Whether Object Lock keeps the version from lifecycle, which never bypasses governance
    (a legal hold, or retention still running; ``horizon`` hears when that ends)."""
    if version.legal_hold == "ON":
        return True
    until = until_of(version)
    if until is None or until.timestamp() <= now:
        return False
    if horizon is not None:
        horizon.see(until.timestamp(), now)
    return True


def _lone_marker_rule(
    rules: Rules, marker: ObjectRecord, now: float, day: float, horizon: Horizon | None
) -> str | None:
    """The rule that removes a delete marker with no other version left, or None:
    ``ExpiredObjectDeleteMarker`` at once, an ``Expiration`` ``Days`` once the marker is that
    old ("S3 automatically performs ExpiredObjectDeleteMarker cleanup when the delete markers
    are old enough to satisfy the age criteria")."""
    for rule in rules.rules:
        if rule.tags or not marker.key.startswith(rule.prefix):
            continue
        if rule.expired_delete_marker:
            return rule.id
        if rule.expiration_days is not None:
            when = due(marker.last_modified.timestamp(), rule.expiration_days, day)
            if when <= now:
                return rule.id
            if horizon is not None:
                horizon.see(when, now)
    return None


def _noncurrent_expiry(
    rules: Rules,
    version: ObjectRecord,
    since: float,
    rank: int,
    now: float,
    day: float,
    horizon: Horizon | None = None,
) -> str | None:
    """The id of a rule that permanently removes this noncurrent version now, or None."""
    for rule in rules.rules:
        if rule.noncurrent_days is None:
            continue
        if version.delete_marker:
            if not version.key.startswith(rule.prefix) or rule.tags:
                continue
        elif not rule.selects(version.key, version.tags, version.size):
            continue
        if rank < rule.newer_noncurrent:
            continue
        when = due(since, rule.noncurrent_days, day)
        if when <= now:
            return rule.id
        if horizon is not None:
            horizon.see(when, now)
    return None
