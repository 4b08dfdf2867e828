"""``Store.change()``: one S3-level change, as one index transaction under the store's lock.

The blobs a change frees (``Store.discard``) are deleted only after its transaction commits,
outside the lock; if it raises, the index undoes its writes and those blobs are kept. Nested
changes (a multipart completion's commit of its object) are part of the outermost one. A
class, not a generator, since it wraps every write request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fakes3.store.blob_reaper import NOT_DELETED

if TYPE_CHECKING:
    from fakes3.store.store import Store

log = logging.getLogger("fakes3")


class Change:
    """``Store.change()``: a class, not a generator, as it wraps every write. Its stack is
    touched only by the thread holding the store's lock."""

    __slots__ = ("store", "marks")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.marks: list[int] = []  # length of the freed list at each open change

    def __enter__(self) -> None:
        store = self.store
        store.lock.acquire()
        try:
            if store._freed is None:
                store._freed = []
            self.marks.append(len(store._freed))
            store.index.transaction().__enter__()
        except BaseException:
            self._close()
            raise

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: Any
    ) -> None:
        store = self.store
        try:
            store.index.transaction().__exit__(kind, error, trace)
        except BaseException:
            self._close(failed=True)
            raise
        freed = self._close(failed=kind is not None)
        if freed:  # after the commit, outside the lock, in one batch
            try:
                store.blobs.delete_many(freed)
            except Exception:  # committed: the request succeeded; its orphans go at next open
                log.exception(NOT_DELETED, len(freed))

    def _close(self, failed: bool = False) -> list[str]:
        """Pop this change; release the lock; the blobs to delete now (outermost, committed)."""
        store = self.store
        freed = store._freed
        assert freed is not None
        mark = self.marks.pop() if self.marks else 0
        if failed:
            del freed[mark:]
        if self.marks:
            store.lock.release()
            return []
        store._freed = None
        store.lock.release()
        return freed
