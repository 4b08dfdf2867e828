"""aws-chunked decoding: botocore's own framing round-trips; broken bodies get S3's errors."""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Sequence
from typing import Any

import pytest
from botocore import httpchecksum
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wsgi import LimitedStream

from fakes3 import errors
from fakes3.errors import (
    BadDigest,
    IncompleteBody,
    InvalidChunkSizeError,
    InvalidRequest,
    MissingContentLength,
    S3Error,
)
from fakes3.protocol import checksums, chunked
from fakes3.protocol.chunked import AwsChunkedReader, strip_aws_chunked

UNSIGNED_TRAILER = chunked.STREAMING_UNSIGNED_PAYLOAD_TRAILER
SIGNED = chunked.STREAMING_HMAC
SIGNED_TRAILER = chunked.STREAMING_HMAC_TRAILER

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
CRC32 = "x-amz-checksum-crc32"
MALFORMED_TRAILER_CLASS = getattr(errors, "MalformedTrailerError", InvalidRequest)


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def botocore_body(data: bytes, algorithm: str = "CRC32", chunk_size: int | None = None) -> bytes:
    """The body exactly as boto3 sends it over HTTPS (the aws-chunked layer)."""
    wrapper = httpchecksum.AwsChunkedWrapper(
        io.BytesIO(data),
        checksum_cls=BOTOCORE[algorithm],
        checksum_name=checksums.header_name(algorithm),
        chunk_size=chunk_size,
    )
    return bytes(wrapper.read())


def sig(label: object) -> str:
    return hashlib.sha256(str(label).encode()).hexdigest()


def signed_body(
    chunks: list[bytes], trailers: list[str] | None = None, trailer_signature: str | None = None
) -> bytes:
    """Hand-built signed framing: ``<hex>;chunk-signature=<sig>`` on every chunk."""
    out = b"".join(
        b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), sig(i).encode(), c)
        for i, c in enumerate(chunks)
    )
    out += b"0;chunk-signature=%s\r\n" % sig("final").encode()
    for line in trailers or []:
        out += line.encode() + b"\r\n"
    if trailer_signature is not None:
        out += b"x-amz-trailer-signature:%s\r\n" % trailer_signature.encode()
    return out + b"\r\n"


def unsigned_body(chunks: list[bytes], trailers: Sequence[str] = ()) -> bytes:
    out = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n"
    for line in trailers:
        out += line.encode() + b"\r\n"
    return out + b"\r\n"


def crc32_trailer(data: bytes) -> str:
    return f"{CRC32}:{checksums.encode(checksums.compute('CRC32', data))}"


def decode(
    body: bytes, read_sizes: list[int] | None = None, raw: Any = None, **kw: Any
) -> tuple[bytes, AwsChunkedReader]:
    """Read the whole body through a reader, with the given read sizes cycled."""
    kw.setdefault("decoded_length", None)
    reader = AwsChunkedReader(raw if raw is not None else io.BytesIO(body), **kw)
    sizes = read_sizes or [65536]
    parts = []
    for i in range(10**7):
        piece = reader.read(sizes[i % len(sizes)])
        if not piece:
            break
        parts.append(piece)
    return b"".join(parts), reader


def fails(body: bytes, **kw: Any) -> S3Error:
    with pytest.raises(S3Error) as caught:
        decode(body, **kw)
    return caught.value


def assert_terminated(error: S3Error) -> None:
    assert type(error) is IncompleteBody
    assert (error.status, error.text, error.fields) == (400, chunked.TERMINATED, {})


def assert_malformed_trailer(error: S3Error) -> None:
    assert type(error) is MALFORMED_TRAILER_CLASS
    assert (error.status, error.text) == (400, chunked.MALFORMED_TRAILER)


class Trickle(io.BytesIO):
    """A socket-like stream: read(n) hands out at most 7 bytes at a time."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(7 if size is None or size < 0 else min(size, 7))


# -- round trips of what botocore sends ---------------------------------------------------------

BOUNDARY_SIZES = [0, 1, 8191, 8192, 8193, 16384, 16385, 1 << 20, (1 << 20) + 1, 3 * (1 << 20)]


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
@pytest.mark.parametrize("chunk_size", [None, 8192])
def test_botocore_body_round_trip(size: int, chunk_size: int | None) -> None:
    data = payload(size, seed=size)
    body = botocore_body(data, "CRC32", chunk_size)
    decoded, reader = decode(
        body,
        decoded_length=size,
        trailer_names=[CRC32],
        content_sha256=UNSIGNED_TRAILER,
    )
    assert decoded == data
    assert reader.trailers == {CRC32: checksums.encode(checksums.compute("CRC32", data))}
    assert reader.checksums == {"CRC32": reader.trailers[CRC32]}
    assert reader.trailer_signature is None
    assert reader.bytes_read == size
    assert reader.read(10) == b"" and reader.read() == b""


@pytest.mark.parametrize("algorithm", sorted(BOTOCORE))
def test_botocore_trailer_of_every_algorithm(algorithm: str) -> None:
    data = payload(20000, seed=1)
    name = checksums.header_name(algorithm)
    decoded, reader = decode(
        botocore_body(data, algorithm, 8192),
        decoded_length=len(data),
        trailer_names=[name],
        content_sha256=UNSIGNED_TRAILER,
    )
    assert decoded == data
    assert reader.checksums == {algorithm: reader.trailers[name]}


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(0, 40000),
    chunk_size=st.sampled_from([8192, 8193, 10000, 65536]),
    algorithm=st.sampled_from(sorted(BOTOCORE)),
    read_sizes=st.lists(st.integers(1, 20000), min_size=1, max_size=8),
    seed=st.integers(0, 2**32),
)
def test_botocore_random_sizes_and_reads(
    size: int, chunk_size: int, algorithm: str, read_sizes: list[int], seed: int
) -> None:
    data = payload(size, seed)
    decoded, _ = decode(
        botocore_body(data, algorithm, chunk_size),
        read_sizes,
        decoded_length=size,
        trailer_names=[checksums.header_name(algorithm)],
        content_sha256=UNSIGNED_TRAILER,
    )
    assert decoded == data


def test_botocore_body_without_checksum() -> None:
    wrapper = httpchecksum.AwsChunkedWrapper(io.BytesIO(b"abc"))
    decoded, reader = decode(bytes(wrapper.read()), decoded_length=3)
    assert decoded == b"abc"
    assert reader.trailers == {}


def test_short_reads_from_the_raw_stream() -> None:
    data = payload(30000, 3)
    body = botocore_body(data, "CRC32C", 8192)
    decoded, _ = decode(
        body, [5000], raw=Trickle(body), decoded_length=len(data), trailer_names=[CRC32 + "c"]
    )
    assert decoded == data


def test_through_a_wsgi_limited_stream() -> None:
    data = payload(9000, 4)
    body = botocore_body(data, "CRC32", 8192)
    raw = LimitedStream(io.BytesIO(body + b"next request"), len(body))
    decoded, _ = decode(body, raw=raw, decoded_length=len(data), trailer_names=[CRC32])
    assert decoded == data


def test_read_all_and_read_none() -> None:
    data = payload(20000, 5)
    reader = AwsChunkedReader(
        io.BytesIO(botocore_body(data, "CRC32", 8192)), decoded_length=20000, trailer_names=[CRC32]
    )
    assert reader.read(0) == b""
    assert reader.read(None) == data
    assert reader.read() == b""


def test_streams_without_buffering_a_chunk() -> None:
    raw = io.BytesIO(b"100000\r\n" + payload(1 << 20))
    reader = AwsChunkedReader(raw, decoded_length=1 << 20)
    assert len(reader.read(10)) == 10
    assert raw.tell() == len(b"100000\r\n") + 10


def test_the_last_read_of_data_checks_the_end() -> None:
    """A caller that reads exactly decoded_length bytes still gets the trailer verified."""
    body = unsigned_body([b"hello"], [f"{CRC32}:AAAAAA=="])
    reader = AwsChunkedReader(io.BytesIO(body), decoded_length=5, trailer_names=[CRC32])
    with pytest.raises(BadDigest):
        reader.read(5)


# -- signed framing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes", [[], [1], [8192], [8192, 8192, 100], [65536, 65536, 65536, 1], [20000, 8192]]
)
def test_signed_chunks_and_on_chunk(sizes: list[int]) -> None:
    chunks = [payload(n, i) for i, n in enumerate(sizes)]
    seen: list[tuple[bytes, str | None]] = []
    decoded, reader = decode(
        signed_body(chunks),
        [3000],
        decoded_length=sum(sizes),
        content_sha256=SIGNED,
        on_chunk=lambda digest, signature: seen.append((digest, signature)),
    )
    assert decoded == b"".join(chunks)
    expected = [(hashlib.sha256(c).digest(), sig(i)) for i, c in enumerate(chunks)]
    assert seen == [*expected, (hashlib.sha256(b"").digest(), sig("final"))]
    assert reader.trailers == {}


def test_signed_trailer() -> None:
    data = payload(10000, 9)
    body = signed_body([data[:8192], data[8192:]], [crc32_trailer(data)], sig("trailer"))
    seen: list[str | None] = []
    decoded, reader = decode(
        body,
        decoded_length=len(data),
        trailer_names=[CRC32],
        content_sha256=SIGNED_TRAILER,
        on_chunk=lambda _digest, signature: seen.append(signature),
    )
    assert decoded == data
    assert seen == [sig(0), sig(1), sig("final")]
    assert reader.trailer_signature == sig("trailer")
    assert reader.trailers == {CRC32: crc32_trailer(data).split(":", 1)[1]}


def test_ecdsa_signatures_are_padded_hex() -> None:
    ecdsa = "3045022100" + "ab" * 65 + "*" * 4  # 144 characters, '*'-padded
    body = b"5;chunk-signature=%s\r\nhello\r\n0;chunk-signature=%s\r\n\r\n" % (
        ecdsa.encode(),
        ecdsa.encode(),
    )
    seen: list[str | None] = []
    decoded, _ = decode(
        body,
        decoded_length=5,
        content_sha256=chunked.STREAMING_ECDSA,
        on_chunk=lambda _d, s: seen.append(s),
    )
    assert decoded == b"hello"
    assert seen == [ecdsa, ecdsa]


def test_unknown_mode_accepts_both_framings() -> None:
    for body in (signed_body([b"abc"]), unsigned_body([b"abc"])):
        assert decode(body, decoded_length=3)[0] == b"abc"


def test_hex_sizes_are_case_insensitive_and_may_have_leading_zeros() -> None:
    data = payload(0x2000 + 0xAB, 11)
    body = b"2000\r\n%s\r\n00AB\r\n%s\r\n0\r\n\r\n" % (data[:0x2000], data[0x2000:])
    assert decode(body, decoded_length=len(data))[0] == data


def test_not_a_payload_mode() -> None:
    with pytest.raises(ValueError):
        AwsChunkedReader(io.BytesIO(b""), decoded_length=0, content_sha256="UNSIGNED-PAYLOAD")


# -- broken framing: IncompleteBody ------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=20000), cut=st.integers(0, 10**6), signed=st.booleans())
def test_every_truncation_is_incomplete_body(data: bytes, cut: int, signed: bool) -> None:
    if signed:
        chunks = [data[:8192], data[8192:]] if len(data) > 8192 else [data]
        body = signed_body([c for c in chunks if c])
        mode, names = SIGNED, []
    else:  # cut before the trailer section (its cuts: test_trailer_section_cut_short)
        body, mode, names = botocore_body(data, "CRC32", 8192), UNSIGNED_TRAILER, [CRC32]
        body = body[: body.rindex(b"0\r\n" + CRC32.encode()) + 2]
    truncated = body[: cut % len(body)]
    assert_terminated(
        fails(truncated, decoded_length=len(data), trailer_names=names, content_sha256=mode)
    )


@pytest.mark.parametrize(
    "body",
    [
        b"zz\r\nhello\r\n0\r\n\r\n",  # not hex
        b"-5\r\nhello\r\n0\r\n\r\n",  # signed
        b" 5\r\nhello\r\n0\r\n\r\n",  # padded
        b"0x5\r\nhello\r\n0\r\n\r\n",  # prefixed
        b"\r\nhello\r\n0\r\n\r\n",  # empty size
        b"11111111111111111\r\n",  # 17 digits
        b"5\nhello\r\n0\r\n\r\n",  # bare LF
        b"5\r\nhello\n0\r\n\r\n",  # bare LF after data
        b"5\r\nhelloXX0\r\n\r\n",  # no CRLF after data
        b"5\r\nhello world\r\n0\r\n\r\n",  # chunk longer than its size
        b"5\r\nhello\r\n0\r\nX\r\n",  # garbage where the trailer section ends
        b"5\r\nhello\r\n0\r\n\r",  # last CRLF cut
        b"5;foo=bar\r\nhello\r\n0\r\n\r\n",  # an extension in an unsigned stream
    ],
)
def test_garbage_framing(body: bytes) -> None:
    assert_terminated(fails(body, decoded_length=5, content_sha256=UNSIGNED_TRAILER))


def test_stray_bytes_after_the_end() -> None:
    """After the trailer section's empty line S3 ignores what is left (Swift's s3api tests,
    written against AWS: junk, more empty lines, another trailer); in a mode without
    trailers they are still stray data."""
    for tail in [b"stray", b"\r\n\r\n", b"\xff\xde\xad", CRC32.encode() + b":AAAAAA==\r\n"]:
        decoded, _ = decode(
            unsigned_body([b"hello"]) + tail, decoded_length=5, content_sha256=UNSIGNED_TRAILER
        )
        assert decoded == b"hello"
    assert_terminated(fails(signed_body([b"hello"]) + b"stray", content_sha256=SIGNED))


def test_trailer_section_cut_short() -> None:
    """S3 takes a trailer section that ends at the body's end without its final CRLF (Swift's
    s3api tests: with a trailer, and with none), not one cut inside a line."""
    body = botocore_body(b"hello")
    decoded, reader = decode(body[:-2], decoded_length=5, trailer_names=[CRC32])
    assert decoded == b"hello" and reader.checksums == {"CRC32": reader.trailers[CRC32]}
    no_trailer = unsigned_body([b"hello"])[:-2]
    assert decode(no_trailer, decoded_length=5, content_sha256=UNSIGNED_TRAILER)[0] == b"hello"
    for cut in (1, 3, 10):  # "\r" left, a line without its LF, a line cut in two
        assert_terminated(fails(body[:-cut], decoded_length=5, trailer_names=[CRC32]))
    cut_before = body[: body.rindex(b"0\r\n") + 3]  # the final chunk, then nothing
    assert_malformed_trailer(fails(cut_before, decoded_length=5, trailer_names=[CRC32]))


@pytest.mark.parametrize(
    "body",
    [
        unsigned_body([b"hello"]),  # no signatures at all
        b"5;chunk-signature=%s\r\nhello\r\n0\r\n\r\n" % sig(0).encode(),  # final unsigned
        b"5;chunk-signature=%s\r\nhello\r\n0;chunk-signature=%s\r\n\r\n"
        % (sig(0)[:63].encode(), sig(1).encode()),  # 63 digits
        b"5;chunk-signature=%s\r\nhello\r\n0;chunk-signature=%s\r\n\r\n"
        % (sig(0).replace(sig(0)[0], "g", 1).encode(), sig(1).encode()),  # not hex
        b"5;chunk-signature%s\r\nhello\r\n0;chunk-signature=%s\r\n\r\n"
        % (sig(0).encode(), sig(1).encode()),  # no '='
        b"5;signature=%s\r\nhello\r\n0;chunk-signature=%s\r\n\r\n"
        % (sig(0).encode(), sig(1).encode()),  # wrong name
    ],
)
def test_bad_chunk_signatures_in_a_signed_stream(body: bytes) -> None:
    assert_terminated(fails(body, decoded_length=5, content_sha256=SIGNED))


def test_signatures_in_an_unsigned_stream() -> None:
    assert_terminated(
        fails(signed_body([b"hello"]), decoded_length=5, content_sha256=UNSIGNED_TRAILER)
    )


def test_header_lines_are_capped() -> None:
    raw = io.BytesIO(b"5" * (10 << 20))
    with pytest.raises(IncompleteBody):
        AwsChunkedReader(raw, decoded_length=None).read(100)
    assert raw.tell() <= chunked.MAX_LINE + 2


def test_trailer_lines_are_capped() -> None:
    raw = io.BytesIO(b"0\r\n" + b"x" * (10 << 20))
    with pytest.raises(IncompleteBody):
        AwsChunkedReader(raw, decoded_length=0).read()
    assert raw.tell() <= 3 + chunked.MAX_LINE + 2


def test_errors_are_sticky() -> None:
    reader = AwsChunkedReader(io.BytesIO(b"zz\r\n"), decoded_length=None)
    with pytest.raises(IncompleteBody) as first:
        reader.read(10)
    with pytest.raises(IncompleteBody) as second:
        reader.read(10)
    assert second.value is first.value


# -- chunk sizes: InvalidChunkSizeError ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "chunk", "bad"),
    [
        ([5, 13], 2, 5),  # AWS: Chunk 2, BadChunkSize 5
        ([3, 2], 2, 3),
        ([8191, 8191, 118], 2, 8191),
        ([8192, 100, 8192], 3, 100),
        ([1000, 1000], 2, 1000),
    ],
)
@pytest.mark.parametrize("signed", [True, False])
def test_small_chunk_before_another(sizes: list[int], chunk: int, bad: int, signed: bool) -> None:
    chunks = [payload(n, n) for n in sizes]
    body = signed_body(chunks) if signed else unsigned_body(chunks)
    error = fails(body, decoded_length=sum(sizes), content_sha256=SIGNED if signed else None)
    assert type(error) is InvalidChunkSizeError
    assert error.status == 403
    assert error.text == "Only the last chunk is allowed to have a size less than 8192 bytes"
    assert error.fields == {"Chunk": str(chunk), "BadChunkSize": str(bad)}


@pytest.mark.parametrize("sizes", [[5], [8192, 5], [8192, 8192, 1], [100000, 8192, 0]])
def test_only_the_last_chunk_may_be_small(sizes: list[int]) -> None:
    chunks = [payload(n, n) for n in sizes if n]
    assert decode(signed_body(chunks), decoded_length=sum(sizes))[0] == b"".join(chunks)


# -- decoded length ------------------------------------------------------------------------------


@pytest.mark.parametrize(("declared", "sent"), [(3, 5), (6, 5), (0, 5), (5, 0), (8192, 20000)])
def test_decoded_length_mismatch(declared: int, sent: int) -> None:
    data = payload(sent, 2)
    body = botocore_body(data, "CRC32", 8192)
    error = fails(body, decoded_length=declared, trailer_names=[CRC32])
    assert type(error) is IncompleteBody
    assert error.text == IncompleteBody.message
    assert error.fields == {"NumberBytesExpected": str(declared), "NumberBytesProvided": str(sent)}


def test_excess_data_is_never_returned() -> None:
    reader = AwsChunkedReader(io.BytesIO(unsigned_body([b"hello"])), decoded_length=3)
    with pytest.raises(IncompleteBody):
        reader.read(1)
    assert reader.bytes_read == 0


def test_broken_framing_while_counting_excess() -> None:
    assert_terminated(fails(b"5\r\nhelloXX", decoded_length=3))


# -- trailers ------------------------------------------------------------------------------------


def test_declared_trailer_missing() -> None:
    body = unsigned_body([b"hello"])
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=UNSIGNED_TRAILER)
    assert_malformed_trailer(error)


def test_trailer_without_declaration() -> None:
    body = unsigned_body([b"hello"], [crc32_trailer(b"hello")])
    assert_malformed_trailer(fails(body, decoded_length=5, content_sha256=UNSIGNED_TRAILER))


@pytest.mark.parametrize(
    "line",
    [
        "x-amz-checksum-crc32c:AAAAAA==",  # another checksum than declared
        "x-invalid-checksum-crc32:AAAAAA==",
        ":AAAAAA==",  # empty name
        "x-amz-trailer-signature:" + sig(0),  # signatures belong to signed streams
    ],
)
def test_trailer_not_the_declared_one(line: str) -> None:
    body = unsigned_body([b"hello"], [line])
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=UNSIGNED_TRAILER)
    assert_malformed_trailer(error)


def test_repeated_trailer_the_last_counts() -> None:
    """S3 keeps the last of a repeated trailer (Swift's s3api tests, written against AWS)."""
    good, bad = crc32_trailer(b"hello"), crc32_trailer(b"hell")
    body = unsigned_body([b"hello"], [bad, good])
    assert decode(body, decoded_length=5, trailer_names=[CRC32])[0] == b"hello"
    error = fails(unsigned_body([b"hello"], [good, bad]), decoded_length=5, trailer_names=[CRC32])
    assert error.code == "BadDigest"


def test_too_many_trailer_lines() -> None:
    names = [f"x-amz-checksum-{a.lower()}" for a in checksums.ALGORITHMS] + [
        f"x-amz-meta-{i}" for i in range(chunked.MAX_TRAILERS)
    ]
    lines = [f"{n}:v" for n in names]
    assert_malformed_trailer(fails(unsigned_body([b"hello"], lines), trailer_names=names))


def test_trailer_line_without_colon() -> None:
    body = unsigned_body([b"hello"], ["no-colon-here"])
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=UNSIGNED_TRAILER)
    assert_terminated(error)


def test_trailer_in_a_mode_without_trailers() -> None:
    body = signed_body([b"hello"], ["x-amz-checksum-crc32:AAAA"])
    assert_terminated(fails(body, decoded_length=5, content_sha256=SIGNED))


def test_a_declared_trailer_in_a_mode_without_trailers() -> None:
    """x-amz-trailer beside a non-TRAILER mode: its checksum never comes (was a KeyError, 500)."""
    body = signed_body([b"abc"])
    error = fails(body, decoded_length=3, trailer_names=[CRC32], content_sha256=SIGNED)
    assert_malformed_trailer(error)


@pytest.mark.parametrize(
    ("trailers", "trailer_signature"),
    [
        ([], sig("t")),  # checksum missing
        ([crc32_trailer(b"hello")], None),  # trailer signature missing
    ],
)
def test_signed_trailer_incomplete(trailers: list[str], trailer_signature: str | None) -> None:
    body = signed_body([b"hello"], trailers, trailer_signature)
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=SIGNED_TRAILER)
    assert_terminated(error)


def test_nothing_may_follow_the_trailer_signature() -> None:
    body = (
        signed_body([b"hello"], [], sig("t"))[:-2] + crc32_trailer(b"hello").encode() + b"\r\n\r\n"
    )
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=SIGNED_TRAILER)
    assert_terminated(error)


def test_malformed_trailer_signature() -> None:
    body = signed_body([b"hello"], [crc32_trailer(b"hello")], "xyz")
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=SIGNED_TRAILER)
    assert_terminated(error)


@pytest.mark.parametrize("algorithm", checksums.ALGORITHMS)
def test_trailer_checksum_mismatch(algorithm: str) -> None:
    name = checksums.header_name(algorithm)
    wrong = checksums.encode(checksums.compute(algorithm, b"other data"))
    body = unsigned_body([b"hello"], [f"{name}:{wrong}"])
    error = fails(body, decoded_length=5, trailer_names=[name], content_sha256=UNSIGNED_TRAILER)
    assert type(error) is BadDigest
    assert error.status == 400
    assert error.text == f"The {algorithm} you specified did not match the calculated checksum."


@pytest.mark.parametrize("value", ["", "AAAA", "cbf43926", "AAAAAA", "AAAAAAAAAAA="])
def test_trailer_checksum_invalid(value: str) -> None:
    body = unsigned_body([b"hello"], [f"{CRC32}:{value}"])
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=UNSIGNED_TRAILER)
    assert type(error) is InvalidRequest
    assert error.text == "Value for x-amz-checksum-crc32 trailing header is invalid."


def test_signed_trailer_checksum_mismatch() -> None:
    body = signed_body([b"hello"], [crc32_trailer(b"jello")], sig("t"))
    error = fails(body, decoded_length=5, trailer_names=[CRC32], content_sha256=SIGNED_TRAILER)
    assert type(error) is BadDigest


# -- header helpers ------------------------------------------------------------------------------


def test_parse_decoded_length() -> None:
    assert chunked.parse_decoded_length("0") == 0
    assert chunked.parse_decoded_length("5368709120") == 5368709120
    for bad in (None, "", "abc", "-1", "1.5", " 5", "٥"):
        with pytest.raises(MissingContentLength) as caught:
            chunked.parse_decoded_length(bad)
        assert caught.value.status == 411


def test_parse_trailer_header() -> None:
    assert chunked.parse_trailer_header(None) == ()
    assert chunked.parse_trailer_header("X-Amz-Checksum-CRC32C") == ("x-amz-checksum-crc32c",)
    assert chunked.parse_trailer_header("x-amz-checksum-crc32, x-amz-checksum-sha256") == (
        "x-amz-checksum-crc32",
        "x-amz-checksum-sha256",
    )
    for bad in ("x-amz-checksum-sha10", "x-amz-meta-a", "x-amz-checksum-mode"):
        with pytest.raises(InvalidRequest) as caught:
            chunked.parse_trailer_header(bad)
        assert caught.value.text == chunked.UNSUPPORTED_TRAILER


def test_payload_mode() -> None:
    assert chunked.payload_mode(UNSIGNED_TRAILER) == (False, True)
    assert chunked.payload_mode(SIGNED) == (True, False)
    assert chunked.payload_mode(SIGNED_TRAILER) == (True, True)
    assert chunked.payload_mode(chunked.STREAMING_ECDSA_TRAILER) == (True, True)
    assert chunked.payload_mode("UNSIGNED-PAYLOAD") is None
    assert chunked.payload_mode(None) is None


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (None, None),
        ("aws-chunked", None),
        ("aws-chunked,gzip", "gzip"),
        ("aws-chunked, gzip", "gzip"),
        ("gzip,aws-chunked", "gzip"),
        ("gzip, aws-chunked", "gzip"),
        ("gzip,aws-chunked,br", "gzip,br"),
        ("gzip, aws-chunked, br", "gzip, br"),
        ("aws-chunked, aws-chunked", None),
        ("AWS-Chunked", None),
        ("deflate, gzip", "deflate, gzip"),
        ("gzip", "gzip"),
    ],
)
def test_strip_aws_chunked(sent: str | None, stored: str | None) -> None:
    assert strip_aws_chunked(sent) == stored


def test_a_signed_stream_shorter_than_declared_is_cut_short() -> None:
    """Signed framing that ends before x-amz-decoded-content-length: S3 answers the plain
    "terminated unexpectedly", without the byte counts it gives unsigned framing (Swift's s3api
    tests, written against AWS); longer than declared keeps the counts."""
    short = fails(signed_body([b"hello"]), decoded_length=205, content_sha256=SIGNED)
    assert_terminated(short)
    long = fails(signed_body([b"hello"]), decoded_length=3, content_sha256=SIGNED)
    assert long.fields == {"NumberBytesExpected": "3", "NumberBytesProvided": "5"}
