"""Helpers for running pytest inside pytest (pytester is enabled in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

# Plugins that cost a second per inner session and that these tests do not need.
QUIET = ("-p", "no:hypothesispytest", "-p", "no:benchmark", "-p", "no:cacheprovider")


@pytest.fixture
def run(pytester: pytest.Pytester) -> Callable[..., pytest.RunResult]:
    """``pytester.runpytest_inprocess`` without the slow, unrelated plugins."""

    def run_inprocess(*args: Any) -> pytest.RunResult:
        return pytester.runpytest_inprocess(*QUIET, *args)

    return run_inprocess


@pytest.fixture
def run_subprocess(pytester: pytest.Pytester) -> Callable[..., pytest.RunResult]:
    """``pytester.runpytest_subprocess``, for what cannot run in this process (xdist)."""

    def run_in_subprocess(*args: Any) -> pytest.RunResult:
        return pytester.runpytest_subprocess(*QUIET, *args, timeout=120)

    return run_in_subprocess
