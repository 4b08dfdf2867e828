"""One request as a line of S3's server access log: the record, the formatter, the parser.

Pure functions with no fakes3 state, so delivery into buckets (``fakes3/access_logs.py``), a
future ``--access-log FILE`` and tests all share them. The fields, their order and ``-`` for
anything empty or unknown are S3's:
https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, fields
from urllib.parse import quote

__all__ = ["FIELDS", "Record", "format_record", "log_time", "operation_name", "parse_line"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(slots=True)  # not frozen: a frozen 27-field dataclass costs ~5 us to build
class Record:
    """The documented fields of one log record, in order; None is written ``-``."""

    bucket_owner: str | None
    bucket: str | None
    time: float  # when the request was received, seconds since the epoch
    remote_ip: str | None
    requester: str | None  # canonical id; None for an unauthenticated request
    request_id: str | None
    operation: str | None  # REST.GET.OBJECT
    key: str | None  # as stored (the line URL-encodes it)
    request_uri: str | None  # "GET /bucket/key?query HTTP/1.1"
    http_status: int | None
    error_code: str | None
    bytes_sent: int | None  # response body bytes; 0 is written "-"
    object_size: int | None
    total_time: int | None  # milliseconds
    turn_around_time: int | None  # milliseconds
    referrer: str | None
    user_agent: str | None
    version_id: str | None
    host_id: str | None
    signature_version: str | None  # SigV2 | SigV4
    cipher_suite: str | None
    authentication_type: str | None  # AuthHeader | QueryString
    host_header: str | None
    tls_version: str | None
    access_point_arn: str | None = None
    acl_required: str | None = None  # "Yes" when an ACL granted the access
    source_region: str | None = None


FIELDS = tuple(field.name for field in fields(Record))
_QUOTED = frozenset({"request_uri", "referrer", "user_agent"})


def log_time(when: float) -> str:
    """``[06/Feb/2019:00:00:38 +0000]``, with English month names whatever the locale."""
    return _second(int(when))


@functools.lru_cache(maxsize=64)  # consecutive records mostly share their second
def _second(when: int) -> str:
    t = time.gmtime(when)
    return (
        f"[{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000]"
    )


def _quoted(value: str | None) -> str:
    if not value:
        return '"-"'
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_UNRESERVED = re.compile(r"[A-Za-z0-9/_.~-]+").fullmatch  # what ``quote`` leaves as it is


def _key(key: str | None) -> str:
    if not key:
        return "-"
    return key if _UNRESERVED(key) else quote(key, safe="/")


def _plain(value: object) -> str:
    if value is None or value == "":
        return "-"
    text = str(value)
    return text.replace(" ", "%20") if " " in text else text


def format_record(record: Record) -> str:
    """The record as one log line (no newline)."""
    return " ".join(_fields(record))


_KEY, _VERSION = FIELDS.index("key"), FIELDS.index("version_id")


def format_keyed(record: Record, keys: Iterable[tuple[str, str | None]]) -> list[str]:
    """The lines of ``record`` with each ``(key, version id)`` in turn: a DeleteObjects' one
    ``BATCH.DELETE.OBJECT`` line per key, with the fields they share formatted once."""
    fields = _fields(record)
    lines: list[str] = []
    for key, version_id in keys:
        fields[_KEY] = _key(key)
        fields[_VERSION] = _plain(version_id)
        lines.append(" ".join(fields))
    return lines


def _fields(record: Record) -> list[str]:
    r = record
    return [
        _plain(r.bucket_owner),
        _plain(r.bucket),
        log_time(r.time),
        _plain(r.remote_ip),
        _plain(r.requester),
        _plain(r.request_id),
        _plain(r.operation),
        _key(r.key),
        _quoted(r.request_uri),
        _plain(r.http_status),
        _plain(r.error_code),
        str(r.bytes_sent) if r.bytes_sent else "-",
        _plain(r.object_size),
        _plain(r.total_time),
        _plain(r.turn_around_time),
        _quoted(r.referrer),
        _quoted(r.user_agent),
        _plain(r.version_id),
        _plain(r.host_id),
        _plain(r.signature_version),
        _plain(r.cipher_suite),
        _plain(r.authentication_type),
        _plain(r.host_header),
        _plain(r.tls_version),
        _plain(r.access_point_arn),
        _plain(r.acl_required),
        _plain(r.source_region),
    ]


_TOKEN = re.compile(r'\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+')


def parse_line(line: str) -> dict[str, str]:
    """A log line back into ``{field name: text}`` (quotes and brackets kept off; ``-`` kept).

    For tests and tools; lines with fewer fields (older S3 formats) get the leading fields.
    """
    tokens = _TOKEN.findall(line)
    parsed: dict[str, str] = {}
    for name, token in zip(FIELDS, tokens, strict=False):
        if token.startswith(("[", '"')):
            token = token[1:-1]
            if name in _QUOTED:
                token = re.sub(r"\\(.)", r"\1", token)
        parsed[name] = token
    return parsed


# The names S3 logs for operations whose name is not REST.<METHOD>.<OBJECT|BUCKET|sub-resource>.
_NAMES = {
    "ListObjects": "REST.GET.BUCKET",
    "ListObjectsV2": "REST.GET.BUCKET",
    "ListObjectVersions": "REST.GET.BUCKETVERSIONS",
    "ListMultipartUploads": "REST.GET.UPLOADS",
    "CreateMultipartUpload": "REST.POST.UPLOADS",
    "UploadPart": "REST.PUT.PART",
    "UploadPartCopy": "REST.COPY.PART",
    "CompleteMultipartUpload": "REST.POST.UPLOAD",
    "AbortMultipartUpload": "REST.DELETE.UPLOAD",
    "ListParts": "REST.GET.UPLOAD",
    "CopyObject": "REST.COPY.OBJECT",
    "DeleteObjects": "REST.POST.MULTI_OBJECT_DELETE",
    "GetBucketLogging": "REST.GET.LOGGING_STATUS",
    "PutBucketLogging": "REST.PUT.LOGGING_STATUS",
    "GetBucketPolicy": "REST.GET.BUCKETPOLICY",
    "PutBucketPolicy": "REST.PUT.BUCKETPOLICY",
    "DeleteBucketPolicy": "REST.DELETE.BUCKETPOLICY",
    "GetBucketPolicyStatus": "REST.GET.POLICY_STATUS",
    "GetObjectTagging": "REST.GET.OBJECT_TAGGING",
    "PutObjectTagging": "REST.PUT.OBJECT_TAGGING",
    "DeleteObjectTagging": "REST.DELETE.OBJECT_TAGGING",
    "GetBucketRequestPayment": "REST.GET.REQUEST_PAYMENT",
    "PutBucketRequestPayment": "REST.PUT.REQUEST_PAYMENT",
    "GetBucketOwnershipControls": "REST.GET.OWNERSHIP_CONTROLS",
    "PutBucketOwnershipControls": "REST.PUT.OWNERSHIP_CONTROLS",
    "DeleteBucketOwnershipControls": "REST.DELETE.OWNERSHIP_CONTROLS",
    "GetPublicAccessBlock": "REST.GET.PUBLIC_ACCESS_BLOCK",
    "PutPublicAccessBlock": "REST.PUT.PUBLIC_ACCESS_BLOCK",
    "DeletePublicAccessBlock": "REST.DELETE.PUBLIC_ACCESS_BLOCK",
    "GetObjectLockConfiguration": "REST.GET.OBJECT_LOCK_CONFIGURATION",
    "PutObjectLockConfiguration": "REST.PUT.OBJECT_LOCK_CONFIGURATION",
    "GetBucketIntelligentTieringConfiguration": "REST.GET.INTELLIGENT_TIERING",
    "PutBucketIntelligentTieringConfiguration": "REST.PUT.INTELLIGENT_TIERING",
    "DeleteBucketIntelligentTieringConfiguration": "REST.DELETE.INTELLIGENT_TIERING",
    "ListBucketIntelligentTieringConfigurations": "REST.GET.INTELLIGENT_TIERING",
    "PostObject": "REST.POST.OBJECT",
}
# Query parameters that name a bucket or object sub-resource, as S3 logs it.
_SUBRESOURCES = {
    "acl": "ACL",
    "accelerate": "ACCELERATE",
    "analytics": "ANALYTICS",
    "attributes": "OBJECT_ATTRIBUTES",
    "cors": "CORS",
    "encryption": "ENCRYPTION",
    "inventory": "INVENTORY",
    "legal-hold": "LEGAL_HOLD",
    "lifecycle": "LIFECYCLE",
    "location": "LOCATION",
    "metrics": "METRICS",
    "notification": "NOTIFICATION",
    "replication": "REPLICATION",
    "restore": "RESTORE",
    "retention": "RETENTION",
    "select": "SELECT",
    "tagging": "TAGGING",
    "torrent": "TORRENT",
    "versioning": "VERSIONING",
    "website": "WEBSITE",
}


def operation_name(
    method: str, operation: str | None, has_key: bool, query: Iterable[str] = ()
) -> str:
    """S3's log name for a request: ``REST.GET.OBJECT``, ``REST.PUT.LOGGING_STATUS`` …

    ``query`` is the request's query parameter names (a sub-resource names the operation).
    """
    if operation in _NAMES:
        return _NAMES[operation]
    if method == "OPTIONS":
        return "REST.OPTIONS.PREFLIGHT"
    if method == "POST" and operation is None and not has_key:
        return "REST.POST.OBJECT"  # a browser form upload
    resource = "OBJECT" if has_key else "BUCKET"
    for name in query:
        sub = _SUBRESOURCES.get(name)
        if sub is not None:
            resource = f"OBJECT_{sub}" if has_key and sub == "TAGGING" else sub
            break
    return f"REST.{method}.{resource}"
