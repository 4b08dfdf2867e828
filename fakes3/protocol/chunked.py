"""``Content-Encoding: aws-chunked`` request bodies, decoded as they stream in.

The framing (AWS S3 API reference, "sigv4-streaming" and "sigv4-streaming-trailers")::

    <hex-size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n      repeated; only the last data chunk
                                                          may be under 8192 bytes
    0[;chunk-signature=<sig>]\\r\\n                          the final, empty chunk
    <name>:<value>\\r\\n                                    trailer modes only, e.g. a checksum
    x-amz-trailer-signature:<sig>\\r\\n                     signed trailer mode only
    \\r\\n

boto3 over HTTPS sends ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` framing with 1 MiB chunks, no
signatures and one ``x-amz-checksum-*`` trailer, inside ``Transfer-Encoding: chunked``.

Errors are the ones S3 answers, raised as soon as the stream is seen to be broken (codes,
messages and the ``Chunk``/``NumberBytes*`` fields as recorded from AWS by S3-compatible
servers that probe it, e.g. versitygw's issue tracker):

* broken framing, EOF, a bad size or signature, stray data: ``IncompleteBody``
  "The request body terminated unexpectedly" (in the trailer modes, S3 takes a trailer
  section cut at the body's end without its final CRLF, ignores what follows its empty line
  and keeps the last of a repeated trailer: Swift's s3api tests, written against AWS);
* decoded length differs from ``x-amz-decoded-content-length``: ``IncompleteBody`` with the
  Content-Length message and ``NumberBytesExpected``/``NumberBytesProvided``;
* a data chunk under 8192 bytes followed by another: ``InvalidChunkSizeError`` (403), with
  ``Chunk`` = the 1-based number of the chunk whose header revealed it and ``BadChunkSize``;
* a trailer missing, undeclared or not the declared one: ``MalformedTrailerError`` (400);
* a trailer checksum that is not valid base64 of the right size: ``InvalidRequest``
  "Value for x-amz-checksum-crc32 trailing header is invalid."; one that does not match the
  data: ``BadDigest`` "The CRC32 you specified did not match the calculated checksum.".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Protocol

from fakes3 import errors
from fakes3.errors import IncompleteBody, InvalidChunkSizeError, InvalidRequest, S3Error
from fakes3.protocol import checksums
from fakes3.protocol.hashes import Hash, sha256_for
from fakes3.protocol.numbers import decimal

STREAMING_UNSIGNED_PAYLOAD_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_HMAC = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_HMAC_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_ECDSA = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_ECDSA_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"

# x-amz-content-sha256 value -> (chunks are signed, a trailer section follows the last chunk)
PAYLOAD_MODES: dict[str, tuple[bool, bool]] = {
    STREAMING_UNSIGNED_PAYLOAD_TRAILER: (False, True),
    STREAMING_HMAC: (True, False),
    STREAMING_HMAC_TRAILER: (True, True),
    STREAMING_ECDSA: (True, False),
    STREAMING_ECDSA_TRAILER: (True, True),
}

MIN_CHUNK_SIZE = 8192
MAX_LINE = 4096  # a chunk header or trailer line; longer is garbage, not worth buffering
MAX_TRAILERS = 16
TRAILER_SIGNATURE = "x-amz-trailer-signature"

TERMINATED = "The request body terminated unexpectedly"
MALFORMED_TRAILER = (
    "The request contained trailing data that was not well-formed or did not conform to our "
    "published schema."
)
UNSUPPORTED_TRAILER = "The value specified in the x-amz-trailer header is not supported"

_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")
# HMAC signatures are 64 hex digits; SigV4a (ECDSA) ones are DER in hex, '*'-padded to 144.
_HMAC_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_ANY_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}|[0-9a-fA-F*]{64,144}")
_CHUNK_SIGNATURE = b"chunk-signature"
_EMPTY_SHA256 = hashlib.sha256(b"").digest()
_READ_ALL = 1 << 20


class _LineReader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


def _terminated() -> IncompleteBody:
    return IncompleteBody(TERMINATED)


def _malformed_trailer() -> S3Error:
    return errors.MalformedTrailerError(MALFORMED_TRAILER)


def _length_mismatch(expected: int, provided: int) -> IncompleteBody:
    return IncompleteBody(NumberBytesExpected=expected, NumberBytesProvided=provided)


def payload_mode(content_sha256: str | None) -> tuple[bool, bool] | None:
    """``(signed, trailer)`` for a STREAMING-* ``x-amz-content-sha256`` value, else None."""
    return PAYLOAD_MODES.get(content_sha256 or "")


def parse_decoded_length(value: str | None) -> int:
    """``x-amz-decoded-content-length``; S3 answers ``MissingContentLength`` if absent or bad."""
    length = None if value is None else decimal(value)
    if length is None:
        raise errors.MissingContentLength()
    return length


def parse_trailer_header(value: str | None) -> tuple[str, ...]:
    """The lower-cased names in ``x-amz-trailer``; S3 only accepts checksum headers there.

    Split as S3 splits it (Swift's s3api tests, written against AWS): empty items at the end
    are dropped (``crc32,,`` and ``crc32, `` pass), any other empty item is unsupported
    (``, crc32``, ``crc32, ,``).
    """
    if not value or not value.strip():
        return ()
    items = value.strip().split(",")
    while items and not items[-1]:
        items.pop()
    names = tuple(item.strip().lower() for item in items)
    for name in names:
        if checksums.algorithm_from_header(name) is None:
            raise InvalidRequest(UNSUPPORTED_TRAILER)
    return names


def strip_aws_chunked(content_encoding: str | None) -> str | None:
    """The Content-Encoding S3 stores: the list without ``aws-chunked``, None if nothing is left.

    S3 keeps the remaining codings and their separators as sent
    ("gzip, aws-chunked, br" -> "gzip, br").
    """
    if content_encoding is None:
        return None
    parts = content_encoding.split(",")
    kept = [part for part in parts if part.strip().lower() != "aws-chunked"]
    if len(kept) == len(parts):
        return content_encoding
    result = ",".join(kept).strip()
    return result or None


class AwsChunkedReader:
    """Decodes an aws-chunked body as it is read, with bounded memory.

    ``raw`` needs ``read(n)`` and ``readline(limit)`` (a WSGI input does). ``decoded_length`` is
    ``x-amz-decoded-content-length`` (None: unchecked); ``trailer_names`` the lower-cased
    names from ``x-amz-trailer``; ``content_sha256`` the ``x-amz-content-sha256`` value, which
    says whether chunks are signed and whether a trailer section follows (None: accept either).

    ``on_chunk(sha256_digest, signature)`` is called once per chunk, the final empty one
    included, after the chunk has been read: with the SHA-256 digest of the chunk's data (what
    the chunk string-to-sign hashes; passing the digest keeps memory bounded for large chunks)
    and its ``chunk-signature`` (None when unsigned). It may raise to reject the chunk.
    ``on_trailer(trailers, signature)`` is called once the trailer section has been read (trailer
    modes only), before checksums are compared, with the trailers as sent and the
    ``x-amz-trailer-signature`` (None when unsigned); it may raise too. Both raise before the
    ``read`` that would deliver the chunk's last byte returns, so a rejected chunk is never
    seen whole, and the end of the body is never reached.

    The end of the body (final chunk, decoded length, trailers) is checked by the ``read`` that
    delivers the last data byte, so a caller that stops after ``decoded_length`` bytes is still
    covered; ``read`` then returns ``b""``. Checksum trailers are verified here against the data
    (the one place for it), and the verified base64 values are in ``checksums`` (algorithm ->
    value); ``trailers`` holds every trailer as sent. Once an error is raised, every later
    ``read`` raises it again.
    """

    def __init__(
        self,
        raw: _LineReader,
        *,
        decoded_length: int | None,
        trailer_names: Sequence[str] = (),
        on_chunk: Callable[[bytes, str | None], None] | None = None,
        content_sha256: str | None = None,
        on_trailer: Callable[[dict[str, str], str | None], None] | None = None,
    ) -> None:
        self._raw = raw
        self._decoded_length = decoded_length
        self._trailer_names = tuple(n.strip().lower() for n in trailer_names if n.strip())
        self._on_chunk = on_chunk
        self._on_trailer = on_trailer
        mode = PAYLOAD_MODES.get(content_sha256 or "")
        if content_sha256 is not None and mode is None:
            raise ValueError(f"not an aws-chunked payload mode: {content_sha256!r}")
        self._signed: bool | None = mode[0] if mode else None
        self._trailer_mode = mode[1] if mode else True
        self._signature_re = (
            _HMAC_SIGNATURE if content_sha256 and "HMAC" in content_sha256 else _ANY_SIGNATURE
        )
        self._running: dict[str, checksums.Checksum] = {}
        for name in self._trailer_names:
            algorithm = checksums.algorithm_from_header(name)
            if algorithm is not None:
                self._running[algorithm] = checksums.new_checksum(algorithm)
        self._updates = [c.update for c in self._running.values()]
        self._chunk_hash: Hash | None = None
        self._chunk_signature: str | None = None
        self._started = False
        self._done = False
        self._error: S3Error | None = None
        self._remaining = 0  # undelivered bytes of the current data chunk
        self._chunks = 0
        self._previous_size: int | None = None
        self._declared = 0  # sum of the chunk sizes seen so far
        self.bytes_read = 0
        self.trailers: dict[str, str] = {}
        self.trailer_signature: str | None = None
        self.checksums: dict[str, str] = {}

    # -- reading -------------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` decoded bytes (all if negative); ``b""`` once the body is complete."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_READ_ALL), b""))
        if self._error is not None:
            raise self._error
        if self._done or size == 0:
            return b""
        parts: list[bytes] = []
        try:
            if not self._started:
                self._started = True
                self._next_chunk()
            while size > 0 and not self._done:
                data = self._read_exact(min(size, self._remaining))
                for update in self._updates:
                    update(data)
                if self._chunk_hash is not None:
                    self._chunk_hash.update(data)
                parts.append(data)
                size -= len(data)
                self._remaining -= len(data)
                if self._remaining == 0:
                    self._end_chunk()
                    self._next_chunk()
        except S3Error as exc:
            self._error = exc
            raise
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        self.bytes_read += len(data)
        return data

    def _read_exact(self, n: int) -> bytes:
        data = self._raw.read(n)
        if len(data) == n:
            return data
        parts = [data]
        got = len(data)
        while got < n:
            more = self._raw.read(n - got)
            if not more:
                raise _terminated()
            parts.append(more)
            got += len(more)
        return b"".join(parts)

    def _read_line(self) -> bytes:
        line = self._raw.readline(MAX_LINE + 2)
        if not line.endswith(b"\r\n"):
            raise _terminated()  # EOF, a bare LF, or a line too long to be framing
        return line[:-2]

    # -- framing -------------------------------------------------------------------------------

    def _parse_header(self) -> tuple[int, str | None]:
        size_text, has_extension, extension = self._read_line().partition(b";")
        if has_extension:  # S3 takes "<size> ; chunk-signature = <sig> " (Swift's tests)
            size_text = size_text.rstrip(b" \t")
        if not _SIZE.fullmatch(size_text):
            raise _terminated()
        signature = None
        if has_extension:
            if self._signed is False:
                raise _terminated()
            signature = self._signature_of(extension)
        elif self._signed:
            raise _terminated()
        return int(size_text, 16), signature

    def _signature_of(self, extension: bytes) -> str:
        """A chunk's ``chunk-signature``, as S3 reads it (Swift's s3api tests, written
        against AWS): a value that is no signature, or one behind another parameter, is a
        signature that does not match (403 from the verifier); a parameter after it, or a
        parameter that is not it, is broken framing."""
        name, _, value = extension.partition(b"=")
        named, value = name.strip(b" \t") == _CHUNK_SIGNATURE, value.strip(b" \t")
        if not value or named == (b";" in value):
            raise _terminated()  # blank, another parameter alone, or one after the signature
        signature = value.decode("latin-1")
        if self._on_chunk is None and not self._signature_re.fullmatch(signature):
            raise _terminated()  # nothing will verify it: at least its form
        return signature

    def _next_chunk(self) -> None:
        size, signature = self._parse_header()
        self._chunks += 1
        previous = self._previous_size
        if size and previous is not None and previous < MIN_CHUNK_SIZE:
            raise InvalidChunkSizeError(Chunk=self._chunks, BadChunkSize=previous)
        self._previous_size = size
        self._declared += size
        expected = self._decoded_length
        if expected is not None and self._declared > expected:
            self._drain(size)
        if size:
            self._remaining = size
            self._chunk_signature = signature
            if self._on_chunk is not None:
                self._chunk_hash = sha256_for(size)
            return
        if expected is not None and self._declared != expected:
            if self._signed and self._declared < expected:  # S3 (Swift's tests): no counts
                raise _terminated()
            raise _length_mismatch(expected, self._declared)
        if self._on_chunk is not None:
            self._on_chunk(_EMPTY_SHA256, signature)
        if self._trailer_mode:
            self._read_trailers()
            self._discard_rest()
        else:
            if self._read_line():
                raise _terminated()  # S3: trailing data in a mode without trailers
            if self._trailer_names:  # x-amz-trailer names one this mode cannot carry
                raise _malformed_trailer()
            if self._raw.read(1):  # bytes after the body's end, inside its length: stray data
                raise _terminated()
        self._verify_checksums()
        self._done = True

    def _end_chunk(self) -> None:
        if self._read_exact(2) != b"\r\n":
            raise _terminated()
        if self._on_chunk is not None and self._chunk_hash is not None:
            self._on_chunk(self._chunk_hash.digest(), self._chunk_signature)

    def _drain(self, size: int) -> None:
        """More data than declared: count the rest of the chunks, as S3 reports the total."""
        while size:
            while size:
                step = min(size, 1 << 16)
                self._read_exact(step)
                size -= step
            if self._read_exact(2) != b"\r\n":
                raise _terminated()
            size, _ = self._parse_header()
            self._declared += size
        raise _length_mismatch(self._decoded_length or 0, self._declared)

    # -- trailers ------------------------------------------------------------------------------

    def _read_trailers(self) -> None:
        """Trailer lines up to an empty line or the body's end: S3 takes a section that ends
        without its final CRLF (Swift's s3api tests, written against AWS)."""
        for _ in range(MAX_TRAILERS + 1):
            line = self._raw.readline(MAX_LINE + 2)
            if not line or line == b"\r\n":
                break
            if not line.endswith(b"\r\n"):
                raise _terminated()  # a bare LF or CR, a line cut short or too long
            self._add_trailer(line[:-2])
        else:
            raise _malformed_trailer()
        if self._signed and not self._trailer_names:  # S3: a signed section with no trailer
            raise _terminated()
        missing = any(name not in self.trailers for name in self._trailer_names)
        if self._signed and (missing or self.trailer_signature is None):
            raise _terminated()
        if missing:
            raise _malformed_trailer()
        if self._on_trailer is not None:
            self._on_trailer(self.trailers, self.trailer_signature)

    def _add_trailer(self, line: bytes) -> None:
        name_bytes, colon, value_bytes = line.partition(b":")
        if not colon:
            raise _terminated()
        name = name_bytes.decode("latin-1").strip().lower()
        value = value_bytes.decode("latin-1").strip()
        if self.trailer_signature is not None:
            raise _terminated()  # nothing may follow the trailer signature
        if name == TRAILER_SIGNATURE:
            if self._signed is False:
                raise _malformed_trailer()
            if not self._signature_re.fullmatch(value):
                raise _terminated()
            self.trailer_signature = value
            return
        if name not in self._trailer_names:
            raise _malformed_trailer()
        self.trailers[name] = value  # a repeated trailer: S3 takes the last (Swift's tests)

    def _discard_rest(self) -> None:
        """What follows the trailer section's empty line: S3 ignores it (Swift's tests)."""
        while self._raw.read(_READ_ALL):
            pass

    def _verify_checksums(self) -> None:
        for algorithm, running in self._running.items():
            digest = running.digest()
            value = self.trailers[checksums.header_name(algorithm)]
            checksums.verify_value(algorithm, value, digest, trailing=True)
            self.checksums[algorithm] = checksums.encode(digest)
