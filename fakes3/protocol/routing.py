"""Method + target + query + headers -> S3 operation, compiled from the model's ``http`` traits.

A request's *target* is what its address names once virtual-host or path style is undone:
the service (``/``), a bucket (``/{Bucket}``) or an object (``/{Bucket}/{Key+}``). Operations that
share a method and target are told apart by the query literals of their ``requestUri`` (``?acl``,
``?list-type=2``) and by their required query and header members (UploadPart needs ``partNumber``
and ``uploadId``; CopyObject needs ``x-amz-copy-source``). The most specific match wins.
"""

from __future__ import annotations

import functools
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import parse_qsl

from fakes3.errors import InvalidArgument, InvalidURI
from fakes3.protocol.model import ServiceModel, load_model

SERVICE, BUCKET, OBJECT = "service", "bucket", "object"

# Operations answered only by S3 Express endpoints; they share routes with general ones.
_EXPRESS_ONLY = frozenset({"ListDirectoryBuckets", "CreateSession"})
# Query parameters SDKs add for their own bookkeeping; they never select an operation.
_IGNORED_QUERY = frozenset({"x-id"})
# A listing parameter of the other ListObjects version is refused, not ignored, before the
# bucket is looked up: S3's message for each, ArgumentName and no ArgumentValue (a V1 request
# with both V2 parameters is refused for continuation-token).
_OTHER_VERSIONS_PARAMETERS = {
    "ListObjects": (
        (
            "continuation-token",
            "continuation-token only supported in REST.GET.BUCKET with list-type=2",
        ),
        ("start-after", "startAfter only supported in REST.GET.BUCKET with list-type=2"),
    ),
    "ListObjectsV2": (("marker", "Marker unsupported with REST.GET.BUCKET in list-type=2"),),
}
# Not a sub-resource that conflicts: S3 answers ``GET /bucket?session`` on a general purpose
# bucket with the listing (CreateSession is for directory buckets only).
_NOT_SELECTORS = frozenset({"session"})


@dataclass(frozen=True)
class Route:
    """One operation's matching rule."""

    operation: str
    method: str
    target: str
    literals: tuple[tuple[str, str | None], ...]  # query keys (and values) in the requestUri
    required_query: frozenset[str]
    required_headers: frozenset[str]  # lower-case
    rank: tuple[int, int]  # larger sorts first: (specificity, preference)
    # A query name the route cannot match without (None: it needs none), checked before
    # ``matches``: a GET of an object tries a dozen routes (?acl, ?tagging…) and most requests
    # name none of their sub-resources.
    first_need: str | None = None

    def matches(self, query: Mapping[str, str], headers: Container[str]) -> bool:
        for name, value in self.literals:  # literals_match, inline: it runs on every route
            if name not in query or (value is not None and query[name] != value):
                return False
        return all(q in query for q in self.required_query) and all(
            h in headers for h in self.required_headers
        )

    def literals_match(self, query: Mapping[str, str]) -> bool:
        for name, value in self.literals:
            if name not in query or (value is not None and query[name] != value):
                return False
        return True

    def serves(self, selector: str) -> bool:
        """Whether this operation is the one the sub-resource ``selector`` names."""
        return selector in self.required_query or any(n == selector for n, _ in self.literals)


def _target(path: str) -> str:
    if path == "/":
        return SERVICE
    return OBJECT if "{Key+}" in path else BUCKET


def _compile_route(model: ServiceModel, name: str) -> Route | None:
    http = model.operations[name]["http"]
    path, _, query = http["requestUri"].partition("?")
    if path not in ("/", "/{Bucket}", "/{Bucket}/{Key+}"):
        return None  # e.g. WriteGetObjectResponse: an S3 Object Lambda host, not a bucket address
    literals = tuple(
        (key, value if value or "=" in part else None)
        for part in query.split("&")
        if part
        for key, _, value in [part.partition("=")]
        if key not in _IGNORED_QUERY
    )
    required_query: set[str] = set()
    required_headers: set[str] = set()
    input_shape = model.input_shape(name)
    if input_shape:
        required = set(model.shape(input_shape).get("required", ()))
        for member in model.members(input_shape):
            if member.name not in required:
                continue
            if member.location == "querystring":
                required_query.add(member.wire_name)
            elif member.location == "header":
                required_headers.add(member.wire_name.lower())
    specificity = len(literals) + len(required_query) + len(required_headers)
    preference = -int(bool(model.operations[name].get("deprecated"))) - 2 * int(
        name in _EXPRESS_ONLY
    )
    return Route(
        operation=name,
        method=http["method"],
        target=_target(path),
        literals=literals,
        required_query=frozenset(required_query),
        required_headers=frozenset(required_headers),
        rank=(specificity, preference),
        first_need=literals[0][0] if literals else min(required_query, default=None),
    )


class Router:
    """The compiled routing table: ``(method, target)`` -> routes, most specific first."""

    def __init__(self, model: ServiceModel) -> None:
        table: dict[tuple[str, str], list[Route]] = {}
        for name in model.operations:
            route = _compile_route(model, name)
            if route is not None:
                table.setdefault((route.method, route.target), []).append(route)
        for routes in table.values():
            routes.sort(key=lambda r: r.rank, reverse=True)
        self._table = table
        # The sub-resources that name what a request is about (``?acl``, ``?uploads``…, and
        # ``uploadId``): two in one request are a conflict to S3, never one of them chosen.
        self.selectors = frozenset(
            {"uploadId"}
            | {
                name
                for routes in table.values()
                for route in routes
                for name, value in route.literals
                if value is None
            }
        ).difference(_NOT_SELECTORS)

    def candidates(self, method: str, target: str) -> list[Route]:
        return self._table.get((method, target), [])

    def match(
        self, method: str, target: str, query: Mapping[str, str], headers: Container[str]
    ) -> Route | None:
        """The most specific route that matches, or None (no route takes these parameters).

        S3 Express operations share their routes with general ones (ListDirectoryBuckets and
        ListBuckets are both ``GET /``); a request signed for the ``s3express`` service gets
        the Express one, as S3's separate Express endpoint would answer it.
        """
        selected = self.selectors.intersection(query) if query else ()
        if len(selected) > 1:
            _refuse_conflicts(selected)
        found: Route | None = None
        for route in self._table.get((method, target), ()):
            need = route.first_need
            if need is not None and need not in query:
                continue  # cannot match: ``matches`` would say so at the cost of a call
            if route.matches(query, headers):
                if route.operation not in _EXPRESS_ONLY:
                    if found is None:
                        found = route
                elif found is None or _signed_for_express(query, headers):
                    return route
        if selected:
            (selector,) = selected
            if found is None or not found.serves(selector):
                # The sub-resource names the operation, never a plain one beside it: one that
                # lacks a required member (``?attributes`` without its header) is that
                # operation, refused by its handler; one this method does not have is None.
                found = self._serving(method, target, selector, query)
        if found is not None and found.operation in _OTHER_VERSIONS_PARAMETERS:
            for name, message in _OTHER_VERSIONS_PARAMETERS[found.operation]:
                if name in query:
                    raise InvalidArgument(message, ArgumentName=name)
        return found

    def _serving(
        self, method: str, target: str, selector: str, query: Mapping[str, str]
    ) -> Route | None:
        for route in self._table.get((method, target), ()):
            if route.serves(selector) and route.literals_match(query):
                if route.operation not in _EXPRESS_ONLY:
                    missing = sorted(route.required_query.difference(query))
                    if missing:  # DELETE ?metrics without id: never DeleteBucket
                        raise InvalidArgument(
                            f"Missing required parameter: {missing[0]}", ArgumentName=missing[0]
                        )
                    return route
        return None


def _refuse_conflicts(selectors: set[str] | frozenset[str]) -> NoReturn:
    """S3's answer to ``?acl&versioning``: the names sorted, the first as the value."""
    names = sorted(selectors)
    raise InvalidArgument(
        f"Conflicting query string parameters: {', '.join(names)}",
        ArgumentName="ResourceType",
        ArgumentValue=names[0],
    )


def _signed_for_express(query: Mapping[str, str], headers: Container[str]) -> bool:
    """Whether the SigV4 credential scope names ``s3express`` (header or presigned query)."""
    scope = query.get("X-Amz-Credential", "")
    if not scope and isinstance(headers, Mapping):
        scope = headers.get("authorization", "")
    return "/s3express/aws4_request" in scope


@functools.cache
def default_router() -> Router:
    return Router(load_model())


def parse_query(query_string: str) -> dict[str, str]:
    """Decode a query string as S3 does: blank values kept, ``+`` is a space, first value wins;
    ``InvalidURI`` if a name or value is not UTF-8 once decoded (``prefix=%ff``), as for a path."""
    result: dict[str, str] = {}
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise InvalidURI() from exc
    for key, value in pairs:
        result.setdefault(key, value)
    return result
