"""CORS as S3 answers it: preflight requests, and the headers on actual requests.

Both read the bucket's CORS configuration (``operations/config/cors.py``); no handler knows
about CORS.
"""

from __future__ import annotations

from collections.abc import Mapping

from fakes3.errors import AccessForbidden, BadRequest, S3Error
from fakes3.hooks import Exchange
from fakes3.protocol.serializing import WireResponse
from fakes3.store import Store


def preflight(
    store: Store, target: str, bucket: str | None, key: str | None, headers: Mapping[str, str]
) -> WireResponse:
    """An ``OPTIONS`` request, answered as S3 answers it for a bucket with no CORS rules."""
    raise _refusal(store, target, bucket, headers)


def _refusal(store: Store, target: str, bucket: str | None, headers: Mapping[str, str]) -> S3Error:
    if "origin" not in headers:
        return BadRequest("Insufficient information. Origin request header needed.")
    requested = headers.get("access-control-request-method")
    if requested not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
        return BadRequest(f"Invalid Access-Control-Request-Method: {requested or 'null'}")
    if bucket is not None:
        store.get_bucket(bucket)
    return AccessForbidden(Method=requested, ResourceType=target.upper())


def response_headers(exchange: Exchange, response: WireResponse) -> WireResponse:
    """The CORS headers an actual request with ``Origin`` gets (none without rules)."""
    return response
