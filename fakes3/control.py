"""Test-facing control endpoints, beside the S3 protocol rather than inside it.

``/_fakes3/...`` can never be shadowed by a bucket (bucket names have no underscore):

- ``GET /_fakes3/health``: ``{"status": "ok"}`` with the backend, uptime and counts.
- ``GET /_fakes3/metrics``: Prometheus metrics (fakes3/metrics.py, docs/metrics.md).
- ``GET``/``PUT /_fakes3/snapshot``: the whole state as a tar, and back (fakes3/snapshots.py).
- ``POST /_fakes3/reset``: forget every bucket, object and journal entry.
- ``GET /_fakes3/journal``: the request journal as JSON, oldest first; query parameters
  filter on entry fields (``?operation=PutObject&bucket=b``) and ``limit=N`` keeps the newest N.
- ``DELETE /_fakes3/journal``: clear the journal only.
- ``GET /_fakes3/console/``: the web console (fakes3/console/, docs/console.md).

moto's server mode (``TEST_SERVER_MODE=true``) resets its server between tests, so suites
written for it can point at fakes3:

- ``POST /moto-api/reset``: the same as ``POST /_fakes3/reset``.
- ``POST /moto-api/reset-auth`` with a number as body: moto's "first N requests skip IAM
  checks" counter. fakes3 keeps and returns the value as moto does; it does not check IAM.

A POST to ``/moto-api/...`` with no query string is no S3 operation (object POSTs always have
one: ``?uploads``, ``?uploadId=``, ``?restore``, ``?select``), so these never hide a request a
real S3 would answer. Any other ``/moto-api/`` request is S3's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from fakes3.journal import Journal
from fakes3.metrics import CONTENT_TYPE
from fakes3.protocol.serializing import WireResponse

if TYPE_CHECKING:
    from fakes3.console import Console
    from fakes3.metrics import Metrics
    from fakes3.realism import Realism

__all__ = ["CONTROL_PREFIXES", "Control"]

CONTROL_PREFIXES = ("/_fakes3/", "/moto-api/")
_JSON = [("Content-Type", "application/json")]
_INT_FIELDS = frozenset({"status", "bytes_in", "bytes_out"})


def _json(status: int, document: Any) -> WireResponse:
    return WireResponse(status, list(_JSON), json.dumps(document).encode())


class Control:
    """Answers the control paths for one app; ``reset`` and ``journal`` are the app's."""

    def __init__(
        self, reset: Callable[[], None], journal: Journal, realism: Realism | None = None
    ) -> None:
        self._reset = reset
        self.journal = journal
        self.realism = realism  # consistency, clock and fault endpoints (fakes3/realism.py)
        self.no_auth_action_count = "inf"  # moto's INITIAL_NO_AUTH_ACTION_COUNT, as text
        self.console: Console | None = None  # the web console (fakes3/console/)
        self.metrics: Metrics | None = None  # the app's (fakes3/metrics.py)

    def claims(self, method: str, raw_path: str, query: str) -> bool:
        """Whether this request is a control request rather than an S3 one."""
        if raw_path.startswith("/_fakes3/"):
            return True
        return (
            method == "POST"
            and not query
            and raw_path in ("/moto-api/reset", "/moto-api/reset-auth")
        )

    def handle(self, method: str, raw_path: str, query: str, body: bytes) -> WireResponse:
        if raw_path == "/moto-api/reset":
            self._reset()
            return _json(200, {"status": "ok"})
        if raw_path == "/moto-api/reset-auth":
            return self._reset_auth(body)
        name = raw_path[len("/_fakes3/") :]
        if self.console is not None and name.split("/")[0] == "console":
            return self.console.handle(method, name[len("console/") :], query)
        if name == "health" and method in ("GET", "HEAD"):
            health = {} if self.metrics is None else self.metrics.health()
            return _json(200, {"status": "ok", **health})
        if name == "metrics" and method in ("GET", "HEAD") and self.metrics is not None:
            text = self.metrics.render().encode()
            return WireResponse(200, [("Content-Type", CONTENT_TYPE)], text)
        if name == "reset" and method == "POST":
            self._reset()
            return _json(200, {"status": "reset"})
        if name == "journal" and method in ("GET", "HEAD"):
            return self._journal(query)
        if name == "journal" and method == "DELETE":
            self.journal.clear()
            return _json(200, {"status": "cleared"})
        if self.realism is not None:
            answer = self.realism.handle(method, name, body)
            if answer is not None:
                return answer
        if name in ("health", "reset", "journal", "metrics"):
            return _json(405, {"error": f"{method} is not allowed on /_fakes3/{name}"})
        return _json(404, {"error": f"no control endpoint /_fakes3/{name}"})

    def _journal(self, query: str) -> WireResponse:
        filters: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        limit_text = filters.pop("limit", None)
        try:
            limit = int(limit_text) if limit_text is not None else None
            for name in _INT_FIELDS & filters.keys():
                filters[name] = int(filters[name])
            entries = self.journal.filter(**filters)
        except (TypeError, ValueError) as exc:
            return _json(400, {"error": str(exc)})
        if limit is not None:
            entries = entries[-limit:] if limit > 0 else []
        return _json(200, {"entries": self.journal.to_json(entries)})

    def _reset_auth(self, body: bytes) -> WireResponse:
        text = body.decode("ascii", "replace").strip()
        try:
            float(text)
        except ValueError:
            return _json(400, {"error": "the body must be a number"})
        previous, self.no_auth_action_count = self.no_auth_action_count, text
        return _json(200, {"status": "ok", "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": previous})
