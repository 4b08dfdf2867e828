"""The table-walking XML writer fakes3 used before fakes3/protocol/xmlwriter.py, kept verbatim
(from fakes3/protocol/xmlbody.py at 1e5fad0) as the reference the generated writer must match
byte for byte (tests/unit/test_xml_writer.py)."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fakes3.protocol.model import NAMESPACE, ServiceModel
from fakes3.protocol.wire_order import in_wire_order
from fakes3.protocol.xmlbody import INTERLEAVED, iso8601

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


Writer = Callable[[list[str], str, Any], None]
_ROOT_ATTRS = f' xmlns="{NAMESPACE}"'


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
        for member in in_wire_order(shape_name, members):  # (the order S3 sends: see there)
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
