"""The documents of the Id-keyed families, checked as S3 checks them.

Structure first, from the model (required members, enum values, minimum lengths): S3 answers
``MalformedXML`` for a document that does not validate against its schema. Then the rules the
API reference states in prose: one filter form, an ``And`` of at least two predicates, export
destinations given as bucket ARNs, access point ARNs, intelligent-tiering day ranges.
"""

from __future__ import annotations

import re
from typing import Any

from fakes3.errors import InvalidArgument, InvalidS3DestinationBucket, MalformedXML
from fakes3.operations.config.tagging import check_filter_tags
from fakes3.protocol.model import load_model

CONFIG_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""Ids S3 accepts: up to 64 letters, digits, periods, dashes and underscores."""

_BUCKET_ARN = re.compile(r"arn:aws(?:-[a-z-]+)?:s3:::[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_NAMESPACED_ARN = re.compile(r"arn:[^:]*:s3:[^:]*:[^:]*:.+")
_ACCESS_POINT_ARN = re.compile(
    r"arn:aws(?:-[a-z-]+)?:s3:[a-z0-9-]+:\d{12}:accesspoint/[a-z0-9][a-z0-9-]{1,48}[a-z0-9]"
)
# Intelligent-Tiering's archive tiers: (least, most) days without access before moving.
TIER_DAYS = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}


def conform(shape_name: str, value: Any) -> None:
    """MalformedXML unless ``value`` has the model's required members, enums and lengths."""
    model = load_model()
    shape = model.shape(shape_name)
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            raise MalformedXML()
        for name in shape.get("required", ()):
            if value.get(name) is None:
                raise MalformedXML()
        for name, member in shape["members"].items():
            if name in value:
                conform(member["shape"], value[name])
    elif kind == "list":
        if not isinstance(value, list):
            raise MalformedXML()
        for item in value:
            conform(shape["member"]["shape"], item)
    elif kind == "string":
        if "enum" in shape and value not in shape["enum"]:
            raise MalformedXML()
        if len(value) < shape.get("min", 0):
            raise MalformedXML()


def check_filter(found: Any, forms: tuple[str, ...]) -> None:
    """A filter is at most one of ``forms``; an ``And`` joins at least two predicates."""
    if not found:
        return
    if sum(1 for form in forms if form in found) > 1:
        raise MalformedXML()
    check_filter_tags(found)
    conjunction = found.get("And")
    if conjunction is not None:
        predicates = len(conjunction.get("Tags") or [])
        predicates += sum(1 for one in ("Prefix", "AccessPointArn") if one in conjunction)
        if predicates < 2:
            raise MalformedXML()


def check_bucket_arn(arn: str) -> None:
    """An export destination is ``arn:aws:s3:::bucket``, with no region or account."""
    if _BUCKET_ARN.fullmatch(arn):
        return
    if _NAMESPACED_ARN.fullmatch(arn):
        raise InvalidS3DestinationBucket("Bucket ARN should not specify a namespace.")
    raise InvalidS3DestinationBucket()


def check_access_point_arn(arn: str | None) -> None:
    if arn is not None and not _ACCESS_POINT_ARN.fullmatch(arn):
        raise InvalidArgument(
            "Invalid access point ARN", ArgumentName="AccessPointArn", ArgumentValue=arn
        )


def check_tierings(tierings: list[dict[str, Any]]) -> None:
    """Each archive tier's Days within S3's documented range."""
    for tiering in tierings:
        tier, days = tiering["AccessTier"], tiering["Days"]
        least, most = TIER_DAYS[tier]
        if days < least:
            raise InvalidArgument(f"Days specified in {tier} tier should not be less than {least}.")
        if days > most:
            raise InvalidArgument(f"Days specified in {tier} tier should not be more than {most}.")
