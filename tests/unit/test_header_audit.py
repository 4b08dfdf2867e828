"""No accepted-and-ignored headers: every header, header map and query member of every operation
fakes3 handles is honoured by code that reads it, answered by ``request_rules``, accepted there
with a documented reason, or owned by another piece of issue 10 (listed here).

A member added to the model (a botocore upgrade) or an operation given a handler makes this test
fail until someone decides what fakes3 does with each new header. See docs/request-headers.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes3.operations import HANDLERS, request_rules
from fakes3.protocol.model import load_model

ROOT = Path(__file__).resolve().parents[2]
MODEL = load_model()

# Read by a handler: the model member name appears quoted in the handler's module or in the
# helpers handlers share (checked below, so a name cannot be listed without code reading it).
HONOURED: dict[str, str] = {
    "AbortMultipartUpload": "UploadId IfMatchInitiatedTime",
    "CompleteMultipartUpload": "UploadId MpuObjectSize IfMatch IfNoneMatch ChecksumType",
    "CopyObject": (
        "CacheControl ContentDisposition ContentEncoding ContentLanguage ContentType CopySource "
        "CopySourceIfMatch CopySourceIfModifiedSince CopySourceIfNoneMatch "
        "CopySourceIfUnmodifiedSince Expires IfMatch IfNoneMatch Metadata MetadataDirective "
        "StorageClass WebsiteRedirectLocation ChecksumAlgorithm Tagging TaggingDirective"
    ),
    "CreateMultipartUpload": (
        "CacheControl ContentDisposition ContentEncoding ContentLanguage ContentType Expires "
        "Metadata StorageClass WebsiteRedirectLocation ChecksumAlgorithm ChecksumType Tagging"
    ),
    "DeleteObject": "VersionId IfMatch BypassGovernanceRetention",
    "GetObject": (
        "IfMatch IfModifiedSince IfNoneMatch IfUnmodifiedSince Range ResponseCacheControl "
        "ResponseContentDisposition ResponseContentEncoding ResponseContentLanguage "
        "ResponseContentType ResponseExpires VersionId PartNumber ChecksumMode"
    ),
    "GetObjectAttributes": "VersionId MaxParts PartNumberMarker ObjectAttributes",
    "GetObjectTagging": "VersionId",
    "ListDirectoryBuckets": "ContinuationToken MaxDirectoryBuckets",
    "PutBucketReplication": "Token",
    "PutBucketPolicy": "ConfirmRemoveSelfBucketAccess",
    "PutBucketLifecycleConfiguration": "TransitionDefaultMinimumObjectSize",
    # The Id-keyed configuration families (operations/config/keyed*.py)
    "GetBucketAnalyticsConfiguration": "Id",
    "PutBucketAnalyticsConfiguration": "Id",
    "DeleteBucketAnalyticsConfiguration": "Id",
    "ListBucketAnalyticsConfigurations": "ContinuationToken",
    "GetBucketIntelligentTieringConfiguration": "Id",
    "PutBucketIntelligentTieringConfiguration": "Id",
    "DeleteBucketIntelligentTieringConfiguration": "Id",
    "ListBucketIntelligentTieringConfigurations": "ContinuationToken",
    "GetBucketInventoryConfiguration": "Id",
    "PutBucketInventoryConfiguration": "Id",
    "DeleteBucketInventoryConfiguration": "Id",
    "ListBucketInventoryConfigurations": "ContinuationToken",
    "GetBucketMetricsConfiguration": "Id",
    "PutBucketMetricsConfiguration": "Id",
    "DeleteBucketMetricsConfiguration": "Id",
    "ListBucketMetricsConfigurations": "ContinuationToken",
    "PutObjectTagging": "VersionId",
    "DeleteObjectTagging": "VersionId",
    "GetObjectAcl": "VersionId",
    # Object Lock (operations/retention.py, object_lock.py) and restore (restore.py)
    "GetObjectRetention": "VersionId",
    "PutObjectRetention": "VersionId BypassGovernanceRetention",
    "RestoreObject": "VersionId",
    "CreateBucket": "ObjectLockEnabledForBucket",
    "DeleteObjects": "BypassGovernanceRetention",
    "GetObjectLegalHold": "VersionId",
    "PutObjectLegalHold": "VersionId",
    "HeadObject": (
        "IfMatch IfModifiedSince IfNoneMatch IfUnmodifiedSince Range ResponseCacheControl "
        "ResponseContentDisposition ResponseContentEncoding ResponseContentLanguage "
        "ResponseContentType ResponseExpires VersionId PartNumber ChecksumMode"
    ),
    "ListBuckets": "MaxBuckets ContinuationToken Prefix BucketRegion",
    "ListMultipartUploads": "Delimiter EncodingType KeyMarker MaxUploads Prefix UploadIdMarker",
    "ListObjectVersions": "Delimiter EncodingType KeyMarker MaxKeys Prefix VersionIdMarker",
    "ListObjects": "Delimiter EncodingType Marker MaxKeys Prefix",
    "ListObjectsV2": (
        "Delimiter EncodingType MaxKeys Prefix ContinuationToken FetchOwner StartAfter"
    ),
    "ListParts": "MaxParts PartNumberMarker UploadId",
    "PutObject": (
        "CacheControl ContentDisposition ContentEncoding ContentLanguage ContentType Expires "
        "IfMatch IfNoneMatch Metadata StorageClass WebsiteRedirectLocation Tagging"
    ),
    "UploadPart": "PartNumber UploadId",
    "UploadPartCopy": (
        "CopySource CopySourceIfMatch CopySourceIfModifiedSince CopySourceIfNoneMatch "
        "CopySourceIfUnmodifiedSince CopySourceRange PartNumber UploadId"
    ),
}
# The lock a write asks for, read in operations/object_lock.py.
LOCK = "ObjectLockMode ObjectLockRetainUntilDate ObjectLockLegalHoldStatus"
for _op in ("PutObject", "CopyObject", "CreateMultipartUpload"):
    HONOURED[_op] = f"{HONOURED[_op]} {LOCK}"
# ACLs, read in operations/acls.py.
_ACL = "ACL GrantFullControl GrantRead GrantReadACP GrantWrite GrantWriteACP"
for _op in ("PutBucketAcl", "PutObjectAcl"):
    HONOURED[_op] = f"{HONOURED.get(_op, '')} {_ACL}".strip()
HONOURED["PutObjectAcl"] += " VersionId"
# Server-side encryption members, read in operations/encryption.py and customer_keys.py.
SSE_C = "SSECustomerAlgorithm SSECustomerKey SSECustomerKeyMD5"
SSE_WRITE = f"ServerSideEncryption {SSE_C} SSEKMSKeyId SSEKMSEncryptionContext BucketKeyEnabled"
SSE_C_SOURCE = " ".join("CopySource" + name for name in SSE_C.split())
for _op, _names in {
    "CompleteMultipartUpload": SSE_C,
    "CopyObject": f"{SSE_WRITE} {SSE_C_SOURCE}",
    "CreateMultipartUpload": SSE_WRITE,
    "GetObject": SSE_C,
    "GetObjectAttributes": SSE_C,
    "HeadObject": SSE_C,
    "ListParts": SSE_C,
    "PutObject": SSE_WRITE,
    "UpdateObjectEncryption": "VersionId",
    "UploadPart": SSE_C,
    "UploadPartCopy": f"{SSE_C} {SSE_C_SOURCE}",
}.items():
    HONOURED[_op] = f"{HONOURED.get(_op, '')} {_names}".strip()

# Where handlers' shared helpers live: a member read there counts for every handler.
SHARED = (
    "attributes.py",
    "conditions.py",
    "objects.py",
    "encryption.py",
    "customer_keys.py",
    "object_lock.py",
)

# Honoured for every operation below the handlers, by wire name: (file, what it reads).
CROSS_CUTTING: dict[str, tuple[str, str]] = {
    "x-amz-expected-bucket-owner": ("fakes3/auth/gate.py", "x-amz-expected-bucket-owner"),
    "x-amz-source-expected-bucket-owner": (
        "fakes3/auth/gate.py",
        "x-amz-source-expected-bucket-owner",
    ),
    "content-md5": ("fakes3/protocol/body.py", '"content-md5"'),
    "content-length": ("fakes3/app.py", '"CONTENT_LENGTH"'),
    "x-amz-sdk-checksum-algorithm": ("fakes3/protocol/body.py", "x-amz-sdk-checksum-algorithm"),
    # x-amz-checksum-<algorithm> values: checked against the body (CompleteMultipartUpload's
    # against the parts, in operations/multipart.py).
    **{
        f"x-amz-checksum-{name}": ("fakes3/protocol/body.py", 'startswith("x-amz-checksum-")')
        for name in (
            "crc32 crc32c crc64nvme sha1 sha256 sha512 md5 xxhash64 xxhash3 xxhash128".split()
        )
    },
}


# Owned by a feature still being built (none now: encryption and tagging are honoured).
OUT_OF_SCOPE: frozenset[str] = frozenset()

_LOCATIONS = ("header", "headers", "querystring")


def _wire_members(operation: str) -> list[tuple[str, str]]:
    shape = MODEL.input_shape(operation)
    if shape is None:
        return []
    return [
        (member.name, member.wire_name.lower())
        for member in MODEL.members(shape)
        if member.location in _LOCATIONS
    ]


def _ruled(operation: str) -> set[str]:
    return {m for rule in request_rules.RULES.get(operation, ()) for m in rule.members}


@pytest.mark.parametrize("operation", sorted(HANDLERS))
def test_every_header_of_a_handled_operation_has_an_answer(operation: str) -> None:
    honoured = set(HONOURED.get(operation, "").split())
    ruled = _ruled(operation)
    unanswered = [
        f"{name} ({wire})"
        for name, wire in _wire_members(operation)
        if name not in honoured
        and name not in ruled
        and name not in request_rules.ACCEPTED
        and name not in OUT_OF_SCOPE
        and wire not in CROSS_CUTTING
    ]
    assert not unanswered, (
        f"{operation}: honour these, refuse them in fakes3/operations/request_rules.py as AWS "
        f"does, or answer NotImplemented: {unanswered}"
    )


def _sources(operation: str) -> str:
    """The handler's module, the helpers it shares, and for a handler made from a
    BucketConfig declaration, the feature modules beside the declaration."""
    module = Path(HANDLERS[operation].__code__.co_filename)
    shared = [module.parent / name for name in SHARED if (module.parent / name).exists()]
    if module.name == "declaration.py":
        shared.extend(sorted(module.parent.glob("*.py")))
    return "\n".join(path.read_text() for path in (module, *shared))


@pytest.mark.parametrize("operation", sorted(HONOURED))
def test_honoured_members_are_read_by_code(operation: str) -> None:
    """The honoured list stays honest: each name is read where the handler lives."""
    assert operation in HANDLERS
    members = dict(_wire_members(operation))
    source = _sources(operation)
    for name in HONOURED[operation].split():
        assert name in members, f"{operation} has no header/query member {name}"
        assert f'"{name}"' in source, f"{operation}: nothing reads params[{name!r}]"


def test_cross_cutting_headers_are_read_where_named() -> None:
    for wire, (path, evidence) in CROSS_CUTTING.items():
        assert evidence in (ROOT / path).read_text(), (wire, path)


def test_rules_name_real_members_of_handled_operations() -> None:
    for operation, rules in request_rules.RULES.items():
        assert operation in HANDLERS, operation
        shape = MODEL.input_shape(operation)
        members = {member.name for member in MODEL.members(shape)} if shape else set()
        for rule in rules:
            assert rule.does
            for name in rule.members:
                assert name in members, f"{operation} has no input member {name}"
    every = {name for op in HANDLERS for name, _ in _wire_members(op)}
    assert set(request_rules.ACCEPTED) <= every


def test_check_costs_nothing_without_triggers() -> None:
    """Operations without rules, and requests without the headers, never reach a rule."""

    class Exploding:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"a rule ran and used ctx.{name}")

    ctx = Exploding()
    request_rules.check("GetObject", ctx, {"Bucket": "b", "Key": "k"})  # type: ignore[arg-type]
    plain_put = {"Bucket": "b", "Key": "k", "ContentType": "text/plain", "Metadata": {}}
    request_rules.check("PutObject", ctx, plain_put)  # type: ignore[arg-type]
