"""Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation."""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Any

import botocore.loaders

from fakes3.auth.authorize import OWNERSHIP, PUBLIC_ACCESS_BLOCK
from fakes3.errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    IllegalLocationConstraintException,
    InvalidArgument,
    InvalidBucketName,
    InvalidLocationConstraint,
    NotImplementedByFakeS3,
)
from fakes3.operations import acls, object_lock
from fakes3.operations.config.ownership import at_creation, controls
from fakes3.operations.config.tagging import MAX_BUCKET_TAGS, TAGGING, check_tags, tag_pairs
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.tokens import decode_token, encode_token
from fakes3.protocol.addressing import hostname, region_from_host
from fakes3.settings import LEGACY


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition in botocore's endpoints data (aws, aws-cn, aws-us-gov,
    aws-iso, aws-iso-b, ...), so a region botocore knows is a region fakes3 knows. Read on
    the first CreateBucket with a constraint, not at import."""
    endpoints = botocore.loaders.create_loader().load_data("endpoints")
    return frozenset(name for part in endpoints["partitions"] for name in part["regions"])


_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# Only a bucket in an account regional namespace (bucket-accountId-region-an) ends in "-an";
# fakes3 creates buckets in the global namespace (request_rules refuses account-regional).
_ACCOUNT_REGIONAL_SUFFIX = "-an"


def validate_bucket_name(name: str) -> None:
    """S3's general-purpose bucket naming rules; InvalidBucketName if broken."""
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    ok = (
        _BUCKET_NAME.fullmatch(name) is not None
        and ".." not in name
        and ".-" not in name
        and "-." not in name  # each dot-separated label must be a DNS label
        and not name.startswith(_RESERVED_PREFIXES)
        and not name.endswith(_RESERVED_SUFFIXES)
    )
    if ok:
        try:
            ipaddress.IPv4Address(name)
            ok = False
        except ValueError:
            pass
    if not ok:
        raise InvalidBucketName(BucketName=name)


_LIST_PARAMETERS = ("Prefix", "BucketRegion", "MaxBuckets", "ContinuationToken")


def list_buckets(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html

    Entries carry ``BucketRegion`` only when the request has a parameter, as the API reference
    says of ``Bucket.BucketRegion``; ``BucketArn`` is for directory buckets only, so general
    purpose buckets never carry it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Bucket.html).
    """
    prefix = params.get("Prefix", "")
    region = params.get("BucketRegion")
    max_buckets = params.get("MaxBuckets")
    if max_buckets is not None and not 1 <= max_buckets <= 10000:
        raise InvalidArgument(
            "Argument max-buckets must be an integer between 1 and 10000",
            ArgumentName="max-buckets",
            ArgumentValue=max_buckets,
        )
    if region is not None and region not in known_regions():
        raise InvalidArgument(
            f"Argument value {region} is not a valid AWS Region", ArgumentName="bucket-region"
        )
    token = params.get("ContinuationToken")
    after = decode_token(token) if token else ""  # S3 reads an empty token as the start
    chosen = [
        bucket
        for bucket in ctx.store.list_buckets()
        if bucket.name.startswith(prefix)
        and bucket.name > after
        and ctx.owns(bucket)
        and (region is None or bucket.region == region)
    ]
    output: Output = {"Owner": (ctx.account or ctx.accounts.default).owner}
    if max_buckets is not None and len(chosen) > max_buckets:
        chosen = chosen[:max_buckets]
        output["ContinuationToken"] = encode_token(chosen[-1].name)
    # "If the request contains at least one valid parameter, [BucketRegion] is included".
    with_region = any(name in params for name in _LIST_PARAMETERS)
    output["Buckets"] = [
        {
            "Name": b.name,
            "CreationDate": b.created,
            **({"BucketRegion": b.region} if with_region else {}),
        }
        for b in chosen
    ]
    if "Prefix" in params:
        output["Prefix"] = prefix
    return output


def _bucket_region(ctx: Context, params: Params) -> str:
    """Where a new bucket goes, by S3's LocationConstraint rules for this endpoint's region
    (the one an AWS host name says, in-process mode answers them, else ``--region``).

    Only the us-east-1 endpoint checks that a constraint names a region
    (``InvalidLocationConstraint``); any other endpoint accepts only its own region ("EU" too
    at eu-west-1) and answers anything else ``IllegalLocationConstraintException``.
    """
    endpoint = region_from_host(hostname(ctx.request.host)) or (ctx.settings.region)
    config = params.get("CreateBucketConfiguration") or {}
    constraint = config.get("LocationConstraint")
    if constraint in (None, ""):
        if endpoint != "us-east-1":
            raise IllegalLocationConstraintException()
        return "us-east-1"
    region = "eu-west-1" if constraint == "EU" else str(constraint)
    if endpoint == "us-east-1":
        if region not in known_regions() or region == "us-east-1":
            # The us-east-1 quirk: naming it explicitly is an error; it is the default instead.
            raise InvalidLocationConstraint(LocationConstraint=constraint)
    elif region != endpoint:
        raise IllegalLocationConstraintException(
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to."
        )
    return region


def _creation_tags(config: Params) -> dict[str, Any] | None:
    """``CreateBucketConfiguration``'s ``Tags``, checked as PutBucketTagging checks them
    (before the bucket exists, so bad tags leave none); its directory-bucket members
    (``Location``, ``Bucket``) are S3 Express One Zone, which fakes3 does not have."""
    if config.get("Location") is not None or config.get("Bucket") is not None:
        raise NotImplementedByFakeS3("fakes3 does not implement directory buckets yet.")
    tags = config.get("Tags")
    if tags is None:
        return None
    pairs = check_tags(tag_pairs({"TagSet": tags}), MAX_BUCKET_TAGS, "Bucket")
    if not pairs:  # none: the bucket has no tag set (AWS: NoSuchTagSet after, as an empty Put)
        return None
    return {"TagSet": [{"Key": key, "Value": value} for key, value in pairs]}


def create_bucket(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html

    As in S3, re-creating a bucket you own succeeds in us-east-1 and is
    ``BucketAlreadyOwnedByYou`` in every other region; a name another account owns is
    ``BucketAlreadyExists``.
    """
    name = params["Bucket"]
    validate_bucket_name(name)
    if name.endswith(_ACCOUNT_REGIONAL_SUFFIX):
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
        raise InvalidBucketName(BucketName=name)
    region = _bucket_region(ctx, params)
    tagging = _creation_tags(params.get("CreateBucketConfiguration") or {})
    try:
        ctx.store.create_bucket(name, region, ctx.owner_id)
    except BucketAlreadyOwnedByYou:
        existing = ctx.store.get_bucket(name)
        if not ctx.owns(existing):
            raise BucketAlreadyExists(BucketName=name) from None
        if existing.region != "us-east-1" or region != "us-east-1" or tagging is not None:
            # us-east-1's legacy 200 has no tags to give: a re-creation naming tags is refused
            # (LocalStack's validated test_create_bucket_with_tags_us_east_1_idempotency)
            raise
        acls.for_recreated_bucket(ctx, name, params)
    else:
        if tagging is not None:
            ctx.store.configs.put(name, TAGGING.name, tagging)
        if params.get("ObjectLockEnabledForBucket"):
            object_lock.enable(ctx, name)
        legacy = ctx.settings.bucket_defaults == LEGACY
        ownership = at_creation(params, legacy)
        if ownership:
            ctx.store.configs.put(name, OWNERSHIP, controls(ownership))
        elif legacy:
            ctx.store.configs.put(name, OWNERSHIP, {})  # no controls: ACLs act, as ObjectWriter
        if legacy:
            ctx.store.configs.put(name, PUBLIC_ACCESS_BLOCK, {})  # nothing blocked
        if ownership or legacy:
            acls.for_new_bucket(ctx, name, params)
    if region == "us-east-1":
        return {"Location": f"/{name}"}
    return {"Location": f"http://{name}.s3.amazonaws.com/"}


def head_bucket(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html"""
    bucket = ctx.store.get_bucket(params["Bucket"])
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


def delete_bucket(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html"""
    ctx.store.delete_bucket(params["Bucket"])
    return {}


def get_bucket_location(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html

    us-east-1 buckets answer an empty LocationConstraint, as S3 does.
    """
    region = ctx.store.get_bucket(params["Bucket"]).region
    return {"LocationConstraint": None if region == "us-east-1" else region}


HANDLERS: dict[str, Handler] = {
    "ListBuckets": list_buckets,
    "CreateBucket": create_bucket,
    "HeadBucket": head_bucket,
    "DeleteBucket": delete_bucket,
    "GetBucketLocation": get_bucket_location,
}
