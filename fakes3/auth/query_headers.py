"""``x-amz-*`` parameters of a presigned URL, which S3 takes as the request's headers.

A presigned URL cannot make its holder send headers, so SDKs move the ``x-amz-*`` headers of
the request they presign into the query string (botocore's SigV2 query signer does so for
``x-amz-acl``, ``x-amz-meta-*``…, signing them as headers; SigV4 signers sign them as query
parameters). S3 acts on them as if they were headers: an ``x-amz-acl=public-read`` in the URL
gives the uploaded object that ACL (aws-sdk-java-v2#1849, aws-sdk-ruby#601). A header the
request does carry wins over the query's.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def with_query_headers(headers: Mapping[str, str], query_string: str) -> dict[str, str]:
    """``headers`` plus the query's ``x-amz-*`` parameters (lower-cased), the headers'
    own values kept."""
    merged = dict(headers)
    for name, value in parse_query(query_string).items():
        lowered = name.lower()
        if lowered.startswith("x-amz-") and lowered not in _SIGV4_AUTH:
            merged.setdefault(lowered, value)
    return merged
