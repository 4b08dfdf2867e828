"""Body integrity: Content-MD5, x-amz-content-sha256, x-amz-checksum-*, aws-chunked over HTTP.

- PutObject headers: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
- Checksums: https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
- aws-chunked with trailers:
  https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
- Error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html

Every failing upload must leave the previous object untouched, so each test checks with a GET.
"""

from __future__ import annotations

import base64
import hashlib
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

import botocore.httpchecksum
import pytest
from api_helpers import (
    BOTO_CHECKSUMS,
    Raw,
    assert_s3_error,
    aws_chunked,
    checksum_b64,
    error_fields,
    md5_b64,
)
from botocore.client import BaseClient

ORIGINAL = b"the original body"
NEW = b"an attempted replacement body" * 10
KEY = "guarded"


@pytest.fixture
def guarded(s3: BaseClient, bucket: str) -> str:
    s3.put_object(Bucket=bucket, Key=KEY, Body=ORIGINAL)
    return bucket


def _unchanged(s3: BaseClient, bucket: str) -> None:
    got = s3.get_object(Bucket=bucket, Key=KEY)
    assert got["Body"].read() == ORIGINAL


def test_botocore_checksum_list_is_the_one_tested() -> None:
    supported = {name.upper() for name in botocore.httpchecksum._SUPPORTED_CHECKSUM_ALGORITHMS}
    assert supported == set(BOTO_CHECKSUMS)


def test_correct_content_md5_is_accepted(raw: Raw, s3: BaseClient, guarded: str) -> None:
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers={"Content-MD5": md5_b64(NEW)})
    assert response.status_code == 200
    assert s3.get_object(Bucket=guarded, Key=KEY)["Body"].read() == NEW


def test_boto3_content_md5_is_accepted(s3: BaseClient, guarded: str) -> None:
    s3.put_object(Bucket=guarded, Key=KEY, Body=NEW, ContentMD5=md5_b64(NEW))
    assert s3.get_object(Bucket=guarded, Key=KEY)["Body"].read() == NEW


def test_wrong_content_md5_is_bad_digest(raw: Raw, s3: BaseClient, guarded: str) -> None:
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers={"Content-MD5": md5_b64(b"x")})
    fields = assert_s3_error(response, "BadDigest", 400)
    # S3 reflects the digest sent in hex and names its own in base64 (Swift's s3api tests,
    # written against AWS: "AWS needs b64 in headers, but reflects back hex").
    assert fields["ExpectedDigest"] == hashlib.md5(b"x").hexdigest()
    assert fields["CalculatedDigest"] == md5_b64(NEW)
    _unchanged(s3, guarded)


@pytest.mark.parametrize(
    "value",
    ["not base64!", base64.b64encode(b"short").decode(), hashlib.md5(NEW).hexdigest()],
    ids=["garbage", "wrong-length", "hex"],
)
def test_malformed_content_md5_is_invalid_digest(
    raw: Raw, s3: BaseClient, guarded: str, value: str
) -> None:
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers={"Content-MD5": value})
    fields = assert_s3_error(response, "InvalidDigest", 400)
    # AWS's words, echoing the value (LocalStack's validated test_s3_invalid_content_md5)
    assert fields["Message"] == "The Content-MD5 you specified was invalid."
    assert fields["Content-MD5"] == value
    _unchanged(s3, guarded)


def test_content_sha256_mismatch(raw: Raw, s3: BaseClient, guarded: str) -> None:
    wrong = hashlib.sha256(b"something else").hexdigest().upper()  # echoed as sent
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers={"x-amz-content-sha256": wrong})
    fields = assert_s3_error(response, "XAmzContentSHA256Mismatch", 400)
    # Both hashes, as AWS names them (Swift's s3api tests, written against AWS).
    assert fields["ClientComputedContentSHA256"] == wrong
    assert fields["S3ComputedContentSHA256"] == hashlib.sha256(NEW).hexdigest()
    _unchanged(s3, guarded)


def test_content_sha256_match_and_unsigned_payload(raw: Raw, s3: BaseClient, guarded: str) -> None:
    right = hashlib.sha256(NEW).hexdigest()
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers={"x-amz-content-sha256": right})
    assert response.status_code == 200
    response = raw(
        "PUT", f"/{guarded}/u", data=b"u", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    )
    assert response.status_code == 200
    assert s3.get_object(Bucket=guarded, Key=KEY)["Body"].read() == NEW


@pytest.mark.parametrize("algorithm", BOTO_CHECKSUMS)
def test_boto3_checksum_algorithm_is_stored_and_returned(
    s3: BaseClient, bucket: str, algorithm: str
) -> None:
    body = b"checksummed " * 100
    expected = checksum_b64(algorithm, body)
    member = "Checksum" + algorithm
    put = s3.put_object(Bucket=bucket, Key="c", Body=body, ChecksumAlgorithm=algorithm)
    assert put[member] == expected
    sent = put["ResponseMetadata"]["HTTPHeaders"]
    assert sent[f"x-amz-checksum-{algorithm.lower()}"] == expected
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got["Body"].read() == body
    assert got[member] == expected
    assert got["ChecksumType"] == "FULL_OBJECT"
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head[member] == expected
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed["ChecksumAlgorithm"] == [algorithm]


def test_boto3_default_upload_gets_a_crc32_checksum(s3: BaseClient, bucket: str) -> None:
    """botocore's default (when_supported) sends CRC32 for PutObject; S3 keeps it."""
    put = s3.put_object(Bucket=bucket, Key="d", Body=b"default")
    assert put["ChecksumCRC32"] == checksum_b64("CRC32", b"default")


def test_upload_without_checksum_gets_crc64nvme(raw: Raw, s3: BaseClient, bucket: str) -> None:
    """S3 adds a CRC64NVME full-object checksum to objects uploaded without one."""
    assert raw("PUT", f"/{bucket}/plain", data=b"plain").status_code == 200
    head = s3.head_object(Bucket=bucket, Key="plain", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == checksum_b64("CRC64NVME", b"plain")


@pytest.mark.parametrize("algorithm", BOTO_CHECKSUMS)
def test_raw_checksum_header_accepted(
    raw: Raw, s3: BaseClient, guarded: str, algorithm: str
) -> None:
    header = {f"x-amz-checksum-{algorithm.lower()}": checksum_b64(algorithm, NEW)}
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=header)
    assert response.status_code == 200, response.text
    assert response.headers[f"x-amz-checksum-{algorithm.lower()}"] == checksum_b64(algorithm, NEW)
    assert s3.get_object(Bucket=guarded, Key=KEY)["Body"].read() == NEW


@pytest.mark.parametrize("algorithm", BOTO_CHECKSUMS)
def test_wrong_checksum_header_is_bad_digest(
    raw: Raw, s3: BaseClient, guarded: str, algorithm: str
) -> None:
    """A well-formed value of another body: BadDigest, naming the algorithm."""
    header = {f"x-amz-checksum-{algorithm.lower()}": checksum_b64(algorithm, b"other")}
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=header)
    fields = assert_s3_error(response, "BadDigest", 400)
    assert fields["Message"] == (
        f"The {algorithm} you specified did not match the calculated checksum."
    )
    _unchanged(s3, guarded)


@pytest.mark.parametrize("algorithm", BOTO_CHECKSUMS)
@pytest.mark.parametrize("value", ["%%%", "AAAA", "hex0123456789"], ids=["junk", "short", "hex"])
def test_malformed_checksum_header_is_invalid_request(
    raw: Raw, s3: BaseClient, guarded: str, algorithm: str, value: str
) -> None:
    """Not base64 of the algorithm's digest size: InvalidRequest before any byte is compared."""
    header = {f"x-amz-checksum-{algorithm.lower()}": value}
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=header)
    fields = assert_s3_error(response, "InvalidRequest", 400)
    assert fields["Message"] == f"Value for x-amz-checksum-{algorithm.lower()} header is invalid."
    _unchanged(s3, guarded)


def test_two_checksum_headers_are_invalid_request(raw: Raw, s3: BaseClient, guarded: str) -> None:
    headers = {
        "x-amz-checksum-crc32": checksum_b64("CRC32", NEW),
        "x-amz-checksum-sha256": checksum_b64("SHA256", NEW),
    }
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=headers)
    assert_s3_error(response, "InvalidRequest", 400)
    _unchanged(s3, guarded)


def test_sdk_checksum_algorithm_without_a_checksum_is_invalid_request(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    """API_PutObject.html, x-amz-sdk-checksum-algorithm: "there must be a corresponding
    x-amz-checksum-algorithm or x-amz-trailer header sent. Otherwise ... 400"."""
    headers = {"x-amz-sdk-checksum-algorithm": "CRC32"}
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=headers)
    fields = assert_s3_error(response, "InvalidRequest", 400)
    assert fields["Message"] == (
        "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or "
        "x-amz-trailer headers were found."
    )
    _unchanged(s3, guarded)


def test_sdk_checksum_algorithm_naming_another_algorithm_is_invalid(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    """A checksum of another algorithm than x-amz-sdk-checksum-algorithm names: S3 answers
    InvalidRequest (Swift's s3api tests, written against AWS), not the BadDigest that
    API_PutObject.html describes."""
    headers = {
        "x-amz-sdk-checksum-algorithm": "SHA256",
        "x-amz-checksum-crc32": checksum_b64("CRC32", NEW),
    }
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=headers)
    fields = assert_s3_error(response, "InvalidRequest", 400)
    assert fields["Message"] == "Value for x-amz-sdk-checksum-algorithm header is invalid."
    _unchanged(s3, guarded)
    headers["x-amz-sdk-checksum-algorithm"] = "crc32"  # the same algorithm, any case
    assert raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=headers).status_code == 200


@pytest.mark.parametrize("query", ["list-type=2", "", "versions", "uploads"])
def test_sdk_checksum_algorithm_on_a_listing_is_not_read(
    raw: Raw, guarded: str, query: str
) -> None:
    """The listings have no x-amz-sdk-checksum-algorithm member in S3's model (API_ListObjectsV2
    and the others carry no body to check): the header is one S3 does not read there."""
    headers = {"x-amz-sdk-checksum-algorithm": "CRC32"}
    response = raw("GET", f"/{guarded}?{query}", headers=headers)
    assert response.status_code == 200, response.text


# --- aws-chunked bodies built by hand, over plain HTTP ------------------------------------


def _chunked_headers(decoded_length: int, trailer: str | None = "x-amz-checksum-crc32") -> dict:
    headers = {
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": str(decoded_length),
    }
    if trailer:
        headers["x-amz-trailer"] = trailer
    return headers


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA256"])
def test_hand_built_aws_chunked_upload_with_trailer(
    raw: Raw, s3: BaseClient, guarded: str, algorithm: str
) -> None:
    data = bytes(range(256)) * 100  # 25600 bytes: several 8 KiB chunks
    name = f"x-amz-checksum-{algorithm.lower()}"
    body = aws_chunked(data, (name, checksum_b64(algorithm, data)))
    response = raw("PUT", f"/{guarded}/{KEY}", data=body, headers=_chunked_headers(len(data), name))
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=guarded, Key=KEY, ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["Checksum" + algorithm] == checksum_b64(algorithm, data)
    assert "ContentEncoding" not in got  # aws-chunked is framing, not a stored encoding


def test_aws_chunked_keeps_other_content_encodings(raw: Raw, s3: BaseClient, bucket: str) -> None:
    data = b"pretend this is gzip"
    headers = _chunked_headers(len(data), None)
    headers["Content-Encoding"] = "aws-chunked,gzip"
    response = raw("PUT", f"/{bucket}/enc", data=aws_chunked(data), headers=headers)
    assert response.status_code == 200, response.text
    assert s3.head_object(Bucket=bucket, Key="enc")["ContentEncoding"] == "gzip"


def test_aws_chunked_bad_trailer_checksum_is_bad_digest(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    body = aws_chunked(NEW, ("x-amz-checksum-crc32", checksum_b64("CRC32", b"not it")))
    response = raw("PUT", f"/{guarded}/{KEY}", data=body, headers=_chunked_headers(len(NEW)))
    assert_s3_error(response, "BadDigest", 400)
    _unchanged(s3, guarded)


def test_aws_chunked_malformed_trailer_checksum_is_invalid_request(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    body = aws_chunked(NEW, ("x-amz-checksum-crc32", "nope"))
    response = raw("PUT", f"/{guarded}/{KEY}", data=body, headers=_chunked_headers(len(NEW)))
    assert_s3_error(response, "InvalidRequest", 400)
    _unchanged(s3, guarded)


@pytest.mark.parametrize(
    "cut",
    [
        lambda body: body[: len(body) // 2],  # stops inside a data chunk
        lambda body: body[: body.index(b"0\r\n", len(NEW))],  # no final chunk, no trailer
        lambda body: body[: body.rindex(b"x-amz-checksum")],  # final chunk but no trailer
    ],
    ids=["mid-chunk", "no-final-chunk", "no-trailer"],
)
def test_truncated_aws_chunked_body_is_refused(
    raw: Raw, s3: BaseClient, guarded: str, cut: Callable[[bytes], bytes]
) -> None:
    body = aws_chunked(NEW, ("x-amz-checksum-crc32", checksum_b64("CRC32", NEW)))
    truncated = cut(body)
    response = raw("PUT", f"/{guarded}/{KEY}", data=truncated, headers=_chunked_headers(len(NEW)))
    assert response.status_code == 400, response.text
    # S3 says IncompleteBody for broken framing; a missing trailer is MalformedTrailerError.
    assert error_fields(response)["Code"] in ("IncompleteBody", "MalformedTrailerError")
    _unchanged(s3, guarded)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_a_checksum_in_non_canonical_base64_is_invalid(
    raw: Raw, s3: BaseClient, guarded: str, algorithm: str
) -> None:
    """The right digest with its last digit's spare bits set ("y/Q5Jh==" for "y/Q5Jg=="):
    S3 refuses the text (Swift's s3api tests, written against AWS); it was stored."""
    right = checksum_b64(algorithm, NEW)
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = right.rstrip("=")[-1]
    wrong = right.rstrip("=")[:-1] + digits[digits.index(last) + 1] + "=" * right.count("=")
    assert base64.b64decode(wrong) == base64.b64decode(right) and wrong != right
    name = f"x-amz-checksum-{algorithm.lower()}"
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers={name: wrong})
    fields = assert_s3_error(response, "InvalidRequest", 400)
    assert fields["Message"] == f"Value for {name} header is invalid."
    _unchanged(s3, guarded)


# What S3 answers, as Swift's s3api tests (test/s3api/test_input_errors.py, written against
# AWS) pin it; before, the first three stored the object.
_MULTI = "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
_UNSUPPORTED = "The value specified in the x-amz-trailer header is not supported"


@pytest.mark.parametrize(
    ("trailer", "message"),
    [
        ("x-amz-checksum-crc32", "Expecting a single x-amz-checksum- header"),
        ("x-amz-checksum-crc32c", "Expecting a single x-amz-checksum- header"),
        ("x-amz-checksum-crc32, x-amz-checksum-crc32c", _MULTI),
    ],
)
def test_a_checksum_header_and_a_trailer_is_one_too_many(
    raw: Raw, s3: BaseClient, guarded: str, trailer: str, message: str
) -> None:
    headers = {
        "x-amz-content-sha256": hashlib.sha256(NEW).hexdigest(),
        "x-amz-checksum-crc32": checksum_b64("CRC32", NEW),
        "x-amz-trailer": trailer,
    }
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=headers)
    assert assert_s3_error(response, "InvalidRequest", 400)["Message"] == message
    _unchanged(s3, guarded)


@pytest.mark.parametrize(
    ("trailer", "accepted"),
    [
        ("x-amz-checksum-crc32,", True),
        ("x-amz-checksum-crc32,,", True),
        ("x-amz-checksum-crc32, ", True),
        (", x-amz-checksum-crc32", False),
        (",x-amz-checksum-crc32", False),
        ("x-amz-checksum-crc32, ,", False),
        (", x-amz-checksum-crc32, ,", False),
    ],
)
def test_empty_items_in_x_amz_trailer(
    raw: Raw, s3: BaseClient, guarded: str, trailer: str, accepted: bool
) -> None:
    """S3 drops empty items at the end of the list and refuses any other."""
    body = aws_chunked(NEW, ("x-amz-checksum-crc32", checksum_b64("CRC32", NEW)))
    headers = _chunked_headers(len(NEW), trailer)
    response = raw("PUT", f"/{guarded}/{KEY}", data=body, headers=headers)
    if accepted:
        assert response.status_code == 200, response.text
        assert s3.get_object(Bucket=guarded, Key=KEY)["Body"].read() == NEW
    else:
        assert assert_s3_error(response, "InvalidRequest", 400)["Message"] == _UNSUPPORTED
        _unchanged(s3, guarded)


def test_a_trailer_declared_on_a_body_without_framing(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    headers = {
        "x-amz-content-sha256": hashlib.sha256(NEW).hexdigest(),
        "x-amz-sdk-checksum-algorithm": "CRC32",
        "x-amz-trailer": "x-amz-checksum-crc32",
    }
    response = raw("PUT", f"/{guarded}/{KEY}", data=NEW, headers=headers)
    assert_s3_error(response, "MalformedTrailerError", 400)
    _unchanged(s3, guarded)


def test_aws_chunked_in_http_chunks_still_needs_its_decoded_length(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    headers = _chunked_headers(len(NEW))
    del headers["x-amz-decoded-content-length"]
    body = aws_chunked(NEW, ("x-amz-checksum-crc32", checksum_b64("CRC32", NEW)))
    response = raw("PUT", f"/{guarded}/{KEY}", data=iter([body]), headers=headers)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    fields = assert_s3_error(response, "MissingContentLength", 411)
    assert fields["Message"] == "You must provide the Content-Length HTTP header."
    _unchanged(s3, guarded)


def test_aws_chunked_trailer_section_without_its_last_crlf(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    """S3 takes the body ending right after the trailer line, and ignores what follows the
    empty line; a client that omits the last CRLF uploads fine."""
    body = aws_chunked(NEW, ("x-amz-checksum-crc32", checksum_b64("CRC32", NEW)))
    for sent in (body[:-2], body + b"\r\nignored: trailer\r\n"):
        response = raw("PUT", f"/{guarded}/{KEY}", data=sent, headers=_chunked_headers(len(NEW)))
        assert response.status_code == 200, response.text
        assert s3.get_object(Bucket=guarded, Key=KEY)["Body"].read() == NEW


def test_aws_chunked_decoded_length_mismatch_is_incomplete_body(
    raw: Raw, s3: BaseClient, guarded: str
) -> None:
    body = aws_chunked(NEW, ("x-amz-checksum-crc32", checksum_b64("CRC32", NEW)))
    response = raw("PUT", f"/{guarded}/{KEY}", data=body, headers=_chunked_headers(len(NEW) + 10))
    assert_s3_error(response, "IncompleteBody", 400)
    _unchanged(s3, guarded)


def test_body_shorter_than_content_length_is_incomplete_body(
    endpoint: str, s3: BaseClient, guarded: str
) -> None:
    """The client promises 1000 bytes, sends 10 and half-closes: S3 answers 400 IncompleteBody."""
    host, port = urlsplit(endpoint).hostname, urlsplit(endpoint).port
    with socket.create_connection((host, port), timeout=10) as sock:
        head = (
            f"PUT /{guarded}/{KEY} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: 1000\r\n\r\n"
        ).encode()
        sock.sendall(head + b"0123456789")
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"400", answer[:200]
    assert b"<Code>IncompleteBody</Code>" in answer
    _unchanged(s3, guarded)
