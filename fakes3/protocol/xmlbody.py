"""XML bodies <-> plain dicts keyed by model member names (the only place XML is parsed).

Parsing uses xmltodict with entity expansion disabled and whitespace kept (object keys may
start or end with spaces). Writing is a small hand-rolled emitter: it is on the hot path of
every listing, and it must escape characters that XML 1.0 would otherwise lose (``\\r``) or
reject (control characters), as S3 does with character references.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone
from typing import Any

import xmltodict

from fakes3.errors import MalformedXML
from fakes3.protocol.model import NAMESPACE, ServiceModel

_ESCAPE_NEEDED = re.compile(r"[&<>\"\x00-\x08\x0b-\x1f\r\x7f]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"&#x{ord(char):X};"


def escape(text: str) -> str:
    """Escape element text; fast when nothing needs escaping (the common case)."""
    if _ESCAPE_NEEDED.search(text) is None:
        return text
    return _ESCAPE_NEEDED.sub(_escape_char, text)


def iso8601(value: datetime) -> str:
    """S3's XML timestamp form: ``2009-10-12T17:50:30.000Z``."""
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_document(body: bytes, root: str) -> Any:
    """Parse an XML body whose root element must be ``root``; MalformedXML otherwise."""
    try:
        doc = xmltodict.parse(body, disable_entities=True, strip_whitespace=False)
    except Exception as exc:  # expat raises several types; all mean the same to a client
        raise MalformedXML() from exc
    if not isinstance(doc, dict) or len(doc) != 1:
        raise MalformedXML()
    ((name, content),) = doc.items()
    if name.rpartition(":")[2] != root:
        raise MalformedXML()
    return content


class XmlReader:
    """Turns xmltodict output into model-shaped dicts (member names, typed scalars)."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model

    def read(self, shape_name: str, node: Any) -> Any:
        shape = self.model.shape(shape_name)
        kind = shape["type"]
        if kind == "structure":
            return self._structure(shape_name, node)
        if kind == "list":
            member = shape["member"]
            child = member.get("locationName", "member")
            items = _children(node, child) if isinstance(node, dict) else []
            return [self.read(member["shape"], item) for item in items]
        return _scalar(kind, _text(node))

    def _structure(self, shape_name: str, node: Any) -> dict[str, Any]:
        if not isinstance(node, dict):
            return {}
        result: dict[str, Any] = {}
        for member in self.model.members(shape_name):
            if member.xml_attribute:
                attr = node.get("@" + member.wire_name)
                if attr is not None:
                    result[member.name] = attr
                continue
            if member.type == "list" and member.flattened:
                items = _children(node, member.wire_name)
                if items:
                    item_shape = self.model.shape(member.shape_name)["member"]["shape"]
                    result[member.name] = [self.read(item_shape, item) for item in items]
                continue
            if member.wire_name in node:
                result[member.name] = self.read(member.shape_name, node[member.wire_name])
        return result


def _children(node: dict[str, Any], name: str) -> list[Any]:
    value = node.get(name)
    if value is None and name not in node:
        return []
    return value if isinstance(value, list) else [value]


def _text(node: Any) -> str:
    if node is None:
        return ""
    if isinstance(node, dict):
        text = node.get("#text", "")
        return text if isinstance(text, str) else ""
    if isinstance(node, list):
        raise MalformedXML()
    return str(node)


def _scalar(kind: str, text: str) -> Any:
    try:
        if kind in ("integer", "long"):
            return int(text.strip())
        if kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in ("true", "false"):
                raise ValueError(text)
            return lowered == "true"
        if kind == "timestamp":
            return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if kind == "blob":
            return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise MalformedXML() from exc
    return text


class XmlWriter:
    """Writes model-shaped dicts as S3 XML, with the model's element names and list forms."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model

    def document(self, root: str, shape_name: str, value: dict[str, Any]) -> bytes:
        out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        attrs = f' xmlns="{NAMESPACE}"'
        self._structure(out, root, shape_name, value, attrs)
        return "".join(out).encode("utf-8")

    def text_document(self, root: str, text: str | None) -> bytes:
        """A root element holding only text (GetBucketLocation's ``LocationConstraint``)."""
        head = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}"'
        body = f"{head}>{escape(text)}</{root}>" if text else f"{head}/>"
        return body.encode("utf-8")

    def _structure(
        self, out: list[str], tag: str, shape_name: str, value: dict[str, Any], attrs: str = ""
    ) -> None:
        members = self.model.members(shape_name)
        for member in members:
            if member.xml_attribute and member.name in value:
                prefix = member.wire_name.partition(":")[0]
                uri = self.model.shape(shape_name).get("xmlNamespace", {}).get("uri")
                if uri and ":" in member.wire_name:
                    attrs += f' xmlns:{prefix}="{uri}"'
                attrs += f' {member.wire_name}="{escape(str(value[member.name]))}"'
        out.append(f"<{tag}{attrs}>")
        for member in members:
            item = value.get(member.name)
            if item is None or member.location is not None or member.xml_attribute:
                continue
            self._member(out, member.wire_name, member.shape_name, item, member.flattened)
        out.append(f"</{tag}>")

    def _member(self, out: list[str], tag: str, shape_name: str, item: Any, flat: bool) -> None:
        shape = self.model.shape(shape_name)
        kind = shape["type"]
        if kind == "structure":
            self._structure(out, tag, shape_name, item)
        elif kind == "list":
            inner = shape["member"]
            inner_shape = inner["shape"]
            if flat:
                for element in item:
                    self._member(out, tag, inner_shape, element, False)
            else:
                child = inner.get("locationName", "member")
                out.append(f"<{tag}>")
                for element in item:
                    self._member(out, child, inner_shape, element, False)
                out.append(f"</{tag}>")
        else:
            out.append(f"<{tag}>{format_scalar(kind, item)}</{tag}>")


def format_scalar(kind: str, item: Any) -> str:
    if kind == "timestamp" and isinstance(item, datetime):
        return iso8601(item)
    if kind == "boolean":
        return "true" if item else "false"
    if kind == "blob" and isinstance(item, bytes):
        return base64.b64encode(item).decode("ascii")
    return escape(str(item))
