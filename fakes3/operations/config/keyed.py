"""Id-keyed configuration families: analytics, inventory, metrics, intelligent-tiering.

Each is many documents per bucket, named by the ``id`` query parameter and stored as
``"<family>/<Id>"``; the declaration (``keyed=True``) makes Get/Put/Delete/List and S3's Id
checks. S3 only stores these here: fakes3 runs no analysis, writes no inventory reports,
publishes no CloudWatch metrics and moves no object between access tiers.
"""

from __future__ import annotations

from typing import Any

from fakes3.errors import IdMismatch, MalformedXML, NoSuchConfiguration
from fakes3.operations.config.declaration import BucketConfig, Validator
from fakes3.operations.config.keyed_rules import (
    CONFIG_ID,
    check_access_point_arn,
    check_bucket_arn,
    check_filter,
    check_tierings,
    conform,
)
from fakes3.operations.context import Context, Handler, Params

MAX_CONFIGURATIONS = 1000  # per family and bucket, as each Put's API reference states


def _analytics(_ctx: Context, _params: Params, document: dict[str, Any]) -> dict[str, Any]:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_AnalyticsConfiguration.html"""
    conform("AnalyticsConfiguration", document)
    check_filter(document.get("Filter"), ("Prefix", "Tag", "And"))
    export = document["StorageClassAnalysis"].get("DataExport")
    if export is not None:
        check_bucket_arn(export["Destination"]["S3BucketDestination"]["Bucket"])
    return document


def _inventory(_ctx: Context, _params: Params, document: dict[str, Any]) -> dict[str, Any]:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_InventoryConfiguration.html"""
    conform("InventoryConfiguration", document)
    destination = document["Destination"]["S3BucketDestination"]
    encryption = destination.get("Encryption")
    if encryption is not None and len(encryption) != 1:  # SSE-S3 or SSE-KMS, exactly one
        raise MalformedXML()
    check_bucket_arn(destination["Bucket"])
    return document


def _metrics(_ctx: Context, _params: Params, document: dict[str, Any]) -> dict[str, Any]:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_MetricsConfiguration.html"""
    conform("MetricsConfiguration", document)
    found = document.get("Filter")
    check_filter(found, ("Prefix", "Tag", "AccessPointArn", "And"))
    if found:
        check_access_point_arn(found.get("AccessPointArn"))
        check_access_point_arn((found.get("And") or {}).get("AccessPointArn"))
    return document


def _intelligent_tiering(
    _ctx: Context, _params: Params, document: dict[str, Any]
) -> dict[str, Any]:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_IntelligentTieringConfiguration.html"""
    conform("IntelligentTieringConfiguration", document)
    check_filter(document.get("Filter"), ("Prefix", "Tag", "And"))
    check_tierings(document["Tierings"])
    return document


def _family(name: str, operations: str, validate: Validator, **rules: Any) -> BucketConfig:
    return BucketConfig(
        name=name,
        get=f"GetBucket{operations}Configuration",
        put=f"PutBucket{operations}Configuration",
        delete=f"DeleteBucket{operations}Configuration",
        list=f"ListBucket{operations}Configurations",
        missing=NoSuchConfiguration,
        validate=validate,
        keyed=True,
        page_size=100,
        max_count=MAX_CONFIGURATIONS,
        id_pattern=CONFIG_ID,
        **rules,
    )


# PutX answers 204, as AWS answered each in LocalStack's validated tests
# (test_s3_analytics_configurations, test_s3_inventory_report_crud,
# test_put_bucket_metrics_configuration, test_s3_intelligent_tier_config).
ANALYTICS = _family("analytics", "Analytics", _analytics, put_status=204)
INVENTORY = _family("inventory", "Inventory", _inventory, id_mismatch=IdMismatch, put_status=204)
METRICS = _family("metrics", "Metrics", _metrics, put_status=204)
INTELLIGENT_TIERING = _family(
    "intelligent-tiering", "IntelligentTiering", _intelligent_tiering, put_status=204
)

FAMILIES = (ANALYTICS, INVENTORY, METRICS, INTELLIGENT_TIERING)

HANDLERS: dict[str, Handler] = {
    operation: handler for family in FAMILIES for operation, handler in family.handlers().items()
}
