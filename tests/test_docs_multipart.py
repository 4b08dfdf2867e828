"""docs/multipart.md's example runs as written and prints what the page says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "multipart.md"


def test_multipart_page_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (example,) = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.DOTALL)
    monkeypatch.chdir(tmp_path)  # it writes big.bin and big-back.bin
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, str(PAGE), "exec"), {})
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r'"[0-9a-f]{32}-2"', lines[0])
    assert lines[1:3] == ["COMPOSITE", "2 b'the end'"]
    assert re.fullmatch(r'"[0-9a-f]{32}-3"', lines[3])
    assert (tmp_path / "big-back.bin").read_bytes() == (tmp_path / "big.bin").read_bytes()
