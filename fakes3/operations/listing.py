"""ListObjects (v1) and ListObjectsV2: one sorted page per request, S3's counting rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fakes3.auth.authorize import object_ownership
from fakes3.errors import InvalidArgument
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.restore import restore_status
from fakes3.operations.tokens import decode_token, encode_token
from fakes3.protocol.xmlbody import INTERLEAVED
from fakes3.store import ListPage
from fakes3.store.records import ObjectRecord
from fakes3.store.versioning import invalid_version_id, shaped_like_an_id

Encode = Callable[[str], str]


Owner = dict[str, str]
OwnerOf = Callable[[ObjectRecord], Owner]  # an entry's Owner element


# Keys made only of characters ``quote`` keeps as they are (most keys): no call needed.
_UNRESERVED = re.compile(r"[A-Za-z0-9/_.~-]*").fullmatch


def _url_encode(value: str) -> str:
    """S3's ``encoding-type=url`` form: RFC 3986 percent-encoding of UTF-8, ``/`` kept.

    ceph s3-tests pins it against AWS: ``quux ab/`` -> ``quux%20ab/``, ``foo+1/`` -> ``foo%2B1/``.
    """
    return value if _UNRESERVED(value) else quote(value, safe="/")


def _identity(value: str) -> str:
    return value


def _encoder(params: Params) -> Encode:
    encoding = params.get("EncodingType")
    if encoding is None:
        return _identity
    if encoding != "url":
        raise InvalidArgument(
            "Invalid Encoding Method specified in Request",
            ArgumentName="encoding-type",
            ArgumentValue=encoding,
        )
    return _url_encode


def _max_keys(params: Params) -> int:
    """``max-keys`` capped at 1000; a negative one is refused with the object listings' own
    message (one that is no 32-bit integer is refused by the parser)."""
    value = params.get("MaxKeys", 1000)
    if value < 0:
        raise InvalidArgument(
            "Argument maxKeys must be an integer between 0 and 2147483647",
            ArgumentName="maxKeys",
            ArgumentValue=value,
        )
    return min(int(value), 1000)


def _version_max_keys(params: Params) -> int:
    """ListObjectVersions says so its own way (the AWS CLI against S3: versitygw#1809)."""
    value = params.get("MaxKeys", 1000)
    if value < 0:
        raise InvalidArgument(
            "max-keys cannot be negative", ArgumentName="max-keys", ArgumentValue=value
        )
    return min(int(value), 1000)


def _restore_clock(ctx: Context, params: Params) -> datetime | None:
    """The store's time when ``x-amz-optional-object-attributes`` asks for RestoreStatus."""
    names = params.get("OptionalObjectAttributes")
    if not names:
        return None
    return ctx.store.clock.now() if "RestoreStatus" in names else None


def _entry(
    record: ObjectRecord, encode: Encode, owner: OwnerOf | None, now: datetime | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Key": encode(record.key),
        "LastModified": record.last_modified,
        "ETag": record.etag,
        "Size": record.size,
        "StorageClass": record.storage_class,
    }
    if record.checksum_algorithm:
        entry["ChecksumAlgorithm"] = [record.checksum_algorithm]
        entry["ChecksumType"] = record.checksum_type
    if owner is not None:
        entry["Owner"] = owner(record)
    status = restore_status(record, now) if now is not None else None
    if status is not None:
        entry["RestoreStatus"] = status
    return entry


def _owner(ctx: Context, params: Params) -> OwnerOf:
    """Objects are listed with their owner: the bucket owner under BucketOwnerEnforced (and for
    versions written while it was on), else the owner their ACL names (``operations/acls.py``)."""
    bucket = ctx.store.get_bucket(params["Bucket"])
    bucket_owner = ctx.owner_of(bucket)
    if object_ownership(ctx.store, bucket.name) == "BucketOwnerEnforced":
        return lambda record: bucket_owner
    return lambda record: (
        bucket_owner if record.acl is None else ctx.accounts.owner(record.acl["Owner"])
    )


def _page(ctx: Context, params: Params, start_after: str, max_keys: int) -> ListPage[ObjectRecord]:
    return ctx.store.list_objects(
        params["Bucket"],
        prefix=params.get("Prefix", ""),
        delimiter=params.get("Delimiter", ""),
        start_after=start_after,
        max_keys=max_keys,
    )


def _common(
    params: Params,
    page: ListPage[ObjectRecord],
    encode: Encode,
    owner: OwnerOf | None,
    now: datetime | None = None,
) -> Output:
    output: Output = {
        "Name": params["Bucket"],
        "Prefix": encode(params.get("Prefix", "")),
        "MaxKeys": params.get("MaxKeys", 1000),
        "IsTruncated": page.truncated,
        "Contents": [_entry(record, encode, owner, now) for record in page.objects],
        "CommonPrefixes": [{"Prefix": encode(prefix)} for prefix in page.prefixes],
    }
    if params.get("Delimiter"):
        output["Delimiter"] = encode(params["Delimiter"])
    if encode is _url_encode:
        output["EncodingType"] = "url"
    return output


def list_objects_v2(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html

    The continuation token is the last key or common prefix returned, base64url-encoded; an
    empty one is InvalidArgument, as in S3. With ``encoding-type=url``, Delimiter, Prefix, Key
    (and common prefixes) and StartAfter are URL-encoded, the elements the API reference lists.
    """
    encode = _encoder(params)
    start_after = params.get("StartAfter", "")
    if "ContinuationToken" in params:
        start_after = decode_token(params["ContinuationToken"])
    page = _page(ctx, params, start_after, _max_keys(params))
    owner = _owner(ctx, params) if params.get("FetchOwner") else None
    output = _common(params, page, encode, owner, _restore_clock(ctx, params))
    output["KeyCount"] = len(page.objects) + len(page.prefixes)
    if "ContinuationToken" in params:
        output["ContinuationToken"] = params["ContinuationToken"]
    elif "StartAfter" in params:
        # A token overrides StartAfter, and S3 then leaves StartAfter out of the answer (as
        # LocalStack recorded AWS answering, test_list_objects_v2_continuation_start_after).
        output["StartAfter"] = encode(params["StartAfter"])
    if page.truncated and page.last is not None:
        output["NextContinuationToken"] = encode_token(page.last)
    return output


def list_objects(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html

    ``NextMarker`` is sent only when the page is truncated and a delimiter was given; without
    a delimiter clients use the last key, as S3 documents. With ``encoding-type=url``,
    Delimiter, Marker, Prefix, NextMarker and Key are URL-encoded, as the API reference lists
    (boto3 decodes all of them but Prefix, so ``list_objects(Prefix="\\n")["Prefix"]`` reads
    ``%0A`` against AWS too).
    """
    encode = _encoder(params)
    marker = params.get("Marker", "")
    page = _page(ctx, params, marker, _max_keys(params))
    output = _common(params, page, encode, _owner(ctx, params), _restore_clock(ctx, params))
    output["Marker"] = encode(marker)
    if page.truncated and params.get("Delimiter") and page.last is not None:
        output["NextMarker"] = encode(page.last)
    return output


def list_object_versions(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html

    Versions of a key come newest first, ``Version`` and ``DeleteMarker`` elements
    interleaved in that order as S3 writes them; a bucket that never had versioning lists each
    object once, as version ``null``.
    """
    encode = _encoder(params)
    key_marker = params.get("KeyMarker", "")
    version_marker = params.get("VersionIdMarker") or None
    if version_marker is not None and not shaped_like_an_id(version_marker):
        raise invalid_version_id(version_marker, "version-id-marker")
    if version_marker is not None and not key_marker:
        raise InvalidArgument(
            "A version-id marker cannot be specified without a key marker.",
            ArgumentName="version-id-marker",
            ArgumentValue=version_marker,
        )
    bucket = params["Bucket"]
    page = ctx.store.list_versions(
        bucket,
        prefix=params.get("Prefix", ""),
        delimiter=params.get("Delimiter", ""),
        key_marker=key_marker,
        version_marker=version_marker,
        max_keys=_version_max_keys(params),
    )
    owner, now = _owner(ctx, params), _restore_clock(ctx, params)
    entries: list[tuple[str, dict[str, Any]]] = []
    previous = key_marker if version_marker is not None else None
    if previous is not None and page.objects and page.objects[0].key == previous:
        first = page.objects[0]  # after a marker whose version is gone, it may be the newest
        if ctx.store.newest_version_id(bucket, previous) == first.version_id:
            previous = None
    for record in page.objects:
        entry = {
            "Key": encode(record.key),
            "VersionId": record.version_id or "null",
            "IsLatest": record.key != previous,  # a key's versions come newest first
            "LastModified": record.last_modified,
            "Owner": owner(record),
        }
        previous = record.key
        if record.delete_marker:
            entries.append(("DeleteMarkers", entry))
        else:
            entries.append(("Versions", {**_entry(record, encode, owner, now), **entry}))
    output = _common(params, page, encode, owner)
    del output["Contents"]
    output[INTERLEAVED] = entries
    output.update(
        KeyMarker=encode(key_marker),
        VersionIdMarker=params.get("VersionIdMarker", ""),
    )
    if page.truncated and page.last is not None:
        output["NextKeyMarker"] = encode(page.last)
        if page.last_version is not None or page.last not in page.prefixes:
            output["NextVersionIdMarker"] = page.last_version or "null"
    return output


HANDLERS: dict[str, Handler] = {
    "ListObjects": list_objects,
    "ListObjectsV2": list_objects_v2,
    "ListObjectVersions": list_object_versions,
}
