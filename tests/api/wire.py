"""Exact bytes over a socket, for requests no HTTP client library would send.

``exchange`` sends one request with ``Connection: close`` semantics and reads the whole
answer; ``Reply`` splits it. ``sigv4_authorization`` builds a syntactically valid SigV4 header
for the default account ``test`` with any signature text, so the server gets as far as
comparing signatures.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from botocore.client import BaseClient

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@dataclass
class Reply:
    status: int  # 0: the server closed or reset the connection without an answer
    headers: dict[str, str]
    body: bytes
    raw: bytes

    @property
    def code(self) -> str | None:
        """The S3 error code of an XML error body."""
        # Not an XML parser: S3 writes control characters (a key's NUL) as &#x0;, which
        # XML 1.0 parsers refuse.
        found = re.search(rb"<Error>\s*<Code>([^<]*)</Code>", self.body)
        return found[1].decode() if found else None


def exchange(endpoint: str, request: bytes, timeout: float = 10, cut: bool = False) -> Reply:
    """Send ``request`` as is; read until the server closes (send ``Connection: close``).

    ``cut``: close our side after sending, so a body shorter than announced ends there."""
    parts = urlsplit(endpoint)
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
        except OSError:
            pass  # the server may answer and close before reading everything
        if cut:
            sock.shutdown(socket.SHUT_WR)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return parse_reply(received)


def parse_reply(received: bytes) -> Reply:
    if not received:
        return Reply(0, {}, b"", b"")
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body, received)


def request(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    """A request's bytes: header values are sent as UTF-8 (non-ASCII on purpose)."""
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost", *(f"{n}: {v}" for n, v in headers)]
    if not any(n.lower() == "connection" for n, _ in headers):
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def amz_now() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def sigv4_authorization(signature: str, amz_date: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=test/{amz_date[:8]}/us-east-1/s3/aws4_request, "
        f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}"
    )


def snapshot(s3: BaseClient, bucket: str | None = None) -> tuple[object, ...]:
    """Buckets, and a bucket's keys with their ETags and sizes: to show nothing changed."""
    buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    if bucket is None:
        return (buckets,)
    listed = s3.list_object_versions(Bucket=bucket)
    versions = sorted(
        (v["Key"], v.get("VersionId"), v["ETag"], v["Size"]) for v in listed.get("Versions", [])
    )
    markers = sorted((m["Key"], m.get("VersionId")) for m in listed.get("DeleteMarkers", []))
    return buckets, versions, markers
