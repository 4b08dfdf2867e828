"""The element order S3 sends in its listing answers, where it is not the model's.

botocore's model lists ``IsTruncated`` and ``Contents`` before ``Name`` (and ``Buckets`` before
``Owner``); S3 sends the bucket's name, the markers and counts first and the entries last, as the
S3 API reference's example responses show and real answers captured in public code confirm
(``<Name>…<Prefix>…<KeyCount>…<MaxKeys>…<IsTruncated>…<Contents>``). Order matters to streaming
parsers that copy the bucket name or owner onto each entry as they read it (the AWS SDK for
Java v1): with the entries first, every summary came back without its bucket.

Members a shape has that are not listed here keep the model's order, after the listed ones.
"""

from __future__ import annotations

from fakes3.protocol.model import Member

WIRE_ORDER: dict[str, tuple[str, ...]] = {
    "ListBucketsOutput": ("Owner", "Buckets", "ContinuationToken", "Prefix"),
    "ListObjectsOutput": (
        "Name", "Prefix", "Marker", "NextMarker", "MaxKeys", "Delimiter", "EncodingType",
        "IsTruncated", "Contents", "CommonPrefixes",
    ),
    "ListObjectsV2Output": (
        "Name", "Prefix", "ContinuationToken", "NextContinuationToken", "StartAfter",
        "KeyCount", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated", "Contents",
        "CommonPrefixes",
    ),
    "ListObjectVersionsOutput": (
        "Name", "Prefix", "KeyMarker", "VersionIdMarker", "NextKeyMarker",
        "NextVersionIdMarker", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated",
        "Versions", "DeleteMarkers", "CommonPrefixes",
    ),
    "ListMultipartUploadsOutput": (
        "Bucket", "KeyMarker", "UploadIdMarker", "NextKeyMarker", "NextUploadIdMarker",
        "Delimiter", "Prefix", "MaxUploads", "EncodingType", "IsTruncated", "Uploads",
        "CommonPrefixes",
    ),
    "ListPartsOutput": (
        "Bucket", "Key", "UploadId", "Initiator", "Owner", "StorageClass", "PartNumberMarker",
        "NextPartNumberMarker", "MaxParts", "IsTruncated", "ChecksumAlgorithm", "ChecksumType",
        "Parts",
    ),
}  # fmt: skip


def in_wire_order(shape_name: str, members: tuple[Member, ...]) -> list[Member]:
    """``members`` in the order S3 writes them for ``shape_name``."""
    order = WIRE_ORDER.get(shape_name)
    if order is None:
        return list(members)
    rank = {name: position for position, name in enumerate(order)}
    return sorted(members, key=lambda member: rank.get(member.name, len(order)))
