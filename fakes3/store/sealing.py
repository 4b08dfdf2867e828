"""SSE-C bytes at rest: AES-256-CTR under the customer's key, so ranges still read directly.

An object written with a customer-provided key (PutObject, POST, CopyObject) is stored
encrypted: without the key its blob is noise, so a wrong key cannot be served plaintext by
mistake. CTR mode lets a range be decrypted from any offset (the counter is the block index
added to the object's random initial block). The key itself is never stored (the object keeps
a salted HMAC of it, ``fakes3.operations.customer_keys``); the initial block is not secret.

``SealedBlobs`` wraps a blob store for one object: ``create`` encrypts what is written,
``open`` decrypts what is read; everything else (delete, hard-link copies) works on the
stored bytes unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from fakes3.store.blobs import BlobReader, BlobStore, BlobWriter

_BLOCK = 16


@dataclass(frozen=True)
class Seal:
    """The customer's 32-byte key and the object's 16-byte initial counter block."""

    key: bytes
    iv: bytes

    def cipher(self, offset: int = 0) -> CipherContext:
        """A keystream positioned at byte ``offset`` of the object."""
        counter = (int.from_bytes(self.iv, "big") + offset // _BLOCK) % (1 << 128)
        context = Cipher(algorithms.AES(self.key), modes.CTR(counter.to_bytes(16, "big")))
        stream = context.encryptor()
        skip = offset % _BLOCK
        if skip:
            stream.update(bytes(skip))
        return stream

    def reading(self, reader: BlobReader, start: int) -> BlobReader:
        """Decrypt ``reader``, which yields the stored bytes from offset ``start`` on."""
        return _OpenedReader(reader, self.cipher(start))


class _OpenedReader:
    def __init__(self, reader: BlobReader, stream: CipherContext) -> None:
        self._reader = reader
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._reader:
            yield self._stream.update(chunk)

    def close(self) -> None:
        self._reader.close()


class _SealingWriter:
    def __init__(self, writer: BlobWriter, stream: CipherContext) -> None:
        self._writer = writer
        self._stream = stream

    def write(self, data: bytes) -> None:
        self._writer.write(self._stream.update(data))

    def commit(self) -> str:
        return self._writer.commit()

    def abort(self) -> None:
        self._writer.abort()


class SealedBlobs:
    """A blob store seen through one object's seal (for ``write_stream`` and ``digest``)."""

    def __init__(self, blobs: BlobStore, seal: Seal) -> None:
        self._blobs = blobs
        self._seal = seal

    def create(self, part: bool = False) -> BlobWriter:
        return _SealingWriter(self._blobs.create(part=part), self._seal.cipher())

    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> BlobReader:
        return self._seal.reading(self._blobs.open(blob_id, start, end), start)

    def delete(self, blob_id: str) -> None:
        self._blobs.delete(blob_id)

    def delete_many(self, blob_ids: Iterable[str]) -> None:
        self._blobs.delete_many(blob_ids)

    def flush(self) -> None:
        self._blobs.flush()

    def copy(self, blob_id: str) -> str:
        return self._blobs.copy(blob_id)

    def copy_range(self, blob_id: str, start: int, end: int) -> str:
        raise NotImplementedError("a sealed range is re-encrypted, not copied")

    def concat(self, blob_ids: list[str]) -> str:
        raise NotImplementedError("sealed blobs are not concatenated")

    def clear(self) -> None:
        self._blobs.clear()


class Unsealed:
    """A decrypted blob as a ``read(size)`` stream, for ``write_stream``."""

    def __init__(self, reader: BlobReader) -> None:
        self._chunks = iter(reader)
        self._reader = reader
        self._pending = b""

    def read(self, size: int = -1, /) -> bytes:
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        if size < 0:
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def close(self) -> None:
        self._reader.close()
