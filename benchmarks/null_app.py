"""A null S3 app: valid answers boto3 accepts, computed once, so only the server costs time.

It is the floor the main benchmark measures fakes3 against: whatever fakes3 adds on top of this
app's request rate is the price of S3 semantics.  Every answer is precomputed at import; per
request the app only drains the body and picks one.  Path-style (``/bucket/key``) and
virtual-host (``bucket.localhost``) addressing are both understood.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["null_app", "OBJECT_BODY"]

StartResponse = Callable[..., Any]

_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_DATE_HTTP = "Mon, 01 Jan 2024 00:00:00 GMT"
_DATE_ISO = "2024-01-01T00:00:00.000Z"
_ETAG = '"0f343b0931126a20f133d67c2b018a3b"'  # MD5 of 1 KiB of zero bytes

OBJECT_BODY = b"\0" * 1024
"""What every GetObject answers: 1 KiB, like the benchmark's PUTs."""


def _xml(body: str) -> tuple[list[tuple[str, str]], list[bytes]]:
    data = (_XML + body).encode()
    headers = [("Content-Type", "application/xml"), ("Content-Length", str(len(data)))]
    return headers, [data]


_LIST_V2 = _xml(
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
_COPY_RESULT = _xml(
    f'<CopyObjectResult xmlns="{_NS}"><ETag>&quot;{_ETAG[1:-1]}&quot;</ETag>'
    f"<LastModified>{_DATE_ISO}</LastModified></CopyObjectResult>"
)
_PUT = [("ETag", _ETAG), ("Content-Length", "0")]
_OBJECT_HEADERS = [
    ("Content-Type", "binary/octet-stream"),
    ("Content-Length", str(len(OBJECT_BODY))),
    ("ETag", _ETAG),
    ("Last-Modified", _DATE_HTTP),
    ("Accept-Ranges", "bytes"),
]
_GET_BODY = [OBJECT_BODY]
_EMPTY: list[bytes] = []
_NO_CONTENT: list[tuple[str, str]] = []


def _drain(environ: dict[str, Any]) -> None:
    """Read the request body to its end, as a real app must for keep-alive to work."""
    length = environ.get("CONTENT_LENGTH")
    chunked = environ.get("wsgi.input_terminated") or "chunked" in environ.get(
        "HTTP_TRANSFER_ENCODING", ""
    )
    if not chunked and (not length or length == "0"):
        return
    read = environ["wsgi.input"].read
    if chunked:
        while read(65536):
            pass
        return
    remaining = int(str(length))
    while remaining > 0:
        data = read(min(remaining, 65536))
        if not data:
            return
        remaining -= len(data)


def _has_key(environ: dict[str, Any]) -> bool:
    """True for an object request; tells ``/bucket/key`` from ``/bucket`` (or vhost ``/key``)."""
    path: str = environ.get("PATH_INFO", "/")
    host: str = environ.get("HTTP_HOST", "")
    if host.partition(":")[0].endswith(".localhost"):
        return len(path) > 1
    slash = path.find("/", 1)
    return slash != -1 and slash + 1 < len(path)


def null_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Answer one S3 request with a canned, valid response."""
    method = environ["REQUEST_METHOD"]
    if method == "PUT":
        _drain(environ)
        if "HTTP_X_AMZ_COPY_SOURCE" in environ:
            headers, body = _COPY_RESULT
            start_response("200 OK", headers)
            return body
        start_response("200 OK", _PUT)
        return _EMPTY
    if method == "GET":
        if _has_key(environ):
            start_response("200 OK", _OBJECT_HEADERS)
            return _GET_BODY
        headers, body = _LIST_BUCKETS if environ.get("PATH_INFO", "/") == "/" else _LIST_V2
        start_response("200 OK", headers)
        return body
    if method == "HEAD":
        start_response("200 OK", _OBJECT_HEADERS)
        return _EMPTY
    if method == "DELETE":
        start_response("204 No Content", _NO_CONTENT)
        return _EMPTY
    _drain(environ)
    if method == "POST" and "delete" in environ.get("QUERY_STRING", ""):
        headers, body = _DELETE_RESULT
        start_response("200 OK", headers)
        return body
    start_response("405 Method Not Allowed", [("Content-Length", "0")])
    return _EMPTY
