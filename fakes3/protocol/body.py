"""Request bodies as operations read them: framing undone, integrity checked at the end.

A ``RequestBody`` streams. It stops at ``Content-Length`` (``IncompleteBody`` if the client
sends less), decodes ``aws-chunked`` framing (checking each chunk's signature when the app
hands it the request's ``ChunkVerifier``), and hashes what passes through for every digest
the client claimed: ``Content-MD5``, a hex ``x-amz-content-sha256``, one ``x-amz-checksum-*``
header or trailer. When the last byte has been read it compares them and raises the error S3
would; the store only commits an object after reading to the end, so a bad body stores nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Protocol

from fakes3.errors import (
    BadDigest,
    IncompleteBody,
    InvalidArgument,
    InvalidRequest,
    MalformedTrailerError,
    XAmzContentSHA256Mismatch,
)
from fakes3.protocol import checksums
from fakes3.protocol.chunked import (
    PAYLOAD_MODES,
    AwsChunkedReader,
    parse_decoded_length,
    parse_trailer_header,
    payload_mode,
)
from fakes3.protocol.digests import Digests
from fakes3.protocol.hashes import md5_for, sha256_for

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
# "<base64>-<parts>": a composite multipart checksum, as CompleteMultipartUpload may name it
_PART_COUNT = re.compile(r"(.+)-([1-9][0-9]{0,4})")
_UNSIGNED = "UNSIGNED-PAYLOAD"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


# Unread body bytes discarded after an answer to keep the connection; past this it closes
# (fakes3/server.py holds cheroot to the same).
DRAIN_LIMIT = 1 << 20


def _sha256_mismatch(sent: str) -> Callable[[bytes], Exception]:
    """S3 names both hashes: the header as sent and its own, in hex (Swift's s3api tests,
    written against AWS, pin the two elements)."""
    return lambda computed: XAmzContentSHA256Mismatch(
        ClientComputedContentSHA256=sent, S3ComputedContentSHA256=computed.hex()
    )


def _md5_mismatch(expected: bytes) -> Callable[[bytes], Exception]:
    """S3 reflects the ``Content-MD5`` sent in hex and its own in base64 (Swift's s3api tests:
    "AWS needs b64 in headers, but reflects back hex"; captured AWS answers agree)."""
    return lambda computed: BadDigest(
        ExpectedDigest=expected.hex(), CalculatedDigest=checksums.encode(computed)
    )


class ChunkVerifier(Protocol):
    """Checks aws-chunked chunk and trailer signatures (``fakes3.auth.sigv4.ChunkSigner``)."""

    def on_chunk(self, digest: bytes, signature: str | None) -> None: ...

    def on_trailer(self, trailers: dict[str, str], signature: str | None) -> None: ...


# A body of at most this many bytes is taken from the socket in one read at its first use,
# then read from memory: the server's socket reader is pure Python (cheroot reads through
# ``_pyio``), and a small aws-chunked PUT is otherwise half a dozen reads and readlines
# through it (~0.2 ms of a 1 KiB PUT inside a running server).
READ_AT_ONCE_MAX = 64 * 1024


class LimitedInput:
    """Reads exactly ``length`` bytes of the raw input; fewer means the client gave up."""

    def __init__(self, raw: BinaryIO, length: int | None) -> None:
        self._raw = raw
        self._remaining = length  # None: read to EOF (Transfer-Encoding: chunked)
        self._at_once = length is not None and 0 < length <= READ_AT_ONCE_MAX

    def read(self, size: int = -1) -> bytes:
        if self._at_once:
            self._read_at_once()
        return self._take(self._raw.read, size)

    def readline(self, limit: int = -1) -> bytes:
        if self._at_once:
            self._read_at_once()
        return self._take(self._raw.readline, limit)

    def _read_at_once(self) -> None:
        """Move what the client sends of a small body into memory (all of it, or what came
        before the connection ended: ``_take`` then finds the rest missing, as it would have
        from the socket)."""
        self._at_once = False
        wanted = self._remaining or 0
        parts = []
        while wanted > 0:
            data = self._read(self._raw.read, wanted)
            if not data:
                break
            parts.append(data)
            wanted -= len(data)
        self._raw = io.BytesIO(b"".join(parts))

    def _take(self, method: Callable[[int], bytes], size: int) -> bytes:
        remaining = self._remaining
        if remaining is None:
            return self._read(method, size)
        if remaining <= 0:
            return b""
        data = self._read(method, remaining if size < 0 else min(size, remaining))
        if not data:
            raise IncompleteBody()
        self._remaining = remaining - len(data)
        return data

    @staticmethod
    def _read(method: Callable[[int], bytes], size: int) -> bytes:
        """A broken or cut-short transfer (bad HTTP chunking, a dropped socket) is S3's
        IncompleteBody, not a server error."""
        try:
            return method(size)
        except (OSError, ValueError) as exc:
            raise IncompleteBody() from exc

    def drain(self, limit: int = DRAIN_LIMIT) -> bool:
        """Discard up to ``limit`` unread bytes so keep-alive can go on; False if more remain
        (also when the client holds the body back until told to continue: fakes3/server.py)."""
        if getattr(self._raw, "continue_pending", False):
            return self._remaining == 0
        try:
            while limit > 0:
                data = self.read(min(65536, limit))
                if not data:
                    return True
                limit -= len(data)
        except IncompleteBody:
            return False
        return self._remaining is not None and self._remaining <= 0


# x-amz-checksum-* headers that name no checksum value: what a write asks for
# (CreateMultipartUpload's algorithm and type) or a read wants (GetObject's mode).
_CHECKSUM_SETTINGS = frozenset(
    {"x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-mode"}
)


class RequestBody:
    """The decoded, verified body of one request; see the module docstring."""

    def __init__(
        self,
        raw: BinaryIO,
        headers: Mapping[str, str],
        length: int | None,
        signer: ChunkVerifier | None = None,
        *,
        claimed_hash: bool = False,
    ) -> None:
        self.input = LimitedInput(raw, length)
        # SigV2 and presigned requests: x-amz-content-sha256 only claims the body's hash
        self._claimed_hash = claimed_hash
        self._signer = signer  # verifies STREAMING-AWS4-HMAC-SHA256-PAYLOAD* chunk signatures
        self._source: Any = self.input
        # (hasher, expected digest, the error to raise if they differ: built only then, from
        # the digest computed)
        self._checks: list[tuple[Any, bytes, Callable[[bytes], Exception]]] = []
        self._trailer: str | None = None  # verified by the aws-chunked reader itself
        self._empty_hashed = False  # the signed hash of an announced empty body
        self._header_check: tuple[Any, bytes, Callable[[bytes], Exception]] | None = None
        self._done = False
        self._digests: Digests | None = None  # made at the first read, once checks are final
        self.checksum_algorithm: str | None = None
        self.framed = False  # aws-chunked framing decoded: "aws-chunked" is then no encoding
        self._sdk_error: Exception | None = None  # see check_sdk_algorithm
        self.size_hint = length  # the decoded size when known (hashers are chosen by it)
        self._setup(headers, length)

    def _setup(self, headers: Mapping[str, str], length: int | None) -> None:
        sent_sha = headers.get("x-amz-content-sha256")
        # x-amz-trailer is judged on a request with a body (S3's answers are known for those)
        trailer_names = parse_trailer_header(headers.get("x-amz-trailer")) if length != 0 else ()
        if self._claimed_hash and sent_sha is not None and sent_sha != _UNSIGNED:
            self._setup_claim(headers, sent_sha, length)
            streaming = False
        else:
            streaming = self._setup_payload(headers, sent_sha, length, trailer_names)
        self._setup_md5(headers.get("content-md5"), length)
        self._setup_checksum_headers(headers, len(trailer_names))
        if trailer_names and not streaming:  # a trailer declared, but no framing to carry it
            raise MalformedTrailerError()

    def _setup_payload(
        self,
        headers: Mapping[str, str],
        sent_sha: str | None,
        length: int | None,
        trailer_names: tuple[str, ...],
    ) -> bool:
        """x-amz-content-sha256 as SigV4 defines it: a payload hash or mode; True when the
        body is aws-chunked framing, decoded as it is read."""
        content_sha = sent_sha or ""
        encoding = headers.get("content-encoding", "")
        # Framing is announced by a STREAMING-* payload hash (or, unsigned, by a decoded length);
        # "aws-chunked" in Content-Encoding alone is just a label S3 strips from what it stores.
        if sent_sha is not None and not (
            content_sha in PAYLOAD_MODES
            or content_sha == _UNSIGNED
            or _SHA256_HEX.fullmatch(content_sha)
        ):  # only the values SigV4 documents: STREAMING-FOO is no framing to guess at
            raise InvalidArgument(
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-"
                "TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-"
                "PAYLOAD-TRAILER or a valid sha256 value.",
                ArgumentName="x-amz-content-sha256",
                ArgumentValue=content_sha,
            )
        # A payload hash in hex is the hash of the body as sent: no framing is decoded behind
        # it, or a signed hash would never be compared with what is stored.
        hashed = content_sha not in ("", _UNSIGNED)
        streaming = content_sha in PAYLOAD_MODES or (
            not hashed
            and "aws-chunked" in encoding.lower()
            and "x-amz-decoded-content-length" in headers
        )
        if streaming:
            # S3 insists on the decoded length, whatever the HTTP framing (411 without it,
            # even inside Transfer-Encoding: chunked: Swift's s3api tests, against AWS)
            decoded_length = parse_decoded_length(headers.get("x-amz-decoded-content-length"))
            self.size_hint = decoded_length
            mode = payload_mode(content_sha)
            signer = self._signer if mode is not None and mode[0] else None
            self.framed = True
            self._source = AwsChunkedReader(
                self.input,
                decoded_length=decoded_length,
                trailer_names=trailer_names,
                content_sha256=content_sha if mode else None,
                on_chunk=signer.on_chunk if signer is not None else None,
                on_trailer=signer.on_trailer if signer is not None else None,
            )
            for name in trailer_names:
                self._trailer = checksums.algorithm_from_header(name)
                self.checksum_algorithm = self._trailer
        elif hashed and length == 0 and content_sha.lower() == _EMPTY_SHA256:
            # No body, and the hash of none: nothing to compute (every GET and HEAD), but a
            # proof of the (empty) body all the same.
            self._empty_hashed = True
        elif hashed:
            self._checks.append(
                (sha256_for(length), bytes.fromhex(content_sha), _sha256_mismatch(content_sha))
            )
        return streaming

    def _setup_claim(self, headers: Mapping[str, str], sent: str, length: int | None) -> None:
        """Outside a SigV4 Authorization header the value names no framing and no payload
        mode: S3 compares it, whatever it is, with the hash of the body as sent, and checks a
        STREAMING-* value's ``x-amz-decoded-content-length`` against the Content-Length (Swift's
        s3api tests, written against AWS; a GET or HEAD, whose body is never read, is not
        judged)."""
        if sent in PAYLOAD_MODES:  # a STREAMING-* value still wants its decoded length
            declared = parse_decoded_length(headers.get("x-amz-decoded-content-length"))
            if length is not None and declared != length:
                raise IncompleteBody(NumberBytesExpected=declared, NumberBytesProvided=length)
        expected = bytes.fromhex(sent) if _SHA256_HEX.fullmatch(sent) else b""  # b"": no match
        self._checks.append((sha256_for(length), expected, _sha256_mismatch(sent)))

    def _setup_md5(self, value: str | None, length: int | None) -> None:
        if value is None:
            return
        expected = checksums.decode_md5(value)
        self._checks.append((md5_for(length), expected, _md5_mismatch(expected)))

    def _setup_checksum_headers(self, headers: Mapping[str, str], trailers: int) -> None:
        found = []
        for name, value in headers.items():
            if name.startswith("x-amz-checksum-"):
                algorithm = checksums.algorithm_from_header(name)
                if algorithm is not None:
                    found.append((algorithm, value))
                elif name not in _CHECKSUM_SETTINGS:  # x-amz-checksum-sha256a: no algorithm
                    raise InvalidRequest(
                        "The algorithm type you specified in x-amz-checksum- header is invalid."
                    )
        if len(found) == trailers == 1:  # a header and a trailer (Swift's tests, vs AWS)
            raise InvalidRequest("Expecting a single x-amz-checksum- header")
        if len(found) + trailers > 1:
            raise InvalidRequest(
                "Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                "allowed."
            )
        sdk_algorithm = headers.get("x-amz-sdk-checksum-algorithm", "").upper()
        if found:
            algorithm, value = found[0]
            composite = _PART_COUNT.fullmatch(value)
            counted = composite is not None
            expected = checksums.decode_value(algorithm, composite[1] if composite else value)

            def mismatch(_computed: bytes) -> Exception:
                if counted:  # a multipart object's checksum: CompleteMultipartUpload's alone
                    return InvalidRequest(
                        f"Value for {checksums.header_name(algorithm)} header is invalid."
                    )
                return BadDigest(
                    f"The {algorithm} you specified did not match the calculated checksum."
                )

            if counted:
                expected = b""  # no body has it (ignore_checksum_headers takes it off first)

            self._header_check = (checksums.new_checksum(algorithm), expected, mismatch)
            self._checks.append(self._header_check)
            self.checksum_algorithm = algorithm
        if sdk_algorithm and sdk_algorithm not in checksums.ALGORITHMS:
            self._sdk_error = InvalidRequest(
                "Value for x-amz-sdk-checksum-algorithm header is invalid."
            )
        elif sdk_algorithm and self.checksum_algorithm is None:
            self._sdk_error = InvalidRequest(
                "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* "
                "or x-amz-trailer headers were found."
            )
        elif sdk_algorithm and sdk_algorithm != self.checksum_algorithm:
            # API_PutObject.html (ChecksumAlgorithm) says BadDigest, but S3 answers this
            # (Swift's s3api tests, written against AWS, for a header and for a trailer alike).
            self._sdk_error = InvalidRequest(
                "Value for x-amz-sdk-checksum-algorithm header is invalid."
            )

    def check_sdk_algorithm(self) -> None:
        """``x-amz-sdk-checksum-algorithm`` against the checksum sent, for the operations whose
        model has that header (``httpChecksum.requestAlgorithmMember``); on others, such as
        the listings, it is a header S3 does not read."""
        if self._sdk_error is not None:
            raise self._sdk_error

    def ignore_checksum_headers(self) -> None:
        """Leave ``x-amz-checksum-*`` headers to the operation: CompleteMultipartUpload's name
        the object it assembles, not its XML body."""
        if self._header_check is not None:
            self._checks.remove(self._header_check)
            self._header_check = None
            self.checksum_algorithm = self._trailer

    def verified_checksum(self) -> str | None:
        """The base64 ``checksum_algorithm`` value the client sent and the body matched, once
        read to the end (so the store need not compute it again); None before or without."""
        if not self._done or self.checksum_algorithm is None:
            return None
        if self._header_check is not None:
            return checksums.encode(self._header_check[1])
        if self._trailer is not None:
            trailers: dict[str, str] = getattr(self._source, "trailers", {})
            sent = trailers.get(checksums.HEADER_PREFIX + self._trailer.lower())
            return (
                None
                if sent is None
                else checksums.encode(checksums.decode_value(self._trailer, sent))
            )
        return None

    @property
    def has_integrity_check(self) -> bool:
        """Whether the client sent a digest S3 accepts as proof of the body (DeleteObjects)."""
        return bool(self._checks) or self._empty_hashed or self._trailer is not None

    def read(self, size: int = -1) -> bytes:
        if self._done:
            return b""
        data: bytes = self._source.read(size)
        if data:
            if self._digests is None:
                self._digests = Digests([hasher for hasher, _expected, _error in self._checks])
            self._digests.update(data)
            if size < 0:
                self._finish()
            return data
        self._finish()
        return b""

    def _finish(self) -> None:
        self._done = True
        if self._digests is not None:
            self._digests.finish()
        for hasher, expected, error in self._checks:
            computed = hasher.digest()
            if computed != expected:
                raise error(computed)

    def drain(self) -> bool:
        """After the answer: stop hashing (a body left half read) and discard what is left."""
        if self._digests is not None:
            self._digests.finish()
        return self.input.drain()
