"""Object attributes on the way in (validated) and on the way out (as GET/HEAD headers)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fakes3.errors import (
    InvalidArgument,
    InvalidRedirectLocation,
    InvalidRequest,
    InvalidStorageClass,
    KeyTooLongError,
    MetadataTooLarge,
)
from fakes3.operations.config.tagging import (
    check_object_tags,
    is_tag_text,
)
from fakes3.operations.encryption import DEFAULT_ENCRYPTION as DEFAULT_ENCRYPTION
from fakes3.operations.encryption import echo as encryption_echo
from fakes3.operations.object_lock import lock_output
from fakes3.protocol.checksums import member_name
from fakes3.protocol.chunked import strip_aws_chunked
from fakes3.protocol.dates import http_date
from fakes3.protocol.model import load_model
from fakes3.store.records import ObjectRecord
from fakes3.store.store import NewObject

MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048
# Representation headers stored as given and returned on GET/HEAD, by model member name.
STORED_HEADERS = (
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "Expires",
    "WebsiteRedirectLocation",
)
# Classes of other kinds of storage (Outposts, directory buckets, Snow, FSx, AWS Backup): a
# general purpose bucket refuses them with InvalidStorageClass, as AWS's do.
_ELSEWHERE = frozenset(
    {"OUTPOSTS", "EXPRESS_ONEZONE", "SNOW", "FSX_OPENZFS", "FSX_ONTAP"}
    | {"AWS_BACKUP_WARM", "AWS_BACKUP_LOW_COST_WARM"}
)
_STORAGE_CLASSES = frozenset(load_model().shape("StorageClass")["enum"]) - _ELSEWHERE


def validate_key(key: str) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html"""
    if len(key) <= MAX_KEY_BYTES // 4:  # UTF-8 takes at most 4 bytes a character
        return
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_BYTES:
        raise KeyTooLongError(Size=size, MaxSizeAllowed=MAX_KEY_BYTES)


def validate_metadata(metadata: dict[str, str]) -> None:
    """User metadata is limited to 2 KB: keys and values, as the bytes that were sent."""
    size = sum(
        len(k.encode("latin-1", "replace")) + len(v.encode("latin-1", "replace"))
        for k, v in metadata.items()
    )
    if size > MAX_METADATA_BYTES:
        raise MetadataTooLarge(Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)


def validate_storage_class(value: str | None) -> str:
    if value is None:
        return "STANDARD"
    if value not in _STORAGE_CLASSES:
        raise InvalidStorageClass(StorageClassRequested=value)
    return value


def parse_tagging(value: str | None) -> tuple[tuple[str, str], ...]:
    """The ``x-amz-tagging`` header: URL-query encoded ``k1=v1&k2=v2``, S3's tag rules.

    A key named twice, or characters no tag may hold (``a=1,b=2``), make the header itself
    InvalidArgument (AWS: LocalStack's validated put-obj-duplicate-tagging and
    put-obj-wrong-format); the other rules are the tag set's (InvalidTag, BadRequest)."""
    if not value:
        return ()
    pairs = parse_qsl(value, keep_blank_values=True)
    if len({key for key, _ in pairs}) != len(pairs) or not all(
        is_tag_text(key) and is_tag_text(text) for key, text in pairs
    ):
        raise InvalidArgument(
            "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
            "parameters without tag name duplicates.",
            ArgumentName="x-amz-tagging",
            ArgumentValue=value,
        )
    return check_object_tags(pairs)


def check_redirect(location: str | None) -> None:
    """``x-amz-website-redirect-location``: a path on the site or an http(s) URL."""
    if location is not None and not location.startswith(("/", "http://", "https://")):
        raise InvalidRedirectLocation()


def new_object(
    params: dict[str, Any], checksum_algorithm: str | None, *, framed: bool = True
) -> NewObject:
    """The attributes a PutObject / CopyObject-with-REPLACE request gives a new object.

    ``framed``: the body was aws-chunked framing, so that coding is stripped from the
    Content-Encoding stored; a body sent as is keeps the label as sent (Swift's s3api tests,
    written against AWS: a hex payload hash beside ``Content-Encoding: aws-chunked``)."""
    metadata = params.get("Metadata") or {}
    validate_metadata(metadata)
    headers = {name: params[name] for name in STORED_HEADERS if params.get(name) is not None}
    check_redirect(headers.get("WebsiteRedirectLocation"))
    encoding = headers.get("ContentEncoding")
    if framed:
        encoding = strip_aws_chunked(encoding)
    if encoding:
        headers["ContentEncoding"] = encoding
    else:
        headers.pop("ContentEncoding", None)
    return NewObject(
        content_type=params.get("ContentType") or "binary/octet-stream",
        headers=headers,
        metadata=metadata,
        storage_class=validate_storage_class(params.get("StorageClass")),
        tags=parse_tagging(params.get("Tagging")),
        checksum_algorithm=checksum_algorithm,
    )


def checksum_output(record: ObjectRecord) -> dict[str, Any]:
    """The object's checksum as output members (``ChecksumCRC32``…, ``ChecksumType``)."""
    if record.checksum_algorithm is None or record.checksum is None:
        return {}
    return {
        member_name(record.checksum_algorithm): record.checksum,
        "ChecksumType": record.checksum_type,
    }


_OVERRIDES = {
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseContentType": "ContentType",
}
_OVERRIDE_PARAMS = (*_OVERRIDES, "ResponseExpires")


def refuse_anonymous_overrides(anonymous: bool, params: dict[str, Any]) -> None:
    """S3 honours ``response-*`` only on signed requests (GetObject's model: "These parameters
    cannot be used with an unsigned (anonymous) request")."""
    if anonymous and any(params.get(name) is not None for name in _OVERRIDE_PARAMS):
        raise InvalidRequest(
            "Request specific response headers cannot be used for anonymous GET requests."
        )


def apply_overrides(params: dict[str, Any], output: dict[str, Any]) -> None:
    """``response-*`` query parameters replace stored headers on GET and HEAD.

    Control characters would split the header (response splitting), so they are refused.
    """
    for name, target in _OVERRIDES.items():
        value = params.get(name)
        if value is not None:
            if not value.isprintable():
                raise InvalidArgument(
                    f"Invalid value for {name}", ArgumentName=name, ArgumentValue=repr(value)
                )
            output[target] = value
    if params.get("ResponseExpires") is not None:
        output["Expires"] = http_date(params["ResponseExpires"])


def representation(record: ObjectRecord) -> dict[str, Any]:
    """What GET and HEAD say about an object, before ranges and overrides."""
    output: dict[str, Any] = {
        "AcceptRanges": "bytes",
        "ContentType": record.content_type,
        "ContentLength": record.size,
        "ETag": record.etag,
        "LastModified": record.last_modified,
        "Metadata": dict(record.metadata),  # the serializer makes non-ASCII values mail-safe
        **encryption_echo(record.encryption),
        **record.headers,
        **lock_output(record),
    }
    if record.storage_class != "STANDARD":
        output["StorageClass"] = record.storage_class
    if record.tags:
        output["TagCount"] = len(record.tags)
    if record.version_id is not None:
        output["VersionId"] = record.version_id
    return output
