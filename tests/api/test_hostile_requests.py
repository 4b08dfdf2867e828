"""Issue 11's hostile requests, each sent as exact bytes to a real server on both backends.

Each once answered 500 (or was accepted when HTTP or S3 refuses it); each now answers as S3
does and, where it is refused, leaves the store as it was.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from wire import Reply, amz_now, exchange, request, sigv4_authorization, snapshot

BIG = "9" * 5000  # past int()'s 4300-digit limit
NON_ASCII = "é" * 32 + "ünïcödé"


def _put_body(s3: BaseClient, bucket: str, key: str = "k", body: bytes = b"0123456789") -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body)


def _error(reply: Reply, code: str, status: int) -> None:
    assert (reply.status, reply.code) == (status, code), reply.raw[:600]


# 1. Non-ASCII signatures with a known access key ----------------------------------------------


def test_sigv4_header_with_non_ascii_signature(endpoint: str, s3: BaseClient, bucket: str) -> None:
    before = snapshot(s3, bucket)
    date = amz_now()
    headers = [
        ("x-amz-date", date),
        ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ("Authorization", sigv4_authorization(NON_ASCII, date)),
        ("Content-Length", "3"),
    ]
    _error(
        exchange(endpoint, request("PUT", f"/{bucket}/k", headers, b"abc")),
        "SignatureDoesNotMatch",
        403,
    )
    assert snapshot(s3, bucket) == before


def test_sigv4_presigned_non_ascii_signature(endpoint: str, bucket: str) -> None:
    date = amz_now()
    query = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F{date[:8]}%2Fus-east-1%2Fs3"
        f"%2Faws4_request&X-Amz-Date={date}&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
        f"&X-Amz-Signature={quote(NON_ASCII)}"
    )
    reply = exchange(endpoint, request("GET", f"/{bucket}/k?{query}", []))
    _error(reply, "SignatureDoesNotMatch", 403)


def test_sigv2_header_with_non_ascii_signature(endpoint: str, bucket: str) -> None:
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())  # C locale in tests
    headers = [("Date", date), ("Authorization", f"AWS test:{NON_ASCII}")]
    _error(
        exchange(endpoint, request("GET", f"/{bucket}/k", headers)), "SignatureDoesNotMatch", 403
    )


def test_sigv2_presigned_non_ascii_signature(endpoint: str, bucket: str) -> None:
    expires = int(time.time()) + 300
    query = f"AWSAccessKeyId=test&Expires={expires}&Signature={quote(NON_ASCII)}"
    reply = exchange(endpoint, request("GET", f"/{bucket}/k?{query}", []))
    _error(reply, "SignatureDoesNotMatch", 403)


def _form(fields: dict[str, str], file: bytes = b"hello") -> tuple[str, bytes]:
    boundary = "hostileboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    )
    body = "".join(parts).encode("utf-8") + file + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def _post(endpoint: str, bucket: str, fields: dict[str, str]) -> Reply:
    content_type, body = _form(fields)
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    return exchange(endpoint, request("POST", f"/{bucket}", headers, body))


def _policy(document: object) -> str:
    return base64.b64encode(json.dumps(document).encode()).decode()


def _future() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))


@pytest.mark.parametrize("version", [2, 4])
def test_post_form_non_ascii_signature(
    endpoint: str, s3: BaseClient, bucket: str, version: int
) -> None:
    before = snapshot(s3, bucket)
    date = amz_now()
    policy = _policy(
        {"expiration": _future(), "conditions": [{"bucket": bucket}, ["starts-with", "$key", ""]]}
    )
    if version == 2:
        fields = {
            "key": "posted",
            "AWSAccessKeyId": "test",
            "policy": policy,
            "signature": NON_ASCII,
        }
    else:
        fields = {
            "key": "posted",
            "x-amz-algorithm": "AWS4-HMAC-SHA256",
            "x-amz-credential": f"test/{date[:8]}/us-east-1/s3/aws4_request",
            "x-amz-date": date,
            "policy": policy,
            "x-amz-signature": NON_ASCII,
        }
    _error(_post(endpoint, bucket, fields), "SignatureDoesNotMatch", 403)
    assert snapshot(s3, bucket) == before


# 2, 3. Presigned expiry values ----------------------------------------------------------------


@pytest.mark.parametrize("expires", ["²", "5²", "--5", "-5", "", "1e3", BIG, "٣"])
def test_x_amz_expires_that_is_no_number(endpoint: str, bucket: str, expires: str) -> None:
    date = amz_now()
    query = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F{date[:8]}%2Fus-east-1%2Fs3"
        f"%2Faws4_request&X-Amz-Date={date}&X-Amz-Expires={quote(expires)}"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + "0" * 64
    )
    reply = exchange(endpoint, request("GET", f"/{bucket}/k?{query}", []))
    _error(reply, "AuthorizationQueryParametersError", 400)


@pytest.mark.parametrize(
    ("expires", "code"),
    [
        ("²", "AccessDenied"),
        ("5²", "AccessDenied"),
        ("-5", "AccessDenied"),
        (BIG, "AccessDenied"),
        ("9223372036854775807", "SignatureDoesNotMatch"),
    ],
)
def test_sigv2_expires_that_is_no_number(
    endpoint: str, bucket: str, expires: str, code: str
) -> None:
    query = f"AWSAccessKeyId=test&Expires={quote(expires)}&Signature=AAAA"
    reply = exchange(endpoint, request("GET", f"/{bucket}/k?{query}", []))
    _error(reply, code, 403)


# 4. Numbers past int()'s limit ----------------------------------------------------------------


def test_ranges_with_thousands_of_digits(endpoint: str, s3: BaseClient, bucket: str) -> None:
    _put_body(s3, bucket)
    get = lambda value: exchange(endpoint, request("GET", f"/{bucket}/k", [("Range", value)]))  # noqa: E731
    _error(get(f"bytes={BIG}-"), "InvalidRange", 416)
    whole = get(f"bytes=0-{BIG}")
    assert (whole.status, whole.body) == (206, b"0123456789")
    suffix = get(f"bytes=-{BIG}")
    assert (suffix.status, suffix.body) == (206, b"0123456789")
    ignored = get(f"bytes=5-{BIG[:10]}x")  # not a range at all: ignored as HTTP says
    assert (ignored.status, ignored.body) == (200, b"0123456789")
    arabic = get("bytes=٣-")  # \d would have matched: S3 reads ASCII digits only
    assert (arabic.status, arabic.body) == (200, b"0123456789")


def test_copy_source_range_with_thousands_of_digits(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    _put_body(s3, bucket, "src")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    try:
        # Both numbers past int()'s 4300 digits, the header within S3's 8 KB section.
        for value in (f"bytes=0-{BIG}", f"bytes={BIG[:4400]}-{BIG[:3400]}"):
            headers = [("x-amz-copy-source", f"/{bucket}/src"), ("x-amz-copy-source-range", value)]
            target = f"/{bucket}/dst?partNumber=1&uploadId={upload}"
            _error(exchange(endpoint, request("PUT", target, headers)), "InvalidArgument", 400)
        assert "Parts" not in s3.list_parts(Bucket=bucket, Key="dst", UploadId=upload)
    finally:
        s3.abort_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload)


@pytest.mark.parametrize(
    "target",
    [
        "/{b}?list-type=2&max-keys=" + BIG,
        "/{b}?max-keys=%C2%B2",
        "/{b}/k?partNumber=" + BIG,
        "/{b}?uploads&max-uploads=" + BIG,
    ],
)
def test_query_numbers_with_thousands_of_digits(endpoint: str, bucket: str, target: str) -> None:
    reply = exchange(endpoint, request("GET", target.format(b=bucket), []))
    _error(reply, "InvalidArgument", 400)


@pytest.mark.parametrize("length", ["²", BIG[:5000], "1e3", "+5"])
def test_content_length_that_is_no_number(
    endpoint: str, s3: BaseClient, bucket: str, length: str
) -> None:
    before = snapshot(s3, bucket)
    reply = exchange(
        endpoint, request("PUT", f"/{bucket}/cl", [("Content-Length", length)], b"abc")
    )
    assert 400 <= reply.status < 500, reply.raw[:400]
    assert snapshot(s3, bucket) == before


@pytest.mark.parametrize("decoded", ["²", BIG])
def test_decoded_content_length_that_is_no_number(
    endpoint: str, s3: BaseClient, bucket: str, decoded: str
) -> None:
    before = snapshot(s3, bucket)
    body = b"3\r\nabc\r\n0\r\n\r\n"
    headers = [
        ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        ("Content-Encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", decoded),
        ("Content-Length", str(len(body))),
    ]
    reply = exchange(endpoint, request("PUT", f"/{bucket}/dcl", headers, body))
    assert 400 <= reply.status < 500 and reply.code, reply.raw[:400]
    assert snapshot(s3, bucket) == before


# 5. response-expires at the calendar's edges --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("9999-12-31T23:59:59-14:00", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ("0001-01-01T00:00:00+14:00", "Mon, 01 Jan 0001 00:00:00 GMT"),
        ("Fri, 31 Dec 9999 23:59:59 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ],
)
def test_response_expires_at_the_edges(
    endpoint: str, s3: BaseClient, bucket: str, value: str, sent: str
) -> None:
    _put_body(s3, bucket)
    reply = exchange(endpoint, request("GET", f"/{bucket}/k?response-expires={quote(value)}", []))
    assert reply.status == 200, reply.raw[:400]
    assert reply.headers["expires"] == sent


# 6, 7. POST uploads ---------------------------------------------------------------------------


def test_post_with_unusable_redirect_stores_and_answers_204(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    reply = _post(endpoint, bucket, {"key": "redirected", "success_action_redirect": "http://[::1"})
    assert reply.status == 204, reply.raw[:400]
    assert s3.get_object(Bucket=bucket, Key="redirected")["Body"].read() == b"hello"
    status = _post(
        endpoint,
        bucket,
        {"key": "r2", "success_action_redirect": "http://h:port/", "success_action_status": "201"},
    )
    assert status.status == 201, status.raw[:400]


def test_post_with_an_empty_key_is_refused(endpoint: str, s3: BaseClient, bucket: str) -> None:
    """(``${filename}`` with a nameless file part is kept as written, as on AWS:
    test_post_object.py.)"""
    before = snapshot(s3, bucket)
    content_type, body = _form({"key": ""}, b"hello")
    body = body.replace(b'filename="f.txt"', b'filename=""')
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    reply = exchange(endpoint, request("POST", f"/{bucket}", headers, body))
    _error(reply, "InvalidArgument", 400)
    assert b"User key must have a length greater than 0." in reply.raw
    assert snapshot(s3, bucket) == before


def test_post_policy_nested_too_deep(endpoint: str, s3: BaseClient, bucket: str) -> None:
    before = snapshot(s3, bucket)
    for document in (b"[" * 6000, b'{"expiration": ' + b"[" * 100 + b"]" * 100 + b"}"):
        policy = base64.b64encode(document).decode()
        # signed, so the policy is read (a signature is checked first)
        signature = base64.b64encode(hmac.digest(b"test", policy.encode(), hashlib.sha1)).decode()
        fields = {"key": "deep", "AWSAccessKeyId": "test", "policy": policy, "signature": signature}
        _error(_post(endpoint, bucket, fields), "InvalidPolicyDocument", 400)
    assert snapshot(s3, bucket) == before


# 10. Framing HTTP forbids ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ([("Content-Length", "5"), ("Content-Length", "10")], b"0123456789"),
        ([("Content-Length", "10"), ("Content-Length", "10")], b"0123456789"),
        ([("Content-Length", "5"), ("Transfer-Encoding", "chunked")], b"5\r\nhello\r\n0\r\n\r\n"),
        ([("Transfer-Encoding", "chunked"), ("Content-Length", "5")], b"5\r\nhello\r\n0\r\n\r\n"),
        ([("Host", "other"), ("Content-Length", "5")], b"hello"),
        ([("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")], b"0\r\n\r\n"),
        ([("Transfer-Encoding", "chunked, chunked")], b"5\r\nhello\r\n0\r\n\r\n"),
    ],
)
def test_ambiguous_framing_is_400_and_stores_nothing(
    endpoint: str, s3: BaseClient, bucket: str, headers: list[tuple[str, str]], body: bytes
) -> None:
    before = snapshot(s3, bucket)
    reply = exchange(endpoint, request("PUT", f"/{bucket}/smuggled", headers, body))
    _error(reply, "BadRequest", 400)
    assert reply.headers.get("connection") == "close"
    assert snapshot(s3, bucket) == before


@pytest.mark.parametrize("length", [2**63, 2**40, 5 * 2**30])
def test_an_early_refusal_of_a_huge_body_answers_and_closes(
    endpoint: str, s3: BaseClient, bucket: str, length: int
) -> None:
    """Refused before its body is read (a bad checksum header), a body announced in terabytes
    was read whole by cheroot to keep the connection: MemoryError or OverflowError, the
    connection dropped with no answer; a few GB stalled until the client gave up."""
    before = snapshot(s3, bucket)
    headers = [
        ("x-amz-checksum-crc32c", "-1"),
        ("Content-Length", str(length)),
        ("Connection", "keep-alive"),  # the client would go on: the server must close
    ]
    reply = exchange(endpoint, request("PUT", f"/{bucket}/huge", headers, b"abc"))
    _error(reply, "InvalidRequest", 400)
    assert reply.headers.get("connection") == "close"
    assert snapshot(s3, bucket) == before


@pytest.mark.parametrize("size_line", [b"1" * 70000, b"a" * 65536, b"+3"])
def test_broken_chunk_framing_is_answered_at_once(
    endpoint: str, s3: BaseClient, bucket: str, size_line: bytes
) -> None:
    """A chunk-size line that is no size (one past 64 KiB among them): the answer comes at
    once. After the first error the body was read again to drain it, and a line longer than
    the reader takes waited for bytes the client never sends."""
    before = snapshot(s3, bucket)
    headers = [("Transfer-Encoding", "chunked"), ("Connection", "keep-alive")]
    raw = request("PUT", f"/{bucket}/framed", headers, size_line + b"\r\n")
    reply = exchange(endpoint, raw, timeout=5)
    assert reply.status == 400, reply.raw[:300]
    assert reply.headers.get("connection") == "close"
    assert snapshot(s3, bucket) == before


@pytest.mark.parametrize("coding", ["CHUNKED", "Chunked"])
def test_a_transfer_coding_name_is_case_insensitive(
    endpoint: str, s3: BaseClient, bucket: str, coding: str
) -> None:
    """RFC 9112 7: ``CHUNKED`` is ``chunked`` (it was 411 MissingContentLength)."""
    headers = [("Transfer-Encoding", coding)]
    reply = exchange(
        endpoint, request("PUT", f"/{bucket}/cased", headers, b"5\r\nhello\r\n0\r\n\r\n")
    )
    assert reply.status == 200, reply.raw[:400]
    assert s3.get_object(Bucket=bucket, Key="cased")["Body"].read() == b"hello"


@pytest.mark.parametrize("version", ["HTTP/1.1", "HTTP/1.0"])
def test_a_request_without_host(endpoint: str, s3: BaseClient, bucket: str, version: str) -> None:
    """RFC 9112 3.2: an HTTP/1.1 request without Host is a 400; HTTP/1.0 had no Host."""
    before = snapshot(s3, bucket)
    raw = f"PUT /{bucket}/hostless {version}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
    reply = exchange(endpoint, raw.encode())
    if version == "HTTP/1.0":
        assert reply.status == 200, reply.raw[:400]
        return
    _error(reply, "BadRequest", 400)
    assert snapshot(s3, bucket) == before


@pytest.mark.parametrize("version", ["HTTP/2.0", "HTTP/9.9"])
def test_another_major_http_version_gets_s3s_505_document(
    endpoint: str, s3: BaseClient, bucket: str, version: str
) -> None:
    """S3 answers a request line of another major version 505 ``HttpVersionNotSupported`` with
    its XML error document (and request ids), not a server's plain text; nothing is stored."""
    before = snapshot(s3, bucket)
    raw = f"PUT /{bucket}/v2 {version}\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
    reply = exchange(endpoint, raw.encode())
    _error(reply, "HttpVersionNotSupported", 505)
    assert reply.raw.startswith(b"HTTP/1.1 505 HTTP Version Not Supported\r\n")
    assert reply.headers["content-type"] == "application/xml"
    assert reply.headers["content-length"] == str(len(reply.body))
    assert reply.headers["connection"] == "close"
    assert len(reply.headers["x-amz-request-id"]) == 16
    assert f"<RequestId>{reply.headers['x-amz-request-id']}</RequestId>".encode() in reply.body
    assert snapshot(s3, bucket) == before


def _section(raw: bytes) -> int:
    """S3's count: the header lines with their CRLFs (not the request line or the blank line
    after them) and the query string."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    request_line, _, lines = head.partition(b"\r\n")
    target = request_line.split(b" ")[1]
    return len(lines) + 2 + len(target.partition(b"?")[2])


@pytest.mark.parametrize("over", [0, 1])
def test_a_header_section_over_8_kb_is_refused_and_stores_nothing(
    endpoint: str, s3: BaseClient, bucket: str, over: int
) -> None:
    """S3 answers RequestHeaderSectionTooLarge (MaxSizeAllowed 8192) past 8 KB of header
    lines and query string, whatever the headers are, and closes the connection."""
    before = snapshot(s3, bucket)
    target = f"/{bucket}/big?x-id=PutObject"
    base = request("PUT", target, [("Content-Length", "2"), ("X-Junk", "")], b"hi")
    filler = "j" * (8192 - _section(base) + over)
    raw = request("PUT", target, [("Content-Length", "2"), ("X-Junk", filler)], b"hi")
    assert _section(raw) == 8192 + over
    reply = exchange(endpoint, raw)
    if not over:
        assert reply.status == 200, reply.raw[:400]
        return
    _error(reply, "RequestHeaderSectionTooLarge", 400)
    assert b"<MaxSizeAllowed>8192</MaxSizeAllowed>" in reply.body
    assert reply.headers["connection"] == "close"
    assert snapshot(s3, bucket) == before


def test_the_query_string_counts_toward_the_8_kb(endpoint: str, bucket: str) -> None:
    reply = exchange(endpoint, request("GET", f"/{bucket}?prefix={'p' * 8200}", []))
    _error(reply, "RequestHeaderSectionTooLarge", 400)
    short = exchange(endpoint, request("GET", f"/{bucket}?prefix={'p' * 4000}", []))
    assert short.status == 200, short.raw[:400]


@pytest.mark.parametrize("where", ["header", "request line"])
def test_a_megabyte_line_is_refused_without_being_held(endpoint: str, where: str) -> None:
    """Past 1 MiB the server stops reading (a hostile endless line) and answers the same."""
    huge = "h" * (1 << 20)
    if where == "header":
        raw = f"GET / HTTP/1.1\r\nHost: x\r\nX-Huge: {huge}\r\n\r\n".encode()
    else:
        raw = f"GET /?prefix={huge} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    reply = exchange(endpoint, raw)
    _error(reply, "RequestHeaderSectionTooLarge", 400)
    assert b"<MaxSizeAllowed>8192</MaxSizeAllowed>" in reply.body


def test_boto3_with_a_header_section_over_8_kb_gets_the_error(s3: BaseClient, bucket: str) -> None:
    def junk(request: object, **_: object) -> None:
        request.headers["X-Junk"] = "j" * 9000  # type: ignore[attr-defined]

    s3.meta.events.register("before-sign.s3.PutObject", junk)
    try:
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket=bucket, Key="junk", Body=b"x")
    finally:
        s3.meta.events.unregister("before-sign.s3.PutObject", junk)
    assert refused.value.response["Error"]["Code"] == "RequestHeaderSectionTooLarge"
    assert refused.value.response["Error"]["MaxSizeAllowed"] == "8192"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize(
    "name", ["x-amz-meta-a b", "x-amz-meta-a(b", 'x-amz-meta-a"b', "x-amz-meta-ä", "x-amz-meta-x "]
)
def test_a_header_name_that_is_no_token_is_400_and_stores_nothing(
    endpoint: str, s3: BaseClient, bucket: str, name: str
) -> None:
    """RFC 9110 5.1: a field name is a token; RFC 9112 5.1: no whitespace before the colon.
    cheroot stripped the space and turned ``ä``'s UTF-8 bytes into another name."""
    before = snapshot(s3, bucket)
    reply = exchange(endpoint, request("PUT", f"/{bucket}/named", [(name, "v")], b""))
    _error(reply, "BadRequest", 400)
    assert snapshot(s3, bucket) == before


def test_boto3_metadata_with_a_space_in_its_name_is_refused(s3: BaseClient, bucket: str) -> None:
    """botocore (through http.client) sends ``x-amz-meta-a b: v`` as it is."""
    before = snapshot(s3, bucket)
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=bucket, Key="spaced", Body=b"x", Metadata={"a b": "v"})
    assert refused.value.response["Error"]["Code"] == "BadRequest"
    assert snapshot(s3, bucket) == before


def test_every_token_character_is_a_header_name(endpoint: str, s3: BaseClient, bucket: str) -> None:
    name = "x-amz-meta-a!#$%&'*+.^_`|~9"
    raw = request("PUT", f"/{bucket}/tokens", [(name, "v"), ("Content-Length", "0")])
    reply = exchange(endpoint, raw)
    assert reply.status == 200, reply.raw[:400]
    assert s3.head_object(Bucket=bucket, Key="tokens")["Metadata"] == {name[11:]: "v"}


def test_a_folded_header_line_is_joined_with_a_space(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    """RFC 9112 5.2 lets a server replace obsolete line folding by a space; that stays so."""
    folded = [("x-amz-meta-a", "1\r\n 2"), ("Content-Length", "0")]
    raw = request("PUT", f"/{bucket}/folded", folded)
    reply = exchange(endpoint, raw)
    assert reply.status == 200, reply.raw[:400]
    assert s3.head_object(Bucket=bucket, Key="folded")["Metadata"] == {"a": "1 2"}


@pytest.mark.parametrize("fold", [b" x", b"\tx"])
def test_a_continuation_of_no_header_is_a_bad_request(
    endpoint: str, s3: BaseClient, bucket: str, fold: bytes
) -> None:
    """A folded line before any header (RFC 9112 5.2: 400) made cheroot's reader fail: a 500."""
    before = snapshot(s3, bucket)
    raw = request("PUT", f"/{bucket}/unfolded", [("Content-Length", "1")], b"X")
    line_end = raw.index(b"\r\n") + 2
    reply = exchange(endpoint, raw[:line_end] + fold + b"\r\n" + raw[line_end:])
    assert (reply.status, reply.code) == (400, "BadRequest"), reply.raw[:400]
    assert snapshot(s3, bucket) == before


def test_a_key_climbing_out_with_dot_segments_is_a_bare_400(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    """botocore keeps ``..`` in the path; S3 answers a key whose ``..`` climbs above it with
    400 and no body (the AWS CLI prints "An error occurred (400) … Bad Request"). One that
    stays inside (``a/../b``) is stored under its literal name, as S3 stores it."""
    before = snapshot(s3, bucket)
    for key in ("../y", "..", "x/../../y"):
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket=bucket, Key=key, Body=b"q")
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert refused.value.response["Error"]["Code"] == "400"  # no error document
    assert snapshot(s3, bucket) == before
    reply = exchange(endpoint, request("GET", f"/{bucket}/%2E%2E/{bucket}/x", []))
    assert (reply.status, reply.body) == (400, b"")
    assert reply.headers["x-amz-request-id"]
    for key in ("a/../b", "./z", "a/.."):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()


def test_repeated_header_values_are_joined_not_collapsed(
    endpoint: str, s3: BaseClient, bucket: str
) -> None:
    headers = [("x-amz-meta-a", "1"), ("x-amz-meta-a", " 2 "), ("Content-Length", "2")]
    reply = exchange(endpoint, request("PUT", f"/{bucket}/meta", headers, b"hi"))
    assert reply.status == 200, reply.raw[:400]
    assert s3.head_object(Bucket=bucket, Key="meta")["Metadata"] == {"a": "1,2"}


# 11. x-amz-content-sha256 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "STREAMING-FOO",
        "STREAMING-UNSIGNED-PAYLOAD",
        "UNSIGNED",
        "abc",
        "streaming-aws4-hmac-sha256-payload",
    ],
)
def test_undocumented_content_sha256_is_refused(
    endpoint: str, s3: BaseClient, bucket: str, value: str
) -> None:
    before = snapshot(s3, bucket)
    body = b"3\r\nabc\r\n0\r\n\r\n"
    headers = [
        ("x-amz-content-sha256", value),
        ("x-amz-decoded-content-length", "3"),
        ("Content-Length", str(len(body))),
    ]
    reply = exchange(endpoint, request("PUT", f"/{bucket}/sha", headers, body))
    _error(reply, "InvalidArgument", 400)
    assert snapshot(s3, bucket) == before


def test_a_signed_repeated_header_verifies(endpoint: str, s3: BaseClient, bucket: str) -> None:
    """botocore signs a repeated header as its values joined with ``,``: so must fakes3 read
    it (cheroot's own dict keeps only the last value, and the signature failed)."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = f"{endpoint}/{bucket}/signed-twice"
    request_ = AWSRequest(method="PUT", url=url, data=b"hi")
    request_.headers.add_header("x-amz-meta-a", "1")
    request_.headers.add_header("x-amz-meta-a", "2")
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request_)
    sent = [(name, value) for name, value in request_.headers.raw_items() if name != "Host"]
    assert [value for name, value in sent if name == "x-amz-meta-a"] == ["1", "2"]
    host = endpoint.split("//", 1)[1]
    lines = [f"PUT /{bucket}/signed-twice HTTP/1.1", f"Host: {host}", "Content-Length: 2"]
    lines += [f"{name}: {value}" for name, value in sent] + ["Connection: close"]
    reply = exchange(endpoint, ("\r\n".join(lines) + "\r\n\r\n").encode() + b"hi")
    assert reply.status == 200, reply.raw[:800]
    assert s3.head_object(Bucket=bucket, Key="signed-twice")["Metadata"] == {"a": "1,2"}


def test_transfer_encoding_in_http_1_0_is_400(endpoint: str, s3: BaseClient, bucket: str) -> None:
    before = snapshot(s3, bucket)
    raw = (
        f"PUT /{bucket}/old HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Content-Length: 5\r\n\r\nhello"
    ).encode()
    _error(exchange(endpoint, raw), "BadRequest", 400)
    raw = f"PUT /{bucket}/old HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    _error(exchange(endpoint, raw + b"5\r\nhello\r\n0\r\n\r\n"), "BadRequest", 400)
    assert snapshot(s3, bucket) == before


@pytest.mark.parametrize("coding", ["gzip", "gzip, chunked", "identity"])
def test_unknown_transfer_coding_is_s3s_not_implemented(
    endpoint: str, s3: BaseClient, bucket: str, coding: str
) -> None:
    before = snapshot(s3, bucket)
    headers = [("Transfer-Encoding", coding)]
    reply = exchange(endpoint, request("PUT", f"/{bucket}/tz", headers, b"5\r\nhello\r\n0\r\n\r\n"))
    _error(reply, "NotImplemented", 501)
    assert b"<Header>Transfer-Encoding</Header>" in reply.body
    assert reply.headers.get("connection") == "close"
    assert snapshot(s3, bucket) == before
