"""The pure pieces of event notifications: matching a configuration, the record, the webhook
mapping (fakes3/notify_events.py, fakes3/webhooks.py)."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest

from fakes3 import notify_events as ne
from fakes3.settings import Settings
from fakes3.webhooks import Webhooks, parse_mapping

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"
TOPIC = "arn:aws:sns:us-east-1:123456789012:t"
DOCUMENT: dict[str, Any] = {
    "QueueConfigurations": [
        {
            "Id": "jpg",
            "QueueArn": QUEUE,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {
                "Key": {
                    "FilterRules": [
                        {"Name": "Prefix", "Value": "img/"},
                        {"Name": "Suffix", "Value": ".jpg"},
                    ]
                }
            },
        }
    ],
    "TopicConfigurations": [
        {"Id": "gone", "TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:DeleteMarkerCreated"]}
    ],
}


@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        ("s3:ObjectCreated:Put", "img/a.jpg", [ne.Target("jpg", QUEUE)]),
        ("s3:ObjectCreated:Copy", "img/a.jpg", [ne.Target("jpg", QUEUE)]),
        ("s3:ObjectCreated:Put", "img/a.png", []),
        ("s3:ObjectCreated:Put", "doc/a.jpg", []),
        ("s3:ObjectRemoved:Delete", "img/a.jpg", []),
        ("s3:ObjectRemoved:DeleteMarkerCreated", "any", [ne.Target("gone", TOPIC)]),
        ("s3:LifecycleExpiration:Delete", "img/a.jpg", []),
    ],
)
def test_targets(name: str, key: str, expected: list[ne.Target]) -> None:
    assert ne.targets(DOCUMENT, name, key) == expected


def test_no_configuration_no_targets() -> None:
    assert ne.targets(None, "s3:ObjectCreated:Put", "k") == []
    assert ne.targets({}, "s3:ObjectCreated:Put", "k") == []
    assert ne.destinations(DOCUMENT) == [TOPIC, QUEUE]


@pytest.mark.parametrize(
    ("key", "encoded"),
    [("a b", "a+b"), ("dir/x+y", "dir/x%2By"), ("é=1&", "%C3%A9%3D1%26"), ("a/b", "a/b")],
)
def test_key_encoding(key: str, encoded: str) -> None:
    assert ne.encode_key(key) == encoded


def test_record_shape() -> None:
    happened = ne.Happened(
        "s3:ObjectCreated:Put", "b", "k", "v1", 3, '"abc"', "AWS:1", "1.2.3.4", "RID", "HID"
    )
    record = ne.record(happened, ne.Target("c", QUEUE), "eu-west-1", "owner", 0.5, "0A")
    assert record["eventTime"] == "1970-01-01T00:00:00.500Z"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["awsRegion"] == "eu-west-1"
    assert record["s3"]["object"] == {
        "key": "k",
        "size": 3,
        "eTag": "abc",
        "versionId": "v1",
        "sequencer": "0A",
    }
    assert record["s3"]["bucket"]["ownerIdentity"] == {"principalId": "owner"}
    removal = ne.record(
        ne.Happened("s3:ObjectRemoved:Delete", "b", "k"),
        ne.Target("c", QUEUE),
        "us-east-1",
        "o",
        0,
        "0B",
    )
    assert removal["s3"]["object"] == {"key": "k", "sequencer": "0B"}


def test_sequencer_orders_as_strings() -> None:
    sequencer = ne.Sequencer()
    values = [sequencer() for _ in range(1000)]
    assert values == sorted(values) and len(set(values)) == 1000
    assert len({len(value) for value in values}) == 1


def test_mapping_from_the_environment() -> None:
    settings = Settings.from_env(
        {"FAKES3_NOTIFY_WEBHOOKS": f"{QUEUE}=http://h:1/a?x=1; *=https://h/b", "X": ""}
    )
    assert parse_mapping(settings.notify_webhooks) == {
        QUEUE: "http://h:1/a?x=1",
        "*": "https://h/b",
    }
    with pytest.raises(ValueError, match="ARN=URL"):
        parse_mapping(["no-url"])
    with pytest.raises(ValueError, match="http"):
        parse_mapping([f"{QUEUE}=file:///etc/passwd"])


def test_unmapped_and_full_queue_are_not_waited_for() -> None:
    webhooks = Webhooks({QUEUE: "http://127.0.0.1:9/"}, queue_size=1, retries=0, timeout=0.5)
    try:
        assert webhooks.send(TOPIC, {"a": 1}) is False  # no URL for the topic
        assert webhooks.dropped == 0
        sent = [webhooks.send(QUEUE, {"n": n}) for n in range(50)]
        assert sent[0] is True
        assert webhooks.dropped == sent.count(False) >= 48  # one delivering, one queued
        assert webhooks.join(10)
        assert webhooks.delivered == 0 and webhooks.failed == sent.count(True)
    finally:
        webhooks.close()
    with pytest.raises(ValueError):
        Webhooks(queue_size=0)


def test_the_serve_flag_and_its_checks() -> None:
    from fakes3.cli import build_parser, settings_from_args

    def serve(*argv: str, **environ: str) -> Settings:
        return settings_from_args(build_parser().parse_args(["serve", *argv]), environ)

    flagged = serve("--notify-webhook", f"{QUEUE}=http://h/a", "--notify-webhook", "*=http://h/b")
    assert parse_mapping(flagged.notify_webhooks) == {QUEUE: "http://h/a", "*": "http://h/b"}
    assert serve(FAKES3_NOTIFY_QUEUE_SIZE="5").notify_queue_size == 5
    with pytest.raises(ValueError, match="http"):
        serve("--notify-webhook", f"{QUEUE}=nope")
    with pytest.raises(ValueError, match="queue size"):
        serve(FAKES3_NOTIFY_QUEUE_SIZE="0")


def test_a_receiver_that_cuts_its_answer_short_is_a_failed_delivery_not_a_stuck_queue() -> None:
    """``IncompleteRead`` is neither an OSError nor a ValueError: it once killed the delivery
    thread with the queue still marked busy, so ``join()`` never returned."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_short() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(10)
            request = b""
            while b"\r\n\r\n" not in request:  # the whole request, so closing sends no RST
                request += conn.recv(65536)
            head, _, body = request.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            conn.shutdown(socket.SHUT_WR)  # 3 of the 10 bytes announced, then the end
            while conn.recv(65536):
                pass

    receiver = threading.Thread(target=answer_short, daemon=True)
    receiver.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    hooks = Webhooks({"*": url}, retries=0, timeout=10)
    try:
        assert hooks.send("arn:aws:sqs:us-east-1:123456789012:q", {"Records": []})
        assert hooks.join(20), "the delivery queue never became idle"
        assert (hooks.delivered, hooks.failed) == (0, 1)
        assert "IncompleteRead" in hooks.errors[-1]
    finally:
        hooks.close()
        listener.close()
        receiver.join(10)
