"""Configurations stored and returned: accelerate, request payment, ABAC; GetObjectTorrent and
ListDirectoryBuckets; NoSuchBucket, XML roots, the AWS CLI and a restart for every stored
configuration (replication and notifications have their own files beside this one).
Over a live server, both backends.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAccelerateConfiguration.html
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Aws, Raw, client_for, raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from test_stored_notifications import NOTIFICATIONS
from test_stored_replication import ROLE, rule

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

# --- transfer acceleration, request payment, ABAC ---------------------------------------------


def test_accelerate_round_trip_and_empty_default(s3: BaseClient, bucket: str) -> None:
    got = s3.get_bucket_accelerate_configuration(Bucket=bucket)
    assert "Status" not in got  # nothing stored: an empty <AccelerateConfiguration/>
    for status in ("Enabled", "Suspended"):
        s3.put_bucket_accelerate_configuration(
            Bucket=bucket, AccelerateConfiguration={"Status": status}
        )
        assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == status


def test_accelerate_refuses_a_dotted_bucket_name(s3: BaseClient) -> None:
    name = unique_bucket_name("dotted") + ".example"
    s3.create_bucket(Bucket=name)
    try:
        with raises_client_error("InvalidRequest", 400) as caught:
            s3.put_bucket_accelerate_configuration(
                Bucket=name, AccelerateConfiguration={"Status": "Enabled"}
            )
        assert caught.value.response["Error"]["Message"] == (  # AWS's, as LocalStack recorded
            "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"
        )
        assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=name)
    finally:
        s3.delete_bucket(Bucket=name)


def test_request_payment_defaults_to_the_owner(s3: BaseClient, bucket: str) -> None:
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"


def test_abac_defaults_to_disabled(s3: BaseClient, bucket: str) -> None:
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Disabled"}
    s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": "Enabled"})
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Enabled"}


STATUS_DOCUMENTS: list[tuple[str, str, dict[str, Any], dict[str, Any], Callable[..., Any]]] = [
    (
        "put_bucket_accelerate_configuration",
        "AccelerateConfiguration",
        {"Status": "Enabled"},
        {"Status": "On"},
        lambda s3, b: s3.get_bucket_accelerate_configuration(Bucket=b)["Status"],
    ),
    (
        "put_bucket_request_payment",
        "RequestPaymentConfiguration",
        {"Payer": "Requester"},
        {"Payer": "Everyone"},
        lambda s3, b: s3.get_bucket_request_payment(Bucket=b)["Payer"],
    ),
    (
        "put_bucket_abac",
        "AbacStatus",
        {"Status": "Enabled"},
        {"Status": "Maybe"},
        lambda s3, b: s3.get_bucket_abac(Bucket=b)["AbacStatus"]["Status"],
    ),
]


@pytest.mark.parametrize("put, member, good, bad, read", STATUS_DOCUMENTS)
def test_a_value_outside_the_schema_is_malformed_and_keeps_the_old_one(
    s3: BaseClient,
    bucket: str,
    put: str,
    member: str,
    good: dict[str, Any],
    bad: dict[str, Any],
    read: Callable[..., Any],
) -> None:
    getattr(s3, put)(Bucket=bucket, **{member: good})
    with raises_client_error("MalformedXML", 400):
        getattr(s3, put)(Bucket=bucket, **{member: bad})
    assert read(s3, bucket) == next(iter(good.values()))


# --- torrents, directory buckets ------------------------------------------------------------


def test_no_object_has_a_torrent(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="film.mp4", Body=b"frames")
    with raises_client_error("NoSuchKey", 404) as caught:
        s3.get_object_torrent(Bucket=bucket, Key="film.mp4")
    assert caught.value.response["Error"]["Key"] == "film.mp4"
    with raises_client_error("NoSuchBucket", 404):
        s3.get_object_torrent(Bucket="no-such-bucket-for-torrents", Key="film.mp4")


def test_list_directory_buckets_is_empty_and_not_list_buckets(s3: BaseClient, bucket: str) -> None:
    """boto3 signs ListDirectoryBuckets for ``s3express`` (``GET /`` as ListBuckets): fakes3
    has general-purpose buckets only, so the answer is empty while ListBuckets is not."""
    assert s3.list_directory_buckets()["Buckets"] == []
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    with raises_client_error("InvalidArgument", 400):
        s3.list_directory_buckets(MaxDirectoryBuckets=1001)


@pytest.mark.parametrize(
    "query, root",
    [
        ("accelerate", "AccelerateConfiguration"),
        ("requestPayment", "RequestPaymentConfiguration"),
        ("abac", "AbacStatus"),
        ("notification", "NotificationConfiguration"),
    ],
)
def test_xml_roots_as_s3_writes_them(raw: Raw, bucket: str, query: str, root: str) -> None:
    response = raw("GET", f"/{bucket}?{query}")
    assert response.status_code == 200, response.text
    assert ET.fromstring(response.content).tag == "{http://s3.amazonaws.com/doc/2006-03-01/}" + root


# --- missing buckets ----------------------------------------------------------------------

MISSING = "no-such-bucket-for-configs"
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("get_bucket_accelerate_configuration", {}),
    ("put_bucket_accelerate_configuration", {"AccelerateConfiguration": {"Status": "Enabled"}}),
    ("get_bucket_request_payment", {}),
    ("put_bucket_request_payment", {"RequestPaymentConfiguration": {"Payer": "Requester"}}),
    ("get_bucket_abac", {}),
    ("put_bucket_abac", {"AbacStatus": {"Status": "Enabled"}}),
    ("get_bucket_replication", {}),
    ("put_bucket_replication", {"ReplicationConfiguration": {"Role": ROLE, "Rules": []}}),
    ("delete_bucket_replication", {}),
    ("get_bucket_notification_configuration", {}),
    ("put_bucket_notification_configuration", {"NotificationConfiguration": {}}),
]


@pytest.mark.parametrize("call, kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_a_missing_bucket_is_no_such_bucket(
    s3: BaseClient, call: str, kwargs: dict[str, Any]
) -> None:
    with raises_client_error("NoSuchBucket", 404):
        getattr(s3, call)(Bucket=MISSING, **kwargs)


# --- the AWS CLI, and a restart of the directory backend -----------------------------------


def test_cli_puts_and_gets_acceleration(aws: Aws, bucket: str) -> None:
    aws(
        "s3api",
        "put-bucket-accelerate-configuration",
        "--bucket",
        bucket,
        "--accelerate-configuration",
        "Status=Enabled",
    )
    out = aws("s3api", "get-bucket-accelerate-configuration", "--bucket", bucket).stdout
    assert '"Status": "Enabled"' in out


def test_directory_backend_keeps_them_across_a_restart(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    replication = {"Role": ROLE, "Rules": [rule("replica-bkt")]}
    with Server(FakeS3(Settings(data_dir=data_dir)), port=0) as first:
        s3 = client_for(first.endpoint_url)
        for name in ("source-bkt", "replica-bkt"):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_accelerate_configuration(
            Bucket="source-bkt", AccelerateConfiguration={"Status": "Enabled"}
        )
        s3.put_bucket_request_payment(
            Bucket="source-bkt", RequestPaymentConfiguration={"Payer": "Requester"}
        )
        s3.put_bucket_abac(Bucket="source-bkt", AbacStatus={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="source-bkt", ReplicationConfiguration=replication)
        s3.put_bucket_notification_configuration(
            Bucket="source-bkt", NotificationConfiguration=NOTIFICATIONS
        )
    with Server(FakeS3(Settings(data_dir=data_dir)), port=0) as second:
        s3 = client_for(second.endpoint_url)
        assert s3.get_bucket_accelerate_configuration(Bucket="source-bkt")["Status"] == "Enabled"
        assert s3.get_bucket_request_payment(Bucket="source-bkt")["Payer"] == "Requester"
        assert s3.get_bucket_abac(Bucket="source-bkt")["AbacStatus"] == {"Status": "Enabled"}
        got = s3.get_bucket_replication(Bucket="source-bkt")["ReplicationConfiguration"]
        assert got == replication
        notifications = s3.get_bucket_notification_configuration(Bucket="source-bkt")
        del notifications["ResponseMetadata"]
        assert notifications == NOTIFICATIONS
