"""Multipart checksum arithmetic against values real S3 returned.

The vector is the one floci-io/floci#3083 captured from S3 (eu-west-1, 2026-09-03): three
parts whose UploadPart answers carried these SHA256 values, and the composite value
CompleteMultipartUpload and HeadObject returned for them.
"""

from __future__ import annotations

import pytest

from fakes3.store.multipart_math import (
    COMPOSITE_ALGORITHMS,
    FULL_OBJECT_ALGORITHMS,
    composite_checksum,
)

S3_PARTS = [
    "lcKa6Boe7a167tUCN5C4OaFygGSYD8MBnBARTrdL+1w=",
    "gHjhbUT4oo2tSCtSZJdlKi+jeNXJT+VImqdPXsXvkOc=",
    "4l9PQ3zOPZ0oGFvknFX+J4zZwE4WMzO+l3r8XrbWOeM=",
]
S3_COMPOSITE = "rVWtNbadtsaKXJAcgWPWjifHzJaXde/iV4jaJAOdivc=-3"


def test_composite_sha256_is_what_s3_returned() -> None:
    assert composite_checksum("SHA256", S3_PARTS) == S3_COMPOSITE


@pytest.mark.parametrize("algorithm", ["SHA512", "MD5", "XXHASH64", "XXHASH3", "XXHASH128"])
def test_the_newer_algorithms_are_composite_only(algorithm: str) -> None:
    """No CRC-style combination exists for them: COMPOSITE, never FULL_OBJECT."""
    assert algorithm in COMPOSITE_ALGORITHMS
    assert algorithm not in FULL_OBJECT_ALGORITHMS
