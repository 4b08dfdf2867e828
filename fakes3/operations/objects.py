"""Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fakes3.errors import (
    EntityTooLarge,
    InvalidArgument,
    InvalidPartNumber,
    InvalidRequest,
    MalformedXML,
    MissingContentLength,
    NoSuchKey,
    NoSuchVersion,
    NotImplementedByFakeS3,
    PreconditionFailed,
    S3Error,
)
from fakes3.operations import acls, encryption, lifecycle_headers, object_lock, restore
from fakes3.operations.attributes import (
    MAX_KEY_BYTES,
    apply_overrides,
    checksum_output,
    new_object,
    refuse_anonymous_overrides,
    representation,
    validate_key,
)
from fakes3.operations.conditions import (
    Now,
    check_read_conditions,
    etag_matches,
    parse_range,
)
from fakes3.operations.context import Context, Handler, Output, Params, anyone_may
from fakes3.protocol.body import RequestBody
from fakes3.protocol.serializing import STATUS
from fakes3.store.records import ObjectRecord
from fakes3.store.store import Doomed
from fakes3.store.versioning import NULL, Deletion

# S3 gives every new object a CRC64NVME checksum when the client sends none (since 2025).
DEFAULT_CHECKSUM = "CRC64NVME"
MAX_PUT_SIZE = 5 * 1024**3  # a single PUT; larger objects need multipart


def write_condition(params: Params) -> Any:
    """If-Match / If-None-Match on a write, checked atomically at commit by the store."""
    if_match, if_none_match = params.get("IfMatch"), params.get("IfNoneMatch")
    # What S3 does not do on a write, in its words (recorded by LocalStack's validated
    # test_put_object_if_match_and_if_none_match_validation and its twins)
    if if_match is not None and if_none_match is not None:
        raise NotImplementedByFakeS3(
            Header="If-Match,If-None-Match",
            additionalMessage="Multiple conditional request headers present in the request",
        )
    refused = None  # only If-None-Match: * and an If-Match naming an ETag are honoured
    if if_none_match is not None and if_none_match.strip() != "*":
        refused = "If-None-Match"
    elif if_match is not None and if_match.strip() == "*":
        refused = "If-Match"
    if refused is not None:
        detail = f"We don't accept the provided value of {refused} header for this API"
        raise NotImplementedByFakeS3(Header=refused, additionalMessage=detail)
    if if_match is None and if_none_match is None:
        return None

    def check(current: ObjectRecord | None) -> None:
        if if_none_match is not None and current is not None:
            raise PreconditionFailed(Condition="If-None-Match")
        if if_match is not None:
            if current is None:
                raise NoSuchKey(Key=params["Key"])
            if not etag_matches(if_match, current.etag):
                raise PreconditionFailed(Condition="If-Match")

    return check


def put_object(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html"""
    key = params["Key"]
    validate_key(key)
    if not ctx.request.announces_length:
        raise MissingContentLength()
    if ctx.request.content_length is not None and ctx.request.content_length > MAX_PUT_SIZE:
        raise EntityTooLarge(ProposedSize=ctx.request.content_length, MaxSizeAllowed=MAX_PUT_SIZE)
    body: RequestBody = params["Body"]
    algorithm = body.checksum_algorithm or params.get("ChecksumAlgorithm") or DEFAULT_CHECKSUM
    new = new_object(params, algorithm.upper(), framed=body.framed)
    scope, transport = encryption.scope_of(ctx, params["Bucket"], key), encryption.transport_of(ctx)
    new.encryption = encryption.resolve_write(params, scope, transport)
    new.seal = encryption.seal(params, transport, new.encryption)
    new.lock = object_lock.for_write(ctx.store, params["Bucket"], params)
    object_lock.require_digest(new.lock, params)
    new.acl = acls.for_request(ctx, params["Bucket"], params)
    record = ctx.store.put_object(params["Bucket"], key, body, new, write_condition(params))
    output = {"ETag": record.etag, **encryption.echo(new.encryption), **checksum_output(record)}
    output.update(written_version(record))
    output.update(lifecycle_headers.expiration(ctx, params["Bucket"], record))
    return output


def written_version(record: ObjectRecord) -> Output:
    """``x-amz-version-id`` of a write: only the new id in a versioning-enabled bucket.

    S3 sends none for a write that made (or replaced) the ``null`` version in a suspended
    bucket, as for one in a bucket never versioned (AWS's answer as LocalStack recorded it in
    test_put_object_on_suspended_bucket); a later GET or HEAD does send ``null``.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_ResponseSyntax
    """
    if record.version_id is None or record.version_id == NULL:
        return {}
    return {"VersionId": record.version_id}


def _span(params: Params, record: ObjectRecord, state: dict[str, Any], now: Now) -> tuple[int, int]:
    """Check preconditions and choose the bytes to send; remembers a partial answer in state."""
    check_read_conditions(params, record, now)
    chosen: tuple[int, int] | None = None
    part = params.get("PartNumber")
    if part is not None:
        if params.get("Range"):
            raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
        if not 1 <= part <= 10000:
            raise InvalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive",
                ArgumentName="partNumber",
                ArgumentValue=part,
            )
        if record.parts:  # completed from a multipart upload: that part's bytes
            count = state["parts_count"] = len(record.parts)
            if part > count:
                raise InvalidPartNumber(PartNumberRequested=part, ActualPartCount=count)
            first = sum(p.size for p in record.parts[: part - 1])
            size = record.parts[part - 1].size
            chosen = (first, first + size - 1) if size else None
        elif part != 1:
            raise InvalidPartNumber(PartNumberRequested=part, ActualPartCount=1)
        else:
            chosen = (0, record.size - 1) if record.size else None
    elif params.get("Range"):
        chosen = parse_range(params["Range"], record.size)
    state["range"] = chosen
    return (chosen[0], chosen[1] + 1) if chosen else (0, record.size)


def _read_output(params: Params, record: ObjectRecord, state: dict[str, Any]) -> Output:
    """GET/HEAD headers: the stored representation, the range, checksums, overrides."""
    output = representation(record)
    apply_overrides(params, output)
    chosen = state.get("range")
    if chosen is not None:
        first, last = chosen
        output[STATUS] = 206
        output["ContentLength"] = last - first + 1
        output["ContentRange"] = f"bytes {first}-{last}/{record.size}"
    # any case, as AWS takes it (LocalStack's validated test_s3_get_object_checksum)
    checksum_mode = str(params.get("ChecksumMode") or "").upper() == "ENABLED"
    if state.get("parts_count"):
        output["PartsCount"] = state["parts_count"]
        part = record.parts[params["PartNumber"] - 1]
        # A part's own checksum: for COMPOSITE objects, and for a FULL_OBJECT one of a single
        # part, where it is the object's (localstack/localstack#12842 records what S3 answers).
        composite = record.checksum_type == "COMPOSITE" or len(record.parts) == 1
        if checksum_mode and composite and part.checksum:
            output.update(checksum_output(replace(record, checksum=part.checksum)))
    elif checksum_mode and (
        chosen is None or chosen == (0, record.size - 1)
    ):  # a range of the whole object carries its checksum (LocalStack's validated get-0-100)
        output.update(checksum_output(record))
    return output


def get_object(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html

    ``response-*`` query parameters override the stored headers, as for signed requests.
    """
    encryption.refuse_sse_header(ctx.request.sse_header)
    refuse_anonymous_overrides(ctx.account is None, params)
    state: dict[str, Any] = {}
    transport = encryption.transport_of(ctx)

    def span(rec: ObjectRecord) -> tuple[int, int]:
        restore.check_readable(rec, ctx.store.clock)
        state["customer"] = encryption.check_read(params, rec.encryption, transport)
        return _span(params, rec, state, ctx.store.clock.now)

    record, reader = ctx.store.read_object(
        params["Bucket"], params["Key"], span, params.get("VersionId")
    )
    seal = encryption.opened(record.encryption, state["customer"])
    if seal is not None:  # an SSE-C object stored encrypted: decrypt the bytes chosen
        reader = seal.reading(reader, state["range"][0] if state.get("range") else 0)
    try:
        output = _read_output(params, record, state)
        output.update(restore.restore_output(record, ctx.store.clock))
    except BaseException:
        reader.close()  # the blob was opened; an error now must not leak it
        raise
    output["Body"] = reader
    output.update(_expiration(ctx, params, record))
    return output


def head_object(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html"""
    encryption.refuse_sse_header(ctx.request.sse_header)
    refuse_anonymous_overrides(ctx.account is None, params)
    record = ctx.store.head_object(params["Bucket"], params["Key"], params.get("VersionId"))
    encryption.check_read(params, record.encryption, encryption.transport_of(ctx))
    state: dict[str, Any] = {}
    _span(params, record, state, ctx.store.clock.now)
    output = _read_output(params, record, state)
    output.update(restore.restore_output(record, ctx.store.clock))
    output.update(_expiration(ctx, params, record))
    return output


def _expiration(ctx: Context, params: Params, record: ObjectRecord) -> Output:
    """``x-amz-expiration`` of a read: not when a version is asked for by id, current or not
    (AWS: LocalStack's validated test_bucket_lifecycle_configuration_object_expiry_versioned)."""
    if params.get("VersionId") is not None:
        return {}
    return lifecycle_headers.expiration(ctx, params["Bucket"], record)


def delete_object(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html

    Deleting a key that does not exist succeeds (204), as in S3; in a versioned bucket it
    adds a delete marker, and with ``versionId`` it removes that version for good.
    """
    bypass = object_lock.bypass_of(ctx, params["Bucket"], params)
    if_match = params.get("IfMatch")
    condition = _etag_condition(if_match, params["Key"]) if if_match is not None else None
    deletion = ctx.store.delete_object(
        params["Bucket"], params["Key"], condition, params.get("VersionId"), bypass
    )
    output: Output = {}
    if deletion.delete_marker:
        output["DeleteMarker"] = True
    if deletion.version_id is not None:
        output["VersionId"] = deletion.version_id
    return output


def _etag_condition(if_match: str, key: str) -> Any:
    """A delete's If-Match: 404 if nothing is there, 412 if something else is."""

    def check(current: ObjectRecord | None) -> None:
        if current is None:
            raise NoSuchKey(Key=key)
        if not etag_matches(if_match, current.etag):
            raise PreconditionFailed(Condition="If-Match")

    return check


def delete_objects(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html

    At most 1000 keys; per-key errors. (The parser insists on Content-MD5 or a checksum, as
    the model's ``requestChecksumRequired`` says.)
    """
    spec = params.get("Delete") or {}
    objects = spec.get("Objects") or []
    if not objects or len(objects) > 1000:
        raise MalformedXML()
    bucket = params["Bucket"]
    ctx.store.get_bucket(bucket)
    bypass = object_lock.bypass_of(ctx, bucket, params)
    # A plain batch, unless a bucket policy decides key by key (auth/authorize.py).
    keys = _plain_keys(objects) if ctx.may_delete is anyone_may else None
    refused: dict[int, S3Error] = {}  # position -> its error; the store decides the others
    if keys is not None:
        doomed: list[Doomed] = [(key, None, None) for key in keys]
    else:
        doomed = _doomed(ctx, objects, refused)
    answers = ctx.store.delete_objects(bucket, doomed, bypass)
    quiet = bool(spec.get("Quiet"))
    if keys is not None and answers.count(answers[0]) == len(answers):
        first = answers[0]  # the same answer for every key: deleted as asked, no marker?
        if isinstance(first, Deletion) and not first.delete_marker:
            return {} if quiet else {"Deleted": [{"Key": key} for key in keys]}
    deleted: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    results = iter(answers)
    for position, item in enumerate(objects):
        key, version = item["Key"], item.get("VersionId")
        refusal = refused.get(position)
        result = refusal if refusal is not None else next(results)
        if isinstance(result, S3Error) and version is not None:
            if result.fields.get("ArgumentName") == "versionId":
                # DeleteObjects reports an id S3 never issued as NoSuchVersion, where
                # DeleteObject answers InvalidArgument (AWS, as LocalStack recorded it).
                result = NoSuchVersion()
        if isinstance(result, S3Error):
            entry = {"Key": key, "Code": result.code, "Message": result.text}
            errors.append({**entry, "VersionId": version} if version else entry)
        else:
            deleted.append(_deleted_entry(key, version, result))
    output: Output = {"Errors": errors} if errors else {}
    if not quiet:
        output["Deleted"] = deleted
    return output


def _plain_keys(objects: list[dict[str, Any]]) -> list[str] | None:
    """The keys, if every item names a key and nothing else (no version, no ETag) and no key
    is long enough for ``validate_key`` to refuse: the common batch, checked at C speed."""
    if sum(map(len, objects)) != len(objects):
        return None
    keys = [item.get("Key") for item in objects]
    if None in keys or max(map(len, keys)) > MAX_KEY_BYTES // 4:  # type: ignore[arg-type]
        return None
    return keys  # type: ignore[return-value]


def _doomed(
    ctx: Context, objects: list[dict[str, Any]], refused: dict[int, S3Error]
) -> list[Doomed]:
    """Each valid item as ``(key, version, ETag condition)``; invalid ones, and ones the
    caller may not delete, go to ``refused``."""
    doomed: list[Doomed] = []
    for position, item in enumerate(objects):
        key = item.get("Key")
        if key is None:
            raise MalformedXML()
        try:
            validate_key(key)
            ctx.may_delete(key, item.get("VersionId"))
        except S3Error as error:
            refused[position] = error
            continue
        etag = item.get("ETag")
        condition = _etag_condition(etag, key) if etag is not None else None
        doomed.append((key, item.get("VersionId"), condition))
    return doomed


def _deleted_entry(key: str, version: str | None, deletion: Deletion) -> dict[str, Any]:
    """One ``<Deleted>`` element: the version asked for, and the delete marker if one was
    made or removed."""
    entry: dict[str, Any] = {"Key": key}
    if version is not None:
        entry["VersionId"] = version
    if deletion.delete_marker:
        entry["DeleteMarker"] = True
        entry["DeleteMarkerVersionId"] = deletion.version_id
    return entry


HANDLERS: dict[str, Handler] = {
    "PutObject": put_object,
    "GetObject": get_object,
    "HeadObject": head_object,
    "DeleteObject": delete_object,
    "DeleteObjects": delete_objects,
}
