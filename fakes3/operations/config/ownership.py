"""Object Ownership: Put/Get/DeleteBucketOwnershipControls and ``x-amz-object-ownership``.

- ``BucketOwnerEnforced`` (what a new bucket has since April 2023, so GetBucketOwnershipControls
  of a fresh bucket answers it): ACLs disabled, the bucket owner owns every object. A bucket
  created with ``x-amz-acl: private`` and no ``x-amz-object-ownership`` is ``BucketOwnerPreferred``
  instead (``at_creation``).
- ``BucketOwnerPreferred``: ACLs act; an object written with ``bucket-owner-full-control``
  belongs to the bucket owner, any other to its writer.
- ``ObjectWriter``: ACLs act; the writer owns what it writes.
- After DeleteBucketOwnershipControls: ``OwnershipControlsNotFoundError``, and the bucket acts
  as ``ObjectWriter`` (S3's behaviour before Object Ownership existed).

https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
Stored as ``store.configs[bucket]["ownership"]``: the OwnershipControls shape, ``{}`` once
deleted (a bucket never configured has no entry and answers BucketOwnerEnforced).
"""

from __future__ import annotations

from typing import Any

from fakes3.auth.authorize import BUCKET_ACL, object_ownership
from fakes3.auth.authorize import OWNERSHIP as OWNERSHIP_CONFIG
from fakes3.errors import (
    InvalidBucketAclWithObjectOwnership,
    MalformedXML,
    OwnershipControlsNotFoundError,
)
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.store import Store

ENFORCED = "BucketOwnerEnforced"
PREFERRED = "BucketOwnerPreferred"
WRITER = "ObjectWriter"
OWNERSHIPS = (ENFORCED, PREFERRED, WRITER)


def controls(ownership: str) -> dict[str, Any]:
    return {"Rules": [{"ObjectOwnership": ownership}]}


def at_creation(params: Params, legacy: bool) -> str | None:
    """CreateBucket's Object Ownership: its ``x-amz-object-ownership``; with none, a bucket
    created with the ``private`` canned ACL keeps ACLs on as ``BucketOwnerPreferred``, as S3
    does (versitygw#1869, checked against S3: rclone creates every bucket so, then writes each
    object with ``x-amz-acl: private``); None for the default (``BucketOwnerEnforced``, or no
    controls at all with ``legacy`` bucket defaults, as before April 2023)."""
    ownership = params.get("ObjectOwnership")
    if ownership is None and not legacy and params.get("ACL") == "private":
        return PREFERRED
    return str(ownership) if ownership is not None else None


def acls_enabled(store: Store, bucket: str) -> bool:
    return object_ownership(store, bucket) != ENFORCED


def _grants_beyond_owner(store: Store, bucket: str) -> bool:
    """Whether the bucket's ACL grants anything to anyone but its owner."""
    acl = store.configs.get(bucket, BUCKET_ACL)
    if not acl:
        return False
    return any(grant["Grantee"].get("ID") != acl["Owner"] for grant in acl["Grants"])


def put_bucket_ownership_controls(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html

    Exactly one rule with a known setting, else MalformedXML; BucketOwnerEnforced is refused
    while the bucket ACL grants anyone but the owner (InvalidBucketAclWithObjectOwnership).
    """
    bucket = params["Bucket"]
    ctx.store.get_bucket(bucket)
    document = params.get("OwnershipControls")
    rules = document.get("Rules") if isinstance(document, dict) else None
    if not isinstance(rules, list) or len(rules) != 1:
        raise MalformedXML()
    ownership = rules[0].get("ObjectOwnership") if isinstance(rules[0], dict) else None
    if ownership not in OWNERSHIPS:
        raise MalformedXML()
    if ownership == ENFORCED and _grants_beyond_owner(ctx.store, bucket):
        raise InvalidBucketAclWithObjectOwnership()
    ctx.store.configs.put(bucket, OWNERSHIP_CONFIG, controls(ownership))
    return {}


def get_bucket_ownership_controls(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html"""
    bucket = params["Bucket"]
    ctx.store.get_bucket(bucket)
    stored = ctx.store.configs.get(bucket, OWNERSHIP_CONFIG)
    if stored is None:
        stored = controls(ENFORCED)
    if not stored:
        raise OwnershipControlsNotFoundError(BucketName=bucket)
    return {"OwnershipControls": stored}


def delete_bucket_ownership_controls(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketOwnershipControls.html"""
    bucket = params["Bucket"]
    ctx.store.get_bucket(bucket)
    ctx.store.configs.put(bucket, OWNERSHIP_CONFIG, {})
    return {}


HANDLERS: dict[str, Handler] = {
    "PutBucketOwnershipControls": put_bucket_ownership_controls,
    "GetBucketOwnershipControls": get_bucket_ownership_controls,
    "DeleteBucketOwnershipControls": delete_bucket_ownership_controls,
}
