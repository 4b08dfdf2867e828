"""Freed blobs deleted on a thread of their own, after the request that freed them answered.

A batch delete is committed in the index first, so a blob handed over here is one nothing
refers to: deleting it later changes nothing a request can see, and a crash before it happens
leaves an orphan that the next open removes (``fakes3.store.reconcile``), as a crash between a
commit and an inline delete always could. ``flush()`` waits for what was handed over (tests,
``clear``); ``stop()`` finishes it and ends the thread (``close``).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger("fakes3")
NOT_DELETED = "%d freed blobs not deleted; the next start removes them"


class Reaper:
    def __init__(self, delete: Callable[[list[str]], None]) -> None:
        self._delete = delete
        self._queue: queue.Queue[list[str] | None] = queue.Queue()
        self._lock = threading.Lock()  # over the thread, the stop flag and every put
        self._thread: threading.Thread | None = None
        self._stopped = False
        self.errors: list[BaseException] = []  # also logged; those blobs wait for the next open

    def submit(self, blob_ids: list[str]) -> None:
        with self._lock:
            if not self._stopped:
                if self._thread is None:  # started on the first batch: most stores never need it
                    self._thread = threading.Thread(
                        target=self._run, name="fakes3-blob-reaper", daemon=True
                    )
                    self._thread.start()
                self._queue.put(blob_ids)  # under the lock: never behind stop()'s sentinel
                return
        self._delete(blob_ids)  # stopped (the store is closing): now, on the caller's thread

    def flush(self) -> None:
        self._queue.join()

    def stop(self) -> None:
        """Delete what was handed over, then end the thread."""
        with self._lock:
            self._stopped = True
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            blob_ids = self._queue.get()
            try:
                if blob_ids is None:
                    return
                self._delete(blob_ids)
            except Exception as error:  # noqa: BLE001 - the request was answered long ago
                self.errors.append(error)
                log.exception(NOT_DELETED, len(blob_ids or ()))
            finally:
                self._queue.task_done()
