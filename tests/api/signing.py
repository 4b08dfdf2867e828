"""Hand-built signed requests for the auth tests: botocore signs, the test then breaks it.

Chunk signatures (which botocore never sends) are computed here from the SigV4 streaming
spec with ``hmac``, independently of fakes3's own signer.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class _FixedPayload(S3SigV4Auth):
    """botocore's S3 signer with the payload hash we choose (e.g. a STREAMING-* mode)."""

    def __init__(self, credentials: Credentials, region: str, payload: str | None) -> None:
        super().__init__(credentials, "s3", region)
        self._payload = payload

    def payload(self, request: Any) -> str:
        if self._payload is not None:
            return self._payload
        return str(super().payload(request))


def sign(
    method: str,
    url: str,
    *,
    key: str = "test",
    secret: str = "test",
    region: str = "us-east-1",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    payload: str | None = None,
) -> dict[str, str]:
    """The headers botocore would send for this request, Authorization included."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    _FixedPayload(Credentials(key, secret), region, payload).add_auth(request)
    return dict(request.headers.items())


def send(
    session: requests.Session, method: str, url: str, headers: dict[str, str], body: bytes = b""
) -> requests.Response:
    return session.request(method, url, headers=headers, data=body, timeout=30)


def signing_key(secret: str, date: str, region: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def seed_of(headers: dict[str, str]) -> tuple[str, str, str]:
    """(seed signature, amz date, scope) of a signed request's headers."""
    authorization = headers["Authorization"]
    seed = authorization.rpartition("Signature=")[2]
    credential = authorization.partition("Credential=")[2].partition(",")[0]
    scope = credential.partition("/")[2]
    return seed, headers["X-Amz-Date"], scope


def chunked_length(data: bytes, chunk_size: int, trailer: tuple[str, str] | None) -> int:
    """The Content-Length of ``chunked_body`` (signatures are always 64 hex digits)."""
    fake = {
        "Authorization": "Credential=a/20250101/us-east-1/s3/aws4_request, Signature=" + "0" * 64,
        "X-Amz-Date": "20250101T000000Z",
    }
    return len(chunked_body(data, chunk_size, fake, trailer=trailer))


def chunked_body(
    data: bytes,
    chunk_size: int,
    headers: dict[str, str],
    secret: str = "test",
    trailer: tuple[str, str] | None = None,
    corrupt_chunk: int | None = None,
) -> bytes:
    """An aws-chunked body with chained chunk signatures (and a signed trailer if given);
    ``corrupt_chunk`` (0-based) gets a wrong signature."""
    seed, amz_date, scope = seed_of(headers)
    date, region = scope.split("/")[0:2]
    key = signing_key(secret, date, region)
    previous = seed
    pieces = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    out = []
    for index, piece in enumerate(pieces):
        to_sign = "\n".join(
            (
                "AWS4-HMAC-SHA256-PAYLOAD",
                amz_date,
                scope,
                previous,
                EMPTY_SHA256,
                hashlib.sha256(piece).hexdigest(),
            )
        )
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        previous = signature
        if index == corrupt_chunk:
            signature = "0" * 64
        out.append(f"{len(piece):x};chunk-signature={signature}\r\n".encode() + piece)
        out.append(b"\r\n" if piece else b"")
    if trailer is None:
        out.append(b"\r\n")
        return b"".join(out)
    name, value = trailer
    text = f"{name}:{value}\n"
    to_sign = "\n".join(
        (
            "AWS4-HMAC-SHA256-TRAILER",
            amz_date,
            scope,
            previous,
            hashlib.sha256(text.encode()).hexdigest(),
        )
    )
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out.append(f"{name}:{value}\r\nx-amz-trailer-signature:{signature}\r\n\r\n".encode())
    return b"".join(out)
