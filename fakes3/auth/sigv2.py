"""AWS Signature Version 2 (HMAC-SHA1), for old clients and tools: header and query forms.

The string to sign is S3's::

    VERB \\n Content-MD5 \\n Content-Type \\n Date (or Expires) \\n
    x-amz-* headers, lower-cased, sorted, ``name:value\\n`` each
    /bucket/key as sent, then the sub-resources (``?acl``, ``?uploadId=…``, ``response-*``…)

When ``x-amz-date`` is sent, the Date line is empty. A presigned URL carries
``AWSAccessKeyId``, ``Expires`` (epoch seconds) and ``Signature`` and puts Expires on the date
line. Reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import unquote, unquote_plus

from fakes3.auth.accounts import Account
from fakes3.auth.sigv4 import (
    MAX_SKEW_SECONDS,
    TEXT_ENCODING,
    TEXT_ERRORS,
    header_text,
    iso,
    same_signature,
    spaced_hex,
)
from fakes3.errors import (
    AccessDenied,
    InvalidArgument,
    InvalidRequest,
    RequestTimeTooSkewed,
    SignatureDoesNotMatch,
)
from fakes3.protocol.dates import parse_http_date
from fakes3.protocol.numbers import MAX_LONG, decimal

SUBRESOURCES = frozenset(
    """accelerate acl analytics cors delete encryption intelligent-tiering inventory legal-hold
    lifecycle location logging metrics notification object-lock ownershipControls partNumber
    policy policyStatus publicAccessBlock replication requestPayment restore retention select
    select-type storageClass tagging torrent uploadId uploads versionId versioning versions
    website response-content-type response-content-language response-expires
    response-cache-control response-content-disposition response-content-encoding""".split()
)


def parse_authorization(value: str) -> tuple[str, str]:
    """``AWS AKID:signature`` -> (access key, signature)."""
    access_key, colon, signature = value[4:].strip().rpartition(":")
    if not colon or not access_key or not signature:
        raise InvalidArgument(
            "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
            ArgumentName="Authorization",
            ArgumentValue=value,
        )
    return access_key, signature


def parse_presigned(query: Mapping[str, str]) -> tuple[str, str, int]:
    """(access key, signature, expires) of a V2 presigned URL."""
    if not all(name in query for name in ("AWSAccessKeyId", "Signature", "Expires")):
        raise AccessDenied(
            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
            "parameters"
        )
    text = query["Expires"]
    expires = decimal(text)
    if expires is None or expires > MAX_LONG:  # S3 reads a 64-bit number of seconds
        raise AccessDenied(f"Invalid date (should be seconds since epoch): {text}")
    return query["AWSAccessKeyId"], query["Signature"], expires


SIGV2_REGIONS = frozenset(
    (
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "ap-northeast-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "sa-east-1",
        "us-gov-west-1",
    )
)
"""The regions launched before 30 January 2014, the only ones whose S3 takes SigV2."""


def check_region(region: str | None) -> None:
    """A bucket in a later region takes SigV4 only, as S3 answers (botocore's
    test_region_redirect_sigv2_to_sigv4_raises_error, run against AWS, pins it)."""
    if region is not None and region not in SIGV2_REGIONS:
        raise InvalidRequest(
            "The authorization mechanism you have provided is not supported. "
            "Please use AWS4-HMAC-SHA256."
        )


def canonical_resource(raw_path: str, query_string: str, host_bucket: str | None) -> str:
    """``/bucket/key`` as sent plus the sub-resources, sorted by name, values decoded. A
    request to a bucket with no key signs ``/bucket/`` however it was addressed (path style
    sends ``/bucket``), as S3's RESTAuthentication page and botocore have it."""
    resource = f"/{host_bucket}{raw_path}" if host_bucket else raw_path
    if not host_bucket and resource.count("/") == 1 and len(resource) > 1:
        resource += "/"
    found = []
    for part in query_string.split("&"):
        name, equals, value = part.partition("=")
        name = unquote_plus(name)
        if name in SUBRESOURCES:
            found.append((name, f"{name}={unquote(value)}" if equals else name))
    if found:
        found.sort(key=lambda item: item[0])
        resource += "?" + "&".join(text for _, text in found)
    return resource


def string_to_sign(
    method: str, headers: Mapping[str, str], resource: str, expires: str | None
) -> str:
    if expires is not None:
        date = expires
    else:
        date = "" if "x-amz-date" in headers else headers.get("date", "").strip()
    lines = [
        method,
        headers.get("content-md5", "").strip(),
        header_text(headers.get("content-type", "")).strip(),
        date,
    ]
    lines.extend(
        f"{name}:{header_text(headers[name]).strip()}"
        for name in sorted(headers)
        if name.startswith("x-amz-")
    )
    lines.append(resource)
    return "\n".join(lines)


def sign(secret: str, text: str) -> str:
    digest = hmac.digest(
        secret.encode("utf-8"), text.encode(TEXT_ENCODING, TEXT_ERRORS), hashlib.sha1
    )
    return base64.b64encode(digest).decode("ascii")


def verify(account: Account, to_sign: str, signature: str) -> None:
    if not same_signature(sign(account.secret_key, to_sign), signature):
        raise SignatureDoesNotMatch(
            AWSAccessKeyId=account.access_key,
            StringToSign=to_sign,
            SignatureProvided=signature,
            StringToSignBytes=spaced_hex(to_sign),
        )


def check_date(headers: Mapping[str, str], now: float) -> None:
    """A readable ``x-amz-date`` or ``Date`` within 15 minutes of the server's clock; a date
    before the epoch is unreadable to S3 (AccessDenied, not RequestTimeTooSkewed)."""
    # x-amz-date, when sent, is the date (empty too: S3 then refuses, as it signs no Date).
    text = headers["x-amz-date"] if "x-amz-date" in headers else headers.get("date", "")
    when = parse_http_date(text)
    if when is None or when.timestamp() < 0:
        raise AccessDenied("AWS authentication requires a valid Date or x-amz-date header")
    if abs(when.timestamp() - now) > MAX_SKEW_SECONDS:
        raise RequestTimeTooSkewed(
            RequestTime=text,
            ServerTime=iso(datetime.fromtimestamp(int(now), timezone.utc)),
            MaxAllowedSkewMilliseconds=MAX_SKEW_SECONDS * 1000,
        )


def check_expires(expires: int, now: float) -> None:
    if now > expires:
        raise AccessDenied(
            "Request has expired",
            Expires=iso(datetime.fromtimestamp(expires, timezone.utc)),
            ServerTime=iso(datetime.fromtimestamp(int(now), timezone.utc)),
        )
