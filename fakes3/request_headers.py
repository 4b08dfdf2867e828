"""Request headers as the client sent them, for the cheroot server in fakes3/server.py.

cheroot keeps a dict of header names to values: a repeated header keeps only its last value
(or, for comma-list headers, the values joined with ``, ``), so a repeated ``Content-Length``
goes unnoticed and a signed repeated header fails SigV4 verification. Here cheroot's header
reader also keeps the raw lines, from which fakes3 builds its header map and finds the
framing RFC 9112 forbids (section 6): two ``Content-Length`` or ``Host`` headers (or no Host
in HTTP/1.1, section 3.2), ``Content-Length`` with ``Transfer-Encoding``, ``chunked`` twice,
and a field name that is not a token or has whitespace before its colon (RFC 9110 5.1, RFC
9112 5.1: cheroot would strip the space and mangle non-ASCII names into stored metadata). A
``Content-Length`` that is not digits and an unknown transfer coding are taken out of cheroot's
hands, so the app answers them as S3 does (``BadRequest``, ``NotImplemented``) rather than
cheroot's bare text; what cheroot still answers itself (a request line or header block it
cannot read, ``HTTP/2.0``, a client stalling mid-headers) is S3's error document too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from cheroot import server as cheroot_server

from fakes3.errors import (
    PARSE_FAILED,
    BadRequest,
    HttpVersionNotSupported,
    MethodNotAllowed,
    RequestHeaderSectionTooLarge,
    RequestTimeout,
    S3Error,
)
from fakes3.protocol.dates import http_date
from fakes3.protocol.field_names import HEADER_SECTION_MAX, TCHARS
from fakes3.protocol.request_ids import new_request_ids

__all__ = ["SERVER_HEADER_LIMIT", "Connection", "add_headers", "request_headers"]

# What cheroot reads of a request line and headers at most: past S3's 8 KB the app refuses
# the request anyway, and a hostile client cannot make the server hold an endless line.
SERVER_HEADER_LIMIT = 1 << 20


# Header lines as RFC 9110 5.1 and RFC 9112 5 allow them: a token, its colon with nothing
# between, the value; or a folded continuation; then the blank line. One match over them all.
_HEADER_LINES = re.compile(rb"(?:(?:[" + TCHARS.encode("ascii") + rb"]+:|[ \t])[^\n]*\n)*\r?\n")


def _bad_field_name(lines: list[bytes]) -> bool:
    """True if a header line (not a folded continuation) does not start with a token and colon."""
    return _HEADER_LINES.fullmatch(b"".join(lines)) is None


class _Tap:
    """The request's input as cheroot's header reader sees it, keeping each line it reads."""

    def __init__(self, rfile: Any, lines: list[bytes]) -> None:
        self._rfile = rfile
        self._lines = lines

    def readline(self, *args: Any) -> bytes:
        line: bytes = self._rfile.readline(*args)
        if not self._lines and line[:1] in (b" ", b"\t"):
            # a continuation of no header: cheroot's reader would fail on it (a bare 500);
            # RFC 9112 5.2 asks for a 400, which its ValueError becomes
            raise ValueError("Illegal continuation line.")
        self._lines.append(line)
        return line


class _TappedHeaderReader(cheroot_server.HeaderReader):
    """cheroot's header reader (its checks kept), noting the raw lines: cheroot's dict keeps
    only the last of repeated headers, and HTTP framing must see them all."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines
        self.unknown_coding: bytes | None = None
        self.bad_length: bytes | None = None
        self.bad_name = False
        self.expects_continue = False

    def __call__(self, rfile: Any, hdict: Any = None) -> Any:
        hdict = super().__call__(_Tap(rfile, self.lines), hdict)
        self.bad_name = _bad_field_name(self.lines)
        length = hdict.get(b"Content-Length")
        if length is not None and not (length.isdigit() and len(length) <= 4000):
            # cheroot would answer a bare 400 (or take "+5"); the app answers S3's BadRequest.
            self.bad_length = length
            del hdict[b"Content-Length"]
        coding = hdict.get(b"Transfer-Encoding")
        if coding and any(part.strip().lower() != b"chunked" for part in coding.split(b",")):
            # cheroot would answer a bare 501 itself; the app answers S3's NotImplemented.
            self.unknown_coding = coding
            del hdict[b"Transfer-Encoding"]
        elif coding and coding != b"chunked" and coding.strip().lower() == b"chunked":
            # coding names are case-insensitive (RFC 9112 7); cheroot knows only "chunked"
            hdict[b"Transfer-Encoding"] = b"chunked"
        if hdict.get(b"Expect", b"").lower() == b"100-continue":
            # cheroot would send "100 Continue" at once; fakes3/server.py sends it when the
            # app first reads the body, so a request refused before that is answered alone.
            self.expects_continue = True
            del hdict[b"Expect"]
        return hdict


# cheroot's own plain-text answers, to what never reaches the app (a request line or header
# block it cannot read or that passes SERVER_HEADER_LIMIT, a client that stalls in the middle
# of them), and the S3 error sent instead.
_S3_ANSWERS: dict[str, Callable[[], S3Error]] = {
    "400": lambda: BadRequest(PARSE_FAILED),
    "405": MethodNotAllowed,
    "408": RequestTimeout,
    "413": lambda: RequestHeaderSectionTooLarge(MaxSizeAllowed=HEADER_SECTION_MAX),
    "414": lambda: RequestHeaderSectionTooLarge(MaxSizeAllowed=HEADER_SECTION_MAX),
    "505": HttpVersionNotSupported,
}


def _error_document(protocol: str, error: S3Error) -> bytes:
    """A whole S3 error answer, request ids included, that closes the connection."""
    request_id, host_id = new_request_ids()
    fields = "".join(f"<{name}>{value}</{name}>" for name, value in error.fields.items())
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{error.code}</Code>'
        f"<Message>{error.text}</Message>{fields}"
        f"<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>"
    ).encode("ascii")
    head = (
        f"{protocol} {error.status} {HTTPStatus(error.status).phrase}\r\n"
        f"Content-Type: application/xml\r\n"
        f"x-amz-request-id: {request_id}\r\nx-amz-id-2: {host_id}\r\n"
        f"Date: {http_date(time.time())}\r\nServer: AmazonS3\r\nConnection: close\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


class _Request(cheroot_server.HTTPRequest):
    raw_header_lines: list[bytes] = []
    unknown_coding: bytes | None = None
    bad_length: bytes | None = None
    bad_name = False
    expects_continue = False

    def __init__(self, server: Any, conn: Any, proxy_mode: bool = False, strict_mode: bool = True):
        # A request-target in absolute form (GET http://host/key) is taken, as RFC 9112 3.2.2
        # asks of every server and as S3 answers it (Swift's s3api tests, written against
        # AWS; botocore sends it with proxy_use_forwarding_for_https): cheroot only takes it
        # in proxy mode. fakes3 reads the path from it (protocol/addressing.raw_path_of).
        super().__init__(server, conn, proxy_mode=True, strict_mode=strict_mode)

    def read_request_line(self) -> bool:
        if not super().read_request_line():  # type: ignore[no-untyped-call]
            return False
        if self.method == b"CONNECT":  # proxy mode lets it through: fakes3 is no proxy
            self.simple_response("405 Method Not Allowed")
            return False
        return True

    def simple_response(self, status: Any, msg: Any = "") -> None:
        """S3's error document where cheroot would answer in plain text."""
        error = _S3_ANSWERS.get(str(status)[:3])
        if error is None:
            super().simple_response(status, msg)
            return
        self.close_connection = True
        try:
            self.conn.wfile.write(_error_document(self.server.protocol, error()))
        except OSError:
            pass  # the client has gone: nothing to answer

    def read_request_headers(self) -> bool:
        lines: list[bytes] = []
        self.raw_header_lines = lines
        reader = self.header_reader = _TappedHeaderReader(lines)
        ok = bool(super().read_request_headers())  # type: ignore[no-untyped-call]
        self.unknown_coding = reader.unknown_coding
        self.bad_length = reader.bad_length
        self.bad_name = reader.bad_name
        self.expects_continue = reader.expects_continue and self.response_protocol == "HTTP/1.1"
        return ok


class Connection(cheroot_server.HTTPConnection):
    """cheroot's connection, reading each request with the tapped header reader."""

    RequestHandlerClass = _Request


_SINGLE = (b"content-length", b"host")  # RFC 9112: a repeat makes the request invalid


def request_headers(
    lines: list[bytes], parsed: dict[bytes, bytes] | None = None
) -> tuple[dict[str, str], str | None]:
    """Lower-cased headers from the raw lines, repeated ones joined with ``,`` (as SigV4 signs
    them), and what makes the request's framing invalid (RFC 9112 6.3), if anything.

    ``parsed`` is cheroot's dict of the same lines: when it has one entry per line, nothing was
    repeated or folded, and it is taken as it is (the common case, kept cheap)."""
    if parsed is not None and len(parsed) + 1 == len(lines):
        simple = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in parsed.items()}
        return simple, _coding_problem(simple) if "transfer-encoding" in simple else None
    headers: dict[bytes, bytes] = {}
    problem = None
    name = b""
    for line in lines:
        if line[:1] in (b" ", b"\t"):  # obsolete line folding: RFC 9112 says replace by SP
            if name:
                headers[name] += b" " + line.strip()
            continue
        raw_name, colon, value = line.partition(b":")
        if not colon:
            continue  # the blank line that ends the headers
        name = raw_name.strip().lower()
        value = value.strip()
        if name in headers:
            if name in _SINGLE:
                problem = f"more than one {name.decode('latin-1')} header"
            headers[name] += b"," + value
        else:
            headers[name] = value
    decoded = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()}
    if "transfer-encoding" in decoded:
        problem = _coding_problem(decoded) or problem
    return decoded, problem


def _coding_problem(headers: dict[str, str]) -> str | None:
    """RFC 9112 6.1 and 6.3: chunked, once, and never beside a Content-Length."""
    if "content-length" in headers:
        return "both Content-Length and Transfer-Encoding"
    if [part.strip() for part in headers["transfer-encoding"].lower().split(",")] != ["chunked"]:
        return "a Transfer-Encoding other than chunked, once"
    return None


def add_headers(req: Any, environ: dict[str, Any]) -> None:
    """``fakes3.headers`` for the app, and ``fakes3.bad_framing`` (with
    ``fakes3.unknown_coding`` for a transfer coding other than chunked) when HTTP forbids the
    request; then the connection closes after the answer, since where the body ends is
    anyone's guess."""
    headers, problem = request_headers(req.raw_header_lines, req.inheaders)
    if req.response_protocol != "HTTP/1.1" and "transfer-encoding" in headers:
        problem = "Transfer-Encoding in HTTP/1.0"  # RFC 9112 6.1: the framing is faulty
    if "host" not in headers and req.request_protocol == b"HTTP/1.1":
        problem = problem or "no Host header"  # RFC 9112 3.2: a server MUST answer 400
    environ["fakes3.headers"] = headers
    if req.unknown_coding is not None:
        environ["fakes3.unknown_coding"] = req.unknown_coding.decode("latin-1")
        problem = problem or "an unknown Transfer-Encoding"
    if req.bad_length is not None:
        problem = problem or "a Content-Length that is not a number"
    if req.bad_name:
        problem = problem or "a header name that is not a token"
    lines = req.raw_header_lines
    section = sum(map(len, lines[:-1])) + len(environ.get("QUERY_STRING", ""))  # not the blank
    if section > HEADER_SECTION_MAX:  # S3 refuses it before anything else
        environ["fakes3.header_section"] = section
        problem = "a header section over 8 KB"
    if problem is not None:
        environ["fakes3.bad_framing"] = problem
        req.close_connection = True
