"""Notification configurations over a live server, both backends: stored and returned as S3
does, with S3's validation; each bad document leaves the previous one in place. Delivery:
test_notifications.py.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
"""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import raises_client_error
from botocore.client import BaseClient

QUEUE = "arn:aws:sqs:us-east-1:123456789012:events"
TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:on-upload"


NOTIFICATIONS: dict[str, Any] = {
    "TopicConfigurations": [
        {"Id": "topic", "TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]},
    ],
    "QueueConfigurations": [
        {
            "Id": "queue",
            "QueueArn": QUEUE,
            "Events": ["s3:ObjectCreated:Put", "s3:ObjectCreated:Copy"],
            "Filter": {
                "Key": {
                    "FilterRules": [
                        {"Name": "Prefix", "Value": "uploads/"},
                        {"Name": "Suffix", "Value": ".jpg"},
                    ]
                }
            },
        },
    ],
    "LambdaFunctionConfigurations": [
        {"Id": "function", "LambdaFunctionArn": FUNCTION, "Events": ["s3:LifecycleExpiration:*"]},
    ],
    "EventBridgeConfiguration": {},
}


def test_notifications_round_trip_and_clear(s3: BaseClient, bucket: str) -> None:
    empty = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert empty.keys() == {"ResponseMetadata"}  # an empty <NotificationConfiguration/>
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=NOTIFICATIONS)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    del got["ResponseMetadata"]
    assert got == NOTIFICATIONS
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert s3.get_bucket_notification_configuration(Bucket=bucket).keys() == {"ResponseMetadata"}


def test_notification_ids_and_rule_names_as_s3_answers_them(s3: BaseClient, bucket: str) -> None:
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": QUEUE,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".csv"}]}},
                }
            ]
        },
        SkipDestinationValidation=True,
    )
    (queue,) = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert queue["Id"]  # S3 names a configuration sent without an Id
    assert queue["Filter"]["Key"]["FilterRules"] == [{"Name": "Suffix", "Value": ".csv"}]


def queue_config(events: list[str], *rules: tuple[str, str], arn: str = QUEUE) -> dict[str, Any]:
    config: dict[str, Any] = {"QueueArn": arn, "Events": events}
    if rules:
        config["Filter"] = {
            "Key": {"FilterRules": [{"Name": name, "Value": value} for name, value in rules]}
        }
    return config


BAD_NOTIFICATIONS: list[tuple[str, dict[str, Any], str]] = [
    (
        "an unknown event",
        {"QueueConfigurations": [queue_config(["s3:ObjectCreated:Teleport"])]},
        "The event is not supported for notifications",
    ),
    (
        "a topic ARN that names SQS",
        {"TopicConfigurations": [{"TopicArn": QUEUE, "Events": ["s3:ObjectCreated:*"]}]},
        "The ARN could not be parsed",
    ),
    (
        "a queue that is not an ARN",
        {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"], arn="my-queue")]},
        "The ARN could not be parsed",
    ),
    (
        "two prefix rules",
        {
            "QueueConfigurations": [
                queue_config(["s3:ObjectCreated:*"], ("prefix", "a/"), ("prefix", "b/"))
            ]
        },
        "Cannot specify more than one prefix rule in a filter.",
    ),
    (
        "two suffix rules",
        {
            "QueueConfigurations": [
                queue_config(["s3:ObjectCreated:*"], ("suffix", ".a"), ("Suffix", ".b"))
            ]
        },
        "Cannot specify more than one suffix rule in a filter.",
    ),
    (
        "a rule named neither prefix nor suffix",
        {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"], ("infix", "x"))]},
        "filter rule name must be either prefix or suffix",
    ),
    (
        "a filter value over 1024 bytes",
        {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"], ("prefix", "é" * 513))]},
        "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation",
    ),
    (
        "overlapping configurations",
        {
            "QueueConfigurations": [
                queue_config(["s3:ObjectCreated:*"], ("prefix", "images/")),
                queue_config(["s3:ObjectCreated:Put"], ("prefix", "images/raw/")),
            ]
        },
        "Configurations overlap. Configurations on the same bucket cannot share a common "
        "event type.",
    ),
]


@pytest.mark.parametrize(
    "document, message",
    [case[1:] for case in BAD_NOTIFICATIONS],
    ids=[c[0] for c in BAD_NOTIFICATIONS],
)
def test_bad_notifications_keep_the_old_configuration(
    s3: BaseClient, bucket: str, document: dict[str, Any], message: str
) -> None:
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=NOTIFICATIONS)
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=document)
    assert caught.value.response["Error"]["Message"] == message
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    del got["ResponseMetadata"]
    assert got == NOTIFICATIONS


def test_an_unparseable_queue_arn_names_the_queue(s3: BaseClient, bucket: str) -> None:
    """AWS: ArgumentName "Queue" (LocalStack's validated test_invalid_sqs_arn)."""
    config = {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"], arn="invalid-queue")]}
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    error = caught.value.response["Error"]
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("Queue", "invalid-queue")


def test_an_overlap_names_the_two_events(s3: BaseClient, bucket: str) -> None:
    document = {
        "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:Delete"]}],
        "QueueConfigurations": [queue_config(["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"])],
    }
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=document)
    error = caught.value.response["Error"]
    assert (error["ArgumentName"], error["ArgumentValue"]) == (
        "Event",
        "s3:ObjectRemoved:Delete, s3:ObjectRemoved:*",
    )


def test_disjoint_filters_on_one_event_do_not_overlap(s3: BaseClient, bucket: str) -> None:
    document = {
        "QueueConfigurations": [
            queue_config(["s3:ObjectCreated:*"], ("prefix", "images/")),
            queue_config(["s3:ObjectCreated:*"], ("prefix", "videos/")),
        ]
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=document)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert [c["Filter"]["Key"]["FilterRules"][0]["Value"] for c in got] == ["images/", "videos/"]


def test_the_deprecated_notification_operations_share_the_document(
    s3: BaseClient, bucket: str
) -> None:
    s3.put_bucket_notification(
        Bucket=bucket,
        NotificationConfiguration={
            "TopicConfiguration": {"Id": "old", "Events": ["s3:ObjectCreated:*"], "Topic": TOPIC}
        },
    )
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["TopicConfigurations"] == [
        {"Id": "old", "TopicArn": TOPIC, "Events": ["s3:ObjectCreated:*"]}
    ]
    old = s3.get_bucket_notification(Bucket=bucket)["TopicConfiguration"]
    assert (old["Id"], old["Topic"], old["Events"]) == ("old", TOPIC, ["s3:ObjectCreated:*"])
