"""The README's self-contained Python example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_in_process_server_example_runs() -> None:
    example = next(block for block in python_blocks() if "Server(FakeS3()" in block)
    namespace: dict[str, object] = {}
    exec(compile("import boto3\n" + example, str(README), "exec"), namespace)
    client = namespace["s3"]
    assert client.meta.endpoint_url.startswith("http://127.0.0.1:")  # type: ignore[attr-defined]


def test_fixture_example_runs_under_pytest(pytester: pytest.Pytester) -> None:
    example = next(block for block in python_blocks() if block.startswith("# test_photos.py"))
    pytester.makepyfile(test_readme_photos=example)
    result = pytester.runpytest_inprocess("-p", "no:hypothesispytest", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
