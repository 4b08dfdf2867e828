"""A null S3 app for large objects: the floor ``benchmarks/large.py`` measures fakes3 against.

It drains every upload (single PUT or multipart part) at once and answers what boto3's managed
transfers need — CreateMultipartUpload, UploadPart, CompleteMultipartUpload, HEAD, and GET with
or without a ``Range`` — serving ``size`` zero bytes for every object. Nothing is stored, so the
numbers are what the server, the socket and the client cost on their own. A whole-object GET
carries the body's CRC32, as fakes3's does for an object boto3 uploaded, so the client verifies
the same bytes against both.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

StartResponse = Callable[..., Any]
_CHUNK = 256 * 1024
_ZEROS = bytes(_CHUNK)
_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
_COMMON = [("x-amz-request-id", "0123456789ABCDEF"), ("Server", "AmazonS3")]
_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"'


def _drain(environ: dict[str, Any]) -> None:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    read = environ["wsgi.input"].read
    while length > 0:
        data = read(min(length, 1 << 20))
        if not data:
            return
        length -= len(data)


def _zeros(count: int) -> Iterator[bytes]:
    while count > 0:
        piece = _ZEROS if count >= _CHUNK else _ZEROS[:count]
        count -= len(piece)
        yield piece


def _xml(start_response: StartResponse, body: str) -> list[bytes]:
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()
    headers = [*_COMMON, ("Content-Type", "application/xml"), ("Content-Length", str(len(data)))]
    start_response("200 OK", headers)
    return [data]


def large_null_app(size: int) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """A WSGI app whose every object is ``size`` zero bytes."""
    crc = 0
    for piece in _zeros(size):
        crc = zlib.crc32(piece, crc)
    checksum = [
        ("x-amz-checksum-crc32", base64.b64encode(crc.to_bytes(4, "big")).decode()),
        ("x-amz-checksum-type", "FULL_OBJECT"),
    ]

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, query = environ["REQUEST_METHOD"], environ.get("QUERY_STRING", "")
        _drain(environ)
        if method == "POST" and query.startswith("uploads"):
            return _xml(
                start_response,
                "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                "<UploadId>null-upload</UploadId></InitiateMultipartUploadResult>",
            )
        if method == "POST":
            return _xml(
                start_response,
                "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                f"<ETag>{_ETAG}</ETag></CompleteMultipartUploadResult>",
            )
        if method in ("GET", "HEAD"):
            first, last = 0, size - 1
            status = "200 OK"
            match = _RANGE.fullmatch(environ.get("HTTP_RANGE", ""))
            if match:
                first = int(match[1])
                last = min(int(match[2]) if match[2] else size - 1, size - 1)
                status = "206 Partial Content"
            headers = [*_COMMON, ("ETag", _ETAG), ("Content-Length", str(last - first + 1))]
            if match:
                headers.append(("Content-Range", f"bytes {first}-{last}/{size}"))
            elif environ.get("HTTP_X_AMZ_CHECKSUM_MODE") == "ENABLED":
                headers.extend(checksum)
            start_response(status, headers)
            return [] if method == "HEAD" else _zeros(last - first + 1)
        start_response("200 OK", [*_COMMON, ("ETag", _ETAG), ("Content-Length", "0")])
        return []

    return app
