"""Bucket CORS over a live server: the configuration's round trip and S3's rules for it, the
preflight (``OPTIONS``), the headers of actual requests, and a real browser.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from api_helpers import Raw, assert_s3_error, md5_b64, raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from chromium import browser_fetch, origin_of, page_origin
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

ORIGIN = "https://app.example.com"
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
    "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
    "are not whitelisted by the resource's CORS spec."
)
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
APP_RULE: dict[str, Any] = {
    "ID": "app",
    "AllowedHeaders": ["x-amz-meta-*", "Content-Type"],
    "AllowedMethods": ["GET", "PUT", "HEAD"],
    "AllowedOrigins": ["https://*.example.com"],
    "ExposeHeaders": ["ETag", "x-amz-request-id"],
    "MaxAgeSeconds": 600,
}
PUBLIC_RULE: dict[str, Any] = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}


def put_cors(s3: BaseClient, bucket: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": list(rules)})


def cors_headers(response: requests.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


def preflight(raw: Raw, path: str, method: str = "GET", **headers: str) -> requests.Response:
    sent = {"Origin": ORIGIN, "Access-Control-Request-Method": method}
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    return raw("OPTIONS", path, headers=sent)


# --- the configuration ----------------------------------------------------------------------


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


def test_aws_cli_round_trip_and_refusal(endpoint: str, bucket: str, tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "empty"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "empty"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        command = ["aws", "--endpoint-url", endpoint, "s3api", *args, "--bucket", bucket]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

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


# --- the preflight ---------------------------------------------------------------------------


def test_preflight_allowed_answers_the_first_matching_rule(
    s3: BaseClient, raw: Raw, bucket: str
) -> None:
    put_cors(s3, bucket, APP_RULE, {**PUBLIC_RULE, "AllowedMethods": ["GET", "PUT"]})
    response = preflight(
        raw,
        f"/{bucket}/no/such/key",
        "PUT",
        Access_Control_Request_Headers="X-Amz-Meta-A,content-type",
    )
    assert response.status_code == 200
    assert response.content == b""
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": ORIGIN,
        "Access-Control-Allow-Methods": "GET, PUT, HEAD",
        "Access-Control-Allow-Headers": "x-amz-meta-a, content-type",
        "Access-Control-Expose-Headers": "ETag, x-amz-request-id",
        "Access-Control-Max-Age": "600",
        "Access-Control-Allow-Credentials": "true",
        "Vary": VARY,
    }
    # A header the first rule does not allow: the second rule (any origin, no headers) does
    # not allow it either, so nothing matches.
    refused = preflight(raw, f"/{bucket}/k", "PUT", Access_Control_Request_Headers="x-custom")
    fields = assert_s3_error(refused, "AccessForbidden", 403)
    assert cors_headers(refused) == {}
    assert (fields["Message"], fields["Method"], fields["ResourceType"]) == (
        NOT_ALLOWED,
        "PUT",
        "OBJECT",
    )


def test_preflight_from_any_origin_answers_star_without_credentials(
    s3: BaseClient, raw: Raw, bucket: str
) -> None:
    put_cors(s3, bucket, PUBLIC_RULE)
    response = preflight(raw, f"/{bucket}", "GET")
    assert response.status_code == 200
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET",
        "Vary": VARY,
    }
    # No AllowedHeader: any requested header is refused.
    refused = preflight(raw, f"/{bucket}", "GET", Access_Control_Request_Headers="x-amz-date")
    fields = assert_s3_error(refused, "AccessForbidden", 403)
    assert fields["ResourceType"] == "BUCKET"


@pytest.mark.parametrize(
    "origin, allowed",
    [
        ("foo.suffix", True),
        ("foo.suffix.get", False),
        ("startend", True),
        ("start12end", True),
        ("0start12end", False),
        ("prefix", True),
        ("prefix.suffix", True),
        ("bla.prefix", False),
        ("https://www.example.com", True),
        ("http://www.example.com", False),
        ("https://www.example.com:443", False),
        ("https://www.example.com/", False),
    ],
)
def test_preflight_origin_patterns(
    s3: BaseClient, raw: Raw, bucket: str, origin: str, allowed: bool
) -> None:
    patterns = ["*suffix", "start*end", "prefix*", "https://www.example.com"]
    put_cors(s3, bucket, *({"AllowedMethods": ["GET"], "AllowedOrigins": [p]} for p in patterns))
    response = raw(
        "OPTIONS",
        f"/{bucket}/k",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
    )
    if allowed:
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == origin
    else:
        assert_s3_error(response, "AccessForbidden", 403)


def test_preflight_method_must_be_allowed(s3: BaseClient, raw: Raw, bucket: str) -> None:
    put_cors(s3, bucket, APP_RULE)
    fields = assert_s3_error(preflight(raw, f"/{bucket}/k", "DELETE"), "AccessForbidden", 403)
    assert (fields["Message"], fields["Method"]) == (NOT_ALLOWED, "DELETE")
    assert preflight(raw, f"/{bucket}/k", "HEAD").status_code == 200


def test_preflight_needs_origin_and_a_method(s3: BaseClient, raw: Raw, bucket: str) -> None:
    put_cors(s3, bucket, PUBLIC_RULE)
    fields = assert_s3_error(raw("OPTIONS", f"/{bucket}/k"), "BadRequest", 400)
    assert fields["Message"] == "Insufficient information. Origin request header needed."
    alone = raw("OPTIONS", f"/{bucket}/k", headers={"Origin": ORIGIN})
    assert assert_s3_error(alone, "BadRequest", 400)["Message"] == (
        "Invalid Access-Control-Request-Method: null"
    )
    patch = preflight(raw, f"/{bucket}/k", "PATCH")
    assert assert_s3_error(patch, "BadRequest", 400)["Message"] == (
        "Invalid Access-Control-Request-Method: PATCH"
    )


def test_preflight_without_configuration_is_not_enabled(
    s3: BaseClient, raw: Raw, bucket: str
) -> None:
    put_cors(s3, bucket, PUBLIC_RULE)
    assert preflight(raw, f"/{bucket}/k").status_code == 200
    s3.delete_bucket_cors(Bucket=bucket)
    response = preflight(raw, f"/{bucket}/k")
    fields = assert_s3_error(response, "AccessForbidden", 403)
    assert fields["Message"] == NOT_ENABLED
    assert cors_headers(response) == {}


def test_preflight_to_a_missing_bucket(raw: Raw) -> None:
    assert_s3_error(preflight(raw, f"/{unique_bucket_name('cors')}/k"), "NoSuchBucket", 404)


# --- actual requests ------------------------------------------------------------------------


def test_actual_requests_with_origin_get_the_headers(s3: BaseClient, raw: Raw, bucket: str) -> None:
    put_cors(s3, bucket, APP_RULE)
    expected = {
        "Access-Control-Allow-Origin": ORIGIN,
        "Access-Control-Allow-Methods": "GET, PUT, HEAD",
        "Access-Control-Expose-Headers": "ETag, x-amz-request-id",
        "Access-Control-Max-Age": "600",
        "Access-Control-Allow-Credentials": "true",
        "Vary": VARY,
    }
    put = raw("PUT", f"/{bucket}/doc", data=b"hello", headers={"Origin": ORIGIN})
    assert put.status_code == 200
    assert cors_headers(put) == expected
    get = raw("GET", f"/{bucket}/doc", headers={"Origin": ORIGIN})
    assert (get.status_code, get.content) == (200, b"hello")
    assert cors_headers(get) == expected
    head = raw("HEAD", f"/{bucket}/doc", headers={"Origin": ORIGIN})
    assert head.status_code == 200
    assert cors_headers(head) == expected
    listing = raw("GET", f"/{bucket}", headers={"Origin": ORIGIN})
    assert listing.status_code == 200
    assert cors_headers(listing) == expected
    # Errors carry them too, as S3 sends them.
    missing = raw("GET", f"/{bucket}/nothing", headers={"Origin": ORIGIN})
    assert_s3_error(missing, "NoSuchKey", 404)
    assert cors_headers(missing) == expected


def test_actual_requests_without_a_match_get_no_headers(
    s3: BaseClient, raw: Raw, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="doc", Body=b"hello")
    assert cors_headers(raw("GET", f"/{bucket}/doc", headers={"Origin": ORIGIN})) == {}
    put_cors(s3, bucket, APP_RULE)
    assert cors_headers(raw("GET", f"/{bucket}/doc")) == {}  # no Origin
    other = raw("GET", f"/{bucket}/doc", headers={"Origin": "https://example.org"})
    assert (other.status_code, cors_headers(other)) == (200, {})
    delete = raw("DELETE", f"/{bucket}/gone", headers={"Origin": ORIGIN})  # DELETE not allowed
    assert (delete.status_code, cors_headers(delete)) == (204, {})
    # The request's headers are not checked, but a request method header decides the rule.
    asked = {"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}
    assert cors_headers(raw("GET", f"/{bucket}/doc", headers=asked)) == {}


def test_actual_request_from_any_origin(s3: BaseClient, raw: Raw, bucket: str) -> None:
    put_cors(s3, bucket, PUBLIC_RULE)
    s3.put_object(Bucket=bucket, Key="doc", Body=b"hello")
    response = raw("GET", f"/{bucket}/doc", headers={"Origin": "http://anything.test:8080"})
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET",
        "Vary": VARY,
    }


# --- a real browser ---------------------------------------------------------------------------


def _preflights(server: Server, bucket: str) -> list[tuple[str, int]]:
    journal = server.app.journal  # type: ignore[attr-defined]
    return [
        (entry.all_headers.get("origin", ""), entry.status)
        for entry in journal
        if entry.method == "OPTIONS" and entry.bucket == bucket
    ]


def test_browser_fetch_is_allowed_by_a_matching_rule(
    s3: BaseClient, server: Server, endpoint: str, bucket: str, tmp_path: Path
) -> None:
    s3.put_object(Bucket=bucket, Key="greeting.txt", Body=b"hello from fakes3")
    with page_origin() as pages:
        origin = origin_of(pages)
        rule = {"AllowedMethods": ["GET"], "AllowedOrigins": [origin], "AllowedHeaders": ["x-*"]}
        put_cors(s3, bucket, rule)
        outcome = browser_fetch(
            pages, f"{endpoint}/{bucket}/greeting.txt", tmp_path / "profile", x_probe="1"
        )
    assert outcome == "ok 200 hello from fakes3"
    assert _preflights(server, bucket) == [(origin, 200)]  # the browser asked first


@pytest.mark.parametrize("configured", [False, True], ids=["no-configuration", "other-origin"])
def test_browser_fetch_is_blocked_without_a_matching_rule(
    s3: BaseClient,
    server: Server,
    endpoint: str,
    bucket: str,
    tmp_path: Path,
    configured: bool,
) -> None:
    s3.put_object(Bucket=bucket, Key="greeting.txt", Body=b"hello from fakes3")
    if configured:
        put_cors(s3, bucket, {**PUBLIC_RULE, "AllowedOrigins": ["https://elsewhere.test"]})
    with page_origin() as pages:
        outcome = browser_fetch(
            pages, f"{endpoint}/{bucket}/greeting.txt", tmp_path / "profile", x_probe="1"
        )
        origin = origin_of(pages)
    assert outcome == "blocked TypeError"
    assert _preflights(server, bucket) == [(origin, 403)]
