"""Static website hosting over a live server: the configuration (boto3) and the website
endpoint (pages fetched with ``requests``, unsigned, by path form and by Host header).

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from api_helpers import Aws, Raw, raises_client_error
from botocore.client import BaseClient
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.website import Site, website_bucket

INDEX_ONLY = {"IndexDocument": {"Suffix": "index.html"}}
FULL = {
    "IndexDocument": {"Suffix": "index.html"},
    "ErrorDocument": {"Key": "error.html"},
    "RoutingRules": [
        {"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/"}},
        {
            "Condition": {"KeyPrefixEquals": "moved.html"},
            "Redirect": {
                "HostName": "example.com",
                "Protocol": "https",
                "ReplaceKeyWith": "there.html",
                "HttpRedirectCode": "307",
            },
        },
        {
            "Condition": {"HttpErrorCodeReturnedEquals": "404", "KeyPrefixEquals": "lost/"},
            "Redirect": {"HostName": "archive.example.com", "HttpRedirectCode": "302"},
        },
    ],
}


def page(raw: Raw, bucket: str, path: str, method: str = "GET", **kwargs: Any) -> requests.Response:
    return raw(method, f"/_fakes3/website/{bucket}{path}", **kwargs)


def html_fields(response: requests.Response) -> dict[str, str]:
    """The ``<li>Name: value</li>`` lines of S3's first error list."""
    first_list = response.text.split("</ul>")[0]
    return dict(re.findall(r"<li>([A-Za-z]+): (.*?)</li>", first_list))


def assert_html_error(response: requests.Response, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    reason = {
        400: "Bad Request",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        412: "Precondition Failed",
    }[status]
    assert response.text.startswith(
        f"<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<h1>{status} {reason}</h1>"
    )
    fields = html_fields(response)
    assert fields["Code"] == code
    assert fields["RequestId"] == response.headers["x-amz-request-id"]
    assert fields["HostId"] == response.headers["x-amz-id-2"]
    return fields


@pytest.fixture
def site(s3: BaseClient, bucket: str) -> str:
    """A bucket with the FULL website configuration and a few pages."""
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=FULL)
    for key, body in [
        ("index.html", b"<h1>home</h1>"),
        ("docs/index.html", b"<h1>docs</h1>"),
        ("docs/page.html", b"<p>page</p>"),
        ("new/x.html", b"new x"),
        ("error.html", b"<h1>oops</h1>"),
    ]:
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/html")
    return bucket


# ---- configuration ---------------------------------------------------------------------------


def test_configuration_round_trip_and_delete(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("NoSuchWebsiteConfiguration", 404):
        s3.get_bucket_website(Bucket=bucket)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=FULL)
    got = s3.get_bucket_website(Bucket=bucket)
    assert {k: got[k] for k in FULL} == FULL
    redirect = {"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}}
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=redirect)
    got = s3.get_bucket_website(Bucket=bucket)
    assert got["RedirectAllRequestsTo"] == redirect["RedirectAllRequestsTo"]
    assert "IndexDocument" not in got
    s3.delete_bucket_website(Bucket=bucket)
    with raises_client_error("NoSuchWebsiteConfiguration", 404):
        s3.get_bucket_website(Bucket=bucket)
    s3.delete_bucket_website(Bucket=bucket)  # deleting nothing succeeds, as on S3


def _rules(count: int) -> dict[str, Any]:
    rule = {"Condition": {"KeyPrefixEquals": "a/"}, "Redirect": {"ReplaceKeyPrefixWith": "b/"}}
    return {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [rule] * count}


def _rule(redirect: dict[str, str], condition: dict[str, str] | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"Redirect": redirect}
    if condition is not None:
        rule["Condition"] = condition
    return {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [rule]}


@pytest.mark.parametrize(
    "config, code, message",
    [
        (
            {"IndexDocument": {"Suffix": ""}},
            "InvalidArgument",
            "The IndexDocument Suffix is not well formed",
        ),
        (
            {"IndexDocument": {"Suffix": "pages/index.html"}},
            "InvalidArgument",
            "The IndexDocument Suffix is not well formed",
        ),
        (
            {"ErrorDocument": {"Key": "error.html"}},
            "InvalidArgument",
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
        ),
        (
            {"RedirectAllRequestsTo": {"HostName": "example.com"}, **INDEX_ONLY},
            "InvalidArgument",
            "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
        ),
        (
            {"RedirectAllRequestsTo": {"HostName": ""}},
            "InvalidRequest",
            'A host name must be provided to redirect all requests (e.g. "example.com").',
        ),
        (
            {"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "ftp"}},
            "InvalidRequest",
            "Invalid protocol, protocol can be http or https. "
            "If not defined the protocol will be selected automatically.",
        ),
        (
            _rule({"ReplaceKeyWith": "a", "ReplaceKeyPrefixWith": "b"}),
            "InvalidRequest",
            "You can only define ReplaceKeyPrefix or ReplaceKey but not both.",
        ),
        (
            _rule({"HostName": "example.com"}, condition={}),
            "InvalidRequest",
            "Condition cannot be empty. To redirect all requests without a condition, "
            "the condition element shouldn't be present.",
        ),
        (
            _rule({"HttpRedirectCode": "300"}),
            "InvalidRequest",
            "The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300.",
        ),
        (
            _rule({"HttpRedirectCode": "200"}),
            "InvalidRequest",
            "The provided HTTP redirect code (200) is not valid. Valid codes are 3XX except 300.",
        ),
        (
            _rule({"HostName": "a"}, condition={"HttpErrorCodeReturnedEquals": "302"}),
            "InvalidRequest",
            "The provided HTTP error code (302) is not valid. Valid codes are 4XX or 5XX.",
        ),
        (
            _rule({"HttpRedirectCode": "abc"}),
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our "
            "published schema",
        ),
        (
            _rule({"Protocol": "gopher"}),
            "InvalidRequest",
            "Invalid protocol, protocol can be http or https. "
            "If not defined the protocol will be selected automatically.",
        ),
        (
            _rules(51),
            "InvalidRequest",
            "The number of routing rules must not exceed 50.",
        ),
    ],
)
def test_bad_configuration_is_refused_and_keeps_the_previous_one(
    s3: BaseClient, bucket: str, config: dict[str, Any], code: str, message: str
) -> None:
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=FULL)
    with raises_client_error(code, 400) as caught:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    assert caught.value.response["Error"]["Message"] == message
    got = s3.get_bucket_website(Bucket=bucket)
    assert {k: got[k] for k in FULL} == FULL


def test_fifty_rules_are_allowed(s3: BaseClient, bucket: str) -> None:
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=_rules(50))
    assert len(s3.get_bucket_website(Bucket=bucket)["RoutingRules"]) == 50


def test_bad_suffix_names_the_argument(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.put_bucket_website(
            Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "a/b"}}
        )
    error = caught.value.response["Error"]
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("IndexDocument", "a/b")


def test_missing_bucket_is_no_such_bucket(s3: BaseClient) -> None:
    with raises_client_error("NoSuchBucket", 404):
        s3.put_bucket_website(Bucket="no-such-bucket-for-site", WebsiteConfiguration=INDEX_ONLY)
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_website(Bucket="no-such-bucket-for-site")


def test_configuration_and_site_survive_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    with Server(FakeS3(settings), port=0) as first:
        s3 = client_for(first.endpoint_url)
        s3.create_bucket(Bucket="kept")
        s3.put_bucket_website(Bucket="kept", WebsiteConfiguration=FULL)
        s3.put_object(Bucket="kept", Key="index.html", Body=b"home", ContentType="text/html")
    with Server(FakeS3(settings), port=0) as second:
        s3 = client_for(second.endpoint_url)
        got = s3.get_bucket_website(Bucket="kept")
        assert {k: got[k] for k in FULL} == FULL
        response = requests.get(f"{second.endpoint_url}/_fakes3/website/kept/", timeout=30)
        assert (response.status_code, response.content) == (200, b"home")


# ---- the website endpoint --------------------------------------------------------------------


def test_index_document_at_the_root_and_in_folders(raw: Raw, s3: BaseClient, site: str) -> None:
    for path in ("/", ""):
        response = page(raw, site, path)
        assert (response.status_code, response.content) == (200, b"<h1>home</h1>")
    response = page(raw, site, "/docs/")
    assert (response.status_code, response.content) == (200, b"<h1>docs</h1>")
    head = s3.head_object(Bucket=site, Key="docs/index.html")["ResponseMetadata"]["HTTPHeaders"]
    for name in ("content-type", "etag", "last-modified", "content-length"):
        assert response.headers[name] == head[name]
    assert "x-amz-request-id" in response.headers
    response = page(raw, site, "/docs/page.html")
    assert (response.status_code, response.content) == (200, b"<p>page</p>")


def test_folder_without_trailing_slash_redirects_302(raw: Raw, site: str) -> None:
    response = page(raw, site, "/docs")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/_fakes3/website/{site}/docs/"
    assert response.content == b""


def test_error_document_is_served_with_404(raw: Raw, site: str) -> None:
    response = page(raw, site, "/no/such/page.html")
    assert response.status_code == 404
    assert response.content == b"<h1>oops</h1>"
    assert response.headers["Content-Type"] == "text/html"
    missing_index = page(raw, site, "/nothing-here/")
    assert (missing_index.status_code, missing_index.content) == (404, b"<h1>oops</h1>")


def test_missing_error_document_gets_s3s_page(raw: Raw, s3: BaseClient, site: str) -> None:
    s3.delete_object(Bucket=site, Key="error.html")
    response = page(raw, site, "/gone.html")
    fields = assert_html_error(response, 404, "NoSuchKey")
    assert fields["Message"] == "The specified key does not exist."
    assert fields["Key"] == "gone.html"
    nested = response.text.split("</ul>")[1]
    assert "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>" in (
        nested
    )
    assert "<li>Key: error.html</li>" in nested


def test_without_error_document_a_missing_key_is_s3s_page(
    raw: Raw, s3: BaseClient, bucket: str
) -> None:
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=INDEX_ONLY)
    fields = assert_html_error(page(raw, bucket, "/a/b.html"), 404, "NoSuchKey")
    assert fields["Key"] == "a/b.html"
    response = page(raw, bucket, "/")
    assert "An Error Occurred While Attempting" not in response.text
    assert assert_html_error(response, 404, "NoSuchKey")["Key"] == "index.html"


def test_no_configuration_and_no_bucket_pages(raw: Raw, bucket: str) -> None:
    fields = assert_html_error(page(raw, bucket, "/"), 404, "NoSuchWebsiteConfiguration")
    assert fields["Message"] == "The specified bucket does not have a website configuration"
    assert fields["BucketName"] == bucket
    fields = assert_html_error(page(raw, "no-such-site-bucket", "/x"), 404, "NoSuchBucket")
    assert fields["BucketName"] == "no-such-site-bucket"


def test_object_with_redirect_location_is_301(raw: Raw, s3: BaseClient, site: str) -> None:
    s3.put_object(Bucket=site, Key="old-page.html", Body=b"", WebsiteRedirectLocation="/docs/")
    s3.put_object(
        Bucket=site, Key="away.html", Body=b"x", WebsiteRedirectLocation="https://example.org/"
    )
    response = page(raw, site, "/old-page.html")
    assert (response.status_code, response.headers["Location"]) == (301, "/docs/")
    response = page(raw, site, "/away.html", method="HEAD")
    assert (response.status_code, response.headers["Location"]) == (301, "https://example.org/")


def test_redirect_all_requests(raw: Raw, s3: BaseClient, bucket: str) -> None:
    target = {"HostName": "www.example.com", "Protocol": "https"}
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"RedirectAllRequestsTo": target})
    response = page(raw, bucket, "/a/b%20c.html")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://www.example.com/a/b%20c.html"
    s3.put_bucket_website(
        Bucket=bucket, WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": "h.example"}}
    )
    response = page(raw, bucket, "/")
    assert (response.status_code, response.headers["Location"]) == (301, "http://h.example/")


def test_routing_rule_by_prefix(raw: Raw, endpoint: str, site: str) -> None:
    response = page(raw, site, "/old/x.html")
    assert response.status_code == 301
    host = urlsplit(endpoint).netloc
    assert response.headers["Location"] == f"http://{host}/_fakes3/website/{site}/new/x.html"
    followed = requests.get(endpoint + f"/_fakes3/website/{site}/old/x.html", timeout=30)
    assert (followed.status_code, followed.content) == (200, b"new x")
    response = page(raw, site, "/moved.html")
    assert (response.status_code, response.headers["Location"]) == (
        307,
        "https://example.com/there.html",
    )


def test_routing_rule_by_error_code(raw: Raw, s3: BaseClient, site: str) -> None:
    response = page(raw, site, "/lost/thing.html")
    assert response.status_code == 302
    assert response.headers["Location"] == "http://archive.example.com/lost/thing.html"
    s3.put_object(Bucket=site, Key="lost/thing.html", Body=b"found", ContentType="text/html")
    response = page(raw, site, "/lost/thing.html")  # no error, so the rule does not apply
    assert (response.status_code, response.content) == (200, b"found")


def test_head_has_the_headers_and_no_body(raw: Raw, site: str) -> None:
    got = page(raw, site, "/docs/page.html")
    head = page(raw, site, "/docs/page.html", method="HEAD")
    assert head.status_code == 200 and head.content == b""
    for name in ("Content-Type", "ETag", "Last-Modified", "Content-Length"):
        assert head.headers[name] == got.headers[name]
    missing = page(raw, site, "/nope.html", method="HEAD")
    assert (missing.status_code, missing.content) == (404, b"")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_405(raw: Raw, site: str, method: str) -> None:
    response = page(raw, site, "/index.html", method=method, data=b"payload" * 100)
    fields = assert_html_error(response, 405, "MethodNotAllowed")
    assert (fields["Method"], fields["ResourceType"]) == (method, "OBJECT")
    assert page(raw, site, "/").content == b"<h1>home</h1>"  # the connection is still good


def test_conditional_get_and_range(raw: Raw, site: str) -> None:
    first = page(raw, site, "/docs/page.html")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    response = page(raw, site, "/docs/page.html", headers={"If-None-Match": etag})
    assert (response.status_code, response.content, response.headers["ETag"]) == (304, b"", etag)
    response = page(raw, site, "/docs/page.html", headers={"If-Modified-Since": modified})
    assert response.status_code == 304
    response = page(raw, site, "/docs/page.html", headers={"If-Match": '"nope"'})
    assert assert_html_error(response, 412, "PreconditionFailed")
    response = page(raw, site, "/docs/page.html", headers={"Range": "bytes=3-6"})
    assert (response.status_code, response.content) == (206, b"page")
    assert response.headers["Content-Range"] == "bytes 3-6/11"


@pytest.mark.parametrize(
    "host_form",
    [
        "{bucket}.s3-website.localhost:{port}",
        "{bucket}.s3-website-us-east-1.localhost",
        "{bucket}.s3-website.eu-west-1.localhost",
        "{bucket}.s3-website-us-east-1.amazonaws.com",
        "{bucket}.s3-website.eu-central-1.amazonaws.com",
    ],
)
def test_website_host_forms(endpoint: str, site: str, host_form: str) -> None:
    port = urlsplit(endpoint).port
    host = host_form.format(bucket=site, port=port)
    response = requests.get(
        endpoint + "/docs", headers={"Host": host}, allow_redirects=False, timeout=30
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/docs/")
    response = requests.get(endpoint + "/docs/", headers={"Host": host}, timeout=30)
    assert (response.status_code, response.content) == (200, b"<h1>docs</h1>")
    response = requests.get(
        endpoint + "/old/x.html", headers={"Host": host}, allow_redirects=False, timeout=30
    )
    assert response.headers["Location"] == f"http://{host}/new/x.html"


def test_rest_endpoint_and_control_paths_are_untouched(raw: Raw, s3: BaseClient, site: str) -> None:
    assert raw("GET", "/_fakes3/health").json()["status"] == "ok"
    body = s3.get_object(Bucket=site, Key="index.html")["Body"].read()
    assert body == b"<h1>home</h1>"


@pytest.mark.parametrize(
    "host, path, expected",
    [
        ("localhost:9000", "/bucket/key", None),
        ("bucket.localhost:9000", "/key", None),
        ("bucket.s3.us-east-1.amazonaws.com", "/", None),
        ("127.0.0.1:9000", "/_fakes3/health", None),
        ("127.0.0.1:9000", "/_fakes3/website/", None),
        ("b.s3-website.other.example", "/", None),
        ("b.s3-websites.localhost", "/", None),
        ("my.site.s3-website-us-west-2.localhost", "/x", Site("my.site", "/")),
        ("B.S3-Website.LocalHost:80", "/", Site("b", "/")),
        ("127.0.0.1", "/_fakes3/website/b/x", Site("b", "/_fakes3/website/b/")),
        ("127.0.0.1", "/_fakes3/website/b", Site("b", "/_fakes3/website/b")),
    ],
)
def test_website_bucket_claims_only_website_requests(
    host: str, path: str, expected: Site | None
) -> None:
    assert website_bucket(host, "localhost", path) == expected


def test_sse_c_object_is_refused(raw: Raw, server: Server, site: str) -> None:
    """S3 cannot decrypt an SSE-C object without its key, which no page request carries."""
    encrypted = {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": "bWQ1"}
    server.app.store.rewrite_object(
        site, "docs/page.html", None, lambda record: replace(record, encryption=encrypted)
    )
    response = page(raw, site, "/docs/page.html")
    fields = assert_html_error(response, 400, "InvalidRequest")
    assert fields["Message"].startswith("The object was stored using a form of Server Side")


def test_archived_object_is_refused_until_restored(raw: Raw, s3: BaseClient, site: str) -> None:
    s3.put_object(Bucket=site, Key="docs/cold.html", Body=b"cold", StorageClass="GLACIER")
    assert_html_error(page(raw, site, "/docs/cold.html"), 403, "InvalidObjectState")
    assert page(raw, site, "/docs/page.html").content == b"<p>page</p>"


def test_aws_cli_configures_and_reads_a_site(
    aws_cli: Aws, endpoint: str, s3: BaseClient, bucket: str
) -> None:
    """``aws s3 website`` (the CLI's own command) and ``s3api`` errors as S3 answers them."""

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return aws_cli(*args, check=False)

    done = aws("s3", "website", f"s3://{bucket}", "--index-document", "home.html")
    assert done.returncode == 0, done.stderr
    s3.put_object(Bucket=bucket, Key="home.html", Body=b"hi", ContentType="text/html")
    assert requests.get(f"{endpoint}/_fakes3/website/{bucket}/", timeout=30).content == b"hi"
    bad = aws(
        "s3api",
        "put-bucket-website",
        "--bucket",
        bucket,
        "--website-configuration",
        json.dumps({"IndexDocument": {"Suffix": "a/home.html"}}),
    )
    assert bad.returncode != 0
    assert "(InvalidArgument)" in bad.stderr and "Suffix is not well formed" in bad.stderr
    shown = aws("s3api", "get-bucket-website", "--bucket", bucket)
    assert json.loads(shown.stdout)["IndexDocument"] == {"Suffix": "home.html"}
