"""``fakes3 serve`` tunes glibc's allocator for itself (fakes3/malloc_tuning.py)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest


def _tuned_in_a_fresh_process() -> str:
    code = "from fakes3.malloc_tuning import tune_malloc; print(tune_malloc())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


@pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="the tuning is glibc's mallopt; elsewhere a no-op"
)
def test_glibc_takes_both_settings() -> None:
    assert _tuned_in_a_fresh_process() == "True"
