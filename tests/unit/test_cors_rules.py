"""The pure pieces of CORS: origin and header patterns, first-match order, document size."""

from __future__ import annotations

from typing import Any

import pytest

from fakes3.cors import first_match
from fakes3.operations.config.cors import MAX_DOCUMENT_BYTES, _document_size

RULES: list[dict[str, Any]] = [
    {"AllowedMethods": ["PUT"], "AllowedOrigins": ["https://a.test"], "AllowedHeaders": ["*"]},
    {
        "AllowedMethods": ["GET", "PUT"],
        "AllowedOrigins": ["https://b.test", "https://*.example.com"],
        "AllowedHeaders": ["X-Amz-*", "content-type"],
    },
    {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]},
]


@pytest.mark.parametrize(
    "origin, method, headers, rule, pattern",
    [
        ("https://a.test", "PUT", ["x-anything"], 0, "https://a.test"),
        ("https://a.test", "GET", [], 2, "*"),  # the first rule allows PUT only
        ("https://a.test", "DELETE", [], None, None),
        (
            "https://www.example.com",
            "PUT",
            ["x-amz-date", "content-type"],
            1,
            "https://*.example.com",
        ),
        ("https://.example.com", "PUT", [], 1, "https://*.example.com"),  # `*` matches nothing
        ("https://example.com", "PUT", [], None, None),
        ("https://www.example.com", "PUT", ["x-custom"], None, None),
        ("https://www.example.com", "GET", ["x-custom"], None, None),  # rule 2 allows no headers
        ("", "GET", [], 2, "*"),
    ],
)
def test_first_match(
    origin: str, method: str, headers: list[str], rule: int | None, pattern: str | None
) -> None:
    found = first_match(RULES, origin, method, headers)
    if rule is None:
        assert found is None
    else:
        assert found == (RULES[rule], pattern)


def test_document_size_counts_what_s3_writes_back() -> None:
    rule = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 3000}
    written = (
        "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>"
        "<AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>3000</MaxAgeSeconds>"
        "</CORSRule></CORSConfiguration>"
    )
    assert _document_size([rule]) == len(written)
    big = {"AllowedMethods": ["GET"], "AllowedOrigins": ["é" * (MAX_DOCUMENT_BYTES // 2)]}
    assert _document_size([big]) > MAX_DOCUMENT_BYTES  # UTF-8 bytes, not characters
