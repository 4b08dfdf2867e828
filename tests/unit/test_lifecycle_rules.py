"""The pure lifecycle rules: midnight rounding, what selects a version, what a pass plans; and a
property test that a pass over a real store never touches a version no rule selects."""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes3.store import lifecycle_rules as lr
from fakes3.store.clock import ManualClock
from fakes3.store.lifecycle import Lifecycle
from fakes3.store.records import ObjectRecord
from fakes3.store.store import NewObject, open_store

DAY = 86400
START = datetime(2030, 3, 10, 15, 30, tzinfo=timezone.utc).timestamp()


def record(key: str, when: float, size: int = 1, **fields: Any) -> ObjectRecord:
    return ObjectRecord(
        key=key,
        blob_id="b",
        size=size,
        etag='"e"',
        last_modified=datetime.fromtimestamp(when, timezone.utc),
        **fields,
    )


def test_due_rounds_up_to_the_next_midnight_utc() -> None:
    assert lr.due(START, 1) == datetime(2030, 3, 12, tzinfo=timezone.utc).timestamp()
    midnight = datetime(2030, 3, 10, tzinfo=timezone.utc).timestamp()
    assert lr.due(midnight, 1) == midnight + DAY  # already a midnight: no rounding
    assert lr.due(25, 1, day=10) == 40  # a 10-second test day keeps the arithmetic


def test_expiration_picks_the_earliest_selecting_rule() -> None:
    rules = lr.rules_of(
        {
            "Rules": [
                {"ID": "late", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 9}},
                {
                    "ID": "early",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "a"},
                    "Expiration": {"Days": 2},
                },
                {"ID": "off", "Status": "Disabled", "Filter": {}, "Expiration": {"Days": 1}},
            ]
        }
    )
    assert lr.expiration(rules, record("a1", START)) == (lr.due(START, 2), "early")
    assert lr.expiration(rules, record("b1", START)) == (lr.due(START, 9), "late")
    assert lr.expiration(rules, record("a1", START, delete_marker=True)) is None


def test_filters_prefix_tags_and_sizes() -> None:
    rule = lr.parse_rule(
        {
            "ID": "r",
            "Status": "Enabled",
            "Expiration": {"Days": 1},
            "Filter": {
                "And": {
                    "Prefix": "p/",
                    "Tags": [{"Key": "a", "Value": "1"}],
                    "ObjectSizeGreaterThan": 5,
                    "ObjectSizeLessThan": 10,
                }
            },
        }
    )
    assert rule.selects("p/x", [("a", "1"), ("b", "2")], 6)
    assert not rule.selects("q/x", [("a", "1")], 6)
    assert not rule.selects("p/x", [("a", "2")], 6)
    assert not rule.selects("p/x", [("a", "1")], 5)  # strictly greater
    assert not rule.selects("p/x", [("a", "1")], 10)  # strictly less


def test_plan_noncurrent_counts_from_the_successor() -> None:
    rules = lr.rules_of(
        {
            "Rules": [
                {
                    "ID": "nc",
                    "Status": "Enabled",
                    "Filter": {},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                },
            ]
        }
    )
    versions = [
        record("k", START + 5 * DAY, version_id="v3"),
        record("k", START + 2 * DAY, version_id="v2"),
        record("k", START, version_id="v1"),
    ]
    # v1 became noncurrent at START+2d, v2 at START+5d: one day later, rounded to midnight
    at = lr.due(START + 2 * DAY, 1)
    assert [a.version_id for a in lr.plan_key(rules, versions, at - 1)] == []
    assert [a.version_id for a in lr.plan_key(rules, versions, at)] == ["v1"]
    later = lr.due(START + 5 * DAY, 1)
    assert [a.version_id for a in lr.plan_key(rules, versions, later)] == ["v2", "v1"]


# --- property: a pass never touches a version no rule selects -----------------------------

PREFIXES = ["", "a", "ab", "b"]
KEYS = ["a1", "ab2", "b3", "c4"]
TAGS = [(), (("t", "1"),), (("t", "2"),)]

rule_strategy = st.fixed_dictionaries(
    {
        "prefix": st.sampled_from(PREFIXES),
        "tag": st.sampled_from([None, ("t", "1")]),
        "gt": st.sampled_from([None, 2]),
        "enabled": st.booleans(),
        "action": st.sampled_from(["expire", "noncurrent", "marker", "transition"]),
        "days": st.integers(1, 5),
    }
)


def as_document(index: int, spec: dict[str, Any]) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    if spec["tag"] is not None:
        parts["Tags"] = [{"Key": spec["tag"][0], "Value": spec["tag"][1]}]
    if spec["gt"] is not None:
        parts["ObjectSizeGreaterThan"] = spec["gt"]
    parts["Prefix"] = spec["prefix"]
    rule: dict[str, Any] = {
        "ID": f"r{index}",
        "Status": "Enabled" if spec["enabled"] else "Disabled",
        "Filter": {"And": parts},
    }
    action, days = spec["action"], spec["days"]
    if action == "expire":
        rule["Expiration"] = {"Days": days}
    elif action == "noncurrent":
        rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": days}
    elif action == "marker":
        rule["Filter"] = {"Prefix": spec["prefix"]}
        rule["Expiration"] = {"ExpiredObjectDeleteMarker": True}
    else:
        rule["Transitions"] = [{"Days": days, "StorageClass": "GLACIER"}]
    return rule


def selected_by_any(rules: list[lr.Rule], version: ObjectRecord) -> bool:
    for rule in rules:
        if version.delete_marker:
            if version.key.startswith(rule.prefix) and not rule.tags:
                return True
        elif rule.selects(version.key, version.tags, version.size):
            return True
    return False


writes = st.lists(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(TAGS), st.integers(0, 4), st.booleans()),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(rule_strategy, min_size=1, max_size=4),
    ops=writes,
    versioned=st.booleans(),
    directory=st.booleans(),
    steps=st.lists(st.integers(1, 4), min_size=1, max_size=4),
)
def test_a_pass_never_touches_a_version_no_rule_selects(
    specs: list[dict[str, Any]],
    ops: list[tuple[str, tuple[tuple[str, str], ...], int, bool]],
    versioned: bool,
    directory: bool,
    steps: list[int],
) -> None:
    clock = ManualClock(START)
    data_dir = tempfile.mkdtemp(prefix="lifecycle-property-") if directory else None
    store = open_store(data_dir, clock=clock)
    lifecycle = Lifecycle(store)
    store.create_bucket("bkt", "us-east-1")
    if versioned:
        store.set_versioning("bkt", "Enabled")
    for key, tags, size, delete in ops:
        if delete:
            store.delete_object("bkt", key)
        else:
            store.put_object("bkt", key, io.BytesIO(b"x" * size), NewObject(tags=tags))
        clock.advance(3600)
    document = {"Rules": [as_document(n, spec) for n, spec in enumerate(specs)]}
    store.configs.put("bkt", "lifecycle", document)
    enabled = list(lr.rules_of(store.configs.get("bkt", "lifecycle")).rules)

    def snapshot() -> dict[tuple[str, str | None], ObjectRecord]:
        scan = store.index.scan_versions if versioned else None
        found = (
            scan("bkt", "", True, None, 10_000)
            if scan
            else store.index.scan("bkt", "", True, 10_000)
        )
        return {(r.key, r.version_id): r for r in found}

    for step in steps:
        before = snapshot()
        clock.advance(step * DAY)
        after = snapshot()
        for place, version in before.items():
            changed = after.get(place) != version
            if changed:
                assert selected_by_any(enabled, version), (version, document)
        for place, version in after.items():
            if place not in before:  # a delete marker the pass placed
                assert version.delete_marker and versioned
                covered = [v for p, v in before.items() if p[0] == place[0]]
                assert any(selected_by_any(enabled, v) for v in covered)
    lifecycle.close()
    store.close()
    if data_dir is not None:
        shutil.rmtree(data_dir)


def test_a_lone_marker_goes_with_a_days_rule_once_old_enough() -> None:
    rules = lr.rules_of(
        {"Rules": [{"ID": "d", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 2}}]}
    )
    marker = [record("k", START, version_id="m", delete_marker=True)]
    horizon = lr.Horizon()
    assert lr.plan_key(rules, marker, START + DAY, horizon=horizon) == []
    assert horizon.next == lr.due(START, 2)
    [action] = lr.plan_key(rules, marker, lr.due(START, 2))
    assert (action.kind, action.version_id, action.rule_id) == ("remove-marker", "m", "d")
    with_version = [*marker, record("k", START - DAY, version_id="v")]
    assert lr.plan_key(rules, with_version, START + 9 * DAY) == []  # not alone: S3 waits


def test_transition_before_a_delete_marker_but_not_before_a_deletion() -> None:
    rules = lr.rules_of(
        {
            "Rules": [
                {
                    "ID": "both",
                    "Status": "Enabled",
                    "Filter": {"ObjectSizeGreaterThan": 0},
                    "Expiration": {"Days": 1},
                    "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}],
                }
            ]
        }
    )
    at = lr.due(START, 1)
    [versioned] = lr.plan_key(rules, [record("k", START, size=5, version_id="v")], at)
    assert (versioned.kind, versioned.storage_class) == ("transition", "GLACIER")
    [plain] = lr.plan_key(rules, [record("k", START, size=5)], at)
    assert plain.kind == "expire"
    glacier = record("k", START, size=5, version_id="v", storage_class="GLACIER")
    [later] = lr.plan_key(rules, [glacier], at + DAY)
    assert later.kind == "expire"  # the marker the next day
