"""What every bucket answers before fakes3 lets these configurations change.

Since April 2023 a new S3 bucket has Object Ownership ``BucketOwnerEnforced`` (ACLs disabled:
the owner has FULL_CONTROL of the bucket and every object), all four Block Public Access
settings on. fakes3 cannot change some of these yet — PutBucketAcl and
PutBucketOwnershipControls answer NotImplemented — so every bucket is such a bucket, and
these reads answer exactly what S3 answers for one. The access-control features replace them
(policies: ``operations/config/policy.py``; Object Lock: ``operations/object_lock.py``;
lifecycle: ``operations/config/lifecycle.py``).
"""

from __future__ import annotations

from fakes3.operations.context import Context, Handler, Output, Params


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


HANDLERS: dict[str, Handler] = {
    "GetBucketAcl": get_bucket_acl,
    "GetObjectAcl": get_object_acl,
    "GetBucketOwnershipControls": get_bucket_ownership_controls,
}
