"""Freed blobs deleted on a thread of their own, after the request that freed them answered.

A batch delete is committed in the index first, so a blob handed over here is one nothing
refers to: deleting it later changes nothing a request can see, and a crash before it happens
leaves an orphan that the next open removes (``fakes3.store.reconcile``), as a crash between a
commit and an inline delete always could. ``flush()`` waits for what was handed over (tests,
``clear``); ``stop()`` finishes it and ends the thread (``close``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable


class Reaper:
    def __init__(self, delete: Callable[[list[str]], None]) -> None:
        self._delete = delete
        self._queue: queue.Queue[list[str] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.errors: list[BaseException] = []  # a failed batch stays as orphans until the next open

    def submit(self, blob_ids: list[str]) -> None:
        with self._lock:
            if self._thread is None:  # started on the first batch: most stores never need it
                self._thread = threading.Thread(
                    target=self._run, name="fakes3-blob-reaper", daemon=True
                )
                self._thread.start()
        self._queue.put(blob_ids)

    def flush(self) -> None:
        self._queue.join()

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _run(self) -> None:
        while True:
            blob_ids = self._queue.get()
            try:
                if blob_ids is None:
                    return
                self._delete(blob_ids)
            except Exception as error:  # noqa: BLE001 - kept for the caller; orphans are reclaimed
                self.errors.append(error)
            finally:
                self._queue.task_done()
