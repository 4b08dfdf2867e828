"""The bad-input corpus: requests S3 refuses, each with the error code S3 answers.

Every case targets the bucket ``{b}`` (which holds ``existing``, 10 bytes) or names buckets
that must not come to exist. ``code`` None means an answer below 400 is right (S3 ignores the
bad part, e.g. an unreadable ``If-Modified-Since``). The runner is test_bad_input_corpus.py.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from urllib.parse import quote

BIG = "9" * 5000


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    target: str  # with {b} for the bucket
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    code: str | None = None
    status: int | None = None  # checked when given
    cut: bool = False  # the body stops short: our side closes after sending
    length: bool = True  # add a Content-Length for the body
    tags: tuple[str, ...] = field(default=())


def _md5(body: bytes) -> tuple[str, str]:
    import hashlib

    return ("Content-MD5", base64.b64encode(hashlib.md5(body).digest()).decode())


def _date() -> str:
    """Filled in when the case runs (``{date}``), so a long run never makes it stale."""
    return "{date}"


def now_fields() -> dict[str, str]:
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return {"date": date, "day": date[:8]}


def _v4(signature: str = "0" * 64, date: str | None = None, components: str | None = None) -> str:
    date = date or _date()
    if components is None:
        components = (
            "Credential=test/{day}/us-east-1/s3/aws4_request, "
            f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}"
        )
    return f"AWS4-HMAC-SHA256 {components}"


def _presigned(**overrides: str) -> str:
    date = _date()
    params = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "test/{day}/us-east-1/s3/aws4_request",
        "X-Amz-Date": date,
        "X-Amz-Expires": "300",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "0" * 64,
    }
    params.update(overrides)
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items() if v != "-")
    return query.replace("%7Bdate%7D", "{date}").replace("%7Bday%7D", "{day}")


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><Tagging><TagSet><Tag><Key>k</Key><Value>&lol9;</Value></Tag></TagSet></Tagging>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<Tagging><TagSet><Tag><Key>k</Key><Value>&e;</Value></Tag></TagSet></Tagging>"
)
TAGS = b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"
HUGE_XML = (
    b"<Tagging><TagSet>"
    + b"<Tag><Key>k</Key><Value>v</Value></Tag>" * 110000
    + b"</TagSet></Tagging>"
)
DELETE_CUT = b"<Delete><Object><Key>existing</Key></Object>"
UNSIGNED_TRAILER = ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
AWS_CHUNKED = ("Content-Encoding", "aws-chunked")


def _chunked(decoded: str, body: bytes, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (UNSIGNED_TRAILER, AWS_CHUNKED, ("x-amz-decoded-content-length", decoded), *extra)


CASES: list[Case] = [
    # -- malformed XML, bombs, entities, oversized ------------------------------------------
    Case(
        "xml-truncated",
        "PUT",
        "/{b}?tagging",
        (_md5(b"<Tagging><TagSet>"),),
        b"<Tagging><TagSet>",
        "MalformedXML",
    ),
    Case(
        "xml-not-xml",
        "PUT",
        "/{b}?tagging",
        (_md5(b"not xml at all"),),
        b"not xml at all",
        "MalformedXML",
    ),
    Case("xml-wrong-root", "PUT", "/{b}?tagging", (_md5(b"<Nope/>"),), b"<Nope/>", "MalformedXML"),
    Case(
        "xml-not-utf8",
        "PUT",
        "/{b}?tagging",
        (_md5(b"<Tagging>\xff\xfe</Tagging>"),),
        b"<Tagging>\xff\xfe</Tagging>",
        "MalformedXML",
    ),
    Case("xml-billion-laughs", "PUT", "/{b}?tagging", (_md5(BOMB),), BOMB, "MalformedXML"),
    Case("xml-external-entity", "PUT", "/{b}?tagging", (_md5(XXE),), XXE, "MalformedXML"),
    Case(
        "xml-oversized",
        "PUT",
        "/{b}?tagging",
        (_md5(HUGE_XML),),
        HUGE_XML,
        "MaxMessageLengthExceeded",
    ),
    Case(
        "xml-object-tagging-truncated",
        "PUT",
        "/{b}/existing?tagging",
        (_md5(b"<Tagging>"),),
        b"<Tagging>",
        "MalformedXML",
    ),
    Case(
        "xml-delete-truncated",
        "POST",
        "/{b}?delete",
        (_md5(DELETE_CUT),),
        DELETE_CUT,
        "MalformedXML",
    ),
    Case(
        "xml-versioning-bad-status",
        "PUT",
        "/{b}?versioning",
        (_md5(b"<VersioningConfiguration><Status>On</Status></VersioningConfiguration>"),),
        b"<VersioningConfiguration><Status>On</Status></VersioningConfiguration>",
        "MalformedXML",
    ),
    Case(
        "xml-cors-deep", "PUT", "/{b}?cors", (_md5(b"<a>" * 5000),), b"<a>" * 5000, "MalformedXML"
    ),
    Case("xml-cors-entity", "PUT", "/{b}?cors", (_md5(XXE),), XXE, "MalformedXML"),
    Case(
        "xml-complete-garbage",
        "POST",
        "/{b}/existing?uploadId=nope",
        body=b"<<<",
        code="MalformedXML",  # the body is read before the upload is looked up
    ),
    # -- bad and duplicate headers -----------------------------------------------------------
    Case("md5-not-base64", "PUT", "/{b}/x", (("Content-MD5", "!!!"),), b"abc", "InvalidDigest"),
    Case("md5-wrong", "PUT", "/{b}/x", (_md5(b"other"),), b"abc", "BadDigest"),
    Case(
        "checksum-not-base64",
        "PUT",
        "/{b}/x",
        (("x-amz-checksum-crc32", "!!!!"),),
        b"abc",
        "InvalidRequest",
    ),
    Case(
        "checksum-wrong",
        "PUT",
        "/{b}/x",
        (("x-amz-checksum-crc32", "AAAAAA=="),),
        b"abc",
        "BadDigest",
    ),
    Case(
        "sha256-wrong",
        "PUT",
        "/{b}/x",
        (("x-amz-content-sha256", "0" * 64),),
        b"abc",
        "XAmzContentSHA256Mismatch",
    ),
    Case(
        "sha256-undocumented",
        "PUT",
        "/{b}/x",
        (("x-amz-content-sha256", "STREAMING-FOO"),),
        b"abc",
        "InvalidArgument",
    ),
    Case(
        "storage-class",
        "PUT",
        "/{b}/x",
        (("x-amz-storage-class", "BOGUS"),),
        b"abc",
        "InvalidStorageClass",
    ),
    # New buckets enforce bucket ownership: any ACL header is refused before its value.
    Case(
        "acl-on-owner-enforced",
        "PUT",
        "/{b}/x",
        (("x-amz-acl", "bogus"),),
        b"abc",
        "AccessControlListNotSupported",
    ),
    Case(
        "metadata-too-large",
        "PUT",
        "/{b}/x",
        (("x-amz-meta-big", "v" * 3000),),
        b"abc",
        "MetadataTooLarge",
    ),
    Case(
        "tagging-header-bad",
        "PUT",
        "/{b}/x",
        (("x-amz-tagging", "a=" + "v" * 300),),
        b"abc",
        "InvalidTag",
    ),
    Case(
        "content-length-twice",
        "PUT",
        "/{b}/x",
        (("Content-Length", "5"), ("Content-Length", "10")),
        b"0123456789",
        "BadRequest",
        length=False,
    ),
    Case(
        "content-length-and-chunked",
        "PUT",
        "/{b}/x",
        (("Content-Length", "5"), ("Transfer-Encoding", "chunked")),
        b"5\r\nhello\r\n0\r\n\r\n",
        "BadRequest",
        length=False,
    ),
    Case("host-twice", "PUT", "/{b}/x", (("Host", "again"),), b"abc", "BadRequest"),
    Case(
        "content-length-letters",
        "PUT",
        "/{b}/x",
        (("Content-Length", "ten"),),
        b"abc",
        "BadRequest",
        length=False,
    ),
    Case(
        "content-length-superscript",
        "PUT",
        "/{b}/x",
        (("Content-Length", "²"),),
        b"abc",
        "BadRequest",
        length=False,
    ),
    Case(
        "content-length-5000-digits",
        "PUT",
        "/{b}/x",
        (("Content-Length", BIG),),
        b"abc",
        "BadRequest",
        length=False,
        cut=True,
    ),
    Case(
        "if-none-match-existing",
        "PUT",
        "/{b}/existing",
        (("If-None-Match", "*"),),
        b"abc",
        "PreconditionFailed",
    ),
    Case(
        "copy-source-garbage",
        "PUT",
        "/{b}/x",
        (("x-amz-copy-source", "%%%"),),
        code="InvalidArgument",
    ),
    Case(
        "copy-source-missing",
        "PUT",
        "/{b}/x",
        (("x-amz-copy-source", "/{b}/nothing-here"),),
        code="NoSuchKey",
    ),
    Case(
        "mp-object-size-5000-digits",
        "POST",
        "/{b}/existing?uploadId=nope",
        (("x-amz-mp-object-size", BIG),),
        TAGS,
        "InvalidArgument",
    ),
    Case(
        "website-redirect-not-a-path",
        "PUT",
        "/{b}/x",
        (("x-amz-website-redirect-location", "no-slash"),),
        b"abc",
        "InvalidRedirectLocation",
    ),
    # -- bad ranges and dates ----------------------------------------------------------------
    Case("range-past-end", "GET", "/{b}/existing", (("Range", "bytes=999-"),), code="InvalidRange"),
    Case(
        "range-5000-digits",
        "GET",
        "/{b}/existing",
        (("Range", f"bytes={BIG}-"),),
        code="InvalidRange",
    ),
    Case("range-garbage-ignored", "GET", "/{b}/existing", (("Range", "bytes=abc"),), status=200),
    Case("range-many-ignored", "GET", "/{b}/existing", (("Range", "bytes=0-1,3-4"),), status=200),
    Case(
        "range-with-part-number",
        "GET",
        "/{b}/existing?partNumber=1",
        (("Range", "bytes=0-1"),),
        code="InvalidRequest",
    ),
    Case(
        "if-modified-since-garbage",
        "GET",
        "/{b}/existing",
        (("If-Modified-Since", "yesterday"),),
        status=200,
    ),
    Case(
        "if-unmodified-since-far",
        "GET",
        "/{b}/existing",
        (("If-Unmodified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"),),
        status=200,
    ),
    Case(
        "if-modified-since-year-1",
        "GET",
        "/{b}/existing",
        (("If-Modified-Since", "Mon, 01 Jan 0001 00:00:00 GMT"),),
        status=200,
    ),
    Case(
        "response-expires-edge",
        "GET",
        "/{b}/existing?response-expires=9999-12-31T23%3A59%3A59-14%3A00",
        status=200,
    ),
    Case("response-expires-garbage", "GET", "/{b}/existing?response-expires=soon", status=200),
    Case(
        "copy-range-5000-digits",
        "PUT",
        "/{b}/existing?partNumber=1&uploadId=nope",
        (("x-amz-copy-source", "/{b}/existing"), ("x-amz-copy-source-range", f"bytes=0-{BIG}")),
        code="NoSuchUpload",
    ),
    Case(
        "retain-until-garbage",
        "PUT",
        "/{b}/x",
        (
            ("x-amz-object-lock-mode", "GOVERNANCE"),
            ("x-amz-object-lock-retain-until-date", "someday"),
        ),
        b"abc",
        "InvalidRequest",  # no Object Lock on the bucket: refused first
    ),
    # -- odd keys and bucket names -----------------------------------------------------------
    Case("key-dotdot", "GET", "/{b}/../../etc/passwd", code="NoSuchKey"),
    Case("key-dotdot-encoded", "GET", "/{b}/..%2F..%2Fetc%2Fpasswd", code="NoSuchKey"),
    Case("key-nul", "GET", "/{b}/a%00b", code="NoSuchKey"),
    Case("key-1025-bytes", "PUT", "/{b}/" + "k" * 1025, body=b"abc", code="KeyTooLongError"),
    Case(
        "key-1025-bytes-unicode",
        "PUT",
        "/{b}/" + quote("é" * 513),
        body=b"abc",
        code="KeyTooLongError",
    ),
    Case("key-unicode-missing", "GET", "/{b}/" + quote("ключ/日本"), code="NoSuchKey"),
    Case("key-invalid-utf8", "GET", "/{b}/%FF%FE", code="InvalidURI"),
    Case("bucket-uppercase", "PUT", "/Bad_Bucket", code="InvalidBucketName"),
    Case("bucket-too-short", "PUT", "/ab", code="InvalidBucketName"),
    Case("bucket-too-long", "PUT", "/" + "a" * 64, code="InvalidBucketName"),
    Case("bucket-ip", "PUT", "/192.168.1.1", code="InvalidBucketName"),
    Case("bucket-xn-prefix", "PUT", "/xn--bucket", code="InvalidBucketName"),
    Case("bucket-dots", "PUT", "/a..b", code="InvalidBucketName"),
    Case("bucket-missing", "GET", "/no-such-bucket-for-corpus", code="NoSuchBucket"),
    Case(
        "bucket-bad-location",
        "PUT",
        "/corpus-new-bucket",
        body=b"<CreateBucketConfiguration><LocationConstraint>mars-1</LocationConstraint></CreateBucketConfiguration>",
        code="InvalidLocationConstraint",
    ),
    Case(
        "bucket-bad-config-xml",
        "PUT",
        "/corpus-new-bucket",
        body=b"<CreateBucketConfiguration>",
        code="MalformedXML",
    ),
    # -- broken aws-chunked framing ----------------------------------------------------------
    Case(
        "aws-chunked-bad-size",
        "PUT",
        "/{b}/x",
        _chunked("3", b""),
        b"zz\r\nabc\r\n0\r\n\r\n",
        "IncompleteBody",
    ),
    Case(
        "aws-chunked-short-chunk",
        "PUT",
        "/{b}/x",
        _chunked("5", b""),
        b"5\r\nabc\r\n0\r\n\r\n",
        "IncompleteBody",
    ),
    Case(
        "aws-chunked-decoded-mismatch",
        "PUT",
        "/{b}/x",
        _chunked("9", b""),
        b"3\r\nabc\r\n0\r\n\r\n",
        "IncompleteBody",
    ),
    Case(
        "aws-chunked-no-final",
        "PUT",
        "/{b}/x",
        _chunked("3", b""),
        b"3\r\nabc\r\n",
        "IncompleteBody",
        cut=True,
    ),
    Case(
        "aws-chunked-huge-size",
        "PUT",
        "/{b}/x",
        _chunked("3", b""),
        b"ffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "IncompleteBody",
    ),
    Case(
        "aws-chunked-decoded-5000-digits",
        "PUT",
        "/{b}/x",
        _chunked(BIG, b""),
        b"3\r\nabc\r\n0\r\n\r\n",
        "IncompleteBody",
    ),
    Case(
        "aws-chunked-decoded-superscript",
        "PUT",
        "/{b}/x",
        _chunked("²", b""),
        b"3\r\nabc\r\n0\r\n\r\n",
        "MissingContentLength",
    ),
    Case(
        "aws-chunked-bad-trailer",
        "PUT",
        "/{b}/x",
        _chunked("3", b"", ("x-amz-trailer", "x-amz-checksum-crc32")),
        b"3\r\nabc\r\n0\r\nnot a trailer\r\n\r\n",
        "IncompleteBody",  # a trailer line without a colon
    ),
    Case(
        "aws-chunked-unsupported-trailer",
        "PUT",
        "/{b}/x",
        _chunked("3", b"", ("x-amz-trailer", "x-amz-meta-a")),
        b"3\r\nabc\r\n0\r\n\r\n",
        "InvalidRequest",
    ),
    Case(
        "aws-chunked-missing-trailer",
        "PUT",
        "/{b}/x",
        _chunked("3", b"", ("x-amz-trailer", "x-amz-checksum-crc32")),
        b"3\r\nabc\r\n0\r\n\r\n",
        "MalformedTrailerError",
    ),
    Case(
        "content-length-plus",
        "PUT",
        "/{b}/x",
        (("Content-Length", "+3"),),
        b"abc",
        "BadRequest",
        length=False,
    ),
    # -- broken HTTP chunked framing, truncated bodies ---------------------------------------
    Case(
        "transfer-coding-gzip",
        "PUT",
        "/{b}/x",
        (("Transfer-Encoding", "gzip"),),
        b"abc",
        "NotImplemented",
        length=False,
    ),
    Case(
        "chunked-bad-size",
        "PUT",
        "/{b}/x",
        (("Transfer-Encoding", "chunked"),),
        b"zz\r\nabc\r\n0\r\n\r\n",
        "IncompleteBody",
        length=False,
    ),
    Case(
        "chunked-cut",
        "PUT",
        "/{b}/x",
        (("Transfer-Encoding", "chunked"),),
        b"a\r\nabc",
        "IncompleteBody",
        length=False,
        cut=True,
    ),
    Case(
        "chunked-no-crlf",
        "PUT",
        "/{b}/x",
        (("Transfer-Encoding", "chunked"),),
        b"3\r\nabcXX0\r\n\r\n",
        "IncompleteBody",
        length=False,
        cut=True,
    ),
    Case(
        "body-truncated",
        "PUT",
        "/{b}/x",
        (("Content-Length", "100"),),
        b"only ten b",
        "IncompleteBody",
        length=False,
        cut=True,
    ),
    Case(
        "upload-part-truncated",
        "PUT",
        "/{b}/x?partNumber=1&uploadId=nope",
        (("Content-Length", "100"),),
        b"short",
        "NoSuchUpload",
        length=False,
        cut=True,
    ),
    # -- malformed signatures and presigned queries ------------------------------------------
    Case(
        "v4-garbage",
        "GET",
        "/{b}/existing",
        (
            ("Authorization", "AWS4-HMAC-SHA256 garbage"),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ),
        code="AuthorizationHeaderMalformed",
    ),
    Case(
        "v4-missing-components",
        "GET",
        "/{b}/existing",
        (
            ("Authorization", _v4(components="Credential=test/20260101/us-east-1/s3/aws4_request")),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ),
        code="AuthorizationHeaderMalformed",
    ),
    Case(
        "v4-bad-credential",
        "GET",
        "/{b}/existing",
        (
            ("Authorization", _v4(components="Credential=test, SignedHeaders=host, Signature=00")),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ),
        code="AuthorizationHeaderMalformed",
    ),
    Case(
        "v4-non-ascii-signature",
        "GET",
        "/{b}/existing",
        (
            ("Authorization", _v4("é" * 64)),
            ("x-amz-date", _date()),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ),
        code="SignatureDoesNotMatch",
    ),
    Case(
        "v4-no-date",
        "GET",
        "/{b}/existing",
        (("Authorization", _v4()), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")),
        code="AccessDenied",
    ),
    Case(
        "v4-garbage-date",
        "GET",
        "/{b}/existing",
        (
            ("Authorization", _v4()),
            ("x-amz-date", "yesterday"),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ),
        code="AccessDenied",
    ),
    Case(
        "v4-old-date",
        "GET",
        "/{b}/existing",
        (
            ("Authorization", _v4(date="20200101T000000Z")),
            ("x-amz-date", "20200101T000000Z"),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ),
        code="RequestTimeTooSkewed",
    ),
    Case(
        "v4-no-content-sha256",
        "GET",
        "/{b}/existing",
        (("Authorization", _v4()), ("x-amz-date", _date())),
        code="InvalidRequest",
    ),
    Case(
        "v4-unsigned-amz-header",
        "GET",
        "/{b}/existing",
        (
            ("Authorization", _v4()),
            ("x-amz-date", _date()),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
            ("x-amz-meta-sneaky", "1"),
        ),
        code="AccessDenied",
    ),
    Case(
        "v2-no-colon",
        "GET",
        "/{b}/existing",
        (("Authorization", "AWS test"),),
        code="InvalidArgument",
    ),
    Case(
        "v2-non-ascii",
        "GET",
        "/{b}/existing",
        (("Authorization", "AWS test:é"), ("Date", "Sun, 06 Nov 1994 08:49:37 GMT")),
        code="RequestTimeTooSkewed",
    ),
    Case(
        "auth-unknown-type",
        "GET",
        "/{b}/existing",
        (("Authorization", "Bearer token"),),
        code="InvalidArgument",
    ),
    Case(
        "auth-two-mechanisms",
        "GET",
        "/{b}/existing?" + _presigned(),
        (("Authorization", "AWS test:abc"),),
        code="InvalidArgument",
    ),
    Case(
        "presigned-missing-params",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Date": "-"}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-bad-algorithm",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Algorithm": "MD5"}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-bad-date",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Date": "2026"}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-expires-superscript",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Expires": "5²"}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-expires-5000-digits",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Expires": BIG}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-expires-week-plus",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Expires": "604801"}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-bad-credential",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Credential": "test"}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-wrong-service",
        "GET",
        "/{b}/existing?"
        + _presigned(**{"X-Amz-Credential": "test/{day}/us-east-1/ec2/aws4_request"}),
        code="AuthorizationQueryParametersError",
    ),
    Case(
        "presigned-non-ascii-signature",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Signature": "é" * 64}),
        code="SignatureDoesNotMatch",
    ),
    Case(
        "presigned-v2-expired",
        "GET",
        "/{b}/existing?AWSAccessKeyId=test&Expires=1&Signature=abc",
        code="AccessDenied",
    ),
    Case(
        "presigned-v2-expires-superscript",
        "GET",
        "/{b}/existing?AWSAccessKeyId=test&Expires=%C2%B2&Signature=abc",
        code="AccessDenied",
    ),
    Case(
        "presigned-v2-missing",
        "GET",
        "/{b}/existing?AWSAccessKeyId=test&Signature=abc",
        code="AccessDenied",
    ),
    Case(
        "presigned-v4a",
        "GET",
        "/{b}/existing?" + _presigned(**{"X-Amz-Algorithm": "AWS4-ECDSA-P256-SHA256"}),
        code="NotImplemented",
    ),
]
