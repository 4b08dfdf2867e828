"""HTML building blocks. Every value that reaches a page goes through ``esc``: keys, metadata
and tags are whatever clients sent, so ``<script>`` in a key must render as text."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

ROOT = "/_fakes3/console/"
_NAV = (
    ("", "Buckets"),
    ("journal", "Journal"),
    ("consistency", "Consistency"),
    ("faults", "Faults"),
)


def esc(value: Any) -> str:
    """Text for an element or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def link(page: str, **params: Any) -> str:
    """A console URL, already escaped for an ``href`` attribute."""
    given = {name: value for name, value in params.items() if value is not None}
    query = urlencode(given, quote_via=quote) if given else ""
    return esc(ROOT + page + ("?" + query if query else ""))


def anchor(href: str, text: Any) -> str:
    """``href`` must already be escaped (``link`` does it)."""
    return f'<a href="{href}">{esc(text)}</a>'


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], ident: str = "") -> str:
    """Cells are HTML already (escape values with ``esc``); headers are plain text."""
    head = "".join(f"<th>{esc(name)}</th>" for name in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    ident_attr = f' id="{esc(ident)}"' if ident else ""
    return f"<table{ident_attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def pretty(document: Any) -> str:
    """A JSON document as an escaped ``<pre>`` block."""
    text = json.dumps(document, indent=2, sort_keys=True, default=str)
    return f"<pre>{esc(text)}</pre>"


def layout(page: str, title: str, body: str, actions: bool) -> bytes:
    """The whole document. Scripts come only from ``static/`` (the CSP forbids inline ones)."""
    nav = " ".join(
        f'<a href="{link(name)}"{" class=current" if name == page else ""}>{esc(label)}</a>'
        for name, label in _NAV
    )
    mode = "actions enabled" if actions else "read-only"
    document = (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{esc(title)} · fakes3 console</title>"
        f'<link rel=stylesheet href="{ROOT}static/console.css">'
        '<link rel=icon href="data:,"></head>'  # no /favicon.ico request, which S3 would answer
        f'<body data-page="{esc(page or "buckets")}" data-actions="{"1" if actions else "0"}">'
        f"<header><strong>fakes3 console</strong> <nav>{nav}</nav> <span class=mode>{mode}</span>"
        f"</header><main><h1>{esc(title)}</h1>{body}</main>"
        f'<script src="{ROOT}static/console.js"></script></body></html>\n'
    )
    return document.encode("utf-8")
