"""RequestBody hands the store the checksum it verified, so the store need not compute it."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import threading
import zlib
from pathlib import Path

import pytest
from stored_blobs import stored_blobs

from fakes3.errors import BadDigest, InvalidRequest
from fakes3.protocol.body import RequestBody
from fakes3.protocol.checksums import new_checksum
from fakes3.protocol.digests import Digests
from fakes3.store.blobs import MemoryBlobs, write_stream
from fakes3.store.blobs_inline import InlineBlobs

DATA = b"the quick brown fox" * 1000
CRC32 = base64.b64encode(zlib.crc32(DATA).to_bytes(4, "big")).decode()


def chunked(data: bytes, trailer: str) -> bytes:
    return b"%x\r\n%s\r\n0\r\n%s\r\n\r\n" % (len(data), data, trailer.encode())


def test_a_checksum_header_is_handed_on_once_verified() -> None:
    body = RequestBody(io.BytesIO(DATA), {"x-amz-checksum-crc32": CRC32}, len(DATA))
    assert body.verified_checksum() is None  # nothing is verified before the end
    written = write_stream(MemoryBlobs(), body, ["CRC32"])
    assert written.checksums == {"CRC32": CRC32}
    assert body.verified_checksum() == CRC32


def test_a_trailer_checksum_is_handed_on_once_verified() -> None:
    raw = chunked(DATA, f"x-amz-checksum-crc32:{CRC32}")
    headers = {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(DATA)),
        "x-amz-trailer": "x-amz-checksum-crc32",
    }
    body = RequestBody(io.BytesIO(raw), headers, len(raw))
    written = write_stream(MemoryBlobs(), body, ["CRC32", "SHA256"])
    assert written.checksums["CRC32"] == CRC32
    assert written.size == len(DATA)


def test_a_wrong_checksum_stores_nothing() -> None:
    blobs = MemoryBlobs()
    wrong = base64.b64encode(b"\0\0\0\0").decode()
    body = RequestBody(io.BytesIO(DATA), {"x-amz-checksum-crc32": wrong}, len(DATA))
    with pytest.raises(BadDigest):
        write_stream(blobs, body, ["CRC32"])
    assert blobs._blobs == {}


@pytest.mark.parametrize("name", ["x-amz-checksum-sha256a", "x-amz-checksum-foo"])
def test_a_checksum_header_of_no_algorithm_is_refused(name: str) -> None:
    """It was ignored and the body stored unchecked."""
    with pytest.raises(InvalidRequest) as refused:
        RequestBody(io.BytesIO(DATA), {name: CRC32}, len(DATA))
    assert refused.value.text == (
        "The algorithm type you specified in x-amz-checksum- header is invalid."
    )


@pytest.mark.parametrize(
    "name", ["x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-mode"]
)
def test_checksum_settings_are_no_checksum_headers(name: str) -> None:
    body = RequestBody(io.BytesIO(DATA), {name: "CRC32"}, len(DATA))
    assert body.checksum_algorithm is None


def test_an_sdk_algorithm_of_no_algorithm_is_refused() -> None:
    headers = {"x-amz-checksum-crc32": CRC32, "x-amz-sdk-checksum-algorithm": "FOO"}
    body = RequestBody(io.BytesIO(DATA), headers, len(DATA))
    with pytest.raises(InvalidRequest) as refused:
        body.check_sdk_algorithm()
    assert refused.value.text == "Value for x-amz-sdk-checksum-algorithm header is invalid."


def test_digests_of_a_large_stream_match_hashing_it_whole() -> None:
    data = os.urandom(1 << 20) * 9  # past the point where a second thread takes over
    md5, crc = hashlib.md5(), new_checksum("CRC64NVME")
    digests = Digests([md5, crc])
    for start in range(0, len(data), 256 * 1024):
        digests.update(data[start : start + 256 * 1024])
    digests.finish()
    digests.finish()  # idempotent
    digests.update(b"tail")  # after finishing, hashed inline and still in order
    assert md5.digest() == hashlib.md5(data + b"tail").digest()
    whole = new_checksum("CRC64NVME")
    whole.update(data + b"tail")
    assert crc.digest() == whole.digest()
    assert all(thread.name != "fakes3-digests" for thread in threading.enumerate())


class _BrokenHasher:
    """Fails on its first chunk past the inline part, as a faulty checksum would."""

    def __init__(self) -> None:
        self.seen = 0

    def update(self, chunk: bytes) -> None:
        self.seen += len(chunk)
        if self.seen > 5 * (1 << 20):
            raise RuntimeError("hasher broke")


def test_a_hasher_failing_on_the_thread_never_blocks_the_request_and_is_raised() -> None:
    """The queue is bounded: had the hashing thread died, the request thread's next puts
    would wait for ever. Its error comes back from ``finish()`` instead."""
    digests = Digests([_BrokenHasher()])
    chunk = b"x" * (256 * 1024)
    done = threading.Event()

    def feed() -> None:
        for _ in range(100):  # 25 MiB: far more chunks than the queue holds
            digests.update(chunk)
        done.set()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    assert done.wait(30), "update() blocked after the hashing thread failed"
    with pytest.raises(RuntimeError, match="hasher broke"):
        digests.finish()
    digests.finish()  # raised once


class _CutShort:
    """A body that breaks after 6 MiB, once the hashing thread has taken over."""

    def __init__(self) -> None:
        self.sent = 0

    def read(self, size: int = -1) -> bytes:
        if self.sent >= 6 * (1 << 20):
            raise ConnectionResetError("client went away")
        self.sent += 1 << 20
        return b"y" * (1 << 20)


def test_a_body_cut_short_past_the_hashing_threshold_leaves_nothing(tmp_path: Path) -> None:
    blobs = InlineBlobs(str(tmp_path))
    with pytest.raises(ConnectionResetError):
        write_stream(blobs, _CutShort(), ["CRC32"])
    assert stored_blobs(tmp_path) == {} and not any((tmp_path / "tmp").iterdir())
    assert all(thread.name != "fakes3-digests" for thread in threading.enumerate())
