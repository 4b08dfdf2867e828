"""Event notifications delivered, both backends: boto3 requests and lifecycle passes on the
manual clock produce S3's event JSON, matched against the bucket's configuration, captured in
``app.notifications`` and POSTed to a real local HTTP receiver; the test event; a slow
receiver never blocks a request.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from notify_receiver import Receiver
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

QUEUE = "arn:aws:sqs:us-east-1:123456789012:events"
TOPIC = "arn:aws:sns:us-east-1:123456789012:removals"
DAY = 86400


@pytest.fixture
def app(server: Server) -> Iterator[FakeS3]:
    app = server.app
    assert isinstance(app, FakeS3)
    app.notifications.clear()
    yield app
    app.notifications.webhooks.reset({})
    app.notifications.clear()


@pytest.fixture
def receiver(app: FakeS3) -> Iterator[Receiver]:
    """A local HTTP server every destination's messages go to."""
    running = Receiver()
    app.notifications.webhooks.mapping = {"*": running.url + "/all"}
    yield running
    running.close()


@pytest.fixture
def versioned(s3: BaseClient, bucket: str) -> Iterator[str]:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    yield bucket
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])


def configure(s3: BaseClient, bucket: str, *events: str, **filters: str) -> None:
    rules = [{"Name": name.capitalize(), "Value": value} for name, value in filters.items()]
    queue: dict[str, Any] = {"Id": "to-queue", "QueueArn": QUEUE, "Events": list(events)}
    if rules:
        queue["Filter"] = {"Key": {"FilterRules": rules}}
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue]}
    )


def test_object_created_events_reach_the_webhook(
    app: FakeS3, receiver: Receiver, s3: BaseClient, bucket: str
) -> None:
    configure(s3, bucket, "s3:ObjectCreated:*", "s3:ObjectRemoved:*")
    put = s3.put_object(Bucket=bucket, Key="dir/a b+c.txt", Body=b"hello")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "dir/a b+c.txt"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")
    part = s3.upload_part(
        Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1, Body=b"z" * 10
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    deleted = s3.delete_object(Bucket=bucket, Key="copy")

    records = receiver.records(4)
    names = [(r["eventName"], r["s3"]["object"]["key"]) for r in records]
    assert names == [
        ("ObjectCreated:Put", "dir/a+b%2Bc.txt"),
        ("ObjectCreated:Copy", "copy"),
        ("ObjectCreated:CompleteMultipartUpload", "big"),
        ("ObjectRemoved:Delete", "copy"),
    ]
    first = records[0]
    assert first["eventVersion"] == "2.1"
    assert first["eventSource"] == "aws:s3"
    assert first["awsRegion"] == "us-east-1"
    assert first["eventTime"].endswith("Z")
    assert first["responseElements"]["x-amz-request-id"] == put["ResponseMetadata"]["RequestId"]
    assert first["requestParameters"]["sourceIPAddress"] == "127.0.0.1"
    s3_part = first["s3"]
    assert s3_part["s3SchemaVersion"] == "1.0"
    assert s3_part["configurationId"] == "to-queue"
    assert s3_part["bucket"]["name"] == bucket
    assert s3_part["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert s3_part["object"]["size"] == 5
    assert s3_part["object"]["eTag"] == put["ETag"].strip('"')
    assert "versionId" not in s3_part["object"]  # an unversioned bucket
    assert records[2]["s3"]["object"]["size"] == 10
    assert "size" not in records[3]["s3"]["object"]  # a removal carries no size
    assert (
        records[3]["responseElements"]["x-amz-request-id"]
        == (deleted["ResponseMetadata"]["RequestId"])
    )
    sequencers = [r["s3"]["object"]["sequencer"] for r in records]
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 4
    app.notifications.assert_emitted("s3:ObjectCreated:Put", key="dir/a b+c.txt", times=1)
    app.notifications.assert_emitted("ObjectCreated:*", bucket=bucket, times=3)


def test_versioned_removals(
    app: FakeS3, receiver: Receiver, s3: BaseClient, versioned: str
) -> None:
    configure(s3, versioned, "s3:ObjectRemoved:*")
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket=versioned, Key="gone", Body=b"2")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="k", VersionId=first)
    batch = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "gone"}]})

    records = receiver.records(3)
    objects = [(r["eventName"], r["s3"]["object"]) for r in records]
    got = [(name, obj["key"], obj["versionId"]) for name, obj in objects]
    assert got == [
        ("ObjectRemoved:DeleteMarkerCreated", "k", marker),
        ("ObjectRemoved:Delete", "k", first),
        ("ObjectRemoved:DeleteMarkerCreated", "gone", batch["Deleted"][0]["DeleteMarkerVersionId"]),
    ]
    app.notifications.assert_emitted("s3:ObjectRemoved:Delete", key="k", version_id=first)
    app.notifications.assert_not_emitted("s3:ObjectCreated:*")  # not configured


def test_filters_select_keys_and_event_types(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    configure(s3, bucket, "s3:ObjectCreated:Put", prefix="images/", suffix=".jpg")
    for key in ("images/a.jpg", "images/a.png", "docs/a.jpg", "images/b.jpg"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.copy_object(Bucket=bucket, Key="images/c.jpg", CopySource=f"{bucket}/images/a.jpg")
    sent = app.notifications.filter("s3:ObjectCreated:*", bucket=bucket)
    assert [event.key for event in sent] == ["images/a.jpg", "images/b.jpg"]
    assert {event.destination for event in sent} == {QUEUE}
    with pytest.raises(AssertionError, match="expected s3:ObjectCreated:Copy"):
        app.notifications.assert_emitted("s3:ObjectCreated:Copy")


def test_test_event_to_each_destination(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    queue_receiver, topic_receiver = Receiver(), Receiver()
    try:
        app.notifications.webhooks.mapping = {QUEUE: queue_receiver.url, TOPIC: topic_receiver.url}
        answer = s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"]}],
                "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]}],
            },
        )
        for running in (queue_receiver, topic_receiver):
            ((_path, message),) = running.wait_for(1)
            assert message["Service"] == "Amazon S3"
            assert message["Event"] == "s3:TestEvent"
            assert message["Bucket"] == bucket
            assert message["RequestId"] == answer["ResponseMetadata"]["RequestId"]
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        s3.delete_object(Bucket=bucket, Key="k")
        assert queue_receiver.records(1)[0]["eventName"] == "ObjectCreated:Put"
        assert topic_receiver.records(1)[0]["eventName"] == "ObjectRemoved:Delete"
        assert app.notifications.wait_delivered()
        assert len(queue_receiver.received) == 2 and len(topic_receiver.received) == 2
        app.notifications.assert_emitted("s3:TestEvent", bucket=bucket, times=2)
    finally:
        queue_receiver.close()
        topic_receiver.close()


def test_lifecycle_expiration_on_the_manual_clock(
    app: FakeS3, receiver: Receiver, s3: BaseClient, versioned: str
) -> None:
    clock = app.consistency.manual_clock()
    clock.set(math.floor(clock.time() / DAY) * DAY + 3600)
    try:
        s3.put_bucket_lifecycle_configuration(
            Bucket=versioned,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "tmp",
                        "Status": "Enabled",
                        "Filter": {"Prefix": "tmp/"},
                        "Expiration": {"Days": 1},
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                    }
                ]
            },
        )
        configure(s3, versioned, "s3:LifecycleExpiration:*")
        put = s3.put_object(Bucket=versioned, Key="tmp/a", Body=b"abc")
        s3.put_object(Bucket=versioned, Key="keep", Body=b"abc")
        app.consistency.advance(2 * DAY)  # a pass: a delete marker on tmp/a
        # Two more midnights: the old version, noncurrent for a day, is deleted; then the
        # marker, now alone and older than a day, goes too (Expiration Days removes it).
        app.consistency.advance(2 * DAY)
        records = receiver.records(3)
    finally:
        app.consistency.reset()
    assert [r["eventName"] for r in records] == [
        "LifecycleExpiration:DeleteMarkerCreated",
        "LifecycleExpiration:Delete",
        "LifecycleExpiration:Delete",
    ]
    assert {r["s3"]["object"]["key"] for r in records} == {"tmp/a"}
    assert records[1]["s3"]["object"]["versionId"] == put["VersionId"]
    assert records[1]["s3"]["object"]["size"] == 3
    assert records[0]["userIdentity"]["principalId"] == "s3.amazonaws.com"
    app.notifications.assert_not_emitted("s3:LifecycleExpiration:*", key="keep")


def test_tagging_restore_and_post_events(
    app: FakeS3, receiver: Receiver, s3: BaseClient, bucket: str
) -> None:
    configure(
        s3,
        bucket,
        "s3:ObjectTagging:*",
        "s3:ObjectRestore:*",
        "s3:ObjectCreated:Post",
    )
    s3.put_object(Bucket=bucket, Key="t", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    post = s3.generate_presigned_post(bucket, "posted/${filename}")
    answer = requests.post(
        post["url"], data=post["fields"], files={"file": ("f.txt", b"hello")}, timeout=10
    )
    assert answer.status_code == 204
    records = receiver.records(4)
    got = [(r["eventName"], r["s3"]["object"]["key"]) for r in records]
    assert got == [
        ("ObjectTagging:Put", "t"),
        ("ObjectTagging:Delete", "t"),
        ("ObjectRestore:Post", "cold"),
        ("ObjectCreated:Post", "posted/f.txt"),
    ]
    assert records[3]["s3"]["object"]["size"] == 5
    # tagging events: structure 2.3, the object's key and ETag only (AWS: LocalStack's
    # validated test_object_tagging_put_event)
    for tagged in records[:2]:
        assert tagged["eventVersion"] == "2.3"
        assert set(tagged["s3"]["object"]) == {"key", "eTag"}
    assert records[2]["eventVersion"] == "2.1" and "sequencer" in records[2]["s3"]["object"]
    with pytest.raises(ClientError, match="RestoreAlreadyInProgress"):  # no event for an error
        s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    app.notifications.assert_emitted("s3:ObjectRestore:Post", key="cold", times=1)


def test_retention_event(app: FakeS3, s3: BaseClient) -> None:
    name = f"notify-lock-{id(app) % 100000}-{threading.get_ident() % 1000}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    try:
        configure(s3, name, "s3:ObjectRetention:Put")
        version = s3.put_object(Bucket=name, Key="k", Body=b"x")["VersionId"]
        s3.put_object_retention(
            Bucket=name,
            Key="k",
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": datetime(2999, 1, 1)},
        )
        app.notifications.assert_emitted(
            "s3:ObjectRetention:Put", bucket=name, key="k", version_id=version, times=1
        )
    finally:
        for item in s3.list_object_versions(Bucket=name).get("Versions", []):
            s3.delete_object(
                Bucket=name, Key="k", VersionId=item["VersionId"], BypassGovernanceRetention=True
            )
        s3.delete_bucket(Bucket=name)


def test_a_slow_receiver_never_blocks_requests(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    gate = threading.Event()
    slow = Receiver(gate=gate)
    webhooks = app.notifications.webhooks
    try:
        webhooks.mapping = {QUEUE: slow.url}
        webhooks.queue_size = 2
        configure(s3, bucket, "s3:ObjectCreated:*")  # its test event holds the receiver
        assert slow.entered.wait(10)
        for number in range(5):  # answered while the receiver is still held
            s3.put_object(Bucket=bucket, Key=f"k{number}", Body=b"x")
        assert not gate.is_set()
        assert webhooks.dropped == 3  # two wait in the queue, the rest are dropped
        assert len(app.notifications.filter("s3:ObjectCreated:Put", bucket=bucket)) == 5
        gate.set()
        assert app.notifications.wait_delivered()
        assert [body.get("Event") for _path, body in slow.received][:1] == ["s3:TestEvent"]
        keys = [r["s3"]["object"]["key"] for r in slow.records(2)]
        assert keys == ["k0", "k1"]
    finally:
        webhooks.queue_size = 1000
        slow.close()


def test_failed_posts_are_retried(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    flaky = Receiver(fail_first=2)
    webhooks = app.notifications.webhooks
    try:
        webhooks.mapping = {"*": flaky.url}
        webhooks.backoff = 0.001
        configure(s3, bucket, "s3:ObjectCreated:*")
        ((_path, message),) = flaky.wait_for(1)
        assert message["Event"] == "s3:TestEvent"
        assert flaky.attempts == 3
        assert app.notifications.wait_delivered()
        assert webhooks.delivered == 1 and webhooks.failed == 0
    finally:
        webhooks.backoff = 0.2
        flaky.close()


def test_control_endpoints(app: FakeS3, endpoint: str, s3: BaseClient, bucket: str) -> None:
    base = f"{endpoint}/_fakes3/notifications"
    receiver = Receiver()
    try:
        answer = requests.put(f"{base}/webhooks", json={QUEUE: receiver.url}, timeout=10)
        assert answer.status_code == 200 and answer.json()["webhooks"] == {QUEUE: receiver.url}
        bad = requests.put(f"{base}/webhooks", json={QUEUE: "ftp://x"}, timeout=10)
        assert bad.status_code == 400
        assert app.notifications.webhooks.mapping == {QUEUE: receiver.url}  # left in place
        added = requests.post(f"{base}/webhooks", json={TOPIC: receiver.url}, timeout=10)
        assert added.json()["webhooks"] == {QUEUE: receiver.url, TOPIC: receiver.url}
        configure(s3, bucket, "s3:ObjectCreated:*")
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        flushed = requests.post(f"{base}/flush", timeout=10).json()
        assert flushed["pending"] == 0 and flushed["delivered"] == 2
        listed = requests.get(base, timeout=10).json()["events"]
        assert [(e["event"], e["key"]) for e in listed] == [
            ("s3:TestEvent", ""),
            ("s3:ObjectCreated:Put", "k"),
        ]
        assert listed[1]["message"]["Records"][0]["s3"]["object"]["key"] == "k"
        assert requests.delete(base, timeout=10).status_code == 200
        assert requests.get(base, timeout=10).json()["events"] == []
        assert requests.get(f"{base}/nope", timeout=10).status_code == 404
    finally:
        receiver.close()


def test_no_configuration_no_events(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="k")
    assert app.notifications.filter(bucket=bucket) == []


def test_restore_completed_on_the_clock(
    app: FakeS3, receiver: Receiver, s3: BaseClient, bucket: str
) -> None:
    configure(s3, bucket, "s3:ObjectRestore:*")
    s3.put_object(Bucket=bucket, Key="cold", Body=b"abcd", StorageClass="GLACIER")
    app.consistency.manual_clock()
    try:
        s3.restore_object(
            Bucket=bucket,
            Key="cold",
            RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}},
        )
        (started,) = receiver.records(1)
        assert started["eventName"] == "ObjectRestore:Post"
        app.notifications.assert_not_emitted("s3:ObjectRestore:Completed")
        app.consistency.advance(12 * 3600)  # past every tier's duration: a clock listener
        (completed,) = receiver.records(2)[1:]
        head = s3.head_object(Bucket=bucket, Key="cold")
        app.notifications.assert_not_emitted("s3:ObjectRestore:Delete")
        app.consistency.advance(3 * DAY)  # the restored copy expires
        (expired,) = receiver.records(3)[2:]
    finally:
        app.consistency.reset()
    assert completed["eventName"] == "ObjectRestore:Completed"
    assert completed["s3"]["object"]["size"] == 4
    # the bucket's owner caused it (AWS: LocalStack's validated test_restore_object)
    owner = completed["s3"]["bucket"]["ownerIdentity"]["principalId"]
    assert completed["userIdentity"]["principalId"] == f"AmazonCustomer:{owner}"
    restored = completed["glacierEventData"]["restoreEventData"]
    assert restored["lifecycleRestoreStorageClass"] == "GLACIER"
    assert 'ongoing-request="false"' in head["Restore"]
    expiry = head["Restore"].split('expiry-date="')[1].rstrip('"')
    assert restored["lifecycleRestorationExpiryTime"] == (
        parsedate_to_datetime(expiry).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    )
    assert completed["eventTime"] > started["eventTime"]
    app.notifications.assert_emitted("s3:ObjectRestore:Completed", key="cold", times=1)
    assert expired["eventName"] == "ObjectRestore:Delete"
    assert expired["eventTime"] == restored["lifecycleRestorationExpiryTime"]


def test_delivery_after_a_directory_restart(tmp_path: Path) -> None:
    """The configuration is on disk; the webhook mapping comes from the settings again."""
    receiver = Receiver()
    settings = Settings(data_dir=str(tmp_path), notify_webhooks=(f"{QUEUE}={receiver.url}",))
    try:
        with Server(FakeS3(settings), port=0) as first:
            s3 = client_for(first.endpoint_url)
            s3.create_bucket(Bucket="kept")
            configure(s3, "kept", "s3:ObjectCreated:*")
            receiver.wait_for(1)  # the test event
            first.app.close()
        app = FakeS3(settings)
        with Server(app, port=0) as second:
            s3 = client_for(second.endpoint_url)
            s3.put_object(Bucket="kept", Key="after", Body=b"x")
            (record,) = receiver.records(1)
            app.close()
        assert record["eventName"] == "ObjectCreated:Put"
        assert record["s3"]["object"]["key"] == "after"
        assert record["s3"]["configurationId"] == "to-queue"
    finally:
        receiver.close()


def test_versioned_creations_name_the_version(
    app: FakeS3, receiver: Receiver, s3: BaseClient, versioned: str
) -> None:
    configure(s3, versioned, "s3:ObjectCreated:*")
    put = s3.put_object(Bucket=versioned, Key="k", Body=b"12")
    copy = s3.copy_object(Bucket=versioned, Key="c", CopySource=f"{versioned}/k")
    records = receiver.records(2)
    assert [r["s3"]["object"]["versionId"] for r in records] == [
        put["VersionId"],
        copy["VersionId"],
    ]
    assert [r["s3"]["object"]["size"] for r in records] == [2, 2]
    assert records[0]["userIdentity"]["principalId"].startswith("AWS:")
