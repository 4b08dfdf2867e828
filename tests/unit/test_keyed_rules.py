"""The document rules of the Id-keyed configuration families, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from fakes3.errors import InvalidArgument, InvalidS3DestinationBucket, MalformedXML, S3Error
from fakes3.operations.config.keyed_rules import (
    CONFIG_ID,
    check_access_point_arn,
    check_bucket_arn,
    check_filter,
    check_tierings,
    conform,
)


@pytest.mark.parametrize("arn", ["arn:aws:s3:::reports", "arn:aws-cn:s3:::a.b-c"])
def test_bucket_arns_accepted(arn: str) -> None:
    check_bucket_arn(arn)


@pytest.mark.parametrize(
    "arn, message",
    [
        ("reports", "Invalid bucket ARN."),
        ("arn:aws:s3:::", "Invalid bucket ARN."),
        ("arn:aws:s3:us-east-1:123456789012:reports", "should not specify a namespace"),
    ],
)
def test_bucket_arns_refused(arn: str, message: str) -> None:
    with pytest.raises(InvalidS3DestinationBucket) as caught:
        check_bucket_arn(arn)
    assert message in caught.value.text


def test_access_point_arns() -> None:
    check_access_point_arn("arn:aws:s3:eu-west-1:123456789012:accesspoint/reports-ap")
    check_access_point_arn(None)
    with pytest.raises(InvalidArgument):
        check_access_point_arn("arn:aws:s3:eu-west-1:12345:accesspoint/reports-ap")


@pytest.mark.parametrize(
    "found, ok",
    [
        (None, True),
        ({"Prefix": "a/"}, True),
        ({"Prefix": "a/", "Tag": {"Key": "k", "Value": "v"}}, False),
        ({"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}}, True),
        ({"And": {"Tags": [{"Key": "k", "Value": "v"}]}}, False),
        ({"And": {"Prefix": "a/", "AccessPointArn": "arn"}}, True),
    ],
)
def test_one_filter_form_and_two_predicates(found: Any, ok: bool) -> None:
    forms = ("Prefix", "Tag", "AccessPointArn", "And")
    if ok:
        check_filter(found, forms)
    else:
        with pytest.raises(MalformedXML):
            check_filter(found, forms)


@pytest.mark.parametrize(
    "tier, days, error",
    [
        ("ARCHIVE_ACCESS", 90, None),
        ("ARCHIVE_ACCESS", 89, InvalidArgument),
        ("DEEP_ARCHIVE_ACCESS", 180, None),
        ("DEEP_ARCHIVE_ACCESS", 179, InvalidArgument),
        ("DEEP_ARCHIVE_ACCESS", 730, None),
        ("ARCHIVE_ACCESS", 731, InvalidArgument),
    ],
)
def test_tiering_day_ranges(tier: str, days: int, error: type[S3Error] | None) -> None:
    tierings = [{"AccessTier": tier, "Days": days}]
    if error is None:
        check_tierings(tierings)
    else:
        with pytest.raises(error):
            check_tierings(tierings)


def test_conform_checks_required_members_enums_and_lengths() -> None:
    conform("Tag", {"Key": "k", "Value": ""})
    for bad in ({"Key": "k"}, {"Key": "", "Value": "v"}, "text"):
        with pytest.raises(MalformedXML):
            conform("Tag", bad)
    with pytest.raises(MalformedXML):
        conform("InventorySchedule", {"Frequency": "Monthly"})
    with pytest.raises(MalformedXML):
        conform("InventoryOptionalFields", ["Size", "Colour"])


@pytest.mark.parametrize(
    "config_id, ok",
    [
        ("a", True),
        ("A.b-c_9", True),
        ("x" * 64, True),
        ("", False),
        ("x" * 65, False),
        ("a b", False),
    ],
)
def test_config_ids(config_id: str, ok: bool) -> None:
    assert bool(CONFIG_ID.fullmatch(config_id)) is ok
