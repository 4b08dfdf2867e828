"""Identities and signatures against a live server in each auth mode (docs/auth.md).

Real clients sign (boto3 headers and presigned URLs, SigV2, the AWS CLI's ``presign``); the
negative cases are hand-built requests that botocore signs and the test then breaks. Time
travel goes through the store's server_clock, which the server checks expiry against (skew is
checked against the wall clock: a test wanting skew signs with a shifted date).
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests
from api_helpers import assert_s3_error, error_fields, unique_bucket_name
from auth_servers import (
    ALICE,
    BOB_ID,
    V4,
    Running,
    TravelClock,
    mode_of,
    unsigned_is_anonymous,
    verifies,
)
from botocore.auth import HmacV1Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from signing import chunked_body, chunked_length, send, sign

from fakes3.auth import make_account, sigv2

# -- accounts and owners -----------------------------------------------------------------------


def test_each_account_lists_its_own_buckets(auth_server: Running, alice_bucket: str) -> None:
    alice = auth_server.client("alice", "alice-secret")
    bob = auth_server.client("bob", "bob-secret")
    assert alice_bucket in [b["Name"] for b in alice.list_buckets()["Buckets"]]
    listing = bob.list_buckets()
    if not verifies(auth_server):  # every request is the default account
        assert listing["Owner"]["DisplayName"] == "fakes3"
        return
    assert listing["Owner"] == {"ID": BOB_ID, "DisplayName": "Bob"}
    assert alice_bucket not in [b["Name"] for b in listing["Buckets"]]
    objects = alice.list_objects(Bucket=alice_bucket)["Contents"]
    assert objects[0]["Owner"] == {"ID": ALICE.canonical_id, "DisplayName": "alice"}


def test_another_accounts_bucket(auth_server: Running, alice_bucket: str) -> None:
    bob = auth_server.client("bob", "bob-secret")
    if verifies(auth_server):  # a signed second account is decided in lenient mode too
        with pytest.raises(ClientError) as caught:
            bob.get_object(Bucket=alice_bucket, Key="k")
        error = caught.value.response["Error"]
        assert error["Code"] == "AccessDenied"
        bob_id = make_account("bob", "x").account_id
        assert error["Message"] == (
            f"User: arn:aws:iam::{bob_id}:user/Bob is not authorized to perform: s3:GetObject "
            f'on resource: "arn:aws:s3:::{alice_bucket}/k" because no resource-based policy '
            "allows the s3:GetObject action"
        )
        with pytest.raises(ClientError) as copy:
            bob.copy_object(Bucket=alice_bucket, Key="c", CopySource=f"{alice_bucket}/k")
        assert copy.value.response["Error"]["Code"] == "AccessDenied"
    else:
        assert bob.get_object(Bucket=alice_bucket, Key="k")["Body"].read() == b"alice's"
    if verifies(auth_server):
        with pytest.raises(ClientError) as taken:
            bob.create_bucket(Bucket=alice_bucket)
        assert taken.value.response["Error"]["Code"] == "BucketAlreadyExists"


def test_anonymous_requests(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    response = auth_http.get(f"{auth_server.url}/{alice_bucket}/k")
    missing = auth_http.get(f"{auth_server.url}/{unique_bucket_name('none')}/k")
    if unsigned_is_anonymous(auth_server):
        assert_s3_error(response, "AccessDenied", 403)
        assert_s3_error(auth_http.get(auth_server.url + "/"), "AccessDenied", 403)
        assert_s3_error(missing, "NoSuchBucket", 404)
    else:
        assert response.content == b"alice's"


# -- SigV4 header auth: the negative cases --------------------------------------------------------


def test_unknown_access_key(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    url = f"{auth_server.url}/{alice_bucket}/k"
    response = send(auth_http, "GET", url, sign("GET", url, key="nobody", secret="x"))
    if mode_of(auth_server) == "strict":
        fields = assert_s3_error(response, "InvalidAccessKeyId", 403)
        assert fields["AWSAccessKeyId"] == "nobody"
    else:
        assert response.content == b"alice's"


def test_wrong_secret(auth_server: Running, alice_bucket: str, auth_http: requests.Session) -> None:
    url = f"{auth_server.url}/{alice_bucket}/k?response-content-type=a%2Fb&x="
    headers = sign("GET", url, key="alice", secret="wrong", headers={"Range": "bytes=0-1"})
    response = send(auth_http, "GET", url, headers)
    if not verifies(auth_server):
        assert response.content == b"al"
        return
    fields = assert_s3_error(response, "SignatureDoesNotMatch", 403)
    assert fields["AWSAccessKeyId"] == "alice"
    assert fields["SignatureProvided"] == headers["Authorization"].rpartition("=")[2]
    canonical = fields["CanonicalRequest"].split("\n")
    assert canonical[:4] == [
        "GET",
        f"/{alice_bucket}/k",
        "response-content-type=a%2Fb&x=",
        "host:" + auth_server.url.partition("//")[2],
    ]
    assert (
        bytes.fromhex(fields["CanonicalRequestBytes"].replace(" ", "")).decode()
        == fields["CanonicalRequest"]
    )
    assert fields["StringToSign"].endswith(
        hashlib.sha256(fields["CanonicalRequest"].encode()).hexdigest()
    )


@pytest.mark.parametrize(
    "spoil",
    [
        lambda value: value + ", Foo=bar",  # a fourth component
        lambda value: value + ", Signature=" + "0" * 64,  # the signature twice
        lambda value: value + "," + value,  # two Authorization headers, as they arrive joined
    ],
    ids=["unknown-component", "repeated-component", "two-headers"],
)
def test_an_authorization_header_of_other_components_is_malformed(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session, spoil: Any
) -> None:
    """Only Credential, SignedHeaders and Signature, once each (was accepted, last one won)."""
    url = f"{auth_server.url}/{alice_bucket}/spoiled"
    headers = sign("PUT", url, key="alice", secret="alice-secret", body=b"x")
    headers["Authorization"] = spoil(headers["Authorization"])
    response = send(auth_http, "PUT", url, headers, b"x")
    if mode_of(auth_server) == "off":
        assert response.status_code == 200
        return
    fields = assert_s3_error(response, "AuthorizationHeaderMalformed", 400)
    assert fields["Message"].endswith("is malformed.")
    head = auth_http.head(url, headers=sign("HEAD", url, key="alice", secret="alice-secret"))
    assert head.status_code == 404


def test_wrong_region(auth_server: Running, alice_bucket: str, auth_http: requests.Session) -> None:
    url = f"{auth_server.url}/{alice_bucket}/k"
    response = send(
        auth_http,
        "GET",
        url,
        sign("GET", url, key="alice", secret="alice-secret", region="eu-west-1"),
    )
    if not verifies(auth_server):
        assert response.status_code == 200
        return
    fields = assert_s3_error(response, "AuthorizationHeaderMalformed", 400)
    assert response.headers["x-amz-bucket-region"] == "us-east-1"
    assert fields["Region"] == "us-east-1"
    assert "the region 'eu-west-1' is wrong; expecting 'us-east-1'" in fields["Message"]


def test_empty_region(auth_server: Running, alice_bucket: str, auth_http: requests.Session) -> None:
    """A scope with no region (libcloud's MinIO driver signs one) is refused in AWS's words."""
    url = f"{auth_server.url}/{alice_bucket}/k"
    response = send(auth_http, "GET", url, sign("GET", url, key="alice", secret="x", region=""))
    if mode_of(auth_server) == "off":
        assert response.status_code == 200
        return
    fields = assert_s3_error(response, "AuthorizationHeaderMalformed", 400)
    assert fields["Message"] == (
        "The authorization header is malformed; a non-empty region must be provided in the "
        "credential."
    )


@pytest.mark.parametrize("scope", ["us-east-1", "eu-west-1", "ap-south-1"])
def test_get_bucket_location_may_be_signed_for_us_east_1(
    auth_server: Running, auth_http: requests.Session, scope: str
) -> None:
    """Clients learn a bucket's region by a GetBucketLocation signed for us-east-1 (minio-go
    always signs it so), which S3's global endpoint answers for a bucket of any region; any
    other wrong region, and any other request, is still refused with the bucket's."""
    name = unique_bucket_name("loc")
    config = {"LocationConstraint": "eu-west-1"}
    alice = auth_server.client("alice", "alice-secret")
    alice.create_bucket(Bucket=name, CreateBucketConfiguration=config)
    url = f"{auth_server.url}/{name}"
    signed = sign("GET", url + "?location", key="alice", secret="alice-secret", region=scope)
    response = send(auth_http, "GET", url + "?location", signed)
    if scope != "ap-south-1" or not verifies(auth_server):
        assert response.status_code == 200, response.text
        assert "<LocationConstraint" in response.text and "eu-west-1" in response.text
    else:
        fields = assert_s3_error(response, "AuthorizationHeaderMalformed", 400)
        assert fields["Region"] == "eu-west-1"
    listing = send(
        auth_http, "GET", url, sign("GET", url, key="alice", secret="alice-secret", region=scope)
    )
    if scope == "eu-west-1" or not verifies(auth_server):
        assert listing.status_code == 200
    else:
        assert_s3_error(listing, "AuthorizationHeaderMalformed", 400)


@pytest.mark.parametrize("signature_version", ["s3v4", "s3"])
def test_non_ascii_header_values_verify(
    auth_server: Running, alice_bucket: str, signature_version: str
) -> None:
    """SDKs sign a header's text and send it as UTF-8 (botocore's test_can_set_utf_8_headers,
    run against AWS); the server hands the bytes over as ISO-8859-1, so they were signed
    twice encoded and every such request failed SignatureDoesNotMatch. A non-breaking space
    (bytes c3 a0) is no whitespace to fold either."""
    alice = auth_server.client(
        "alice", "alice-secret", config=Config(signature_version=signature_version)
    )
    disposition = 'attachment; filename="5小時接力起跑 à.jpg";'
    alice.put_object(
        Bucket=alice_bucket,
        Key="utf8",
        Body=b"hi",
        ContentDisposition=disposition,
        ContentType="text/plain; name=é",
        Metadata={"note": "plain"},
    )
    head = alice.head_object(Bucket=alice_bucket, Key="utf8")
    # http.client reads response headers as ISO-8859-1 against S3 too: the bytes came back
    assert head["ContentDisposition"].encode("latin-1").decode() == disposition
    assert head["ContentType"].encode("latin-1").decode() == "text/plain; name=é"


def test_sdk_retries_in_the_bucket_region(auth_server: Running) -> None:
    """boto3 reads the expected region from the error (body, or header for HEAD) and re-signs."""
    name = unique_bucket_name("eu")
    config = {"LocationConstraint": "eu-west-1"}
    auth_server.client("alice", "alice-secret").create_bucket(
        Bucket=name, CreateBucketConfiguration=config
    )
    oregon = auth_server.client("alice", "alice-secret", region_name="us-west-2")
    oregon.put_object(Bucket=name, Key="k", Body=b"eu")
    assert oregon.head_object(Bucket=name, Key="k")["ContentLength"] == 2
    assert oregon.get_object(Bucket=name, Key="k")["Body"].read() == b"eu"


def signed_at(offset: float, *args: Any, **kwargs: Any) -> dict[str, str]:
    """``sign`` with a clock ``offset`` seconds off the real time (how a test gets skew)."""
    shifted = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=offset)
    with mock.patch("botocore.auth.get_current_datetime", return_value=shifted):
        return sign(*args, **kwargs)


def test_skewed_clock(
    auth_server: Running, alice_bucket: str, server_clock: TravelClock, auth_http: requests.Session
) -> None:
    url = f"{auth_server.url}/{alice_bucket}/k"
    server_clock.offset = 30 * 86400  # skew is measured on the wall clock, not the store's
    headers = signed_at(-14 * 60, "GET", url, key="alice", secret="alice-secret")
    assert send(auth_http, "GET", url, headers).status_code == 200
    headers = signed_at(-16 * 60, "GET", url, key="alice", secret="alice-secret")
    response = send(auth_http, "GET", url, headers)
    if not verifies(auth_server):
        assert response.status_code == 200
        return
    fields = assert_s3_error(response, "RequestTimeTooSkewed", 403)
    assert fields["RequestTime"] == headers["X-Amz-Date"]
    assert fields["MaxAllowedSkewMilliseconds"] == "900000"


def test_missing_or_unsigned_headers(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    url = f"{auth_server.url}/{alice_bucket}/meta"
    headers = sign(
        "PUT", url, key="alice", secret="alice-secret", headers={"x-amz-meta-a": "1"}, body=b"x"
    )
    del headers["x-amz-meta-a"]
    missing = send(auth_http, "PUT", url, headers, b"x")
    headers = sign("PUT", url, key="alice", secret="alice-secret", body=b"x")
    unsigned = send(auth_http, "PUT", url, {**headers, "x-amz-meta-b": "2"}, b"x")
    no_date = sign("GET", url, key="alice", secret="alice-secret")
    del no_date["X-Amz-Date"]
    undated = send(auth_http, "GET", url, no_date)
    if not verifies(auth_server):
        assert (missing.status_code, unsigned.status_code) == (200, 200)
        return
    assert_s3_error(missing, "SignatureDoesNotMatch", 403)
    fields = assert_s3_error(unsigned, "AccessDenied", 403)
    assert fields["HeadersNotSigned"] == "x-amz-meta-b"
    assert fields["Message"] == "There were headers present in the request which were not signed"
    assert_s3_error(undated, "AccessDenied", 403)
    assert auth_http.head(f"{auth_server.url}/{alice_bucket}/meta").status_code in (403, 404)


def test_tampered_body(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    url = f"{auth_server.url}/{alice_bucket}/tampered"
    headers = sign("PUT", url, key="alice", secret="alice-secret", body=b"good")
    response = send(auth_http, "PUT", url, headers, b"evil")
    assert_s3_error(response, "XAmzContentSHA256Mismatch", 400)


# -- streaming chunk signatures ------------------------------------------------------------------


def _streaming_put(
    auth_http: requests.Session,
    url: str,
    data: bytes,
    trailer: tuple[str, str] | None = None,
    corrupt: int | None = None,
    key: str = "alice",
) -> requests.Response:
    """A PUT with signed aws-chunked framing, 8 KiB chunks, as the Java/Go SDKs send it."""
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    headers = {
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "Content-Length": str(chunked_length(data, 8192, trailer)),
    }
    if trailer:
        headers["x-amz-trailer"] = trailer[0]
    headers = sign("PUT", url, key=key, secret="alice-secret", payload=mode, headers=headers)
    body = chunked_body(data, 8192, headers, "alice-secret", trailer, corrupt)
    return send(auth_http, "PUT", url, headers, body)


def test_chunk_signatures(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    data = os.urandom(3 * 8192 + 100)
    url = f"{auth_server.url}/{alice_bucket}/streamed"
    assert _streaming_put(auth_http, url, data).status_code == 200
    assert (
        auth_http.get(url, headers=sign("GET", url, key="alice", secret="alice-secret")).content
        == data
    )


def test_signed_trailer(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    import base64
    import zlib

    data = os.urandom(10000)
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    url = f"{auth_server.url}/{alice_bucket}/trailer"
    response = _streaming_put(auth_http, url, data, trailer=("x-amz-checksum-crc32", crc))
    assert response.status_code == 200, response.text
    assert (
        auth_http.get(url, headers=sign("GET", url, key="alice", secret="alice-secret")).content
        == data
    )


def test_chunks_signed_by_an_unknown_key(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """Lenient cannot check a stranger's chunks (no secret) and stores them as the default
    account's; strict refuses the key before reading the body."""
    url = f"{auth_server.url}/{alice_bucket}/stranger"
    response = _streaming_put(auth_http, url, os.urandom(9000), key="stranger")
    if mode_of(auth_server) == "strict":
        assert_s3_error(response, "InvalidAccessKeyId", 403)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("corrupt", [1, 4])  # a middle chunk; the final, empty one
def test_bad_chunk_signature_mid_stream_stores_nothing(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session, corrupt: int
) -> None:
    url = f"{auth_server.url}/{alice_bucket}/bad-chunk-{corrupt}"
    response = _streaming_put(auth_http, url, os.urandom(3 * 8192 + 100), corrupt=corrupt)
    head = auth_http.head(url, headers=sign("HEAD", url, key="alice", secret="alice-secret"))
    if not verifies(auth_server):
        assert response.status_code == 200
        return
    fields = assert_s3_error(response, "SignatureDoesNotMatch", 403)
    assert fields["StringToSign"].startswith("AWS4-HMAC-SHA256-PAYLOAD\n")
    # and the request's canonical request, as AWS names it (Swift's s3api tests)
    assert fields["CanonicalRequest"].startswith(f"PUT\n/{alice_bucket}/bad-chunk-{corrupt}\n")
    assert fields["CanonicalRequestBytes"].startswith("50 55 54 0a")
    assert head.status_code == 404


@pytest.mark.parametrize(
    ("rewrite", "answer"),
    [
        (lambda line: line.replace(b";", b" ; "), 200),  # spaced out
        (lambda line: line.replace(b"=", b" = ") + b" ", 200),
        (lambda line: line.split(b"=")[0] + b"=invalid", 403),  # no signature: no match
        (lambda line: line.replace(b";", b";extra=param;"), 403),  # a parameter before it
        (lambda line: line + b";extra=param", 400),  # a parameter after it: broken framing
        (lambda line: line.split(b"=")[0] + b"=", 400),  # blank
    ],
    ids=["spaced", "spaced-value", "invalid", "param-before", "param-after", "blank"],
)
def test_chunk_signature_parameters_as_s3_reads_them(
    auth_server: Running,
    alice_bucket: str,
    auth_http: requests.Session,
    rewrite: Callable[[bytes], bytes],
    answer: int,
) -> None:
    """Swift's s3api tests, written against AWS, pin how S3 reads the first chunk's header."""
    data = os.urandom(100)
    url = f"{auth_server.url}/{alice_bucket}/params"
    headers = {
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
    }
    payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    headers = sign("PUT", url, key="alice", secret="alice-secret", payload=payload, headers=headers)
    body = chunked_body(data, 8192, headers, "alice-secret")
    first, _, rest = body.partition(b"\r\n")
    body = rewrite(first) + b"\r\n" + rest
    headers["Content-Length"] = str(len(body))
    response = send(auth_http, "PUT", url, headers, body)
    if not verifies(auth_server) and answer == 403:
        answer = 400  # nothing verifies the signature, so its form is checked
    assert response.status_code == answer, response.text
    if answer == 403:
        assert error_fields(response)["Code"] == "SignatureDoesNotMatch"
    elif answer == 400:
        assert error_fields(response)["Code"] == "IncompleteBody"


def test_a_signed_payload_hash_is_checked_whatever_the_framing_says(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """A hex x-amz-content-sha256 is the hash of the body as sent: aws-chunked framing behind
    it is not decoded (it was, and the signed hash of "hello" stored "EVIL!")."""
    url = f"{auth_server.url}/{alice_bucket}/framed"
    framing = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "5"}
    headers = sign("PUT", url, key="alice", secret="alice-secret", headers=framing, body=b"hello")
    response = send(auth_http, "PUT", url, headers, b"5\r\nEVIL!\r\n0\r\n\r\n")
    assert_s3_error(response, "XAmzContentSHA256Mismatch", 400)
    head = auth_http.head(url, headers=sign("HEAD", url, key="alice", secret="alice-secret"))
    assert head.status_code == 404


def test_sigv4a_chunk_signatures_are_not_taken_unverified(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """ECDSA chunk signatures under an HMAC-signed request: fakes3 cannot check them, so it
    says so (as for SigV4a) rather than store any body."""
    url = f"{auth_server.url}/{alice_bucket}/ecdsa"
    mode = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
    body = b"5;chunk-signature=" + b"a" * 64 + b"\r\nEVIL!\r\n0;chunk-signature=" + b"b" * 64
    body += b"\r\n\r\n"
    framing = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "5"}
    headers = sign("PUT", url, key="alice", secret="alice-secret", payload=mode, headers=framing)
    response = send(auth_http, "PUT", url, headers, body)
    head = auth_http.head(url, headers=sign("HEAD", url, key="alice", secret="alice-secret"))
    if verifies(auth_server):
        assert_s3_error(response, "NotImplemented", 501)
        assert head.status_code == 404
    else:
        assert response.status_code == 200  # nothing is verified in this mode


def test_an_empty_payload_hash_is_refused(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    url = f"{auth_server.url}/{alice_bucket}/empty-hash"
    headers = sign("PUT", url, key="alice", secret="alice-secret", body=b"x", payload="")
    assert headers["X-Amz-Content-SHA256"] == ""
    response = send(auth_http, "PUT", url, headers, b"x")
    fields = assert_s3_error(response, "InvalidArgument", 400)
    assert fields["ArgumentName"] == "x-amz-content-sha256"


# -- presigned URLs ------------------------------------------------------------------------------


def test_presigned_get_and_expiry(
    auth_server: Running, alice_bucket: str, server_clock: TravelClock, auth_http: requests.Session
) -> None:
    alice = auth_server.client("alice", "alice-secret", config=V4)
    url = alice.generate_presigned_url(
        "get_object", Params={"Bucket": alice_bucket, "Key": "k"}, ExpiresIn=60
    )
    assert auth_http.get(url).content == b"alice's"
    assert "X-Amz-Expires=60" in url
    tampered = auth_http.get(url.replace("X-Amz-Expires=60", "X-Amz-Expires=61"))
    server_clock.offset = 61
    expired = auth_http.get(url)
    if mode_of(auth_server) == "off":
        assert (tampered.status_code, expired.status_code) == (200, 200)
        return
    if verifies(auth_server):
        assert_s3_error(tampered, "SignatureDoesNotMatch", 403)
    else:  # unverified: the signature is not read, the expiry is
        assert tampered.status_code == 200
    fields = assert_s3_error(expired, "AccessDenied", 403)
    assert fields["Message"] == "Request has expired"
    assert fields["X-Amz-Expires"] == "60"
    assert set(fields) >= {"Expires", "ServerTime"}


def test_presigned_expiry_is_enforced_for_unknown_keys_when_lenient(
    auth_server: Running, alice_bucket: str, server_clock: TravelClock, auth_http: requests.Session
) -> None:
    stranger = auth_server.client("stranger", "x", config=V4)
    url = stranger.generate_presigned_url(
        "get_object", Params={"Bucket": alice_bucket, "Key": "k"}, ExpiresIn=5
    )
    server_clock.offset = 10
    response = auth_http.get(url)
    expected = {
        "off": (200, None),
        "lenient": (403, "AccessDenied"),
        "unverified": (403, "AccessDenied"),
        "strict": (403, "InvalidAccessKeyId"),
    }
    status, code = expected[mode_of(auth_server)]
    assert response.status_code == status
    if code:
        assert error_fields(response)["Code"] == code


def test_presigned_expires_at_most_a_week(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    alice = auth_server.client("alice", "alice-secret", config=V4)
    url = alice.generate_presigned_url(
        "get_object", Params={"Bucket": alice_bucket, "Key": "k"}, ExpiresIn=604801
    )
    response = auth_http.get(url)
    if mode_of(auth_server) != "off":
        fields = assert_s3_error(response, "AuthorizationQueryParametersError", 400)
        assert fields["Message"] == (  # S3's words, as reported from AWS (aws-cli#5464)
            "X-Amz-Expires must be less than a week (in seconds); that is, the given "
            "X-Amz-Expires must be less than 604800 seconds"
        )


def test_presigned_expires_zero_has_expired_on_arrival(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """X-Amz-Expires=0 lasts until the signing second's instant: a request arriving after it
    has expired (ceph s3-tests' test_object_raw_get_x_amz_expires_out_range_zero)."""
    # botocore's own SigV4 query signer (its CRT signer, when installed, refuses 0).
    request = AWSRequest("GET", f"{auth_server.url}/{alice_bucket}/k")
    S3SigV4QueryAuth(Credentials("alice", "alice-secret"), "s3", "us-east-1", expires=0).add_auth(
        request
    )
    assert "X-Amz-Expires=0" in request.url
    response = auth_http.get(request.url)
    if mode_of(auth_server) == "off":
        assert response.status_code == 200
        return
    fields = assert_s3_error(response, "AccessDenied", 403)
    assert (fields["Message"], fields["X-Amz-Expires"]) == ("Request has expired", "0")


def test_presigned_request_with_a_payload_hash_header(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """A presigned request that carries and signs x-amz-content-sha256: that value, not
    UNSIGNED-PAYLOAD, is the canonical request's payload hash (botocore's query signer and
    Swift's s3api tests, written against AWS, agree), and S3 holds the body to it."""
    body = b"presigned with a hash"
    url = f"{auth_server.url}/{alice_bucket}/hashed"
    digest = hashlib.sha256(body).hexdigest()
    request = AWSRequest("PUT", url, headers={"X-Amz-Content-SHA256": digest})
    S3SigV4QueryAuth(Credentials("alice", "alice-secret"), "s3", "us-east-1").add_auth(request)
    assert "x-amz-content-sha256" in request.url
    headers = {"x-amz-content-sha256": digest}
    assert auth_http.put(request.url, data=body, headers=headers).status_code == 200
    other = auth_http.put(request.url, data=b"another body", headers=headers)
    fields = assert_s3_error(other, "XAmzContentSHA256Mismatch", 400)
    assert fields["ClientComputedContentSHA256"] == digest
    got = auth_http.get(url, headers=sign("GET", url, key="alice", secret="alice-secret"))
    assert got.content == body


def test_presigned_request_with_an_unsigned_payload_hash_header(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """A presigned URL may carry x-amz-content-sha256 without signing it (LocalStack's
    validated test_s3_ignored_special_headers: 200); another unsigned x-amz-* is still
    refused."""
    alice = auth_server.client("alice", "alice-secret", config=V4)
    url = alice.generate_presigned_url("put_object", Params={"Bucket": alice_bucket, "Key": "p"})
    put = auth_http.put(url, data=b"x", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    assert put.status_code == 200, put.text
    assert alice.get_object(Bucket=alice_bucket, Key="p")["Body"].read() == b"x"
    other = auth_http.put(url, data=b"y", headers={"x-amz-meta-extra": "1"})
    if verifies(auth_server):
        fields = assert_s3_error(other, "AccessDenied", 403)
        assert fields["HeadersNotSigned"] == "x-amz-meta-extra"


@pytest.mark.parametrize("value", ["invalid", "unsigned-payload", "STREAMING-UNSIGNED-PAYLOAD"])
def test_sigv2_payload_hash_is_a_claim_on_the_body(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session, value: str
) -> None:
    """Outside a SigV4 Authorization header, x-amz-content-sha256 names no framing: a GET
    ignores it, a PUT's body is held to it as sent (Swift's s3api tests, written against AWS;
    this answered InvalidArgument, and a STREAMING-* value decoded the body as aws-chunked)."""
    url = f"{auth_server.url}/{alice_bucket}/v2-claimed"
    headers = {"x-amz-content-sha256": value}
    get = send(auth_http, "GET", url, _sigv2_headers("GET", url, headers))
    assert get.status_code == 404, get.text  # judged as a plain GET: no such key
    put = send(auth_http, "PUT", url, _sigv2_headers("PUT", url, headers), b"body")
    fields = assert_s3_error(put, "XAmzContentSHA256Mismatch", 400)
    assert fields["ClientComputedContentSHA256"] == value
    assert fields["S3ComputedContentSHA256"] == hashlib.sha256(b"body").hexdigest()


def _sigv2_headers(method: str, url: str, extra: dict[str, str]) -> dict[str, str]:
    request = AWSRequest(method, url, headers=dict(extra))
    HmacV1Auth(Credentials("alice", "alice-secret")).add_auth(request)
    return dict(request.headers.items())


@pytest.mark.parametrize("content_type", [None, "text/csv"])
def test_presigned_put(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session, content_type: str | None
) -> None:
    alice = auth_server.client("alice", "alice-secret", config=V4)
    params = {"Bucket": alice_bucket, "Key": "up"}
    if content_type:
        params["ContentType"] = content_type
    url = alice.generate_presigned_url("put_object", Params=params, ExpiresIn=300)
    headers = {"Content-Type": content_type} if content_type else {}
    assert auth_http.put(url, data=b"uploaded", headers=headers).status_code == 200
    got = alice.get_object(Bucket=alice_bucket, Key="up")
    assert got["Body"].read() == b"uploaded"
    if content_type:
        assert got["ContentType"] == content_type
        wrong = auth_http.put(url, data=b"other", headers={"Content-Type": "image/png"})
        if verifies(auth_server):
            assert_s3_error(wrong, "SignatureDoesNotMatch", 403)
            assert alice.get_object(Bucket=alice_bucket, Key="up")["Body"].read() == b"uploaded"


def test_aws_cli_presign(
    auth_server: Running, alice_bucket: str, tmp_path: Path, auth_http: requests.Session
) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "alice",
        "AWS_SECRET_ACCESS_KEY": "alice-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        [
            "aws",
            "--endpoint-url",
            auth_server.url,
            "s3",
            "presign",
            f"s3://{alice_bucket}/k",
            "--expires-in",
            "120",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    url = result.stdout.strip()
    assert auth_http.get(url).content == b"alice's"
    if verifies(auth_server):
        assert_s3_error(
            auth_http.get(url.replace(alice_bucket + "/k", alice_bucket + "/other")),
            "SignatureDoesNotMatch",
            403,
        )


# -- SigV2 ---------------------------------------------------------------------------------------


def test_sigv2_header_and_query(
    auth_server: Running, alice_bucket: str, server_clock: TravelClock, auth_http: requests.Session
) -> None:
    v2 = Config(signature_version="s3")
    alice = auth_server.client("alice", "alice-secret", config=v2)
    alice.put_object(Bucket=alice_bucket, Key="v2 key+", Body=b"v2", ContentType="text/plain")
    assert alice.get_object(Bucket=alice_bucket, Key="v2 key+")["Body"].read() == b"v2"
    url = alice.generate_presigned_url(
        "get_object", Params={"Bucket": alice_bucket, "Key": "v2 key+"}, ExpiresIn=30
    )
    assert "AWSAccessKeyId=alice" in url
    assert auth_http.get(url).content == b"v2"
    wrong = auth_server.client("alice", "bad", config=v2)
    if not verifies(auth_server):
        wrong.get_object(Bucket=alice_bucket, Key="v2 key+")
        return
    with pytest.raises(ClientError) as caught:
        wrong.get_object(Bucket=alice_bucket, Key="v2 key+")
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert caught.value.response["Error"]["StringToSign"].endswith(f"/{alice_bucket}/v2%20key%2B")
    server_clock.offset = 31
    fields = assert_s3_error(auth_http.get(url), "AccessDenied", 403)
    assert fields["Message"] == "Request has expired"


def test_sigv2_bucket_requests_path_style(auth_server: Running) -> None:
    """Issue 15: SigV2 with path style signs ``/bucket/`` for bucket-level requests."""
    v2 = Config(signature_version="s3", s3={"addressing_style": "path"})
    alice = auth_server.client("alice", "alice-secret", config=v2)
    name = unique_bucket_name("v2")
    alice.create_bucket(Bucket=name)
    alice.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert alice.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "k", "Value": "v"}]
    assert alice.list_objects_v2(Bucket=name)["KeyCount"] == 0
    alice.delete_bucket(Bucket=name)
    if verifies(auth_server):
        wrong = auth_server.client("alice", "bad", config=v2)
        with pytest.raises(ClientError) as caught:
            wrong.create_bucket(Bucket=name)
        error = caught.value.response["Error"]
        assert error["Code"] == "SignatureDoesNotMatch"
        assert error["StringToSign"].endswith(f"\n/{name}/")


@pytest.mark.parametrize("region", ["eu-central-1", "eu-west-1"])
def test_sigv2_only_in_the_regions_that_take_it(
    auth_server: Running, auth_http: requests.Session, region: str
) -> None:
    """S3 takes SigV2 only in regions launched before 2014: elsewhere a SigV2 header,
    presigned URL or POST form is InvalidRequest (botocore's
    test_region_redirect_sigv2_to_sigv4_raises_error, run against AWS)."""
    name = unique_bucket_name("v2r")
    alice = auth_server.client("alice", "alice-secret", region_name=region)
    alice.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    alice.put_object(Bucket=name, Key="k", Body=b"v2")
    v2 = auth_server.client("alice", "alice-secret", config=Config(signature_version="s3"))
    url = v2.generate_presigned_url("get_object", Params={"Bucket": name, "Key": "k"})
    form = v2.generate_presigned_post(name, "posted")
    posted = auth_http.post(form["url"], data=form["fields"], files={"file": ("f", b"p")})
    refused = region == "eu-central-1" and verifies(auth_server)
    if not refused:
        assert v2.get_object(Bucket=name, Key="k")["Body"].read() == b"v2"
        assert auth_http.get(url).content == b"v2"
        assert posted.status_code == 204, posted.text
        return
    with pytest.raises(ClientError) as caught:
        v2.list_objects(Bucket=name)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidRequest",
        "The authorization mechanism you have provided is not supported. "
        "Please use AWS4-HMAC-SHA256.",
    )
    assert_s3_error(auth_http.get(url), "InvalidRequest", 400)
    assert_s3_error(posted, "InvalidRequest", 400)
    assert alice.list_objects_v2(Bucket=name)["KeyCount"] == 1


def test_expect_continue_refused_before_the_body(auth_server: Running, alice_bucket: str) -> None:
    """An unsigned PUT with ``Expect: 100-continue`` to a private bucket is refused at once,
    without "100 Continue": the client never sends the body (ceph s3-tests'
    test_100_continue); allowed, it gets "100 Continue" and then its answer."""
    port = int(auth_server.url.rsplit(":", 1)[1])
    request = (
        f"PUT /{alice_bucket}/anon HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), 10) as sock:
        sock.sendall(request)
        first = sock.recv(65536)
        if unsigned_is_anonymous(auth_server):
            assert first.startswith(b"HTTP/1.1 403 ")
            while more := sock.recv(65536):  # the refusal closes the connection: read to EOF
                first += more  # (its body may come in a second segment)
            assert b"<Code>AccessDenied</Code>" in first
            return
        assert first.startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(b"hello")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_sigv2_empty_amz_date_is_no_date(auth_server: Running, alice_bucket: str) -> None:
    """An empty ``x-amz-date`` is the date S3 reads (the signed Date line is then empty), so
    the request has none: AccessDenied before the signature (ceph s3-tests'
    test_object_create_bad_date_empty_aws2)."""
    alice = auth_server.client("alice", "alice-secret", config=Config(signature_version="s3"))
    alice.meta.events.register(
        "before-call.s3.PutObject", lambda **kw: kw["params"]["headers"].update({"x-amz-date": ""})
    )
    if not verifies(auth_server):
        alice.put_object(Bucket=alice_bucket, Key="dated", Body=b"x")
        return
    with pytest.raises(ClientError) as caught:
        alice.put_object(Bucket=alice_bucket, Key="dated", Body=b"x")
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "AWS authentication requires a valid Date or x-amz-date header",
    )


def test_virtual_host_style_signatures(auth_server: Running, auth_http: requests.Session) -> None:
    """SigV4 signs the path as sent; SigV2 signs /bucket/key although the bucket is in Host."""
    from botocore.auth import HmacV1Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    bucket = unique_bucket_name("vhost")
    host = f"{bucket}.localhost:{auth_server.url.rpartition(':')[2]}"
    url = f"http://{host}"
    created = auth_http.put(auth_server.url + "/", headers={**sign("PUT", url + "/"), "Host": host})
    assert created.status_code == 200, created.text
    headers = sign("PUT", url + "/a%20b", body=b"hi")
    assert auth_http.put(
        auth_server.url + "/a%20b", headers={**headers, "Host": host}, data=b"hi"
    ).ok
    request = AWSRequest(method="GET", url=url + "/a%20b")
    request.auth_path = f"/{bucket}/a%20b"
    HmacV1Auth(Credentials("test", "wrong" if mode_of(auth_server) == "off" else "test")).add_auth(
        request
    )
    got = auth_http.get(
        auth_server.url + "/a%20b", headers={**dict(request.headers.items()), "Host": host}
    )
    assert got.content == b"hi"


def test_empty_authorization_is_anonymous(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """Issue 15: an empty Authorization header is an unsigned request, not a malformed one."""
    url = f"{auth_server.url}/{alice_bucket}/k"
    empty = auth_http.put(url, data=b"x", headers={"Authorization": ""})
    unsigned = auth_http.put(url, data=b"x")
    assert empty.status_code == unsigned.status_code
    if mode_of(auth_server) == "strict":
        assert_s3_error(empty, "AccessDenied", 403)


@pytest.mark.parametrize(
    "date, code",
    [
        ("Tue, 07 Jul 1950 21:53:04 GMT", "AccessDenied"),  # before the epoch: unreadable
        ("", "AccessDenied"),
        (None, "AccessDenied"),
        ("Bad Date", "AccessDenied"),
        ("Tue, 07 Jul 2010 21:53:04 GMT", "RequestTimeTooSkewed"),
        ("Tue, 07 Jul 9999 21:53:04 GMT", "RequestTimeTooSkewed"),
    ],
)
def test_sigv2_dates(
    auth_server: Running,
    alice_bucket: str,
    auth_http: requests.Session,
    date: str | None,
    code: str,
) -> None:
    path = f"/{alice_bucket}/dated"
    headers = {} if date is None else {"Date": date}
    to_sign = sigv2.string_to_sign("PUT", {k.lower(): v for k, v in headers.items()}, path, None)
    headers["Authorization"] = "AWS alice:" + sigv2.sign("alice-secret", to_sign)
    response = auth_http.put(auth_server.url + path, data=b"x", headers=headers)
    if not verifies(auth_server):
        assert response.status_code == 200
    else:
        assert_s3_error(response, code, 403)
