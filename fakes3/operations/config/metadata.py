"""S3 Metadata configurations: V2 (journal and live inventory tables) and V1 (one table).

S3 keeps one metadata configuration per bucket and writes its journal and inventory tables to
an S3 Tables bucket. fakes3 stores the configuration and answers it as S3 describes it, with
the table names, namespace and ARNs S3 would give, but creates no table and writes no record:
every table reports ``ACTIVE`` so that clients waiting for creation (Terraform does) proceed.
Annotation tables are not implemented. See docs/configuration-families.md.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fakes3.errors import (
    InvalidArgument,
    MalformedXML,
    MetadataConfigurationAlreadyExists,
    MetadataConfigurationNotFound,
    MethodNotAllowed,
    NotImplementedByFakeS3,
)
from fakes3.operations.config.keyed_rules import conform
from fakes3.operations.context import Context, Handler, Output, Params

NAME = "metadata"  # the store's name for the one configuration a bucket may have
V1_NAMESPACE = "aws_s3_metadata"
MANAGED_TABLE_BUCKET = "aws-s3"  # the AWS managed table bucket V2 tables live in
STATUS = "ACTIVE"  # no table is created; see the module docstring
MIN_RECORD_DAYS = 7
DISABLED = {"ConfigurationState": "DISABLED"}
_TABLE_BUCKET_ARN = re.compile(
    r"arn:aws(?:-[a-z-]+)?:s3tables:[a-z0-9-]+:\d{12}:bucket/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"
)
_TABLE_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,254}")


def _document(params: Params, member: str, shape: str) -> dict[str, Any]:
    document = params.get(member)
    if document is None:
        raise MalformedXML()
    conform(shape, document)
    return dict(document)


def _check_encryption(table: dict[str, Any]) -> None:
    """SSE-KMS names its key; SSE-S3 names none."""
    encryption = table.get("EncryptionConfiguration")
    if encryption is None:
        return
    kms = encryption["SseAlgorithm"] == "aws:kms"
    if kms != ("KmsKeyArn" in encryption):
        raise InvalidArgument(
            "KmsKeyArn must be given with SseAlgorithm aws:kms, and only with it",
            ArgumentName="KmsKeyArn",
        )


def _check_expiration(journal: dict[str, Any]) -> None:
    expiration = journal["RecordExpiration"]
    days = expiration.get("Days")
    if expiration["Expiration"] == "ENABLED" and (days is None or days < MIN_RECORD_DAYS):
        raise InvalidArgument(
            f"Journal table records must be retained for at least {MIN_RECORD_DAYS} days",
            ArgumentName="Days",
            ArgumentValue=days,
        )


def _stored(ctx: Context, bucket: str) -> dict[str, Any]:
    found = ctx.store.configs.get(bucket, NAME)
    if found is None:
        raise MetadataConfigurationNotFound(BucketName=bucket)
    return dict(found)


def _create(ctx: Context, bucket: str, document: dict[str, Any]) -> None:
    if ctx.store.configs.get(bucket, NAME) is not None:
        raise MetadataConfigurationAlreadyExists(BucketName=bucket)
    ctx.store.configs.put(bucket, NAME, document)


def _arns(ctx: Context, bucket: str) -> tuple[str, str]:
    """(region, account id) for the ARNs of the managed table bucket."""
    region = ctx.store.get_bucket(bucket).region
    return region, (ctx.account or ctx.accounts.default).account_id


def create_bucket_metadata_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketMetadataConfiguration.html"""
    bucket = params["Bucket"]
    ctx.store.get_bucket(bucket)
    config = _document(params, "MetadataConfiguration", "MetadataConfiguration")
    if "AnnotationTableConfiguration" in config:
        raise NotImplementedByFakeS3("fakes3 does not implement S3 Metadata annotation tables.")
    journal = dict(config["JournalTableConfiguration"])
    inventory = dict(config.get("InventoryTableConfiguration") or DISABLED)
    _check_expiration(journal)
    _check_encryption(journal)
    _check_encryption(inventory)
    journal["TableId"] = str(uuid.uuid4())
    inventory["TableId"] = str(uuid.uuid4())
    _create(ctx, bucket, {"Version": 2, "Journal": journal, "Inventory": inventory})
    return {}


def get_bucket_metadata_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketMetadataConfiguration.html"""
    bucket = params["Bucket"]
    stored = _stored(ctx, bucket)
    region, account = _arns(ctx, bucket)
    if stored["Version"] == 1:
        destination = stored["S3TablesDestination"]
        table_bucket = destination["TableBucketArn"]
        result: dict[str, Any] = {
            "DestinationResult": {
                "TableBucketType": "customer",
                "TableBucketArn": table_bucket,
                "TableNamespace": V1_NAMESPACE,
            },
            "JournalTableConfigurationResult": {
                "TableStatus": STATUS,
                "TableName": destination["TableName"],
                "TableArn": f"{table_bucket}/table/{stored['TableId']}",
                "RecordExpiration": {"Expiration": "DISABLED"},
            },
            "InventoryTableConfigurationResult": {"ConfigurationState": "DISABLED"},
        }
    else:
        table_bucket = f"arn:aws:s3tables:{region}:{account}:bucket/{MANAGED_TABLE_BUCKET}"
        journal, inventory = stored["Journal"], stored["Inventory"]
        inventory_result: dict[str, Any] = {"ConfigurationState": inventory["ConfigurationState"]}
        if inventory["ConfigurationState"] == "ENABLED":
            inventory_result.update(
                TableStatus=STATUS,
                TableName="inventory",
                TableArn=f"{table_bucket}/table/{inventory['TableId']}",
            )
        result = {
            "DestinationResult": {
                "TableBucketType": "aws",
                "TableBucketArn": table_bucket,
                "TableNamespace": f"b_{bucket}",
            },
            "JournalTableConfigurationResult": {
                "TableStatus": STATUS,
                "TableName": "journal",
                "TableArn": f"{table_bucket}/table/{journal['TableId']}",
                "RecordExpiration": journal["RecordExpiration"],
            },
            "InventoryTableConfigurationResult": inventory_result,
        }
    return {"GetBucketMetadataConfigurationResult": {"MetadataConfigurationResult": result}}


def delete_bucket_metadata_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketMetadataConfiguration.html"""
    bucket = params["Bucket"]
    if not ctx.store.configs.delete(bucket, NAME):
        raise MetadataConfigurationNotFound(BucketName=bucket)
    return {}


def _v2(ctx: Context, bucket: str) -> dict[str, Any]:
    stored = _stored(ctx, bucket)
    if stored["Version"] != 2:
        raise MethodNotAllowed("This operation applies to V2 metadata configurations only.")
    return stored


def update_bucket_metadata_inventory_table_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_UpdateBucketMetadataInventoryTableConfiguration.html"""
    bucket = params["Bucket"]
    stored = _v2(ctx, bucket)
    update = _document(params, "InventoryTableConfiguration", "InventoryTableConfigurationUpdates")
    _check_encryption(update)
    inventory = dict(stored["Inventory"])
    inventory.update(update)
    stored["Inventory"] = inventory
    ctx.store.configs.put(bucket, NAME, stored)
    return {}


def update_bucket_metadata_journal_table_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_UpdateBucketMetadataJournalTableConfiguration.html"""
    bucket = params["Bucket"]
    stored = _v2(ctx, bucket)
    update = _document(params, "JournalTableConfiguration", "JournalTableConfigurationUpdates")
    _check_expiration(update)
    stored["Journal"] = {**stored["Journal"], "RecordExpiration": update["RecordExpiration"]}
    ctx.store.configs.put(bucket, NAME, stored)
    return {}


def create_bucket_metadata_table_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketMetadataTableConfiguration.html"""
    bucket = params["Bucket"]
    ctx.store.get_bucket(bucket)
    config = _document(params, "MetadataTableConfiguration", "MetadataTableConfiguration")
    destination = config["S3TablesDestination"]
    if not _TABLE_BUCKET_ARN.fullmatch(destination["TableBucketArn"]):
        raise InvalidArgument(
            "Invalid table bucket ARN",
            ArgumentName="TableBucketArn",
            ArgumentValue=destination["TableBucketArn"],
        )
    if not _TABLE_NAME.fullmatch(destination["TableName"]):
        raise InvalidArgument(
            "Invalid table name", ArgumentName="TableName", ArgumentValue=destination["TableName"]
        )
    document = {"Version": 1, "S3TablesDestination": destination, "TableId": str(uuid.uuid4())}
    _create(ctx, bucket, document)
    return {}


def _v1(ctx: Context, bucket: str) -> dict[str, Any]:
    stored = _stored(ctx, bucket)
    if stored["Version"] != 1:  # S3: V1 operations on a V2 configuration are 405
        raise MethodNotAllowed("Use the V2 operations with a V2 metadata configuration.")
    return stored


def get_bucket_metadata_table_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketMetadataTableConfiguration.html"""
    stored = _v1(ctx, params["Bucket"])
    destination = stored["S3TablesDestination"]
    return {
        "GetBucketMetadataTableConfigurationResult": {
            "MetadataTableConfigurationResult": {
                "S3TablesDestinationResult": {
                    "TableBucketArn": destination["TableBucketArn"],
                    "TableName": destination["TableName"],
                    "TableArn": f"{destination['TableBucketArn']}/table/{stored['TableId']}",
                    "TableNamespace": V1_NAMESPACE,
                }
            },
            "Status": STATUS,
        }
    }


def delete_bucket_metadata_table_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketMetadataTableConfiguration.html"""
    bucket = params["Bucket"]
    _v1(ctx, bucket)
    ctx.store.configs.delete(bucket, NAME)
    return {}


HANDLERS: dict[str, Handler] = {
    "CreateBucketMetadataConfiguration": create_bucket_metadata_configuration,
    "GetBucketMetadataConfiguration": get_bucket_metadata_configuration,
    "DeleteBucketMetadataConfiguration": delete_bucket_metadata_configuration,
    "UpdateBucketMetadataInventoryTableConfiguration": (
        update_bucket_metadata_inventory_table_configuration
    ),
    "UpdateBucketMetadataJournalTableConfiguration": (
        update_bucket_metadata_journal_table_configuration
    ),
    "CreateBucketMetadataTableConfiguration": create_bucket_metadata_table_configuration,
    "GetBucketMetadataTableConfiguration": get_bucket_metadata_table_configuration,
    "DeleteBucketMetadataTableConfiguration": delete_bucket_metadata_table_configuration,
}
