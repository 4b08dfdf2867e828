"""The Id-keyed bucket configurations over a live server: analytics, inventory, metrics and
intelligent-tiering, each with Put/Get/Delete/List, S3's Id checks and its body rules.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketInventoryConfiguration.html
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Aws, Raw, assert_s3_error, client_for, raises_client_error
from botocore.client import BaseClient

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

Body = dict[str, Any]
DESTINATION = "arn:aws:s3:::reports-bucket"


def analytics(config_id: str) -> Body:
    export = {"Format": "CSV", "Bucket": DESTINATION, "Prefix": "analytics/"}
    return {
        "Id": config_id,
        "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "team", "Value": "data"}]}},
        "StorageClassAnalysis": {
            "DataExport": {
                "OutputSchemaVersion": "V_1",
                "Destination": {"S3BucketDestination": export},
            }
        },
    }


def inventory(config_id: str) -> Body:
    return {
        "Id": config_id,
        "IsEnabled": True,
        "Destination": {
            "S3BucketDestination": {
                "Bucket": DESTINATION,
                "Format": "Parquet",
                "Prefix": "inventory",
                "Encryption": {"SSES3": {}},
            }
        },
        "Filter": {"Prefix": "photos/"},
        "IncludedObjectVersions": "Current",
        "OptionalFields": ["Size", "ETag", "ChecksumAlgorithm"],
        "Schedule": {"Frequency": "Weekly"},
    }


def metrics(config_id: str) -> Body:
    return {
        "Id": config_id,
        "Filter": {"AccessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/reports"},
    }


def tiering(config_id: str) -> Body:
    return {
        "Id": config_id,
        "Status": "Enabled",
        "Filter": {"Tag": {"Key": "tier", "Value": "cold"}},
        "Tierings": [
            {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
            {"Days": 730, "AccessTier": "DEEP_ARCHIVE_ACCESS"},
        ],
    }


@dataclass(frozen=True)
class Family:
    """One family as boto3 calls it: ``put_bucket_<snake>_configuration`` and its members."""

    snake: str
    member: str  # the document's member: AnalyticsConfiguration…
    body: Callable[[str], Body]
    mismatch: str  # S3's error code when the body's Id is not the query's
    store: str  # the store's name of the family

    def call(self, s3: BaseClient, verb: str, **kwargs: Any) -> Any:
        plural = "s" if verb == "list" else ""
        return getattr(s3, f"{verb}_bucket_{self.snake}_configuration{plural}")(**kwargs)

    def put(self, s3: BaseClient, bucket: str, config_id: str, body: Body) -> Any:
        return self.call(s3, "put", Bucket=bucket, Id=config_id, **{self.member: body})

    def get(self, s3: BaseClient, bucket: str, config_id: str) -> Body:
        return dict(self.call(s3, "get", Bucket=bucket, Id=config_id)[self.member])

    def listed(self, page: dict[str, Any]) -> list[Body]:
        return list(page.get(self.member + "List", []))


FAMILIES = [
    Family("analytics", "AnalyticsConfiguration", analytics, "MalformedXML", "analytics"),
    Family("inventory", "InventoryConfiguration", inventory, "IdMismatch", "inventory"),
    Family("metrics", "MetricsConfiguration", metrics, "MalformedXML", "metrics"),
    Family(
        "intelligent_tiering",
        "IntelligentTieringConfiguration",
        tiering,
        "MalformedXML",
        "intelligent-tiering",
    ),
]
family_param = pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.snake)


@family_param
def test_round_trip_replace_and_delete(s3: BaseClient, bucket: str, family: Family) -> None:
    with raises_client_error("NoSuchConfiguration", 404) as info:
        family.get(s3, bucket, "first")
    assert "BucketName" not in info.value.response["Error"]  # as AWS answers
    put = family.put(s3, bucket, "first", family.body("first"))
    # 204, as AWS answered each family (LocalStack's validated tests)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert family.get(s3, bucket, "first") == family.body("first")
    replaced = family.body("first")
    replaced.pop("Filter")
    family.put(s3, bucket, "first", replaced)
    assert family.get(s3, bucket, "first") == replaced
    deleted = family.call(s3, "delete", Bucket=bucket, Id="first")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_client_error("NoSuchConfiguration", 404):
        family.get(s3, bucket, "first")
    with raises_client_error("NoSuchConfiguration", 404):  # S3 does not call it done
        family.call(s3, "delete", Bucket=bucket, Id="first")


@family_param
def test_families_do_not_see_each_other(s3: BaseClient, bucket: str, family: Family) -> None:
    for other in FAMILIES:
        if other is not family:
            other.put(s3, bucket, "shared", other.body("shared"))
    assert family.listed(family.call(s3, "list", Bucket=bucket)) == []
    with raises_client_error("NoSuchConfiguration", 404):
        family.get(s3, bucket, "shared")


@family_param
def test_list_pages_of_100_sorted_by_id(s3: BaseClient, bucket: str, family: Family) -> None:
    ids = [f"config-{n:03d}" for n in range(201)]
    for config_id in reversed(ids):
        family.put(s3, bucket, config_id, family.body(config_id))
    seen: list[str] = []
    pages = 0
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if token is not None:
            kwargs["ContinuationToken"] = token
        page = family.call(s3, "list", **kwargs)
        pages += 1
        listed = family.listed(page)
        assert len(listed) == (100 if page["IsTruncated"] else 1)
        assert page.get("ContinuationToken") == token
        seen += [config["Id"] for config in listed]
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
        assert token not in ids  # opaque, not the Id itself
    assert pages == 3
    assert seen == ids
    assert family.listed(family.call(s3, "list", Bucket=bucket))[0] == family.body("config-000")


@family_param
def test_a_token_it_did_not_issue_is_invalid_argument(
    s3: BaseClient, bucket: str, family: Family
) -> None:
    with raises_client_error("InvalidArgument", 400):
        family.call(s3, "list", Bucket=bucket, ContinuationToken="not a token!")


@family_param
def test_body_id_must_be_the_query_id(s3: BaseClient, bucket: str, family: Family) -> None:
    family.put(s3, bucket, "kept", family.body("kept"))
    with raises_client_error(family.mismatch, 400):
        family.put(s3, bucket, "kept", family.body("other"))
    assert family.get(s3, bucket, "kept") == family.body("kept")
    with raises_client_error("NoSuchConfiguration", 404):
        family.get(s3, bucket, "other")


@family_param
@pytest.mark.parametrize("config_id", ["", "has space", "slash/ed", "x" * 65])
def test_bad_ids_are_invalid_argument(
    s3: BaseClient, bucket: str, family: Family, config_id: str
) -> None:
    with raises_client_error("InvalidArgument", 400):
        family.put(s3, bucket, config_id, family.body(config_id))
    assert family.listed(family.call(s3, "list", Bucket=bucket)) == []


@family_param
def test_longest_id_and_its_characters_are_accepted(
    s3: BaseClient, bucket: str, family: Family
) -> None:
    config_id = "Az09._-" + "x" * 57
    family.put(s3, bucket, config_id, family.body(config_id))
    assert family.get(s3, bucket, config_id)["Id"] == config_id


@family_param
def test_missing_bucket_is_no_such_bucket(s3: BaseClient, family: Family) -> None:
    missing = "no-such-bucket-for-keyed-configs"
    with raises_client_error("NoSuchBucket", 404):
        family.put(s3, missing, "a", family.body("a"))
    with raises_client_error("NoSuchBucket", 404):
        family.get(s3, missing, "a")
    with raises_client_error("NoSuchBucket", 404):
        family.call(s3, "delete", Bucket=missing, Id="a")
    with raises_client_error("NoSuchBucket", 404):
        family.call(s3, "list", Bucket=missing)


def _with(body: Body, path: str, value: Any) -> Body:
    """``body`` with the member at dotted ``path`` set to ``value`` (removed if None)."""
    copy = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    node = copy
    for step in parents:
        node = node[step]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return copy


S3_DEST = "Destination.S3BucketDestination"
EXPORT = "StorageClassAnalysis.DataExport.Destination.S3BucketDestination"
BAD_BODIES = [
    # inventory: the model's enums, the destination as a bucket ARN, one encryption
    ("inventory", f"{S3_DEST}.Format", "JSON", "MalformedXML"),
    ("inventory", "Schedule.Frequency", "Hourly", "MalformedXML"),
    ("inventory", "IncludedObjectVersions", "Latest", "MalformedXML"),
    ("inventory", "OptionalFields", ["Size", "Colour"], "MalformedXML"),
    ("inventory", f"{S3_DEST}.Bucket", "reports-bucket", "InvalidS3DestinationBucket"),
    (
        "inventory",
        f"{S3_DEST}.Bucket",
        "arn:aws:s3:us-east-1:123456789012:reports-bucket",
        "InvalidS3DestinationBucket",
    ),
    (
        "inventory",
        f"{S3_DEST}.Encryption",
        {"SSES3": {}, "SSEKMS": {"KeyId": "arn:aws:kms:us-east-1:123456789012:key/k"}},
        "MalformedXML",
    ),
    # analytics: the export's schema version, format and bucket; one filter form
    ("analytics", "StorageClassAnalysis.DataExport.OutputSchemaVersion", "V_2", "MalformedXML"),
    ("analytics", f"{EXPORT}.Format", "ORC", "MalformedXML"),
    ("analytics", f"{EXPORT}.Bucket", "reports-bucket", "InvalidS3DestinationBucket"),
    ("analytics", "Filter.Prefix", "both/", "MalformedXML"),
    ("analytics", "Filter.And.Tags", None, "MalformedXML"),  # an And of one predicate
    # a filter's tags follow the tag rules (were accepted)
    ("analytics", "Filter.And.Tags", [{"Key": "aws:k", "Value": "v"}], "InvalidTag"),
    (
        "analytics",
        "Filter.And.Tags",
        [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}],
        "InvalidTag",
    ),
    ("intelligent_tiering", "Filter.Tag", {"Key": "k!!", "Value": "v"}, "InvalidTag"),
    ("intelligent_tiering", "Filter.Tag", {"Key": "k" * 129, "Value": "v"}, "InvalidTag"),
    # metrics: filter forms, access point ARNs
    ("metrics", "Filter.Prefix", "also/", "MalformedXML"),
    ("metrics", "Filter.AccessPointArn", "arn:aws:s3:::not-an-access-point", "InvalidArgument"),
    # intelligent-tiering: status, tiers and their day ranges
    ("intelligent_tiering", "Status", "On", "MalformedXML"),
    ("intelligent_tiering", "Tierings", [{"Days": 90, "AccessTier": "GLACIER"}], "MalformedXML"),
    (
        "intelligent_tiering",
        "Tierings",
        [{"Days": 89, "AccessTier": "ARCHIVE_ACCESS"}],
        "InvalidArgument",
    ),
    (
        "intelligent_tiering",
        "Tierings",
        [{"Days": 179, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
        "InvalidArgument",
    ),
    (
        "intelligent_tiering",
        "Tierings",
        [{"Days": 731, "AccessTier": "ARCHIVE_ACCESS"}],
        "InvalidArgument",
    ),
]


@pytest.mark.parametrize(
    "snake, path, value, code", BAD_BODIES, ids=lambda v: str(v)[:40] if isinstance(v, str) else ""
)
def test_bad_bodies_get_the_aws_error_and_keep_the_previous_configuration(
    s3: BaseClient, bucket: str, snake: str, path: str, value: Any, code: str
) -> None:
    family = next(f for f in FAMILIES if f.snake == snake)
    family.put(s3, bucket, "kept", family.body("kept"))
    with raises_client_error(code, 400):
        family.put(s3, bucket, "kept", _with(family.body("kept"), path, value))
    assert family.get(s3, bucket, "kept") == family.body("kept")


@pytest.mark.parametrize(
    "query, document",
    [
        (
            "inventory",
            "<InventoryConfiguration><Id>kept</Id><IsEnabled>true</IsEnabled>"
            "</InventoryConfiguration>",
        ),
        ("analytics", "<AnalyticsConfiguration><Id>kept</Id></AnalyticsConfiguration>"),
        (
            "intelligent-tiering",
            "<IntelligentTieringConfiguration><Id>kept</Id>"
            "<Status>Enabled</Status></IntelligentTieringConfiguration>",
        ),
        (
            "metrics",
            "<MetricsConfiguration><Filter><Prefix>a</Prefix></Filter></MetricsConfiguration>",
        ),
    ],
)
def test_a_body_without_required_members_is_malformed_xml(
    raw: Raw, s3: BaseClient, bucket: str, query: str, document: str
) -> None:
    family = next(f for f in FAMILIES if f.store == query)
    family.put(s3, bucket, "kept", family.body("kept"))
    response = raw("PUT", f"/{bucket}?{query}&id=kept", data=document.encode())
    assert_s3_error(response, "MalformedXML", 400)
    assert family.get(s3, bucket, "kept") == family.body("kept")


@pytest.fixture(scope="module")
def small_server() -> Iterator[Server]:
    with Server(FakeS3(), port=0) as running:
        yield running


@family_param
def test_a_thousand_per_family_then_too_many_configurations(
    small_server: Server, family: Family
) -> None:
    s3 = client_for(small_server.endpoint_url)
    name = f"full-{family.store}"
    s3.create_bucket(Bucket=name)
    store = small_server.app.store  # type: ignore[attr-defined]
    for n in range(1000):
        store.configs.put(name, f"{family.store}/c{n:04d}", family.body(f"c{n:04d}"))
    with raises_client_error("TooManyConfigurations", 400):
        family.put(s3, name, "one-more", family.body("one-more"))
    family.put(s3, name, "c0500", family.body("c0500"))  # replacing one is not adding one
    other = next(f for f in FAMILIES if f is not family)
    other.put(s3, name, "one-more", other.body("one-more"))  # the limit is per family
    family.call(s3, "delete", Bucket=name, Id="c0000")
    family.put(s3, name, "one-more", family.body("one-more"))
    assert family.get(s3, name, "one-more") == family.body("one-more")


def test_configurations_survive_a_directory_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"))
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="kept")
        for family in FAMILIES:
            for config_id in ("a", "b"):
                family.put(s3, "kept", config_id, family.body(config_id))
            family.call(s3, "delete", Bucket="kept", Id="b")
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        for family in FAMILIES:
            assert family.listed(family.call(s3, "list", Bucket="kept")) == [family.body("a")]
            assert family.get(s3, "kept", "a") == family.body("a")


def test_aws_cli_puts_and_lists_an_inventory_configuration(
    aws: Aws,
    bucket: str,
    tmp_path: Path,
) -> None:
    document = tmp_path / "inventory.json"
    document.write_text(json.dumps(inventory("weekly")))
    aws(
        "s3api",
        "put-bucket-inventory-configuration",
        "--bucket",
        bucket,
        "--id",
        "weekly",
        "--inventory-configuration",
        f"file://{document}",
    )
    listed = json.loads(
        aws("s3api", "list-bucket-inventory-configurations", "--bucket", bucket).stdout
    )
    assert listed["InventoryConfigurationList"] == [inventory("weekly")]
    assert listed["IsTruncated"] is False
    failed = aws(
        "s3api",
        "get-bucket-inventory-configuration",
        "--bucket",
        bucket,
        "--id",
        "daily",
        check=False,
    )
    assert failed.returncode != 0
    assert "NoSuchConfiguration" in failed.stderr
