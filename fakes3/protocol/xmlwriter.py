"""Model-shaped dicts -> S3 XML, with one Python function generated per structure shape.

A 1000-key listing or DeleteObjects answer is 1000 structures: walking a member table per
structure (a loop, a tuple, a call and an f-string per scalar) cost ~4.4 µs per listed key and
~0.7 µs per deleted key. Each structure shape is compiled instead into straight-line code, one
``if`` per member, scalars formatted inline with their element names as constants, lists looped
in place with their items' code inlined: ~2 µs and ~0.4 µs (an ETag's quotes and enum values
such as storage classes are also escaped more cheaply, ``xmlbody.escape_found`` and sets).

The output is byte for byte what the table-walking writer wrote (``tests/unit/
test_xml_writer.py`` compares them): members in model order, ``None`` members left out, every
structure written ``<a></a>`` (never ``<a/>``), text escaped by ``xmlbody.escape``, and a
structure with several flattened lists writing the ``INTERLEAVED`` pairs, if given, in their
order. The generated source is built only from the model's element names (checked to be XML
names) and ``repr`` literals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fakes3.protocol.model import NAMESPACE, Member, ServiceModel
from fakes3.protocol.per_shape import PerShape
from fakes3.protocol.wire_order import in_wire_order
from fakes3.protocol.xmlbody import (
    INTERLEAVED,
    escape,
    escape_found,
    find_special,
    format_scalar,
    iso8601,
)

Writer = Callable[[list[str], str, Any], None]
ROOT_ATTRS = f' xmlns="{NAMESPACE}"'
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*")

# What generated code may name, besides its constants (c0, c1…: writers, enum value sets).
_GLOBALS: dict[str, Any] = {
    "escape": escape,
    "escape_found": escape_found,
    "search": find_special,
    "iso8601": iso8601,
    "datetime": datetime,
    "format_scalar": format_scalar,
    "isinstance": isinstance,
    "str": str,
}


def _scalar(kind: str, var: str, tag: str, plain: str | None = None) -> list[str]:
    """Lines appending ``<tag>var</tag>`` as the table-walking writer formatted a ``kind``.

    ``tag`` is a checked element name, or ``{tag}`` for the writer's ``tag`` argument;
    ``plain`` names a set of strings known to need no escaping (an enum's values)."""
    if kind == "string":
        text = f"{var} if search({var}) is None else escape_found({var})"
        if plain is not None:
            text = f"{var} if {var} in {plain} or search({var}) is None else escape_found({var})"
        return [
            f"if not isinstance({var}, str):",
            f"    {var} = str({var})",
            f'append(f"<{tag}>{{{text}}}</{tag}>")',
        ]
    if kind in ("integer", "long"):
        text = f"str({var})"
    elif kind == "boolean":
        text = f"'true' if {var} else 'false'"
    elif kind == "timestamp":
        text = f"iso8601({var}) if isinstance({var}, datetime) else escape(str({var}))"
    else:
        text = f"format_scalar({kind!r}, {var})"
    return [f'append(f"<{tag}>{{{text}}}</{tag}>")']


def _indent(lines: list[str], depth: int = 1) -> list[str]:
    return ["    " * depth + line for line in lines]


class XmlWriter:
    """Writes model-shaped dicts as S3 XML, with the model's element names and list forms."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._writers: PerShape[Writer] = PerShape(self._compile, _deferred_writer)
        self._roots: dict[str, Writer] = {}

    def document(self, root: str, shape_name: str, value: dict[str, Any]) -> bytes:
        out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        write = self._roots.get(shape_name)
        if write is None:
            write = self._roots[shape_name] = self._structure_writer(shape_name, ROOT_ATTRS)
        write(out, root, value)
        return "".join(out).encode("utf-8")

    def text_document(self, root: str, text: str | None) -> bytes:
        """A root element holding only text (GetBucketLocation's ``LocationConstraint``)."""
        head = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}"'
        body = f"{head}>{escape(text)}</{root}>" if text else f"{head}/>"
        return body.encode("utf-8")

    def writer(self, shape_name: str) -> Writer:
        return self._writers.get(shape_name)

    def _compile(self, shape_name: str) -> Writer:
        kind = self.model.shape(shape_name)["type"]
        if kind == "structure":
            return self._structure_writer(shape_name, "")
        if kind == "list":
            return self._list_writer(shape_name)
        return self._generate(_indent(_scalar(kind, "value", "{tag}")), {})

    def _list_writer(self, shape_name: str) -> Writer:
        """A wrapped list written on its own (as a structure's member it is written inline)."""
        constants: dict[str, Any] = {}
        body = self._list_lines(shape_name, "value", "{tag}", False, constants, 1)
        return self._generate(_indent(body), constants)

    def _structure_writer(self, shape_name: str, root_attrs: str) -> Writer:
        constants: dict[str, Any] = {}
        lines = self._structure_lines(shape_name, "value", None, root_attrs, constants, 0)
        return self._generate(_indent(lines), constants)

    def _structure_lines(
        self,
        shape_name: str,
        value: str,
        tag: str | None,
        root_attrs: str,
        constants: dict[str, Any],
        depth: int,
    ) -> list[str]:
        """Lines writing the structure in variable ``value`` as element ``tag`` (None: the
        writer's ``tag`` argument). ``depth`` suffixes the variables of an inlined item."""
        members = self.model.members(shape_name)
        namespace = self.model.shape(shape_name).get("xmlNamespace", {}).get("uri")
        get, var, attrs = f"get{depth}", f"v{depth}", f"attrs{depth}"
        opening = "'<' + tag" if tag is None else repr(f"<{_checked(tag)}")
        closing = "'</' + tag + '>'" if tag is None else repr(f"</{tag}>")
        lines = [f"{get} = {value}.get"]
        attributes = [m for m in members if m.xml_attribute]
        if attributes:
            lines.append(f"{attrs} = {root_attrs!r}")
            for member in attributes:
                lines.append(f"if {member.name!r} in {value}:")
                if namespace and ":" in member.wire_name:
                    prefix = member.wire_name.partition(":")[0]
                    declaration = f' xmlns:{prefix}="{namespace}"'
                    lines.append(f"    {attrs} += {declaration!r}")
                name = f' {_checked(member.wire_name)}="'
                lines.append(f"    a = escape(str({value}[{member.name!r}]))")
                lines.append(f"    {attrs} += {name!r} + a + '\"'")
            lines.append(f"append({opening} + {attrs} + '>')")
        else:
            lines.append(f"append({opening} + {root_attrs + '>'!r})")
        children = [
            m
            for m in in_wire_order(shape_name, members)
            if m.location is None and not m.xml_attribute
        ]
        flat = [m for m in children if m.type == "list" and m.flattened]
        for member in children:
            if len(flat) > 1 and member is flat[0]:
                lines += self._interleaved_lines(flat, get, depth, constants)
            lines.append(f"{var} = {get}({member.name!r})")
            lines.append(f"if {var} is not None:")
            lines += _indent(self._member_lines(member, var, constants, depth))
        lines.append(f"append({closing})")
        return lines

    def _member_lines(
        self, member: Member, var: str, constants: dict[str, Any], depth: int
    ) -> list[str]:
        tag = _checked(member.wire_name)
        kind = member.type
        if kind == "structure":
            write = self._constant(self.writer(member.shape_name), constants)
            return [f"{write}(out, {tag!r}, {var})"]
        if kind == "list":
            flat = member.flattened
            return self._list_lines(member.shape_name, var, tag, flat, constants, depth)
        return _scalar(kind, var, tag, self._plain(member.shape_name, constants))

    def _list_lines(
        self,
        shape_name: str,
        var: str,
        tag: str,
        flat: bool,
        constants: dict[str, Any],
        depth: int,
    ) -> list[str]:
        """A list, looped in place: items named ``tag`` (flattened) or wrapped in ``tag``. A
        top-level structure's lists of structures have their items' code inlined too (a
        1000-entry listing: no call per entry)."""
        inner = self.model.shape(shape_name)["member"]
        item_shape = inner["shape"]
        item_kind = self.model.shape(item_shape)["type"]
        item_tag = tag if flat else _checked(inner.get("locationName", "member"))
        item = f"e{depth}"
        if item_kind == "structure" and depth == 0:
            loop = self._structure_lines(item_shape, item, item_tag, "", constants, depth + 1)
        elif item_kind in ("structure", "list"):
            write = self._constant(self.writer(item_shape), constants)
            loop = [f"{write}(out, {item_tag!r}, {item})"]
        else:
            loop = _scalar(item_kind, item, item_tag, self._plain(item_shape, constants))
        lines = [f"for {item} in {var}:", *_indent(loop)]
        if flat:
            return lines
        return [f'append(f"<{tag}>")', *lines, f'append(f"</{tag}>")']

    def _interleaved_lines(
        self, flat: list[Member], get: str, depth: int, constants: dict[str, Any]
    ) -> list[str]:
        """``INTERLEAVED`` pairs (member, item): ListObjectVersions' versions and delete
        markers in key order."""
        items: dict[str, tuple[str, Writer]] = {}
        for member in flat:
            item_shape = self.model.shape(member.shape_name)["member"]["shape"]
            items[member.name] = (member.wire_name, self.writer(item_shape))
        table = self._constant(items, constants)
        pairs, item = f"v{depth}", f"e{depth}"
        return [
            f"{pairs} = {get}({INTERLEAVED!r})",
            f"if {pairs} is not None:",
            f"    for m, {item} in {pairs}:",
            f"        t, w = {table}[m]",
            f"        w(out, t, {item})",
        ]

    def _plain(self, shape_name: str, constants: dict[str, Any]) -> str | None:
        """The constant holding an enum's values that need no escaping (most strings written
        are storage classes, checksum algorithms…: a set lookup instead of a search)."""
        values = self.model.shape(shape_name).get("enum")
        if not values:
            return None
        plain = frozenset(value for value in values if find_special(value) is None)
        return self._constant(plain, constants)

    @staticmethod
    def _constant(value: Any, constants: dict[str, Any]) -> str:
        name = f"c{len(constants)}"
        constants[name] = value
        return name

    @staticmethod
    def _generate(body: list[str], constants: dict[str, Any]) -> Writer:
        source = "\n".join(["def write(out, tag, value):", "    append = out.append", *body])
        namespace = {**_GLOBALS, **constants}
        exec(compile(source, "<fakes3.protocol.xmlwriter>", "exec"), namespace)  # noqa: S102
        write: Writer = namespace["write"]
        return write


def _checked(name: str) -> str:
    """An element name as it may appear inside generated f-strings: an XML name only."""
    if _NAME.fullmatch(name) is None:
        raise ValueError(f"not an XML element name: {name!r}")
    return name


def _deferred_writer(finished: Callable[[], Writer]) -> Writer:
    """A recursive shape's writer while it compiles (``per_shape.py``)."""

    def write(out: list[str], tag: str, value: Any) -> None:
        finished()(out, tag, value)

    return write
