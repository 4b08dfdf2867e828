"""SigV4 and SigV2 against the published examples (AWS S3 docs, AWS SigV4 test suite)."""

from __future__ import annotations

import hmac
import io
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes3.auth import sigv2, sigv4
from fakes3.auth.accounts import make_account
from fakes3.errors import (
    AccessDenied,
    AuthorizationHeaderMalformed,
    AuthorizationQueryParametersError,
    RequestTimeTooSkewed,
    SignatureDoesNotMatch,
)
from fakes3.protocol.body import RequestBody
from fakes3.protocol.routing import parse_query

# The S3 user guide's SigV4 examples ("Examples: Signature calculations").
AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
EMPTY = sigv4.EMPTY_SHA256
HOST = "examplebucket.s3.amazonaws.com"
WHEN = "20130524T000000Z"
WHEN_EPOCH = datetime(2013, 5, 24, tzinfo=timezone.utc).timestamp()


def _header_auth(signed_headers: str, signature: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential={AKID}/20130524/us-east-1/s3/aws4_request, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


def _verify(method: str, target: str, headers: dict[str, str], signed_headers: str, sig: str):
    path, _, query = target.partition("?")
    signed = sigv4.parse_authorization(_header_auth(signed_headers, sig), headers)
    return sigv4.verify(signed, SECRET, method, path, query, headers)


def test_get_object_example() -> None:
    headers = {
        "host": HOST,
        "range": "bytes=0-9",
        "x-amz-content-sha256": EMPTY,
        "x-amz-date": WHEN,
    }
    _verify(
        "GET",
        "/test.txt",
        headers,
        "host;range;x-amz-content-sha256;x-amz-date",
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    )


def test_put_object_example_encodes_the_dollar_once() -> None:
    headers = {
        "date": "Fri, 24 May 2013 00:00:00 GMT",
        "host": HOST,
        "x-amz-date": WHEN,
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
    }
    signed = "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class"
    sig = "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
    _verify("PUT", "/test%24file.text", headers, signed, sig)
    _verify("PUT", "/test$file.text", headers, signed, sig)  # the same key, sent unencoded


def test_get_lifecycle_example_has_an_empty_query_value() -> None:
    headers = {"host": HOST, "x-amz-content-sha256": EMPTY, "x-amz-date": WHEN}
    _verify(
        "GET",
        "/?lifecycle",
        headers,
        "host;x-amz-content-sha256;x-amz-date",
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
    )


def test_list_objects_example_sorts_parameters() -> None:
    headers = {"host": HOST, "x-amz-content-sha256": EMPTY, "x-amz-date": WHEN}
    sig = "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
    signed = "host;x-amz-content-sha256;x-amz-date"
    _verify("GET", "/?max-keys=2&prefix=J", headers, signed, sig)
    _verify("GET", "/?prefix=J&max-keys=2", headers, signed, sig)


def test_presigned_example() -> None:
    query_string = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AKID}%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )
    signed = sigv4.parse_presigned(parse_query(query_string))
    assert signed.expires == 86400
    sigv4.verify(signed, SECRET, "GET", "/test.txt", query_string, {"host": HOST})
    sigv4.check_time(signed, WHEN_EPOCH + 86400)  # the last valid second
    with pytest.raises(AccessDenied) as caught:
        sigv4.check_time(signed, WHEN_EPOCH + 86401)
    assert caught.value.text == "Request has expired"
    assert caught.value.fields == {
        "X-Amz-Expires": "86400",
        "Expires": "2013-05-25T00:00:00Z",
        "ServerTime": "2013-05-25T00:00:01Z",
    }
    tampered = query_string.replace("X-Amz-Expires=86400", "X-Amz-Expires=86401")
    signed = sigv4.parse_presigned(parse_query(tampered))
    with pytest.raises(SignatureDoesNotMatch):
        sigv4.verify(signed, SECRET, "GET", "/test.txt", tampered, {"host": HOST})


# AWS SigV4 test suite (service "service", 20150830T123600Z).
SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def _suite_signature(path: str, query: str, headers: dict[str, str], names: str) -> str:
    signed = sigv4.SignedRequest(
        credential=sigv4.Credential(AKID, "20150830", "us-east-1", "service", "aws4_request"),
        amz_date="20150830T123600Z",
        signed_headers=tuple(names.split(";")),
        signature="",
        payload_hash=EMPTY,
        presigned=False,
    )
    canonical = sigv4.canonical_request("GET", path, query, headers, signed)
    to_sign = sigv4.string_to_sign(signed.amz_date, signed.credential.scope, canonical)
    key = sigv4.signing_key(SUITE_SECRET, "20150830", "us-east-1", "service")
    return sigv4.sign(key, to_sign)


SUITE_HEADERS = {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z"}


def test_suite_get_vanilla() -> None:
    signature = _suite_signature("/", "", SUITE_HEADERS, "host;x-amz-date")
    assert signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"


def test_suite_query_order_key_case() -> None:
    signature = _suite_signature(
        "/", "Param2=value2&Param1=value1", SUITE_HEADERS, "host;x-amz-date"
    )
    assert signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"


def test_suite_header_value_trim() -> None:
    headers = {**SUITE_HEADERS, "my-header1": " value1", "my-header2": ' "a   b   c"'}
    names = "host;my-header1;my-header2;x-amz-date"
    signature = _suite_signature("/", "", headers, names)
    assert signature == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"


def test_canonical_pieces() -> None:
    assert sigv4.canonical_uri("/a%20b/c+d/%E2%82%AC/~x") == "/a%20b/c%2Bd/%E2%82%AC/~x"
    assert sigv4.canonical_uri("") == "/"
    assert sigv4.canonical_uri("/a//b/") == "/a//b/"  # S3 keeps empty segments
    assert sigv4.canonical_query("b=2&a&a=1&c=x%2Fy") == "a=&a=1&b=2&c=x%2Fy"
    assert sigv4.canonical_query("X-Amz-Signature=abc&k=v", "X-Amz-Signature") == "k=v"
    assert sigv4.fold("  a \t b\n  c ") == "a b c"


def test_mismatch_carries_what_was_signed() -> None:
    headers = {"host": HOST, "x-amz-content-sha256": EMPTY, "x-amz-date": WHEN}
    with pytest.raises(SignatureDoesNotMatch) as caught:
        _verify("GET", "/test.txt", headers, "host;x-amz-content-sha256;x-amz-date", "0" * 64)
    fields = caught.value.fields
    assert list(fields) == [
        "AWSAccessKeyId",
        "StringToSign",
        "SignatureProvided",
        "StringToSignBytes",
        "CanonicalRequest",
        "CanonicalRequestBytes",
    ]
    assert fields["AWSAccessKeyId"] == AKID
    assert fields["CanonicalRequest"] == (
        f"GET\n/test.txt\n\nhost:{HOST}\nx-amz-content-sha256:{EMPTY}\nx-amz-date:{WHEN}\n\n"
        f"host;x-amz-content-sha256;x-amz-date\n{EMPTY}"
    )
    assert fields["StringToSign"].startswith(f"AWS4-HMAC-SHA256\n{WHEN}\n20130524/us-east-1/")
    assert fields["StringToSignBytes"].startswith("41 57 53 34 2d")  # "AWS4-"


def test_time_and_scope_checks() -> None:
    headers = {"host": HOST, "x-amz-content-sha256": EMPTY, "x-amz-date": WHEN}
    signed = sigv4.parse_authorization(_header_auth("host", "0" * 64), headers)
    sigv4.check_time(signed, WHEN_EPOCH + 900)
    with pytest.raises(RequestTimeTooSkewed) as caught:
        sigv4.check_time(signed, WHEN_EPOCH + 901)
    assert caught.value.fields == {
        "RequestTime": WHEN,
        "ServerTime": "2013-05-24T00:15:01Z",
        "MaxAllowedSkewMilliseconds": "900000",
    }
    sigv4.check_scope(signed, "us-east-1")
    with pytest.raises(AuthorizationHeaderMalformed) as wrong_region:
        sigv4.check_scope(signed, "eu-west-1")
    assert wrong_region.value.fields == {"Region": "eu-west-1"}
    assert "the region 'us-east-1' is wrong; expecting 'eu-west-1'" in wrong_region.value.text
    bad_date = {**headers, "x-amz-date": "2013-05-24"}
    with pytest.raises(AccessDenied, match="valid Date or x-amz-date"):
        sigv4.check_time(sigv4.parse_authorization(_header_auth("host", "0"), bad_date), 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"X-Amz-Expires": "604801"}, "must be less than a week"),
        ({"X-Amz-Expires": "-1"}, "must be non-negative"),
        ({"X-Amz-Expires": "soon"}, "should be a number"),
        ({"X-Amz-Date": "2013-05-24"}, "ISO8601 Long Format"),
        ({"X-Amz-Algorithm": "AWS4-HMAC-SHA1"}, "X-Amz-Algorithm only supports"),
        (
            {"X-Amz-Credential": "AKID/20130524/us-east-1/ec2/aws4_request"},
            'incorrect service "ec2"',
        ),
        ({"X-Amz-SignedHeaders": None}, "requires the X-Amz-Algorithm"),
        (
            {"X-Amz-Credential": "AKID/20130524//s3/aws4_request"},
            "parameter; a non-empty region must be provided in the credential.",
        ),
        ({"X-Amz-Credential": "AKID/20130524/us-east-1//aws4_request"}, "mal-formed"),
    ],
)
def test_presigned_parameter_errors(change: dict[str, str | None], message: str) -> None:
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{AKID}/20130524/us-east-1/s3/aws4_request",
        "X-Amz-Date": WHEN,
        "X-Amz-Expires": "60",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "0" * 64,
    }
    for name, value in change.items():
        if value is None:
            del query[name]
        else:
            query[name] = value
    with pytest.raises(AuthorizationQueryParametersError, match=message):
        sigv4.parse_presigned(query)


# The S3 docs' "Signed PUT request with chunked upload" example: 66560 bytes of "a".
CHUNK_HEADERS = {
    "host": "s3.amazonaws.com",
    "x-amz-date": WHEN,
    "x-amz-storage-class": "REDUCED_REDUNDANCY",
    "content-encoding": "aws-chunked",
    "x-amz-decoded-content-length": "66560",
    "content-length": "66824",
    "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
}
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
CHUNK_SIGNATURES = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
]


def _chunk_body(signatures: list[str]) -> bytes:
    sizes = [65536, 1024, 0]
    parts = [
        f"{size:x};chunk-signature={sig}\r\n".encode() + b"a" * size + b"\r\n"
        for size, sig in zip(sizes, signatures, strict=True)
    ]
    return b"".join(parts)


def _chunk_reader(body: bytes) -> RequestBody:
    signed_headers = (
        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class"
    )
    signed = sigv4.parse_authorization(_header_auth(signed_headers, SEED), CHUNK_HEADERS)
    key = sigv4.verify(signed, SECRET, "PUT", "/examplebucket/chunkObject.txt", "", CHUNK_HEADERS)
    signer = sigv4.ChunkSigner(key, signed)
    return RequestBody(io.BytesIO(body), CHUNK_HEADERS, len(body), signer)


def test_chunk_signatures_example() -> None:
    body = _chunk_body(CHUNK_SIGNATURES)
    assert len(body) == 66824
    assert _chunk_reader(body).read() == b"a" * 66560


@pytest.mark.parametrize("bad", [0, 1, 2])
def test_a_bad_chunk_signature_is_refused(bad: int) -> None:
    signatures = list(CHUNK_SIGNATURES)
    signatures[bad] = signatures[bad][::-1]
    reader = _chunk_reader(_chunk_body(signatures))
    with pytest.raises(SignatureDoesNotMatch) as caught:
        while reader.read(4096):
            pass
    assert caught.value.fields["StringToSign"].startswith("AWS4-HMAC-SHA256-PAYLOAD\n")


def test_chunks_cannot_be_swapped() -> None:
    """Same data, same signatures, but reordered: the chain breaks at the first chunk."""
    reader = _chunk_reader(
        _chunk_body([CHUNK_SIGNATURES[1], CHUNK_SIGNATURES[0], CHUNK_SIGNATURES[2]])
    )
    with pytest.raises(SignatureDoesNotMatch):
        reader.read()


def test_trailer_signature_chains_from_the_last_chunk() -> None:
    key = sigv4.signing_key(SECRET, "20130524", "us-east-1", "s3")
    signed = sigv4.SignedRequest(
        credential=sigv4.Credential(AKID, "20130524", "us-east-1", "s3", "aws4_request"),
        amz_date=WHEN,
        signed_headers=("host",),
        signature=SEED,
        payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        presigned=False,
    )
    signer = sigv4.ChunkSigner(key, signed)
    empty = bytes.fromhex(sigv4.EMPTY_SHA256)
    final = sigv4.sign(
        key,
        f"AWS4-HMAC-SHA256-PAYLOAD\n{WHEN}\n20130524/us-east-1/s3/aws4_request\n{SEED}\n"
        f"{sigv4.EMPTY_SHA256}\n{sigv4.EMPTY_SHA256}",
    )
    signer.on_chunk(empty, final)
    trailer_hash = sigv4.hashlib.sha256(b"x-amz-checksum-crc32:AAAAAA==\n").hexdigest()
    trailer_sig = sigv4.sign(
        key,
        f"AWS4-HMAC-SHA256-TRAILER\n{WHEN}\n20130524/us-east-1/s3/aws4_request\n{final}\n{trailer_hash}",
    )
    with pytest.raises(SignatureDoesNotMatch):
        sigv4.ChunkSigner(key, signed).on_trailer({"x-amz-checksum-crc32": "AAAAAA=="}, trailer_sig)
    signer.on_trailer({"x-amz-checksum-crc32": "AAAAAA=="}, trailer_sig)


# SigV2: the examples of the S3 developer guide's "Signing and authenticating REST requests".
V2 = make_account(AKID, SECRET)


def test_sigv2_get_example() -> None:
    headers = {"host": "johnsmith.s3.amazonaws.com", "date": "Tue, 27 Mar 2007 19:36:42 +0000"}
    resource = sigv2.canonical_resource("/photos/puppy.jpg", "", "johnsmith")
    to_sign = sigv2.string_to_sign("GET", headers, resource, expires=None)
    assert to_sign == "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg"
    sigv2.verify(V2, to_sign, "bWq2s1WEIj+Ydj0vQ697zp+IXMU=")
    with pytest.raises(SignatureDoesNotMatch):
        sigv2.verify(V2, to_sign.replace("GET", "PUT", 1), "bWq2s1WEIj+Ydj0vQ697zp+IXMU=")


def test_sigv2_put_example() -> None:
    headers = {"content-type": "image/jpeg", "date": "Tue, 27 Mar 2007 21:15:45 +0000"}
    resource = sigv2.canonical_resource("/johnsmith/photos/puppy.jpg", "", None)
    to_sign = sigv2.string_to_sign("PUT", headers, resource, expires=None)
    sigv2.verify(V2, to_sign, "MyyxeRY7whkBe+bq8fHCL/2kKUg=")


def test_sigv2_subresources_and_amz_headers() -> None:
    resource = sigv2.canonical_resource("/b/k", "uploadId=a%2Bb&prefix=x&acl&partNumber=2", None)
    assert resource == "/b/k?acl&partNumber=2&uploadId=a+b"
    headers = {"x-amz-meta-b": " 2 ", "x-amz-date": "Tue, 27 Mar 2007 21:15:45 +0000", "date": "x"}
    to_sign = sigv2.string_to_sign("GET", headers, "/b", expires=None)
    assert to_sign == ("GET\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:15:45 +0000\nx-amz-meta-b:2\n/b")


def test_presigned_from_the_future_is_not_valid_yet() -> None:
    signed = sigv4.parse_presigned(
        {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": f"{AKID}/20130524/us-east-1/s3/aws4_request",
            "X-Amz-Date": WHEN,
            "X-Amz-Expires": "60",
            "X-Amz-SignedHeaders": "host",
            "X-Amz-Signature": "0" * 64,
        }
    )
    sigv4.check_time(signed, WHEN_EPOCH - 900)
    with pytest.raises(AccessDenied, match="Request is not valid yet"):
        sigv4.check_time(signed, WHEN_EPOCH - 901)


def test_date_header_stands_in_for_x_amz_date() -> None:
    headers = {"host": HOST, "x-amz-content-sha256": EMPTY, "date": "Fri, 24 May 2013 00:00:00 GMT"}
    signed = sigv4.parse_authorization(_header_auth("date;host", "0" * 64), headers)
    assert signed.amz_date == WHEN
    sigv4.check_time(signed, WHEN_EPOCH)


def test_host_and_amz_headers_must_be_signed() -> None:
    headers = {"host": HOST, "x-amz-content-sha256": EMPTY, "x-amz-date": WHEN, "x-amz-meta-a": "1"}
    signed = sigv4.parse_authorization(
        _header_auth("x-amz-content-sha256;x-amz-date", "0"), headers
    )
    assert sigv4.unsigned_amz_headers(signed, headers) == ["host", "x-amz-meta-a"]


@given(key=st.binary(max_size=200), text=st.text(max_size=300))
def test_sign_is_hmac_sha256_for_any_key_and_text(key: bytes, text: str) -> None:
    """sign() keys its hashes once and copies them; it must equal the one-shot HMAC, keys
    longer than SHA-256's 64-byte block (hashed first) and empty ones included."""
    assert sigv4.sign(key, text) == hmac.digest(key, text.encode("utf-8"), "sha256").hex()


@pytest.mark.parametrize(
    ("credential", "detail"),
    [
        # AWS's words for an empty region (the AWS CLI with AWS_REGION set empty,
        # siderolabs/omni#98); libcloud's MinIO driver signs such a scope.
        ("AKID/20130524//s3/aws4_request", "a non-empty region must be provided"),
        ("AKID//us-east-1/s3/aws4_request", "the Credential is mal-formed;"),
        ("/20130524/us-east-1/s3/aws4_request", "the Credential is mal-formed;"),
        ("AKID/20130524/us-east-1/s3/", "the Credential is mal-formed;"),
    ],
)
def test_empty_credential_parts(credential: str, detail: str) -> None:
    value = f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature={'0' * 64}"
    with pytest.raises(AuthorizationHeaderMalformed) as caught:
        sigv4.parse_authorization(value, {"host": "h", "x-amz-date": WHEN})
    assert caught.value.text.startswith(f"The authorization header is malformed; {detail}")
