"""Blob reconciliation: the directory store's files against what its index refers to.

Metadata commits in one SQLite transaction and the blobs a change frees are deleted after it,
so a process killed at any instant can leave blob files that nothing refers to — a body
written but never committed, or a replaced one not yet deleted — but never a record without
its blob. ``open_store`` removes those files once, before the first request.
"""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING

from fakes3.store.blobs import FileBlobs

if TYPE_CHECKING:
    from fakes3.store.store import Store

_BLOB_ID = re.compile(r"[0-9a-f]{32}")


def reconcile(store: Store) -> int:
    """Delete the store's unreferenced blob files older than now; returns how many.

    Referenced: a current object, a version, an upload's part, a blob the consistency view
    holds for a stale reader. Files written after the call began are left alone. Run it with
    the store's lock held and no write in flight (a body streamed but not yet committed looks
    unreferenced): ``open_store`` calls it before the server starts.
    """
    blobs = store.blobs
    if not isinstance(blobs, FileBlobs):
        return 0  # memory blobs die with the process
    started = time.time()
    used = set(store.index.blob_ids())
    used.update(store.multipart.uploads.blob_ids())
    if store.view is not None:
        used.update(store.view.held)
    removed = 0
    with os.scandir(blobs.blob_dir) as fans:
        for fan in fans:
            if not fan.is_dir(follow_symlinks=False):
                continue
            with os.scandir(fan.path) as files:
                for entry in files:
                    if entry.name in used or not _BLOB_ID.fullmatch(entry.name):
                        continue
                    try:
                        if entry.stat(follow_symlinks=False).st_mtime >= started:
                            continue
                        os.unlink(entry.path)
                    except FileNotFoundError:
                        continue
                    removed += 1
    return removed
