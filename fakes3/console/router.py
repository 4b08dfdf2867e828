"""``/_fakes3/console/...``: which page a path names, and the response around it.

Pages are GET (and HEAD) only: the console changes nothing by itself. Its buttons call the
control endpoints from the browser, and are rendered only with ``Settings.console_actions``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from fakes3.console import live, pages
from fakes3.console.markup import layout
from fakes3.protocol.serializing import WireResponse

if TYPE_CHECKING:
    from fakes3.app import FakeS3

__all__ = ["Console"]

_STATIC = Path(__file__).parent / "static"
JOURNAL_ROWS = 500  # the newest entries the journal page shows
_TYPES = {"console.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8"}
# No inline script or style can run, whatever a key or tag smuggles into a page.
_SECURITY = [
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
]
_TITLES = {
    "": "Buckets",
    "bucket": "Bucket",
    "object": "Object",
    "journal": "Request journal",
    "consistency": "Consistency timeline",
    "faults": "Fault rules",
}


class Console:
    """Renders the console pages of one app."""

    def __init__(self, app: FakeS3) -> None:
        self.app = app

    @property
    def actions(self) -> bool:
        return self.app.settings.console_actions

    def handle(self, method: str, page: str, query: str) -> WireResponse:
        """``page`` is the path after ``/_fakes3/console/``."""
        if page.startswith("static/"):
            return self._static(method, page[len("static/") :])
        if page == "journal.json" and method in ("GET", "HEAD"):
            return self._journal()
        if page not in _TITLES:
            return _html(404, layout(page, "Not found", "<p>No such console page.</p>", False))
        if method not in ("GET", "HEAD"):
            return WireResponse(405, [("Allow", "GET, HEAD")], b"")
        params = dict(parse_qsl(query, keep_blank_values=True))
        body = self._render(page, params)
        title = _TITLES[page]
        if page == "bucket":
            title = f"Bucket {params.get('name', '')}"
        elif page == "object":
            title = f"Object {params.get('key', '')}"
        return _html(200, layout(page, title, body, self.actions))

    def _render(self, page: str, params: dict[str, str]) -> str:
        app = self.app
        if page == "bucket":
            return pages.bucket_page(app.store, params)
        if page == "object":
            return pages.object_page(app.store, params)
        if page == "journal":
            return live.journal_page()
        if page == "consistency":
            return live.consistency_page(app.consistency, self.actions)
        if page == "faults":
            return live.faults_page(app.faults, self.actions)
        return pages.buckets_page(app.store)

    def _journal(self) -> WireResponse:
        """The newest journal entries, as ``GET /_fakes3/journal?limit=N`` has them. Console
        requests are not journaled (fakes3/app.py), so polling this evicts nothing."""
        entries = list(self.app.journal)[-JOURNAL_ROWS:]
        document = json.dumps({"entries": self.app.journal.to_json(entries)}, default=str)
        return WireResponse(
            200, [("Content-Type", "application/json"), *_SECURITY], document.encode()
        )

    def _static(self, method: str, name: str) -> WireResponse:
        kind = _TYPES.get(name)
        if kind is None:
            return WireResponse(404, [("Content-Type", "text/plain")], b"no such file")
        if method not in ("GET", "HEAD"):
            return WireResponse(405, [("Allow", "GET, HEAD")], b"")
        return WireResponse(
            200, [("Content-Type", kind), *_SECURITY], (_STATIC / name).read_bytes()
        )


def _html(status: int, document: bytes) -> WireResponse:
    return WireResponse(
        status, [("Content-Type", "text/html; charset=utf-8"), *_SECURITY], document
    )
