"""Checksums: published check values, bit-for-bit agreement with botocore, S3's error texts."""

from __future__ import annotations

import base64
import hashlib
import io
import zlib

import botocore.session
import pytest
from botocore import httpchecksum
from hypothesis import given
from hypothesis import strategies as st

from fakes3.errors import BadDigest, InvalidRequest
from fakes3.protocol import checksums

CHECK_INPUT = b"123456789"

# Published check values: CRC catalogue (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME),
# FIPS 180 / RFC 1321 digests of "123456789", and the xxHash reference values for b"".
CHECK_VALUES = {
    "CRC32": "cbf43926",
    "CRC32C": "e3069283",
    "CRC64NVME": "ae8b14860a799888",
    "SHA1": "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
    "SHA256": "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225",
    "SHA512": (
        "d9e6762dd1c8eaf6d61b3c6192fc408d4d6d5f1176d0c29169bc24e71c3f274a"
        "d27fcd5811b313d681f7e55ec02d73d499c95455b6b5bb503acf574fba8ffe85"
    ),
    "MD5": "25f9e794323b453885f5181f1b624d0b",
}
XXHASH_EMPTY = {
    "XXHASH64": "ef46db3751d8e999",
    "XXHASH3": "2d06800538d394c2",
    "XXHASH128": "99aa06d3014798d86001c324468d497f",
}

# botocore's own classes (CRT-backed where it uses the CRT); MD5 is not a botocore class.
BOTOCORE = {
    "CRC32": httpchecksum.Crc32Checksum,
    "CRC32C": httpchecksum.CrtCrc32cChecksum,
    "CRC64NVME": httpchecksum.CrtCrc64NvmeChecksum,
    "SHA1": httpchecksum.Sha1Checksum,
    "SHA256": httpchecksum.Sha256Checksum,
    "SHA512": httpchecksum.Sha512Checksum,
    "XXHASH64": httpchecksum.CrtXxhash64Checksum,
    "XXHASH3": httpchecksum.CrtXxhash3Checksum,
    "XXHASH128": httpchecksum.CrtXxhash128Checksum,
}


def _s3_model() -> botocore.model.ServiceModel:
    return botocore.session.get_session().get_service_model("s3")


@pytest.mark.parametrize("algorithm", sorted(CHECK_VALUES))
def test_published_check_values(algorithm: str) -> None:
    assert checksums.compute(algorithm, CHECK_INPUT).hex() == CHECK_VALUES[algorithm]


@pytest.mark.parametrize("algorithm", sorted(XXHASH_EMPTY))
def test_xxhash_reference_values_in_big_endian(algorithm: str) -> None:
    assert checksums.compute(algorithm, b"").hex() == XXHASH_EMPTY[algorithm]


def test_crc_digests_are_big_endian_unsigned() -> None:
    digest = checksums.compute("CRC32", CHECK_INPUT)
    assert digest == zlib.crc32(CHECK_INPUT).to_bytes(4, "big")
    assert checksums.encode(digest) == base64.b64encode(bytes.fromhex("cbf43926")).decode()
    assert len(checksums.compute("CRC64NVME", b"")) == 8
    assert checksums.compute("CRC32C", b"") == b"\0\0\0\0"


@pytest.mark.parametrize("algorithm", checksums.ALGORITHMS)
def test_digest_sizes(algorithm: str) -> None:
    assert len(checksums.compute(algorithm, b"x")) == checksums.DIGEST_SIZES[algorithm]


@pytest.mark.parametrize("algorithm", sorted(BOTOCORE))
@given(data=st.binary(max_size=3000), cuts=st.lists(st.integers(0, 3000), max_size=6))
def test_agrees_with_botocore_in_pieces(algorithm: str, data: bytes, cuts: list[int]) -> None:
    ours = checksums.new_checksum(algorithm)
    edges = [0, *sorted(c for c in cuts if c <= len(data)), len(data)]
    for start, end in zip(edges, edges[1:], strict=False):
        ours.update(data[start:end])
    theirs = BOTOCORE[algorithm]()
    theirs.update(data)
    assert ours.digest() == theirs.digest()
    assert checksums.encode(ours.digest()) == theirs.b64digest()


@pytest.mark.parametrize("algorithm", sorted(BOTOCORE))
def test_agrees_with_botocore_on_a_large_body(algorithm: str) -> None:
    data = bytes(range(256)) * 4099  # ~1 MiB, not a multiple of any block size
    theirs = BOTOCORE[algorithm]()
    assert checksums.encode(checksums.compute(algorithm, data)) == theirs.handle(data)


def test_md5_matches_hashlib() -> None:
    data = b"fakes3" * 1000
    assert checksums.compute("MD5", data) == hashlib.md5(data).digest()


def test_algorithms_are_the_model_enum() -> None:
    enum = _s3_model().shape_for("ChecksumAlgorithm").enum
    assert sorted(checksums.ALGORITHMS) == sorted(enum)
    assert checksums.ALGORITHMS[:3] == ("CRC32", "CRC32C", "CRC64NVME")


@pytest.mark.parametrize("algorithm", checksums.ALGORITHMS)
def test_header_and_member_names_are_the_models(algorithm: str) -> None:
    members = _s3_model().operation_model("PutObject").input_shape.members
    member = checksums.member_name(algorithm)
    assert member in members
    assert members[member].serialization["name"] == checksums.header_name(algorithm)
    assert checksums.algorithm_from_header(checksums.header_name(algorithm)) == algorithm
    assert checksums.algorithm_from_header(checksums.header_name(algorithm).upper()) == algorithm


@pytest.mark.parametrize(
    "header",
    ["x-amz-checksum-mode", "x-amz-checksum-type", "x-amz-checksum-algorithm",
     "x-amz-sdk-checksum-algorithm", "content-md5", "x-amz-checksum-", "x-amz-checksum-crc"],
)  # fmt: skip
def test_other_headers_are_not_checksums(header: str) -> None:
    assert checksums.algorithm_from_header(header) is None


def test_names() -> None:
    assert checksums.header_name("CRC32") == "x-amz-checksum-crc32"
    assert checksums.member_name("CRC64NVME") == "ChecksumCRC64NVME"
    assert checksums.member_name("XXHASH128") == "ChecksumXXHASH128"
    assert checksums.algorithm_from_header("X-Amz-Checksum-CRC32C") == "CRC32C"


def test_unknown_algorithm() -> None:
    with pytest.raises(ValueError):
        checksums.new_checksum("CRC16")
    with pytest.raises(ValueError):
        checksums.new_checksum("crc32")  # model names are upper case


@pytest.mark.parametrize("algorithm", checksums.ALGORITHMS)
def test_decode_value_round_trip(algorithm: str) -> None:
    digest = checksums.compute(algorithm, CHECK_INPUT)
    assert checksums.decode_value(algorithm, checksums.encode(digest)) == digest


@pytest.mark.parametrize(
    "value",
    [
        "cbf43926",  # hex, not base64
        "y/Q5Jg",  # unpadded
        "y/Q5Jg=",  # short padding
        "y/Q5Jg==AA",  # data after padding
        "AAAAAAAA",  # six bytes
        "AAA=",  # two bytes
        "",  # nothing
        "y/Q5 Jg==",  # whitespace
        "y_Q5Jg==",  # URL-safe alphabet
        "ÿ/Q5Jg==",  # not ASCII
    ],
)
def test_decode_value_rejects_with_s3s_message(value: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        checksums.decode_value("CRC32", value)
    assert caught.value.text == "Value for x-amz-checksum-crc32 header is invalid."
    assert caught.value.status == 400
    with pytest.raises(InvalidRequest) as caught:
        checksums.decode_value("CRC32", value, trailing=True)
    assert caught.value.text == "Value for x-amz-checksum-crc32 trailing header is invalid."


def test_decode_value_checks_the_length_per_algorithm() -> None:
    crc32_value = checksums.encode(checksums.compute("CRC32", b"a"))
    with pytest.raises(InvalidRequest, match="x-amz-checksum-sha256 header is invalid"):
        checksums.decode_value("SHA256", crc32_value)


def test_verify_value() -> None:
    digest = checksums.compute("CRC32C", b"data")
    checksums.verify_value("CRC32C", checksums.encode(digest), digest)
    other = checksums.encode(checksums.compute("CRC32C", b"other"))
    with pytest.raises(BadDigest) as caught:
        checksums.verify_value("CRC32C", other, digest)
    assert caught.value.text == "The CRC32C you specified did not match the calculated checksum."
    assert caught.value.status == 400
    with pytest.raises(InvalidRequest):
        checksums.verify_value("CRC32C", "nope", digest, trailing=True)


def test_hashing_reader() -> None:
    data = bytes(range(256)) * 300
    reader = checksums.HashingReader(
        io.BytesIO(data), {a: checksums.new_checksum(a) for a in checksums.ALGORITHMS}
    )
    pieces = []
    while piece := reader.read(1000):
        pieces.append(piece)
    assert b"".join(pieces) == data
    assert reader.bytes_read == len(data)
    assert reader.digests() == {a: checksums.compute(a, data) for a in checksums.ALGORITHMS}
    assert reader.read() == b""
    assert reader.bytes_read == len(data)


def test_hashing_reader_read_all() -> None:
    reader = checksums.HashingReader(io.BytesIO(b"abc"), {"CRC32": checksums.new_checksum("CRC32")})
    assert reader.read() == b"abc"
    assert reader.digests()["CRC32"] == zlib.crc32(b"abc").to_bytes(4, "big")
