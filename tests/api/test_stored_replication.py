"""Replication configurations over a live server, both backends: stored and returned as S3
does, with S3's validation; each bad document leaves the previous one in place.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from api_helpers import (
    Raw,
    assert_s3_error,
    empty_versioned,
    md5_b64,
    raises_client_error,
    unique_bucket_name,
)
from botocore.client import BaseClient

ROLE = "arn:aws:iam::123456789012:role/replication"


@pytest.fixture
def destination(s3: BaseClient) -> Iterator[str]:
    """A versioned bucket to replicate into."""
    name = unique_bucket_name("replica")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    yield name
    empty_versioned(s3, name)


def rule(destination: str, **extra: Any) -> dict[str, Any]:
    """A V2 replication rule (a Filter, so Priority and DeleteMarkerReplication too)."""
    found: dict[str, Any] = {
        "ID": "to-replica",
        "Priority": 1,
        "Filter": {"Prefix": "logs/"},
        "Status": "Enabled",
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": f"arn:aws:s3:::{destination}"},
    }
    found.update(extra)
    return {k: v for k, v in found.items() if v is not None}


def test_replication_round_trip_and_delete(s3: BaseClient, vbucket: str, destination: str) -> None:
    with raises_client_error("ReplicationConfigurationNotFoundError", 404) as caught:
        s3.get_bucket_replication(Bucket=vbucket)
    assert caught.value.response["Error"]["BucketName"] == vbucket
    rules = [
        rule(destination),
        rule(destination, ID="tagged", Priority=2, Filter={"Tag": {"Key": "k", "Value": "v"}}),
        rule(
            destination,
            ID="cold",
            Priority=3,
            Filter={"Prefix": "archive/"},
            Destination={"Bucket": f"arn:aws:s3:::{destination}", "StorageClass": "GLACIER"},
        ),
    ]
    s3.put_bucket_replication(
        Bucket=vbucket, ReplicationConfiguration={"Role": ROLE, "Rules": rules}
    )
    got = s3.get_bucket_replication(Bucket=vbucket)["ReplicationConfiguration"]
    assert got == {"Role": ROLE, "Rules": rules}
    s3.delete_bucket_replication(Bucket=vbucket)
    with raises_client_error("ReplicationConfigurationNotFoundError", 404):
        s3.get_bucket_replication(Bucket=vbucket)


def test_a_v1_rule_without_an_id_gets_one(s3: BaseClient, vbucket: str, destination: str) -> None:
    v1 = {
        "Prefix": "docs/",
        "Status": "Disabled",
        "Destination": {"Bucket": f"arn:aws:s3:::{destination}"},
    }
    s3.put_bucket_replication(
        Bucket=vbucket, ReplicationConfiguration={"Role": ROLE, "Rules": [v1]}
    )
    (stored,) = s3.get_bucket_replication(Bucket=vbucket)["ReplicationConfiguration"]["Rules"]
    assert stored.pop("ID")  # S3 names a rule sent without an ID
    assert stored == v1


def test_and_filters_keep_their_tags(s3: BaseClient, vbucket: str, destination: str) -> None:
    """``And``'s ``Tag`` list is flattened on the member: it must survive parsing."""
    tags = [{"Key": "team", "Value": "data"}, {"Key": "tier", "Value": "gold"}]
    anded = rule(destination, Filter={"And": {"Prefix": "logs/", "Tags": tags}})
    s3.put_bucket_replication(
        Bucket=vbucket, ReplicationConfiguration={"Role": ROLE, "Rules": [anded]}
    )
    got = s3.get_bucket_replication(Bucket=vbucket)["ReplicationConfiguration"]["Rules"]
    assert got[0]["Filter"] == {"And": {"Prefix": "logs/", "Tags": tags}}


def test_replication_needs_versioning_on_the_source(
    s3: BaseClient, bucket: str, destination: str
) -> None:
    with raises_client_error("InvalidRequest", 400) as caught:
        s3.put_bucket_replication(
            Bucket=bucket,
            ReplicationConfiguration={"Role": ROLE, "Rules": [rule(destination)]},
        )
    error = caught.value.response["Error"]
    assert error["Message"] == (
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
    )
    assert "BucketName" not in error  # LocalStack's validated test_replication_config


BAD_RULES: list[tuple[str, Callable[[str, str], list[dict[str, Any]]], str, str]] = [
    (
        "no delete marker element",
        lambda src, dst: [rule(dst, DeleteMarkerReplication=None)],
        "InvalidRequest",
        "DeleteMarkerReplication must be specified for this version of Cross Region "
        "Replication configuration schema. Please refer to S3 Developer Guide for more "
        "information.",
    ),
    (
        "no priority",
        lambda src, dst: [rule(dst, Priority=None)],
        "InvalidRequest",
        "Priority must be specified for this version of Cross Region Replication "
        "configuration schema. Please refer to S3 Developer Guide for more information.",
    ),
    (
        "delete markers with a tag filter",
        lambda src, dst: [
            rule(
                dst,
                Filter={"Tag": {"Key": "k", "Value": "v"}},
                DeleteMarkerReplication={"Status": "Enabled"},
            )
        ],
        "InvalidRequest",
        "Delete marker replication is not supported if any Tag filter is specified. "
        "Please refer to S3 Developer Guide for more information.",
    ),
    (
        "a destination that is not an ARN",
        lambda src, dst: [rule(dst, Destination={"Bucket": dst})],
        "InvalidArgument",
        "Invalid bucket ARN",
    ),
    (
        "an empty destination",
        lambda src, dst: [rule(dst, Destination={"Bucket": ""})],
        "InvalidArgument",
        "Destination bucket cannot be null or empty",
    ),
    (
        "a destination ARN naming no valid bucket",
        lambda src, dst: [rule(dst, Destination={"Bucket": "arn:aws:s3:::Not_A_Bucket"})],
        "InvalidArgument",
        "The specified bucket is not valid",
    ),
    (
        "overlapping V1 prefixes",
        lambda src, dst: [
            {
                "ID": i,
                "Prefix": p,
                "Status": "Enabled",
                "Destination": {"Bucket": f"arn:aws:s3:::{dst}"},
            }
            for i, p in (("a", "tax/"), ("b", "tax/2015/"))
        ],
        "InvalidRequest",
        "Found overlapping prefixes 'tax/' and 'tax/2015/'",
    ),
    (
        "a prefix over 1024 characters",
        lambda src, dst: [rule(dst, Filter={"Prefix": "p" * 1025})],
        "InvalidArgument",
        "Rule prefix cannot be longer than maximum allowed key length of 1024",
    ),
    (
        "the source as destination",
        lambda src, dst: [rule(src)],
        "InvalidRequest",
        "Destination bucket cannot be the same as the source bucket.",
    ),
    (
        "a missing destination",  # as AWS says it (LocalStack's validated recording)
        lambda src, dst: [rule("no-such-destination-bucket")],
        "InvalidRequest",
        "Destination bucket must have versioning enabled.",
    ),
    (
        "two rules with one ID",
        lambda src, dst: [rule(dst), rule(dst, Priority=2)],
        "InvalidRequest",
        "Rule Id must be unique",
    ),
    (
        "an ID over 255 characters",
        lambda src, dst: [rule(dst, ID="x" * 256)],
        "InvalidArgument",
        "Rule Id cannot be greater than 255",
    ),
    (
        "a rule status outside the schema",
        lambda src, dst: [rule(dst, Status="On")],
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    ),
    (
        "a Prefix beside a Filter",
        lambda src, dst: [rule(dst, Prefix="x/")],
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    ),
    (
        "1001 rules",
        lambda src, dst: [
            rule(dst, ID=f"r{i}", Priority=i, Filter={"Prefix": f"{i}/"}) for i in range(1001)
        ],
        "InvalidRequest",
        "Number of defined replication rules cannot exceed 1000",
    ),
]


@pytest.mark.parametrize(
    "rules, code, message", [case[1:] for case in BAD_RULES], ids=[c[0] for c in BAD_RULES]
)
def test_bad_replication_rules_keep_the_old_configuration(
    s3: BaseClient,
    vbucket: str,
    destination: str,
    rules: Callable[[str, str], list[dict[str, Any]]],
    code: str,
    message: str,
) -> None:
    before = {"Role": ROLE, "Rules": [rule(destination, ID="keep")]}
    s3.put_bucket_replication(Bucket=vbucket, ReplicationConfiguration=before)
    with raises_client_error(code, 400) as caught:
        s3.put_bucket_replication(
            Bucket=vbucket,
            ReplicationConfiguration={"Role": ROLE, "Rules": rules(vbucket, destination)},
        )
    assert caught.value.response["Error"]["Message"] == message
    assert s3.get_bucket_replication(Bucket=vbucket)["ReplicationConfiguration"] == before


def test_v1_rules_replicate_to_one_bucket(s3: BaseClient, vbucket: str, destination: str) -> None:
    second = unique_bucket_name("replica")
    s3.create_bucket(Bucket=second)
    s3.put_bucket_versioning(Bucket=second, VersioningConfiguration={"Status": "Enabled"})
    try:
        rules = [
            {
                "ID": name,
                "Prefix": f"{name}/",
                "Status": "Enabled",
                "Destination": {"Bucket": f"arn:aws:s3:::{name}"},
            }
            for name in (destination, second)
        ]
        with raises_client_error("InvalidRequest", 400) as caught:
            s3.put_bucket_replication(
                Bucket=vbucket, ReplicationConfiguration={"Role": ROLE, "Rules": rules}
            )
        assert caught.value.response["Error"]["Message"] == (
            "Number of distinct destination bucket ARNs cannot exceed 1"
        )
        v2 = [rule(name, ID=name, Priority=i) for i, name in enumerate((destination, second))]
        s3.put_bucket_replication(
            Bucket=vbucket, ReplicationConfiguration={"Role": ROLE, "Rules": v2}
        )
        got = s3.get_bucket_replication(Bucket=vbucket)["ReplicationConfiguration"]
        assert got["Rules"] == v2
    finally:
        s3.delete_bucket(Bucket=second)


def test_replication_into_an_unversioned_bucket(s3: BaseClient, vbucket: str, bucket: str) -> None:
    with raises_client_error("InvalidRequest", 400) as caught:
        s3.put_bucket_replication(
            Bucket=vbucket, ReplicationConfiguration={"Role": ROLE, "Rules": [rule(bucket)]}
        )
    assert caught.value.response["Error"]["Message"] == (
        "Destination bucket must have versioning enabled."
    )


def test_a_role_that_is_not_an_iam_role_arn(s3: BaseClient, vbucket: str, destination: str) -> None:
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.put_bucket_replication(
            Bucket=vbucket,
            ReplicationConfiguration={"Role": "replicator", "Rules": [rule(destination)]},
        )
    error = caught.value.response["Error"]
    assert error["Message"] == "Invalid Role specified in replication configuration"
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("Role", "replicator")


def test_replication_without_a_role_is_malformed(raw: Raw, vbucket: str, destination: str) -> None:
    body = (
        '<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>'
        f"<Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::{destination}</Bucket>"
        "</Destination></Rule></ReplicationConfiguration>"
    )
    headers = {"Content-MD5": md5_b64(body.encode())}
    response = raw("PUT", f"/{vbucket}?replication", data=body, headers=headers)
    assert_s3_error(response, "MalformedXML", 400)


def test_the_object_lock_token_is_not_implemented(
    s3: BaseClient, vbucket: str, destination: str
) -> None:
    with raises_client_error("NotImplemented", 501):
        s3.put_bucket_replication(
            Bucket=vbucket,
            ReplicationConfiguration={"Role": ROLE, "Rules": [rule(destination)]},
            Token="token-from-aws-support",
        )
    with raises_client_error("ReplicationConfigurationNotFoundError", 404):
        s3.get_bucket_replication(Bucket=vbucket)
