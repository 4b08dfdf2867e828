"""CORS as S3 answers it: preflight requests, and the headers on actual requests.

Both read the bucket's CORS configuration (``operations/config/cors.py``) and use the first
rule that matches, as S3 does: the ``Origin`` must match one of its ``AllowedOrigin`` patterns
(at most one ``*``, which matches any run of characters, even none), the method (a preflight's
``Access-Control-Request-Method``) must be one of its ``AllowedMethod`` values, and, for a
preflight, every name in ``Access-Control-Request-Headers`` must match an ``AllowedHeader``
pattern (without regard to case). No handler knows about CORS.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fakes3.errors import AccessForbidden, BadRequest, S3Error
from fakes3.hooks import Exchange
from fakes3.protocol.serializing import WireResponse
from fakes3.store import Store

METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
CONFIG = "cors"  # the store's name for the document (operations/config/cors.py)
VARY = ("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
    "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
    "are not whitelisted by the resource's CORS spec."
)

Rule = dict[str, Any]


def _matches(pattern: str, value: str) -> bool:
    """``pattern`` with at most one ``*`` (PutBucketCors refuses more) against ``value``."""
    star = pattern.find("*")
    if star < 0:
        return pattern == value
    head, tail = pattern[:star], pattern[star + 1 :]
    return len(value) >= len(head) + len(tail) and value.startswith(head) and value.endswith(tail)


def _requested_headers(value: str | None) -> list[str]:
    """``Access-Control-Request-Headers`` as lower-case names, in the order sent."""
    if not value:
        return []
    return [name.strip().lower() for name in value.split(",") if name.strip()]


def first_match(
    rules: Iterable[Rule], origin: str, method: str, headers: list[str]
) -> tuple[Rule, str] | None:
    """The first rule allowing this origin, method and request headers, with the origin
    pattern that matched; None when no rule does."""
    for rule in rules:
        if method not in rule["AllowedMethods"]:
            continue
        pattern = next((p for p in rule["AllowedOrigins"] if _matches(p, origin)), None)
        if pattern is None:
            continue
        if headers:
            allowed = [p.lower() for p in rule.get("AllowedHeaders", ())]
            if not all(any(_matches(p, name) for p in allowed) for name in headers):
                continue
        return rule, pattern
    return None


def _cors_headers(
    rule: Rule, pattern: str, origin: str, requested: list[str]
) -> list[tuple[str, str]]:
    """The ``Access-Control-*`` headers and ``Vary`` S3 sends for a matching rule."""
    wildcard = pattern == "*"
    out = [
        ("Access-Control-Allow-Origin", "*" if wildcard else origin),
        ("Access-Control-Allow-Methods", ", ".join(rule["AllowedMethods"])),
    ]
    if requested:
        out.append(("Access-Control-Allow-Headers", ", ".join(requested)))
    if rule.get("ExposeHeaders"):
        out.append(("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        out.append(("Access-Control-Max-Age", str(rule["MaxAgeSeconds"])))
    if not wildcard:
        out.append(("Access-Control-Allow-Credentials", "true"))
    out.append(VARY)
    return out


def preflight(
    store: Store, target: str, bucket: str | None, key: str | None, headers: Mapping[str, str]
) -> WireResponse:
    """An ``OPTIONS`` request: 200 with the CORS headers of the first matching rule, else
    S3's refusal. The key is not looked up: S3 answers for objects that do not exist."""
    origin = headers.get("origin")
    if not origin:  # an empty Origin names no origin either (it matched "*")
        raise BadRequest("Insufficient information. Origin request header needed.")
    method = headers.get("access-control-request-method")
    if method not in METHODS:
        raise BadRequest(f"Invalid Access-Control-Request-Method: {method or 'null'}")
    resource = target.upper()
    if bucket is None:
        raise AccessForbidden(Method=method, ResourceType=resource)
    document = store.configs.get(bucket, CONFIG)  # NoSuchBucket for a missing bucket
    if not document:
        raise AccessForbidden(Method=method, ResourceType=resource)
    requested = _requested_headers(headers.get("access-control-request-headers"))
    found = first_match(document["CORSRules"], origin, method, requested)
    if found is None:
        raise AccessForbidden(NOT_ALLOWED, Method=method, ResourceType=resource)
    rule, pattern = found
    return WireResponse(200, _cors_headers(rule, pattern, origin, requested), b"")


def response_headers(exchange: Exchange, response: WireResponse) -> WireResponse:
    """The CORS headers an actual request with ``Origin`` gets when a rule matches (on errors
    too). The rule is chosen by the request's method, or by its
    ``Access-Control-Request-Method`` when it sends one, and by the headers its
    ``Access-Control-Request-Headers`` names, as S3 does (LocalStack's validated
    test_cors_match_headers); its other headers are not checked. Without ``Origin`` this
    costs one dict lookup."""
    request = exchange.request
    origin = request.headers.get("origin")
    if origin is None or request.method == "OPTIONS" or request.bucket is None:
        return response
    try:
        document = exchange.store.configs.get(request.bucket, CONFIG)
    except S3Error:  # no such bucket: the response already says so
        return response
    if not document:
        return response
    method = request.headers.get("access-control-request-method") or request.method
    requested = _requested_headers(request.headers.get("access-control-request-headers"))
    found = first_match(document["CORSRules"], origin, method, requested)
    if found is None:
        return response
    rule, pattern = found
    extra = _cors_headers(rule, pattern, origin, [])
    return WireResponse(response.status, [*response.headers, *extra], response.body)
