"""The IAM action each S3 operation needs, the actions a bucket policy may name, its keys.

From "Required permissions for Amazon S3 API operations"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html) and
the Service Authorization Reference for S3
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
An operation not in the table needs ``s3:<Operation>``.
"""

from __future__ import annotations

from collections.abc import Mapping

OBJECT = "object"
BUCKET = "bucket"
SERVICE = "service"

# operation -> (action, action with a versionId, resource kind)
_TABLE: dict[str, tuple[str, str | None, str]] = {
    "AbortMultipartUpload": ("AbortMultipartUpload", None, OBJECT),
    "CompleteMultipartUpload": ("PutObject", None, OBJECT),
    "CopyObject": ("PutObject", None, OBJECT),
    "CreateMultipartUpload": ("PutObject", None, OBJECT),
    "PostObject": ("PutObject", None, OBJECT),
    "PutObject": ("PutObject", None, OBJECT),
    "UploadPart": ("PutObject", None, OBJECT),
    "UploadPartCopy": ("PutObject", None, OBJECT),
    "DeleteObject": ("DeleteObject", "DeleteObjectVersion", OBJECT),
    "DeleteObjects": ("DeleteObject", None, BUCKET),
    "DeleteObjectTagging": ("DeleteObjectTagging", "DeleteObjectVersionTagging", OBJECT),
    "GetObject": ("GetObject", "GetObjectVersion", OBJECT),
    "HeadObject": ("GetObject", "GetObjectVersion", OBJECT),
    "GetPart": ("GetObject", "GetObjectVersion", OBJECT),
    "SelectObjectContent": ("GetObject", None, OBJECT),
    "GetObjectAcl": ("GetObjectAcl", "GetObjectVersionAcl", OBJECT),
    "PutObjectAcl": ("PutObjectAcl", "PutObjectVersionAcl", OBJECT),
    "GetObjectAttributes": ("GetObjectAttributes", "GetObjectVersionAttributes", OBJECT),
    "GetObjectLegalHold": ("GetObjectLegalHold", None, OBJECT),
    "PutObjectLegalHold": ("PutObjectLegalHold", None, OBJECT),
    "GetObjectRetention": ("GetObjectRetention", None, OBJECT),
    "PutObjectRetention": ("PutObjectRetention", None, OBJECT),
    "GetObjectTagging": ("GetObjectTagging", "GetObjectVersionTagging", OBJECT),
    "PutObjectTagging": ("PutObjectTagging", "PutObjectVersionTagging", OBJECT),
    "GetObjectTorrent": ("GetObjectTorrent", "GetObjectVersionTorrent", OBJECT),
    "RestoreObject": ("RestoreObject", None, OBJECT),
    "ListParts": ("ListMultipartUploadParts", None, OBJECT),
    "ListBuckets": ("ListAllMyBuckets", None, SERVICE),
    "ListDirectoryBuckets": ("ListAllMyDirectoryBuckets", None, SERVICE),
    "HeadBucket": ("ListBucket", None, BUCKET),
    "ListObjects": ("ListBucket", None, BUCKET),
    "ListObjectsV2": ("ListBucket", None, BUCKET),
    "ListObjectVersions": ("ListBucketVersions", None, BUCKET),
    "ListMultipartUploads": ("ListBucketMultipartUploads", None, BUCKET),
    "DeleteBucketAnalyticsConfiguration": ("PutAnalyticsConfiguration", None, BUCKET),
    "GetBucketAnalyticsConfiguration": ("GetAnalyticsConfiguration", None, BUCKET),
    "ListBucketAnalyticsConfigurations": ("GetAnalyticsConfiguration", None, BUCKET),
    "PutBucketAnalyticsConfiguration": ("PutAnalyticsConfiguration", None, BUCKET),
    "DeleteBucketCors": ("PutBucketCORS", None, BUCKET),
    "GetBucketCors": ("GetBucketCORS", None, BUCKET),
    "PutBucketCors": ("PutBucketCORS", None, BUCKET),
    "DeleteBucketEncryption": ("PutEncryptionConfiguration", None, BUCKET),
    "GetBucketEncryption": ("GetEncryptionConfiguration", None, BUCKET),
    "PutBucketEncryption": ("PutEncryptionConfiguration", None, BUCKET),
    "DeleteBucketIntelligentTieringConfiguration": (
        "PutIntelligentTieringConfiguration",
        None,
        BUCKET,
    ),
    "GetBucketIntelligentTieringConfiguration": (
        "GetIntelligentTieringConfiguration",
        None,
        BUCKET,
    ),
    "ListBucketIntelligentTieringConfigurations": (
        "GetIntelligentTieringConfiguration",
        None,
        BUCKET,
    ),
    "PutBucketIntelligentTieringConfiguration": (
        "PutIntelligentTieringConfiguration",
        None,
        BUCKET,
    ),
    "DeleteBucketInventoryConfiguration": ("PutInventoryConfiguration", None, BUCKET),
    "GetBucketInventoryConfiguration": ("GetInventoryConfiguration", None, BUCKET),
    "ListBucketInventoryConfigurations": ("GetInventoryConfiguration", None, BUCKET),
    "PutBucketInventoryConfiguration": ("PutInventoryConfiguration", None, BUCKET),
    "DeleteBucketMetricsConfiguration": ("PutMetricsConfiguration", None, BUCKET),
    "GetBucketMetricsConfiguration": ("GetMetricsConfiguration", None, BUCKET),
    "ListBucketMetricsConfigurations": ("GetMetricsConfiguration", None, BUCKET),
    "PutBucketMetricsConfiguration": ("PutMetricsConfiguration", None, BUCKET),
    "DeleteBucketLifecycle": ("PutLifecycleConfiguration", None, BUCKET),
    "GetBucketLifecycle": ("GetLifecycleConfiguration", None, BUCKET),
    "GetBucketLifecycleConfiguration": ("GetLifecycleConfiguration", None, BUCKET),
    "PutBucketLifecycle": ("PutLifecycleConfiguration", None, BUCKET),
    "PutBucketLifecycleConfiguration": ("PutLifecycleConfiguration", None, BUCKET),
    "DeleteBucketOwnershipControls": ("PutBucketOwnershipControls", None, BUCKET),
    "DeleteBucketReplication": ("PutReplicationConfiguration", None, BUCKET),
    "GetBucketReplication": ("GetReplicationConfiguration", None, BUCKET),
    "PutBucketReplication": ("PutReplicationConfiguration", None, BUCKET),
    "DeleteBucketTagging": ("PutBucketTagging", None, BUCKET),
    "GetBucketAccelerateConfiguration": ("GetAccelerateConfiguration", None, BUCKET),
    "PutBucketAccelerateConfiguration": ("PutAccelerateConfiguration", None, BUCKET),
    "GetBucketNotificationConfiguration": ("GetBucketNotification", None, BUCKET),
    "PutBucketNotificationConfiguration": ("PutBucketNotification", None, BUCKET),
    "GetObjectLockConfiguration": ("GetBucketObjectLockConfiguration", None, BUCKET),
    "PutObjectLockConfiguration": ("PutBucketObjectLockConfiguration", None, BUCKET),
    "GetPublicAccessBlock": ("GetBucketPublicAccessBlock", None, BUCKET),
    "PutPublicAccessBlock": ("PutBucketPublicAccessBlock", None, BUCKET),
    "DeletePublicAccessBlock": ("PutBucketPublicAccessBlock", None, BUCKET),
    "CreateBucketMetadataConfiguration": (
        "CreateBucketMetadataTableConfiguration",
        None,
        BUCKET,
    ),
    "GetBucketMetadataConfiguration": ("GetBucketMetadataTableConfiguration", None, BUCKET),
    "DeleteBucketMetadataConfiguration": (
        "DeleteBucketMetadataTableConfiguration",
        None,
        BUCKET,
    ),
}

# Bucket-level actions named as in the Service Authorization Reference, beyond the table.
_BUCKET_ACTIONS = (
    "CreateBucket DeleteBucket GetBucketLocation GetBucketVersioning PutBucketVersioning "
    "GetBucketTagging PutBucketTagging GetBucketAcl PutBucketAcl GetBucketPolicy "
    "PutBucketPolicy DeleteBucketPolicy GetBucketPolicyStatus GetBucketOwnershipControls "
    "PutBucketOwnershipControls GetBucketWebsite PutBucketWebsite DeleteBucketWebsite "
    "GetBucketLogging PutBucketLogging GetBucketNotification PutBucketNotification "
    "GetBucketRequestPayment PutBucketRequestPayment GetBucketCORS PutBucketCORS "
    "GetBucketAbac PutBucketAbac ListBucketByTags GetBucketObjectLockConfiguration "
    "PutBucketObjectLockConfiguration CreateBucketMetadataTableConfiguration "
    "GetBucketMetadataTableConfiguration DeleteBucketMetadataTableConfiguration "
    "UpdateBucketMetadataInventoryTableConfiguration "
    "UpdateBucketMetadataJournalTableConfiguration PutBucketDefaultStorageClass "
    "GetBucketDefaultStorageClass"
).split()
_OBJECT_ACTIONS = (
    "BypassGovernanceRetention DeleteObjectVersion GetObjectVersionForReplication "
    "InitiateReplication ObjectOwnerOverrideToBucketOwner ReplicateDelete ReplicateObject "
    "ReplicateTags PutObjectVersionAcl PutObjectVersionTagging GetObjectVersionAttributes"
).split()
_SERVICE_ACTIONS = ("CreateJob", "PutAccountPublicAccessBlock", "GetAccountPublicAccessBlock")


def _kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for action, versioned, kind in _TABLE.values():
        kinds[action.lower()] = OBJECT if action == "DeleteObject" else kind
        if versioned is not None:
            kinds[versioned.lower()] = kind
    kinds.update((name.lower(), BUCKET) for name in _BUCKET_ACTIONS)
    kinds.update((name.lower(), OBJECT) for name in _OBJECT_ACTIONS)
    kinds.update((name.lower(), SERVICE) for name in _SERVICE_ACTIONS)
    return kinds


ACTION_KINDS: dict[str, str] = _kinds()
"""Every S3 action a bucket policy may name (lower case, without ``s3:``) -> its resource."""


def action_of(operation: str, versioned: bool = False) -> tuple[str, str]:
    """``("s3:GetObject", "object")``: the action ``operation`` needs and what it acts on."""
    entry = _TABLE.get(operation)
    if entry is None:
        kind = ACTION_KINDS.get(operation.lower(), BUCKET)
        return "s3:" + operation, kind
    action, version_action, kind = entry
    if versioned and version_action is not None:
        action = version_action
    return "s3:" + action, kind


_ACL_HEADERS = (
    "x-amz-acl",
    "x-amz-grant-read",
    "x-amz-grant-read-acp",
    "x-amz-grant-write-acp",
    "x-amz-grant-full-control",
)
_WRITES_WITH_TAGS_AND_ACLS = frozenset(("PutObject", "CopyObject", "CreateMultipartUpload"))


def also_needed(operation: str, versioned: bool, headers: Mapping[str, str]) -> tuple[str, ...]:
    """Actions a request needs besides its operation's: GetObjectAttributes also reads the
    object (``s3:GetObject(Version)``); a write that sets tags needs ``s3:PutObjectTagging``,
    one that sets an ACL ``s3:PutObjectAcl`` (the API pages of those operations)."""
    if operation == "GetObjectAttributes":
        return ("s3:GetObjectVersion" if versioned else "s3:GetObject",)
    if operation not in _WRITES_WITH_TAGS_AND_ACLS:
        return ()
    extra: tuple[str, ...] = ()
    if "x-amz-tagging" in headers:
        extra += ("s3:PutObjectTagging",)
    if any(name in headers for name in _ACL_HEADERS):
        extra += ("s3:PutObjectAcl",)
    return extra


# S3's own condition keys (lower case); ``aws:`` keys are all accepted, as S3 does.
S3_CONDITION_KEYS = frozenset(
    key.lower()
    for key in (
        "s3:prefix s3:delimiter s3:max-keys s3:x-amz-acl s3:x-amz-copy-source "
        "s3:x-amz-metadata-directive s3:x-amz-grant-read s3:x-amz-grant-write "
        "s3:x-amz-grant-read-acp s3:x-amz-grant-write-acp s3:x-amz-grant-full-control "
        "s3:x-amz-storage-class s3:x-amz-server-side-encryption "
        "s3:x-amz-server-side-encryption-aws-kms-key-id "
        "s3:x-amz-server-side-encryption-customer-algorithm s3:x-amz-content-sha256 "
        "s3:RequestObjectTagKeys s3:VersionId s3:signatureversion s3:authType "
        "s3:signatureAge s3:TlsVersion s3:if-match s3:if-none-match "
        "s3:ObjectCreationOperation s3:ResourceAccount s3:LocationConstraint "
        "s3:object-lock-mode s3:object-lock-retain-until-date s3:object-lock-legal-hold "
        "s3:object-lock-remaining-retention-days s3:DataAccessPointArn "
        "s3:DataAccessPointAccount s3:AccessPointNetworkOrigin s3:x-amz-object-ownership "
        "s3:x-amz-write-offset-bytes s3:AccessGrantsInstanceArn s3:x-amz-checksum-algorithm"
    ).split()
)
S3_CONDITION_PREFIXES = ("s3:existingobjecttag/", "s3:requestobjecttag/", "s3:buckettag/")


def known_condition_key(key: str) -> bool:
    """Whether a bucket policy may name ``key`` (S3 refuses unknown ``s3:`` keys)."""
    lowered = key.lower()
    if lowered.startswith("aws:"):
        return True
    return lowered in S3_CONDITION_KEYS or lowered.startswith(S3_CONDITION_PREFIXES)
