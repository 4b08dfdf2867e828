"""Bucket CORS in action over a live server: the preflight (``OPTIONS``), the headers of actual
requests, and a real browser fetching across origins. The configuration itself:
test_cors_config.py.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
"""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import Raw, assert_s3_error, unique_bucket_name
from botocore.client import BaseClient
from chromium import browser_fetch, origin_of, page_origin
from cors_rules import (
    APP_RULE,
    NOT_ALLOWED,
    NOT_ENABLED,
    ORIGIN,
    PUBLIC_RULE,
    VARY,
    cors_headers,
    preflight,
    put_cors,
)

from fakes3.server import Server

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
    empty = raw(
        "OPTIONS", f"/{bucket}/k", headers={"Origin": "", "Access-Control-Request-Method": "GET"}
    )
    assert assert_s3_error(empty, "BadRequest", 400)["Message"] == fields["Message"]
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
    # The request's headers are not checked, but a request method header decides the rule,
    # and so do the headers a request-headers header names (AWS: LocalStack's validated
    # test_cors_match_headers, get-non-allowed-with-acl).
    asked = {"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}
    assert cors_headers(raw("GET", f"/{bucket}/doc", headers=asked)) == {}
    named = {"Origin": ORIGIN, "Access-Control-Request-Headers": "x-amz-request-payer"}
    assert cors_headers(raw("GET", f"/{bucket}/doc", headers=named)) == {}
    allowed = {"Origin": ORIGIN, "Access-Control-Request-Headers": "x-amz-meta-a, content-type"}
    assert cors_headers(raw("GET", f"/{bucket}/doc", headers=allowed))


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
