"""Wire request -> input dict keyed by model member names, one compiled plan per operation.

Handlers never see headers, query strings or XML: they get ``{"Bucket": ..., "Key": ...,
"ContentType": ..., "Metadata": {...}, "Body": <stream>}``. Values are typed per the model
(integers, booleans, datetimes, lists); absent members are absent from the dict.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from fakes3.errors import InvalidArgument, InvalidRequest, MalformedXML, MaxMessageLengthExceeded
from fakes3.protocol.dates import parse_http_date, parse_iso8601
from fakes3.protocol.model import Member, ServiceModel, load_model
from fakes3.protocol.numbers import HUGE, signed_decimal
from fakes3.protocol.xmlbody import XmlReader
from fakes3.protocol.xmltree import TreeReader

# S3 rejects configuration documents far smaller than this; it bounds memory for bad input.
MAX_XML_BODY = 4 * 1024 * 1024


@dataclass
class WireRequest:
    """An S3 request once addressing is undone: what the parser and handlers need of it."""

    method: str
    bucket: str | None
    key: str | None
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    body: BinaryIO
    content_length: int | None = None
    environ: dict[str, Any] = field(default_factory=dict)  # for protocol/ and app.py only

    # What handlers may know of the HTTP exchange, without reading headers or the environ.

    @property
    def secure(self) -> bool:
        """Whether the request came over TLS (SSE-C needs it)."""
        return bool(self.environ.get("wsgi.url_scheme") == "https")

    @property
    def host(self) -> str:
        return self.headers.get("host", "localhost")

    @property
    def base_url(self) -> str:
        """``scheme://host`` as the client addressed this server."""
        return f"{self.environ.get('wsgi.url_scheme', 'http')}://{self.host}"

    @property
    def sse_header(self) -> str | None:
        """``x-amz-server-side-encryption`` as sent: GET, HEAD and UploadPart do not take it
        (so their input dicts cannot carry it) and S3 refuses it there."""
        return self.headers.get("x-amz-server-side-encryption")

    @property
    def announces_length(self) -> bool:
        """A ``Content-Length`` header, or a chunked transfer (S3 wants one or the other)."""
        headers = self.headers
        return "content-length" in headers or "chunked" in headers.get("transfer-encoding", "")


def _timestamp(text: str, fmt: str | None) -> datetime | None:
    """Parse a date header; S3 ignores dates it cannot read, so None is not an error."""
    if fmt != "iso8601":
        when = parse_http_date(text)
        if when is not None:
            return when
    return parse_iso8601(text)


def _converter(member: Member) -> Callable[[str], Any]:
    kind = member.type
    if kind in ("integer", "long"):
        bits = 31 if kind == "integer" else 63

        def to_int(text: str) -> int:
            try:
                value = signed_decimal(text.strip(), HUGE)  # ASCII digits: not 1_0 or ١
                if value is None or not -(2**bits) <= value < 2**bits:
                    raise ValueError(text)
                return value
            except ValueError:
                raise InvalidArgument(
                    f"Provided {member.wire_name} not an integer or within integer range",
                    ArgumentName=member.wire_name,
                    ArgumentValue=text,
                ) from None

        return to_int
    if kind == "boolean":
        return lambda text: text.strip().lower() == "true"
    if kind == "timestamp":
        return functools.partial(_timestamp, fmt=member.timestamp_format)
    if kind == "list":
        return lambda text: [part.strip() for part in text.split(",") if part.strip()]
    return str


# Query parameters that S3 reads as absent when empty, where others are InvalidArgument: AWS
# answered ListParts with its defaults (LocalStack's validated
# test_list_parts_empty_part_number_marker).
_EMPTY_IS_ABSENT = frozenset({("ListParts", "part-number-marker"), ("ListParts", "max-parts")})


@dataclass(frozen=True)
class _Plan:
    labels: tuple[str, ...]
    query: tuple[tuple[str, str, Callable[[str], Any]], ...]
    headers: dict[str, tuple[str, Callable[[str], Any]]]  # wire name -> (member, converter)
    prefix_maps: tuple[tuple[str, str], ...]
    payload: Member | None
    payload_root: str | None
    digest_required: bool  # the model's httpChecksum.requestChecksumRequired
    sdk_algorithm: bool  # httpChecksum.requestAlgorithmMember: x-amz-sdk-checksum-algorithm


class RequestParser:
    """Compiles one plan per operation on first use and applies it to requests."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.xml = XmlReader(model)
        self.tree = TreeReader(model, self.xml)
        self._plans: dict[str, _Plan] = {}

    def _plan(self, operation: str) -> _Plan:
        plan = self._plans.get(operation)
        if plan is not None:
            return plan
        shape_name = self.model.input_shape(operation)
        labels: list[str] = []
        query: list[tuple[str, str, Callable[[str], Any]]] = []
        headers: list[tuple[str, str, Callable[[str], Any]]] = []
        prefix_maps: list[tuple[str, str]] = []
        payload: Member | None = None
        payload_root: str | None = None
        if shape_name:
            shape = self.model.shape(shape_name)
            payload_name = shape.get("payload")
            for member in self.model.members(shape_name):
                if member.location == "uri":
                    labels.append(member.name)
                elif member.location == "querystring":
                    query.append((member.name, member.wire_name, _converter(member)))
                elif member.location == "header":
                    headers.append((member.name, member.wire_name.lower(), _converter(member)))
                elif member.location == "headers":
                    prefix_maps.append((member.name, member.wire_name.lower()))
                elif member.name == payload_name:
                    payload = member
                    spec = shape["members"][member.name]
                    payload_root = spec.get("locationName", member.name)
        checksum_trait = self.model.operations[operation].get("httpChecksum", {})
        plan = _Plan(
            tuple(labels),
            tuple(query),
            {wire: (name, convert) for name, wire, convert in headers},
            tuple(prefix_maps),
            payload,
            payload_root,
            bool(checksum_trait.get("requestChecksumRequired")),
            "requestAlgorithmMember" in checksum_trait,
        )
        self._plans[operation] = plan
        return plan

    def parse(self, operation: str, request: WireRequest) -> dict[str, Any]:
        plan = self._plan(operation)
        if plan.sdk_algorithm:
            check: Callable[[], None] | None = getattr(request.body, "check_sdk_algorithm", None)
            if check is not None:
                check()
        if plan.digest_required and not getattr(request.body, "has_integrity_check", True):
            # S3 insists on proof of these bodies: Content-MD5 or an x-amz-checksum-* value.
            raise InvalidRequest("Missing required header for this request: Content-MD5")
        params: dict[str, Any] = {}
        if "Bucket" in plan.labels and request.bucket is not None:
            params["Bucket"] = request.bucket
        if "Key" in plan.labels and request.key is not None:
            params["Key"] = request.key
        query, headers = request.query, request.headers
        for name, wire, convert in plan.query:
            if wire in query:
                if not query[wire] and (operation, wire) in _EMPTY_IS_ABSENT:
                    continue
                params[name] = convert(query[wire])
        # A request has a dozen headers, an operation up to fifty members: walk the headers.
        table, prefix_maps = plan.headers, plan.prefix_maps
        maps: dict[str, dict[str, str]] = {name: {} for name, _prefix in prefix_maps}
        for wire, raw in headers.items():
            entry = table.get(wire)
            if entry is not None:
                value = entry[1](raw)
                if value is not None:
                    params[entry[0]] = value
            for name, prefix in prefix_maps:
                if wire.startswith(prefix):
                    maps[name][wire[len(prefix) :]] = raw
        params.update(maps)
        payload = plan.payload
        if payload is not None:
            if payload.type == "blob":
                params[payload.name] = request.body
            else:
                body = read_small_body(request)
                if payload.type == "structure":
                    if body.strip():
                        root = plan.payload_root or payload.name
                        params[payload.name] = self.tree.document(payload.shape_name, body, root)
                elif body:
                    try:
                        params[payload.name] = body.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise MalformedXML() from exc
        return params


def read_small_body(request: WireRequest) -> bytes:
    """Read a configuration-sized body whole, refusing more than MAX_XML_BODY bytes."""
    limit = MAX_XML_BODY
    if request.content_length is not None and request.content_length > limit:
        raise MaxMessageLengthExceeded()
    chunks: list[bytes] = []
    size = 0
    while chunk := request.body.read(limit + 1 - size if size <= limit else 1):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise MaxMessageLengthExceeded()
    return b"".join(chunks)  # read to the end, so the body's digests have been checked


def read_document(shape_name: str, body: bytes, root: str) -> Any:
    """An XML document of a model shape that travels outside a request body (a POST form's
    ``tagging`` field), as a model-shaped dict; MalformedXML if it is not one."""
    return default_parser().tree.document(shape_name, body, root)


@functools.cache
def default_parser() -> RequestParser:
    return RequestParser(load_model())
