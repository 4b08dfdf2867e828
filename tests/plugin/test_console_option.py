"""--fakes3-console: a failing test's report names the web console of its server."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

Run = Callable[..., pytest.RunResult]

TESTS = """
def test_fails(fakes3, s3_client, s3_bucket):
    s3_client.put_object(Bucket=s3_bucket, Key="evidence", Body=b"x")
    assert False, "look at the console"

def test_passes(fakes3):
    pass
"""


def test_console_url_in_the_failure_report(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(TESTS)
    result = run("--fakes3-console")
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    found = re.findall(r"open (http://127\.0\.0\.1:\d+/_fakes3/console/) to see", output)
    assert len(found) == 1, output  # only the failing test's report


def test_no_console_url_without_the_option(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(TESTS)
    result = run()
    result.assert_outcomes(passed=1, failed=1)
    assert "_fakes3/console" not in result.stdout.str()
