"""The bucket-configuration port and record rewrites: one contract over both backends.

Every configuration a feature stores goes through ``Store.configs``; a directory store must
give back after a restart exactly what the memory store holds (tests reopen it).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from fakes3.errors import NoSuchBucket, NoSuchKey
from fakes3.store import Store, open_store
from fakes3.store.records import BucketRecord
from fakes3.store.store import NewObject

# One document per shape a configuration can take: nested lists, datetimes, bytes, unicode.
DOCUMENTS: dict[str, Any] = {
    "tagging": {"TagSet": [{"Key": "team", "Value": "ünïcode ✓"}]},
    "cors": {"CORSRules": [{"AllowedMethods": ["GET", "PUT"], "MaxAgeSeconds": 3000}]},
    "lifecycle": {"Rules": [{"Expiration": {"Date": datetime(2030, 1, 1, tzinfo=timezone.utc)}}]},
    "blob": {"Value": b"\x00\xffbytes"},
    "inventory/daily": {"Id": "daily", "IsEnabled": True},
    "inventory/weekly": {"Id": "weekly", "IsEnabled": False},
}


@pytest.fixture(params=["memory", "directory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "data") if request.param == "directory" else None)
    opened.create_bucket("bkt", "us-east-1")
    yield opened
    opened.close()


def test_put_get_delete_and_list_by_prefix(store: Store) -> None:
    for name, document in DOCUMENTS.items():
        store.configs.put("bkt", name, document)
    for name, document in DOCUMENTS.items():
        assert store.configs.get("bkt", name) == document
    assert [name for name, _ in store.configs.list("bkt", "inventory/")] == [
        "inventory/daily",
        "inventory/weekly",
    ]
    assert store.configs.delete("bkt", "cors") is True
    assert store.configs.delete("bkt", "cors") is False
    assert store.configs.get("bkt", "cors") is None


def test_missing_bucket_is_no_such_bucket(store: Store) -> None:
    with pytest.raises(NoSuchBucket):
        store.configs.get("nope", "cors")
    with pytest.raises(NoSuchBucket):
        store.configs.put("nope", "cors", {})


def test_configurations_go_with_their_bucket(store: Store) -> None:
    store.configs.put("bkt", "cors", DOCUMENTS["cors"])
    store.delete_bucket("bkt")
    store.create_bucket("bkt", "us-east-1")
    assert store.configs.get("bkt", "cors") is None
    assert store.configs.list("bkt", "") == []


def test_directory_store_gives_back_what_memory_holds(tmp_path: Path) -> None:
    memory = open_store()
    first = open_store(str(tmp_path))
    for opened in (memory, first):
        opened.create_bucket("bkt", "eu-west-1", owner="a" * 64)
        opened.set_versioning("bkt", "Suspended")
        for name, document in DOCUMENTS.items():
            opened.configs.put("bkt", name, document)
    first.close()
    reopened = open_store(str(tmp_path))
    assert reopened.get_bucket("bkt") == memory.get_bucket("bkt")
    assert reopened.configs.list("bkt", "") == memory.configs.list("bkt", "")
    reopened.close()


def test_every_bucket_record_field_survives_a_restart(tmp_path: Path) -> None:
    """A field added to BucketRecord must be persisted by the SQLite index too."""
    record = BucketRecord(
        "bkt", "eu-west-1", datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc), "b" * 64
    )
    changed = {
        field.name: "Enabled"
        for field in dataclasses.fields(BucketRecord)
        if field.default is None or field.default == ""
    }
    record = dataclasses.replace(record, **changed)
    first = open_store(str(tmp_path))
    first.index.add_bucket(record)
    first.index.set_bucket(record)
    first.close()
    reopened = open_store(str(tmp_path))
    assert reopened.get_bucket("bkt") == record
    reopened.close()


def test_rewrite_changes_one_version_and_keeps_its_place(store: Store) -> None:
    store.set_versioning("bkt", "Enabled")
    old = store.put_object("bkt", "k", io.BytesIO(b"old"), NewObject())
    new = store.put_object("bkt", "k", io.BytesIO(b"new"), NewObject())
    store.rewrite_object(
        "bkt", "k", old.version_id, lambda r: dataclasses.replace(r, tags=(("a", "1"),))
    )
    assert store.head_object("bkt", "k").tags == ()  # the current version is untouched
    assert store.head_object("bkt", "k", old.version_id).tags == (("a", "1"),)
    store.rewrite_object("bkt", "k", None, lambda r: dataclasses.replace(r, tags=(("b", "2"),)))
    assert store.head_object("bkt", "k").tags == (("b", "2"),)
    assert store.head_object("bkt", "k", new.version_id).tags == (("b", "2"),)
    versions = store.list_versions("bkt").objects
    assert [v.version_id for v in versions] == [new.version_id, old.version_id]
    with pytest.raises(NoSuchKey):
        store.rewrite_object("bkt", "missing", None, lambda r: r)
