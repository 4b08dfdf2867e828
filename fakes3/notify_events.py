"""S3 event notification messages: which configuration an event matches, and its JSON.

Pure functions over the stored ``NotificationConfiguration`` (fakes3/operations/config/
notification.py) and what happened; delivery and capture live in fakes3/notifications.py.
The message is the one S3 sends to SQS, SNS and Lambda (event structure version 2.1):
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from fakes3.operations.config.notification import DESTINATIONS

TEST_EVENT = "s3:TestEvent"


@dataclass(frozen=True)
class Happened:
    """One change S3 publishes an event for, before it is matched to a configuration."""

    name: str  # "s3:ObjectCreated:Put"
    bucket: str
    key: str
    version_id: str | None = None
    size: int | None = None  # None: the event carries no size (removals)
    etag: str | None = None  # quoted, as stored
    principal: str = "anonymous"  # userIdentity.principalId
    source_ip: str = ""
    request_id: str = ""
    host_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # lifecycleEventData…


@dataclass(frozen=True)
class Target:
    """A configuration an event matched: its id and the destination ARN."""

    configuration_id: str
    destination: str


def _covered(pattern: str, name: str) -> bool:
    """``s3:ObjectCreated:*`` covers ``s3:ObjectCreated:Put``; other names only themselves."""
    if pattern.endswith(":*"):
        return name.startswith(pattern[:-1])
    return pattern == name


def _key_filter(config: dict[str, Any]) -> tuple[str, str]:
    rules = (((config.get("Filter") or {}).get("Key")) or {}).get("FilterRules") or []
    found = {rule["Name"]: rule["Value"] for rule in rules}
    return found.get("Prefix", ""), found.get("Suffix", "")


def targets(document: dict[str, Any] | None, name: str, key: str) -> list[Target]:
    """The configurations of ``document`` an event ``name`` on ``key`` is sent for (S3 refuses
    overlapping configurations, so at most one per event type and key)."""
    found: list[Target] = []
    for config, arn in configurations(document):
        if not any(_covered(pattern, name) for pattern in config.get("Events") or []):
            continue
        prefix, suffix = _key_filter(config)
        if key.startswith(prefix) and key.endswith(suffix):
            found.append(Target(config.get("Id") or "", arn))
    return found


def configurations(document: dict[str, Any] | None) -> Iterator[tuple[dict[str, Any], str]]:
    """``(configuration, destination ARN)`` of each topic, queue and function configuration."""
    for member, (arn_member, _service) in DESTINATIONS.items():
        for config in (document or {}).get(member) or []:
            yield config, config[arn_member]


def destinations(document: dict[str, Any] | None) -> list[str]:
    """Every distinct destination ARN, in document order (each gets the test event)."""
    return list(dict.fromkeys(arn for _config, arn in configurations(document)))


def encode_key(key: str) -> str:
    """The key as event messages carry it: URL-encoded, a space as ``+`` (S3's form encoding;
    a Lambda reads it back with ``urllib.parse.unquote_plus``)."""
    return quote_plus(key, safe="/")


def iso_time(seconds: float) -> str:
    """``2026-12-06T21:03:43.123Z`` (millisecond precision, as S3 sends eventTime)."""
    whole = int(seconds // 1)
    millis = int(round((seconds - whole) * 1000))
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


class Sequencer:
    """S3's ``sequencer``: hex of equal width that orders events on one key (later is
    greater as strings); fakes3 orders every event of a server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = itertools.count(int(time.time() * 1000) << 16)

    def __call__(self) -> str:
        with self._lock:
            return f"{next(self._next):018X}"


TAGGING_EVENTS = "s3:ObjectTagging:"


def _principal(happened: Happened, owner: str) -> str:
    """Who caused it; a completed restore names the bucket's owner, as AWS delivers it
    (``AmazonCustomer:<owner>``: LocalStack's validated test_restore_object)."""
    if happened.name == "s3:ObjectRestore:Completed":
        return f"AmazonCustomer:{owner}"
    return happened.principal


def record(
    happened: Happened,
    target: Target,
    region: str,
    owner: str,
    when: float,
    sequencer: str,
) -> dict[str, Any]:
    """One ``Records[]`` element (event structure version 2.1; 2.3 for tagging, whose object
    names only its key, ETag and version, as AWS delivers them: LocalStack's validated
    test_object_tagging_put_event and test_object_tagging_delete_event)."""
    tagging = happened.name.startswith(TAGGING_EVENTS)
    obj: dict[str, Any] = {"key": encode_key(happened.key)}
    if happened.size is not None and not tagging:
        obj["size"] = happened.size
    if happened.etag is not None:
        obj["eTag"] = happened.etag.strip('"')
    if happened.version_id is not None:
        obj["versionId"] = happened.version_id
    if not tagging:
        obj["sequencer"] = sequencer
    document: dict[str, Any] = {
        "eventVersion": "2.3" if tagging else "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": iso_time(when),
        "eventName": happened.name.removeprefix("s3:"),
        "userIdentity": {"principalId": _principal(happened, owner)},
        "requestParameters": {"sourceIPAddress": happened.source_ip},
        "responseElements": {
            "x-amz-request-id": happened.request_id,
            "x-amz-id-2": happened.host_id,
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": target.configuration_id,
            "bucket": {
                "name": happened.bucket,
                "ownerIdentity": {"principalId": owner},
                "arn": f"arn:aws:s3:::{happened.bucket}",
            },
            "object": obj,
        },
    }
    document.update(happened.extra)
    return document


def test_event(bucket: str, when: float, request_id: str, host_id: str) -> dict[str, Any]:
    """The message S3 sends each destination when a configuration is put."""
    return {
        "Service": "Amazon S3",
        "Event": TEST_EVENT,
        "Time": iso_time(when),
        "Bucket": bucket,
        "RequestId": request_id,
        "HostId": host_id,
    }


test_event.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
