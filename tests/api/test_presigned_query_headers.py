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


# What the AWS SDK for JavaScript v3 signs into every presigned PutObject / UploadPart URL: the
# CRC32 of the empty body it had when presigning (fakes3/auth/query_headers.py).
JS_CHECKSUM_QUERY = "x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32"


def _presigned(site: Site, method: str, url: str, headers: dict[str, str] | None = None) -> str:
    request = AWSRequest(method, url, headers=headers or {})
    S3SigV4QueryAuth(Credentials("alice", "alice-secret"), "s3", "us-east-1", 60).add_auth(request)
    return str(request.url)


def test_sigv4_checksum_parameters_are_signed_but_not_checked(site: Site) -> None:
    """S3 ignores a presigned URL's query-string checksum (the JS SDK signs the empty body's
    into every presigned upload): the upload stores the body it carries. The parameters stay
    signed: changing one is SignatureDoesNotMatch."""
    alice = site.client("alice", "alice-secret")
    name = unique_bucket_name("presign")
    alice.create_bucket(Bucket=name)
    url = _presigned(site, "PUT", f"{site.url}/{name}/k?{JS_CHECKSUM_QUERY}")
    assert "x-amz-checksum-crc32=AAAAAA" in url and "X-Amz-SignedHeaders=host" in url
    answer = requests.put(url, data=b"hello", timeout=10)
    assert answer.status_code == 200, answer.text
    assert "x-amz-checksum-crc32" not in answer.headers  # not the URL's checksum, nor CRC32
    got = alice.get_object(Bucket=name, Key="k", ChecksumMode="ENABLED")
    assert got["Body"].read() == b"hello"
    assert "ChecksumCRC32" not in got
    tampered = url.replace("AAAAAA%3D%3D", "AAAAAQ%3D%3D")
    assert_s3_error(requests.put(tampered, data=b"x", timeout=10), "SignatureDoesNotMatch", 403)
    assert alice.get_object(Bucket=name, Key="k")["Body"].read() == b"hello"


def test_sigv4_presigned_upload_part_with_the_js_checksum_parameters(site: Site) -> None:
    alice = site.client("alice", "alice-secret")
    name = unique_bucket_name("presign")
    alice.create_bucket(Bucket=name)
    upload = alice.create_multipart_upload(Bucket=name, Key="mp")["UploadId"]
    query = f"partNumber=1&uploadId={upload}&{JS_CHECKSUM_QUERY}"
    answer = requests.put(_presigned(site, "PUT", f"{site.url}/{name}/mp?{query}"), data=b"part")
    assert answer.status_code == 200, answer.text
    parts = [{"PartNumber": 1, "ETag": answer.headers["ETag"]}]
    alice.complete_multipart_upload(
        Bucket=name, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    assert alice.get_object(Bucket=name, Key="mp")["Body"].read() == b"part"


def test_a_checksum_signed_as_a_header_of_a_presigned_url_is_checked(site: Site) -> None:
    """Sent as a header (in X-Amz-SignedHeaders), a checksum is the request's: a body that does
    not match it is BadDigest, and nothing is stored."""
    alice = site.client("alice", "alice-secret")
    name = unique_bucket_name("presign")
    alice.create_bucket(Bucket=name)
    header = {"x-amz-checksum-crc32": "AAAAAA=="}
    url = _presigned(site, "PUT", f"{site.url}/{name}/k", header)
    assert "x-amz-checksum-crc32" in url.split("X-Amz-SignedHeaders=")[1].split("&")[0]
    answer = requests.put(url, data=b"hello", headers=header, timeout=10)
    assert_s3_error(answer, "BadDigest", 400)
    assert alice.list_objects_v2(Bucket=name)["KeyCount"] == 0
