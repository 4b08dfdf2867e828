"""Fuzzing the protocol parsers: addressing and routing, the request parser's header and
query converters for every operation, the XML body reader, the aws-chunked decoder, request
body set-up (digests, checksums, framing), the form-data parser, ranges, conditional headers,
HTTP dates and the raw header lines' grammar. The property and how to run it longer: fuzzing.py."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from fuzzing import (
    MODEL,
    NOW,
    NUMBERS,
    OPERATIONS,
    fuzz,
    headers,
    latin1,
    only_s3_errors,
    query_dicts,
    query_string,
    text,
)
from hypothesis import given
from hypothesis import strategies as st

from fakes3.errors import MalformedXML
from fakes3.operations.conditions import check_read_conditions, etag_matches, parse_range
from fakes3.protocol.addressing import (
    bucket_from_host,
    decode_path,
    hostname,
    raw_path_of,
    resolve,
)
from fakes3.protocol.body import RequestBody
from fakes3.protocol.chunked import PAYLOAD_MODES, AwsChunkedReader
from fakes3.protocol.dates import from_epoch, http_date, parse_http_date, parse_iso8601, plus_days
from fakes3.protocol.field_names import are_field_names
from fakes3.protocol.formdata import FormData, boundary_of
from fakes3.protocol.parsing import WireRequest, default_parser
from fakes3.protocol.routing import BUCKET, OBJECT, SERVICE, default_router, parse_query
from fakes3.protocol.xmlbody import parse_document, scalar
from fakes3.request_headers import _bad_field_name

# -- addressing and routing --------------------------------------------------------------------


@fuzz
@given(
    host=st.one_of(latin1, st.sampled_from(["b.localhost", "[::1]:9000", "b.s3.localhost"])),
    uri=st.one_of(latin1, st.text(max_size=60).map(lambda t: "/" + t)),
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH"]),
    query=query_dicts,
    request_headers=headers,
)
def test_addressing_and_routing(
    host: str, uri: str, method: str, query: dict[str, str], request_headers: dict[str, str]
) -> None:
    def run() -> None:
        raw_path = raw_path_of(uri)
        bucket_from_host(hostname(host), "localhost")
        bucket, key = resolve(host, decode_path(raw_path), "localhost")
        target = SERVICE if bucket is None else BUCKET if key is None else OBJECT
        parsed = parse_query(query_string(query) + "&" + uri)
        default_router().match(method, target, parsed, request_headers)

    only_s3_errors(run)


# -- request parsing: headers, query, XML bodies -----------------------------------------------


def _xml(names: list[str]) -> st.SearchStrategy[bytes]:
    leaf = st.one_of(text, st.sampled_from(["&amp;", "<![CDATA[x]]>", "&e;", "&#0;"]))

    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda name, inner: f"<{name}>{''.join(inner)}</{name}>",
            st.sampled_from(names),
            st.lists(children, max_size=4),
        )

    tree = st.recursive(leaf, element, max_leaves=20)
    doc = st.builds(
        lambda root, inner, prolog: f"{prolog}<{root}>{inner}</{root}>",
        st.sampled_from(names),
        tree,
        st.sampled_from(["", '<?xml version="1.0"?>', '<!DOCTYPE x [<!ENTITY e "e">]>']),
    )
    return st.one_of(doc.map(str.encode), st.binary(max_size=80))


def _element_names() -> list[str]:
    names: set[str] = set()
    for shape in MODEL.shapes.values() if hasattr(MODEL, "shapes") else []:
        names.update(getattr(shape, "members", {}) or {})
    names.update(["Tagging", "TagSet", "Tag", "Key", "Value", "Delete", "Object", "Quiet"])
    names.update(["CompleteMultipartUpload", "Part", "PartNumber", "ETag", "Status"])
    names.update(["VersioningConfiguration", "MfaDelete", "CORSConfiguration", "CORSRule"])
    names.update(["AllowedMethod", "AllowedOrigin", "MaxAgeSeconds", "Days", "Date", "Rule"])
    names.update(["CreateBucketConfiguration", "LocationConstraint", "ChecksumCRC32"])
    return sorted(names)


XML_NAMES = _element_names()


@fuzz
@given(
    operation=st.sampled_from(OPERATIONS),
    query=query_dicts,
    request_headers=headers,
    body=_xml(XML_NAMES),
)
def test_request_parser(
    operation: str, query: dict[str, str], request_headers: dict[str, str], body: bytes
) -> None:
    request = WireRequest(
        "PUT", "bucket", "key", query, request_headers, io.BytesIO(body), len(body)
    )
    only_s3_errors(lambda: default_parser().parse(operation, request))


@fuzz
@given(body=_xml(XML_NAMES), root=st.sampled_from(XML_NAMES))
def test_xml_documents(body: bytes, root: str) -> None:
    only_s3_errors(lambda: parse_document(body, root))


# -- request bodies: aws-chunked, digests, checksums -------------------------------------------

chunk_line = st.one_of(
    st.builds(lambda n: f"{n:x}\r\n".encode(), st.integers(0, 40)),
    st.builds(
        lambda n, sig: f"{n:x};chunk-signature={sig}\r\n".encode(),
        st.integers(0, 40),
        st.sampled_from(["0" * 64, "é", "z" * 64, "*" * 144]),
    ),
    st.sampled_from([b"ffffffffffffffff\r\n", b"zz\r\n", b"\r\n", b"0\r\n\r\n"]),
    st.builds(
        lambda t: t.encode() + b"\r\n",
        st.sampled_from(
            ["x-amz-checksum-crc32:AAAAAA==", "x-amz-trailer-signature:" + "0" * 64, "bad", ":"]
        ),
    ),
    st.binary(max_size=20),
)
aws_chunked_body = st.lists(chunk_line, max_size=8).map(b"".join)


@fuzz
@given(
    body=aws_chunked_body,
    mode=st.one_of(st.none(), st.sampled_from(sorted(PAYLOAD_MODES))),
    decoded=st.one_of(st.none(), st.integers(0, 200)),
    trailers=st.lists(st.sampled_from(["x-amz-checksum-crc32", "x-amz-checksum-sha256", "x"])),
    signed=st.booleans(),
)
def test_aws_chunked_decoder(
    body: bytes, mode: str | None, decoded: int | None, trailers: list[str], signed: bool
) -> None:
    def on_chunk(digest: bytes, signature: str | None) -> None:
        if signature is not None and signature.startswith("z"):
            from fakes3.errors import SignatureDoesNotMatch

            raise SignatureDoesNotMatch()

    def run() -> None:
        reader = AwsChunkedReader(
            io.BytesIO(body),
            decoded_length=decoded,
            trailer_names=trailers,
            content_sha256=mode,
            on_chunk=on_chunk if signed else None,
        )
        while reader.read(7):
            pass

    only_s3_errors(run)


@fuzz
@given(
    body=st.one_of(aws_chunked_body, st.binary(max_size=60)),
    request_headers=headers,
    length=st.one_of(st.none(), st.integers(0, 100)),
)
def test_request_body(body: bytes, request_headers: dict[str, str], length: int | None) -> None:
    def run() -> None:
        reader = RequestBody(io.BytesIO(body), request_headers, length)
        while reader.read(9):
            pass

    only_s3_errors(run)


# -- form uploads and policies -----------------------------------------------------------------

part = st.builds(
    lambda disposition, extra, value: (
        b"--B\r\nContent-Disposition: " + disposition + b"\r\n" + extra + b"\r\n" + value + b"\r\n"
    ),
    st.one_of(
        st.sampled_from([b'form-data; name="key"', b'form-data; name="file"; filename="f"']),
        st.binary(max_size=30),
    ),
    st.sampled_from([b"", b"Content-Type: text/plain\r\n", b"\xff\xfe\r\n"]),
    st.binary(max_size=30),
)
form_body = st.builds(
    lambda parts, tail, pre: pre + b"".join(parts) + tail,
    st.lists(part, max_size=5),
    st.sampled_from([b"--B--\r\n", b"", b"--B", b"garbage"]),
    st.sampled_from([b"", b"preamble\r\n"]),
)


@fuzz
@given(content_type=st.one_of(st.just("multipart/form-data; boundary=B"), latin1), body=form_body)
def test_form_data(content_type: str, body: bytes) -> None:
    def run() -> None:
        form = FormData(io.BytesIO(body), boundary_of(content_type))
        form.read_fields()
        while form.read(11):
            pass

    only_s3_errors(run)


# -- ranges, conditions, dates -----------------------------------------------------------------


@fuzz
@given(
    range_header=st.one_of(
        latin1,
        st.builds(
            lambda a, b: f"bytes={a}-{b}",
            st.sampled_from(NUMBERS),
            st.sampled_from(NUMBERS),
        ),
    ),
    size=st.integers(0, 2**40),
    request_headers=st.dictionaries(
        st.sampled_from(
            ["if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "range"]
        ),
        latin1,
        max_size=4,
    ),
)
def test_ranges_and_conditions(
    range_header: str, size: int, request_headers: dict[str, str]
) -> None:
    record = SimpleNamespace(
        etag='"d41d8cd98f00b204e9800998ecf8427e"',
        last_modified=datetime.fromtimestamp(NOW, timezone.utc),
    )

    def run() -> None:
        parse_range(range_header, size)
        etag_matches(range_header, record.etag)
        request = WireRequest("GET", "b", "k", {}, request_headers, io.BytesIO(b""), 0)
        params = default_parser().parse("GetObject", request)
        check_read_conditions(params, record, lambda: record.last_modified)  # type: ignore[arg-type]
        if "Range" in params:
            parse_range(params["Range"], size)

    only_s3_errors(run)


@fuzz
@given(value=latin1, when=st.datetimes(timezones=st.timezones()) | st.datetimes())
def test_http_dates_never_raise(value: str, when: datetime) -> None:
    parsed = parse_http_date(value)
    assert parsed is None or parsed.tzinfo is not None
    assert http_date(when).endswith(" GMT")


_ISO_LIKE = st.from_regex(
    r"\A[0-9٠-٩²_+\- ]{0,6}-[0-9]{1,3}-[0-9]{1,3}(T[0-9:.]{0,20})?(Z|[+-][0-9:]{0,6})?\Z"
)


@fuzz
@given(value=latin1 | _ISO_LIKE, offset=st.floats(allow_nan=True), days=st.integers())
def test_iso8601_numbers_and_day_arithmetic_never_raise(
    value: str, offset: float, days: int
) -> None:
    """The ISO 8601 reader answers a UTC datetime or None; an XML integer is a number in the
    model's range or MalformedXML; epoch seconds and day counts clamp to the calendar."""
    parsed = parse_iso8601(value)
    assert parsed is None or parsed.utcoffset() == timedelta(0)
    for kind in ("integer", "long"):
        try:
            number = scalar(kind, value)
        except MalformedXML:
            continue
        assert (
            isinstance(number, int) and abs(number) < 2**63 and value.strip().lstrip("-").isascii()
        )
    assert 1 <= from_epoch(offset).year <= 9999  # NaN and infinities too
    assert 1 <= plus_days(datetime(2026, 12, 7, tzinfo=timezone.utc), days).year <= 9999


# -- raw header lines (fakes3/request_headers.py) ----------------------------------------------

_TCHAR = set(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HEADER_NAMES = st.one_of(
    st.sampled_from(["Host", "x-amz-meta-a", "Content-Length", "a!#$%&'*+.^_`|~z"]),
    st.binary(max_size=12).map(lambda n: n.replace(b"\n", b"")),  # readline splits at \n
)
_HEADER_LINES = st.lists(
    st.one_of(
        st.builds(
            lambda name, gap, value: name + gap + b":" + value + b"\r\n",
            _HEADER_NAMES.map(lambda n: n if isinstance(n, bytes) else n.encode()),
            st.sampled_from([b"", b"", b" ", b"\t"]),
            st.binary(max_size=16).map(lambda v: v.replace(b"\n", b"")),
        ),
        st.binary(max_size=16).map(lambda v: b" " + v.replace(b"\n", b"") + b"\r\n"),
    ),
    max_size=6,
).map(lambda lines: [*lines, b"\r\n"])


def _bad_line(line: bytes) -> bool:
    """One line judged alone, as RFC 9110 5.1 and RFC 9112 5 read it."""
    if line[:1] in (b" ", b"\t"):
        return False  # folded continuation (replaced by a space)
    name, colon, _ = line.partition(b":")
    return not colon or not name or any(byte not in _TCHAR for byte in name)


@fuzz
@given(lines=_HEADER_LINES)
def test_header_line_check_matches_the_rfc_line_by_line(lines: list[bytes]) -> None:
    """The one regex over all header lines (run on every request) agrees with a plain
    line-by-line reading of the grammar."""
    assert _bad_field_name(lines) == any(_bad_line(line) for line in lines[:-1])


@fuzz
@given(names=st.lists(st.one_of(st.sampled_from(["host", "x-amz-meta-a", ""]), text), max_size=5))
def test_in_process_field_names_are_judged_one_by_one(names: list[str]) -> None:
    """The in-process mode's one match over all names agrees with judging each name alone."""
    one_by_one = all(name and all(ord(c) in _TCHAR for c in name) for name in names)
    assert are_field_names(names) == bool(one_by_one)
