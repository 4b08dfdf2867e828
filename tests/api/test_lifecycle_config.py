"""Put/Get/DeleteBucketLifecycleConfiguration with boto3: AWS's validation, errors that leave
the previous configuration in place, generated rule ids, the minimum-object-size header, and a
restart of the directory backend."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Raw, assert_s3_error, client_for, md5_b64, raises_client_error
from botocore.client import BaseClient

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
MALFORMED = "The XML you provided was not well-formed or did not validate against our published"


def rule(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"ID": "r", "Filter": {"Prefix": ""}, "Status": "Enabled"}
    base.update(fields)
    return {name: value for name, value in base.items() if value is not None}


def put(s3: BaseClient, bucket: str, *rules: dict[str, Any], **kwargs: Any) -> Any:
    return s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}, **kwargs
    )


def test_put_get_delete_round_trip(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    answer = put(
        s3,
        bucket,
        rule(ID="logs", Filter={"Prefix": "logs/"}, Expiration={"Days": 7}),
        rule(
            ID=None,
            Filter={"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}},
            Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}],
        ),
        {"ID": "old", "Prefix": "old/", "Status": "Disabled", "Expiration": {"Days": 1}},
    )
    assert answer["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    first, second, third = got["Rules"]
    assert first["ID"] == "logs" and first["Expiration"] == {"Days": 7}
    assert first["Filter"] == {"Prefix": "logs/"}
    assert len(second["ID"]) == 48  # S3 names a rule sent without an id
    assert second["Filter"]["And"]["Tags"] == [{"Key": "k", "Value": "v"}]
    assert second["Transitions"] == [{"Days": 30, "StorageClass": "STANDARD_IA"}]
    assert third["Prefix"] == "old/" and third["Status"] == "Disabled"
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with raises_client_error("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


def test_minimum_object_size_header_in_and_out(s3: BaseClient, bucket: str) -> None:
    answer = put(
        s3,
        bucket,
        rule(Expiration={"Days": 1}),
        TransitionDefaultMinimumObjectSize="varies_by_storage_class",
    )
    assert answer["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"


def test_date_and_deprecated_single_transition(s3: BaseClient, bucket: str) -> None:
    midnight = datetime(2031, 5, 1, tzinfo=timezone.utc)
    put(s3, bucket, rule(Expiration={"Date": midnight}))
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]
    assert got["Expiration"]["Date"] == midnight


BAD: list[tuple[str, list[dict[str, Any]], str, int, str]] = [
    (
        "id too long",
        [rule(ID="x" * 256, Expiration={"Days": 1})],
        "InvalidArgument",
        400,
        "ID length should not exceed allowed limit of 255",
    ),
    (
        "same id",
        [rule(Expiration={"Days": 1}), rule(Expiration={"Days": 2})],
        "InvalidArgument",
        400,
        "Rule ID must be unique. Found same ID for more than one rule",
    ),
    (
        "bad status",
        [rule(Status="enabled", Expiration={"Days": 1})],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "days zero",
        [rule(Expiration={"Days": 0})],
        "InvalidArgument",
        400,
        "'Days' for Expiration action must be a positive integer",
    ),
    (
        "days and date",
        [rule(Expiration={"Days": 1, "Date": datetime(2031, 1, 1)})],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "marker with days",
        [rule(Expiration={"Days": 1, "ExpiredObjectDeleteMarker": True})],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "date not midnight",
        [rule(Expiration={"Date": datetime(2031, 1, 1, 12)})],
        "InvalidArgument",
        400,
        "'Date' must be at midnight GMT",
    ),
    (
        "ia under 30 days",
        [rule(Transitions=[{"Days": 29, "StorageClass": "STANDARD_IA"}])],
        "InvalidArgument",
        400,
        "'Days' in Transition action must be greater than or equal to 30 for storageClass "
        "'STANDARD_IA'",
    ),
    (
        "onezone under 30 days",
        [rule(Transitions=[{"Days": 1, "StorageClass": "ONEZONE_IA"}])],
        "InvalidArgument",
        400,
        "'Days' in Transition action must be greater than or equal to 30 for storageClass "
        "'ONEZONE_IA'",
    ),
    (
        "transitions out of order",
        [
            rule(
                Transitions=[
                    {"Days": 90, "StorageClass": "STANDARD_IA"},
                    {"Days": 60, "StorageClass": "GLACIER"},
                ]
            )
        ],
        "InvalidArgument",
        400,
        "'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=)' must "
        "be greater than 'Days' in the Transition action for StorageClass 'STANDARD_IA' for "
        "filter '(prefix=)'",
    ),
    (
        "expiration before transition",
        [rule(Expiration={"Days": 10}, Transitions=[{"Days": 10, "StorageClass": "GLACIER"}])],
        "InvalidArgument",
        400,
        "'Days' in the Expiration action for filter '(prefix=)' must be greater than 'Days' in "
        "the Transition action for StorageClass 'GLACIER' for filter '(prefix=)'",
    ),
    (
        "no action",
        [rule()],
        "InvalidRequest",
        400,
        "At least one action needs to be specified in a rule",
    ),
    (
        "no filter nor prefix",
        [{"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1}}],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "prefix and filter",
        [rule(Prefix="a", Expiration={"Days": 1})],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "two filter forms",
        [rule(Filter={"Prefix": "a", "ObjectSizeGreaterThan": 5}, Expiration={"Days": 1})],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "and with one tag",
        [rule(Filter={"And": {"Tags": [{"Key": "k", "Value": "v"}]}}, Expiration={"Days": 1})],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "prefix and tag without and",
        [rule(Filter={"Prefix": "a", "Tag": {"Key": "k", "Value": "v"}}, Expiration={"Days": 1})],
        "MalformedXML",
        400,
        MALFORMED,
    ),
    (
        "sizes crossed",
        [
            rule(
                Filter={"And": {"ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 5}},
                Expiration={"Days": 1},
            )
        ],
        "InvalidArgument",
        400,
        "ObjectSizeGreaterThan must be less than ObjectSizeLessThan",
    ),
    (
        "noncurrent days zero",
        [rule(NoncurrentVersionExpiration={"NoncurrentDays": 0})],
        "InvalidArgument",
        400,
        "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
    ),
    (
        "newer versions over 100",
        [rule(NoncurrentVersionExpiration={"NoncurrentDays": 1, "NewerNoncurrentVersions": 101})],
        "InvalidArgument",
        400,
        "'NewerNoncurrentVersions' must be a positive integer not greater than 100",
    ),
    (
        "abort with tags",
        [
            rule(
                Filter={"Tag": {"Key": "k", "Value": "v"}},
                AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1},
            )
        ],
        "InvalidRequest",
        400,
        "AbortIncompleteMultipartUpload cannot be specified with Tags.",
    ),
    (
        "marker with tags",
        [
            rule(
                Filter={"Tag": {"Key": "k", "Value": "v"}},
                Expiration={"ExpiredObjectDeleteMarker": True},
            )
        ],
        "InvalidRequest",
        400,
        "ExpiredObjectDeleteMarker cannot be specified with Tags.",
    ),
]


@pytest.mark.parametrize(
    ("rules", "code", "status", "message"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_bad_configurations_keep_the_previous_one(
    s3: BaseClient,
    bucket: str,
    rules: list[dict[str, Any]],
    code: str,
    status: int,
    message: str,
) -> None:
    put(s3, bucket, rule(ID="kept", Expiration={"Days": 3}))
    with raises_client_error(code, status) as caught:
        put(s3, bucket, *rules)
    assert caught.value.response["Error"]["Message"].startswith(message)
    kept = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [item["ID"] for item in kept] == ["kept"]


def test_at_most_1000_rules(s3: BaseClient, bucket: str) -> None:
    many = [
        rule(ID=f"r{n}", Filter={"Prefix": f"p{n}/"}, Expiration={"Days": 1}) for n in range(1001)
    ]
    with raises_client_error("InvalidRequest", 400):
        put(s3, bucket, *many)
    put(s3, bucket, *many[:1000])
    assert len(s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]) == 1000


def test_missing_bucket(s3: BaseClient) -> None:
    with raises_client_error("NoSuchBucket", 404):
        put(s3, "no-such-bucket-lifecycle", rule(Expiration={"Days": 1}))
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_lifecycle_configuration(Bucket="no-such-bucket-lifecycle")


def test_directory_backend_keeps_rules_across_a_restart(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    with Server(FakeS3(Settings(data_dir=data_dir)), port=0) as first:
        s3 = client_for(first.endpoint_url)
        s3.create_bucket(Bucket="kept")
        put(
            s3,
            "kept",
            rule(ID="keep", Expiration={"Days": 5}),
            TransitionDefaultMinimumObjectSize="varies_by_storage_class",
        )
    with Server(FakeS3(Settings(data_dir=data_dir)), port=0) as second:
        s3 = client_for(second.endpoint_url)
        got = s3.get_bucket_lifecycle_configuration(Bucket="kept")
        assert [item["ID"] for item in got["Rules"]] == ["keep"]
        assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
        put_answer = s3.put_object(Bucket="kept", Key="k", Body=b"x")
        assert 'rule-id="keep"' in put_answer["Expiration"]


def test_deprecated_put_and_get_bucket_lifecycle(s3: BaseClient, bucket: str) -> None:
    s3.put_bucket_lifecycle(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "a",
                    "Prefix": "x/",
                    "Status": "Enabled",
                    "Transition": {"Days": 30, "StorageClass": "GLACIER"},
                    "Expiration": {"Days": 60},
                }
            ]
        },
    )
    [old] = s3.get_bucket_lifecycle(Bucket=bucket)["Rules"]
    assert old["Transition"] == {"Days": 30, "StorageClass": "GLACIER"}
    [new] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert new["Transitions"] == [{"Days": 30, "StorageClass": "GLACIER"}]
    with raises_client_error("MalformedXML", 400):
        s3.put_bucket_lifecycle(
            Bucket=bucket,
            LifecycleConfiguration={
                "Rules": [
                    {"ID": "a", "Prefix": "", "Status": "disabled", "Expiration": {"Days": 1}}
                ]
            },
        )
    assert s3.get_bucket_lifecycle(Bucket=bucket)["Rules"][0]["Status"] == "Enabled"


RAW_RULES = {
    "empty expiration": "<Filter/><Status>Enabled</Status><Expiration/>",
    "empty noncurrent expiration": "<Filter/><Status>Enabled</Status>"
    "<NoncurrentVersionExpiration/>",
    "empty abort": "<Filter/><Status>Enabled</Status><AbortIncompleteMultipartUpload/>",
    "empty and": "<Filter><And/></Filter><Status>Enabled</Status><Expiration><Days>1</Days>"
    "</Expiration>",
    "no status": "<Filter/><Expiration><Days>1</Days></Expiration>",
    "days not a number": "<Filter/><Status>Enabled</Status><Expiration><Days>x</Days></Expiration>",
}


@pytest.mark.parametrize("rule_xml", list(RAW_RULES.values()), ids=list(RAW_RULES))
def test_hand_built_bodies_are_malformed(raw: Raw, bucket: str, rule_xml: str) -> None:
    body = (
        f'<LifecycleConfiguration xmlns="{XMLNS}"><Rule>{rule_xml}</Rule></LifecycleConfiguration>'
    )
    response = raw(
        "PUT", f"/{bucket}?lifecycle", data=body, headers={"Content-MD5": md5_b64(body.encode())}
    )
    assert_s3_error(response, "MalformedXML", 400)


def test_an_empty_id_is_named_by_s3(raw: Raw, s3: BaseClient, bucket: str) -> None:
    rule_xml = "<ID></ID><Prefix/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"
    body = (
        f'<LifecycleConfiguration xmlns="{XMLNS}"><Rule>{rule_xml}</Rule></LifecycleConfiguration>'
    )
    response = raw(
        "PUT", f"/{bucket}?lifecycle", data=body, headers={"Content-MD5": md5_b64(body.encode())}
    )
    assert response.status_code == 200
    [stored] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert len(stored["ID"]) == 48 and stored["Prefix"] == ""
