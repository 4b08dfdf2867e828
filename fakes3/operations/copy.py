"""CopyObject: server-side copies, with metadata/tagging directives and source conditions."""

from __future__ import annotations

from urllib.parse import unquote, unquote_plus

from fakes3.errors import (
    InvalidArgument,
    InvalidRequest,
    MethodNotAllowed,
    NotImplementedByFakeS3,
)
from fakes3.operations import acls, encryption, lifecycle_headers, object_lock, restore
from fakes3.operations.attributes import (
    check_redirect,
    checksum_output,
    new_object,
    parse_tagging,
    validate_key,
    validate_storage_class,
)
from fakes3.operations.conditions import check_copy_source_conditions
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.objects import write_condition
from fakes3.protocol.checksums import ALGORITHMS
from fakes3.store.records import ObjectRecord
from fakes3.store.store import NewObject

_DIRECTIVES = ("COPY", "REPLACE")


def parse_copy_source(value: str) -> tuple[str, str, str | None]:
    """``x-amz-copy-source``: URL-encoded ``[/]bucket/key[?versionId=id]``, a ``+`` read as a
    space (AWS: LocalStack's validated test_copy_object_special_character_plus_for_space;
    SDKs send a ``+`` of a key as ``%2B``)."""
    if value.startswith("arn:"):
        raise NotImplementedByFakeS3("fakes3 does not implement access point copy sources yet.")
    path, _, query = value.partition("?")
    version = None
    if query.startswith("versionId="):
        version = unquote(query[len("versionId=") :])
    bucket, _, key = unquote_plus(path).lstrip("/").partition("/")
    if bucket and not key:  # AWS: LocalStack's validated test_s3_copy_object_wrong_format
        raise InvalidArgument(
            "Invalid copy source object key",
            ArgumentName="x-amz-copy-source",
            ArgumentValue="x-amz-copy-source",
        )
    if not bucket:
        raise InvalidArgument(
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
            ArgumentName="x-amz-copy-source",
            ArgumentValue=value,
        )
    return bucket, key, version


def _directive(params: Params, name: str, header: str) -> str:
    value = params.get(name, "COPY")
    if value not in _DIRECTIVES:
        raise InvalidArgument(
            f"Unknown {header.split('-')[2]} directive.", ArgumentName=header, ArgumentValue=value
        )
    return str(value)


def _checksum_algorithm(params: Params) -> str | None:
    """``x-amz-checksum-algorithm``: the copy's checksum is computed with it (None: the
    source's algorithm, as S3 copies the checksum by default)."""
    value = params.get("ChecksumAlgorithm")
    if value is None:
        return None
    if value.upper() not in ALGORITHMS:
        raise InvalidRequest(
            "Checksum algorithm provided is unsupported. Please try again with any of the "
            "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
        )
    return str(value.upper())


def copy_object(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html

    Copying an object onto itself is allowed only when something changes (REPLACE metadata,
    a new storage class or website redirect), as in S3, or when the source names a version:
    that is how a previous version is restored (user guide, RestoringPreviousVersions.html).
    The destination's storage class is STANDARD unless the request names one.
    ``x-amz-checksum-algorithm`` gives the copy a FULL_OBJECT checksum of that algorithm (user
    guide, checking-object-integrity-upload.html: "To change the checksum algorithm for an
    upload, you can copy an individual object").
    """
    src_bucket, src_key, version = parse_copy_source(params["CopySource"])
    dst_bucket, dst_key = params["Bucket"], params["Key"]
    validate_key(dst_key)
    metadata_directive = _directive(params, "MetadataDirective", "x-amz-metadata-directive")
    tagging_directive = _directive(params, "TaggingDirective", "x-amz-tagging-directive")
    algorithm = _checksum_algorithm(params)
    transport = encryption.transport_of(ctx)
    scope = encryption.scope_of(ctx, dst_bucket, dst_key, "s3:CopyObject")
    encrypted = encryption.resolve_write(params, scope, transport)
    seal = encryption.seal(params, transport, encrypted)
    lock = object_lock.for_write(ctx.store, dst_bucket, params)
    new_acl = acls.for_request(ctx, dst_bucket, params)  # a copy never inherits the source's

    def describe(src: ObjectRecord) -> NewObject:
        source_key = encryption.check_read(params, src.encryption, transport, copy_source=True)
        check_copy_source_conditions(params, src, ctx.store.clock.now)
        restore.check_copy_source(src, ctx.store.clock)
        unchanged = not (
            metadata_directive == "REPLACE"
            or params.get("StorageClass")
            or params.get("WebsiteRedirectLocation")
            or encryption.copy_in_place_allowed(params, scope)
        )
        if (src_bucket, src_key) == (dst_bucket, dst_key) and version is None and unchanged:
            raise InvalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself "
                "without changing the object's metadata, storage class, website redirect "
                "location or encryption attributes."
            )
        if metadata_directive == "REPLACE":
            new = new_object(params, algorithm)
        else:
            headers = {k: v for k, v in src.headers.items() if k != "WebsiteRedirectLocation"}
            check_redirect(params.get("WebsiteRedirectLocation"))
            if params.get("WebsiteRedirectLocation"):
                headers["WebsiteRedirectLocation"] = params["WebsiteRedirectLocation"]
            new = NewObject(
                content_type=src.content_type,
                headers=headers,
                metadata=dict(src.metadata),
                storage_class=validate_storage_class(params.get("StorageClass")),
                checksum_algorithm=algorithm,
            )
        new.tags = src.tags if tagging_directive == "COPY" else parse_tagging(params.get("Tagging"))
        new.encryption, new.lock, new.acl = encrypted, lock, new_acl
        new.seal, new.unseal = seal, encryption.opened(src.encryption, source_key)
        return new

    try:
        src, record = ctx.store.copy_object(
            (src_bucket, src_key, version), (dst_bucket, dst_key), describe, write_condition(params)
        )
    except MethodNotAllowed:  # the version asked for is a delete marker
        raise InvalidRequest(
            "The source of a copy request may not specifically refer to a delete marker by "
            "version id."
        ) from None
    # A plain copy's result names the checksum, not its type (AWS: LocalStack's validated
    # test_s3_preconditions copy-success, recorded 2025); one that asked for an algorithm
    # names both.
    checksum = checksum_output(record)
    if algorithm is None:
        checksum.pop("ChecksumType", None)
    result = {"ETag": record.etag, "LastModified": record.last_modified, **checksum}
    output: Output = {"CopyObjectResult": result, **encryption.echo(record.encryption)}
    if src.version_id not in (None, "null"):  # AWS names no null source version (LocalStack's
        output["CopySourceVersionId"] = src.version_id  # validated in-place suspended copies)
    if record.version_id is not None:
        # "null" too, in a suspended bucket, where PutObject sends none (AWS: LocalStack's
        # validated test_s3_copy_object_in_place_versioned, copy-in-place-versioned-suspended)
        output["VersionId"] = record.version_id
    output.update(lifecycle_headers.expiration(ctx, dst_bucket, record))
    return output


HANDLERS: dict[str, Handler] = {"CopyObject": copy_object}
