"""Helpers for the bad-input corpus (bad_input_bodies.py, bad_input_requests.py): the case
type, signatures and presigned queries whose dates are filled in when the case runs, and the
XML and aws-chunked bodies the cases send. The runner is test_bad_input_corpus.py.

Every case targets the bucket ``{b}`` (which holds ``existing``, 10 bytes) or names buckets
that must not come to exist. ``code`` None means an answer below 400 is right (S3 ignores the
bad part, e.g. an unreadable ``If-Modified-Since``).
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from urllib.parse import quote

BIG = "9" * 5000


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    target: str  # with {b} for the bucket
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    code: str | None = None
    status: int | None = None  # checked when given
    cut: bool = False  # the body stops short: our side closes after sending
    length: bool = True  # add a Content-Length for the body
    tags: tuple[str, ...] = field(default=())


def _md5(body: bytes) -> tuple[str, str]:
    import hashlib

    return ("Content-MD5", base64.b64encode(hashlib.md5(body).digest()).decode())


def _date() -> str:
    """Filled in when the case runs (``{date}``), so a long run never makes it stale."""
    return "{date}"


def now_fields() -> dict[str, str]:
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return {"date": date, "day": date[:8]}


def _v4(signature: str = "0" * 64, date: str | None = None, components: str | None = None) -> str:
    date = date or _date()
    if components is None:
        components = (
            "Credential=test/{day}/us-east-1/s3/aws4_request, "
            f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}"
        )
    return f"AWS4-HMAC-SHA256 {components}"


def _presigned(**overrides: str) -> str:
    date = _date()
    params = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "test/{day}/us-east-1/s3/aws4_request",
        "X-Amz-Date": date,
        "X-Amz-Expires": "300",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "0" * 64,
    }
    params.update(overrides)
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items() if v != "-")
    return query.replace("%7Bdate%7D", "{date}").replace("%7Bday%7D", "{day}")


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><Tagging><TagSet><Tag><Key>k</Key><Value>&lol9;</Value></Tag></TagSet></Tagging>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<Tagging><TagSet><Tag><Key>k</Key><Value>&e;</Value></Tag></TagSet></Tagging>"
)
TAGS = b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"
HUGE_XML = (
    b"<Tagging><TagSet>"
    + b"<Tag><Key>k</Key><Value>v</Value></Tag>" * 110000
    + b"</TagSet></Tagging>"
)
DELETE_CUT = b"<Delete><Object><Key>existing</Key></Object>"
UNSIGNED_TRAILER = ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
AWS_CHUNKED = ("Content-Encoding", "aws-chunked")


def _chunked(decoded: str, body: bytes, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (UNSIGNED_TRAILER, AWS_CHUNKED, ("x-amz-decoded-content-length", decoded), *extra)
