"""What every bucket answers before fakes3 lets these configurations change.

Since April 2023 a new S3 bucket has Object Ownership ``BucketOwnerEnforced`` (ACLs disabled:
the owner has FULL_CONTROL of the bucket and every object), all four Block Public Access
settings on, no policy and no object lock (lifecycle rules live in
``operations/config/lifecycle.py``). fakes3 cannot change any of these yet — PutBucketAcl,
PutBucketPolicy, PutPublicAccessBlock, PutBucketOwnershipControls, PutObjectLockConfiguration
and object-lock-enabled CreateBucket answer NotImplemented — so every bucket is such a bucket,
and these reads answer exactly what S3 answers for one. The access-control and time-driven
features replace them.
"""

from __future__ import annotations

from fakes3.errors import (
    InvalidRequest,
    NoSuchBucketPolicy,
    ObjectLockConfigurationNotFoundError,
)
from fakes3.operations.context import Context, Handler, Output, Params

NO_OBJECT_LOCK = "Bucket is missing Object Lock Configuration"


def _owner_acl(ctx: Context, bucket: str) -> Output:
    owner = ctx.owner_of(ctx.store.get_bucket(bucket))
    grantee = {"Type": "CanonicalUser", **owner}
    return {"Owner": owner, "Grants": [{"Grantee": grantee, "Permission": "FULL_CONTROL"}]}


def get_bucket_acl(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html"""
    return _owner_acl(ctx, params["Bucket"])


def get_object_acl(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html

    With ACLs disabled the bucket owner owns every object.
    """
    bucket = params["Bucket"]
    ctx.store.head_object(bucket, params["Key"], params.get("VersionId"))
    return _owner_acl(ctx, bucket)


def get_bucket_ownership_controls(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html"""
    ctx.store.get_bucket(params["Bucket"])
    return {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}


def get_public_access_block(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html"""
    ctx.store.get_bucket(params["Bucket"])
    settings = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    return {"PublicAccessBlockConfiguration": dict.fromkeys(settings, True)}


def get_bucket_policy(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html (and
    GetBucketPolicyStatus, which answers the same error without a policy)."""
    ctx.store.get_bucket(params["Bucket"])
    raise NoSuchBucketPolicy(BucketName=params["Bucket"])


def get_object_lock_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html"""
    ctx.store.get_bucket(params["Bucket"])
    raise ObjectLockConfigurationNotFoundError(BucketName=params["Bucket"])


def object_lock_refused(ctx: Context, params: Params) -> Output:
    """Get/PutObjectRetention and Get/PutObjectLegalHold on a bucket without object lock:
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html"""
    ctx.store.get_bucket(params["Bucket"])
    raise InvalidRequest(NO_OBJECT_LOCK)


HANDLERS: dict[str, Handler] = {
    "GetBucketAcl": get_bucket_acl,
    "GetObjectAcl": get_object_acl,
    "GetBucketOwnershipControls": get_bucket_ownership_controls,
    "GetPublicAccessBlock": get_public_access_block,
    "GetBucketPolicy": get_bucket_policy,
    "GetBucketPolicyStatus": get_bucket_policy,
    "GetObjectLockConfiguration": get_object_lock_configuration,
    "GetObjectRetention": object_lock_refused,
    "PutObjectRetention": object_lock_refused,
    "GetObjectLegalHold": object_lock_refused,
    "PutObjectLegalHold": object_lock_refused,
}
