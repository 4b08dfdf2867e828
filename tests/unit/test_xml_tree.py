"""The fast XML body reader (fakes3/protocol/xmltree.py) reads every document exactly as the
generic path (xmltodict + XmlReader) does: the same member dicts, in the same order, and
MalformedXML where the generic path refuses.

Documents are generated from the model's own request payload shapes (members in any order,
repeated, unknown, nested; text with spaces, CR/LF, unicode and character references;
namespaces, prefixes, declarations, DTDs, comments, CDATA), plus a fixed corpus."""

from __future__ import annotations

from typing import Any

import pytest
from fuzzing import fuzz
from hypothesis import given
from hypothesis import strategies as st
from in_threads import in_threads
from xml_payloads import PAYLOADS

from fakes3.errors import MalformedXML, S3Error
from fakes3.protocol.model import NAMESPACE, load_model
from fakes3.protocol.parsing import default_parser
from fakes3.protocol.xmlbody import parse_document
from fakes3.protocol.xmldelete import plain_delete
from fakes3.protocol.xmltree import MAX_ELEMENTS, TreeReader, fast_enough

MODEL = load_model()
PARSER = default_parser()


def generic(shape: str, body: bytes, root: str) -> Any:
    """What the generic path makes of a document: its value, or the S3 error code."""
    try:
        return PARSER.xml.read(shape, parse_document(body, root))
    except S3Error as error:
        return error.code


def fast(shape: str, body: bytes, root: str) -> Any:
    try:
        return PARSER.tree.document(shape, body, root)
    except S3Error as error:
        return error.code


def same(shape: str, body: bytes, root: str) -> Any:
    expected = generic(shape, body, root)
    got = fast(shape, body, root)
    assert got == expected, body
    if isinstance(expected, dict):  # the same member order too
        assert _orders(got) == _orders(expected), body
    return got


def _orders(value: Any) -> Any:
    if isinstance(value, dict):
        return [(name, _orders(item)) for name, item in value.items()]
    if isinstance(value, list):
        return [_orders(item) for item in value]
    return value


# -- generated documents -----------------------------------------------------------------------

TEXTS = [
    "",
    " ",
    "plain",
    " lead and trail ",
    "line\nfeed",
    "cr\r\nlf",
    "lone\rcr",
    "\t tab",
    "é ü 日本 🎉",
    "&amp;&lt;&gt;&quot;&apos;",
    "&#13;&#xD;&#10;&#x9;",
    "&#x1F389;",
    "&e;",
    "&#0;",
    "]]>",
    "a<b",
    "<![CDATA[ <raw> & ]]>",
    "<!-- note -->x",
    "true",
    "TRUE",
    " false ",
    "12",
    " 7 ",
    "-3",
    "99999999999999999999",
    "1e400",
    "2026-12-06T10:00:00.000Z",
    "Sun, 06 Dec 2026 10:00:00 GMT",
    "1796500000",
    "aGVsbG8=",
    "not base64!",
    "<Inner>x</Inner>",
]
PREFIXES = ["", "s3:"]


def _element(draw: st.DrawFn, shape_name: str, tag: str, depth: int) -> str:
    shape = MODEL.shape(shape_name)
    kind = shape["type"]
    attrs = draw(st.sampled_from(["", "", ' a="1"', ' xmlns="urn:other"']))
    if kind == "structure" and depth < 4:
        parts: list[str] = []
        members = [m for m in MODEL.members(shape_name) if m.location is None]
        for member in draw(st.lists(st.sampled_from(members), max_size=5)) if members else []:
            if member.xml_attribute:
                continue
            if member.type == "list" and member.flattened:
                item = MODEL.shape(member.shape_name)["member"]["shape"]
                for _ in range(draw(st.integers(1, 3))):
                    parts.append(_element(draw, item, member.wire_name, depth + 1))
            else:
                parts.append(_element(draw, member.shape_name, member.wire_name, depth + 1))
        if draw(st.booleans()):
            parts.insert(draw(st.integers(0, len(parts))), "<Unknown>u</Unknown>")
        if draw(st.integers(0, 9)) == 0:
            parts.append(draw(st.sampled_from(TEXTS)))  # text beside elements
        inner = "".join(parts)
    elif kind == "list" and depth < 4:
        item = shape["member"]
        child = item.get("locationName", "member")
        count = draw(st.integers(0, 3))
        inner = "".join(_element(draw, item["shape"], child, depth + 1) for _ in range(count))
    else:
        inner = draw(st.sampled_from(TEXTS))
    return f"<{tag}{attrs}>{inner}</{tag}>"


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, bytes, str]:
    shape, root = draw(st.sampled_from(PAYLOADS))
    body = _element(draw, shape, root, 0)
    namespace = draw(st.sampled_from(["", f' xmlns="{NAMESPACE}"', ' xmlns="urn:x"', "prefix"]))
    if namespace == "prefix":
        body = body.replace("<", "<s3:").replace("<s3:/", "</s3:").replace("<s3:!", "<!")
        head, _, rest = body.partition(">")
        body = f'{head} xmlns:s3="{NAMESPACE}">{rest}'
    elif namespace:
        head, _, rest = body.partition(">")
        body = f"{head}{namespace}>{rest}"
    prolog = draw(
        st.sampled_from(
            [
                "",
                '<?xml version="1.0" encoding="UTF-8"?>\n',
                '<?xml version="1.0"?>',
                '<?xml version="1.0" encoding="ISO-8859-1"?>',
                '<!DOCTYPE x [<!ENTITY e "e">]>',
                "<!DOCTYPE x>",
                "<?pi data?>",
                "\n  ",
            ]
        )
    )
    encoded = (prolog + body).encode("latin-1" if "8859" in prolog else "utf-8", "replace")
    return shape, encoded, root


@fuzz
@given(documents())
def test_generated_documents_read_as_the_generic_path_reads_them(
    doc: tuple[str, bytes, str],
) -> None:
    same(*doc)


# -- a fixed corpus ----------------------------------------------------------------------------

DELETE = "Delete"


def _delete(inner: str, root_attrs: str = f' xmlns="{NAMESPACE}"') -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><Delete{root_attrs}>{inner}</Delete>'.encode()


ODD_KEYS = [" lead", "trail ", "  ", "a\nb", "a\r\nb", "a\rb", "\t", "日本語/🎉", "a&b<c>\"d'"]


def _key_xml(key: str) -> str:
    escaped = key.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\r", "&#13;")


CORPUS = [
    _delete("".join(f"<Object><Key>{_key_xml(k)}</Key></Object>" for k in ODD_KEYS)),
    _delete("<Object><Key>raw\r\nnewline</Key></Object>"),  # CR LF as sent: one LF
    _delete('<Object><Key>k</Key><VersionId>v</VersionId><ETag>"e"</ETag></Object>'),
    _delete("<Object><ETag>e</ETag><Key>k</Key><Size>5</Size></Object><Quiet>true</Quiet>"),
    _delete("<Quiet>true</Quiet><Object><Key>k</Key></Object><Object><Key>j</Key></Object>"),
    _delete("<Object><Key>k</Key><Key>j</Key></Object>"),  # a repeated scalar
    _delete("<Object><Key>k</Key></Object><Quiet>true</Quiet><Quiet>true</Quiet>"),
    _delete("<Object><Key><b/></Key></Object>"),
    _delete("<Object><Key>k</Key><Size>big</Size></Object>"),
    _delete(
        "<Object><Key>k</Key><LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime></Object>"
    ),
    _delete("<Object/><Object></Object><Object>text</Object>"),
    _delete("<Object><Key/></Object>"),
    _delete("<Object><Key a='1'>k</Key></Object>"),
    _delete("<Object><Key>k</Key></Object>", ""),
    _delete("<Object><Key>k</Key></Object>", ' xmlns="urn:elsewhere"'),
    _delete("<Object xmlns='urn:x'><Key>k</Key></Object>"),
    _delete("<s3:Object><Key>k</Key></s3:Object>"),  # an unbound prefix
    _delete("<Object><Key>k</Key></Object>", f' xmlns:s3="{NAMESPACE}"'),
    _delete("<Object><xml:Key>k</xml:Key></Object>"),
    _delete("<Object><Key>&e;</Key></Object>"),
    _delete("<Object><Key>&#0;</Key></Object>"),
    _delete("<Object><Key><![CDATA[a<b]]></Key></Object>"),
    _delete("<Object><Key>a<!-- c -->b</Key></Object>"),
    _delete("<Object><Key>k</Key></Object"),
    b'<?xml version="1.0" encoding="ISO-8859-1"?><Delete><Object><Key>\xe9</Key></Object></Delete>',
    b'<?xml version="1.0" encoding="UTF-16"?><Delete><Object><Key>k</Key></Object></Delete>',
    "<Delete><Object><Key>k</Key></Object></Delete>".encode("utf-16"),
    b"\xef\xbb\xbf<Delete><Object><Key>bom</Key></Object></Delete>",
    b"<Delete><Object><Key>\xff</Key></Object></Delete>",
    b"<Other><Object><Key>k</Key></Object></Other>",
    b"<Delete/>",
    b"<Delete>text only</Delete>",
    b"<Delete><Object><Key>k</Key></Object></Delete><Delete/>",
    b'<!DOCTYPE d [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Delete><Object>'
    b"<Key>&b;</Key></Object></Delete>",
    b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&x;</Key>'
    b"</Object></Delete>",
    b'<!DOCTYPE d SYSTEM "http://example.com/d.dtd"><Delete><Object><Key>k</Key></Object></Delete>',
]


@pytest.mark.parametrize("body", CORPUS, ids=range(len(CORPUS)))
def test_delete_corpus(body: bytes) -> None:
    same(DELETE, body, "Delete")


def test_odd_keys_come_through_exactly() -> None:
    got = same(DELETE, CORPUS[0], "Delete")
    assert [o["Key"] for o in got["Objects"]] == ODD_KEYS  # a CR sent as &#13; is kept
    # a raw CR LF is one LF (XML's end-of-line handling), in both paths
    assert same(DELETE, CORPUS[1], "Delete")["Objects"][0]["Key"] == "raw\nnewline"


def test_the_fast_path_takes_plain_documents_only() -> None:
    assert fast_enough(CORPUS[0])
    for body in CORPUS[-3:]:
        assert not fast_enough(body)  # DTDs go the generic way
    assert not fast_enough(_delete("<Object><Key>k</Key></Object>", ' xmlns:a="urn:a"'))
    assert not fast_enough("<Delete/>".encode("utf-16"))
    assert not fast_enough(b'<?xml version="1.0" encoding="latin-1"?><Delete/>')
    assert fast_enough(b'<?xml version="1.0" encoding="utf-8"?><Delete/>')
    many = _delete("<Object><Key>k</Key></Object>" * (MAX_ELEMENTS // 4))
    assert not fast_enough(many)
    assert same(DELETE, many, "Delete")["Objects"][0] == {"Key": "k"}


def test_a_thousand_keys() -> None:
    keys = [f" k{i} \r" if i % 2 else f"é/{i}\n" for i in range(1000)]
    body = _delete("".join(f"<Object><Key>{_key_xml(k)}</Key></Object>" for k in keys))
    assert fast_enough(body)
    got = same(DELETE, body, "Delete")
    assert [o["Key"] for o in got["Objects"]] == keys


def test_malformed_is_malformed_xml() -> None:
    with pytest.raises(MalformedXML):
        PARSER.tree.document(DELETE, b"<Delete><Object>", "Delete")
    with pytest.raises(MalformedXML):
        PARSER.tree.document(DELETE, b"<Other/>", "Delete")


# -- DeleteObjects as SDKs send it: read without a tree (xmldelete.py) -------------------------

KEY_PIECES = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#13;", "&#xD;", "&#x1F389;"]),
    st.sampled_from(["\r\n", "\r", "\n", " ", "]]>", ">", "&", "&e;", "&#0;", "&#xFFFE;", "\x01"]),
)


@st.composite
def plain_deletes(draw: st.DrawFn) -> bytes:
    keys = draw(st.lists(st.lists(KEY_PIECES, max_size=4).map("".join), min_size=1, max_size=5))
    objects = "".join(f"<Object><Key>{key}</Key></Object>" for key in keys)
    quiet = draw(st.sampled_from(["", "<Quiet>true</Quiet>", "<Quiet>false</Quiet>"]))
    head = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n']))
    xmlns = draw(st.sampled_from(["", f' xmlns="{NAMESPACE}"']))
    body = f"{head}<Delete{xmlns}>{objects}{quiet}</Delete>"
    return body.encode("utf-8", "surrogatepass")


@fuzz
@given(plain_deletes())
def test_plain_delete_bodies_read_as_the_generic_path_reads_them(body: bytes) -> None:
    same(DELETE, body, "Delete")


def test_plain_delete_bodies_take_the_short_way() -> None:
    keys = [
        "a",
        " lead",
        "trail ",
        "&amp;&lt;&gt;&quot;&apos;",
        "cr&#13;lf\r\nx\ry",
        "日本 🎉",
        ">",
    ]
    objects = "".join(f"<Object><Key>{key}</Key></Object>" for key in keys)
    body = _delete(objects + "<Quiet>true</Quiet>")
    expected = ["a", " lead", "trail ", "&<>\"'", "cr\rlf\nx\ny", "日本 🎉", ">"]
    assert plain_delete(body) == {"Objects": [{"Key": k} for k in expected], "Quiet": True}
    assert same(DELETE, body, "Delete") == plain_delete(body)
    assert plain_delete(CORPUS[0]) is not None
    for refused in (
        _delete("<Object><Key>]]></Key></Object>"),
        _delete("<Object><Key>&e;</Key></Object>"),
        _delete("<Object><Key>&#0;</Key></Object>"),
        _delete("<Object><Key>\x01</Key></Object>"),
        _delete("<Object><Key>a&b</Key></Object>"),
        b"<Delete><Object><Key>\xff</Key></Object></Delete>",
    ):
        assert plain_delete(refused) is None
        assert (
            fast(DELETE, refused, "Delete") == "MalformedXML" == generic(DELETE, refused, "Delete")
        )
    for other_layout in (
        _delete("<Object><Key>k</Key><VersionId>v</VersionId></Object>"),
        _delete("\n  <Object><Key>k</Key></Object>\n"),
        _delete("<Object><Key>k</Key></Object><Quiet>TRUE</Quiet>"),
        _delete("<Quiet>true</Quiet><Object><Key>k</Key></Object>"),
        _delete(""),
    ):
        assert plain_delete(other_layout) is None
        same(DELETE, other_layout, "Delete")


def test_first_use_from_many_threads() -> None:
    """Readers compile on first use; threads racing to it all read correctly."""
    reader = TreeReader(MODEL, PARSER.xml)
    body = CORPUS[2]

    def work(turn: int) -> None:
        for shape_name, root in PAYLOADS[turn::2]:
            doc = f"<{root}>\n</{root}>".encode()
            assert reader.document(shape_name, doc, root) == generic(shape_name, doc, root)
        assert reader.document(DELETE, body, "Delete") == generic(DELETE, body, "Delete")

    assert in_threads(work, 8) == []
