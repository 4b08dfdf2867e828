"""Server access logging: PutBucketLogging, GetBucketLogging (delivery: fakes3/access_logs.py).

The configuration is stored whole under ``"logging"``; an empty ``BucketLoggingStatus`` is
stored as ``{}`` and is what GetBucketLogging answers for a bucket that never had logging, as
S3 does (no "missing" error). The rules are S3's: the target bucket must exist, have the same
owner and be in the same region, and refuses target grants while its object ownership is
``BucketOwnerEnforced`` (the default since April 2023, and the only setting until fakes3
implements ownership controls).

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
"""

from __future__ import annotations

from typing import Any

from fakes3.auth.authorize import OWNERSHIP, object_ownership
from fakes3.errors import (
    AccessControlListNotSupported,
    CrossLocationLoggingProhibitted,
    InvalidTargetBucketForLogging,
    MalformedXML,
    NoSuchBucket,
)
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Context, Handler, Params
from fakes3.store.records import BucketRecord

DATE_SOURCES = ("EventTime", "DeliveryTime")
# The model's three, and the ACL permissions AWS also takes and echoes (READ_ACP, in
# LocalStack's validated test_put_bucket_logging_accept_wrong_grants)
GRANT_PERMISSIONS = ("FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP")
OWNERSHIP_CONFIG = OWNERSHIP  # ownership controls (operations/config/ownership.py)


def _key_format(document: Any) -> dict[str, Any]:
    """``TargetObjectKeyFormat``: exactly one of SimplePrefix and PartitionedPrefix."""
    if not isinstance(document, dict):
        raise MalformedXML()
    simple = "SimplePrefix" in document
    partitioned = "PartitionedPrefix" in document
    if simple == partitioned:
        raise MalformedXML()
    if simple:
        return {"SimplePrefix": {}}
    partition = document["PartitionedPrefix"] or {}
    if not isinstance(partition, dict):
        raise MalformedXML()
    source = partition.get("PartitionDateSource")
    if source is None:
        return {"PartitionedPrefix": {}}
    if source not in DATE_SOURCES:
        raise MalformedXML()
    return {"PartitionedPrefix": {"PartitionDateSource": source}}


def _grants(grants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for grant in grants:
        grantee = grant.get("Grantee") or {}
        if grant.get("Permission") not in GRANT_PERMISSIONS or not grantee.get("Type"):
            raise MalformedXML()
    return grants


def _owner(bucket: BucketRecord, ctx: Context) -> str:
    return bucket.owner or ctx.accounts.default.canonical_id


def _validate(ctx: Context, params: Params, status: Any) -> dict[str, Any]:
    """The stored value: ``{}`` (logging off) or ``{"LoggingEnabled": {...}}``."""
    if not isinstance(status, dict):
        raise MalformedXML()
    enabled = status.get("LoggingEnabled")
    if enabled is None:
        return {}
    if not isinstance(enabled, dict) or not enabled.get("TargetBucket"):
        raise MalformedXML()
    target_name = str(enabled["TargetBucket"])
    config: dict[str, Any] = {
        "TargetBucket": target_name,
        "TargetPrefix": str(enabled.get("TargetPrefix") or ""),
    }
    if enabled.get("TargetObjectKeyFormat") is not None:
        config["TargetObjectKeyFormat"] = _key_format(enabled["TargetObjectKeyFormat"])
    grants = _grants(list(enabled.get("TargetGrants") or []))
    source = ctx.store.bucket_now(params["Bucket"])
    try:
        target = ctx.store.bucket_now(target_name)
    except NoSuchBucket:
        raise InvalidTargetBucketForLogging(TargetBucket=target_name) from None
    if _owner(target, ctx) != _owner(source, ctx):
        raise InvalidTargetBucketForLogging(
            "The owner for the bucket to be logged and the target bucket must be the same.",
            TargetBucket=target_name,
        )
    if target.region != source.region:
        # the source's region is named unless it is us-east-1 (LocalStack's validated
        # test_put_bucket_logging_cross_locations)
        located = {} if source.region == "us-east-1" else {"SourceBucketLocation": source.region}
        raise CrossLocationLoggingProhibitted(**located, TargetBucketLocation=target.region)
    if grants:
        if object_ownership(ctx.store, target_name) == "BucketOwnerEnforced":
            raise AccessControlListNotSupported(
                "Target grants not allowed for bucket owner enforced buckets"
            )
        config["TargetGrants"] = grants
    return {"LoggingEnabled": config}


LOGGING = BucketConfig(
    name="logging",
    get="GetBucketLogging",
    put="PutBucketLogging",
    validate=_validate,
)

HANDLERS: dict[str, Handler] = LOGGING.handlers()
