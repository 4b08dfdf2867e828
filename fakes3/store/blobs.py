"""Blob stores: object bytes by opaque id, in memory or as files under a data directory.

Contract for every implementation:
- ``create()`` returns a writer; bytes are invisible until ``commit()`` returns the new id, and
  ``abort()`` leaves nothing behind. Blobs are immutable once committed.
- ``open(id, start, end)`` returns an iterable of chunks covering ``[start, end)``; it holds the
  bytes it needs from the moment it returns, so a later ``delete`` cannot cut a reader short.
- ``delete_many(ids)`` is ``delete`` of each, in one batch where the backend can.
- ``copy(id)`` returns a new id for the same bytes without reading them through Python.
- ``copy_range(id, start, end)`` and ``concat(ids)`` make a new blob of part of one blob or of
  several blobs end to end (multipart uploads), in bounded chunks: never a whole object in memory.
- Ids are generated here (``new_blob_id``) and checked on the way in: a key never becomes a path.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from fakes3.protocol.checksums import Checksum, encode, new_checksum
from fakes3.protocol.digests import Digests
from fakes3.protocol.hashes import md5_for

CHUNK = 256 * 1024
_BLOB_ID = re.compile(r"[0-9a-f]{32}")


def new_blob_id() -> str:
    """32 random hex digits, the form of ``uuid4().hex`` (which ids once were) at a third of
    its cost: every write makes one."""
    return os.urandom(16).hex()


class BlobWriter(Protocol):
    def write(self, data: bytes) -> None: ...
    def commit(self) -> str: ...
    def abort(self) -> None: ...


class BlobReader(Protocol):
    def __iter__(self) -> Iterator[bytes]: ...
    def close(self) -> None: ...


class BlobStore(Protocol):
    def create(self, part: bool = False) -> BlobWriter:
        """``part``: one piece of a larger object (a multipart part), kept out of memory."""
        ...

    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> BlobReader: ...
    def delete(self, blob_id: str) -> None: ...
    def delete_many(self, blob_ids: Iterable[str]) -> None:
        """The blobs one change freed, at once (a batch where the backend has one)."""
        ...

    def flush(self) -> None:
        """Wait until every delete handed over is done (one backend deletes big batches on a
        thread of its own)."""
        ...

    def copy(self, blob_id: str) -> str: ...
    def copy_range(self, blob_id: str, start: int, end: int) -> str: ...
    def concat(self, blob_ids: list[str]) -> str: ...
    def clear(self) -> None: ...


def _copy_file(dst: BinaryIO, src_path: str, start: int = 0, length: int | None = None) -> None:
    """Append ``length`` bytes (all, if None) of ``src_path`` from ``start`` to ``dst``.

    ``os.copy_file_range`` lets the kernel move the bytes; where it is missing or refused
    (another file system, an old kernel) the copy goes through a CHUNK-sized buffer.
    """
    dst.flush()
    with open(src_path, "rb") as src:
        remaining = length if length is not None else os.fstat(src.fileno()).st_size - start
        offset = start
        copy_range = getattr(os, "copy_file_range", None)
        while remaining > 0 and copy_range is not None:
            try:
                done = copy_range(src.fileno(), dst.fileno(), min(remaining, 1 << 30), offset)
            except OSError:
                break
            if done == 0:
                break
            offset += done
            remaining -= done
        dst.seek(0, os.SEEK_END)  # the kernel moved the fd's offset; resync the buffered file
        src.seek(offset)
        while remaining > 0:
            data = src.read(min(CHUNK, remaining))
            if not data:
                return
            dst.write(data)
            remaining -= len(data)


class _BytesReader:
    def __init__(self, data: bytes, start: int, end: int) -> None:
        self._view = memoryview(data)[start:end]

    def __iter__(self) -> Iterator[bytes]:
        view = self._view
        for offset in range(0, len(view), CHUNK):
            yield bytes(view[offset : offset + CHUNK])

    def close(self) -> None:
        self._view.release()


class SpillingWriter:
    """Collects a blob in memory; past ``threshold`` bytes, moves it to a file writer of
    ``files``. ``keep(id, data)`` stores a blob that stayed small (a dict entry, a row)."""

    __slots__ = ("_threshold", "_files", "_keep", "_chunks", "_size", "_file")

    def __init__(
        self, threshold: int, files: Callable[[], FileBlobs], keep: Callable[[str, bytes], None]
    ) -> None:
        self._threshold = threshold
        self._files = files  # called only when spilling (MemoryBlobs makes its directory then)
        self._keep = keep
        self._chunks: list[bytes] = []
        self._size = 0
        self._file: _FileWriter | None = None

    def write(self, data: bytes) -> None:
        if self._file is not None:
            self._file.write(data)
            return
        self._chunks.append(data)
        self._size += len(data)
        if self._size > self._threshold:
            self._file = _FileWriter(self._files())
            for chunk in self._chunks:
                self._file.write(chunk)
            self._chunks = []

    def commit(self) -> str:
        if self._file is not None:
            return self._file.commit()
        blob_id = new_blob_id()
        self._keep(blob_id, b"".join(self._chunks))
        self._chunks = []
        return blob_id

    def abort(self) -> None:
        self._chunks = []
        if self._file is not None:
            self._file.abort()


class MemoryBlobs:
    """Blobs as immutable ``bytes``; copies share them.

    Blobs larger than ``spill_threshold`` go to files in a private temporary directory
    (removed with the store), so memory use does not grow with object size.
    """

    def __init__(self, spill_threshold: int = 8 * 1024 * 1024) -> None:
        self._blobs: dict[str, bytes] = {}
        self.spill_threshold = spill_threshold
        self._spill: FileBlobs | None = None
        self._spill_lock = threading.Lock()

    @property
    def spill(self) -> FileBlobs:
        with self._spill_lock:  # two first large uploads must not make two directories
            if self._spill is None:
                path = tempfile.mkdtemp(prefix="fakes3-blobs-")
                weakref.finalize(self, shutil.rmtree, path, ignore_errors=True)
                self._spill = FileBlobs(path)
            return self._spill

    def create(self, part: bool = False) -> BlobWriter:
        # The parts of one upload add up to any size, so each goes straight to a spill file.
        if part:
            return _FileWriter(self.spill)
        return SpillingWriter(self.spill_threshold, lambda: self.spill, self._blobs.__setitem__)

    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> BlobReader:
        data = self._blobs.get(blob_id)
        if data is None:
            return self.spill.open(blob_id, start, end)
        return _BytesReader(data, start, len(data) if end is None else end)

    def delete(self, blob_id: str) -> None:
        if self._blobs.pop(blob_id, None) is None and self._spill is not None:
            self._spill.delete(blob_id)

    def delete_many(self, blob_ids: Iterable[str]) -> None:
        for blob_id in blob_ids:
            self.delete(blob_id)

    def flush(self) -> None:
        pass  # deletes here are done when they return

    def copy(self, blob_id: str) -> str:
        data = self._blobs.get(blob_id)
        if data is None:
            return self.spill.copy(blob_id)
        new_id = new_blob_id()
        self._blobs[new_id] = data
        return new_id

    def copy_range(self, blob_id: str, start: int, end: int) -> str:
        data = self._blobs.get(blob_id)
        if data is None:
            return self.spill.copy_range(blob_id, start, end)
        writer = _FileWriter(self.spill)  # a multipart part: kept out of memory, as in create()
        view = memoryview(data)[start:end]
        for offset in range(0, len(view), CHUNK):
            writer.write(bytes(view[offset : offset + CHUNK]))
        return writer.commit()

    def concat(self, blob_ids: list[str]) -> str:
        """Small results are joined in memory; larger ones go to a spill file, copied there
        from the parts' own files, so memory use does not depend on the object's size."""
        pieces = [self._blobs.get(blob_id) for blob_id in blob_ids]
        total = sum(
            len(piece) if piece is not None else os.path.getsize(self.spill.path(blob_id))
            for blob_id, piece in zip(blob_ids, pieces, strict=True)
        )
        if total <= self.spill_threshold:
            new_id = new_blob_id()
            self._blobs[new_id] = b"".join(
                piece if piece is not None else b"".join(self.spill.open(blob_id))
                for blob_id, piece in zip(blob_ids, pieces, strict=True)
            )
            return new_id
        writer = _FileWriter(self.spill)
        try:
            for blob_id, piece in zip(blob_ids, pieces, strict=True):
                if piece is not None:
                    writer.write(piece)
                else:
                    writer.append_file(self.spill.path(blob_id))
        except BaseException:
            writer.abort()
            raise
        return writer.commit()

    def clear(self) -> None:
        self._blobs.clear()
        if self._spill is not None:
            self._spill.clear()


class _FileReader:
    def __init__(self, fh: BinaryIO, start: int, end: int) -> None:
        self._fh = fh
        self._remaining = end - start
        fh.seek(start)

    def __iter__(self) -> Iterator[bytes]:
        try:
            while self._remaining > 0:
                data = self._fh.read(min(CHUNK, self._remaining))
                if not data:
                    break
                self._remaining -= len(data)
                yield data
        finally:
            self.close()

    def close(self) -> None:
        self._fh.close()


class _FileWriter:
    def __init__(self, store: FileBlobs) -> None:
        self._store = store
        self._blob_id = new_blob_id()
        self._tmp = os.path.join(store.tmp_dir, self._blob_id)
        self._fh: BinaryIO | None = open(self._tmp, "wb")  # noqa: SIM115 - closed in commit/abort

    def write(self, data: bytes) -> None:
        assert self._fh is not None
        self._fh.write(data)

    def append_file(self, path: str, start: int = 0, length: int | None = None) -> None:
        assert self._fh is not None
        _copy_file(self._fh, path, start, length)

    def commit(self) -> str:
        assert self._fh is not None
        self._fh.close()
        self._fh = None
        final = self._store.path(self._blob_id)
        self._store.ensure_dir(final)
        try:
            os.replace(self._tmp, final)
        except FileNotFoundError:  # a concurrent clear() removed the fan-out directory
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(self._tmp, final)
        return self._blob_id

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        try:
            os.unlink(self._tmp)
        except FileNotFoundError:
            pass


class FileBlobs:
    """Blobs as files ``<root>/blobs/<2 hex>/<32 hex>``, written to ``<root>/tmp`` then renamed."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.blob_dir = os.path.join(root, "blobs")
        self.tmp_dir = os.path.join(root, "tmp")
        os.makedirs(self.blob_dir, exist_ok=True)
        os.makedirs(self.tmp_dir, exist_ok=True)
        self._dirs: set[str] = set()
        for leftover in os.listdir(self.tmp_dir):  # writes interrupted by a crash
            os.unlink(os.path.join(self.tmp_dir, leftover))

    def ensure_dir(self, path: str) -> None:
        """Create a blob's fan-out directory once; later writes skip the syscall."""
        directory = os.path.dirname(path)
        if directory not in self._dirs:
            os.makedirs(directory, exist_ok=True)
            self._dirs.add(directory)

    def path(self, blob_id: str) -> str:
        if not _BLOB_ID.fullmatch(blob_id):
            raise ValueError(f"not a blob id: {blob_id!r}")
        return os.path.join(self.blob_dir, blob_id[:2], blob_id)

    def create(self, part: bool = False) -> BlobWriter:
        return _FileWriter(self)

    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> BlobReader:
        fh = open(self.path(blob_id), "rb")  # noqa: SIM115 - closed by the reader
        if end is None:
            end = os.fstat(fh.fileno()).st_size
        return _FileReader(fh, start, end)

    def delete(self, blob_id: str) -> None:
        try:
            os.unlink(self.path(blob_id))
        except FileNotFoundError:
            pass

    def delete_many(self, blob_ids: Iterable[str]) -> None:
        for blob_id in blob_ids:
            self.delete(blob_id)

    def flush(self) -> None:
        pass  # deletes here are done when they return

    def copy(self, blob_id: str) -> str:
        new_id = new_blob_id()
        final = self.path(new_id)
        self.ensure_dir(final)
        try:
            os.link(self.path(blob_id), final)  # blobs are immutable, so a link is a copy
        except OSError:
            tmp = os.path.join(self.tmp_dir, new_id)
            shutil.copyfile(self.path(blob_id), tmp)
            os.replace(tmp, final)
        return new_id

    def copy_range(self, blob_id: str, start: int, end: int) -> str:
        source = self.path(blob_id)
        writer = _FileWriter(self)
        try:
            writer.append_file(source, start, end - start)
        except BaseException:
            writer.abort()
            raise
        return writer.commit()

    def concat(self, blob_ids: list[str]) -> str:
        """The blobs end to end in a temp file, renamed into place: all or nothing."""
        sources = [self.path(blob_id) for blob_id in blob_ids]
        writer = _FileWriter(self)
        try:
            for source in sources:
                writer.append_file(source)
        except BaseException:
            writer.abort()
            raise
        return writer.commit()

    def clear(self) -> None:
        shutil.rmtree(self.blob_dir, ignore_errors=True)
        os.makedirs(self.blob_dir, exist_ok=True)
        self._dirs.clear()


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Written:
    """A blob just written from a stream, with the digests taken on the way."""

    blob_id: str
    size: int
    etag: str  # quoted MD5
    checksums: dict[str, str]  # base64 by algorithm


def write_stream(
    blobs: BlobStore, source: Readable, algorithms: Iterable[str], part: bool = False
) -> Written:
    """Stream ``source`` into a new blob in ``CHUNK`` pieces, taking its MD5 and checksums
    (on a second thread past a few MiB: ``fakes3.protocol.digests``).

    A checksum the body already verified for the client is taken from it, not computed a
    second time. If ``source`` raises, nothing is kept.
    """
    wanted = set(algorithms)
    # A body that checks the client's own checksum as it is read (``RequestBody``) says which
    # (duck-typed: a runtime Protocol check costs more than a small PUT's hashing).
    verified: Callable[[], str | None] | None = getattr(source, "verified_checksum", None)
    known: str | None = getattr(source, "checksum_algorithm", None) if verified else None
    hashers = {algorithm: new_checksum(algorithm) for algorithm in wanted if algorithm != known}
    md5 = md5_for(getattr(source, "size_hint", None))  # a RequestBody knows its size
    digests = Digests([md5, *hashers.values()])
    writer = blobs.create(part=part)
    size = 0
    try:
        while chunk := source.read(CHUNK):
            digests.update(chunk)
            writer.write(chunk)
            size += len(chunk)
        digests.finish()  # a hashing thread's own error is raised here, and aborts the write
    except BaseException:
        writer.abort()
        with contextlib.suppress(BaseException):
            digests.finish()  # stop the hashing thread; the first error is the one to raise
        raise
    blob_id = writer.commit()
    values = {algorithm: encode(hasher.digest()) for algorithm, hasher in hashers.items()}
    if known is not None and known in wanted:
        assert verified is not None
        value = verified()
        if value is None:  # the body could not say after all: read the blob once more
            value = digest(blobs, blob_id, new_checksum(known))[1]
        assert value is not None
        values[known] = value
    return Written(blob_id, size, f'"{md5.hexdigest()}"', values)


def digest(blobs: BlobStore, blob_id: str, checksum: Checksum | None) -> tuple[str, str | None]:
    """A blob's quoted MD5 ETag and base64 ``checksum``, read in bounded chunks."""
    md5 = hashlib.md5(usedforsecurity=False)
    for chunk in blobs.open(blob_id):
        md5.update(chunk)
        if checksum is not None:
            checksum.update(chunk)
    return f'"{md5.hexdigest()}"', encode(checksum.digest()) if checksum is not None else None
