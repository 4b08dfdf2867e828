"""Server access logging over a live server: Put/GetBucketLogging and delivered log objects.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme
from api_helpers import (
    Aws,
    Raw,
    assert_s3_error,
    client_for,
    md5_b64,
    raises_client_error,
    unique_bucket_name,
)
from botocore import UNSIGNED
from botocore.client import BaseClient
from botocore.config import Config

from fakes3 import access_logs
from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store.clock import ManualClock

INTERVAL = 60  # Settings.access_log_interval's default
OTHER_OWNER = "b0b" + "0" * 61

# S3's documented line, one group per field (an independent parser, not fakes3's own).
LINE = re.compile(
    r"(?P<owner>\S+) (?P<bucket>\S+) \[(?P<time>[^\]]+)\] (?P<ip>\S+) (?P<requester>\S+) "
    r"(?P<request_id>\S+) (?P<operation>\S+) (?P<key>\S+) \"(?P<uri>[^\"]*)\" (?P<status>\S+) "
    r"(?P<error>\S+) (?P<bytes_sent>\S+) (?P<object_size>\S+) (?P<total_time>\S+) "
    r"(?P<turn_around>\S+) \"(?P<referrer>[^\"]*)\" \"(?P<user_agent>(?:[^\"\\]|\\.)*)\" "
    r"(?P<version_id>\S+) (?P<host_id>\S+) (?P<sig>\S+) (?P<cipher>\S+) (?P<auth>\S+) "
    r"(?P<host>\S+) (?P<tls>\S+) (?P<access_point>\S+) (?P<acl_required>\S+) "
    r"(?P<source_region>\S+)$"
)


@pytest.fixture
def app(server: Server) -> Iterator[FakeS3]:
    """The server's app on a manual clock; wall clock and an empty log buffer afterwards."""
    app = server.app
    assert isinstance(app, FakeS3)
    app.access_logs.clear()
    yield app
    app.access_logs.clear()
    app.consistency.reset()


@pytest.fixture
def clock(app: FakeS3) -> ManualClock:
    return app.consistency.manual_clock()


def _empty_and_delete(s3: BaseClient, bucket: str) -> None:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


@pytest.fixture
def pair(s3: BaseClient, app: FakeS3) -> Iterator[tuple[str, str]]:
    """(source, target) buckets; logging off, buffer dropped and both deleted afterwards."""
    source, target = unique_bucket_name("src"), unique_bucket_name("logs")
    s3.create_bucket(Bucket=source)
    s3.create_bucket(Bucket=target)
    yield source, target
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={})
    app.access_logs.clear()
    _empty_and_delete(s3, source)
    _empty_and_delete(s3, target)


def _enable(s3: BaseClient, source: str, target: str, prefix: str = "logs/", **extra: Any) -> None:
    enabled = {"TargetBucket": target, "TargetPrefix": prefix, **extra}
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": enabled})


def _logging(s3: BaseClient, bucket: str) -> dict[str, Any] | None:
    return s3.get_bucket_logging(Bucket=bucket).get("LoggingEnabled")


def _delivered(s3: BaseClient, target: str, prefix: str = "") -> dict[str, list[str]]:
    """Every log object under ``prefix``: key -> its lines."""
    found: dict[str, list[str]] = {}
    for item in s3.list_objects_v2(Bucket=target, Prefix=prefix).get("Contents", []):
        body = s3.get_object(Bucket=target, Key=item["Key"])["Body"].read().decode()
        assert body.endswith("\n")
        found[item["Key"]] = body.splitlines()
    return found


def _fields(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match, line
    return match.groupdict()


# Configuration ----------------------------------------------------------------------------


def test_get_without_configuration_is_empty_status(s3: BaseClient, bucket: str) -> None:
    answer = s3.get_bucket_logging(Bucket=bucket)
    assert "LoggingEnabled" not in answer


def test_round_trip_key_formats_and_disable(s3: BaseClient, pair: tuple[str, str]) -> None:
    source, target = pair
    _enable(s3, source, target)
    assert _logging(s3, source) == {"TargetBucket": target, "TargetPrefix": "logs/"}
    simple = {"SimplePrefix": {}}
    _enable(s3, source, target, "a/", TargetObjectKeyFormat=simple)
    assert _logging(s3, source) == {
        "TargetBucket": target,
        "TargetPrefix": "a/",
        "TargetObjectKeyFormat": simple,
    }
    partitioned = {"PartitionedPrefix": {"PartitionDateSource": "DeliveryTime"}}
    _enable(s3, source, target, "", TargetObjectKeyFormat=partitioned)
    assert _logging(s3, source) == {
        "TargetBucket": target,
        "TargetPrefix": "",
        "TargetObjectKeyFormat": partitioned,
    }
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={})
    assert _logging(s3, source) is None


def test_missing_target_bucket(s3: BaseClient, pair: tuple[str, str]) -> None:
    source, target = pair
    _enable(s3, source, target)
    missing = unique_bucket_name("nope")
    with raises_client_error("InvalidTargetBucketForLogging", 400) as caught:
        _enable(s3, source, missing, "other/")
    error = caught.value.response["Error"]
    assert error["Message"] == "The target bucket for logging does not exist"
    assert error["TargetBucket"] == missing
    assert _logging(s3, source) == {"TargetBucket": target, "TargetPrefix": "logs/"}


def test_target_of_another_owner(s3: BaseClient, app: FakeS3, pair: tuple[str, str]) -> None:
    source, target = pair
    _enable(s3, source, target)
    foreign = unique_bucket_name("foreign")
    app.store.create_bucket(foreign, "us-east-1", owner=OTHER_OWNER)
    try:
        with raises_client_error("InvalidTargetBucketForLogging", 400) as caught:
            _enable(s3, source, foreign, "other/")
    finally:
        app.store.delete_bucket(foreign)
    error = caught.value.response["Error"]
    assert error["Message"] == (
        "The owner for the bucket to be logged and the target bucket must be the same."
    )
    assert error["TargetBucket"] == foreign
    assert _logging(s3, source) == {"TargetBucket": target, "TargetPrefix": "logs/"}


def _cross_region_refusal(s3: BaseClient, app: FakeS3, source: str, region: str) -> dict[str, Any]:
    """The error of logging ``source`` into a new bucket in ``region`` (then removed)."""
    far = unique_bucket_name("far")
    app.store.create_bucket(far, region)
    try:
        with raises_client_error("CrossLocationLoggingProhibitted", 403) as caught:
            _enable(s3, source, far, "other/")
    finally:
        app.store.delete_bucket(far)
    error: dict[str, Any] = caught.value.response["Error"]
    assert error["Message"] == "Cross S3 location logging not allowed. "
    return error


def test_target_in_another_region(s3: BaseClient, app: FakeS3, pair: tuple[str, str]) -> None:
    source, target = pair
    _enable(s3, source, target)
    error = _cross_region_refusal(s3, app, source, "eu-west-1")
    assert error["TargetBucketLocation"] == "eu-west-1"
    assert "SourceBucketLocation" not in error  # a us-east-1 source is not named
    assert _logging(s3, source) == {"TargetBucket": target, "TargetPrefix": "logs/"}


def test_a_source_outside_us_east_1_is_named(s3: BaseClient, app: FakeS3) -> None:
    """AWS names the source's region too, unless it is us-east-1 (LocalStack's validated
    test_put_bucket_logging_cross_locations)."""
    source = unique_bucket_name("east2")
    app.store.create_bucket(source, "us-east-2")
    try:
        error = _cross_region_refusal(s3, app, source, "us-west-2")
    finally:
        app.store.delete_bucket(source)
    assert (error["SourceBucketLocation"], error["TargetBucketLocation"]) == (
        "us-east-2",
        "us-west-2",
    )


def test_target_grants_refused_on_bucket_owner_enforced(
    s3: BaseClient, pair: tuple[str, str]
) -> None:
    source, target = pair
    _enable(s3, source, target)
    grants = [
        {
            "Grantee": {"Type": "CanonicalUser", "ID": OTHER_OWNER},
            "Permission": "READ",
        }
    ]
    with raises_client_error("AccessControlListNotSupported", 400) as caught:
        _enable(s3, source, target, "other/", TargetGrants=grants)
    assert caught.value.response["Error"]["Message"] == (
        "Target grants not allowed for bucket owner enforced buckets"
    )
    assert _logging(s3, source) == {"TargetBucket": target, "TargetPrefix": "logs/"}


@pytest.mark.parametrize(
    "key_format",
    [
        "<SimplePrefix/><PartitionedPrefix/>",
        "",
        "<PartitionedPrefix><PartitionDateSource>Tomorrow</PartitionDateSource></PartitionedPrefix>",
    ],
    ids=["both", "neither", "bad-date-source"],
)
def test_bad_key_format_is_malformed_xml(
    s3: BaseClient, raw: Raw, pair: tuple[str, str], key_format: str
) -> None:
    source, target = pair
    _enable(s3, source, target)
    body = (
        '<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled>'
        f"<TargetBucket>{target}</TargetBucket><TargetPrefix>x/</TargetPrefix>"
        f"<TargetObjectKeyFormat>{key_format}</TargetObjectKeyFormat>"
        "</LoggingEnabled></BucketLoggingStatus>"
    )
    headers = {"Content-MD5": md5_b64(body.encode())}
    response = raw("PUT", f"/{source}?logging", data=body, headers=headers)
    assert_s3_error(response, "MalformedXML", 400)
    assert _logging(s3, source) == {"TargetBucket": target, "TargetPrefix": "logs/"}


def test_missing_source_bucket_is_no_such_bucket(s3: BaseClient, bucket: str) -> None:
    missing = unique_bucket_name("gone")
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_logging(Bucket=missing)
    with raises_client_error("NoSuchBucket", 404):
        _enable(s3, missing, bucket)


def test_configuration_survives_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"))
    partitioned = {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="source")
        s3.create_bucket(Bucket="target")
        _enable(s3, "source", "target", "p/", TargetObjectKeyFormat=partitioned)
        running.app.store.close()  # type: ignore[attr-defined]
    app = FakeS3(settings)
    with Server(app, port=0) as running:
        s3 = client_for(running.endpoint_url)
        assert _logging(s3, "source") == {
            "TargetBucket": "target",
            "TargetPrefix": "p/",
            "TargetObjectKeyFormat": partitioned,
        }
        s3.head_bucket(Bucket="source")  # still logged by the new app
        [(_, key)] = app.access_logs.flush()
        lines = _delivered(s3, "target")[key]
        assert [_fields(line)["operation"] for line in lines] == [
            "REST.GET.LOGGING_STATUS",
            "REST.HEAD.BUCKET",
        ]
        app.store.close()


# Delivery ---------------------------------------------------------------------------------


def test_records_are_delivered_after_the_interval(
    s3: BaseClient, app: FakeS3, clock: ManualClock, pair: tuple[str, str]
) -> None:
    source, target = pair
    _enable(s3, source, target)
    put = s3.put_object(Bucket=source, Key="dir/a b.txt", Body=b"hello world")
    got = s3.get_object(Bucket=source, Key="dir/a b.txt")
    assert got["Body"].read() == b"hello world"
    with raises_client_error("NoSuchKey", 404) as missing:
        s3.get_object(Bucket=source, Key="missing")
    s3.head_object(Bucket=source, Key="dir/a b.txt")
    s3.list_objects_v2(Bucket=source)
    s3.delete_object(Bucket=source, Key="dir/a b.txt")

    clock.advance(INTERVAL - 1)
    s3.head_bucket(Bucket=source)  # a request arrives: not due yet
    assert _delivered(s3, target) == {}
    clock.advance(1)
    logs = _delivered(s3, target, "logs/")  # its listing arrives: delivered, then answered
    assert len(logs) == 1
    [(log_key, lines)] = logs.items()
    assert re.fullmatch(r"logs/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9A-F]{16}", log_key)
    stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(clock.time()))
    assert log_key[len("logs/") : -17] == stamp
    records = [_fields(line) for line in lines]
    assert [(r["operation"], r["key"], r["status"], r["error"]) for r in records] == [
        ("REST.PUT.LOGGING_STATUS", "-", "200", "-"),
        ("REST.PUT.OBJECT", "dir/a%20b.txt", "200", "-"),
        ("REST.GET.OBJECT", "dir/a%20b.txt", "200", "-"),
        ("REST.GET.OBJECT", "missing", "404", "NoSuchKey"),
        ("REST.HEAD.OBJECT", "dir/a%20b.txt", "200", "-"),
        ("REST.GET.BUCKET", "-", "200", "-"),
        ("REST.DELETE.OBJECT", "dir/a%20b.txt", "204", "-"),
        ("REST.HEAD.BUCKET", "-", "200", "-"),
    ]
    put_line, get_line, missing_line, head_line = records[1:5]
    assert put_line["request_id"] == put["ResponseMetadata"]["RequestId"]
    assert put_line["host_id"] == put["ResponseMetadata"]["HostId"]
    assert put_line["uri"] == f"PUT /{source}/dir/a%20b.txt HTTP/1.1"
    assert (put_line["bytes_sent"], put_line["object_size"]) == ("-", "11")
    assert (get_line["bytes_sent"], get_line["object_size"]) == ("11", "11")
    assert (head_line["bytes_sent"], head_line["object_size"]) == ("-", "11")
    missing_meta = missing.value.response["ResponseMetadata"]
    assert missing_line["request_id"] == missing_meta["RequestId"]
    assert int(missing_line["bytes_sent"]) == int(missing_meta["HTTPHeaders"]["content-length"])
    owner = s3.list_buckets()["Owner"]["ID"]
    for record in records:
        assert record["owner"] == owner
        assert record["requester"] == owner
        assert record["bucket"] == source
        assert record["ip"] == "127.0.0.1"
        assert (record["sig"], record["auth"], record["cipher"], record["tls"]) == (
            "SigV4",
            "AuthHeader",
            "-",
            "-",
        )
        assert record["user_agent"].startswith("Boto3/")
        assert record["host"] == s3.meta.endpoint_url.split("//")[1]
        assert record["time"].endswith(" +0000")
        assert int(record["total_time"]) >= 0
    assert app.access_logs.pending == 0


def test_nothing_is_delivered_before_the_interval_even_on_many_requests(
    s3: BaseClient, app: FakeS3, clock: ManualClock, pair: tuple[str, str]
) -> None:
    source, target = pair
    _enable(s3, source, target)
    for step in range(5):
        s3.put_object(Bucket=source, Key=f"k{step}", Body=b"x")
        clock.advance((INTERVAL - 1) / 5)
    assert _delivered(s3, target) == {}
    assert app.access_logs.pending == 6


def test_flush_from_python_and_over_http(
    s3: BaseClient, app: FakeS3, endpoint: str, pair: tuple[str, str]
) -> None:
    source, target = pair
    _enable(s3, source, target, "py/")
    s3.put_object(Bucket=source, Key="k", Body=b"x")
    written = app.access_logs.flush()
    assert [bucket for bucket, _ in written] == [target]
    assert list(_delivered(s3, target, "py/")) == [written[0][1]]

    _enable(s3, source, target, "http/")
    s3.get_object(Bucket=source, Key="k")["Body"].read()
    status = requests.get(f"{endpoint}/_fakes3/access-logs", timeout=10).json()
    assert status == {"pending": 2, "interval": INTERVAL}
    answer = requests.post(f"{endpoint}/_fakes3/access-logs/flush", timeout=10)
    assert answer.status_code == 200
    [delivered] = answer.json()["delivered"]
    assert delivered["bucket"] == target
    lines = _delivered(s3, target, "http/")[delivered["key"]]
    assert [_fields(line)["operation"] for line in lines] == [
        "REST.PUT.LOGGING_STATUS",
        "REST.GET.OBJECT",
    ]
    assert app.access_logs.flush() == []


def test_partitioned_keys_by_event_and_delivery_time(
    s3: BaseClient, app: FakeS3, clock: ManualClock, endpoint: str, pair: tuple[str, str]
) -> None:
    source, target = pair
    # Unsigned requests (lenient auth lets them in) can travel to any date without skew.
    anonymous = client_for(endpoint, config=Config(signature_version=UNSIGNED))
    now = clock.time()
    clock.set(1767225000.0)  # 2025-12-31T23:50:00Z: the batch spans two event days
    try:
        by_event = {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}
        _enable(anonymous, source, target, "ev/", TargetObjectKeyFormat=by_event)
        anonymous.put_object(Bucket=source, Key="before-midnight", Body=b"1")
        clock.advance(15 * 60)
        anonymous.put_object(Bucket=source, Key="after-midnight", Body=b"2")
        app.access_logs.flush()
        delivered_at = clock.time()
        by_delivery = {"PartitionedPrefix": {"PartitionDateSource": "DeliveryTime"}}
        _enable(anonymous, source, target, "dt/", TargetObjectKeyFormat=by_delivery)
        app.access_logs.flush()
    finally:
        clock.set(now)
    account = app.gate.accounts.default.account_id
    base = f"ev/{account}/us-east-1/{source}/"
    logs = _delivered(s3, target, "ev/")
    assert sorted(re.sub(r"-[0-9A-F]{16}$", "", key) for key in logs) == [
        base + "2025/12/31/2025-12-31-00-00-00",
        base + "2026/01/01/2026-01-01-00-00-00",
    ]
    by_day = {key.split("/")[-1][:10]: lines for key, lines in logs.items()}
    first_day = [_fields(line) for line in by_day["2025-12-31"]]
    assert [r["key"] for r in first_day] == ["-", "before-midnight"]
    assert [r["time"] for r in first_day] == ["31/Dec/2025:23:50:00 +0000"] * 2
    assert [(r["requester"], r["sig"], r["auth"]) for r in first_day] == [("-", "-", "-")] * 2
    assert [_fields(line)["key"] for line in by_day["2026-01-01"]] == ["after-midnight"]

    [key] = _delivered(s3, target, "dt/")
    assert key.startswith(f"dt/{account}/us-east-1/{source}/2026/01/01/")
    stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(delivered_at))
    assert key.split("/")[-1][:19] == stamp == "2026-01-01-00-05-00"


def test_disabled_bucket_and_deliveries_are_not_logged(
    s3: BaseClient, app: FakeS3, pair: tuple[str, str]
) -> None:
    source, target = pair
    _enable(s3, source, source, "self/")  # a bucket may log to itself
    s3.put_object(Bucket=target, Key="unlogged", Body=b"x")  # target has no logging
    app.access_logs.flush()  # the delivery is a write into source, but not a request
    assert app.access_logs.pending == 0
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={})
    s3.put_object(Bucket=source, Key="after", Body=b"x")
    assert app.access_logs.pending == 0
    logs = _delivered(s3, source, "self/")
    assert [_fields(line)["operation"] for lines in logs.values() for line in lines] == [
        "REST.PUT.LOGGING_STATUS"
    ]


def test_reset_drops_buffered_records(s3: BaseClient, app: FakeS3, pair: tuple[str, str]) -> None:
    source, target = pair
    _enable(s3, source, target)
    assert app.access_logs.pending == 1
    app.access_logs.clear()
    assert app.access_logs.pending == 0
    assert app.access_logs.flush() == []


def _flushed(s3: BaseClient, app: FakeS3, target: str, prefix: str = "") -> list[dict[str, str]]:
    """Deliver now and return every delivered record, oldest object first."""
    app.access_logs.flush()
    found = _delivered(s3, target, prefix)
    return [_fields(line) for key in sorted(found) for line in found[key]]


def test_multipart_copy_and_batch_operations(
    s3: BaseClient, app: FakeS3, pair: tuple[str, str]
) -> None:
    source, target = pair
    s3.put_object(Bucket=source, Key="orig", Body=b"abc")
    _enable(s3, source, target, "l/")
    upload = s3.create_multipart_upload(Bucket=source, Key="big")["UploadId"]
    part = s3.upload_part(Bucket=source, Key="big", UploadId=upload, PartNumber=1, Body=b"p")
    s3.list_parts(Bucket=source, Key="big", UploadId=upload)
    s3.complete_multipart_upload(
        Bucket=source,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )
    s3.copy_object(Bucket=source, Key="copy", CopySource={"Bucket": source, "Key": "orig"})
    s3.copy_object(Bucket=target, Key="out", CopySource={"Bucket": source, "Key": "orig"})
    s3.delete_objects(Bucket=source, Delete={"Objects": [{"Key": "copy"}]})
    s3.get_object(Bucket=source, Key="orig", Range="bytes=0-1")["Body"].read()
    s3.get_bucket_logging(Bucket=source)
    records = _flushed(s3, app, target, "l/")
    assert [(r["operation"], r["key"], r["status"]) for r in records[1:]] == [
        ("REST.POST.UPLOADS", "big", "200"),
        ("REST.PUT.PART", "big", "200"),
        ("REST.GET.UPLOAD", "big", "200"),
        ("REST.POST.UPLOAD", "big", "200"),
        ("REST.COPY.OBJECT_GET", "orig", "200"),  # the read of a copy's source
        ("REST.COPY.OBJECT", "copy", "200"),
        ("REST.COPY.OBJECT_GET", "orig", "200"),  # copied into the (unlogged) target
        ("REST.POST.MULTI_OBJECT_DELETE", "-", "200"),
        ("BATCH.DELETE.OBJECT", "copy", "204"),  # one per key the batch deleted
        ("REST.GET.OBJECT", "orig", "206"),
        ("REST.GET.LOGGING_STATUS", "-", "200"),
    ]
    ranged = records[-2]
    assert (ranged["bytes_sent"], ranged["object_size"]) == ("2", "3")
    out_copy = records[7]
    assert (out_copy["bucket"], out_copy["uri"], out_copy["user_agent"]) == (source, "-", "-")
    # One CopyObject request, two records (source read, destination write), one request id.
    assert records[5]["request_id"] == records[6]["request_id"] != out_copy["request_id"]
    batch, deleted = records[8], records[9]
    assert deleted["request_id"] == batch["request_id"]
    assert (deleted["uri"], deleted["bytes_sent"], deleted["error"]) == ("-", "-", "-")


def test_presigned_and_unsigned_requests(
    s3: BaseClient, app: FakeS3, endpoint: str, pair: tuple[str, str]
) -> None:
    source, target = pair
    s3.put_object(Bucket=source, Key="k", Body=b"abc")
    _enable(s3, source, target, "")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": source, "Key": "k"})
    assert requests.get(url, timeout=10).content == b"abc"
    v4 = client_for(endpoint, config=Config(signature_version="s3v4"))
    url = v4.generate_presigned_url("get_object", Params={"Bucket": source, "Key": "k"})
    assert requests.get(url, timeout=10).content == b"abc"
    headers = {"Referer": "https://example.test/page", "User-Agent": 'curl/8 "quoted"'}
    requests.get(f"{endpoint}/{source}/k?versionId=null", headers=headers, timeout=10)
    records = _flushed(s3, app, target)[1:]
    owner = s3.list_buckets()["Owner"]["ID"]
    assert [(r["sig"], r["auth"], r["requester"]) for r in records] == [
        ("SigV2", "QueryString", owner),
        ("SigV4", "QueryString", owner),
        ("-", "-", "-"),
    ]
    unsigned = records[2]
    assert unsigned["referrer"] == "https://example.test/page"
    assert unsigned["user_agent"] == 'curl/8 \\"quoted\\"'
    assert unsigned["version_id"] == "null"
    assert unsigned["uri"] == f"GET /{source}/k?versionId=null HTTP/1.1"


def test_cli_put_and_get_bucket_logging(
    aws_cli: Aws, s3: BaseClient, pair: tuple[str, str]
) -> None:
    source, target = pair

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return aws_cli("s3api", *args, check=False)

    status = {"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "cli/"}}
    done = aws(
        "put-bucket-logging", "--bucket", source, "--bucket-logging-status", json.dumps(status)
    )
    assert done.returncode == 0, done.stderr
    shown = aws("get-bucket-logging", "--bucket", source)
    assert json.loads(shown.stdout) == status
    missing = {"LoggingEnabled": {"TargetBucket": "no-such-bucket-cli", "TargetPrefix": "x"}}
    refused = aws(
        "put-bucket-logging", "--bucket", source, "--bucket-logging-status", json.dumps(missing)
    )
    assert refused.returncode != 0
    assert "InvalidTargetBucketForLogging" in refused.stderr
    assert _logging(s3, source) == status["LoggingEnabled"]


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """A memory-backed fakes3 over HTTPS and the CA file that trusts it."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = tmp_path_factory.mktemp("logging-tls")
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    cert.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    cert.private_key_pem.write_to_path(str(folder / "key.pem"))
    app = FakeS3(Settings())
    with Server(
        app, port=0, tls_cert=str(folder / "cert.pem"), tls_key=str(folder / "key.pem")
    ) as running:
        yield running, str(folder / "ca.pem")
    assert not app.errors


def test_tls_fields_over_https(https_server: tuple[Server, str]) -> None:
    server, ca_file = https_server
    app = server.app
    assert isinstance(app, FakeS3)
    s3 = client_for(server.endpoint_url, verify=ca_file)
    s3.create_bucket(Bucket="tls-source")
    s3.create_bucket(Bucket="tls-target")
    _enable(s3, "tls-source", "tls-target", "")
    s3.head_bucket(Bucket="tls-source")
    [record] = _flushed(s3, app, "tls-target")[1:]
    assert record["tls"].startswith("TLSv1.")
    assert record["cipher"] not in ("", "-")
    assert record["uri"] == "HEAD /tls-source HTTP/1.1"


def test_target_grants_kept_when_the_target_allows_acls(
    s3: BaseClient, app: FakeS3, pair: tuple[str, str]
) -> None:
    """Once ownership controls exist (stored as ``ownership``), ACL-enabled targets take grants."""
    source, target = pair
    rules = {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    app.store.configs.put(target, "ownership", rules)
    grants = [
        {
            "Grantee": {"Type": "CanonicalUser", "ID": OTHER_OWNER},
            "Permission": "READ",
        },
        {
            "Grantee": {
                "Type": "Group",
                "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
            },
            "Permission": "WRITE",
        },
        {  # outside the model's enum, but AWS takes and echoes it (LocalStack's validated
            # test_put_bucket_logging_accept_wrong_grants)
            "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
            "Permission": "READ_ACP",
        },
    ]
    _enable(s3, source, target, "g/", TargetGrants=grants)
    assert _logging(s3, source) == {
        "TargetBucket": target,
        "TargetPrefix": "g/",
        "TargetGrants": grants,
    }


def test_logs_for_a_deleted_target_are_dropped(s3: BaseClient, app: FakeS3, bucket: str) -> None:
    target = unique_bucket_name("gone-logs")
    s3.create_bucket(Bucket=target)
    _enable(s3, bucket, target)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.delete_bucket(Bucket=target)
    assert app.access_logs.pending == 2
    assert app.access_logs.flush() == []
    assert app.access_logs.pending == 0
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})


def test_interval_is_a_setting() -> None:
    settings = Settings.from_env({"FAKES3_ACCESS_LOG_INTERVAL": "5"})
    assert settings.access_log_interval == 5
    app = FakeS3(settings)
    clock = app.consistency.manual_clock()
    with Server(app, port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="source")
        s3.create_bucket(Bucket="target")
        _enable(s3, "source", "target", "")
        clock.advance(4)
        assert _delivered(s3, "target") == {}
        clock.advance(1)
        [lines] = _delivered(s3, "target").values()
        assert [_fields(line)["operation"] for line in lines] == ["REST.PUT.LOGGING_STATUS"]
    assert not app.errors


def test_a_full_batch_is_delivered_at_the_next_request(
    s3: BaseClient, app: FakeS3, clock: ManualClock, pair: tuple[str, str], monkeypatch: Any
) -> None:
    monkeypatch.setattr(access_logs, "MAX_BATCH", 3)
    source, target = pair
    _enable(s3, source, target)
    s3.put_object(Bucket=source, Key="a", Body=b"x")
    assert _delivered(s3, target) == {}
    s3.put_object(Bucket=source, Key="b", Body=b"x")  # the third record fills the batch
    [lines] = _delivered(s3, target).values()  # this listing arrives and delivers it first
    assert [_fields(line)["key"] for line in lines] == ["-", "a", "b"]
    assert app.access_logs.pending == 0


def test_upload_part_copy_logs_the_source_read(
    s3: BaseClient, app: FakeS3, pair: tuple[str, str]
) -> None:
    source, target = pair
    s3.put_object(Bucket=source, Key="orig", Body=b"abc")
    _enable(s3, source, target, "l/")
    upload = s3.create_multipart_upload(Bucket=source, Key="pc")["UploadId"]
    s3.upload_part_copy(
        Bucket=source,
        Key="pc",
        UploadId=upload,
        PartNumber=1,
        CopySource={"Bucket": source, "Key": "orig"},
    )
    s3.abort_multipart_upload(Bucket=source, Key="pc", UploadId=upload)
    records = _flushed(s3, app, target, "l/")[1:]
    assert [(r["operation"], r["key"], r["status"]) for r in records] == [
        ("REST.POST.UPLOADS", "pc", "200"),
        ("REST.COPY.PART_GET", "orig", "200"),
        ("REST.COPY.PART", "pc", "200"),
        ("REST.DELETE.UPLOAD", "pc", "204"),
    ]
