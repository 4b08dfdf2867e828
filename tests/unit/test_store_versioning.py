"""Versioning in the store, on every backend, checked against a plain model of S3's rules."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes3.errors import NoSuchKey
from fakes3.store import Store, open_store
from fakes3.store.store import NewObject

Model = dict[str, list[tuple[str, bytes | None]]]  # key -> newest-first (version id, data)


@pytest.fixture(params=["memory", "directory"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    opened: list[Store] = []

    def make() -> Store:
        suffix = str(len(opened))
        data_dir = str(tmp_path / suffix) if request.param == "directory" else None
        opened.append(open_store(data_dir))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


def read(store: Store, key: str, version_id: str | None = None) -> bytes:
    _record, reader = store.read_object("b", key, lambda rec: (0, rec.size), version_id)
    return b"".join(reader)


def put(store: Store, key: str, data: bytes) -> str | None:
    return store.put_object("b", key, io.BytesIO(data), NewObject()).version_id


def listed_versions(store: Store, page: int) -> list[tuple[str, str | None, bool]]:
    """(key, version id, is delete marker) for every version, following pages of ``page``."""
    found: list[tuple[str, str | None, bool]] = []
    marker, version = "", None
    while True:
        result = store.list_versions("b", key_marker=marker, version_marker=version, max_keys=page)
        found += [(r.key, r.version_id, r.delete_marker) for r in result.objects]
        if not result.truncated:
            return found
        marker, version = result.last or "", result.last_version


operations = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "delete-version", "suspend", "enable"]),
        st.sampled_from(["a", "b/c", "é"]),
        st.integers(0, 3),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations, page=st.integers(1, 4))
def test_versioned_store_matches_the_model(store_factory: object, steps: list, page: int) -> None:
    store: Store = store_factory()  # type: ignore[operator]
    store.create_bucket("b", "us-east-1")
    store.set_versioning("b", "Enabled")
    model: Model = {}
    status = "Enabled"
    for n, (action, key, pick) in enumerate(steps):
        versions = model.setdefault(key, [])
        if action in ("suspend", "enable"):
            status = "Suspended" if action == "suspend" else "Enabled"
            store.set_versioning("b", status)
        elif action == "put":
            data = b"%d" % n
            version_id = put(store, key, data)
            assert version_id is not None
            if status == "Suspended":
                assert version_id == "null"
                versions[:] = [v for v in versions if v[0] != "null"]
            versions.insert(0, (version_id, data))
        elif action == "delete":
            deletion = store.delete_object("b", key)
            assert deletion.delete_marker and deletion.version_id is not None
            if status == "Suspended":
                versions[:] = [v for v in versions if v[0] != "null"]
            versions.insert(0, (deletion.version_id, None))
        elif versions:
            version_id = versions[pick % len(versions)][0]
            store.delete_object("b", key, version_id=version_id)
            versions[:] = [v for v in versions if v[0] != version_id]
    expected = [
        (key, version_id, data is None)
        for key in sorted(model, key=lambda k: k.encode())
        for version_id, data in model[key]
    ]
    assert listed_versions(store, page) == expected
    for key, versions in model.items():
        if versions and versions[0][1] is not None:
            assert read(store, key) == versions[0][1]
        else:
            with pytest.raises(NoSuchKey):
                store.head_object("b", key)
        for version_id, data in versions:
            if data is not None:
                assert read(store, key, version_id) == data
    live = [k for k in sorted(model, key=lambda k: k.encode()) if model[k] and model[k][0][1]]
    assert [r.key for r in store.list_objects("b").objects] == live


def test_versions_survive_a_restart(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    store = open_store(data_dir)
    store.create_bucket("b", "us-east-1")
    put(store, "k", b"before")
    store.set_versioning("b", "Enabled")
    newer = put(store, "k", b"after")
    marker = store.delete_object("b", "k").version_id
    store.close()
    reopened = open_store(data_dir)
    assert reopened.get_bucket("b").versioning == "Enabled"
    assert listed_versions(reopened, 1000) == [
        ("k", marker, True),
        ("k", newer, False),
        ("k", "null", False),
    ]
    assert read(reopened, "k", "null") == b"before"
    assert put(reopened, "k", b"third") not in (newer, marker, "null")
    reopened.close()
