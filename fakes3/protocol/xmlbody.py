"""XML bodies <-> plain dicts keyed by model member names (the only place XML is parsed).

Parsing uses xmltodict with entity expansion disabled and whitespace kept (object keys may
start or end with spaces). Writing is a small hand-rolled emitter: it is on the hot path of
every listing, and it must escape characters that XML 1.0 would otherwise lose (``\\r``) or
reject (control characters), as S3 does with character references.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import xmltodict

from fakes3.errors import MalformedXML
from fakes3.protocol.dates import parse_http_date, utc
from fakes3.protocol.model import NAMESPACE, ServiceModel

_SPECIAL = re.compile(r"[&<>\"\x00-\x08\x0b-\x1f\r\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\r\x7f]")


def _char_reference(match: re.Match[str]) -> str:
    return f"&#x{ord(match.group()):X};"


def escape(text: str) -> str:
    """Escape element text; fast when nothing needs escaping (the common case)."""
    if _SPECIAL.search(text) is None:
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;")
    if _CONTROL.search(text) is not None:
        text = _CONTROL.sub(_char_reference, text)
    return text


@functools.lru_cache(maxsize=4096)
def iso8601(value: datetime) -> str:
    """S3's XML timestamp form: ``2009-10-12T17:50:30.000Z``."""
    value = utc(value)  # clamped: an offset at the calendar's edge does not overflow
    return f"{value.year:04d}{value:-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


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
        return scalar(kind, _text(node))

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
        if any(not name.startswith(("@", "#")) for name in node):
            raise MalformedXML()  # a value with child elements where text belongs
        text = node.get("#text", "")
        return text if isinstance(text, str) else ""
    if isinstance(node, list):
        raise MalformedXML()
    return str(node)


def scalar(kind: str, text: str) -> Any:
    """A scalar member's text as the model types it; MalformedXML if it is not one."""
    try:
        if kind in ("integer", "long"):
            return int(text.strip())
        if kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in ("true", "false"):
                raise ValueError(text)
            return lowered == "true"
        if kind == "timestamp":
            return _timestamp(text.strip())
        if kind == "blob":
            return base64.b64decode(text, validate=True)
    except (ValueError, OverflowError, OSError) as exc:  # OverflowError: 1e400 seconds
        raise MalformedXML() from exc
    return text


Writer = Callable[[list[str], str, Any], None]
_ROOT_ATTRS = f' xmlns="{NAMESPACE}"'
# A structure with several flattened lists may carry, under this key, ``(member, item)`` pairs
# to write in that order instead: S3 interleaves ListObjectVersions' ``Version`` and
# ``DeleteMarker`` elements in key order.
INTERLEAVED = "__interleaved__"


def _timestamp(text: str) -> datetime:
    """A timestamp in any form the model declares: ISO 8601, RFC 822 or epoch seconds."""
    try:
        return utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    when = parse_http_date(text)
    if when is not None:
        return when
    return datetime.fromtimestamp(float(text), timezone.utc)


class XmlWriter:
    """Writes model-shaped dicts as S3 XML, with the model's element names and list forms.

    Each shape is compiled once into a writer closure, so a 1000-key listing costs one
    dict lookup and one append per element rather than a walk over the model.
    """

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._writers: dict[str, Writer] = {}
        self._roots: dict[str, Writer] = {}

    def document(self, root: str, shape_name: str, value: dict[str, Any]) -> bytes:
        out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        write = self._roots.get(shape_name)
        if write is None:
            write = self._roots[shape_name] = self._structure_writer(shape_name, _ROOT_ATTRS)
        write(out, root, value)
        return "".join(out).encode("utf-8")

    def text_document(self, root: str, text: str | None) -> bytes:
        """A root element holding only text (GetBucketLocation's ``LocationConstraint``)."""
        head = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}"'
        body = f"{head}>{escape(text)}</{root}>" if text else f"{head}/>"
        return body.encode("utf-8")

    def writer(self, shape_name: str) -> Writer:
        cached = self._writers.get(shape_name)
        if cached is None:
            self._writers[shape_name] = self._deferred(shape_name)  # recursive shapes
            cached = self._compile(shape_name)
            self._writers[shape_name] = cached
        return cached

    def _deferred(self, shape_name: str) -> Writer:
        def write(out: list[str], tag: str, value: Any) -> None:
            self._writers[shape_name](out, tag, value)

        return write

    def _compile(self, shape_name: str) -> Writer:
        shape = self.model.shape(shape_name)
        kind = shape["type"]
        if kind == "structure":
            return self._structure_writer(shape_name, "")
        if kind == "list":
            return self._list_writer(shape, flat=False)
        return _scalar_writer(kind)

    def _list_writer(self, shape: dict[str, Any], flat: bool) -> Writer:
        inner = shape["member"]
        item = self.writer(inner["shape"])
        child = inner.get("locationName", "member")
        if flat:

            def write_flat(out: list[str], tag: str, value: Any) -> None:
                for element in value:
                    item(out, tag, element)

            return write_flat

        def write_wrapped(out: list[str], tag: str, value: Any) -> None:
            out.append(f"<{tag}>")
            for element in value:
                item(out, child, element)
            out.append(f"</{tag}>")

        return write_wrapped

    def _structure_writer(self, shape_name: str, root_attrs: str) -> Writer:
        members = self.model.members(shape_name)
        namespace = self.model.shape(shape_name).get("xmlNamespace", {}).get("uri")
        attributes = [m for m in members if m.xml_attribute]
        children: list[tuple[str, str, Writer]] = []
        flat_items: dict[str, tuple[str, Writer]] = {}
        for member in members:
            if member.location is not None or member.xml_attribute:
                continue
            if member.type == "list" and member.flattened:
                list_shape = self.model.shape(member.shape_name)
                write = self._list_writer(list_shape, flat=True)
                flat_items[member.name] = (
                    member.wire_name,
                    self.writer(list_shape["member"]["shape"]),
                )
            else:
                write = self.writer(member.shape_name)
            children.append((member.name, member.wire_name, write))
        if len(flat_items) > 1:
            children = _interleaving(children, flat_items)

        def write_structure(out: list[str], tag: str, value: Any) -> None:
            attrs = root_attrs
            for member in attributes:
                if member.name in value:
                    if namespace and ":" in member.wire_name:
                        prefix = member.wire_name.partition(":")[0]
                        attrs += f' xmlns:{prefix}="{namespace}"'
                    attrs += f' {member.wire_name}="{escape(str(value[member.name]))}"'
            out.append(f"<{tag}{attrs}>")
            for name, child_tag, write in children:
                item = value.get(name)
                if item is not None:
                    write(out, child_tag, item)
            out.append(f"</{tag}>")

        return write_structure


def _interleaving(
    children: list[tuple[str, str, Writer]], flat_items: dict[str, tuple[str, Writer]]
) -> list[tuple[str, str, Writer]]:
    """Children where the first flattened list also writes ``INTERLEAVED`` pairs, if given."""
    first = next(name for name, _tag, _write in children if name in flat_items)

    def write_pairs(out: list[str], tag: str, pairs: Any) -> None:
        for member, item in pairs:
            item_tag, write_item = flat_items[member]
            write_item(out, item_tag, item)

    result: list[tuple[str, str, Writer]] = []
    for name, tag, write in children:
        if name == first:
            result.append((INTERLEAVED, tag, write_pairs))
        result.append((name, tag, write))
    return result


def _scalar_writer(kind: str) -> Writer:
    """A writer specialised per scalar kind: strings, the common case, only escape."""
    if kind == "string":

        def write_string(out: list[str], tag: str, value: Any) -> None:
            text = value if isinstance(value, str) else str(value)
            out.append(f"<{tag}>{escape(text)}</{tag}>")

        return write_string

    def write(out: list[str], tag: str, value: Any) -> None:
        out.append(f"<{tag}>{format_scalar(kind, value)}</{tag}>")

    return write


def format_scalar(kind: str, item: Any) -> str:
    if kind in ("integer", "long"):
        return str(item)
    if kind == "timestamp" and isinstance(item, datetime):
        return iso8601(item)
    if kind == "boolean":
        return "true" if item else "false"
    if kind == "blob" and isinstance(item, bytes):
        return base64.b64encode(item).decode("ascii")
    return escape(str(item))
