"""The request journal: what clients sent to fakes3, for tests to inspect and assert on.

The app appends one ``Entry`` per request (control paths included) to a bounded deque, so
memory stays flat however long a server runs. Recording is a handful of attribute reads: the
app already knows the operation, bucket, key and status. A streamed response body's size is
known only once it has been sent, so ``bytes_out`` is ``None`` until then.

``assert_called`` is the test-facing helper; when it fails, its message lists the recorded
requests closest to what was expected, so a typo in a key or a wrong operation is obvious.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from fakes3.protocol.numbers import decimal
from fakes3.protocol.serializing import WireResponse

__all__ = ["ANY", "Entry", "Journal", "record", "selected_headers", "system_entry"]

DEFAULT_SIZE = 1000
_MISSING: Any = object()
ANY: Any = object()
"""Matches any value in a filter, e.g. ``key=ANY`` (the same as leaving it out)."""

# Headers worth asserting on: the ones that change what S3 does with a request. Credentials
# (Authorization, x-amz-security-token) are never shown.
_KEPT = frozenset(
    "content-type content-md5 content-encoding content-language content-disposition "
    "cache-control expires range if-match if-none-match if-modified-since "
    "if-unmodified-since expect transfer-encoding".split()
)
_SECRET = frozenset({"x-amz-security-token"})


def selected_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The request headers the journal keeps: ``_KEPT`` plus every ``x-amz-*`` but secrets."""
    return {
        name: value
        for name, value in headers.items()
        if name in _KEPT or (name.startswith("x-amz-") and name not in _SECRET)
    }


@dataclass(slots=True)
class Entry:
    """One request as fakes3 saw it. ``headers`` is a selection (see ``selected_headers``)."""

    time: float  # when it arrived, seconds since the epoch
    method: str
    path: str  # the raw request path, percent-encoding as sent
    query: str
    operation: str | None  # the S3 operation name (``PutObject``), None if none matched
    bucket: str | None
    key: str | None
    version_id: str | None  # asked for (``?versionId=``) or answered (``x-amz-version-id``)
    status: int
    error_code: str | None  # the S3 error code of an error answer (``NoSuchKey``)
    bytes_in: int | None  # the request's Content-Length; None for a chunked transfer
    bytes_out: int | None  # response body bytes sent; None while it is still streaming
    duration: float  # seconds from arrival to the response headers
    user_agent: str | None
    all_headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    _selected: dict[str, str] | None = field(default=None, repr=False)
    fault: str | None = None  # the fault rule that acted on this request (docs/faults.md)

    @property
    def headers(self) -> dict[str, str]:
        """The kept request headers, lower-cased names (chosen on first use: cheap to record)."""
        if self._selected is None:
            self._selected = selected_headers(self.all_headers)
        return self._selected

    def to_dict(self) -> dict[str, Any]:
        document = {name: getattr(self, name) for name in _PUBLIC}
        document["headers"] = self.headers
        return document

    def describe(self) -> str:
        """One line for failure messages: ``PutObject PUT /b/k -> 200``."""
        where = "/".join(part for part in (self.bucket, self.key) if part) or "-"
        error = f" {self.error_code}" if self.error_code else ""
        fault = f" [fault {self.fault}]" if self.fault else ""
        return f"{self.operation or '-'} {self.method} {where} -> {self.status}{error}{fault}"


_PUBLIC = tuple(name for name in Entry.__slots__ if name not in ("all_headers", "_selected"))
_FIELDS = frozenset((*_PUBLIC, "headers"))


def _matches(entry: Entry, criteria: Mapping[str, Any]) -> bool:
    return all(value is ANY or getattr(entry, name) == value for name, value in criteria.items())


def _criteria(operation: str | None, filters: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(filters) - _FIELDS
    if unknown:
        raise TypeError(f"unknown journal field(s): {', '.join(sorted(unknown))}")
    criteria: dict[str, Any] = {} if operation is None else {"operation": operation}
    criteria.update((name, value) for name, value in filters.items() if value is not _MISSING)
    return criteria


class Journal:
    """The last ``maxlen`` requests, oldest first. Iterating gives a snapshot."""

    def __init__(self, maxlen: int = DEFAULT_SIZE) -> None:
        self._entries: deque[Entry] = deque(maxlen=maxlen)
        self.append = self._entries.append  # the app's hot path: a bound C method

    @property
    def maxlen(self) -> int | None:
        return self._entries.maxlen

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries))  # list() of a deque is atomic under the GIL

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> Entry:
        return list(self._entries)[index]

    def clear(self) -> None:
        """Forget every recorded request."""
        self._entries.clear()

    @property
    def last(self) -> Entry | None:
        """The most recent request, or None."""
        entries = list(self._entries)
        return entries[-1] if entries else None

    def filter(self, operation: str | None = None, **fields: Any) -> list[Entry]:
        """Entries whose fields equal the given values: ``filter("GetObject", bucket="b")``."""
        criteria = _criteria(operation, fields)
        return [entry for entry in self if _matches(entry, criteria)]

    def count(self, operation: str | None = None, **fields: Any) -> int:
        return len(self.filter(operation, **fields))

    def assert_called(
        self, operation: str, *, times: int | None = None, **fields: Any
    ) -> list[Entry]:
        """Assert ``operation`` was requested (exactly ``times`` times if given) with
        ``fields`` (``bucket=``, ``key=``, ``status=``, ``error_code=`` …); returns the matches.

        The AssertionError lists the closest recorded requests.
        """
        __tracebackhide__ = True  # pytest shows the caller's line, not this one
        criteria = _criteria(operation, fields)
        entries = list(self)
        found = [entry for entry in entries if _matches(entry, criteria)]
        if (times is None and found) or (times is not None and len(found) == times):
            return found
        wanted = ", ".join(f"{name}={value!r}" for name, value in criteria.items())
        expected = "at least once" if times is None else f"{times} time(s)"
        message = f"expected {wanted} {expected}, found {len(found)} time(s)"
        raise AssertionError(message + "\n" + _closest(entries, criteria))

    def assert_not_called(self, operation: str, **fields: Any) -> None:
        """Assert no recorded request matches (same filters as ``assert_called``)."""
        __tracebackhide__ = True
        self.assert_called(operation, times=0, **fields)

    def to_json(self, entries: Iterable[Entry] | None = None) -> list[dict[str, Any]]:
        """Plain dicts for ``json.dumps`` (the ``GET /_fakes3/journal`` answer)."""
        return [entry.to_dict() for entry in (self if entries is None else entries)]


def _closest(entries: list[Entry], criteria: Mapping[str, Any], limit: int = 5) -> str:
    """The recorded requests that match the most criteria, newest first among equals."""
    if not entries:
        return "no requests were recorded"

    def score(item: tuple[int, Entry]) -> tuple[int, int]:
        index, entry = item
        hits = sum(
            value is ANY or getattr(entry, name) == value for name, value in criteria.items()
        )
        return hits, index

    ranked = sorted(enumerate(entries), key=score, reverse=True)[:limit]
    lines = [f"closest of {len(entries)} recorded request(s):"]
    for _, entry in ranked:
        diffs = [
            f"{name}={getattr(entry, name)!r}"
            for name, value in criteria.items()
            if value is not ANY and getattr(entry, name) != value
        ]
        note = f"  (differs: {', '.join(diffs)})" if diffs else ""
        lines.append(f"  {entry.describe()}{note}")
    return "\n".join(lines)


def _version_id(query: str, headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name == "x-amz-version-id":
            return value
    if "versionId=" in query:
        for pair in query.split("&"):
            if pair.startswith("versionId="):
                return unquote(pair[10:])
    return None


def record(
    journal: Journal,
    environ: Mapping[str, Any],
    raw_path: str,
    headers: Mapping[str, str],
    response: WireResponse,
    error_code: str | None,
    started: float,
    body: Iterable[bytes],
    observe: Callable[[Entry], None] | None = None,
) -> Iterable[bytes]:
    """Append the entry for one answered request; returns the body to send (wrapped to count
    its bytes if it streams). ``observe`` sees the entry too (the app's metrics)."""
    duration = time.perf_counter() - started
    query = environ.get("QUERY_STRING", "")
    length = headers.get("content-length")
    entry = Entry(
        time.time() - duration,
        environ["REQUEST_METHOD"],
        raw_path,
        query,
        environ.get("fakes3.operation"),
        environ.get("fakes3.bucket"),
        environ.get("fakes3.key"),
        _version_id(query, response.headers),
        response.status,
        error_code,
        decimal(length) if length else None,
        None,
        duration,
        headers.get("user-agent"),
        headers,
    )
    if "fakes3.fault" in environ:
        entry.fault = environ["fakes3.fault"]
    journal.append(entry)
    if isinstance(body, list):
        entry.bytes_out = sum(map(len, body))
        counted: Iterable[bytes] = body
    else:
        counted = _CountedBody(body, entry)
    if observe is not None:
        observe(entry)
    return counted


class _CountedBody:
    """A streamed response body that sets its entry's ``bytes_out`` once it is sent.

    ``close()`` is passed on: the store's blob readers release files and locks there.
    """

    __slots__ = ("_body", "_entry", "_sent")

    def __init__(self, body: Iterable[bytes], entry: Entry) -> None:
        self._body = body
        self._entry = entry
        self._sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._sent += len(chunk)
            yield chunk
        self._entry.bytes_out = self._sent

    def close(self) -> None:
        self._entry.bytes_out = self._sent
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


def system_entry(done: Any) -> Entry:
    """A journal entry for an action S3 itself took (a lifecycle expiration, transition or
    abort: ``fakes3.store.lifecycle.Done``): method ``SYSTEM``, operation named as S3's access
    logs name it (``S3.EXPIRE.OBJECT``), user agent ``AmazonS3``."""
    path = f"/{done.bucket}/{done.key}"
    return Entry(
        time.time(),
        "SYSTEM",
        path,
        "",
        done.operation,
        done.bucket,
        done.key,
        done.version_id,
        200,
        None,
        0,
        0,
        0.0,
        "AmazonS3",
        {"x-amz-lifecycle-rule-id": done.rule_id, "x-amz-lifecycle-detail": done.detail},
    )
