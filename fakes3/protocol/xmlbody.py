"""XML bodies <-> plain dicts keyed by model member names (the only place XML is parsed).

Parsing uses xmltodict with entity expansion disabled and whitespace kept (object keys may
start or end with spaces); ``xmltree.py`` reads plain documents faster and leaves the rest to
this generic path. Writing (``xmlwriter.py``) must escape characters that XML 1.0 would
otherwise lose (``\\r``) or reject (control characters), as S3 does with character references:
``escape`` and ``format_scalar`` here.
"""

from __future__ import annotations

import base64
import functools
import re
from datetime import datetime
from typing import Any

import xmltodict

from fakes3.errors import MalformedXML
from fakes3.protocol.dates import parse_http_date, parse_iso8601, utc
from fakes3.protocol.model import NAMESPACE, ServiceModel
from fakes3.protocol.numbers import HUGE, MAX_LONG, signed_decimal

_SPECIAL = re.compile(r"[&<>\"\x00-\x08\x0b-\x1f\r\x7f]")
_NOT_QUOTE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\r\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\r\x7f]")
# Prefixes resolved as namespaces (an unbound one is not well-formed): S3's elements keep their
# bare names, an ACL grantee's type is ``xsi:type`` whatever prefix the document binds it to.
_NAMESPACES = {NAMESPACE: None, "http://www.w3.org/2001/XMLSchema-instance": "xsi"}
find_special = _SPECIAL.search  # None: the text goes out as it is


def _char_reference(match: re.Match[str]) -> str:
    return f"&#x{ord(match.group()):X};"


def escape(text: str) -> str:
    """Escape element text; fast when nothing needs escaping (the common case)."""
    if _SPECIAL.search(text) is None:
        return text
    return escape_found(text)


def escape_found(text: str) -> str:
    """``escape`` once ``text`` is known to hold a character to escape."""
    if _NOT_QUOTE.search(text) is None:  # only quotes (an ETag): one replace
        return text.replace('"', "&quot;")
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
        doc = xmltodict.parse(
            body,
            disable_entities=True,
            strip_whitespace=False,
            process_namespaces=True,
            namespaces=_NAMESPACES,
        )
    except Exception as exc:  # expat raises several types; all mean the same to a client
        raise MalformedXML() from exc
    if not isinstance(doc, dict) or len(doc) != 1:
        raise MalformedXML()
    ((name, content),) = doc.items()
    if name.rpartition(":")[2] != root:
        raise MalformedXML()
    return content


class XmlReader:
    """Turns xmltodict output into model-shaped dicts (member names, typed scalars).

    An element the shape has no member for is MalformedXML, as S3 validates every body against
    its schema (its error list: "XML that doesn't conform to the published XSD"; a TagSet
    holding an unknown element is refused, ceph/ceph#23486 quotes the answer). Elements are
    known by their local names, whatever namespace they are in (as ``xmltree`` reads them)."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._known: dict[str, frozenset[str]] = {}  # shape -> its members' element names

    def read(self, shape_name: str, node: Any) -> Any:
        shape = self.model.shape(shape_name)
        kind = shape["type"]
        if kind == "structure":
            return self._structure(shape_name, node)
        if kind == "list":
            member = shape["member"]
            child = member.get("locationName", "member")
            if not _container(node):
                return []
            elements = _elements(node)
            if any(name != child for name in elements):
                raise MalformedXML()
            return [self.read(member["shape"], item) for item in _children(elements, child)]
        return scalar(kind, _text(node))

    def _structure(self, shape_name: str, node: Any) -> dict[str, Any]:
        if not _container(node):
            return {}
        elements = _elements(node)
        if not self._known_names(shape_name).issuperset(elements):
            raise MalformedXML()
        result: dict[str, Any] = {}
        for member in self.model.members(shape_name):
            if member.xml_attribute:
                attr = node.get("@" + member.wire_name)
                if attr is not None:
                    result[member.name] = attr
                continue
            if member.type == "list" and member.flattened:
                items = _children(elements, member.wire_name)
                if items:
                    item_shape = self.model.shape(member.shape_name)["member"]["shape"]
                    result[member.name] = [self.read(item_shape, item) for item in items]
                continue
            if member.wire_name in elements:
                result[member.name] = self.read(member.shape_name, elements[member.wire_name])
        return result

    def _known_names(self, shape_name: str) -> frozenset[str]:
        known = self._known.get(shape_name)
        if known is None:
            members = self.model.members(shape_name)
            known = frozenset(m.wire_name for m in members if not m.xml_attribute)
            self._known[shape_name] = known
        return known


def _elements(node: dict[str, Any]) -> dict[str, Any]:
    """A container's child elements by local name (no attributes, no text); MalformedXML if
    two of them share one (``<Key>`` next to ``<x:Key>`` of another namespace: a member given
    twice; the same name twice in one namespace is xmltodict's list, refused by the reader)."""
    elements: dict[str, Any] = {}
    for name, value in node.items():
        if name[:1] in ("@", "#"):
            continue
        local = name.rpartition(":")[2]
        if local in elements:
            raise MalformedXML()
        elements[local] = value
    return elements


def _container(node: Any) -> bool:
    """Whether an element that holds other elements (a structure, a wrapped list) has any;
    MalformedXML if it is repeated (xmltodict's list) or holds text, which S3's schema refuses
    (read as empty, ``<Filter>logs/</Filter>`` would widen a rule to the whole bucket).
    Whitespace between elements is no text."""
    if node is None:
        return False
    if isinstance(node, dict):
        text = node.get("#text")
        if isinstance(text, str) and text.strip():
            raise MalformedXML()
        return True
    if isinstance(node, str) and not node.strip():
        return False
    raise MalformedXML()


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
            return _integer(text.strip(), _INTEGER_LIMITS[kind])
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


# The model's integer is 32 bits and its long 64: a number past them is no number to S3.
_INTEGER_LIMITS = {"integer": 2**31 - 1, "long": MAX_LONG}


def _integer(text: str, limit: int) -> int:
    """ASCII digits with an optional ``-`` (not ``1_000``, ``+5`` or Arabic-Indic digits)."""
    value = signed_decimal(text, HUGE)
    if value is None or not -limit - 1 <= value <= limit:
        raise ValueError(text)
    return value


# A structure with several flattened lists may carry, under this key, ``(member, item)`` pairs
# to write in that order instead: S3 interleaves ListObjectVersions' ``Version`` and
# ``DeleteMarker`` elements in key order.
INTERLEAVED = "__interleaved__"


def _timestamp(text: str) -> datetime:
    """A timestamp as S3's XML carries it: ISO 8601 (or an RFC 822 date); ValueError if not."""
    when = parse_iso8601(text) or parse_http_date(text)
    if when is None:
        raise ValueError(text)
    return when


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
