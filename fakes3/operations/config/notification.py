"""Event notifications: PutBucketNotificationConfiguration, GetBucketNotificationConfiguration.

The configuration is validated as S3 validates it and stored; events are matched against it,
captured and POSTed to webhooks by fakes3/notifications.py (fakes3 has no SNS, SQS, Lambda or
EventBridge to deliver to; docs/notifications.md). AWS also checks that each
destination exists and lets S3 publish to it (unless ``x-amz-skip-destination-validation:
true``); fakes3 has no such services, so it accepts every well-formed ARN, as AWS does when
validation is skipped.

The deprecated GetBucketNotification / PutBucketNotification share the ``?notification``
route and their XML element names (``Topic``, ``Queue``, ``CloudFunction``, ``Event``) with
these operations, so old clients reach these handlers and the same stored document.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fakes3.errors import InvalidArgument, MalformedXML
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.config.replication import new_rule_id
from fakes3.operations.context import Context, Handler, Params
from fakes3.protocol.model import load_model

EVENTS = frozenset(load_model().shape("Event")["enum"])
"""Every event type S3 publishes (the model's list: ``s3:ObjectCreated:*``, ...)."""

MAX_FILTER_VALUE_BYTES = 1024
# member of NotificationConfiguration -> (its ARN member, the service an ARN must name)
DESTINATIONS = {
    "TopicConfigurations": ("TopicArn", "sns"),
    "QueueConfigurations": ("QueueArn", "sqs"),
    "LambdaFunctionConfigurations": ("LambdaFunctionArn", "lambda"),
}
# The ArgumentName of an ARN S3 cannot parse: the destination's element in S3's older
# notification document (AWS answered "Queue": LocalStack's validated test_invalid_sqs_arn)
_ARGUMENT_NAMES = {"TopicArn": "Topic", "QueueArn": "Queue", "LambdaFunctionArn": "CloudFunction"}
_ARN = re.compile(r"arn:aws[a-z-]*:(?P<service>[a-z0-9-]+):[a-z0-9-]*:\d*:\S+")
_OVERLAP = (
    "Configurations overlap. Configurations on the same bucket cannot share a common event type."
)


def _check_arn(arn: Any, member: str, service: str) -> None:
    match = _ARN.fullmatch(arn) if isinstance(arn, str) else None
    if match is None or match["service"] != service:
        raise InvalidArgument(
            "The ARN could not be parsed", ArgumentName=_ARGUMENT_NAMES[member], ArgumentValue=arn
        )


def _check_events(events: Any) -> None:
    if not events:
        raise MalformedXML()
    for event in events:
        if event not in EVENTS:
            raise InvalidArgument(
                "The event is not supported for notifications",
                ArgumentName="Event",
                ArgumentValue=event,
            )


def _filter_rules(config: dict[str, Any]) -> dict[str, str]:
    """``{"Prefix": .., "Suffix": ..}`` of a configuration's key filter, checked; the stored
    rules are named ``Prefix``/``Suffix`` whatever case they were sent in, as S3 answers."""
    found: dict[str, str] = {}
    rules = (((config.get("Filter") or {}).get("Key")) or {}).get("FilterRules") or []
    for rule in rules:
        name, value = rule.get("Name"), rule.get("Value")
        if name is None or value is None:
            raise MalformedXML()
        if name.lower() not in ("prefix", "suffix"):
            raise InvalidArgument(
                "filter rule name must be either prefix or suffix",
                ArgumentName="FilterRule.Name",
                ArgumentValue=name,
            )
        name = rule["Name"] = name.capitalize()
        if name in found:
            raise InvalidArgument(
                f"Cannot specify more than one {name.lower()} rule in a filter.",
                ArgumentName="FilterRule.Name",
                ArgumentValue=name.lower(),
            )
        if len(value.encode()) > MAX_FILTER_VALUE_BYTES:
            raise InvalidArgument(
                "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation",
                ArgumentName="FilterRule.Value",
                ArgumentValue=value,
            )
        found[name] = value
    return found


def _covers(event: str) -> frozenset[str]:
    """The concrete event types an event name stands for (``s3:ObjectCreated:*`` -> all)."""
    if event.endswith(":*"):
        family = event[:-1]
        return frozenset(e for e in EVENTS if e.startswith(family) and not e.endswith("*"))
    return frozenset({event})


Checked = tuple[list[str], dict[str, str]]


def _clash(earlier: Checked, later: Checked) -> str | None:
    """``"<event>, <event>"`` if two configurations share an event type and a key can match
    both filters (S3 names the pair in ``ArgumentValue``); None if they cannot clash."""
    (events_a, keys_a), (events_b, keys_b) = earlier, later
    prefix_a, prefix_b = keys_a.get("Prefix", ""), keys_b.get("Prefix", "")
    suffix_a, suffix_b = keys_a.get("Suffix", ""), keys_b.get("Suffix", "")
    if not (prefix_a.startswith(prefix_b) or prefix_b.startswith(prefix_a)):
        return None
    if not (suffix_a.endswith(suffix_b) or suffix_b.endswith(suffix_a)):
        return None
    for event_a in events_a:
        for event_b in events_b:
            if _covers(event_a) & _covers(event_b):
                return f"{event_a}, {event_b}"
    return None


def _configurations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for member in DESTINATIONS:
        for config in document.get(member) or []:
            yield member, config


def _validate(_ctx: Context, _params: Params, sent: dict[str, Any]) -> dict[str, Any]:
    """Events, ARNs and filters as S3 checks them; every configuration gets an Id."""
    document: dict[str, Any] = {
        member: [dict(config) for config in sent[member]]
        for member in DESTINATIONS
        if sent.get(member)
    }
    if "EventBridgeConfiguration" in sent:
        document["EventBridgeConfiguration"] = {}
    checked: list[Checked] = []
    for member, config in _configurations(document):
        arn_member, service = DESTINATIONS[member]
        _check_arn(config.get(arn_member), arn_member, service)
        _check_events(config.get("Events"))
        if "Filter" in config:  # copied: the rule names are normalised in place below
            key = dict((config["Filter"] or {}).get("Key") or {})
            if key.get("FilterRules"):
                key["FilterRules"] = [dict(rule) for rule in key["FilterRules"]]
            else:
                key.pop("FilterRules", None)
            config["Filter"] = {"Key": key}
        config["Id"] = config.get("Id") or new_rule_id()
        this = (config["Events"], _filter_rules(config))
        for other in checked:
            if (pair := _clash(other, this)) is not None:
                raise InvalidArgument(_OVERLAP, ArgumentName="Event", ArgumentValue=pair)
        checked.append(this)
    return document


NOTIFICATION = BucketConfig(
    name="notification",
    get="GetBucketNotificationConfiguration",
    put="PutBucketNotificationConfiguration",
    validate=_validate,
)
"""Get with nothing stored answers an empty ``<NotificationConfiguration/>``."""

HANDLERS: dict[str, Handler] = NOTIFICATION.handlers()
