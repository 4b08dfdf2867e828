"""Bad-input cases about what a request carries: XML bodies (malformed, bombs, entities,
oversized), bad and duplicate headers, broken aws-chunked and HTTP chunked framing and
truncated bodies."""

from __future__ import annotations

from bad_input import (
    BIG,
    BOMB,
    DELETE_CUT,
    HUGE_XML,
    TAGS,
    XXE,
    Case,
    _chunked,
    _md5,
)

DELETE_UNKNOWN = b"<Delete><Object><Key>existing</Key><Versionid>null</Versionid></Object></Delete>"


def _xml_case(name: str, target: str, body: bytes) -> Case:
    """A PUT of an XML body S3's schema refuses: MalformedXML."""
    return Case(name, "PUT", target, (_md5(body),), body, "MalformedXML")


BODY_CASES: list[Case] = [
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
    # A repeated element, or text where elements belong, is no document of S3's schema: read
    # as empty, it would widen a lifecycle rule or a notification to every key, or drop grants.
    *(
        _xml_case(name, target, body)
        for name, target, body in (
            (
                "xml-lifecycle-filter-text",
                "/{b}?lifecycle",
                b"<LifecycleConfiguration><Rule><ID>r</ID><Filter>logs/</Filter>"
                b"<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"
                b"</LifecycleConfiguration>",
            ),
            (
                "xml-lifecycle-filter-repeated",
                "/{b}?lifecycle",
                b"<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>x</Prefix></Filter>"
                b"<Filter><Prefix>y</Prefix></Filter><Status>Enabled</Status>"
                b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
            ),
            (
                "xml-tagging-tagset-repeated",
                "/{b}?tagging",
                b"<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet>"
                b"<TagSet><Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>",
            ),
            (
                "xml-tagging-tagset-text",
                "/{b}?tagging",
                b"<Tagging><TagSet>hello</TagSet></Tagging>",
            ),
            (
                "xml-tagging-mixed-content",
                "/{b}?tagging",
                b"<Tagging><TagSet>x<Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>",
            ),
            (
                "xml-notification-filter-text",
                "/{b}?notification",
                b"<NotificationConfiguration><QueueConfiguration>"
                b"<Queue>arn:aws:sqs:us-east-1:123456789012:q</Queue>"
                b"<Event>s3:ObjectCreated:*</Event><Filter>images/</Filter>"
                b"</QueueConfiguration></NotificationConfiguration>",
            ),
            (
                "xml-eventbridge-text",
                "/{b}?notification",
                b"<NotificationConfiguration><EventBridgeConfiguration>x"
                b"</EventBridgeConfiguration></NotificationConfiguration>",
            ),
            # An element the schema has not is refused, not skipped (ceph/ceph#23486 quotes
            # S3's answer to a TagSet holding <Abc>): skipped, a typo is a silent no-op.
            (
                "xml-tagging-unknown-in-tagset",
                "/{b}?tagging",
                b"<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Abc>abc</Abc>"
                b"</TagSet></Tagging>",
            ),
            (
                "xml-object-tagging-unknown-in-tag",
                "/{b}/existing?tagging",
                b"<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value><Colour>red</Colour></Tag>"
                b"</TagSet></Tagging>",
            ),
            (
                "xml-versioning-misspelt-member",
                "/{b}?versioning",
                b"<VersioningConfiguration><Status>Enabled</Status><MFADelete>Disabled"
                b"</MFADelete></VersioningConfiguration>",
            ),
            (
                "xml-lifecycle-misspelt-action",
                "/{b}?lifecycle",
                b"<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>x</Prefix></Filter>"
                b"<Status>Enabled</Status><Expire><Days>1</Days></Expire></Rule>"
                b"</LifecycleConfiguration>",
            ),
            (
                "xml-cors-unknown-member",
                "/{b}?cors",
                b"<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>"
                b"<AllowedOrigin>*</AllowedOrigin><AllowedOrigins>x</AllowedOrigins></CORSRule>"
                b"</CORSConfiguration>",
            ),
        )
    ),
    Case(  # a misspelt VersionId would delete the current version instead of the one named
        "xml-delete-unknown-in-object",
        "POST",
        "/{b}?delete",
        (_md5(DELETE_UNKNOWN),),
        DELETE_UNKNOWN,
        "MalformedXML",
    ),
    Case(
        "xml-complete-unknown-element",
        "POST",
        "/{b}/existing?uploadId=nope",
        body=b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag>"
        b"<Size>5</Size></Part></CompleteMultipartUpload>",
        code="MalformedXML",
    ),
    Case(  # two sub-resources: S3 runs neither (fakes3 stored the tags)
        "subresources-conflict",
        "PUT",
        "/{b}?tagging&versioning",
        (_md5(TAGS),),
        TAGS,
        "InvalidArgument",
    ),
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
        "checksum-no-algorithm",
        "PUT",
        "/{b}/x",
        (("x-amz-checksum-sha256a", "AAAAAA=="),),
        b"abc",
        "InvalidRequest",
    ),
    Case(  # a trailer named beside a mode without trailers (was a KeyError: 500)
        "aws-chunked-trailer-in-untrailed-mode",
        "PUT",
        "/{b}/x",
        (
            ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            ("Content-Encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "3"),
            ("x-amz-trailer", "x-amz-checksum-crc32"),
        ),
        b"3;chunk-signature="
        + b"0" * 64
        + b"\r\nabc\r\n0;chunk-signature="
        + b"0" * 64
        + b"\r\n\r\n",
        "MalformedTrailerError",
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
    # An unknown canned ACL is refused as such before ownership is asked (LocalStack's
    # validated test_s3_object_acl_exceptions).
    Case(
        "acl-on-owner-enforced",
        "PUT",
        "/{b}/x",
        (("x-amz-acl", "bogus"),),
        b"abc",
        "InvalidArgument",
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
]
