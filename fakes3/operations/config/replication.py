"""Replication: PutBucketReplication, GetBucketReplication, DeleteBucketReplication.

The configuration is validated as S3 validates it and stored; nothing is replicated (objects
get no ``x-amz-replication-status`` and no copies appear in the destination bucket).

Rules come in two schema versions: V1 rules select objects by a rule-level ``Prefix`` and
always replicate delete markers; V2 rules carry a ``Filter`` (a prefix, a tag, or an ``And``
of them) and must then say their ``Priority`` and whether delete markers replicate
(``DeleteMarkerReplication``). https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html
"""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

from fakes3.errors import (
    InvalidArgument,
    InvalidBucketName,
    InvalidRequest,
    MalformedXML,
    NoSuchBucket,
    NotImplementedByFakeS3,
    ReplicationConfigurationNotFoundError,
)
from fakes3.operations.buckets import validate_bucket_name
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.config.tagging import check_filter_tags
from fakes3.operations.context import Context, Handler, Params
from fakes3.protocol.model import load_model

MAX_RULES = 1000
MAX_ID_LENGTH = 255
MAX_PREFIX_LENGTH = 1024
BUCKET_ARN_PREFIX = "arn:aws:s3:::"
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::[^:]+:role/\S+")
_SCHEMA_NOTE = "Please refer to S3 Developer Guide for more information."


def _enum(shape: str) -> frozenset[str]:
    return frozenset(load_model().shape(shape)["enum"])


_RULE_STATUS = _enum("ReplicationRuleStatus")
_STORAGE_CLASSES = _enum("StorageClass")


def new_rule_id() -> str:
    """An id for a rule sent without one, in the shape S3 generates (base64 of a UUID)."""
    return base64.b64encode(str(uuid.uuid4()).encode()).decode()


def _check_status(part: Any) -> None:
    """A ``{"Status": ...}`` sub-element, if present, says Enabled or Disabled."""
    if part is not None and part.get("Status") not in _RULE_STATUS:
        raise MalformedXML()


def _has_tag(rule_filter: dict[str, Any]) -> bool:
    return "Tag" in rule_filter or bool((rule_filter.get("And") or {}).get("Tags"))


def _check_filter(rule: dict[str, Any]) -> None:
    """A V2 rule: one filter form, and the elements that schema version requires."""
    rule_filter = rule["Filter"]
    if "Prefix" in rule or sum(form in rule_filter for form in ("Prefix", "Tag", "And")) > 1:
        raise MalformedXML()
    check_filter_tags(rule_filter)
    _check_prefix(rule_filter.get("Prefix") or (rule_filter.get("And") or {}).get("Prefix"))
    marker = rule.get("DeleteMarkerReplication")
    if marker is None:
        raise InvalidRequest(
            "DeleteMarkerReplication must be specified for this version of Cross Region "
            f"Replication configuration schema. {_SCHEMA_NOTE}"
        )
    if "Priority" not in rule:
        raise InvalidRequest(
            "Priority must be specified for this version of Cross Region Replication "
            f"configuration schema. {_SCHEMA_NOTE}"
        )
    if marker.get("Status") == "Enabled" and _has_tag(rule_filter):
        raise InvalidRequest(
            f"Delete marker replication is not supported if any Tag filter is specified. "
            f"{_SCHEMA_NOTE}"
        )


def _check_prefix(prefix: str | None) -> None:
    if prefix is not None and len(prefix) > MAX_PREFIX_LENGTH:
        raise InvalidArgument(
            f"Rule prefix cannot be longer than maximum allowed key length of {MAX_PREFIX_LENGTH}"
        )


def _check_v1_prefixes(rules: list[dict[str, Any]]) -> None:
    """V1 rules (no Filter) select by prefix, and no two prefixes may overlap."""
    used: list[str] = []
    for rule in rules:
        if "Filter" in rule:
            continue
        prefix = rule.get("Prefix") or ""
        _check_prefix(prefix)
        for other in used:
            if prefix.startswith(other) or other.startswith(prefix):
                raise InvalidRequest(f"Found overlapping prefixes '{other}' and '{prefix}'")
        used.append(prefix)


def _check_destination(ctx: Context, source: str, destination: Any) -> None:
    """``arn:aws:s3:::name`` of another bucket that exists and keeps every version."""
    if destination is None or "Bucket" not in destination:
        raise MalformedXML()
    arn = destination["Bucket"]
    if not arn:
        raise InvalidArgument("Destination bucket cannot be null or empty")
    if not arn.startswith(BUCKET_ARN_PREFIX):
        raise InvalidArgument("Invalid bucket ARN")
    name = arn[len(BUCKET_ARN_PREFIX) :]
    try:
        validate_bucket_name(name)
    except InvalidBucketName:
        raise InvalidArgument("The specified bucket is not valid") from None
    if name == source:
        raise InvalidRequest("Destination bucket cannot be the same as the source bucket.")
    storage_class = destination.get("StorageClass")
    if storage_class is not None and storage_class not in _STORAGE_CLASSES:
        raise MalformedXML()
    try:
        target = ctx.store.get_bucket(name)
    except NoSuchBucket:
        target = None  # AWS says the same of a missing one (LocalStack's validated
    if target is None or target.versioning != "Enabled":  # replication_config_without_filter)
        raise InvalidRequest("Destination bucket must have versioning enabled.")


def _check_rule(ctx: Context, source: str, rule: dict[str, Any], seen: set[str]) -> None:
    if rule.get("Status") not in _RULE_STATUS:
        raise MalformedXML()
    rule_id = rule["ID"] = rule.get("ID") or new_rule_id()
    if len(rule_id) > MAX_ID_LENGTH:
        raise InvalidArgument(f"Rule Id cannot be greater than {MAX_ID_LENGTH}")
    if rule_id in seen:
        raise InvalidRequest("Rule Id must be unique")
    seen.add(rule_id)
    for part in ("DeleteMarkerReplication", "ExistingObjectReplication"):
        _check_status(rule.get(part))
    for part in (rule.get("SourceSelectionCriteria") or {}).values():
        _check_status(part)
    if "Filter" in rule:
        _check_filter(rule)
    _check_destination(ctx, source, rule.get("Destination"))


def _validate(ctx: Context, params: Params, config: dict[str, Any]) -> dict[str, Any]:
    """S3's checks, in its order: the object-lock token, source versioning, then the rules."""
    if params.get("Token") is not None:
        # The token let Object Lock buckets take replication (issued by AWS Support); fakes3
        # has no Object Lock and issues no tokens, so it cannot check one.
        raise NotImplementedByFakeS3(
            "x-amz-bucket-object-lock-token is not implemented: fakes3 has no Object Lock"
        )
    source = params["Bucket"]
    if ctx.store.get_bucket(source).versioning != "Enabled":
        raise InvalidRequest(
            "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
        )
    rules = config.get("Rules") or []
    if not config.get("Role") or not rules:
        raise MalformedXML()
    if len(rules) > MAX_RULES:
        raise InvalidRequest(f"Number of defined replication rules cannot exceed {MAX_RULES}")
    document = {"Role": config["Role"], "Rules": [dict(rule) for rule in rules]}
    seen: set[str] = set()
    for rule in document["Rules"]:
        _check_rule(ctx, source, rule, seen)
    _check_v1_prefixes(document["Rules"])
    if not _ROLE_ARN.fullmatch(config["Role"]):
        raise InvalidArgument(
            "Invalid Role specified in replication configuration",
            ArgumentName="Role",
            ArgumentValue=config["Role"],
        )
    destinations = {rule["Destination"]["Bucket"] for rule in document["Rules"]}
    if len(destinations) > 1 and any("Filter" not in rule for rule in document["Rules"]):
        # V1 rules (no Filter) replicate to one bucket only.
        raise InvalidRequest("Number of distinct destination bucket ARNs cannot exceed 1")
    return document


REPLICATION = BucketConfig(
    name="replication",
    get="GetBucketReplication",
    put="PutBucketReplication",
    delete="DeleteBucketReplication",
    missing=ReplicationConfigurationNotFoundError,
    validate=_validate,
)

HANDLERS: dict[str, Handler] = REPLICATION.handlers()
