"""Digests of a stream, taken on a second thread once the stream proves large.

hashlib and zlib release the GIL while they hash a large buffer, so for a big upload the MD5
(the slowest digest here, about 600 MB/s) and the object's checksum can run beside the request
thread, which meanwhile reads the socket, checks the client's own digests and writes the blob.
Small bodies never start a thread: most PUTs are a few KiB. The queue is bounded, so memory
stays a few chunks whatever the object's size.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

OFFLOAD_AFTER = 4 * 1024 * 1024  # bytes hashed inline before a thread takes over
_QUEUED = 8  # chunks waiting for the hashing thread, at most


class Digests:
    """Feeds every chunk to each hasher, in order; ``finish()`` before reading them."""

    def __init__(self, hashers: list[Any]) -> None:
        self._hashers = hashers
        self._inline = 0
        self._queue: queue.Queue[bytes | None] | None = None
        self._thread: threading.Thread | None = None
        self._finished = False
        self._failed: BaseException | None = None

    def update(self, chunk: bytes) -> None:
        if self._queue is not None:
            self._queue.put(chunk)
            return
        for hasher in self._hashers:
            hasher.update(chunk)
        self._inline += len(chunk)
        if self._inline > OFFLOAD_AFTER and not self._finished:
            self._queue = queue.Queue(maxsize=_QUEUED)
            self._thread = threading.Thread(target=self._run, name="fakes3-digests", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        chunks = self._queue
        assert chunks is not None
        while (chunk := chunks.get()) is not None:
            if self._failed is not None:
                continue  # keep taking chunks, so the request thread never blocks on put()
            try:
                for hasher in self._hashers:
                    hasher.update(chunk)
            except BaseException as exc:  # re-raised by finish(), on the request thread
                self._failed = exc

    def finish(self) -> None:
        """Wait until every chunk given so far is hashed; the hashers are then complete (and
        any later chunk is hashed inline again)."""
        if self._thread is not None:
            assert self._queue is not None
            self._queue.put(None)
            self._thread.join()
        self._thread = self._queue = None
        self._finished = True
        if self._failed is not None:
            failed, self._failed = self._failed, None
            raise failed
