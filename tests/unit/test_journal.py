"""The request journal's Python API, through a FakeS3 app called as WSGI (no socket)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from fakes3.app import FakeS3
from fakes3.journal import ANY, Journal
from fakes3.settings import Settings


def call(app: FakeS3, method: str, path: str, body: bytes = b"", **headers: str) -> bytes:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "REQUEST_URI": path,
        "QUERY_STRING": path.partition("?")[2],
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": "tests/1.0",
        "wsgi.input": io.BytesIO(body),
    }
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    answer = app(environ, lambda status, headers, exc_info=None: None)
    try:
        return b"".join(answer)
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()


@pytest.fixture
def app() -> FakeS3:
    app = FakeS3()
    call(app, "PUT", "/journal-bucket")
    call(app, "PUT", "/journal-bucket/a.txt", b"hello", x_amz_meta_colour="blue")
    call(app, "GET", "/journal-bucket/a.txt")
    call(app, "GET", "/journal-bucket/missing.txt")
    return app


def test_one_entry_per_request_with_its_facts(app: FakeS3) -> None:
    create, put, get, missing = app.journal
    assert (create.operation, create.bucket, create.key) == ("CreateBucket", "journal-bucket", None)
    assert (put.operation, put.key, put.bytes_in, put.status) == ("PutObject", "a.txt", 5, 200)
    assert put.headers["x-amz-meta-colour"] == "blue" and put.user_agent == "tests/1.0"
    assert get.bytes_out == 5  # counted while the body streamed
    assert (missing.status, missing.error_code) == (404, "NoSuchKey")
    assert put.describe() == "PutObject PUT journal-bucket/a.txt -> 200"


def test_filter_count_last_and_clear(app: FakeS3) -> None:
    journal = app.journal
    assert [e.key for e in journal.filter("GetObject")] == ["a.txt", "missing.txt"]
    assert journal.count(bucket="journal-bucket", status=200) == 3
    assert journal.count("GetObject", key=ANY) == 2
    assert journal.last is not None and journal.last.key == "missing.txt"
    with pytest.raises(TypeError, match="colour"):
        journal.filter(colour="blue")
    journal.clear()
    assert len(journal) == 0 and journal.last is None


def test_assert_called_returns_matches_and_counts_times(app: FakeS3) -> None:
    found = app.journal.assert_called("PutObject", bucket="journal-bucket", key="a.txt", times=1)
    assert found[0].bytes_in == 5
    app.journal.assert_called("GetObject", times=2)
    app.journal.assert_not_called("DeleteObject")


def test_assert_called_failure_shows_the_closest_requests(app: FakeS3) -> None:
    with pytest.raises(AssertionError) as failure:
        app.journal.assert_called("GetObject", key="a.txt", times=2)
    message = str(failure.value)
    assert message.splitlines()[0] == (
        "expected operation='GetObject', key='a.txt' 2 time(s), found 1 time(s)"
    )
    lines = message.splitlines()[1:]
    assert lines[0] == "closest of 4 recorded request(s):"
    assert lines[1] == "  GetObject GET journal-bucket/a.txt -> 200"  # full match first
    assert "GetObject GET journal-bucket/missing.txt -> 404 NoSuchKey" in lines[2]
    assert "(differs: key='missing.txt')" in lines[2]


def test_failure_on_an_empty_journal() -> None:
    with pytest.raises(AssertionError, match="no requests were recorded"):
        Journal().assert_called("PutObject")


def test_bounded_and_reset_clears_it() -> None:
    app = FakeS3(Settings(journal_size=3))
    for _ in range(5):
        call(app, "GET", "/")
    assert len(app.journal) == 3 and app.journal.maxlen == 3
    app.reset()
    assert len(app.journal) == 0


def test_version_id_from_the_query() -> None:
    app = FakeS3()
    call(app, "GET", "/some-bucket/k?versionId=abc%2B1")
    assert app.journal[0].version_id == "abc+1"
