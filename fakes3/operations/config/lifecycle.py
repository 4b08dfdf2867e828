"""Lifecycle configuration: Put/Get/DeleteBucketLifecycle(Configuration) (effects:
``fakes3/store/lifecycle.py`` runs the rules on the store's clock; ``lifecycle_headers.py``
answers ``x-amz-expiration`` and ``x-amz-abort-date``).

The document is stored as sent (model member names) with S3's generated rule ids filled in,
and the ``x-amz-transition-default-minimum-object-size`` it was put with.
PutBucketLifecycle (the deprecated API) shares the route and its XML is a subset of the
current one, so both are answered by the same handlers.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

from fakes3.errors import (
    InvalidArgument,
    InvalidRequest,
    MalformedXML,
    NoSuchLifecycleConfiguration,
)
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.config.tagging import check_tags
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.store.lifecycle import CONFIG
from fakes3.store.lifecycle_rules import ALL_128K

MAX_RULES = 1000
MAX_ID_LENGTH = 255
MAX_NEWER_VERSIONS = 100
STATUSES = ("Enabled", "Disabled")
MIN_SIZES = (ALL_128K, "varies_by_storage_class")
_THIRTY_DAYS = frozenset({"STANDARD_IA", "ONEZONE_IA"})  # at least 30 days after creation
_ORDER = (
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
)  # the order transitions may follow


def _describe_filter(rule: dict[str, Any]) -> str:
    """How S3's messages name a rule's filter: ``'(prefix=logs/)'``."""
    filt = rule.get("Filter") or {}
    source = filt.get("And") or filt
    prefix = source.get("Prefix", rule.get("Prefix")) or ""
    return f"'(prefix={prefix})'"


def _check_filter(rule: dict[str, Any]) -> None:
    has_filter, has_prefix = "Filter" in rule, "Prefix" in rule
    if has_filter and has_prefix:
        raise MalformedXML()
    if not has_filter and not has_prefix:
        raise MalformedXML()
    filt = rule.get("Filter")
    if not has_filter or filt is None:
        return
    if not isinstance(filt, dict):
        raise MalformedXML()
    members = [name for name in filt if filt.get(name) is not None]
    if len(members) > 1:  # exactly one of Prefix, Tag, sizes, And
        raise MalformedXML()
    sizes = filt
    if "Tag" in filt:
        tag = filt["Tag"] or {}
        if "Key" not in tag:
            raise MalformedXML()
        check_tags([(tag["Key"], tag.get("Value", ""))], 10, "Object")
    if "And" in filt:
        both = filt["And"] or {}
        tags = both.get("Tags") or []
        if any("Key" not in tag for tag in tags):
            raise MalformedXML()
        pairs = [(tag["Key"], tag.get("Value", "")) for tag in tags]
        if len({key for key, _ in pairs}) != len(pairs):
            raise InvalidRequest("Duplicate Tag Keys are not allowed.")
        check_tags(pairs, 50, "Object")
        predicates = sum(
            1
            for name in ("Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan")
            if both.get(name) is not None
        ) + len(pairs)
        if predicates < 2:  # And joins two or more predicates; one alone is malformed
            raise MalformedXML()
        sizes = both
    greater, less = sizes.get("ObjectSizeGreaterThan"), sizes.get("ObjectSizeLessThan")
    for name, value in (("ObjectSizeGreaterThan", greater), ("ObjectSizeLessThan", less)):
        if value is not None and value < 0:
            raise InvalidArgument(
                f"'{name}' should be a positive integer", ArgumentName=name, ArgumentValue=value
            )
    if greater is not None and less is not None and greater >= less:
        raise InvalidArgument(
            "ObjectSizeGreaterThan must be less than ObjectSizeLessThan",
            ArgumentName="ObjectSizeGreaterThan",
            ArgumentValue=greater,
        )


def _has_tags(rule: dict[str, Any]) -> bool:
    filt = rule.get("Filter") or {}
    return bool(filt.get("Tag") or (filt.get("And") or {}).get("Tags"))


def _midnight(value: Any, action: str) -> datetime:
    if not isinstance(value, datetime):
        raise MalformedXML()
    when = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    if (when.hour, when.minute, when.second, when.microsecond) != (0, 0, 0, 0):
        raise InvalidArgument(
            "'Date' must be at midnight GMT", ArgumentName="Date", ArgumentValue=value.isoformat()
        )
    return when


def _check_expiration(rule: dict[str, Any]) -> None:
    if "Expiration" not in rule:
        return
    expiration = rule["Expiration"]
    days, date = expiration.get("Days"), expiration.get("Date")
    marker = expiration.get("ExpiredObjectDeleteMarker")
    given = sum(value is not None for value in (days, date, marker))
    if given != 1:  # exactly one of Days, Date, ExpiredObjectDeleteMarker
        raise MalformedXML()
    if days is not None and days <= 0:
        raise InvalidArgument(
            "'Days' for Expiration action must be a positive integer",
            ArgumentName="Days",
            ArgumentValue=days,
        )
    if date is not None:
        expiration["Date"] = _midnight(date, "Expiration")
    if marker is not None and _has_tags(rule):
        raise InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")


def _check_transitions(rule: dict[str, Any]) -> None:
    transitions = rule.get("Transitions") or []
    kinds = set()
    seen: dict[str, Any] = {}
    for transition in transitions:
        days, date = transition.get("Days"), transition.get("Date")
        storage_class = transition.get("StorageClass")
        if storage_class not in _ORDER or (days is None) == (date is None):
            raise MalformedXML()  # no class, or one outside the model's TransitionStorageClass
        if storage_class in seen:
            raise InvalidRequest(
                f"'StorageClass' must be different for Transition actions in same rule with "
                f"filter {_describe_filter(rule)}"
            )
        if days is not None:
            kinds.add("Days")
            _check_transition_days("Days", "Transition", days, storage_class)
            seen[storage_class] = days
        else:
            kinds.add("Date")
            transition["Date"] = seen[storage_class] = _midnight(date, "Transition")
    if len(kinds) > 1:
        raise InvalidRequest(
            f"Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for "
            f"filter {_describe_filter(rule)}"
        )
    ordered = sorted(seen.items(), key=lambda item: _ORDER.index(item[0]))
    for (low, low_when), (high, high_when) in zip(ordered, ordered[1:], strict=False):
        if high_when <= low_when:
            raise InvalidArgument(
                f"'Days' in the Transition action for StorageClass '{high}' for filter "
                f"{_describe_filter(rule)} must be greater than 'Days' in the Transition "
                f"action for StorageClass '{low}' for filter {_describe_filter(rule)}",
                ArgumentName="Days",
                ArgumentValue=high_when,
            )
    expiration = rule.get("Expiration") or {}
    for storage_class, when in seen.items():
        limit = expiration.get("Days") if isinstance(when, int) else expiration.get("Date")
        if limit is not None and type(limit) is type(when) and limit <= when:
            raise InvalidArgument(
                f"'Days' in the Expiration action for filter {_describe_filter(rule)} must be "
                f"greater than 'Days' in the Transition action for StorageClass "
                f"'{storage_class}' for filter {_describe_filter(rule)}",
                ArgumentName="Days",
                ArgumentValue=limit,
            )


def _check_transition_days(member: str, action: str, days: int, storage_class: str) -> None:
    """A transition's day count: nonnegative, and 30 or more into the infrequent-access
    classes (AWS's messages name the member and the action)."""
    if days < 0:
        raise InvalidArgument(
            f"'{member}' in {action} action must be nonnegative",
            ArgumentName=member,
            ArgumentValue=days,
        )
    if storage_class in _THIRTY_DAYS and days < 30:
        raise InvalidArgument(
            f"'{member}' in {action} action must be greater than or equal to 30 for "
            f"storageClass '{storage_class}'",
            ArgumentName=member,
            ArgumentValue=days,
        )


def _check_noncurrent(rule: dict[str, Any]) -> None:
    expiration = rule.get("NoncurrentVersionExpiration")
    if expiration is not None:
        days = expiration.get("NoncurrentDays")
        if days is None:
            raise MalformedXML()
        if days <= 0:
            raise InvalidArgument(
                "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive "
                "integer",
                ArgumentName="NoncurrentDays",
                ArgumentValue=days,
            )
        _check_newer(expiration)
    seen: dict[str, int] = {}
    for transition in rule.get("NoncurrentVersionTransitions") or []:
        days, storage_class = transition.get("NoncurrentDays"), transition.get("StorageClass")
        if days is None or storage_class not in _ORDER:
            raise MalformedXML()
        _check_transition_days("NoncurrentDays", "NoncurrentVersionTransition", days, storage_class)
        if storage_class in seen:
            raise InvalidRequest(
                f"'StorageClass' must be different for NoncurrentVersionTransition actions in "
                f"same rule with filter {_describe_filter(rule)}"
            )
        _check_newer(transition)
        seen[storage_class] = days
    limit = (expiration or {}).get("NoncurrentDays")
    for storage_class, days in seen.items():
        if limit is not None and limit <= days:
            raise InvalidArgument(
                f"'NoncurrentDays' in the NoncurrentVersionExpiration action for filter "
                f"{_describe_filter(rule)} must be greater than 'NoncurrentDays' in the "
                f"NoncurrentVersionTransition action for StorageClass '{storage_class}' for "
                f"filter {_describe_filter(rule)}",
                ArgumentName="NoncurrentDays",
                ArgumentValue=limit,
            )


def _check_newer(action: dict[str, Any]) -> None:
    newer = action.get("NewerNoncurrentVersions")
    if newer is not None and not 1 <= newer <= MAX_NEWER_VERSIONS:
        raise InvalidArgument(
            f"'NewerNoncurrentVersions' must be a positive integer not greater than "
            f"{MAX_NEWER_VERSIONS}",
            ArgumentName="NewerNoncurrentVersions",
            ArgumentValue=newer,
        )


def _check_abort(rule: dict[str, Any]) -> None:
    abort = rule.get("AbortIncompleteMultipartUpload")
    if abort is None:
        return
    days = abort.get("DaysAfterInitiation")
    if days is None:
        raise MalformedXML()
    if days <= 0:
        raise InvalidArgument(
            "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a "
            "positive integer",
            ArgumentName="DaysAfterInitiation",
            ArgumentValue=days,
        )
    if _has_tags(rule):
        raise InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")


_ACTIONS = (
    "Expiration",
    "Transitions",
    "NoncurrentVersionExpiration",
    "NoncurrentVersionTransitions",
    "AbortIncompleteMultipartUpload",
)


def check_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One rule by S3's rules; returns it with an id (S3 generates one when none is given)."""
    if not isinstance(rule, dict) or rule.get("Status") not in STATUSES:
        raise MalformedXML()
    rule_id = rule.get("ID")
    if rule_id is not None and len(rule_id) > MAX_ID_LENGTH:
        raise InvalidArgument(
            f"ID length should not exceed allowed limit of {MAX_ID_LENGTH}",
            ArgumentName="ID",
            ArgumentValue=rule_id,
        )
    _check_filter(rule)
    if not any(action in rule for action in _ACTIONS):
        raise InvalidRequest("At least one action needs to be specified in a rule")
    for action in ("Expiration", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload"):
        if action in rule and not isinstance(rule[action], dict):  # an empty element
            rule[action] = {}
    _check_expiration(rule)
    _check_transitions(rule)
    _check_noncurrent(rule)
    _check_abort(rule)
    if not rule_id:
        rule = {**rule, "ID": _generated_id()}
    return rule


def _generated_id() -> str:
    """S3 names an unnamed rule with a random 48-character string."""
    return secrets.token_urlsafe(36)[:48]


def _validate(_ctx: Context, params: Params, document: dict[str, Any]) -> dict[str, Any]:
    rules = document.get("Rules")
    if not rules:
        raise MalformedXML()
    if len(rules) > MAX_RULES:
        raise InvalidRequest(f"Lifecycle configuration cannot have more than {MAX_RULES} rules")
    checked = [check_rule(dict(rule)) for rule in rules]
    ids = [rule["ID"] for rule in checked]
    if len(set(ids)) != len(ids):
        raise InvalidArgument(
            "Rule ID must be unique. Found same ID for more than one rule",
            ArgumentName="ID",
            ArgumentValue=next(i for i in ids if ids.count(i) > 1),
        )
    minimum = params.get("TransitionDefaultMinimumObjectSize") or ALL_128K
    if minimum not in MIN_SIZES:
        raise InvalidRequest("Invalid TransitionDefaultMinimumObjectSize found: " + str(minimum))
    return {"Rules": checked, "TransitionDefaultMinimumObjectSize": minimum}


LIFECYCLE = BucketConfig(
    name=CONFIG,
    get="GetBucketLifecycleConfiguration",
    put="PutBucketLifecycleConfiguration",
    delete="DeleteBucketLifecycle",
    missing=NoSuchLifecycleConfiguration,
    validate=_validate,
)

_MADE = LIFECYCLE.handlers()
_put = _MADE["PutBucketLifecycleConfiguration"]


def put_bucket_lifecycle_configuration(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html

    Answers the ``x-amz-transition-default-minimum-object-size`` that applies.
    """
    _put(ctx, params)
    return {
        "TransitionDefaultMinimumObjectSize": params.get("TransitionDefaultMinimumObjectSize")
        or ALL_128K
    }


HANDLERS: dict[str, Handler] = {
    **_MADE,
    "PutBucketLifecycleConfiguration": put_bucket_lifecycle_configuration,
    "PutBucketLifecycle": put_bucket_lifecycle_configuration,
    "GetBucketLifecycle": _MADE["GetBucketLifecycleConfiguration"],
}
