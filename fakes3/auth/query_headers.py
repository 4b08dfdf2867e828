"""``x-amz-*`` parameters of a presigned URL, which S3 takes as the request's headers.

A presigned URL cannot make its holder send headers, so SDKs move the ``x-amz-*`` headers of
the request they presign into the query string (botocore's SigV2 query signer does so for
``x-amz-acl``, ``x-amz-meta-*``…, signing them as headers; SigV4 signers sign them as query
parameters). S3 acts on them as if they were headers: an ``x-amz-acl=public-read`` in the URL
gives the uploaded object that ACL (aws-sdk-java-v2#1849, aws-sdk-ruby#601). A header the
request does carry wins over the query's.

A SigV4 URL's checksum parameters are the exception: signed, but not acted on. The AWS SDK
for JavaScript v3 (since 3.729) signs ``x-amz-sdk-checksum-algorithm=CRC32`` and the CRC32 of
an empty body into every presigned PutObject and UploadPart URL, whatever is uploaded later,
and S3 ignores both (LocalStack found so against AWS, localstack#12164; aws-sdk#480 and
aws-sdk-go-v2#2610 saw S3 store bodies that did not match a checksum in the URL). As headers
they would refuse every such upload (``BadDigest``). Sent as headers, they are verified.
"""

from __future__ import annotations

from collections.abc import Mapping

from fakes3.protocol.checksums import algorithm_from_header
from fakes3.protocol.routing import parse_query

# SigV4's own query parameters: the signature, never headers of the request it signs.
_SIGV4_AUTH = frozenset(
    (
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-expires",
        "x-amz-signature",
        "x-amz-signedheaders",
    )
)


def presigned_kind(query_string: str) -> str | None:
    """ "v2" or "v4" for a presigned URL's query, None for anything else (cheap: most
    requests have no query at all)."""
    if "Signature=" not in query_string:
        return None
    if "X-Amz-Signature=" in query_string:
        return "v4"
    if "AWSAccessKeyId=" in query_string:
        return "v2"
    return None


def with_query_headers(
    headers: Mapping[str, str], query_string: str, kind: str = "v4"
) -> dict[str, str]:
    """``headers`` plus the query's ``x-amz-*`` parameters (lower-cased), the headers'
    own values kept; a SigV4 (``kind``) URL's checksum parameters left out (module doc)."""
    merged = dict(headers)
    for name, value in parse_query(query_string).items():
        lowered = name.lower()
        if not lowered.startswith("x-amz-") or lowered in _SIGV4_AUTH:
            continue
        if kind == "v4" and _checksum_parameter(lowered):
            continue
        merged.setdefault(lowered, value)
    return merged


def _checksum_parameter(name: str) -> bool:
    """A body checksum (``x-amz-checksum-crc32``…) or the SDK's name for its algorithm."""
    return name == "x-amz-sdk-checksum-algorithm" or algorithm_from_header(name) is not None
