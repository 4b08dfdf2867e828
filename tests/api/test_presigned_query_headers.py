"""Presigned URLs carrying ``x-amz-*`` parameters (an ACL, metadata): S3 takes them as the
request's headers. boto3 without ``s3v4`` presigns with SigV2 and signs them as headers; with
``s3v4`` they travel as signed query parameters. The URL alone, sent by ``requests``, must
store the object with that metadata and ACL (fakes3/auth/query_headers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
import requests
from api_helpers import assert_s3_error, unique_bucket_name
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from test_bucket_policy import Site

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    running = Site("strict", None, bucket_defaults="legacy")
    yield running
    running.stop()


def test_sigv2_presigned_put_with_acl_and_metadata(site: Site) -> None:
    """boto3's SigV2 presigner moves the x-amz-* headers into the URL and signs them as
    headers; the URL alone must work and carry them."""
    alice = site.client("alice", "alice-secret")
    name = unique_bucket_name("presign")
    alice.create_bucket(Bucket=name)
    signer = boto3.client(
        "s3",
        endpoint_url=site.url,
        aws_access_key_id="alice",
        aws_secret_access_key="alice-secret",
        region_name="us-east-1",
        config=Config(signature_version="s3"),
    )
    params = {"Bucket": name, "Key": "k", "Metadata": {"colour": "blue"}, "ACL": "public-read"}
    url = signer.generate_presigned_url("put_object", Params=params, ExpiresIn=60)
    assert "x-amz-acl=public-read" in url and "AWSAccessKeyId=alice" in url
    _check_uploaded(site, name, url)


def test_sigv4_presigned_put_with_acl_in_the_query(site: Site) -> None:
    """A SigV4 URL that signs x-amz-* as query parameters (as the Java SDK v1 made them)."""
    alice = site.client("alice", "alice-secret")
    name = unique_bucket_name("presign")
    alice.create_bucket(Bucket=name)
    request = AWSRequest("PUT", f"{site.url}/{name}/k?x-amz-acl=public-read&x-amz-meta-colour=blue")
    S3SigV4QueryAuth(Credentials("alice", "alice-secret"), "s3", "us-east-1", 60).add_auth(request)
    assert "X-Amz-SignedHeaders=host" in request.url
    _check_uploaded(site, name, request.url)


def _check_uploaded(site: Site, name: str, url: str) -> None:
    alice = site.client("alice", "alice-secret")
    assert requests.put(url, data=b"hello", timeout=10).status_code == 200
    assert alice.head_object(Bucket=name, Key="k")["Metadata"] == {"colour": "blue"}
    grants = alice.get_object_acl(Bucket=name, Key="k")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants
    assert requests.get(f"{site.url}/{name}/k", timeout=10).content == b"hello"  # anonymous
    tampered = url.replace("colour=blue", "colour=red")
    assert_s3_error(requests.put(tampered, data=b"x", timeout=10), "SignatureDoesNotMatch", 403)
    assert alice.head_object(Bucket=name, Key="k")["Metadata"] == {"colour": "blue"}
