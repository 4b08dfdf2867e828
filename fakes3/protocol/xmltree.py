"""XML request bodies -> model-shaped dicts, fast: C ElementTree builds the tree, a reader
compiled per shape walks it.

The generic path (``xmlbody.parse_document`` + ``XmlReader``: xmltodict, a Python callback
per element) costs ~8 ms for a 1000-key DeleteObjects body; this one under 2 ms. It must give
exactly what the generic path gives, errors included, so it only takes documents whose meaning
the two parsers cannot disagree on, and hands everything else to the generic path unchanged:

- no ``<!`` (a DTD, entity declarations, comments, CDATA): the generic path's refusal of
  entities (billion laughs, external entities) stays the only code that sees them;
- no namespace prefix (``xmlns:``, ``xml:``): the generic path does not resolve namespaces
  (``s3:Key`` is not ``Key`` to it), ElementTree does; with no prefixes the only namespace is
  a default one, which both ignore;
- UTF-8 (no other declared encoding, no UTF-16/32) and at most ``MAX_ELEMENTS`` tags, so
  the tree of a hostile body stays small;
- anything ElementTree refuses (malformed XML, an unbound prefix…) is parsed again by the
  generic path, which decides: MalformedXML, or the value it reads.

Whatever else is irregular (a member element repeated, which xmltodict turns into a list;
elements where text belongs; an element the shape has no member for; text the model's type
refuses; XML attributes) also goes to the generic path, so its quirks and its MalformedXML
decide. DeleteObjects' usual body does not even need the tree (``xmldelete.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element, XMLParser

from fakes3.errors import MalformedXML
from fakes3.protocol.model import NAMESPACE, ServiceModel
from fakes3.protocol.per_shape import PerShape
from fakes3.protocol.xmlbody import XmlReader, parse_document, scalar
from fakes3.protocol.xmldelete import plain_delete

MAX_ELEMENTS = 50_000  # a 1000-key DeleteObjects with every field has ~12,000 tags
_UNSAFE = (b"<!", b"xmlns:", b"xml:")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")

Read = Callable[[Element], Any]
_TEXT, _ONE, _FLAT = 0, 1, 2  # how a structure holds a member: a string, another, a flat list


def fast_enough(body: bytes) -> bool:
    """Whether ElementTree reads ``body`` as the generic path would (see the module doc)."""
    if body[1:2] == b"\x00" or body[:1] in (b"\x00", b"\xfe", b"\xff"):
        return False  # UTF-16 or UTF-32
    for marker in _UNSAFE:
        if marker in body:
            return False
    if body.startswith((b"<?xml", b"\xef\xbb\xbf<?xml")):
        end = body.find(b"?>")
        if end < 0:
            return False  # malformed: the generic path says so
        declared = _DECLARED_ENCODING.search(body, 0, end)
        if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
            return False
    # every tag takes 3 bytes or more: only a long body can hold too many
    return len(body) <= 3 * MAX_ELEMENTS or body.count(b"<") <= MAX_ELEMENTS


def _tree(body: bytes) -> Element | None:
    """The parsed document, or None if ElementTree refuses it (the generic path decides)."""
    parser = XMLParser()
    try:
        parser.feed(body)
        root: Element = parser.close()
    except Exception:  # noqa: BLE001 - ParseError and expat's others: the generic path decides
        return None
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


class _Irregular(Exception):
    """A document the fast reader leaves to the generic path: a repeated member element, or
    anything the generic path refuses (it then refuses it with its own error)."""


class TreeReader:
    """Reads XML bodies as model-shaped dicts; the generic ``XmlReader`` for what it cannot."""

    def __init__(self, model: ServiceModel, generic: XmlReader) -> None:
        self.model = model
        self.generic = generic
        self._readers: PerShape[Read] = PerShape(self._compile, _deferred_reader)

    def document(self, shape_name: str, body: bytes, root: str) -> Any:
        """The document ``body`` whose root element must be ``root``, read as ``shape_name``."""
        if not fast_enough(body):
            return self.generic.read(shape_name, parse_document(body, root))
        if shape_name == "Delete" and root == "Delete":
            plain = plain_delete(body)  # DeleteObjects as SDKs send it: no tree needed
            if plain is not None:
                return plain
        tree = _tree(body)
        if tree is not None:
            if _local(tree.tag) != root:
                raise MalformedXML()
            try:
                return self.reader(shape_name)(tree)
            except _Irregular:
                pass
        return self.generic.read(shape_name, parse_document(body, root))

    def reader(self, shape_name: str) -> Read:
        return self._readers.get(shape_name)

    def _compile(self, shape_name: str) -> Read:
        shape = self.model.shape(shape_name)
        kind = shape["type"]
        if kind == "structure":
            return self._structure(shape_name)
        if kind == "list":
            member = shape["member"]
            child = member.get("locationName", "member")
            item = self.reader(member["shape"])

            def read_list(element: Element) -> list[Any]:
                _no_text(element)
                if any(_local(each.tag) != child for each in element):
                    raise _Irregular()  # an element the schema has not here: MalformedXML
                return [item(each) for each in element]

            return read_list
        return _scalar_reader(kind)

    def _structure(self, shape_name: str) -> Read:
        """A reader of an element's children in document order, giving the members in the
        model's order (the generic reader's)."""
        members = self.model.members(shape_name)
        if any(member.xml_attribute for member in members):
            return _irregular  # only ACL grantees (``xsi:type``), which have prefixes anyway
        table: dict[str, tuple[str, int, int, Read]] = {}  # tag -> member, position, how, read
        order: list[str] = []
        for member in members:
            order.append(member.name)
            if member.type == "list" and member.flattened:
                item = self.reader(self.model.shape(member.shape_name)["member"]["shape"])
                table[member.wire_name] = (member.name, len(order), _FLAT, item)
            else:
                how = _TEXT if member.type == "string" else _ONE
                read = self.reader(member.shape_name)
                table[member.wire_name] = (member.name, len(order), how, read)
        for wire, spec in list(table.items()):  # S3's own namespace: no string operations
            table[f"{{{NAMESPACE}}}{wire}"] = spec

        def read_structure(element: Element) -> dict[str, Any]:
            _no_text(element)
            result: dict[str, Any] = {}
            last = 0
            ordered = True
            for child in element:
                tag = child.tag
                spec = table.get(tag)
                if spec is None:
                    spec = table.get(tag.rpartition("}")[2]) if tag[:1] == "{" else None
                    if spec is None:
                        raise _Irregular()  # no such member: MalformedXML
                name, position, how, read = spec
                if how == _FLAT:
                    items = result.get(name)
                    if items is not None:
                        items.append(read(child))
                        continue
                    result[name] = [read(child)]
                elif name in result:
                    raise _Irregular()  # repeated: the generic reader's quirks decide
                elif how == _TEXT:  # a string, inline: most members are
                    if len(child):
                        raise _Irregular()  # child elements where text belongs: MalformedXML
                    result[name] = child.text or ""
                else:
                    result[name] = read(child)
                if position < last:
                    ordered = False
                last = position
            if not ordered:
                result = {name: result[name] for name in order if name in result}
            return result

        return read_structure


def _no_text(element: Element) -> None:
    """An element that holds elements holds no text but whitespace; else the generic path
    (which refuses it: MalformedXML)."""
    text = element.text
    if text and not text.isspace():
        raise _Irregular()
    for child in element:
        tail = child.tail
        if tail and not tail.isspace():
            raise _Irregular()


def _irregular(element: Element) -> Any:
    raise _Irregular()


def _scalar_reader(kind: str) -> Read:
    if kind == "string":

        def read_string(element: Element) -> Any:
            if len(element):
                raise _Irregular()  # child elements where text belongs: MalformedXML
            return element.text or ""

        return read_string

    def read_scalar(element: Element) -> Any:
        if len(element):
            raise _Irregular()
        try:
            return scalar(kind, element.text or "")
        except MalformedXML:
            raise _Irregular() from None

    return read_scalar


def _deferred_reader(finished: Callable[[], Read]) -> Read:
    """A recursive shape's reader while it compiles (``per_shape.py``)."""

    def read(element: Element) -> Any:
        return finished()(element)

    return read
