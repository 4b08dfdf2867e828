"""Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts and
ListMultipartUploads. The rules live in ``fakes3.store.multipart``; these functions turn
model members into its arguments and its records into output members.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from fakes3.errors import (
    EntityTooLarge,
    InvalidArgument,
    InvalidRequest,
    MalformedXML,
    MethodNotAllowed,
    MissingContentLength,
    NoSuchUpload,
    NotImplementedByFakeS3,
)
from fakes3.operations import acls, encryption, lifecycle_headers, object_lock, restore
from fakes3.operations.attributes import (
    new_object,
    validate_key,
)
from fakes3.operations.conditions import Now, check_copy_source_conditions
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.copy import parse_copy_source
from fakes3.operations.listing import _encoder
from fakes3.operations.objects import write_condition, written_version
from fakes3.protocol.body import RequestBody
from fakes3.protocol.checksums import ALGORITHMS, member_name
from fakes3.protocol.numbers import decimal
from fakes3.store.multipart import (
    MAX_PART_SIZE,
    ChosenPart,
    Completion,
    check_part_number,
)
from fakes3.store.multipart_math import COMPOSITE_ALGORITHMS, FULL_OBJECT_ALGORITHMS
from fakes3.store.records import ObjectRecord
from fakes3.store.sealing import Seal, Unsealed
from fakes3.store.uploads import PartRecord, UploadRecord

_COPY_RANGE = re.compile(r"bytes=([0-9]+)-([0-9]+)")
_CHECKSUM_TYPES = ("COMPOSITE", "FULL_OBJECT")


def _checksum_choice(params: Params) -> tuple[str | None, str | None]:
    """``x-amz-checksum-algorithm`` and ``x-amz-checksum-type``, checked together as S3 does."""
    algorithm = params.get("ChecksumAlgorithm")
    kind = params.get("ChecksumType")
    if algorithm is not None:
        algorithm = algorithm.upper()
        if algorithm not in ALGORITHMS:
            raise InvalidRequest(
                "Checksum algorithm provided is unsupported. Please try again with any of the "
                "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
            )
        if algorithm not in FULL_OBJECT_ALGORITHMS | COMPOSITE_ALGORITHMS:
            raise NotImplementedByFakeS3(
                f"fakes3 does not implement multipart uploads with {algorithm} checksums yet."
            )
    if kind is None:
        return algorithm, None
    kind = kind.upper()
    if kind not in _CHECKSUM_TYPES:
        raise InvalidRequest("Value for x-amz-checksum-type header is invalid.")
    if algorithm is None:
        raise InvalidRequest(
            "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm "
            "header."
        )
    allowed = FULL_OBJECT_ALGORITHMS if kind == "FULL_OBJECT" else COMPOSITE_ALGORITHMS
    if algorithm not in allowed:
        raise InvalidRequest(
            f"The {kind} checksum type cannot be used with the {algorithm.lower()} checksum "
            "algorithm."
        )
    return algorithm, kind


def _upload_checksum(upload: UploadRecord) -> Output:
    if upload.checksum_algorithm is None:
        return {}
    return {"ChecksumAlgorithm": upload.checksum_algorithm, "ChecksumType": upload.kind}


def create_multipart_upload(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html

    Without ``x-amz-checksum-algorithm`` the object gets S3's default, a full-object CRC64NVME.
    """
    key = params["Key"]
    validate_key(key)
    algorithm, kind = _checksum_choice(params)
    new = new_object(params, algorithm)
    scope = encryption.scope_of(ctx, params["Bucket"], key)
    new.encryption = encryption.resolve_write(params, scope, encryption.transport_of(ctx))
    new.lock = object_lock.for_write(ctx.store, params["Bucket"], params)
    new.acl = acls.for_request(ctx, params["Bucket"], params)
    upload = ctx.store.multipart.create(
        params["Bucket"], key, new.record_fields(), algorithm, kind, ctx.owner_id
    )
    return {
        "Bucket": upload.bucket,
        "Key": upload.key,
        "UploadId": upload.upload_id,
        **encryption.echo(new.encryption),
        **_upload_checksum(upload),
        **lifecycle_headers.abort(ctx, upload),
    }


def _upload_encryption(upload: UploadRecord) -> dict[str, Any]:
    """The encryption CreateMultipartUpload chose (``fakes3.operations.encryption``)."""
    value: dict[str, Any] = upload.attrs.get("encryption") or {}
    return value


def _check_part(ctx: Context, params: Params, sse: dict[str, Any]) -> None:
    """A part (or completion) of an upload: no SSE header, the upload's SSE-C key if it has
    one, and none while the bucket blocks SSE-C writes."""
    encryption.refuse_sse_header(ctx.request.sse_header)
    blocked = encryption.scope_of(ctx, params["Bucket"], params["Key"])
    encryption.check_part(params, sse, encryption.transport_of(ctx), blocked)


def _part_output(upload: UploadRecord, part: PartRecord) -> Output:
    """A part's checksum as output members (ListParts, UploadPartCopy), for uploads that named
    an algorithm: S3 shows none for the others, though it keeps its CRC64NVME default for the
    object (LocalStack's validated list-parts-all and test_upload_part_copy_range)."""
    if upload.checksum_algorithm is None:
        return {}
    return {member_name(upload.algorithm): part.checksum}


def upload_part(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html

    The part's checksum must use the upload's algorithm (any algorithm the client likes when
    the upload named none); part sizes are checked at completion, as S3 does.
    """
    check_part_number(params["PartNumber"])
    if not ctx.request.announces_length:
        raise MissingContentLength()
    length = ctx.request.content_length
    if length is not None and length > MAX_PART_SIZE:
        raise EntityTooLarge(ProposedSize=length, MaxSizeAllowed=MAX_PART_SIZE)
    multipart = ctx.store.multipart
    upload = multipart.get(params["Bucket"], params["Key"], params["UploadId"])
    sse = _upload_encryption(upload)
    _check_part(ctx, params, sse)
    body: RequestBody = params["Body"]
    object_lock.require_digest(object_lock.upload_lock(upload.attrs), params)
    client_algorithm = body.checksum_algorithm
    part, values = multipart.upload_part(upload, params["PartNumber"], body, client_algorithm)
    output: Output = {"ETag": part.etag, **encryption.echo(sse)}
    shown = client_algorithm or upload.checksum_algorithm
    if shown is not None:
        output[member_name(shown)] = values[shown]
    return output


def _digits_order(digits: str) -> tuple[int, str]:
    """A key that orders decimal numbers of any length as their values."""
    significant = digits.lstrip("0")
    return len(significant), significant


def _copy_span(params: Params, src: ObjectRecord, now: Now) -> tuple[int, int]:
    """Copy-source conditions, then ``x-amz-copy-source-range`` as ``[start, end)``."""
    check_copy_source_conditions(params, src, now)
    header = params.get("CopySourceRange")
    if header is None:
        if src.size > MAX_PART_SIZE:
            raise InvalidRequest(
                "The specified copy source is larger than the maximum allowable size for a copy "
                f"source: {MAX_PART_SIZE}"
            )
        return 0, src.size
    match = _COPY_RANGE.fullmatch(header.strip())
    # Capped, never int() of 4300+ digits.
    first, last = (decimal(match[1]) or 0, decimal(match[2]) or 0) if match else (0, -1)
    # A reversed range (bytes=200-100) is a malformed one for S3, like bytes=0- or bytes=-5;
    # only a well-formed range past the end names the source's size. (Compared as digits:
    # two numbers past the cap are equal once capped.)
    if match is None or _digits_order(match[1]) > _digits_order(match[2]):
        raise InvalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where "
            "first and last are the zero-based offsets of the first and last bytes to copy",
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=header,
        )
    if first >= src.size:  # starts past the source (AWS, recorded for bytes=100-200 of 10)
        raise InvalidRequest("The specified copy range is invalid for the source object size")
    if last >= src.size:
        raise InvalidArgument(
            f"Range specified is not valid for source object of size: {src.size}",
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=header,
        )
    if last - first + 1 > MAX_PART_SIZE:
        raise InvalidRequest(
            "The specified copy range is larger than the maximum allowable size for a part: "
            f"{MAX_PART_SIZE}"
        )
    return first, last + 1


def upload_part_copy(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html

    The range is copied blob to blob (``copy_file_range`` on the directory backend).
    """
    source = parse_copy_source(params["CopySource"])
    check_part_number(params["PartNumber"])
    multipart = ctx.store.multipart
    upload = multipart.get(params["Bucket"], params["Key"], params["UploadId"])
    sse, transport = _upload_encryption(upload), encryption.transport_of(ctx)
    _check_part(ctx, params, sse)

    def pick(src: ObjectRecord) -> tuple[int, int, Seal | None]:
        source_key = encryption.check_read(params, src.encryption, transport, copy_source=True)
        restore.check_copy_source(src, ctx.store.clock)
        start, end = _copy_span(params, src, ctx.store.clock.now)
        return start, end, encryption.opened(src.encryption, source_key)

    def span(src: ObjectRecord) -> tuple[int, int]:
        start, end, seal = pick(src)
        if seal is not None:
            raise _Sealed()
        return start, end

    try:
        try:
            src, part = multipart.copy_part(upload, params["PartNumber"], source, span)
        except _Sealed:
            src, part = _copy_sealed(ctx, upload, params["PartNumber"], source, pick)
    except MethodNotAllowed:  # the version asked for is a delete marker
        raise InvalidRequest(
            "The source of a copy request may not specifically refer to a delete marker by "
            "version id."
        ) from None
    result = {"ETag": part.etag, "LastModified": part.last_modified, **_part_output(upload, part)}
    output: Output = {"CopyPartResult": result, **encryption.echo(sse)}
    if src.version_id not in (None, "null"):  # as CopyObject
        output["CopySourceVersionId"] = src.version_id
    return output


class _Sealed(Exception):
    """The copy source's bytes are stored encrypted: they cannot be copied as they are."""


def _copy_sealed(
    ctx: Context,
    upload: UploadRecord,
    number: int,
    source: tuple[str, str, str | None],
    pick: Callable[[ObjectRecord], tuple[int, int, Seal | None]],
) -> tuple[ObjectRecord, PartRecord]:
    """UploadPartCopy from an SSE-C object stored encrypted: its range, decrypted, becomes
    the part (as UploadPart would store it)."""
    chosen: dict[str, Any] = {}

    def span(src: ObjectRecord) -> tuple[int, int]:
        start, end, chosen["seal"] = pick(src)
        chosen["start"] = start
        return start, end

    src, reader = ctx.store.read_object(source[0], source[1], span, source[2])
    if chosen["seal"] is not None:
        reader = chosen["seal"].reading(reader, chosen["start"])
    stream = Unsealed(reader)
    try:
        part, _values = ctx.store.multipart.upload_part(upload, number, stream, upload.algorithm)
    finally:
        stream.close()
    return src, part


def _chosen_parts(params: Params) -> list[ChosenPart]:
    spec = params.get("MultipartUpload")
    if not spec or not spec.get("Parts"):
        raise MalformedXML()
    chosen: list[ChosenPart] = []
    for item in spec["Parts"]:
        if item.get("PartNumber") is None or item.get("ETag") is None:
            raise MalformedXML()
        checksums = {
            algorithm: item[member_name(algorithm)]
            for algorithm in ALGORITHMS
            if item.get(member_name(algorithm))
        }
        chosen.append(ChosenPart(item["PartNumber"], item["ETag"], checksums))
    return chosen


def _object_checksum(params: Params) -> tuple[str, str] | None:
    """The whole object's checksum the client claims in ``x-amz-checksum-*``, if any."""
    found = [(a, params[member_name(a)]) for a in ALGORITHMS if params.get(member_name(a))]
    if len(found) > 1:
        raise InvalidRequest(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    return found[0] if found else None


def complete_multipart_upload(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html

    ``If-None-Match: *`` / ``If-Match`` are checked when the request arrives (412) and again,
    atomically, at commit: a write that slipped in between makes it 409
    ConditionalRequestConflict, as S3 answers a racing conditional write. The same request
    sent again after it succeeded (an SDK retry after a lost answer) gets the same answer.
    """
    kind = params.get("ChecksumType")
    if params.get("MultipartUpload") is None:  # no body at all: the upload is looked up first
        ctx.store.multipart.get(params["Bucket"], params["Key"], params["UploadId"])
        raise InvalidRequest("You must specify at least one part")
    completion = Completion(
        parts=_chosen_parts(params),
        precondition=write_condition(params),
        condition="If-Match" if params.get("IfMatch") is not None else "If-None-Match",
        checksum=_object_checksum(params),
        checksum_type=kind.upper() if kind else None,
        object_size=params.get("MpuObjectSize"),
    )
    bucket, key = params["Bucket"], params["Key"]
    if encryption.customer_key(params, encryption.transport_of(ctx)) is not None:
        try:
            upload = ctx.store.multipart.get(bucket, key, params["UploadId"])
        except NoSuchUpload:  # perhaps a retry of a completion that succeeded (see below)
            pass
        else:
            _check_part(ctx, params, _upload_encryption(upload))
    record = ctx.store.multipart.complete(bucket, key, params["UploadId"], completion)
    output: Output = {
        "Location": _location(ctx, bucket, key),
        "Bucket": bucket,
        "Key": key,
        "ETag": record.etag,
        **encryption.echo(record.encryption),
    }
    if record.checksum_algorithm is not None and record.checksum is not None:
        output[member_name(record.checksum_algorithm)] = record.checksum
        output["ChecksumType"] = record.checksum_type
    output.update(written_version(record))  # none for a null version, as PutObject
    output.update(lifecycle_headers.expiration(ctx, bucket, record))
    return output


def _location(ctx: Context, bucket: str, key: str) -> str:
    """The new object's URL, path style, on the host the request was sent to."""
    return f"{ctx.request.base_url}/{quote(bucket)}/{quote(key)}"


def abort_multipart_upload(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html

    The upload and its parts are gone at once; a later request for it is NoSuchUpload.
    """
    if params.get("IfMatchInitiatedTime") is not None:
        raise NotImplementedByFakeS3("fakes3 does not implement x-amz-if-match-initiated-time yet.")
    ctx.store.multipart.abort(params["Bucket"], params["Key"], params["UploadId"])
    return {}


def _limit(params: Params, name: str, wire: str) -> int:
    value = params.get(name, 1000)
    if value < 0:
        raise InvalidArgument(
            f"Argument {wire} must be an integer between 0 and 2147483647",
            ArgumentName=wire,
            ArgumentValue=value,
        )
    return min(int(value), 1000)


def list_parts(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html"""
    multipart = ctx.store.multipart
    upload = multipart.get(params["Bucket"], params["Key"], params["UploadId"])
    encryption.check_optional_key(params, _upload_encryption(upload), encryption.transport_of(ctx))
    limit = _limit(params, "MaxParts", "max-parts")
    marker = max(int(params.get("PartNumberMarker") or 0), 0)
    parts, truncated = multipart.list_parts(upload, marker, limit)
    entries = [
        {
            "PartNumber": part.part_number,
            "LastModified": part.last_modified,
            "ETag": part.etag,
            "Size": part.size,
            **_part_output(upload, part),
        }
        for part in parts
    ]
    output: Output = {
        "Bucket": upload.bucket,
        "Key": upload.key,
        "UploadId": upload.upload_id,
        "PartNumberMarker": marker,
        "NextPartNumberMarker": parts[-1].part_number if parts else 0,
        "MaxParts": limit,
        "IsTruncated": truncated,
        "Parts": entries,
        "Initiator": _initiator(ctx, upload),
        "Owner": _initiator(ctx, upload),
        "StorageClass": upload.attrs.get("storage_class", "STANDARD"),
    }
    if upload.checksum_algorithm is not None:  # none shown for S3's default (as above)
        output["ChecksumAlgorithm"] = upload.algorithm
        output["ChecksumType"] = upload.kind
    output.update(lifecycle_headers.abort(ctx, upload))
    return output


def _initiator(ctx: Context, upload: UploadRecord) -> dict[str, str]:
    """Who created the upload; an account's root user, so also the ``Owner`` S3 shows
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html)."""
    return ctx.accounts.owner(upload.initiator or "")


def _upload_entry(ctx: Context, upload: UploadRecord, encode: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "UploadId": upload.upload_id,
        "Key": encode(upload.key),
        "Initiated": upload.initiated,
        "StorageClass": upload.attrs.get("storage_class", "STANDARD"),
        "Owner": _initiator(ctx, upload),
        "Initiator": _initiator(ctx, upload),
    }
    if upload.checksum_algorithm is not None:
        entry["ChecksumAlgorithm"] = upload.checksum_algorithm
        entry["ChecksumType"] = upload.kind
    return entry


def _check_upload_marker(ctx: Context, bucket: str, key: str, upload_id: str) -> None:
    """An upload-id-marker that names a live upload of another key than the key-marker's is
    refused (AWS: LocalStack's validated list-multiparts-wrong-id-for-key); any other id is a
    place in the listing, so a paginator whose last upload was just aborted goes on."""
    upload = ctx.store.multipart.uploads.get(bucket, upload_id)
    if upload is not None and upload.key not in (key, unquote(key)):
        raise InvalidArgument(
            "Invalid uploadId marker", ArgumentName="upload-id-marker", ArgumentValue=upload_id
        )


def list_multipart_uploads(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html

    Sorted by key, then initiation time; ``upload-id-marker`` counts only with ``key-marker``.
    """
    encode = _encoder(params)
    limit = _limit(params, "MaxUploads", "max-uploads")
    prefix = params.get("Prefix", "")
    delimiter = params.get("Delimiter", "")
    key_marker = params.get("KeyMarker", "")
    id_marker = params.get("UploadIdMarker", "") if key_marker else ""
    if id_marker:
        _check_upload_marker(ctx, params["Bucket"], key_marker, id_marker)
    page = ctx.store.multipart.list_uploads(
        params["Bucket"], prefix, delimiter, (key_marker, id_marker or None), limit
    )
    output: Output = {
        "Bucket": params["Bucket"],
        "KeyMarker": encode(key_marker),
        "UploadIdMarker": id_marker,
        "MaxUploads": limit,
        "IsTruncated": page.truncated,
        "Uploads": [_upload_entry(ctx, upload, encode) for upload in page.objects],
        "CommonPrefixes": [{"Prefix": encode(prefix)} for prefix in page.prefixes],
    }
    if prefix:
        output["Prefix"] = encode(prefix)
    if delimiter:
        output["Delimiter"] = encode(delimiter)
    if params.get("EncodingType"):
        output["EncodingType"] = params["EncodingType"]
    # Always sent: the last upload listed, or empty when the page listed none or ended on a
    # common prefix (AWS, as LocalStack's validated list-multiparts snapshots recorded it).
    if page.last is not None and page.last_version is not None:  # ended on an upload
        output["NextKeyMarker"] = encode(page.last)
        output["NextUploadIdMarker"] = page.last_version
    else:
        output["NextKeyMarker"] = output["NextUploadIdMarker"] = ""
    return output


HANDLERS: dict[str, Handler] = {
    "CreateMultipartUpload": create_multipart_upload,
    "UploadPart": upload_part,
    "UploadPartCopy": upload_part_copy,
    "CompleteMultipartUpload": complete_multipart_upload,
    "AbortMultipartUpload": abort_multipart_upload,
    "ListParts": list_parts,
    "ListMultipartUploads": list_multipart_uploads,
}
