"""docs/container.md's testcontainers example, run as written against the built image."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "container.md"


def test_testcontainers_example_runs() -> None:
    (example,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    code = example.replace('"fakes3:latest"', repr(os.environ["FAKES3_IMAGE"]))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(DOC), "exec"), {})
    endpoint, environment = printed.getvalue().splitlines()
    assert re.fullmatch(r"http://[\w.-]+:\d+", endpoint)
    assert f"'AWS_ENDPOINT_URL': '{endpoint}'" in environment
