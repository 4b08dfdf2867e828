"""Property-based fuzzing of the pure parsers: whatever a client sends, they raise only
S3Error subclasses (which the app answers as S3 errors), never another exception (a 500).

Covered: addressing and routing, the SigV4/SigV2 header and query parsers (through the
authenticator, with the known key ``test`` so verification runs too), the request parser's
header and query converters (numbers, dates, booleans) for every operation, the XML body
reader, the aws-chunked decoder, request body set-up (digests, checksums, framing), the
form-data parser, POST policies, ranges and conditional headers, HTTP dates.

The normal run is short (``FAKES3_FUZZ_EXAMPLES``, default 60 per test, ~10 s in all). A long
run by hand::

    FAKES3_FUZZ_EXAMPLES=5000 pytest -q tests/unit/test_fuzz_parsers.py --hypothesis-show-statistics

(5000 per test, 55,000 in all, took 12.5 minutes on a busy 2-core machine, nothing found.)
"""

from __future__ import annotations

import base64
import io
import json
import os
import string
from collections.abc import Callable
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes3.auth.accounts import Accounts
from fakes3.auth.authenticate import LENIENT, STRICT, Authenticator
from fakes3.auth.post_policy import Policy, policy_signature
from fakes3.errors import S3Error
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
from fakes3.protocol.dates import http_date, parse_http_date
from fakes3.protocol.formdata import FormData, boundary_of
from fakes3.protocol.model import load_model
from fakes3.protocol.parsing import WireRequest, default_parser
from fakes3.protocol.routing import BUCKET, OBJECT, SERVICE, default_router, parse_query
from fakes3.protocol.xmlbody import parse_document

EXAMPLES = int(os.environ.get("FAKES3_FUZZ_EXAMPLES", "60"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 100,  # the short CI run is the same every time
)
NOW = 1_796_500_000.0  # the authenticator's clock
AMZ_DATE = datetime.fromtimestamp(NOW, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
DAY = AMZ_DATE[:8]
HTTP_NOW = http_date(NOW)
MODEL = load_model()
OPERATIONS = sorted(MODEL.operations)


def only_s3_errors(call: Callable[[], object]) -> None:
    """Run ``call``: an S3Error is an answer, anything else fails the property."""
    try:
        call()
    except S3Error:
        pass


# -- building blocks ---------------------------------------------------------------------------

NUMBERS = ["", "0", "3", "7", "9" * 5000, "²", "5²", "٣", "-5", "--5", "99999999999999999999"]
TRICKY = [
    "",
    "²",
    "5²",
    "--5",
    "-1",
    "9" * 5000,
    "٣",
    "NaN",
    "inf",
    "1e400",
    "\x00",
    "é" * 64,
    "0" * 64,
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 0001 00:00:00 GMT",
    AMZ_DATE,
    HTTP_NOW,
    "true",
    "bytes=0-",
    "bytes=-5",
    "*",
    '"etag"',
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "UNSIGNED-PAYLOAD",
    "aws-chunked",
]
text = st.one_of(st.sampled_from(TRICKY), st.sampled_from(NUMBERS), st.text(max_size=40))
latin1 = st.one_of(
    st.sampled_from(TRICKY), st.text(st.characters(max_codepoint=255), max_size=40)
).map(lambda value: value.encode("utf-8").decode("latin-1"))  # as a server decodes headers


def _header_names() -> list[str]:
    names: set[str] = set()
    for operation in OPERATIONS:
        plan = default_parser()._plan(operation)
        names.update(plan.headers)
    names.update(
        [
            "authorization",
            "x-amz-date",
            "date",
            "x-amz-content-sha256",
            "x-amz-decoded-content-length",
            "content-encoding",
            "x-amz-trailer",
            "content-md5",
            "x-amz-checksum-crc32",
            "x-amz-checksum-sha256",
            "x-amz-sdk-checksum-algorithm",
            "host",
            "transfer-encoding",
        ]
    )
    return sorted(names)


HEADER_NAMES = _header_names()
headers = st.dictionaries(
    st.one_of(st.sampled_from(HEADER_NAMES), st.text(string.ascii_lowercase + "-", max_size=12)),
    latin1,
    max_size=8,
)
QUERY_NAMES = sorted(
    {"uploads", "uploadId", "partNumber", "versionId", "max-keys", "list-type", "tagging"}
    | {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires"}
    | {"X-Amz-SignedHeaders", "X-Amz-Signature", "AWSAccessKeyId", "Signature", "Expires"}
    | {"response-expires", "max-parts", "max-uploads", "part-number-marker", "delete"}
)
query_dicts = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=8)), text, max_size=6
)


def query_string(query: dict[str, str]) -> str:
    from urllib.parse import quote

    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query.items())


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


# -- signatures --------------------------------------------------------------------------------

authorization = st.one_of(
    latin1,
    st.builds(
        lambda key, day, region, service, signed, signature: (
            f"AWS4-HMAC-SHA256 Credential={key}/{day}/{region}/{service}/aws4_request, "
            f"SignedHeaders={signed}, Signature={signature}"
        ),
        st.sampled_from(["test", "test", "nobody"]),  # mostly the known key: checks run
        st.sampled_from([DAY, DAY, "2020"]),
        st.sampled_from(["us-east-1", "us-east-1", "é"]),
        st.sampled_from(["s3", "s3express", "ec2"]),
        st.sampled_from(["host;x-amz-content-sha256;x-amz-date", "host", ""]),
        latin1,
    ),
    st.builds(lambda key, sig: f"AWS {key}:{sig}", st.sampled_from(["test", "x", ""]), latin1),
    st.sampled_from(["AWS4-ECDSA-P256-SHA256 x", "Bearer x", "AWS4-HMAC-SHA256 "]),
)
presigned = st.fixed_dictionaries(
    {},
    optional={
        "X-Amz-Algorithm": st.sampled_from(["AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", "x"]),
        "X-Amz-Credential": st.sampled_from([f"test/{DAY}/us-east-1/s3/aws4_request", "test"]),
        "X-Amz-Date": st.sampled_from([AMZ_DATE, "2026", "99991231T235959Z"]),
        "X-Amz-Expires": st.sampled_from(NUMBERS),
        "X-Amz-SignedHeaders": st.sampled_from(["host", "", "host;x-amz-date"]),
        "X-Amz-Signature": text,
        "AWSAccessKeyId": st.sampled_from(["test", "x"]),
        "Signature": text,
        "Expires": st.sampled_from([*NUMBERS, str(int(NOW) + 60)]),
    },
)


@fuzz
@given(
    mode=st.sampled_from([LENIENT, STRICT]),
    method=st.sampled_from(["GET", "PUT"]),
    path=st.text(max_size=30).map(lambda t: "/bucket/" + t),
    auth=st.one_of(st.none(), authorization),
    query=presigned,
    request_headers=headers,
    amz_date=st.sampled_from([AMZ_DATE, AMZ_DATE, "garbage", None]),
    date=st.sampled_from([HTTP_NOW, "garbage", None]),
    clean=st.booleans(),
)
def test_signature_parsing_and_checking(
    mode: str,
    method: str,
    path: str,
    auth: str | None,
    query: dict[str, str],
    request_headers: dict[str, str],
    amz_date: str | None,
    date: str | None,
    clean: bool,
) -> None:
    authenticator = Authenticator(mode, Accounts(), lambda: NOW)
    request_headers = dict(request_headers)
    if clean:  # no unsigned x-amz-* headers, so the checks go on to the signature itself
        request_headers = {
            k: v for k, v in request_headers.items() if k[:6] not in ("x-amz-", "host")
        }
    if auth is not None:
        request_headers["authorization"] = auth
    if amz_date is not None:
        request_headers["x-amz-date"] = amz_date
    if date is not None:
        request_headers["date"] = date
    if auth is not None:
        request_headers.setdefault("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
    only_s3_errors(
        lambda: authenticator.authenticate(
            method, path, query_string(query), request_headers, lambda: "us-east-1", None
        )
    )


@fuzz
@given(
    signature=st.one_of(latin1, st.text(max_size=80)),
    form=st.sampled_from(["v4-header", "v4-query", "v2-header", "v2-query", "chunk", "policy"]),
)
def test_any_signature_text_is_compared_not_crashed_on(signature: str, form: str) -> None:
    """Everything valid but the signature, so the comparison itself meets the client's text."""
    from urllib.parse import quote

    from fakes3.auth import sigv4

    authenticator = Authenticator(STRICT, Accounts(), lambda: NOW)
    headers = {"host": "localhost", "x-amz-date": AMZ_DATE, "date": HTTP_NOW}
    query = ""
    if form == "v4-header":
        headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential=test/{DAY}/us-east-1/s3/aws4_request, "
            f"SignedHeaders=date;host;x-amz-content-sha256;x-amz-date, Signature={signature}"
        )
    elif form == "v4-query":
        del headers["x-amz-date"]
        query = (
            f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F{DAY}%2Fus-east-1%2Fs3"
            f"%2Faws4_request&X-Amz-Date={AMZ_DATE}&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
            f"&X-Amz-Signature={quote(signature, safe='')}"
        )
    elif form == "v2-header":
        headers["authorization"] = f"AWS test:{signature}"
    elif form == "v2-query":
        del headers["x-amz-date"]
        query = f"AWSAccessKeyId=test&Expires={int(NOW) + 60}&Signature={quote(signature)}"

    def run() -> None:
        if form == "chunk":
            signed = sigv4.SignedRequest(
                sigv4.parse_credential(f"test/{DAY}/us-east-1/s3/aws4_request", False),
                AMZ_DATE,
                ("host",),
                "0" * 64,
                "",
                presigned=False,
            )
            sigv4.ChunkSigner(b"k" * 32, signed).on_chunk(b"d" * 32, signature)
            return
        if form == "policy":
            for fields in (
                {"awsaccesskeyid": "test", "signature": signature},
                {
                    "x-amz-algorithm": "AWS4-HMAC-SHA256",
                    "x-amz-credential": f"test/{DAY}/us-east-1/s3/aws4_request",
                    "x-amz-date": AMZ_DATE,
                    "x-amz-signature": signature,
                },
            ):
                only_s3_errors(
                    lambda fields=fields: policy_signature(fields).verify("test", "cG9saWN5")  # type: ignore[union-attr]
                )
            return
        authenticator.authenticate("GET", "/bucket/key", query, headers, lambda: None, None)

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


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
policy_document = st.one_of(
    json_value,
    st.fixed_dictionaries(
        {
            "expiration": st.one_of(st.sampled_from(TRICKY), st.text(max_size=30)),
            "conditions": st.lists(
                st.one_of(
                    json_value,
                    st.lists(
                        st.one_of(
                            st.sampled_from(["eq", "starts-with", "$key", "content-length-range"]),
                            json_value,
                        ),
                        min_size=1,
                        max_size=4,
                    ),
                ),
                max_size=5,
            ),
        }
    ),
)


@fuzz
@given(
    document=policy_document,
    fields=st.dictionaries(
        st.sampled_from(
            [
                "key",
                "bucket",
                "policy",
                "awsaccesskeyid",
                "signature",
                "x-amz-signature",
                "x-amz-credential",
                "x-amz-algorithm",
                "x-amz-date",
                "content-type",
            ]
        ),
        text,
        max_size=6,
    ),
    raw=st.one_of(st.none(), st.binary(max_size=40)),
)
def test_post_policy(document: Any, fields: dict[str, str], raw: bytes | None) -> None:
    text_form = base64.b64encode(raw if raw is not None else json.dumps(document).encode())

    def run() -> None:
        signature = policy_signature(fields)
        policy = Policy.decode(text_form.decode())
        policy.check_time(NOW)
        policy.check_fields(fields)
        policy.check_length(10, True)
        if signature is not None:
            signature.check_region("us-east-1")
            signature.verify("secret", text_form.decode())

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
        check_read_conditions(params, record)  # type: ignore[arg-type]
        if "Range" in params:
            parse_range(params["Range"], size)

    only_s3_errors(run)


@fuzz
@given(value=latin1, when=st.datetimes(timezones=st.timezones()) | st.datetimes())
def test_http_dates_never_raise(value: str, when: datetime) -> None:
    parsed = parse_http_date(value)
    assert parsed is None or parsed.tzinfo is not None
    assert http_date(when).endswith(" GMT")
