"""Bucket and object ACLs: Get/PutBucketAcl, Get/PutObjectAcl, and the ACL a write gives.

ACLs act only when the bucket's Object Ownership is not ``BucketOwnerEnforced``
(``operations/config/ownership.py``); under it PutBucketAcl/PutObjectAcl accept only the
private ACL (owner FULL_CONTROL) and refuse anything else with AccessControlListNotSupported,
as S3 does. Block Public Access's BlockPublicAcls refuses a public ACL with AccessDenied.
The bucket ACL is the bucket configuration ``"acl"``; an object's is its version's record
(``ObjectRecord.acl``, rewritten through ``Store.rewrite_object``). Who may call these is
decided before the handler (``fakes3/auth/authorize.py``).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fakes3.auth import acl
from fakes3.auth.accounts import Accounts
from fakes3.auth.authorize import BUCKET_ACL, object_ownership, public_access_block
from fakes3.errors import (
    AccessControlListNotSupported,
    AccessDenied,
    InvalidBucketAclWithBlockPublicAccessError,
    InvalidRequest,
    MissingSecurityHeader,
    UnexpectedContent,
)
from fakes3.operations.config.ownership import ENFORCED, PREFERRED
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.markers import refused_on_markers
from fakes3.settings import LEGACY
from fakes3.store import Store
from fakes3.store.records import ObjectRecord

# The request members that state an ACL (read here: the header audit looks for them).
_GRANT_MEMBERS = ("GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP")


def bucket_owner(ctx: Context, bucket: str) -> str:
    return ctx.store.get_bucket(bucket).owner or ctx.accounts.default.canonical_id


def _requested(
    accounts: Accounts, params: Params, owner: str, bucket_owner_id: str, body: bool
) -> dict[str, Any] | None:
    """The ACL a request states (canned, grant headers or, with ``body``, a policy document);
    None if it states none."""
    grants = [member for member in _GRANT_MEMBERS if member in params]
    document = params.get("AccessControlPolicy") if body else None
    if document is not None and ("ACL" in params or grants):
        raise UnexpectedContent()
    if "ACL" in params and grants:
        raise InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
    if "ACL" in params:
        return acl.canned(params["ACL"], owner, bucket_owner_id)
    if grants:
        return acl.from_headers(params, owner, accounts)
    if document is not None:
        return acl.from_body(document, owner, accounts)
    return None


def _check_public(store: Store, bucket: str, stated: dict[str, Any]) -> None:
    if acl.is_public(stated) and public_access_block(store, bucket).get("BlockPublicAcls"):
        raise AccessDenied()


def _is_private(stated: dict[str, Any], owner: str) -> bool:
    return all(
        grant["Grantee"].get("ID") == owner and grant["Permission"] == "FULL_CONTROL"
        for grant in stated["Grants"]
    )


def get_bucket_acl(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html"""
    bucket = params["Bucket"]
    owner = bucket_owner(ctx, bucket)
    stored = ctx.store.configs.get(bucket, BUCKET_ACL) or acl.private(owner)
    return acl.for_answer(stored, ctx.accounts)


def put_bucket_acl(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html"""
    bucket = params["Bucket"]
    owner = bucket_owner(ctx, bucket)
    stated = _requested(ctx.accounts, params, owner, owner, body=True)
    if stated is None:
        raise MissingSecurityHeader(MissingHeaderName="x-amz-acl")
    if object_ownership(ctx.store, bucket) == ENFORCED and not _is_private(stated, owner):
        raise AccessControlListNotSupported()
    _check_public(ctx.store, bucket, stated)
    ctx.store.configs.put(bucket, BUCKET_ACL, stated)
    return {}


def object_acl(ctx: Context, bucket: str, record: ObjectRecord) -> dict[str, Any]:
    """The version's ACL, or the bucket owner's FULL_CONTROL for one written without ACLs."""
    return record.acl or acl.private(bucket_owner(ctx, bucket))


def get_object_acl(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html

    With ACLs disabled the bucket owner owns every object, whatever was stored before.
    """
    bucket = params["Bucket"]
    record = ctx.store.head_object(bucket, params["Key"], params.get("VersionId"))
    if object_ownership(ctx.store, bucket) == ENFORCED:
        return acl.for_answer(acl.private(bucket_owner(ctx, bucket)), ctx.accounts)
    return acl.for_answer(object_acl(ctx, bucket, record), ctx.accounts)


def put_object_acl(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html"""
    bucket, key, version = params["Bucket"], params["Key"], params.get("VersionId")
    with refused_on_markers():  # a current delete marker: 405, as S3 answers
        record = ctx.store.head_object(bucket, key, version)
    owners_id = bucket_owner(ctx, bucket)
    enforced = object_ownership(ctx.store, bucket) == ENFORCED
    owner = owners_id if enforced else object_acl(ctx, bucket, record)["Owner"]
    stated = _requested(ctx.accounts, params, owner, owners_id, body=True)
    if stated is None:
        raise MissingSecurityHeader(MissingHeaderName="x-amz-acl")
    if enforced:
        if not _is_private(stated, owner):
            raise AccessControlListNotSupported()
        return {}
    _check_public(ctx.store, bucket, stated)

    def change(found: ObjectRecord) -> ObjectRecord:
        return dataclasses.replace(found, acl=stated)

    ctx.store.rewrite_object(bucket, key, record.version_id if version else None, change)
    return {}


def for_write(
    store: Store, accounts: Accounts, writer: str | None, bucket: str, params: Params
) -> dict[str, Any] | None:
    """The ACL a new object gets (PutObject, CopyObject, CreateMultipartUpload, POST): None
    under BucketOwnerEnforced (request_rules refused any other ACL); else owned by its
    ``writer`` (a canonical id; None, an anonymous writer, leaves it to the bucket owner), or
    by the bucket owner under BucketOwnerPreferred with bucket-owner-full-control."""
    ownership = object_ownership(store, bucket)
    if ownership == ENFORCED:
        return None
    owners_id = store.get_bucket(bucket).owner or accounts.default.canonical_id
    if writer is None or (
        ownership == PREFERRED and params.get("ACL") == "bucket-owner-full-control"
    ):
        writer = owners_id
    stated = _requested(accounts, params, writer, owners_id, body=False) or acl.private(writer)
    _check_public(store, bucket, stated)
    return stated


def for_request(ctx: Context, bucket: str, params: Params) -> dict[str, Any] | None:
    """``for_write`` for a handler's request: the caller writes."""
    writer = ctx.account.canonical_id if ctx.account is not None else None
    return for_write(ctx.store, ctx.accounts, writer, bucket, params)


def new_bucket_acl(ctx: Context, params: Params) -> dict[str, Any] | None:
    """CreateBucket's ACL under ObjectWriter/BucketOwnerPreferred (None: private), checked
    before the bucket exists: a public one is refused, since a new bucket blocks public ACLs
    (not with legacy bucket defaults, where nothing is blocked)."""
    owner = ctx.owner_id
    stated = _requested(ctx.accounts, params, owner, owner, body=False)
    if stated is None or _is_private(stated, owner):
        return None
    if acl.is_public(stated) and ctx.settings.bucket_defaults != LEGACY:
        raise InvalidBucketAclWithBlockPublicAccessError()
    return stated


def for_new_bucket(ctx: Context, bucket: str, params: Params) -> None:
    """Store CreateBucket's ACL once the bucket exists (request_rules checked it before)."""
    stated = new_bucket_acl(ctx, params)
    if stated is not None:
        ctx.store.configs.put(bucket, BUCKET_ACL, stated)


def for_recreated_bucket(ctx: Context, bucket: str, params: Params) -> None:
    """Re-creating one's own us-east-1 bucket answers 200 "and resets the bucket access
    control lists" (S3's BucketAlreadyOwnedByYou documentation): to the ACL the request
    states, private when it states none, as a new bucket's would be."""
    owner = bucket_owner(ctx, bucket)
    stated = _requested(ctx.accounts, params, owner, owner, body=False)
    if stated is None or _is_private(stated, owner):
        ctx.store.configs.delete(bucket, BUCKET_ACL)
        return
    if object_ownership(ctx.store, bucket) == ENFORCED:
        raise AccessControlListNotSupported()
    _check_public(ctx.store, bucket, stated)
    ctx.store.configs.put(bucket, BUCKET_ACL, stated)


HANDLERS: dict[str, Handler] = {
    "GetBucketAcl": get_bucket_acl,
    "PutBucketAcl": put_bucket_acl,
    "GetObjectAcl": get_object_acl,
    "PutObjectAcl": put_object_acl,
}
