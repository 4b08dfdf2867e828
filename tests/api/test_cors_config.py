"""Bucket CORS configuration over a live server: Put/Get/DeleteBucketCors, S3's rules for the
document (each refusal keeps the previous configuration), a restart, and the AWS CLI.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from api_helpers import Aws, Raw, assert_s3_error, md5_b64, raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from cors_rules import APP_RULE, ORIGIN, PUBLIC_RULE, put_cors
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings


def test_configuration_round_trip_and_delete(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("NoSuchCORSConfiguration", 404) as caught:
        s3.get_bucket_cors(Bucket=bucket)
    assert caught.value.response["Error"]["Message"] == "The CORS configuration does not exist"
    assert caught.value.response["Error"]["BucketName"] == bucket
    put_cors(s3, bucket, APP_RULE, PUBLIC_RULE, {**PUBLIC_RULE, "AllowedOrigins": [""]})
    rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert rules == [APP_RULE, PUBLIC_RULE, {**PUBLIC_RULE, "AllowedOrigins": [""]}]
    put_cors(s3, bucket, PUBLIC_RULE)  # a new configuration replaces the old one whole
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [PUBLIC_RULE]
    deleted = s3.delete_bucket_cors(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_client_error("NoSuchCORSConfiguration", 404):
        s3.get_bucket_cors(Bucket=bucket)
    again = s3.delete_bucket_cors(Bucket=bucket)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_missing_bucket_is_no_such_bucket(s3: BaseClient) -> None:
    name = unique_bucket_name("cors")
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_cors(Bucket=name)
    with raises_client_error("NoSuchBucket", 404):
        put_cors(s3, name, PUBLIC_RULE)
    with raises_client_error("NoSuchBucket", 404):
        s3.delete_bucket_cors(Bucket=name)


def _unsupported(method: str) -> str:
    return f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"


def _long_origins() -> list[dict[str, Any]]:
    """100 rules, 66 KB of origins: within the rule count, over the 64 KB size."""
    return [{"AllowedMethods": ["GET"], "AllowedOrigins": ["o" * 660]} for _ in range(100)]


@pytest.mark.parametrize(
    "rules, code, message",
    [
        ([{**PUBLIC_RULE, "AllowedMethods": ["PATCH"]}], "InvalidRequest", _unsupported("PATCH")),
        ([{**PUBLIC_RULE, "AllowedMethods": ["get"]}], "InvalidRequest", _unsupported("get")),
        (
            [{**PUBLIC_RULE, "AllowedMethods": ["OPTIONS"]}],
            "InvalidRequest",
            _unsupported("OPTIONS"),
        ),
        (
            [{**PUBLIC_RULE, "AllowedOrigins": ["https://*.example.*"]}],
            "InvalidRequest",
            'AllowedOrigin "https://*.example.*" can not have more than one wildcard.',
        ),
        (
            [{**PUBLIC_RULE, "AllowedHeaders": ["x-*-*"]}],
            "InvalidRequest",
            'AllowedHeader "x-*-*" can not have more than one wildcard.',
        ),
        (
            [{**PUBLIC_RULE, "ExposeHeaders": ["ETag", "x-amz-meta-*"]}],
            "InvalidRequest",
            'ExposeHeader "x-amz-meta-*" contains wildcard. '
            "We currently do not support wildcard for ExposeHeader.",
        ),
        (
            [PUBLIC_RULE] * 101,
            "InvalidRequest",
            "The number of CORS rules should not exceed allowed limit of 100 rules.",
        ),
        (
            [{**PUBLIC_RULE, "ID": "i" * 256}],
            "InvalidArgument",
            "ID length should not exceed allowed limit of 255",
        ),
        ([{**PUBLIC_RULE, "MaxAgeSeconds": -1}], "MalformedXML", None),
        ([], "MalformedXML", None),
        (_long_origins(), "MaxMessageLengthExceeded", None),
    ],
    ids=[
        "method",
        "lower-case-method",
        "options",
        "origin-wildcards",
        "header-wildcards",
        "expose-wildcard",
        "101-rules",
        "long-id",
        "negative-max-age",
        "no-rules",
        "over-64KB",
    ],
)
def test_bad_configuration_is_refused_and_keeps_the_old_one(
    s3: BaseClient, bucket: str, rules: list[dict[str, Any]], code: str, message: str | None
) -> None:
    put_cors(s3, bucket, APP_RULE)
    with raises_client_error(code, 400) as caught:
        put_cors(s3, bucket, *rules)
    if message is not None:
        assert caught.value.response["Error"]["Message"] == message
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [APP_RULE]


def test_a_hundred_rules_are_accepted(s3: BaseClient, bucket: str) -> None:
    rules = [
        {"AllowedMethods": ["GET"], "AllowedOrigins": [f"https://{i}.test"]} for i in range(100)
    ]
    put_cors(s3, bucket, *rules)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules


RULE_XML = (
    "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>{}</CORSRule>"
)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<CORSConfiguration><CORSRule>",
        b"<NotCORS>" + RULE_XML.format("").encode() + b"</NotCORS>",
        b"<CORSConfiguration><CORSRule/></CORSConfiguration>",
        b"<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>"
        b"</CORSConfiguration>",
        b"<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>"
        b"</CORSConfiguration>",
        b"<CORSConfiguration>"
        + RULE_XML.format("<MaxAgeSeconds>soon</MaxAgeSeconds>").encode()
        + b"</CORSConfiguration>",
    ],
    ids=["empty", "unclosed", "wrong-root", "empty-rule", "no-method", "no-origin", "max-age"],
)
def test_malformed_documents_are_malformed_xml(
    s3: BaseClient, raw: Raw, bucket: str, body: bytes
) -> None:
    put_cors(s3, bucket, APP_RULE)
    response = raw("PUT", f"/{bucket}?cors", data=body, headers={"Content-MD5": md5_b64(body)})
    assert_s3_error(response, "MalformedXML", 400)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [APP_RULE]


def test_put_needs_content_md5_or_a_checksum(s3: BaseClient, raw: Raw, bucket: str) -> None:
    body = f"<CORSConfiguration>{RULE_XML.format('')}</CORSConfiguration>".encode()
    fields = assert_s3_error(raw("PUT", f"/{bucket}?cors", data=body), "InvalidRequest", 400)
    assert fields["Message"] == "Missing required header for this request: Content-MD5"
    with raises_client_error("NoSuchCORSConfiguration", 404):
        s3.get_bucket_cors(Bucket=bucket)
    sent = raw("PUT", f"/{bucket}?cors", data=body, headers={"Content-MD5": md5_b64(body)})
    assert sent.status_code == 200
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [PUBLIC_RULE]


def test_configuration_survives_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    with Server(FakeS3(settings), port=0) as first:
        s3 = client_for(first.endpoint_url)
        s3.create_bucket(Bucket="kept")
        put_cors(s3, "kept", APP_RULE)
    with Server(FakeS3(settings), port=0) as second:
        s3 = client_for(second.endpoint_url)
        assert s3.get_bucket_cors(Bucket="kept")["CORSRules"] == [APP_RULE]
        answer = requests.options(
            second.endpoint_url + "/kept/k",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"},
            timeout=30,
        )
        assert answer.status_code == 200
        assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_aws_cli_round_trip_and_refusal(aws_cli: Aws, bucket: str) -> None:
    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return aws_cli("s3api", *args, "--bucket", bucket, check=False)

    rules = json.dumps({"CORSRules": [APP_RULE]})
    assert aws("put-bucket-cors", "--cors-configuration", rules).returncode == 0
    assert json.loads(aws("get-bucket-cors").stdout) == {"CORSRules": [APP_RULE]}
    bad = json.dumps({"CORSRules": [{**PUBLIC_RULE, "AllowedMethods": ["PATCH"]}]})
    refused = aws("put-bucket-cors", "--cors-configuration", bad)
    assert refused.returncode != 0
    assert (
        f"(InvalidRequest) when calling the PutBucketCors operation: {_unsupported('PATCH')}"
        in (refused.stderr)
    )
    assert json.loads(aws("get-bucket-cors").stdout) == {"CORSRules": [APP_RULE]}
