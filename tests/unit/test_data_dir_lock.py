"""The data directory's serve lock: what a second server meets (fakes3/data_dir_lock.py).

flock locks belong to open file descriptions, so two descriptors in this process contend as
two processes would (tests/test_cli.py starts real servers)."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest

from fakes3 import data_dir_lock
from fakes3.data_dir_lock import DataDirInUse


def test_a_held_directory_is_refused_naming_the_holder(tmp_path: Path) -> None:
    first = data_dir_lock.hold(str(tmp_path))
    try:
        with pytest.raises(DataDirInUse) as refused:
            data_dir_lock.hold(str(tmp_path), wait=0.1)
        assert refused.value.holder == str(os.getpid())
    finally:
        data_dir_lock.release(first)
    second = data_dir_lock.hold(str(tmp_path), wait=0)  # released: free at once
    data_dir_lock.release(second)


def test_a_holder_that_lets_go_while_waited_for_is_replaced(tmp_path: Path) -> None:
    """A restart that does not wait for the old server to close its store: the new one waits
    for the lock instead of refusing (the old one lets go 0.2 s into the 3 s allowed)."""
    first = data_dir_lock.hold(str(tmp_path))
    letting_go = threading.Timer(0.2, data_dir_lock.release, (first,))
    letting_go.start()
    try:
        second = data_dir_lock.hold(str(tmp_path))
    finally:
        letting_go.join()
    assert second is not None
    data_dir_lock.release(second)
    assert (tmp_path / data_dir_lock.LOCK_NAME).read_text() == f"{os.getpid()}\n"


def test_a_directory_never_served_is_free_to_open(tmp_path: Path) -> None:
    data_dir_lock.check_not_served(str(tmp_path), wait=0)  # no lock file at all
    assert not (tmp_path / data_dir_lock.LOCK_NAME).exists()


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_refusal_leaves_no_descriptor_open(tmp_path: Path) -> None:
    first = data_dir_lock.hold(str(tmp_path))
    try:
        before = _open_descriptors()
        for _ in range(5):
            with pytest.raises(DataDirInUse):
                data_dir_lock.hold(str(tmp_path), wait=0)
        assert _open_descriptors() == before
    finally:
        data_dir_lock.release(first)


def test_an_in_process_open_of_a_served_directory_is_refused(tmp_path: Path) -> None:
    """check_not_served (open_store's guard) skips directories this process serves, so the
    other server is played by a descriptor this module does not know about."""
    other = os.open(tmp_path / data_dir_lock.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(other, b"4242\n")
        with pytest.raises(DataDirInUse, match=r"pid 4242"):
            data_dir_lock.check_not_served(str(tmp_path), wait=0)
    finally:
        os.close(other)
    data_dir_lock.check_not_served(str(tmp_path), wait=0)  # let go: free
