"""A null S3 app: valid answers boto3 accepts, computed once, so only the server costs time.

It is the floor the main benchmark (``benchmarks/bench.py``) measures fakes3 against: whatever
fakes3 adds on top of this app's request rate is the price of S3 semantics.  Every answer is
precomputed at import; per request the app only drains the body and picks one.  Path-style
(``/bucket/key``) and virtual-host (``bucket.localhost``) addressing are both understood.

The answers have the shape fakes3's have, so a client does the same work for both: the same
headers (checksum headers on GET, so boto3 validates the body as it does against fakes3;
request ids, ``Date`` and ``Server`` on every response) and listings of the same size.

- ``ListObjectsV2`` of a bucket whose name starts with ``LISTED`` (``listed-``) pages through
  ``LIST_KEYS`` (10,000 keys, 1,000 a page, so a full listing takes 10 requests, as it does
  against fakes3 holding those keys); continuation tokens are the last key, base64url-encoded,
  as fakes3 makes them.  With a ``delimiter`` it answers one page of the 1,000 common prefixes
  ``p0000/`` … ``p0999/``.  Any other bucket lists one key, ``key``.
- ``DeleteObjects`` of exactly ``DELETE_KEYS`` (counted, not parsed) answers each of them
  deleted; any other batch gets a one-key answer.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

__all__ = [
    "DELETE_KEYS",
    "LISTED",
    "LIST_KEYS",
    "LIST_PAGE",
    "OBJECT_BODY",
    "PREFIXES",
    "bench_key",
    "null_app",
]

StartResponse = Callable[..., Any]
Headers = list[tuple[str, str]]
Answer = tuple[Headers, list[bytes]]

_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_DATE_HTTP = "Mon, 01 Jan 2024 00:00:00 GMT"
_DATE_ISO = "2024-01-01T00:00:00.000Z"
_ETAG = '"0f343b0931126a20f133d67c2b018a3b"'  # MD5 of 1 KiB of zero bytes

OBJECT_BODY = b"\0" * 1024
"""What every GetObject answers: 1 KiB, like the benchmark's PUTs."""
_CRC32 = base64.b64encode(zlib.crc32(OBJECT_BODY).to_bytes(4, "big")).decode()

LISTED = "listed-"
"""Buckets named ``listed-…`` list ``LIST_KEYS``; others list the one key ``key``."""
PREFIXES = 1000
"""How many common prefixes (``p0000/`` … ``p0999/``) the benchmark's listing buckets have."""
LIST_PAGE = 1000
"""Keys per ListObjectsV2 page (S3's default and maximum)."""


def bench_key(prefix: int, n: int) -> str:
    """The benchmark's listing keys: ``p0042/k007`` is key 7 under common prefix 42."""
    return f"p{prefix:04d}/k{n:03d}"


LIST_KEYS: tuple[str, ...] = tuple(bench_key(p, n) for p in range(PREFIXES) for n in range(10))
"""The 10,000 keys the null app lists, in order: 10 under each of the 1,000 prefixes."""
DELETE_KEYS: tuple[str, ...] = tuple(f"del/{i:05d}" for i in range(1000))
"""The 1,000 keys of the benchmark's DeleteObjects batch."""

# Every fakes3 response carries these four; the null app sends fixed ones.
_COMMON: Headers = [
    ("x-amz-request-id", "0123456789ABCDEF"),
    ("x-amz-id-2", base64.b64encode(bytes(48)).decode()),
    ("Date", _DATE_HTTP),
    ("Server", "AmazonS3"),
]


def _xml(body: str) -> Answer:
    data = (_XML + body).encode()
    headers = [("Content-Type", "application/xml"), *_COMMON, ("Content-Length", str(len(data)))]
    return headers, [data]


def _contents(key: str) -> str:
    return (
        f"<Contents><Key>{key}</Key><LastModified>{_DATE_ISO}</LastModified>"
        f"<ETag>&quot;{_ETAG[1:-1]}&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
        f"<ChecksumType>FULL_OBJECT</ChecksumType><Size>{len(OBJECT_BODY)}</Size>"
        "<StorageClass>STANDARD</StorageClass></Contents>"
    )


def _token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _list_page(
    keys: Iterable[str], prefixes: Iterable[str], token: str | None, delim: str
) -> Answer:
    items = "".join(_contents(key) for key in keys)
    items += "".join(f"<CommonPrefixes><Prefix>{p}</Prefix></CommonPrefixes>" for p in prefixes)
    count = items.count("<Contents>") + items.count("<CommonPrefixes>")
    truncated = "true" if token else "false"
    return _xml(
        f'<ListBucketResult xmlns="{_NS}"><IsTruncated>{truncated}</IsTruncated>{items}'
        "<Name>null</Name><Prefix></Prefix>"
        + (f"<Delimiter>{delim}</Delimiter>" if delim else "")
        + f"<MaxKeys>{LIST_PAGE}</MaxKeys><EncodingType>url</EncodingType>"
        f"<KeyCount>{count}</KeyCount>"
        + (f"<NextContinuationToken>{token}</NextContinuationToken>" if token else "")
        + "</ListBucketResult>"
    )


def _list_pages() -> tuple[Answer, dict[str, Answer]]:
    """The first page, and every later page by the continuation token that asks for it."""
    pages: dict[str, Answer] = {}
    asked_by = ""  # the first page is asked for without a token
    for start in range(0, len(LIST_KEYS), LIST_PAGE):
        keys = LIST_KEYS[start : start + LIST_PAGE]
        token = _token(keys[-1])
        more = start + LIST_PAGE < len(LIST_KEYS)
        pages[asked_by] = _list_page(keys, (), token if more else None, "")
        asked_by = token
    return pages.pop(""), pages


_LIST_V2_FIRST, _LIST_V2_NEXT = _list_pages()
_LIST_V2_LAST = _list_page((), (), None, "")  # an unknown token: an empty last page
_LIST_V2_DELIMITED = _list_page((), (f"p{p:04d}/" for p in range(PREFIXES)), None, "/")
_LIST_V2 = _xml(  # any other bucket GET (ListObjects v1 …): a one-key listing
    f'<ListBucketResult xmlns="{_NS}"><Name>null</Name><Prefix></Prefix>'
    "<KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
    f"<Contents><Key>key</Key><LastModified>{_DATE_ISO}</LastModified>"
    f"<ETag>&quot;{_ETAG[1:-1]}&quot;</ETag><Size>{len(OBJECT_BODY)}</Size>"
    "<StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>"
)
_LIST_BUCKETS = _xml(
    f'<ListAllMyBucketsResult xmlns="{_NS}"><Owner><ID>null</ID></Owner>'
    f"<Buckets><Bucket><Name>null</Name><CreationDate>{_DATE_ISO}</CreationDate>"
    "</Bucket></Buckets></ListAllMyBucketsResult>"
)
_DELETE_RESULT = _xml(
    f'<DeleteResult xmlns="{_NS}"><Deleted><Key>key</Key></Deleted></DeleteResult>'
)
_DELETE_BATCH = _xml(
    f'<DeleteResult xmlns="{_NS}">'
    + "".join(f"<Deleted><Key>{key}</Key></Deleted>" for key in DELETE_KEYS)
    + "</DeleteResult>"
)
_COPY_RESULT = _xml(
    f'<CopyObjectResult xmlns="{_NS}"><ETag>&quot;{_ETAG[1:-1]}&quot;</ETag>'
    f"<LastModified>{_DATE_ISO}</LastModified></CopyObjectResult>"
)
_PUT: Headers = [
    ("ETag", _ETAG),
    ("x-amz-checksum-crc32", _CRC32),
    ("x-amz-checksum-type", "FULL_OBJECT"),
    ("x-amz-object-size", str(len(OBJECT_BODY))),
    *_COMMON,
    ("Content-Length", "0"),
]
_CREATE_BUCKET: Headers = [("Location", "/null"), *_COMMON, ("Content-Length", "0")]
_OBJECT_HEADERS: Headers = [
    ("Accept-Ranges", "bytes"),
    ("Last-Modified", _DATE_HTTP),
    ("Content-Length", str(len(OBJECT_BODY))),
    ("ETag", _ETAG),
    ("Content-Type", "binary/octet-stream"),
    *_COMMON,
]
_GET_HEADERS: Headers = [
    *_OBJECT_HEADERS[:4],
    ("x-amz-checksum-crc32", _CRC32),
    ("x-amz-checksum-type", "FULL_OBJECT"),
    *_OBJECT_HEADERS[4:],
]
_GET_BODY = [OBJECT_BODY]
_EMPTY: list[bytes] = []
_NO_CONTENT: Headers = [*_COMMON, ("Content-Length", "0")]


def _drain(environ: dict[str, Any]) -> bytes:
    """Read the request body to its end, as a real app must for keep-alive to work.

    Returns the body's first 64 KiB or so (all the app ever looks at).
    """
    length = environ.get("CONTENT_LENGTH")
    chunked = environ.get("wsgi.input_terminated") or "chunked" in environ.get(
        "HTTP_TRANSFER_ENCODING", ""
    )
    if not chunked and (not length or length == "0"):
        return b""
    read = environ["wsgi.input"].read
    head: list[bytes] = []
    kept = 0
    remaining = -1 if chunked else int(str(length))
    while remaining:
        data = read(65536 if remaining < 0 else min(remaining, 65536))
        if not data:
            break
        if kept < 65536:
            head.append(data)
            kept += len(data)
        if remaining > 0:
            remaining -= len(data)
    return b"".join(head)


def _has_key(environ: dict[str, Any]) -> bool:
    """True for an object request; tells ``/bucket/key`` from ``/bucket`` (or vhost ``/key``)."""
    path: str = environ.get("PATH_INFO", "/")
    host: str = environ.get("HTTP_HOST", "")
    if host.partition(":")[0].endswith(".localhost"):
        return len(path) > 1
    slash = path.find("/", 1)
    return slash != -1 and slash + 1 < len(path)


def _bucket(environ: dict[str, Any]) -> str:
    host: str = environ.get("HTTP_HOST", "").partition(":")[0]
    if host.endswith(".localhost"):
        return host[: -len(".localhost")]
    return str(environ.get("PATH_INFO", "/")).strip("/").partition("/")[0]


def _list_v2(query: str) -> Answer:
    """The canned ListObjectsV2 page a query string asks for."""
    if "delimiter=" in query:
        return _LIST_V2_DELIMITED
    at = query.find("continuation-token=")
    if at < 0:
        return _LIST_V2_FIRST
    token = unquote(query[at + 19 :].partition("&")[0])
    return _LIST_V2_NEXT.get(token, _LIST_V2_LAST)


def null_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Answer one S3 request with a canned, valid response."""
    method = environ["REQUEST_METHOD"]
    if method == "PUT":
        _drain(environ)
        if "HTTP_X_AMZ_COPY_SOURCE" in environ:
            headers, body = _COPY_RESULT
            start_response("200 OK", headers)
            return body
        start_response("200 OK", _PUT if _has_key(environ) else _CREATE_BUCKET)
        return _EMPTY
    if method == "GET":
        if _has_key(environ):
            start_response("200 OK", _GET_HEADERS)
            return _GET_BODY
        query: str = environ.get("QUERY_STRING", "")
        if environ.get("PATH_INFO", "/") == "/":
            headers, body = _LIST_BUCKETS
        elif "list-type=2" in query and _bucket(environ).startswith(LISTED):
            headers, body = _list_v2(query)
        else:
            headers, body = _LIST_V2
        start_response("200 OK", headers)
        return body
    if method == "HEAD":
        start_response("200 OK", _OBJECT_HEADERS)
        return _EMPTY
    if method == "DELETE":
        start_response("204 No Content", _NO_CONTENT)
        return _EMPTY
    head = _drain(environ)
    if method == "POST" and "delete" in environ.get("QUERY_STRING", ""):
        batch = head.count(b"<Object>") == len(DELETE_KEYS) and b"<Key>del/00000</Key>" in head
        headers, body = _DELETE_BATCH if batch else _DELETE_RESULT
        start_response("200 OK", headers)
        return body
    start_response("405 Method Not Allowed", [("Content-Length", "0")])
    return _EMPTY
