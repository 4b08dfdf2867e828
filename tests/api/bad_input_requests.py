"""Bad-input cases about what a request asks: ranges and dates, odd keys and bucket names,
malformed signatures and presigned queries."""

from __future__ import annotations

from urllib.parse import quote

from bad_input import (
    BIG,
    Case,
    _date,
    _presigned,
    _v4,
)

REQUEST_CASES: list[Case] = [
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
    # a listing parameter of the other version: refused before the bucket is looked up
    Case("list-v1-start-after", "GET", "/{b}?start-after=a", code="InvalidArgument"),
    Case("list-v2-marker", "GET", "/{b}?list-type=2&marker=a", code="InvalidArgument"),
    Case(
        "list-v1-token-no-bucket", "GET", "/nosuch-{b}?continuation-token=x", code="InvalidArgument"
    ),
    # ``..`` segments that climb above the key: S3's bare 400, no error document
    Case("key-dotdot", "GET", "/{b}/../../etc/passwd", status=400),
    Case("key-dotdot-encoded", "GET", "/{b}/..%2F..%2Fetc%2Fpasswd", status=400),
    Case("key-dotdot-put", "PUT", "/{b}/%2E%2E/x", body=b"abc", status=400),
    Case("key-dotdot-only", "PUT", "/{b}/..", body=b"abc", status=400),
    Case("key-dotdot-delete", "DELETE", "/{b}/existing/../../existing", status=400),
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
    Case("prefix-invalid-utf8", "GET", "/{b}?prefix=%FF", code="InvalidURI"),
    Case("start-after-half-utf8", "GET", "/{b}?list-type=2&start-after=%C3", code="InvalidURI"),
    Case("query-name-invalid-utf8", "GET", "/{b}/existing?%FF=1", code="InvalidURI"),
    Case("put-query-invalid-utf8", "PUT", "/{b}/new?x=%FE", body=b"abc", code="InvalidURI"),
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
