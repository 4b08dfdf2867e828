"""S3 object-store semantics, written once over a metadata index and a blob store.

Writes stream the body into a new blob outside the lock, then commit the metadata under the
lock and only then drop the blob they replaced, so readers see the old object or the new one,
never a mix, and a failed or rejected upload leaves nothing behind.

Every S3-level change is one ``change()``: one index transaction (one SQLite transaction in the
directory backend, so ``kill -9`` at any instant leaves each key old-complete or new-complete),
and the blobs it frees are deleted only after it commits. A crash between the commit and those
deletes leaves unreferenced blob files, which ``reconcile_blobs`` removes on the next open.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from fakes3 import data_dir_lock
from fakes3.errors import BucketAlreadyOwnedByYou, BucketNotEmpty, NoSuchBucket, S3Error
from fakes3.protocol.checksums import new_checksum
from fakes3.store import object_lock, versioning
from fakes3.store.blobs import (
    BlobReader,
    BlobStore,
    MemoryBlobs,
    Readable,
    digest,
    write_stream,
)
from fakes3.store.blobs_inline import InlineBlobs
from fakes3.store.bucket_configs import BucketConfigs
from fakes3.store.changes import Change
from fakes3.store.clock import Clock
from fakes3.store.conflicts import ConflictWatch, Watch
from fakes3.store.consistency import Scan, View
from fakes3.store.index import MetadataIndex
from fakes3.store.index_memory import MemoryIndex
from fakes3.store.index_sqlite import SqliteIndex
from fakes3.store.listing import ListPage, list_page
from fakes3.store.multipart import Multipart
from fakes3.store.reconcile import reconcile
from fakes3.store.records import FRESH, BucketRecord, ObjectRecord
from fakes3.store.sealing import Seal, SealedBlobs, Unsealed
from fakes3.store.uploads import UploadIndex
from fakes3.store.uploads_memory import MemoryUploads
from fakes3.store.uploads_sqlite import SqliteUploads
from fakes3.store.versioning import Deletion

Precondition = Callable[["ObjectRecord | None"], None]
_NEVER = datetime.fromtimestamp(0, timezone.utc)  # a date no unversioned delete records
# One key of a DeleteObjects request: (key, version id or None, precondition or None).
Doomed = tuple[str, "str | None", "Precondition | None"]


@dataclass
class NewObject:
    """What a write says about the object besides its bytes."""

    content_type: str = "binary/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    tags: tuple[tuple[str, str], ...] = ()
    checksum_algorithm: str | None = None
    encryption: dict[str, Any] = field(default_factory=dict)
    # SSE-C at rest (never stored): the seal the new bytes are written under, and for a copy
    # the seal the source's bytes were written under.
    seal: Seal | None = None
    unseal: Seal | None = None
    lock: dict[str, Any] = field(default_factory=dict)  # ObjectRecord's lock_* fields
    acl: dict[str, Any] | None = None  # ObjectRecord.acl (None: ACLs disabled)

    def record_fields(self) -> dict[str, Any]:
        """These attributes as ObjectRecord fields (the checksum is the store's to compute)."""
        return {
            "content_type": self.content_type,
            "headers": self.headers,
            "metadata": self.metadata,
            "storage_class": self.storage_class,
            "tags": self.tags,
            "encryption": self.encryption,
            **FRESH,
            **self.lock,
            "acl": self.acl,
        }


class Store:
    """Buckets and objects with S3's rules; thread-safe."""

    def __init__(
        self,
        index: MetadataIndex,
        blobs: BlobStore,
        clock: Clock | None = None,
        uploads: UploadIndex | None = None,
    ) -> None:
        self.index = index
        self.blobs = blobs
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self._freed: list[str] | None = None  # inside change(): blobs to delete once committed
        self._change = Change(self)
        self.conflicts = ConflictWatch()  # conditional writes and uploads watch keys
        self.multipart = Multipart(self, uploads or MemoryUploads())
        self.configs = BucketConfigs(self)  # every bucket configuration (bucket_configs.py)
        # The consistency view (fakes3.store.consistency); None in strong mode, the default,
        # so the hot paths pay one attribute check.
        self.view: View | None = None
        self.reclaimed = 0  # unreferenced blob files deleted when the store was opened

    def change(self) -> Change:
        """One S3-level change, under the lock: its index and upload writes commit together
        (an exception inside undoes them all), and the blobs it frees (``discard``) are
        deleted only once that commit is made. Nested, it is part of the outer change."""
        return self._change

    def discard(self, blob_ids: list[str]) -> None:
        """Delete blobs nothing refers to any more: once the current change commits."""
        if self._freed is not None:
            self._freed.extend(blob_ids)
            return
        self.blobs.delete_many(blob_ids)

    def reconcile_blobs(self) -> int:
        """Delete the blob files no object, version, upload part or held blob refers to and
        that are older than this call (what a crash between a commit and its blob deletes,
        or between a blob write and its commit, leaves); returns how many."""
        with self.lock:
            return reconcile(self)

    # Buckets -------------------------------------------------------------------------------

    def create_bucket(self, name: str, region: str, owner: str = "") -> BucketRecord:
        with self.change():
            if self.index.get_bucket(name) is not None:
                raise BucketAlreadyOwnedByYou(BucketName=name)
            record = BucketRecord(name, region, self.clock.now(), owner)
            self.index.add_bucket(record)
            if self.view is not None:
                self.view.bucket_changed(name, None, record)
            return record

    def get_bucket(self, name: str) -> BucketRecord:
        """The bucket as reads see it (under a consistency view, as one replica has it)."""
        with self.lock:
            record = self.index.get_bucket(name)
            if self.view is not None:
                record = self.view.bucket(name, record)
        if record is None:
            raise NoSuchBucket(BucketName=name)
        return record

    def bucket_now(self, name: str) -> BucketRecord:
        """The bucket as it is now, whatever a consistency view shows: what writes check."""
        with self.lock:
            record = self.index.get_bucket(name)
        if record is None:
            raise NoSuchBucket(BucketName=name)
        return record

    def delete_bucket(self, name: str) -> None:
        with self.change():
            before = self.bucket_now(name)
            if not self.index.is_empty(name):
                raise BucketNotEmpty.of(before)
            self.index.remove_bucket(name)
            self.multipart.forget_bucket(name)
            self.configs.forget_bucket(name)
            if self.view is not None:
                self.view.bucket_changed(name, before, None)

    def list_buckets(self) -> list[BucketRecord]:
        with self.lock:
            if self.view is not None:
                return self.view.bucket_list(self.index.buckets())
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
        either case nothing is kept. A conditional write during which the key is deleted
        fails with ConditionalRequestConflict (409), as S3's does.
        """
        self.bucket_now(bucket)  # fail before reading a body that cannot be stored
        algorithm = new.checksum_algorithm
        watch = self.conflicts.watch(bucket, key) if precondition is not None else None
        blobs = self.blobs if new.seal is None else SealedBlobs(self.blobs, new.seal)
        try:
            written = write_stream(blobs, source, [algorithm] if algorithm else [])
        except BaseException:
            if watch is not None:
                self.conflicts.forget(watch)
            raise
        record = ObjectRecord(
            key=key,
            blob_id=written.blob_id,
            size=written.size,
            etag=written.etag,
            last_modified=self.clock.now(),
            **new.record_fields(),
            checksum_algorithm=algorithm,
            checksum=written.checksums.get(algorithm) if algorithm else None,
            checksum_type="FULL_OBJECT" if algorithm else None,
        )
        return self.commit_object(bucket, record, precondition, watch)

    def commit_object(
        self,
        bucket: str,
        record: ObjectRecord,
        precondition: Precondition | None = None,
        watch: Watch | None = None,
    ) -> ObjectRecord:
        """Make ``record`` (whose blob is already written) the current version of its key.

        Every write path ends here (PutObject, CopyObject, CompleteMultipartUpload), which
        gives the record its version id. If the bucket is gone or ``precondition(current)``
        raises, the record's blob is deleted and nothing changes. ``watch`` (from
        ``self.conflicts.watch`` when the write began) turns a delete that raced the write
        into ConditionalRequestConflict.
        """
        blob_id = record.blob_id
        try:
            with self.change():  # the checks too: they see what another process committed
                if watch is not None:
                    self.conflicts.check(watch)
                bucket_record = self.bucket_now(bucket)
                if precondition is not None:
                    precondition(self.index.get(bucket, record.key))
                record = versioning.stamp(bucket_record, record)
                view = self.view
                before = self.index.get(bucket, record.key) if view is not None else None
                garbage = versioning.commit(self.index, bucket_record, record)
                self.conflicts.written(bucket, record.key)
                if view is not None:
                    view.committed(bucket, record.key, before, record, record.version_id)
                self._drop(garbage)
        except BaseException:
            self.blobs.delete(blob_id)
            raise
        return record

    def rewrite_object(
        self,
        bucket: str,
        key: str,
        version_id: str | None,
        change: Callable[[ObjectRecord], ObjectRecord],
    ) -> ObjectRecord:
        """Replace the record of the current object (or of ``version_id``) by
        ``change(record)``: the one path for a version's sub-resources (tags now; retention,
        legal hold and ACLs later). The version keeps its id, place, bytes and date; the
        consistency view hears of it as of any change to the key.

        S3's errors if there is no such object or version (``change`` may raise too).
        """
        with self.change():
            bucket_record = self.bucket_now(bucket)
            before = versioning.find(self.index, bucket_record, key, version_id)
            after = change(before)
            if after.blob_id != before.blob_id or after.version_id != before.version_id:
                raise ValueError("a rewrite keeps the version's bytes and id")
            current = self.index.get(bucket, key)
            is_current = current is not None and current.version_id == before.version_id
            if bucket_record.versioning is not None:
                self.index.update_version(bucket, after)
            if is_current:
                self.index.put(bucket, after)
                if self.view is not None:
                    self.view.committed(bucket, key, before, after, None)
            return after

    def _drop(self, blob_ids: list[str]) -> None:
        if self.view is not None:  # a stale replica may still serve some of them
            blob_ids = self.view.hold(blob_ids)
        self.discard(blob_ids)

    def head_object(self, bucket: str, key: str, version_id: str | None = None) -> ObjectRecord:
        """The current object, or the version asked for; S3's error if there is none."""
        with self.lock:
            if self.view is not None:
                return self.view.find(self.get_bucket(bucket), key, version_id, "HeadObject")
            return versioning.find(self.index, self.get_bucket(bucket), key, version_id)

    def read_object(
        self,
        bucket: str,
        key: str,
        span: Callable[[ObjectRecord], tuple[int, int]],
        version_id: str | None = None,
    ) -> tuple[ObjectRecord, BlobReader]:
        """Look up an object and open ``span(record)`` of it in one step.

        ``span`` may raise (preconditions, bad ranges); the blob is opened under the lock so a
        concurrent overwrite cannot delete it between lookup and open.
        """
        with self.lock:
            if self.view is not None:
                found = self.get_bucket(bucket)
                record = self.view.find(found, key, version_id, "GetObject", span)
            else:
                record = self.head_object(bucket, key, version_id)
            start, end = span(record)
            return record, self.blobs.open(record.blob_id, start, end)

    def delete_object(
        self,
        bucket: str,
        key: str,
        precondition: Precondition | None = None,
        version_id: str | None = None,
        bypass_governance: bool = False,
        at: datetime | None = None,
    ) -> Deletion:
        """DeleteObject: no error if absent; ``precondition(current)`` may veto, atomically.

        Without ``version_id`` a versioned bucket gets a delete marker; with it, that version
        is removed for good (see ``fakes3.store.versioning``) unless Object Lock protects it
        (``fakes3.store.object_lock``). ``at`` dates a delete marker (default: the clock's
        now; a lifecycle pass catching up dates it at its midnight).
        """
        with self.change():
            bucket_record = self.bucket_now(bucket)
            return self._delete(bucket_record, key, precondition, version_id, bypass_governance, at)

    def delete_objects(
        self, bucket: str, doomed: list[Doomed], bypass_governance: bool = False
    ) -> list[Deletion | S3Error]:
        """DeleteObjects: each ``(key, version_id, precondition)`` deleted as DeleteObject
        would, all under one lock hold and in one transaction; a key's S3 error (a failed
        precondition, a malformed version id) is its result, raised before it changed anything.
        """
        results: list[Deletion | S3Error] = []
        with self.change():
            bucket_record = self.bucket_now(bucket)
            plain = bucket_record.versioning is None and self.view is None
            if plain and all(version is None and test is None for _, version, test in doomed):
                return self._delete_keys(bucket, [key for key, _, _ in doomed])
            for key, version_id, precondition in doomed:
                try:
                    deletion = self._delete(
                        bucket_record, key, precondition, version_id, bypass_governance
                    )
                    results.append(deletion)
                except S3Error as error:
                    results.append(error)
        return results

    def _delete_keys(self, bucket: str, keys: list[str]) -> list[Deletion | S3Error]:
        """Plain deletes in a never-versioned bucket, in one index call (inside a change)."""
        blob_ids = self.index.remove_many(bucket, keys)
        self.conflicts.deleted_keys(bucket, keys)
        self.discard(blob_ids)
        return [Deletion()] * len(keys)

    def _delete(
        self,
        bucket_record: BucketRecord,
        key: str,
        precondition: Precondition | None,
        version_id: str | None,
        bypass_governance: bool = False,
        at: datetime | None = None,
    ) -> Deletion:
        """One key's delete, inside a change; every check (preconditions, Object Lock) raises
        before any write."""
        bucket = bucket_record.name
        watched = precondition is not None or self.view is not None
        before = self.index.get(bucket, key) if watched else None
        if precondition is not None:
            precondition(before)
        if version_id is None:
            versioned = bucket_record.versioning is not None
            now = (at or self.clock.now()) if versioned else _NEVER
            deletion, garbage = versioning.delete_current(self.index, bucket_record, key, now)
        else:
            object_lock.check_delete(self, bucket_record, key, version_id, bypass_governance)
            deletion, garbage = versioning.delete_version(
                self.index, bucket_record, key, version_id
            )
        self.conflicts.deleted(bucket, key)
        if self.view is not None:
            after = self.index.get(bucket, key)
            added = deletion.version_id if version_id is None else None
            self.view.committed(bucket, key, before, after, added)
        self._drop(garbage)
        return deletion

    def copy_object(
        self,
        source: tuple[str, str, str | None],
        target: tuple[str, str],
        describe: Callable[[ObjectRecord], NewObject],
        precondition: Precondition | None = None,
    ) -> tuple[ObjectRecord, ObjectRecord]:
        """Copy an object's bytes (no read through Python); ``describe`` checks and sets attrs.

        ``source`` is ``(bucket, key, version_id or None)``; ``precondition`` is the
        destination's write condition. Returns ``(source_record, new_record)``. A copy is a
        single-part object: copying a multipart one, or naming a checksum algorithm other than
        the source's (``new.checksum_algorithm``; None keeps the source's), reads it once,
        outside the lock, for the MD5 ETag and full-object checksum S3 gives the copy.
        """
        (src_bucket, src_key, src_version), (dst_bucket, dst_key) = source, target
        with self.lock:
            self.bucket_now(dst_bucket)
            src = self.head_object(src_bucket, src_key, src_version)
            new = describe(src)
            if new.seal is not None or new.unseal is not None:
                reader = self.blobs.open(src.blob_id, 0, src.size)  # under the lock, as GET
            else:
                record = replace(
                    src,
                    key=dst_key,
                    blob_id=self.blobs.copy(src.blob_id),
                    last_modified=self.clock.now(),
                    version_id=None,
                    **new.record_fields(),
                )
                algorithm = new.checksum_algorithm or src.checksum_algorithm
                if not src.parts and algorithm == src.checksum_algorithm:
                    return src, self.commit_object(dst_bucket, record, precondition)
        if new.seal is not None or new.unseal is not None:
            return src, self._recode(src, dst_bucket, dst_key, new, reader, precondition)
        try:
            etag, checksum = digest(
                self.blobs, record.blob_id, new_checksum(algorithm) if algorithm else None
            )
        except BaseException:
            self.blobs.delete(record.blob_id)
            raise
        record = replace(
            record, etag=etag, checksum_algorithm=algorithm, checksum=checksum, parts=()
        )
        if checksum is not None:
            record = replace(record, checksum_type="FULL_OBJECT")
        return src, self.commit_object(dst_bucket, record, precondition)

    def _recode(
        self,
        src: ObjectRecord,
        bucket: str,
        key: str,
        new: NewObject,
        reader: BlobReader,
        precondition: Precondition | None,
    ) -> ObjectRecord:
        """A copy whose bytes change at rest (an SSE-C source or destination): decrypt and
        re-encrypt them into a new blob, outside the lock."""
        if new.unseal is not None:
            reader = new.unseal.reading(reader, 0)
        blobs = self.blobs if new.seal is None else SealedBlobs(self.blobs, new.seal)
        algorithm = new.checksum_algorithm or src.checksum_algorithm
        stream = Unsealed(reader)
        try:
            written = write_stream(blobs, stream, [algorithm] if algorithm else [])
        finally:
            stream.close()
        record = replace(
            src,
            key=key,
            blob_id=written.blob_id,
            size=written.size,
            etag=written.etag,
            last_modified=self.clock.now(),
            version_id=None,
            parts=(),
            checksum_algorithm=algorithm,
            checksum=written.checksums.get(algorithm) if algorithm else None,
            checksum_type="FULL_OBJECT" if algorithm else None,
            **new.record_fields(),
        )
        return self.commit_object(bucket, record, precondition)

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        delimiter: str = "",
        start_after: str = "",
        max_keys: int = 1000,
    ) -> ListPage[ObjectRecord]:
        """One page of current objects in key order (see ``fakes3.store.listing``)."""

        def scan(start: str, inclusive: bool, _after: str | None, limit: int) -> list[ObjectRecord]:
            return self.index.scan(bucket, start, inclusive, limit)

        with self.lock:
            self.get_bucket(bucket)
            viewed = (
                scan if self.view is None else self.view.scan(bucket, scan, False, "ListObjects")
            )
            return list_page(viewed, _version_of, prefix, delimiter, start_after, max_keys)

    def list_versions(
        self,
        bucket: str,
        prefix: str = "",
        delimiter: str = "",
        key_marker: str = "",
        version_marker: str | None = None,
        max_keys: int = 1000,
    ) -> ListPage[ObjectRecord]:
        """One page of every version (delete markers too): key order, newest first.

        A bucket that never had versioning lists its objects, each as version ``"null"``.
        """
        index = self.index

        def scan(start: str, inclusive: bool, after: str | None, limit: int) -> list[ObjectRecord]:
            return versioning.scan_versions(index, bucket, start, inclusive, after, limit)

        def scan_current(
            start: str, inclusive: bool, _after: str | None, limit: int
        ) -> list[ObjectRecord]:
            return index.scan(bucket, start, inclusive, limit)

        with self.lock:
            versioned = self.get_bucket(bucket).versioning is not None
            if version_marker is not None and not versioned and version_marker != versioning.NULL:
                version_marker = None
            chosen: Scan = scan if versioned else scan_current
            if self.view is not None:
                chosen = self.view.scan(bucket, chosen, versioned, "ListObjectVersions")
            return list_page(
                chosen,
                _version_of,
                prefix,
                delimiter,
                key_marker,
                max_keys,
                version_marker if versioned else None,
            )

    def newest_version_id(self, bucket: str, key: str) -> str | None:
        """The id of ``key``'s newest version (a delete marker's too), or None."""
        with self.lock:
            record = self.index.latest_version(bucket, key)
            return None if record is None else record.version_id

    def set_versioning(self, bucket: str, status: str) -> BucketRecord:
        """PutBucketVersioning: ``Enabled`` or ``Suspended`` (never back to unversioned)."""
        with self.change():  # all or nothing, however many objects start_versioning touches
            before = record = self.bucket_now(bucket)
            if record.versioning is None:
                self.index.start_versioning(bucket)
            record = replace(record, versioning=status)
            self.index.set_bucket(record)
            if self.view is not None:
                self.view.bucket_changed(bucket, before, record)
            return record

    # Whole store ---------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            with self.change():
                self.index.clear()
                self.multipart.clear()
                self.configs.clear()
            self.blobs.clear()

    def close(self) -> None:
        with self.lock:
            self.index.close()
            self.multipart.close()
            if isinstance(self.blobs, InlineBlobs):
                self.blobs.close()


def _version_of(record: ObjectRecord) -> str | None:
    return record.version_id


def open_store(data_dir: str | None = None, clock: Clock | None = None) -> Store:
    """A memory store, or a directory store that survives restarts."""
    if data_dir is None:
        return Store(MemoryIndex(), MemoryBlobs(), clock)
    os.makedirs(data_dir, exist_ok=True)
    data_dir_lock.check_not_served(data_dir)  # its reconciliation would take a server's blobs
    index = SqliteIndex(os.path.join(data_dir, "metadata.sqlite3"))
    blobs = InlineBlobs(data_dir)  # small blobs as rows of their own database, others as files
    store = Store(index, blobs, clock, SqliteUploads(index.connection))
    store.reclaimed = store.reconcile_blobs()
    return store
