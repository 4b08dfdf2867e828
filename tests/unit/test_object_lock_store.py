"""Object Lock in the store, where it is enforced: the rules as pure functions, and a property
test that no sequence of deletes, overwrites and clock steps removes a protected version
(memory and directory backends)."""

from __future__ import annotations

import io
import tempfile
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes3.errors import AccessDenied
from fakes3.store import Store, open_store
from fakes3.store.clock import ManualClock
from fakes3.store.object_lock import check_retention_change, protected
from fakes3.store.records import ObjectRecord
from fakes3.store.store import NewObject

START = datetime(2030, 1, 1, tzinfo=timezone.utc)


def _record(mode: str | None = None, days: float = 0, hold: str | None = None) -> ObjectRecord:
    until = (START + timedelta(days=days)).isoformat() if mode else None
    return ObjectRecord(
        "k", "b", 1, '"e"', START, lock_mode=mode, lock_until=until, legal_hold=hold
    )


@pytest.mark.parametrize(
    ("record", "bypass", "expected"),
    [
        (_record(), False, False),
        (_record("GOVERNANCE", 1), False, True),
        (_record("GOVERNANCE", 1), True, False),
        (_record("COMPLIANCE", 1), True, True),
        (_record("COMPLIANCE", -1), False, False),  # ended
        (_record("COMPLIANCE", 0), False, False),  # ends at its date
        (_record(hold="ON"), True, True),
        (_record(hold="OFF"), False, False),
        (_record("COMPLIANCE", -1, hold="ON"), False, True),
    ],
)
def test_protected(record: ObjectRecord, bypass: bool, expected: bool) -> None:
    assert protected(record, START, bypass) is expected


def test_retention_change_rules() -> None:
    later = START + timedelta(days=2)
    governed, complied = _record("GOVERNANCE", 1), _record("COMPLIANCE", 1)
    check_retention_change(governed, "GOVERNANCE", later, START, False)
    check_retention_change(complied, "COMPLIANCE", later, START, False)
    check_retention_change(governed, None, None, START, True)
    check_retention_change(complied, None, None, START + timedelta(days=1), False)  # ended
    for record, mode, until, bypass in (
        (governed, "GOVERNANCE", START, False),
        (governed, "COMPLIANCE", later, False),
        (governed, None, None, False),
        (complied, "GOVERNANCE", later, True),
        (complied, "COMPLIANCE", START, True),
        (complied, None, None, True),
    ):
        with pytest.raises(AccessDenied):
            check_retention_change(record, mode, until, START, bypass)


# The property ------------------------------------------------------------------------------

KEYS = ("a", "b")
LOCKS = st.sampled_from(["none", "governance", "compliance", "hold"])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.sampled_from(KEYS), LOCKS, st.integers(1, 5)),
        st.tuples(st.just("delete"), st.sampled_from(KEYS)),
        st.tuples(st.just("delete_version"), st.integers(0, 30), st.booleans()),
        st.tuples(st.just("advance"), st.integers(0, 3 * 86400)),
    ),
    max_size=25,
)


def _lock(kind: str, now: datetime, days: int) -> dict[str, str]:
    until = (now + timedelta(days=days)).isoformat()
    if kind == "governance":
        return {"lock_mode": "GOVERNANCE", "lock_until": until}
    if kind == "compliance":
        return {"lock_mode": "COMPLIANCE", "lock_until": until}
    return {"legal_hold": "ON"} if kind == "hold" else {}


def _present(store: Store) -> dict[str, ObjectRecord]:
    page = store.list_versions("locked", max_keys=1000)
    return {record.version_id or "": record for record in page.objects}


def _run(store: Store, clock: ManualClock, ops: list[tuple[object, ...]]) -> None:
    store.create_bucket("locked", "us-east-1")
    store.set_versioning("locked", "Enabled")
    made: list[ObjectRecord] = []  # every version written, in order
    for op in ops:
        if op[0] == "put":
            _, key, kind, days = op
            new = NewObject(lock=_lock(str(kind), clock.now(), int(str(days))))
            made.append(store.put_object("locked", str(key), io.BytesIO(b"x"), new))
        elif op[0] == "delete":
            store.delete_object("locked", str(op[1]))
        elif op[0] == "delete_version" and made:
            target = made[int(str(op[1])) % len(made)]
            bypass = bool(op[2])
            guarded = protected(target, clock.now(), bypass)
            existed = target.version_id in _present(store)
            try:
                store.delete_object("locked", target.key, None, target.version_id, bypass)
            except AccessDenied:
                assert guarded and existed
            else:
                assert not (guarded and existed), "a protected version was removed"
                assert target.version_id not in _present(store)
        elif op[0] == "advance":
            clock.advance(int(str(op[1])))
        # After every step, each version that even the bypass cannot remove (COMPLIANCE
        # retention running, legal hold ON) is there, unchanged.
        present = _present(store)
        for record in made:
            if protected(record, clock.now(), bypass_governance=True):
                assert present.get(record.version_id or "") == record


@settings(max_examples=40, deadline=None)
@given(ops=OPS, directory=st.booleans())
def test_no_protected_version_is_ever_removed(
    ops: list[tuple[object, ...]], directory: bool
) -> None:
    clock = ManualClock(START)
    with tempfile.TemporaryDirectory() as data:
        store = open_store(data if directory else None, clock)
        try:
            _run(store, clock, ops)
        finally:
            store.close()
