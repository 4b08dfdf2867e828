"""Output dict -> HTTP status, headers and body, one compiled plan per operation.

Handlers return dicts keyed by model member names; this module puts each member where the
model says it travels: a header, the ``x-amz-meta-*`` family, the streaming body, or an XML
document whose root element is the one S3 sends (the model does not name output roots, so
they are listed here from the S3 API reference).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes3.protocol.dates import http_date
from fakes3.protocol.model import Member, ServiceModel, load_model
from fakes3.protocol.xmlbody import format_scalar
from fakes3.protocol.xmlwriter import XmlWriter

STATUS = "__status__"  # handlers may set a status (206 for ranges) under this key

# Root elements of XML responses, from the S3 API reference's response syntax.
ROOT_ELEMENTS = {
    "ListBuckets": "ListAllMyBucketsResult",
    "ListDirectoryBuckets": "ListAllMyDirectoryBucketsResult",
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "ListObjectVersions": "ListVersionsResult",
    "GetBucketLocation": "LocationConstraint",
    "DeleteObjects": "DeleteResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "ListParts": "ListPartsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetObjectTagging": "Tagging",
    "GetBucketTagging": "Tagging",
    "GetObjectAcl": "AccessControlPolicy",
    "GetBucketAcl": "AccessControlPolicy",
    "GetBucketCors": "CORSConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketWebsite": "WebsiteConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "GetObjectAttributes": "GetObjectAttributesResponse",
    "CreateSession": "CreateSessionResult",
    "ListBucketAnalyticsConfigurations": "ListBucketAnalyticsConfigurationResult",
    "ListBucketInventoryConfigurations": "ListInventoryConfigurationsResult",
    "ListBucketMetricsConfigurations": "ListMetricsConfigurationsResult",
    "ListBucketIntelligentTieringConfigurations": (
        "ListBucketIntelligentTieringConfigurationsOutput"
    ),
}

Body = bytes | Iterable[bytes]


@dataclass
class WireResponse:
    status: int
    headers: list[tuple[str, str]]
    body: Body


# Header member types whose value is written as ``str(value)``.
_PLAIN = frozenset({"string", "integer", "long"})


def _header_value(member: Member, value: Any) -> str:
    if member.type == "timestamp" and isinstance(value, datetime):
        if member.timestamp_format == "iso8601":
            return format_scalar("timestamp", value)
        return http_date(value)
    if member.type == "boolean":
        return "true" if value else "false"
    if member.type == "list":
        return ",".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class _Plan:
    status: int
    # header member name -> (header name, the member if its value needs more than ``str``):
    # an output names a handful of an operation's header members (GetObject has 45), so its
    # keys are looked up, not each member. Headers go in the output's order (HTTP gives the
    # order of different header names no meaning).
    header_names: dict[str, tuple[str, Member | None]]
    prefix_maps: tuple[Member, ...]
    payload: Member | None
    payload_root: str | None
    body_members: bool
    shape_name: str | None
    root: str


class ResponseSerializer:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.xml = XmlWriter(model)
        self._plans: dict[str, _Plan] = {}

    def _plan(self, operation: str) -> _Plan:
        plan = self._plans.get(operation)
        if plan is not None:
            return plan
        status = int(self.model.operations[operation]["http"].get("responseCode", 200))
        shape_name = self.model.output_shape(operation)
        headers: list[Member] = []
        prefix_maps: list[Member] = []
        payload: Member | None = None
        payload_root: str | None = None
        body_members = False
        if shape_name:
            shape = self.model.shape(shape_name)
            payload_name = shape.get("payload")
            for member in self.model.members(shape_name):
                if member.location == "header":
                    headers.append(member)
                elif member.location == "headers":
                    prefix_maps.append(member)
                elif member.name == payload_name:
                    payload = member
                    payload_root = shape["members"][member.name].get("locationName", member.name)
                elif member.location is None:
                    body_members = True
        root = ROOT_ELEMENTS.get(operation, operation + "Result")
        plan = _Plan(
            status,
            {
                member.name: (member.wire_name, None if member.type in _PLAIN else member)
                for member in headers
            },
            tuple(prefix_maps),
            payload,
            payload_root,
            body_members,
            shape_name,
            root,
        )
        self._plans[operation] = plan
        return plan

    def header_members(self, operation: str, output: dict[str, Any]) -> list[tuple[str, str]]:
        """The header members of ``output`` as ``operation``'s response sends them."""
        return _header_members(self._plan(operation), output)

    def serialize(self, operation: str, output: dict[str, Any]) -> WireResponse:
        plan = self._plan(operation)
        headers = _header_members(plan, output)
        for member in plan.prefix_maps:
            for name, value in (output.get(member.name) or {}).items():
                headers.append((member.wire_name + name, mail_safe(value)))
        body: Body = b""
        payload = plan.payload
        if payload is not None:
            value = output.get(payload.name)
            if payload.type == "blob":
                body = value if value is not None else b""
            elif payload.type == "structure" and value is not None:
                root = plan.payload_root or payload.name
                body = self.xml.document(root, payload.shape_name, value)
                headers.append(("Content-Type", "application/xml"))
            elif value is not None:
                body = str(value).encode("utf-8")
        elif plan.body_members and plan.shape_name:
            if plan.root == "LocationConstraint":
                body = self.xml.text_document(plan.root, output.get("LocationConstraint"))
            else:
                body = self.xml.document(plan.root, plan.shape_name, output)
            headers.append(("Content-Type", "application/xml"))
        return WireResponse(output.get(STATUS, plan.status), headers, body)


def mail_safe(value: str) -> str:
    """A user metadata value as S3 returns it: as is if US-ASCII, else one RFC 2047
    encoded-word of its UTF-8 (S3's UsingMetadata page). A REST header's bytes reach S3 as
    ISO-8859-1 text, so ``ö`` sent as UTF-8 comes back as the UTF-8 of ``Ã¶``,
    ``=?UTF-8?B?w4PCtg==?=``, as minio#21282 saw S3 answer; a POST form's field is UTF-8."""
    if value.isascii():
        return value
    encoded = base64.b64encode(value.encode("utf-8", "surrogateescape")).decode("ascii")
    return f"=?UTF-8?B?{encoded}?="


def _header_members(plan: _Plan, output: dict[str, Any]) -> list[tuple[str, str]]:
    """The output's header members, ``None`` values left out."""
    names = plan.header_names
    headers = []
    for name, value in output.items():
        found = names.get(name)
        if found is None or value is None:
            continue
        wire_name, member = found
        if member is not None:
            value = _header_value(member, value)
        elif value.__class__ is not str:
            value = str(value)
        headers.append((wire_name, value))
    return headers


@functools.cache
def default_serializer() -> ResponseSerializer:
    return ResponseSerializer(load_model())
