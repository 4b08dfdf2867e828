"""fakes3's version ids check themselves, so an id never issued is InvalidArgument as in S3;
ids stored before the check (a data dir from an older fakes3) keep working."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fakes3.errors import InvalidArgument, NoSuchVersion
from fakes3.store import open_store, versioning
from fakes3.store.store import NewObject


def test_issued_ids_pass_and_changed_ones_fail() -> None:
    ids = {versioning.new_version_id() for _ in range(200)}
    assert len(ids) == 200
    for version_id in ids:
        assert len(version_id) == 32 and versioning.issued(version_id)
        assert not versioning.issued(version_id[:-1] + ("A" if version_id[-1] != "A" else "B"))
    assert not versioning.issued("A" * 32)
    assert not versioning.issued("short")


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_ids_stored_before_the_check_still_work(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(str(tmp_path) if backend == "directory" else None)
    try:
        store.create_bucket("b", "us-east-1", "owner")
        store.set_versioning("b", versioning.ENABLED)
        legacy = "L" * 32
        monkeypatch.setattr(versioning, "new_version_id", lambda: legacy)
        store.put_object("b", "k", io.BytesIO(b"old"), NewObject())
        monkeypatch.undo()
        assert store.head_object("b", "k", legacy).version_id == legacy
        store.delete_object("b", "k", None, legacy)
        with pytest.raises(InvalidArgument):  # gone, and not an id fakes3 issues now
            store.head_object("b", "k", legacy)
        fresh = store.put_object("b", "k", io.BytesIO(b"new"), NewObject()).version_id
        assert fresh is not None
        store.delete_object("b", "k", None, fresh)
        with pytest.raises(NoSuchVersion):
            store.head_object("b", "k", fresh)
    finally:
        store.close()
