"""A hung test under pytest-xdist ends, and says where every thread was (tests/hang_guard.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HUNG = """
import threading

import pytest


@pytest.fixture
def never_torn_down():
    yield
    threading.Event().wait()


def test_waits_for_ever_in_its_teardown(never_torn_down):
    pass


def test_passes():
    pass
"""


def test_a_hung_teardown_fails_its_test_and_prints_the_stack(tmp_path: Path) -> None:
    (tmp_path / "test_hung.py").write_text(HUNG)
    tests = Path(__file__).resolve().parent
    environment = {
        **os.environ,
        "PYTHONPATH": f"{tests}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "1",
            "-p",
            "hang_guard",
            "-p",
            "no:cacheprovider",
        ]
        + ["-o", "timeout=2", str(tmp_path)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "test_waits_for_ever_in_its_teardown: still running after 2" in output
    assert "in never_torn_down" in output  # where it was stuck
    assert "FAILED test_hung.py::test_waits_for_ever_in_its_teardown" in output
    # That one only (its call passed, its teardown failed: "2 passed"); test_passes ran too.
    assert "1 failed, 2 passed" in output
