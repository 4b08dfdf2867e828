"""The Python examples in docs/ run as written against a live server, printing what their
comments say they print."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server

DOCS = Path(__file__).resolve().parent.parent / "docs"
_PRINT_COMMENT = re.compile(r"^print\(.*\)\s+#\s*(.+)$", re.MULTILINE)


def python_blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), flags=re.DOTALL)


@pytest.fixture
def endpoint() -> Iterator[str]:
    with Server(FakeS3(), port=0) as server:
        yield server.endpoint_url


def run_block(block: str, endpoint: str, namespace: dict[str, object]) -> list[str]:
    """Run one example with its endpoint swapped in; return the lines it printed."""
    code = block.replace("http://127.0.0.1:9000", endpoint)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs-example", "exec"), namespace)
    return out.getvalue().splitlines()


def test_versioning_examples_print_what_they_say(endpoint: str) -> None:
    first, cleanup, append_example = python_blocks("versioning.md")
    namespace: dict[str, object] = {}
    printed = run_block(first, endpoint, namespace)
    assert printed == _PRINT_COMMENT.findall(first)
    run_block(append_example, endpoint, namespace)
    s3 = namespace["s3"]
    s3.put_object(Bucket="docs", Key="log", Body=b"a\n")  # type: ignore[attr-defined]
    namespace["append_line"](s3, "docs", "log", b"b\n")  # type: ignore[operator]
    body = s3.get_object(Bucket="docs", Key="log")["Body"].read()  # type: ignore[attr-defined]
    assert body == b"a\nb\n"


def test_the_cleanup_loop_empties_a_versioned_bucket(endpoint: str) -> None:
    _, cleanup, _ = python_blocks("versioning.md")
    s3 = client_for(endpoint)
    s3.create_bucket(Bucket="my-bucket")
    s3.put_bucket_versioning(Bucket="my-bucket", VersioningConfiguration={"Status": "Enabled"})
    for number in range(1500):  # two pages of a thousand
        s3.put_object(Bucket="my-bucket", Key=f"k{number % 7}", Body=b"x")
    run_block(cleanup, endpoint, {})
    assert "my-bucket" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
