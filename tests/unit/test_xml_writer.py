"""The generated XML writer (fakes3/protocol/xmlwriter.py) writes byte for byte what the
table-walking writer it replaced wrote (kept in xml_writer_reference.py): for values generated
from every XML output shape of the model, and for real listings and DeleteObjects answers of
keys that need escaping or URL encoding, through the whole app."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from fuzzing import fuzz
from hypothesis import given
from hypothesis import strategies as st
from in_threads import in_threads
from xml_payloads import structure_payloads
from xml_writer_reference import XmlWriter as ReferenceWriter
from xml_writer_reference import escape as reference_escape

from fakes3.app import FakeS3
from fakes3.protocol.model import load_model
from fakes3.protocol.serializing import ROOT_ELEMENTS, ResponseSerializer
from fakes3.protocol.xmlbody import INTERLEAVED, escape
from fakes3.protocol.xmlwriter import XmlWriter
from fakes3.store.store import NewObject

MODEL = load_model()
NEW = XmlWriter(MODEL)
OLD = ReferenceWriter(MODEL)


def _documents() -> list[tuple[str, str]]:
    """(root element, shape) of every XML response body: output shapes and payloads."""
    found = {(root, shape) for shape, root in structure_payloads("output")}
    for operation in MODEL.operations:
        shape_name = MODEL.output_shape(operation)
        if shape_name and MODEL.shape(shape_name).get("payload") is None:
            found.add((ROOT_ELEMENTS.get(operation, operation + "Result"), shape_name))
    return sorted(found)


DOCUMENTS = _documents()

TEXTS = [
    "",
    "plain",
    "k/00001",
    " lead and trail ",
    '"0f343b0931126a20f133d67c2b018a3b"',
    '"abc-3"',
    '"',
    '""',
    'a"b',
    "a&b<c>d",
    '"a&b"',
    "cr\r\nlf",
    "\x00\x01\x1f\x7f\t\n",
    "é ü 日本 🎉",
    "\u2028\xa0",
    "{tag}",
    "STANDARD",
    "CRC32",
    "%20%2B",
]


def _scalar(kind: str, enum: list[str] | None) -> st.SearchStrategy[Any]:
    if kind == "string":
        choices = TEXTS + (enum or [])
        return st.one_of(st.sampled_from(choices), st.text(max_size=12), st.integers(-5, 5))
    if kind in ("integer", "long"):
        return st.one_of(st.integers(-(2**63), 2**63), st.just(True))
    if kind == "boolean":
        return st.one_of(st.booleans(), st.sampled_from([0, 1, "", "x"]))
    if kind == "timestamp":
        moments = st.datetimes(
            min_value=datetime(1, 1, 2),
            max_value=datetime(9999, 12, 30),
            timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-14))]),
        )
        return st.one_of(moments, st.sampled_from(["2026-01-01", "a&b"]))
    if kind == "blob":
        return st.one_of(st.binary(max_size=8), st.just("not<bytes"))
    return st.one_of(st.sampled_from(TEXTS), st.integers())


def _value(shape_name: str, depth: int) -> st.SearchStrategy[Any]:
    shape = MODEL.shape(shape_name)
    kind = shape["type"]
    if kind == "structure":
        if depth > 3:
            return st.just({})
        members = MODEL.members(shape_name)
        fields = {m.name: st.one_of(st.none(), _value(m.shape_name, depth + 1)) for m in members}
        return st.fixed_dictionaries({}, optional=fields)
    if kind == "list":
        if depth > 3:
            return st.just([])
        return st.lists(_value(shape["member"]["shape"], depth + 1), max_size=3)
    return _scalar(kind, shape.get("enum"))


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    root, shape_name = draw(st.sampled_from(DOCUMENTS))
    value: dict[str, Any] = draw(_value(shape_name, 0))
    flat = [
        m
        for m in MODEL.members(shape_name)
        if m.type == "list" and m.flattened and m.location is None
    ]
    if len(flat) > 1 and draw(st.booleans()):  # ListObjectVersions' interleaved entries
        pairs = []
        for member in draw(st.lists(st.sampled_from(flat), max_size=4)):
            item = MODEL.shape(member.shape_name)["member"]["shape"]
            pairs.append((member.name, draw(_value(item, 1))))
        value[INTERLEAVED] = pairs
    return root, shape_name, value


@fuzz
@given(documents())
def test_generated_values_are_written_as_before(doc: tuple[str, str, dict[str, Any]]) -> None:
    root, shape_name, value = doc
    assert NEW.document(root, shape_name, value) == OLD.document(root, shape_name, value)


@pytest.mark.parametrize("root, shape_name", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_every_member_present_once(root: str, shape_name: str) -> None:
    """Each output shape with every member set (first enum value, a text to escape)."""

    def full(name: str, depth: int) -> Any:
        shape = MODEL.shape(name)
        kind = shape["type"]
        if kind == "structure":
            if depth > 4:
                return {}
            return {m.name: full(m.shape_name, depth + 1) for m in MODEL.members(name)}
        if kind == "list":
            return [full(shape["member"]["shape"], depth + 1)] * 2
        examples: dict[str, Any] = {
            "string": shape.get("enum", ['"a&b"<\r>'])[0],
            "integer": 7,
            "long": 2**40,
            "boolean": True,
            "timestamp": datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=timezone.utc),
            "blob": b"\x00\xff",
        }
        return examples.get(kind, "other")

    value = full(shape_name, 0)
    written = NEW.document(root, shape_name, value)
    assert written == OLD.document(root, shape_name, value)
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<' + root.encode())


@fuzz
@given(st.one_of(st.sampled_from(TEXTS), st.text()))
def test_escape_is_unchanged(text: str) -> None:
    assert escape(text) == reference_escape(text)


ODD_KEYS = [
    "plain/key",
    " lead",
    "trail ",
    "a&b<c>d\"e'f",
    "cr\rlf\n",
    "\x01control",
    "日本語/🎉",
    "a+b=c?d#e%f",
    "sp ace/",
]


def _call(app: FakeS3, method: str, path: str, query: str, body: bytes = b"") -> bytes:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "localhost",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
    }
    statuses: list[str] = []
    answer = b"".join(app(environ, lambda status, headers, exc=None: statuses.append(status)))
    assert statuses[0].startswith("200"), answer
    return answer


@pytest.mark.parametrize(
    "query",
    [
        "list-type=2&encoding-type=url",
        "list-type=2",
        "list-type=2&encoding-type=url&delimiter=/&fetch-owner=true",
        "encoding-type=url",
        "versions&encoding-type=url",
        "versions",
    ],
)
def test_listings_through_the_app_are_written_as_before(query: str) -> None:
    app = FakeS3()
    app.store.create_bucket("b", "us-east-1")
    for key in ODD_KEYS:
        app.store.put_object("b", key, io.BytesIO(b"x"), NewObject(checksum_algorithm="CRC32"))
    new = _call(app, "GET", "/b", query)
    app.serializer = ResponseSerializer(MODEL)
    app.serializer.xml = OLD  # type: ignore[assignment]
    assert _call(app, "GET", "/b", query) == new
    assert b"<Key>" in new


@pytest.mark.parametrize(
    "shape_name, value",
    [
        ("ObjectKey", 'a&b"\r'),
        ("Size", 12),
        ("IsTruncated", False),
        ("LastModified", datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)),
        ("ChecksumAlgorithmList", ["CRC32", "a<b"]),
        ("CommonPrefixList", [{"Prefix": "p/"}, {}]),
        ("Grantee", {"Type": "CanonicalUser", "ID": "i&d", "DisplayName": None}),
    ],
)
def test_writers_of_single_shapes(shape_name: str, value: Any) -> None:
    """The writers ``writer()`` hands out on their own (scalars, lists, attributes)."""
    new: list[str] = []
    old: list[str] = []
    NEW.writer(shape_name)(new, "Tag", value)
    OLD.writer(shape_name)(old, "Tag", value)
    assert "".join(new) == "".join(old)


def test_first_use_from_many_threads() -> None:
    """Shapes compile on first use; threads racing to it all get finished writers."""
    writer = XmlWriter(MODEL)

    def work(turn: int) -> None:
        for root, shape_name in DOCUMENTS[turn::2] + DOCUMENTS[::-1]:
            assert writer.document(root, shape_name, {}) == OLD.document(root, shape_name, {})

    assert in_threads(work, 8) == []
