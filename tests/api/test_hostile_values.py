"""Values a hostile probe found in configurations and headers, over a real server on both
backends: each once answered 500, or was stored although S3 refuses it.

Day counts that S3 takes but that land past the year 9999 (what a date can hold here) are
clamped to its last second; numbers are ASCII digits in the model's range (not ``1_000``,
``+5`` or Arabic-Indic digits); dates are ISO 8601's extended form.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import raises_client_error
from bad_input import _md5
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from wire import exchange, request

LAST = "Fri, 31 Dec 9999 23:59:59 GMT"


def _lifecycle(s3: BaseClient, bucket: str, rule: dict[str, Any]) -> None:
    rule = {"ID": "r", "Filter": {"Prefix": ""}, "Status": "Enabled", **rule}
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})


def _rules(s3: BaseClient, bucket: str) -> list[dict[str, Any]]:
    return list(s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"])


def test_lifecycle_days_past_the_calendar_are_clamped(s3: BaseClient, bucket: str) -> None:
    _lifecycle(
        s3,
        bucket,
        {
            "Expiration": {"Days": 99_999_999},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 99_999_999},
        },
    )
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert f'expiry-date="{LAST}"' in put["Expiration"]
    assert f'expiry-date="{LAST}"' in s3.head_object(Bucket=bucket, Key="k")["Expiration"]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")
    assert upload["AbortDate"].year == 9999 and upload["AbortRuleId"] == "r"


def _put_lifecycle_xml(endpoint: str, bucket: str, rule: bytes) -> tuple[int, str | None]:
    body = (
        b"<LifecycleConfiguration><Rule><ID>x</ID><Filter><Prefix></Prefix></Filter>"
        b"<Status>Enabled</Status>" + rule + b"</Rule></LifecycleConfiguration>"
    )
    headers = [_md5(body), ("Content-Length", str(len(body)))]
    reply = exchange(endpoint, request("PUT", f"/{bucket}?lifecycle", headers, body))
    return reply.status, reply.code


@pytest.mark.parametrize(
    "rule",
    [
        b"<Expiration><Days>2147483648</Days></Expiration>",  # past the model's 32 bits
        b"<Expiration><Days>1_000</Days></Expiration>",
        b"<Expiration><Days>\xd9\xa1\xd9\xa2</Days></Expiration>",  # Arabic-Indic 12
        b"<Expiration><Days>+5</Days></Expiration>",
        b"<Transition><Days>30</Days><StorageClass>STANDARD</StorageClass></Transition>",
        b"<Transition><Days>30</Days><StorageClass>abc</StorageClass></Transition>",
        b"<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays>"
        b"<StorageClass>abc</StorageClass></NoncurrentVersionTransition>",
    ],
)
def test_lifecycle_values_s3_cannot_read_are_malformed(
    endpoint: str, s3: BaseClient, bucket: str, rule: bytes
) -> None:
    _lifecycle(s3, bucket, {"Expiration": {"Days": 7}})
    before = _rules(s3, bucket)
    assert _put_lifecycle_xml(endpoint, bucket, rule) == (400, "MalformedXML")
    assert _rules(s3, bucket) == before


def test_numbers_in_queries_and_headers_are_ascii_digits(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    for target in (
        f"/{bucket}?list-type=2&max-keys=1_0",
        f"/{bucket}/m?partNumber=1_0&uploadId={upload}",
        f"/{bucket}/m?partNumber=%D9%A1&uploadId={upload}",
    ):
        method = "GET" if "list-type" in target else "PUT"
        headers = [("Content-Length", "1")] if method == "PUT" else []
        reply = exchange(endpoint, request(method, target, headers, b"x" if headers else b""))
        assert (reply.status, reply.code) == (400, "InvalidArgument"), (target, reply.raw[:300])
    assert s3.list_parts(Bucket=bucket, Key="m", UploadId=upload).get("Parts", []) == []


def test_a_date_header_in_no_http_form_is_ignored(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    headers = [("If-Modified-Since", "2031-W01-1")]  # an ISO week date: no date to S3
    reply = exchange(endpoint, request("GET", f"/{bucket}/k", headers))
    assert reply.status == 200, reply.raw[:300]


def test_restore_days_past_the_calendar_are_clamped(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    answer = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 3_000_000})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert 'ongoing-request="true"' in s3.head_object(Bucket=bucket, Key="cold")["Restore"]


@pytest.fixture
def locked_bucket(s3: BaseClient, bucket: str) -> str:
    name = bucket + "-lock"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def test_default_retention_past_the_calendar_is_refused(s3: BaseClient, locked_bucket: str) -> None:
    """Past S3's 100 years: refused (it was stored, and writes clamped to 9999-12-31)."""
    with pytest.raises(ClientError) as refused:
        s3.put_object_lock_configuration(
            Bucket=locked_bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 999_999}},
            },
        )
    assert refused.value.response["Error"]["Code"] == "InvalidArgument"
    s3.put_object(Bucket=locked_bucket, Key="k", Body=b"x")
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked_bucket, Key="k")


@pytest.mark.parametrize("date", ["2031-W01-1", "20310101", "1e10", "1_956_528_000"])
def test_retain_until_dates_in_no_iso_form_are_malformed(
    endpoint: str, s3: BaseClient, locked_bucket: str, date: str
) -> None:
    s3.put_object(Bucket=locked_bucket, Key="k", Body=b"x")
    body = (
        f"<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>{date}</RetainUntilDate></Retention>"
    ).encode()
    headers = [_md5(body), ("Content-Length", str(len(body)))]
    reply = exchange(endpoint, request("PUT", f"/{locked_bucket}/k?retention", headers, body))
    assert (reply.status, reply.code) == (400, "MalformedXML"), reply.raw[:300]
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked_bucket, Key="k")


@pytest.mark.parametrize("location", ["garbage", "ftp://x", ""])
def test_copy_with_an_unusable_redirect_location_is_refused(
    s3: BaseClient, bucket: str, location: str
) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with raises_client_error("InvalidRedirectLocation", 400):
        s3.copy_object(
            Bucket=bucket,
            Key="dst",
            CopySource={"Bucket": bucket, "Key": "src"},
            WebsiteRedirectLocation=location,
        )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == ["src"]


@pytest.mark.parametrize(
    "body",
    [b"<Tagging/>", b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></Tagging>'],
)
def test_an_empty_tagging_document_is_an_empty_tag_set(
    endpoint: str, s3: BaseClient, bucket: str, body: bytes
) -> None:
    """What botocore sends for ``TagSet=None``, which AWS answers 200, emptying the tags
    (LocalStack's validated test_put_object_tagging_none_value and
    test_put_bucket_tagging_none_value). Was MalformedXML."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1")
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "b", "Value": "2"}]})
    headers = [_md5(body), ("Content-Length", str(len(body)))]
    for target in (f"/{bucket}/k?tagging", f"/{bucket}?tagging"):
        reply = exchange(endpoint, request("PUT", target, headers, body))
        assert reply.status in (200, 204), reply.raw[:300]
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    with raises_client_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)


@pytest.mark.parametrize(
    "body",
    [
        b"<Tagging>text</Tagging>",
        b"<Tagging>a<TagSet/></Tagging>",
        b"<Tagging><Tag><Key>a</Key><Value>1</Value></Tag></Tagging>",
        b"<Tagging><Bogus/></Tagging>",
    ],
)
@pytest.mark.parametrize("target", ["/{b}?tagging", "/{b}/k?tagging"])
def test_tagging_without_its_tag_set_is_malformed(
    endpoint: str, s3: BaseClient, bucket: str, body: bytes, target: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1")
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "b", "Value": "2"}]})
    headers = [_md5(body), ("Content-Length", str(len(body)))]
    reply = exchange(endpoint, request("PUT", target.format(b=bucket), headers, body))
    assert (reply.status, reply.code) == (400, "MalformedXML"), reply.raw[:300]
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "a", "Value": "1"}]
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "b", "Value": "2"}]
