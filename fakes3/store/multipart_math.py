"""The ETag and checksums of an object completed from parts, from the parts' own values.

- ETag: the MD5 of the parts' binary MD5s concatenated, then ``-N`` (N parts).
- COMPOSITE checksum: the algorithm applied to the parts' binary checksums concatenated,
  then ``-N``; it depends on where the parts were cut.
- FULL_OBJECT checksum: the CRC of the whole object, combined from the parts' CRCs and sizes
  (CRC32, CRC32C, CRC64NVME only) without reading a byte of the object again.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable, Mapping, Sequence

import awscrt.checksums

from fakes3.protocol.checksums import DIGEST_SIZES, compute, encode

FULL_OBJECT_ALGORITHMS = frozenset({"CRC32", "CRC32C", "CRC64NVME"})
# The hashes and xxHashes have no combinable form: an upload with one is COMPOSITE only
# (API_ObjectPart.html: a part's ChecksumMD5/SHA512/XXHASH* is present "if the multipart upload
# request was created with" that algorithm).
COMPOSITE_ALGORITHMS = frozenset(
    {"CRC32", "CRC32C", "SHA1", "SHA256", "SHA512", "MD5", "XXHASH64", "XXHASH3", "XXHASH128"}
)


def _combine_crc32(first: int, second: int, length: int) -> int:
    result: int = awscrt.checksums.combine_crc32(first, second, length)
    return result


def _combine_crc32c(first: int, second: int, length: int) -> int:
    result: int = awscrt.checksums.combine_crc32c(first, second, length)
    return result


def _combine_crc64nvme(first: int, second: int, length: int) -> int:
    result: int = awscrt.checksums.combine_crc64nvme(first, second, length)
    return result


_COMBINE: Mapping[str, Callable[[int, int, int], int]] = {
    "CRC32": _combine_crc32,
    "CRC32C": _combine_crc32c,
    "CRC64NVME": _combine_crc64nvme,
}
_EMPTY = {"CRC32": zlib.crc32(b""), "CRC32C": 0, "CRC64NVME": 0}


def multipart_etag(part_etags: Sequence[str]) -> str:
    """``"<md5 of the part md5s>-<N>"`` from the parts' quoted hex ETags."""
    digest = hashlib.md5(usedforsecurity=False)
    for etag in part_etags:
        digest.update(bytes.fromhex(etag.strip('"')))
    return f'"{digest.hexdigest()}-{len(part_etags)}"'


def composite_checksum(algorithm: str, part_checksums: Sequence[str]) -> str:
    """``<base64 of checksum(part checksums)>-<N>`` from the parts' base64 values."""
    joined = b"".join(base64.b64decode(value) for value in part_checksums)
    return f"{encode(compute(algorithm, joined))}-{len(part_checksums)}"


def full_object_checksum(algorithm: str, parts: Sequence[tuple[str, int]]) -> str:
    """The CRC of the parts' bytes end to end, from ``(base64 CRC, size)`` per part."""
    combine = _COMBINE[algorithm]
    value = _EMPTY[algorithm]
    for checksum, size in parts:
        part_value = int.from_bytes(base64.b64decode(checksum), "big")
        value = combine(value, part_value, size) if size else value
    return encode(value.to_bytes(DIGEST_SIZES[algorithm], "big"))
