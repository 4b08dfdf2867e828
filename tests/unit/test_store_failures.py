"""What the directory store does when the disk or the database fails around a commit: a
committed write stands, and no error leaves the store unable to write."""

from __future__ import annotations

import io
import logging
import os
import sqlite3
from pathlib import Path

import pytest

from fakes3.store import blobs as blobs_module
from fakes3.store import open_store
from fakes3.store.blob_reaper import Reaper
from fakes3.store.store import NewObject

BIG = 100 * 1024  # a file blob, not an inline row


def test_a_committed_overwrite_stands_when_the_old_body_cannot_be_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(str(tmp_path))
    store.create_bucket("bkt", "us-east-1")
    old = store.put_object("bkt", "k", io.BytesIO(b"a" * BIG), NewObject())
    doomed = store.blobs.files.path(old.blob_id)  # type: ignore[attr-defined]
    unlink = os.unlink

    def refusing_unlink(path: str, *args: object, **kwargs: object) -> None:
        if path == doomed:
            raise PermissionError(13, "Permission denied", path)  # as a read-only disk says
        unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(blobs_module.os, "unlink", refusing_unlink)
    with caplog.at_level(logging.ERROR, logger="fakes3"):
        new = store.put_object("bkt", "k", io.BytesIO(b"b" * BIG), NewObject())
        store.blobs.flush()  # the freed old body is deleted by the reaper thread
    reader = store.blobs.open(store.head_object("bkt", "k").blob_id)
    assert b"".join(reader) == b"b" * BIG and new.blob_id != old.blob_id
    assert "freed blobs not deleted" in caplog.text
    monkeypatch.undo()
    store.close()
    assert open_store(str(tmp_path)).reclaimed == 1  # the old body, at the next open


def test_a_failure_right_after_begin_leaves_no_transaction_open(tmp_path: Path) -> None:
    """Another process breaks the bucket table between two writes: the write that meets it
    fails, and once the table is back the next write works (no transaction was left open)."""
    store = open_store(str(tmp_path))
    store.create_bucket("bkt", "us-east-1")
    database = str(tmp_path / "metadata.sqlite3")
    with sqlite3.connect(database, isolation_level=None) as other:
        other.execute("ALTER TABLE buckets RENAME TO buckets_away")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        store.put_object("bkt", "k", io.BytesIO(b"x"), NewObject())
    with sqlite3.connect(database, isolation_level=None) as other:
        other.execute("ALTER TABLE buckets_away RENAME TO buckets")
    store.put_object("bkt", "k", io.BytesIO(b"y"), NewObject())
    assert b"".join(store.blobs.open(store.head_object("bkt", "k").blob_id)) == b"y"
    store.close()


def test_the_reaper_logs_a_failed_batch_and_deletes_after_stop_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deleted: list[list[str]] = []

    def delete(blob_ids: list[str]) -> None:
        if blob_ids == ["bad"]:
            raise OSError("disk gone")
        deleted.append(blob_ids)

    reaper = Reaper(delete)
    with caplog.at_level(logging.ERROR, logger="fakes3"):
        reaper.submit(["bad"])
        reaper.submit(["a"])
        reaper.flush()
    assert deleted == [["a"]] and [str(error) for error in reaper.errors] == ["disk gone"]
    assert "1 freed blobs not deleted" in caplog.text
    reaper.stop()
    reaper.submit(["late"])  # a request that freed blobs while the store closed
    assert deleted == [["a"], ["late"]]
    assert len(reaper.errors) == 1
