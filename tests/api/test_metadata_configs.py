"""S3 Metadata configurations over a live server: V2 (journal and inventory tables) and V1.

fakes3 stores them and answers as S3 describes them; it creates no tables.
https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketMetadataConfiguration.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import client_for, raises_client_error
from botocore.client import BaseClient

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

TABLE_BUCKET = "arn:aws:s3tables:us-east-1:123456789012:bucket/metadata-tables"


def v2(days: int | None = 30, inventory: str = "ENABLED") -> dict[str, Any]:
    expiration: dict[str, Any] = {"Expiration": "ENABLED" if days else "DISABLED"}
    if days:
        expiration["Days"] = days
    return {
        "JournalTableConfiguration": {
            "RecordExpiration": expiration,
            "EncryptionConfiguration": {"SseAlgorithm": "AES256"},
        },
        "InventoryTableConfiguration": {"ConfigurationState": inventory},
    }


def result(s3: BaseClient, bucket: str) -> dict[str, Any]:
    found = s3.get_bucket_metadata_configuration(Bucket=bucket)
    return dict(found["GetBucketMetadataConfigurationResult"]["MetadataConfigurationResult"])


def test_v2_create_get_update_delete(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("MetadataConfigurationNotFound", 404):
        s3.get_bucket_metadata_configuration(Bucket=bucket)
    s3.create_bucket_metadata_configuration(Bucket=bucket, MetadataConfiguration=v2())
    found = result(s3, bucket)
    destination = found["DestinationResult"]
    assert destination["TableBucketType"] == "aws"
    assert destination["TableNamespace"] == f"b_{bucket}"
    assert destination["TableBucketArn"].startswith("arn:aws:s3tables:us-east-1:")
    journal = found["JournalTableConfigurationResult"]
    assert journal["TableName"] == "journal"
    assert journal["TableStatus"] == "ACTIVE"
    assert journal["RecordExpiration"] == {"Expiration": "ENABLED", "Days": 30}
    assert journal["TableArn"].startswith(destination["TableBucketArn"] + "/table/")
    inventory = found["InventoryTableConfigurationResult"]
    assert (inventory["ConfigurationState"], inventory["TableName"]) == ("ENABLED", "inventory")

    s3.update_bucket_metadata_journal_table_configuration(
        Bucket=bucket, JournalTableConfiguration={"RecordExpiration": {"Expiration": "DISABLED"}}
    )
    s3.update_bucket_metadata_inventory_table_configuration(
        Bucket=bucket, InventoryTableConfiguration={"ConfigurationState": "DISABLED"}
    )
    found = result(s3, bucket)
    assert found["JournalTableConfigurationResult"]["RecordExpiration"] == {
        "Expiration": "DISABLED"
    }
    assert found["JournalTableConfigurationResult"]["TableArn"] == journal["TableArn"]
    assert found["InventoryTableConfigurationResult"] == {"ConfigurationState": "DISABLED"}

    deleted = s3.delete_bucket_metadata_configuration(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_client_error("MetadataConfigurationNotFound", 404):
        s3.get_bucket_metadata_configuration(Bucket=bucket)
    with raises_client_error("MetadataConfigurationNotFound", 404):
        s3.delete_bucket_metadata_configuration(Bucket=bucket)


def test_one_configuration_per_bucket(s3: BaseClient, bucket: str) -> None:
    s3.create_bucket_metadata_configuration(Bucket=bucket, MetadataConfiguration=v2())
    with raises_client_error("MetadataConfigurationAlreadyExists", 409):
        s3.create_bucket_metadata_configuration(Bucket=bucket, MetadataConfiguration=v2(7))
    with raises_client_error("MetadataConfigurationAlreadyExists", 409):
        s3.create_bucket_metadata_table_configuration(
            Bucket=bucket,
            MetadataTableConfiguration={
                "S3TablesDestination": {"TableBucketArn": TABLE_BUCKET, "TableName": "t"}
            },
        )
    assert result(s3, bucket)["JournalTableConfigurationResult"]["RecordExpiration"]["Days"] == 30


@pytest.mark.parametrize(
    "configuration, code",
    [
        (v2(days=6), "InvalidArgument"),
        (
            {"JournalTableConfiguration": {"RecordExpiration": {"Expiration": "ENABLED"}}},
            "InvalidArgument",
        ),
        (
            {"JournalTableConfiguration": {"RecordExpiration": {"Expiration": "SOMETIMES"}}},
            "MalformedXML",
        ),
        (
            {
                "JournalTableConfiguration": {
                    "RecordExpiration": {"Expiration": "DISABLED"},
                    "EncryptionConfiguration": {"SseAlgorithm": "aws:kms"},
                }
            },
            "InvalidArgument",
        ),
    ],
    ids=["six-days", "no-days", "bad-state", "kms-without-key"],
)
def test_bad_v2_configurations_store_nothing(
    s3: BaseClient, bucket: str, configuration: dict[str, Any], code: str
) -> None:
    with raises_client_error(code, 400):
        s3.create_bucket_metadata_configuration(Bucket=bucket, MetadataConfiguration=configuration)
    with raises_client_error("MetadataConfigurationNotFound", 404):
        s3.get_bucket_metadata_configuration(Bucket=bucket)


def test_bad_journal_update_keeps_the_configuration(s3: BaseClient, bucket: str) -> None:
    s3.create_bucket_metadata_configuration(Bucket=bucket, MetadataConfiguration=v2())
    with raises_client_error("InvalidArgument", 400):
        s3.update_bucket_metadata_journal_table_configuration(
            Bucket=bucket,
            JournalTableConfiguration={"RecordExpiration": {"Expiration": "ENABLED", "Days": 3}},
        )
    assert result(s3, bucket)["JournalTableConfigurationResult"]["RecordExpiration"]["Days"] == 30


def test_updates_need_a_v2_configuration(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("MetadataConfigurationNotFound", 404):
        s3.update_bucket_metadata_inventory_table_configuration(
            Bucket=bucket, InventoryTableConfiguration={"ConfigurationState": "ENABLED"}
        )


def test_annotation_tables_are_not_implemented(s3: BaseClient, bucket: str) -> None:
    configuration = {**v2(), "AnnotationTableConfiguration": {"ConfigurationState": "ENABLED"}}
    with raises_client_error("NotImplemented", 501):
        s3.create_bucket_metadata_configuration(Bucket=bucket, MetadataConfiguration=configuration)


def test_v1_table_configuration(s3: BaseClient, bucket: str) -> None:
    destination = {"TableBucketArn": TABLE_BUCKET, "TableName": "my_metadata"}
    s3.create_bucket_metadata_table_configuration(
        Bucket=bucket, MetadataTableConfiguration={"S3TablesDestination": destination}
    )
    found = s3.get_bucket_metadata_table_configuration(Bucket=bucket)[
        "GetBucketMetadataTableConfigurationResult"
    ]
    assert found["Status"] == "ACTIVE"
    table = found["MetadataTableConfigurationResult"]["S3TablesDestinationResult"]
    assert table["TableNamespace"] == "aws_s3_metadata"
    assert table["TableArn"].startswith(TABLE_BUCKET + "/table/")
    v2_view = result(s3, bucket)  # the V2 Get reads V1 configurations too
    assert v2_view["DestinationResult"]["TableBucketType"] == "customer"
    assert v2_view["JournalTableConfigurationResult"]["TableName"] == "my_metadata"
    with raises_client_error("MethodNotAllowed", 405):  # the V2 updates need a V2 configuration
        s3.update_bucket_metadata_inventory_table_configuration(
            Bucket=bucket, InventoryTableConfiguration={"ConfigurationState": "ENABLED"}
        )
    s3.delete_bucket_metadata_table_configuration(Bucket=bucket)
    with raises_client_error("MetadataConfigurationNotFound", 404):
        s3.get_bucket_metadata_table_configuration(Bucket=bucket)


def test_v1_operations_on_a_v2_configuration_are_405(s3: BaseClient, bucket: str) -> None:
    s3.create_bucket_metadata_configuration(Bucket=bucket, MetadataConfiguration=v2())
    with raises_client_error("MethodNotAllowed", 405):
        s3.get_bucket_metadata_table_configuration(Bucket=bucket)
    with raises_client_error("MethodNotAllowed", 405):
        s3.delete_bucket_metadata_table_configuration(Bucket=bucket)
    assert result(s3, bucket)["JournalTableConfigurationResult"]["TableName"] == "journal"


@pytest.mark.parametrize(
    "destination",
    [
        {"TableBucketArn": "arn:aws:s3:::not-a-table-bucket", "TableName": "t"},
        {"TableBucketArn": TABLE_BUCKET, "TableName": "Upper-Case"},
    ],
    ids=["bucket-arn", "table-name"],
)
def test_bad_v1_destinations_are_invalid_argument(
    s3: BaseClient, bucket: str, destination: dict[str, str]
) -> None:
    with raises_client_error("InvalidArgument", 400):
        s3.create_bucket_metadata_table_configuration(
            Bucket=bucket, MetadataTableConfiguration={"S3TablesDestination": destination}
        )
    with raises_client_error("MetadataConfigurationNotFound", 404):
        s3.get_bucket_metadata_configuration(Bucket=bucket)


def test_missing_bucket_is_no_such_bucket(s3: BaseClient) -> None:
    with raises_client_error("NoSuchBucket", 404):
        s3.create_bucket_metadata_configuration(
            Bucket="no-such-bucket-for-metadata", MetadataConfiguration=v2()
        )
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_metadata_configuration(Bucket="no-such-bucket-for-metadata")


def test_metadata_configuration_survives_a_directory_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"))
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="kept")
        s3.create_bucket_metadata_configuration(Bucket="kept", MetadataConfiguration=v2())
        before = result(s3, "kept")
    with Server(FakeS3(settings), port=0) as running:
        assert result(client_for(running.endpoint_url), "kept") == before
