"""S3 object-store semantics, written once over a metadata index and a blob store.

Writes stream the body into a new blob outside the lock, then commit the metadata under the
lock and only then drop the blob they replaced, so readers see the old object or the new one,
never a mix, and a failed or rejected upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from fakes3.errors import BucketAlreadyOwnedByYou, BucketNotEmpty, NoSuchBucket, NoSuchKey
from fakes3.protocol.checksums import encode, new_checksum
from fakes3.store.blobs import CHUNK, BlobReader, BlobStore, FileBlobs, MemoryBlobs
from fakes3.store.clock import Clock
from fakes3.store.index import MetadataIndex
from fakes3.store.index_memory import MemoryIndex
from fakes3.store.index_sqlite import SqliteIndex
from fakes3.store.records import BucketRecord, ObjectRecord

Precondition = Callable[["ObjectRecord | None"], None]


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass
class NewObject:
    """What a write says about the object besides its bytes."""

    content_type: str = "binary/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    tags: tuple[tuple[str, str], ...] = ()
    checksum_algorithm: str | None = None

    def record_fields(self) -> dict[str, Any]:
        """These attributes as ObjectRecord fields (the checksum is the store's to compute)."""
        return {
            "content_type": self.content_type,
            "headers": self.headers,
            "metadata": self.metadata,
            "storage_class": self.storage_class,
            "tags": self.tags,
        }


@dataclass
class ListPage:
    """One page of a listing: objects and common prefixes in key order, as S3 counts them."""

    objects: list[ObjectRecord]
    prefixes: list[str]
    truncated: bool
    last: str | None  # the last key or common prefix returned: the next marker


def prefix_successor(prefix: str) -> str | None:
    """The smallest string greater than every string that starts with ``prefix``."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if code == 0xD800:
            code = 0xE000  # surrogates cannot be stored as UTF-8
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


class Store:
    """Buckets and objects with S3's rules; thread-safe."""

    def __init__(self, index: MetadataIndex, blobs: BlobStore, clock: Clock | None = None) -> None:
        self.index = index
        self.blobs = blobs
        self.clock = clock or Clock()
        self.lock = threading.RLock()

    # Buckets -------------------------------------------------------------------------------

    def create_bucket(self, name: str, region: str, owner: str = "") -> BucketRecord:
        with self.lock:
            if self.index.get_bucket(name) is not None:
                raise BucketAlreadyOwnedByYou(BucketName=name)
            record = BucketRecord(name, region, self.clock.now(), owner)
            self.index.add_bucket(record)
            return record

    def get_bucket(self, name: str) -> BucketRecord:
        with self.lock:
            record = self.index.get_bucket(name)
        if record is None:
            raise NoSuchBucket(BucketName=name)
        return record

    def delete_bucket(self, name: str) -> None:
        with self.lock:
            self.get_bucket(name)
            if not self.index.is_empty(name):
                raise BucketNotEmpty(BucketName=name)
            self.index.remove_bucket(name)

    def list_buckets(self) -> list[BucketRecord]:
        with self.lock:
            return self.index.buckets()

    # Objects -------------------------------------------------------------------------------

    def put_object(
        self,
        bucket: str,
        key: str,
        source: Readable,
        new: NewObject,
        precondition: Precondition | None = None,
    ) -> ObjectRecord:
        """Stream ``source`` into a blob, then make it the object at ``key``.

        ``source`` raises (BadDigest, IncompleteBody…) if the body proves bad, and
        ``precondition(current)`` may raise at commit time, atomically with the write; in
        either case nothing is kept.
        """
        self.get_bucket(bucket)  # fail before reading a body that cannot be stored
        md5 = hashlib.md5()
        checksum = new_checksum(new.checksum_algorithm) if new.checksum_algorithm else None
        writer = self.blobs.create()
        size = 0
        try:
            while chunk := source.read(CHUNK):
                md5.update(chunk)
                if checksum is not None:
                    checksum.update(chunk)
                writer.write(chunk)
                size += len(chunk)
        except BaseException:
            writer.abort()
            raise
        blob_id = writer.commit()
        record = ObjectRecord(
            key=key,
            blob_id=blob_id,
            size=size,
            etag=f'"{md5.hexdigest()}"',
            last_modified=self.clock.now(),
            **new.record_fields(),
            checksum_algorithm=new.checksum_algorithm,
            checksum=encode(checksum.digest()) if checksum is not None else None,
            checksum_type="FULL_OBJECT" if checksum is not None else None,
        )
        return self._commit(bucket, record, precondition)

    def _commit(
        self, bucket: str, record: ObjectRecord, precondition: Precondition | None = None
    ) -> ObjectRecord:
        with self.lock:
            try:
                if self.index.get_bucket(bucket) is None:
                    raise NoSuchBucket(BucketName=bucket)
                if precondition is not None:
                    precondition(self.index.get(bucket, record.key))
            except BaseException:
                self.blobs.delete(record.blob_id)
                raise
            previous = self.index.put(bucket, record)
            if previous is not None:
                self.blobs.delete(previous.blob_id)
        return record

    def head_object(self, bucket: str, key: str) -> ObjectRecord:
        with self.lock:
            self.get_bucket(bucket)
            record = self.index.get(bucket, key)
        if record is None:
            raise NoSuchKey(Key=key)
        return record

    def read_object(
        self, bucket: str, key: str, span: Callable[[ObjectRecord], tuple[int, int]]
    ) -> tuple[ObjectRecord, BlobReader]:
        """Look up an object and open ``span(record)`` of it in one step.

        ``span`` may raise (preconditions, bad ranges); the blob is opened under the lock so a
        concurrent overwrite cannot delete it between lookup and open.
        """
        with self.lock:
            record = self.head_object(bucket, key)
            start, end = span(record)
            return record, self.blobs.open(record.blob_id, start, end)

    def delete_object(
        self, bucket: str, key: str, precondition: Precondition | None = None
    ) -> ObjectRecord | None:
        """Remove a key (no error if absent); ``precondition(current)`` may veto, atomically."""
        with self.lock:
            self.get_bucket(bucket)
            if precondition is not None:
                precondition(self.index.get(bucket, key))
            previous = self.index.remove(bucket, key)
            if previous is not None:
                self.blobs.delete(previous.blob_id)
            return previous

    def copy_object(
        self,
        source: tuple[str, str],
        target: tuple[str, str],
        describe: Callable[[ObjectRecord], NewObject],
    ) -> tuple[ObjectRecord, ObjectRecord]:
        """Copy an object's bytes (no read through Python); ``describe`` checks and sets attrs.

        Returns ``(source_record, new_record)``.
        """
        (src_bucket, src_key), (dst_bucket, dst_key) = source, target
        with self.lock:
            self.get_bucket(dst_bucket)
            src = self.head_object(src_bucket, src_key)
            new = describe(src)
            record = replace(
                src,
                key=dst_key,
                blob_id=self.blobs.copy(src.blob_id),
                last_modified=self.clock.now(),
                version_id=None,
                **new.record_fields(),
            )
            return src, self._commit(dst_bucket, record)

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        delimiter: str = "",
        start_after: str = "",
        max_keys: int = 1000,
    ) -> ListPage:
        """One page in key order; common prefixes count toward ``max_keys`` as in S3.

        Each common prefix costs one index seek past all the keys it rolls up, so a page costs
        O(page * log n) whatever the bucket's size.
        """
        page = ListPage([], [], False, None)
        with self.lock:
            self.get_bucket(bucket)
            if max_keys <= 0:
                return page
            start, inclusive = prefix, True
            if start_after >= prefix:
                start, inclusive = start_after, False
                if delimiter:
                    rolled = self._rollup(start_after, prefix, delimiter)
                    if rolled == start_after:  # resuming after a common prefix: skip all of it
                        successor = prefix_successor(rolled)
                        if successor is None:
                            return page
                        start, inclusive = successor, True
            self._fill(page, bucket, prefix, delimiter, start, inclusive, max_keys)
        return page

    @staticmethod
    def _rollup(key: str, prefix: str, delimiter: str) -> str | None:
        if not delimiter or not key.startswith(prefix):
            return None
        pos = key.find(delimiter, len(prefix))
        return key[: pos + len(delimiter)] if pos >= 0 else None

    def _fill(
        self,
        page: ListPage,
        bucket: str,
        prefix: str,
        delimiter: str,
        start: str,
        inclusive: bool,
        max_keys: int,
    ) -> None:
        count = 0
        # After a seek past a common prefix the next entry is often another prefix, so read
        # a little, and grow the batch while plain keys keep coming.
        size = 2 if delimiter else 1001
        while True:
            limit = min(max_keys - count + 1, size)
            batch = self.index.scan(bucket, start, inclusive, limit)
            if not batch:
                return
            reseek = False
            for record in batch:
                key = record.key
                if not key.startswith(prefix):
                    return
                rolled = self._rollup(key, prefix, delimiter)
                if count == max_keys:
                    page.truncated = True
                    return
                count += 1
                if rolled is None:
                    page.objects.append(record)
                    page.last = start = key
                    inclusive = False
                    continue
                page.prefixes.append(rolled)
                page.last = rolled
                successor = prefix_successor(rolled)
                if successor is None:
                    return
                start, inclusive, reseek = successor, True, True
                break
            if reseek:
                size = 2
            elif len(batch) < limit:
                return
            else:
                size = min(size * 4, 1001)

    # Whole store ---------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.index.clear()
            self.blobs.clear()

    def close(self) -> None:
        with self.lock:
            self.index.close()


def open_store(data_dir: str | None = None, clock: Clock | None = None) -> Store:
    """A memory store, or a directory store that survives restarts."""
    if data_dir is None:
        return Store(MemoryIndex(), MemoryBlobs(), clock)
    os.makedirs(data_dir, exist_ok=True)
    index = SqliteIndex(os.path.join(data_dir, "metadata.sqlite3"))
    return Store(index, FileBlobs(data_dir), clock)
