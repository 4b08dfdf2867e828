"""The store's batch delete (DeleteObjects' plain keys): the indexes' ``remove_many`` drops many
keys at once (the memory index rebuilds its sorted key list in one pass, SQLite returns only
blob ids); listings, bodies and a rolled-back change must be as if each key went one by one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes3.errors import ConditionalRequestConflict, NoSuchKey
from fakes3.store import Store, open_store
from fakes3.store.store import NewObject
from fakes3.store.versioning import Deletion


@pytest.fixture(params=["memory", "directory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "data") if request.param == "directory" else None)
    yield opened
    opened.close()


def _keys(store: Store, bucket: str) -> list[str]:
    found: list[str] = []
    after = ""
    for _ in range(100):
        page = store.list_objects(bucket, start_after=after, max_keys=1000)
        found += [record.key for record in page.objects]
        if not page.truncated:
            return found
        after = found[-1]
    raise AssertionError("the listing does not end")


def _fill(store: Store, bucket: str, count: int) -> list[str]:
    keys = [f"k/{i:05d}" for i in range(count)]
    for key in keys:
        store.put_object(bucket, key, io.BytesIO(key.encode()), NewObject())
    return keys


@pytest.mark.parametrize(
    "count, doomed",
    [
        (1000, [3, 500, 999]),  # a few keys: one by one
        (1000, list(range(0, 1000, 2)) + [1]),  # most of the bucket: one pass
        (3000, list(range(7, 3000, 30))),  # a few of many: runs copied between them
        (40, list(range(40))),  # all of it
    ],
)
def test_many_keys_go_as_one_by_one(store: Store, count: int, doomed: list[int]) -> None:
    store.create_bucket("b", "us-east-1")
    keys = _fill(store, "b", count)
    asked = [keys[i] for i in doomed] + ["missing", keys[doomed[0]]]  # absent, twice
    answers = store.delete_objects("b", [(key, None, None) for key in asked])
    assert answers == [Deletion()] * len(asked)
    gone = set(asked)
    left = [key for key in keys if key not in gone]
    assert _keys(store, "b") == left
    for key in left[:5] + left[-5:]:
        _record, reader = store.read_object("b", key, lambda record: (0, record.size))
        assert b"".join(reader) == key.encode()
    with pytest.raises(NoSuchKey):
        store.head_object("b", keys[doomed[-1]])
    store.put_object("b", keys[doomed[0]], io.BytesIO(b"again"), NewObject())  # still sorted
    assert _keys(store, "b") == sorted([*left, keys[doomed[0]]])


@pytest.mark.parametrize(
    "asked, spared",
    [
        # A run of neighbours with keys the bucket lacks inside and around it, and repeats.
        ([*range(100, 400), 100, 399], [*range(100), *range(400, 500)]),
        (list(range(500)), []),  # the whole bucket
        ([*range(100, 200), *range(201, 300)], [*range(100), 200, *range(300, 500)]),
    ],
)
def test_a_run_of_neighbours_goes_as_one_by_one(
    store: Store, asked: list[int], spared: list[int]
) -> None:
    """A batch whose range holds only its own keys is removed as a range on the directory
    backend; one key it did not name inside the range (200 above) must stay, whole."""
    store.create_bucket("b", "us-east-1")
    keys = _fill(store, "b", 500)
    names = [keys[i] for i in asked] + ["k/00150x", "k/00099x"]  # absent: inside, at the start
    answers = store.delete_objects("b", [(key, None, None) for key in names])
    assert answers == [Deletion()] * len(names)
    assert _keys(store, "b") == [keys[i] for i in spared]
    for i in spared[:3] + spared[-3:]:
        _record, reader = store.read_object("b", keys[i], lambda record: (0, record.size))
        assert b"".join(reader) == keys[i].encode()
    assert store.index.usage("b") == (len(spared), sum(len(keys[i]) for i in spared))


def test_a_range_removal_stops_at_a_key_it_did_not_name(tmp_path: Path) -> None:
    """The SQLite index's range path reads at most one row more than it was asked to remove
    and deletes by range only when the range holds nothing else (white box: the statements)."""
    store = open_store(str(tmp_path / "data"))
    try:
        store.create_bucket("b", "us-east-1")
        keys = _fill(store, "b", 300)
        statements: list[str] = []
        store.index._db.set_trace_callback(statements.append)  # type: ignore[attr-defined]
        store.delete_objects("b", [(key, None, None) for key in keys[:100]])
        ranged = "DELETE FROM objects WHERE bucket = 'b' AND key >= 'k/00000' AND key <= 'k/00099'"
        assert ranged in statements  # the trace shows the statements with their values
        statements.clear()
        scattered = keys[100:300:2]  # the range holds the odd ones: key by key
        store.delete_objects("b", [(key, None, None) for key in scattered])
        assert not any(s.startswith("DELETE FROM objects") and "key >= " in s for s in statements)
        assert _keys(store, "b") == keys[101:300:2]
    finally:
        store.close()


class Boom(Exception):
    pass


@pytest.mark.parametrize("doomed", [[1, 2], list(range(0, 300, 3)), list(range(10, 50))])
def test_a_failed_change_puts_every_key_back(store: Store, doomed: list[int]) -> None:
    store.create_bucket("b", "us-east-1")
    keys = _fill(store, "b", 300)
    with pytest.raises(Boom), store.change():
        store.delete_objects("b", [(keys[i], None, None) for i in doomed])
        raise Boom()
    assert _keys(store, "b") == keys
    _record, reader = store.read_object("b", keys[doomed[0]], lambda record: (0, record.size))
    assert b"".join(reader) == keys[doomed[0]].encode()


def test_a_batch_delete_fails_the_conditional_writes_it_races(store: Store) -> None:
    """A conditional PUT streaming while a DeleteObjects removes its key must end in 409 (as a
    DeleteObject does); one on a key the batch did not name is unaffected."""
    store.create_bucket("b", "us-east-1")
    keys = _fill(store, "b", 50)
    raced = store.conflicts.watch("b", keys[10])
    spared = store.conflicts.watch("b", "not-in-the-batch")
    store.delete_objects("b", [(key, None, None) for key in keys])
    with pytest.raises(ConditionalRequestConflict):
        store.conflicts.check(raced)
    store.conflicts.check(spared)


def test_usage_follows_every_change_and_every_undo(store: Store) -> None:
    """``index.usage`` (health and metrics) is kept as objects change, not summed per call:
    after puts, overwrites, deletes, batch deletes, versioning and rolled-back changes it is
    always what summing the listing gives."""
    store.create_bucket("b", "us-east-1")

    def summed() -> tuple[int, int]:
        records = store.list_objects("b", max_keys=1000).objects
        return len(records), sum(record.size for record in records)

    def put(key: str, size: int) -> None:
        store.put_object("b", key, io.BytesIO(b"x" * size), NewObject())

    steps = [
        lambda: put("a", 10),
        lambda: put("b", 20),
        lambda: put("a", 5),  # an overwrite
        lambda: store.delete_object("b", "b"),
        lambda: [put(f"m/{i}", i) for i in range(30)],
        lambda: store.delete_objects("b", [(f"m/{i}", None, None) for i in range(0, 30, 3)]),
        lambda: store.set_versioning("b", "Enabled"),
        lambda: put("a", 7),
        lambda: store.delete_object("b", "m/1"),  # a delete marker: no current object
    ]
    for step in steps:
        step()
        assert store.index.usage("b") == summed()
        before = store.index.usage("b")
        with pytest.raises(Boom), store.change():
            put("a", 999)
            store.delete_objects("b", [("m/2", None, None), ("m/4", None, None)])
            raise Boom()
        assert store.index.usage("b") == before == summed()
