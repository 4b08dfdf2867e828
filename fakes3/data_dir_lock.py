"""One ``fakes3 serve`` per data directory, enforced while it serves.

Two processes on one directory each keep their own bucket-configuration and record caches,
and the second's start-up reconciliation would delete blobs the first has written but not yet
committed (docs/crash-safety.md). ``fakes3 serve`` therefore holds an advisory lock on
``<data-dir>/serve.lock`` from before it opens the store until it has closed it; the kernel
drops the lock when the process dies, so a restart after ``kill -9`` is never refused. Only the
command takes it: an in-process ``FakeS3`` reopened on the same directory (the pytest
restart pattern) is not a second server, but it refuses a directory a ``fakes3 serve`` of
another process is serving (``check_not_served``, called by ``open_store``).
"""

from __future__ import annotations

import os
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; serve unguarded there
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "serve.lock"
# How long a second serve waits for the holder to finish closing before it gives up.
WAIT_SECONDS = 3.0
_RETRY_SECONDS = 0.05


class DataDirInUse(Exception):
    """Another process holds the directory's lock; ``holder`` is the pid it wrote, if any."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)  # the one argument, so that it pickles back as it was
        self.holder = holder
        self.who = f"fakes3 serve (pid {holder})" if holder else "fakes3 serve"

    def __str__(self) -> str:
        return f"another {self.who} is serving this data directory"


def hold(data_dir: str, wait: float = WAIT_SECONDS) -> int | None:
    """Take the directory's lock (creating the directory); its file descriptor, to ``release``.

    None where the platform or filesystem has no ``flock`` (some network mounts): serving goes
    on unguarded, as before. DataDirInUse if another process holds it longer than ``wait``;
    OSError if the directory cannot be made or the file opened."""
    os.makedirs(data_dir, exist_ok=True)
    if fcntl is None:
        return None
    path = os.path.join(data_dir, LOCK_NAME)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:  # another user's file: flock needs only to read it
        fd = os.open(path, os.O_RDONLY)
    try:
        taken = _take(fd, wait)
    except BaseException:  # refused, or interrupted while waiting: the descriptor goes too
        os.close(fd)
        raise
    if not taken:
        os.close(fd)
        return None
    try:  # the pid is only for the refusal's message: a full disk must not keep the lock
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    except OSError:
        pass
    _held[fd] = os.path.realpath(data_dir)
    return fd


def release(fd: int | None) -> None:
    """Give the lock back (closing the descriptor drops it); the file stays for the next one."""
    if fd is not None:
        _held.pop(fd, None)
        os.close(fd)


def check_not_served(data_dir: str, wait: float = WAIT_SECONDS) -> None:
    """DataDirInUse if another process's ``fakes3 serve`` holds ``data_dir`` for longer than
    ``wait``: an in-process ``FakeS3`` opening it would reconcile away that server's
    uncommitted blobs. A directory this process serves, or one never served, passes."""
    if fcntl is None or os.path.realpath(data_dir) in _held.values():
        return
    try:
        fd = os.open(os.path.join(data_dir, LOCK_NAME), os.O_RDONLY)  # flock needs no more
    except OSError:
        return  # no lock file: never served (or not ours to judge)
    try:
        _take(fd, wait)
    finally:
        os.close(fd)  # also drops the lock just taken


def _take(fd: int, wait: float) -> bool:
    """Lock ``fd``, giving a holder ``wait`` seconds to let go (a restart that did not wait
    for the old server to finish closing its store); False if locks are unsupported there."""
    assert fcntl is not None
    retries = int(wait / _RETRY_SECONDS)  # counted, not timed: a test may have frozen the clock
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if retries <= 0:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
                raise DataDirInUse(holder) from None
            retries -= 1
            time.sleep(_RETRY_SECONDS)
        except OSError:
            return False


# Directories this process serves: descriptor -> real path.
_held: dict[int, str] = {}
