"""Blob reconciliation: the directory store's blobs against what its index refers to.

Metadata commits in one SQLite transaction and the blobs a change frees are deleted after it,
so a process killed at any instant can leave blobs (files, or rows of the inline table) that
nothing refers to — a body written but never committed, or a replaced one not yet deleted —
but never a record without its blob. ``open_store`` removes those once, before the first
request.
"""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING

from fakes3.store.blobs import FileBlobs
from fakes3.store.blobs_inline import InlineBlobs

if TYPE_CHECKING:
    from fakes3.store.store import Store

_BLOB_ID = re.compile(r"[0-9a-f]{32}")


def reconcile(store: Store) -> int:
    """Delete the store's unreferenced blobs (files and inline rows) older than now; returns
    how many.

    Referenced: a current object, a version, an upload's part, a blob the consistency view
    holds for a stale reader. Blobs written after the call began are left alone. Run it with
    the store's lock held and no write in flight (a body streamed but not yet committed looks
    unreferenced): ``open_store`` calls it before the server starts.
    """
    blobs = store.blobs
    inline = blobs if isinstance(blobs, InlineBlobs) else None
    stored = inline.files if inline is not None else blobs
    if not isinstance(stored, FileBlobs):
        return 0  # memory blobs die with the process
    started = time.time()
    used = set(store.index.blob_ids())
    used.update(store.multipart.uploads.blob_ids())
    if store.view is not None:
        used.update(store.view.held)
    removed = 0
    if inline is not None:
        orphans = [blob_id for blob_id in inline.inline_ids(started) if blob_id not in used]
        inline.delete_many(orphans)
        inline.flush()  # now, not gathered for later: the count reported is what is gone
        removed += len(orphans)
    with os.scandir(stored.blob_dir) as fans:
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
