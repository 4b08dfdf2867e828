"""The website endpoint's pure pieces: routing rules, redirect locations, HTML error pages.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/CustomErrorDocSupport.html
"""

from __future__ import annotations

from html import escape
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fakes3.errors import NoSuchKey, S3Error
from fakes3.protocol.serializing import WireResponse

_REASONS = {status.value: status.phrase for status in HTTPStatus}
_HTML = "text/html; charset=utf-8"
# The website endpoints speak plain HTTP only, so a redirect that names no protocol uses http.
_DEFAULT_PROTOCOL = "http"


class Redirect(Exception):
    """Answer with a redirect: ``status`` (301, 302 or a rule's code) to ``location``."""

    def __init__(self, status: int, location: str) -> None:
        super().__init__(f"{status} {location}")
        self.status = status
        self.location = location


class ErrorDocumentMissing(NoSuchKey):
    """A missing key whose configured error document is missing too: S3's page says both."""

    def __init__(self, key: str, error_document: str) -> None:
        super().__init__(Key=key)
        self.error_document = error_document


def rule_for(rules: list[dict[str, Any]], key: str, status: int | None) -> dict[str, Any] | None:
    """The first routing rule that applies, in document order.

    Before the object is looked up (``status`` None) only rules without an error-code
    condition can apply; after it failed with ``status``, only rules naming that code (and,
    when they also name a prefix, matching it).
    """
    for rule in rules:
        condition = rule.get("Condition") or {}
        code = condition.get("HttpErrorCodeReturnedEquals")
        if (code is None) != (status is None):
            continue
        if code is not None and code != str(status):
            continue
        if key.startswith(condition.get("KeyPrefixEquals", "")):
            return rule
    return None


def location(rule: dict[str, Any], key: str, host: str, prefix: str) -> Redirect:
    """Where a routing rule sends a request for ``key``.

    Without a ``HostName`` the redirect stays on the requested host (and, for the local path
    form, under its ``/_fakes3/website/BUCKET/`` prefix).
    """
    redirect = rule["Redirect"]
    if "ReplaceKeyWith" in redirect:
        new_key = redirect["ReplaceKeyWith"]
    elif "ReplaceKeyPrefixWith" in redirect:
        matched = (rule.get("Condition") or {}).get("KeyPrefixEquals", "")
        new_key = redirect["ReplaceKeyPrefixWith"] + key[len(matched) :]
    else:
        new_key = key
    protocol = redirect.get("Protocol", _DEFAULT_PROTOCOL)
    if "HostName" in redirect:
        base = f"{protocol}://{redirect['HostName']}/"
    else:
        base = f"{protocol}://{host}{prefix.rstrip('/')}/"
    status = int(redirect.get("HttpRedirectCode", 301))
    return Redirect(status, base + quote(new_key.lstrip("/"), safe="/~"))


def redirect_all(target: dict[str, Any], raw_key: str) -> Redirect:
    """``RedirectAllRequestsTo``: the same path on another host, always 301."""
    protocol = target.get("Protocol", _DEFAULT_PROTOCOL)
    return Redirect(301, f"{protocol}://{target['HostName']}/{raw_key}")


def error_page(error: S3Error, request_id: str, host_id: str) -> WireResponse:
    """An error as the website endpoint writes it: a small HTML page, not S3's XML."""
    title = f"{error.status} {_REASONS.get(error.status, 'Error')}"
    lines = [
        "<html>",
        f"<head><title>{title}</title></head>",
        "<body>",
        f"<h1>{title}</h1>",
        "<ul>",
        f"<li>Code: {escape(error.code)}</li>",
        f"<li>Message: {escape(error.text)}</li>",
    ]
    lines.extend(f"<li>{name}: {escape(value)}</li>" for name, value in error.fields.items())
    lines.append(f"<li>RequestId: {request_id}</li>")
    lines.append(f"<li>HostId: {escape(host_id)}</li>")
    lines.append("</ul>")
    if isinstance(error, ErrorDocumentMissing):
        lines.extend(
            [
                "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>",
                "<ul>",
                f"<li>Code: {NoSuchKey.code}</li>",
                f"<li>Message: {NoSuchKey.message}</li>",
                f"<li>Key: {escape(error.error_document)}</li>",
                "</ul>",
            ]
        )
    lines.extend(["<hr/>", "</body>", "</html>", ""])
    headers = [*error.headers.items(), ("Content-Type", _HTML)]
    return WireResponse(error.status, headers, "\n".join(lines).encode("utf-8"))
