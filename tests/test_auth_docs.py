"""docs/auth.md's Python examples run as written (against a live server where they need one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fakes3.app import FakeS3
from fakes3.server import Server

DOC = Path(__file__).resolve().parent.parent / "docs" / "auth.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_runs(index: int) -> None:
    assert len(BLOCKS) == 5
    with Server(FakeS3(), port=0) as server:
        code = BLOCKS[index].replace("http://127.0.0.1:9000", server.endpoint_url)
        exec(compile(code, f"{DOC}:block{index}", "exec"), {"print": lambda *a: None})
