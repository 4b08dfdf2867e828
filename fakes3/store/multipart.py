"""Multipart uploads with S3's rules, over the store's lock, blob store and commit path.

Parts stream into blobs of their own. Completion checks the chosen parts under the lock,
assembles their blobs into a new one outside it (``BlobStore.concat``: no part goes through
memory), then commits through ``Store.commit_object`` — readers see the old object or the new
one, never a mix — and only then drops the parts' blobs. While a completion is assembling, the
blobs it reads are pinned: a part uploaded again or an abort defers deleting them.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fakes3.errors import (
    BadDigest,
    ConditionalRequestConflict,
    EntityTooSmall,
    InvalidArgument,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    MalformedXML,
    NoSuchKey,
    NoSuchUpload,
    PreconditionFailed,
)
from fakes3.protocol.checksums import new_checksum
from fakes3.store.blobs import Readable, digest, write_stream
from fakes3.store.listing import ListPage, list_page
from fakes3.store.multipart_math import (
    composite_checksum,
    full_object_checksum,
    multipart_etag,
)
from fakes3.store.records import ObjectPart, ObjectRecord
from fakes3.store.uploads import AFTER_ALL_IDS, PartRecord, UploadIndex, UploadRecord

if TYPE_CHECKING:
    from fakes3.store.conflicts import Watch
    from fakes3.store.store import Precondition, Store

MIN_PART_SIZE = 5 * 1024 * 1024  # every part but the last
MAX_PART_SIZE = 5 * 1024**3
MAX_PART_NUMBER = 10000
# Completed uploads remembered for a retried CompleteMultipartUpload (oldest forgotten first).
COMPLETED_KEPT = 1000
# A conditional completion after the key was written or deleted since the upload began: AWS's
# answer (LocalStack's validated test_multipart_if_none_match_with_delete and its twins).
CHANGED_SINCE_CREATED = (
    "The conditional request cannot succeed due to a conflicting operation against this resource."
)


def check_part_number(number: int, name: str = "partNumber") -> None:
    if not 1 <= number <= MAX_PART_NUMBER:
        raise InvalidArgument(
            f"Part number must be an integer between 1 and {MAX_PART_NUMBER}, inclusive",
            ArgumentName=name,
            ArgumentValue=number,
        )


@dataclass
class ChosenPart:
    """One ``<Part>`` of a CompleteMultipartUpload body."""

    part_number: int
    etag: str
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm -> base64


@dataclass
class Completion:
    """What a CompleteMultipartUpload request asks for, besides the upload's identity."""

    parts: list[ChosenPart]
    precondition: Precondition | None = None
    condition: str | None = None  # the header the precondition came from: If-Match, If-None-Match
    checksum: tuple[str, str] | None = None  # (algorithm, value) of the whole object
    checksum_type: str | None = None
    object_size: int | None = None


def _upload_id(upload: UploadRecord) -> str:
    return upload.upload_id


@dataclass(frozen=True)
class _Completed:
    """What a completed upload answered, for a retry of the same request."""

    key: str
    parts: tuple[tuple[int, str], ...]  # (part number, unquoted ETag) as completed
    record: ObjectRecord


def _part_list(chosen: list[ChosenPart]) -> tuple[tuple[int, str], ...]:
    return tuple((item.part_number, item.etag.strip().strip('"')) for item in chosen)


def _mismatch(expected: str | None, actual: str | None) -> InvalidRequest:
    return InvalidRequest(
        "Checksum Type mismatch occurred, expected checksum Type: "
        f"{(expected or 'null').lower()}, actual checksum Type: {(actual or 'null').lower()}"
    )


def _racing(
    precondition: Precondition, key: str, condition: str, watch: Watch | None
) -> Precondition:
    """At commit, a condition that held when the request arrived but fails now lost a race,
    and so did one whose key was written or deleted while the parts were joined."""

    def check(current: ObjectRecord | None) -> None:
        try:
            precondition(current)
        except (PreconditionFailed, NoSuchKey):
            raise ConditionalRequestConflict(Key=key) from None
        if watch is not None and (watch.deleted or watch.written):
            raise ConditionalRequestConflict(CHANGED_SINCE_CREATED, Condition=condition, Key=key)

    return check


class Multipart:
    """Multipart uploads of one store; thread-safe through the store's lock."""

    def __init__(self, store: Store, uploads: UploadIndex) -> None:
        self.store = store
        self.uploads = uploads
        self._last_id_time = 0
        self._pins: dict[str, int] = {}  # upload id -> completions assembling from it
        self._deferred: dict[str, list[str]] = {}  # upload id -> blobs to delete when unpinned
        self._counter = itertools.count()
        self._id_lock = threading.Lock()
        # (bucket, upload id) -> its completion, oldest first; in memory only (see ``_replay``)
        self._completed: OrderedDict[tuple[str, str], _Completed] = OrderedDict()
        # (bucket, upload id) -> its key, for uploads aborted lately (an abort again is done)
        self._aborted: OrderedDict[tuple[str, str], str] = OrderedDict()
        # upload id -> marks its key's writes and deletes set: a conditional completion fails
        # after one (in memory: after a restart only the record's dates tell, to the second)
        self._changes: dict[str, Watch] = {}

    # Uploads ------------------------------------------------------------------------------

    def _new_id(self) -> str:
        with self._id_lock:
            stamp = max(time.time_ns() // 1000, self._last_id_time + 1)
            self._last_id_time = stamp
        return f"{stamp:014x}{uuid.uuid4().hex[:26]}"

    def create(
        self,
        bucket: str,
        key: str,
        attrs: dict[str, Any],
        algorithm: str | None,
        checksum_type: str | None,
        initiator: str | None = None,
    ) -> UploadRecord:
        with self.store.change():
            self.store.get_bucket(bucket)
            upload = UploadRecord(
                bucket,
                key,
                self._new_id(),
                self.store.clock.now(),
                attrs,
                algorithm,
                checksum_type,
                initiator,
            )
            self.uploads.add(upload)
        with self.store.lock:  # once the upload is committed (a failed one leaves no watch)
            self._changes[upload.upload_id] = self.store.conflicts.watch(bucket, key)
        return upload

    def get(self, bucket: str, key: str, upload_id: str) -> UploadRecord:
        """The upload, or NoSuchUpload (also for an upload of another key)."""
        with self.store.lock:
            self.store.get_bucket(bucket)
            upload = self.uploads.get(bucket, upload_id)
        if upload is None or upload.key != key:
            raise NoSuchUpload(UploadId=upload_id)
        return upload

    def abort(self, bucket: str, key: str, upload_id: str) -> None:
        """An upload S3 lately finished (completed or aborted) aborts again without error, 204
        (Swift's s3api tests, written against AWS); an id it never issued is NoSuchUpload."""
        with self.store.change():
            try:
                self.get(bucket, key, upload_id)
            except NoSuchUpload:
                if self._finished_key(bucket, upload_id) == key:
                    return
                raise
            parts = self.uploads.remove(bucket, upload_id)
            self._discard(upload_id, [part.blob_id for part in parts])
            self._ended(upload_id)
            self._aborted[(bucket, upload_id)] = key
            while len(self._aborted) > COMPLETED_KEPT:
                self._aborted.popitem(last=False)

    def forget_bucket(self, bucket: str) -> None:
        """A deleted bucket's uploads in progress go with it (S3 deletes a bucket that has some)."""
        with self.store.lock:
            while batch := self.uploads.scan(bucket, ("", ""), 1000):
                for upload in batch:
                    parts = self.uploads.remove(bucket, upload.upload_id)
                    self._discard(upload.upload_id, [part.blob_id for part in parts])
                    self._ended(upload.upload_id)
            for done in [done for done in self._completed if done[0] == bucket]:
                del self._completed[done]
            for aborted in [aborted for aborted in self._aborted if aborted[0] == bucket]:
                del self._aborted[aborted]

    def clear(self) -> None:
        """Forget every upload (the store's reset clears the blobs)."""
        with self.store.lock:
            self.uploads.clear()
            self._pins.clear()
            self._deferred.clear()
            self._completed.clear()
            self._aborted.clear()
            for watch in self._changes.values():
                self.store.conflicts.forget(watch)
            self._changes.clear()

    def close(self) -> None:
        with self.store.lock:
            self.uploads.close()

    def _discard(self, upload_id: str, blob_ids: list[str]) -> None:
        """Delete blobs now, or when the completions reading them are done (lock held)."""
        if self._pins.get(upload_id):
            self._deferred.setdefault(upload_id, []).extend(blob_ids)
            return
        self.store.discard(blob_ids)  # after the change under way commits, if any

    def _unpin(self, upload_id: str) -> None:
        with self.store.lock:
            count = self._pins[upload_id] - 1
            if count:
                self._pins[upload_id] = count
                return
            del self._pins[upload_id]
            self._discard(upload_id, self._deferred.pop(upload_id, []))

    # Parts --------------------------------------------------------------------------------

    def upload_part(
        self,
        upload: UploadRecord,
        number: int,
        source: Readable,
        client_algorithm: str | None,
    ) -> tuple[PartRecord, dict[str, str]]:
        """Stream ``source`` into the upload's part ``number``.

        Returns the part and the checksums computed (base64 by algorithm), including the
        client's own algorithm when it differs from the upload's.
        """
        check_part_number(number)
        if upload.checksum_algorithm is not None and client_algorithm != upload.algorithm:
            if client_algorithm is not None or upload.kind == "COMPOSITE":
                raise _mismatch(upload.algorithm, client_algorithm)
        algorithms = {upload.algorithm, client_algorithm or upload.algorithm}
        written = write_stream(self.store.blobs, source, algorithms, part=True)
        values = written.checksums
        part = PartRecord(
            number,
            written.blob_id,
            written.size,
            written.etag,
            self.store.clock.now(),
            values[upload.algorithm],
        )
        self._put_part(upload, part)
        return part, values

    def copy_part(
        self,
        upload: UploadRecord,
        number: int,
        source: tuple[str, str, str | None],
        span: Callable[[ObjectRecord], tuple[int, int]],
    ) -> tuple[ObjectRecord, PartRecord]:
        """Make part ``number`` a byte range of an object version (``(bucket, key, version_id
        or None)``); ``span`` checks it and picks the range.

        The source is pinned under the lock by a cheap copy (a hard link for files), so the
        range is copied outside the lock and a concurrent overwrite cannot cut it short.
        """
        check_part_number(number)
        blobs = self.store.blobs
        with self.store.lock:
            self.get(upload.bucket, upload.key, upload.upload_id)
            src = self.store.head_object(*source)
            start, end = span(src)
            pinned = blobs.copy(src.blob_id)
        try:
            whole = (start, end) == (0, src.size)
            reusable = whole and not src.parts and src.checksum_algorithm == upload.algorithm
            checksum: str | None = src.checksum
            if reusable and checksum is not None:  # the source's own MD5 and checksum
                blob_id, etag = blobs.copy(pinned), src.etag
            else:
                blob_id = blobs.copy_range(pinned, start, end)
                etag, checksum = digest(blobs, blob_id, new_checksum(upload.algorithm))
        finally:
            blobs.delete(pinned)
        assert checksum is not None  # every upload has an algorithm
        part = PartRecord(number, blob_id, end - start, etag, self.store.clock.now(), checksum)
        self._put_part(upload, part)
        return src, part

    def _put_part(self, upload: UploadRecord, part: PartRecord) -> None:
        with self.store.change():
            current = self.uploads.get(upload.bucket, upload.upload_id)
            if current is None:  # aborted or completed while the part was streaming
                self.store.blobs.delete(part.blob_id)
                raise NoSuchUpload(UploadId=upload.upload_id)
            previous = self.uploads.put_part(upload.bucket, upload.upload_id, part)
            if previous is not None:
                self._discard(upload.upload_id, [previous.blob_id])

    def list_parts(
        self, upload: UploadRecord, after: int, limit: int
    ) -> tuple[list[PartRecord], bool]:
        with self.store.lock:
            self.get(upload.bucket, upload.key, upload.upload_id)
            parts = self.uploads.parts(upload.bucket, upload.upload_id, after, limit + 1)
        return parts[:limit], len(parts) > limit

    # Listing uploads -----------------------------------------------------------------------

    def list_uploads(
        self,
        bucket: str,
        prefix: str,
        delimiter: str,
        marker: tuple[str, str | None],
        limit: int,
    ) -> ListPage[UploadRecord]:
        """One page in (key, initiation) order; common prefixes count toward ``limit``."""
        uploads = self.uploads

        def scan(start: str, inclusive: bool, after: str | None, size: int) -> list[UploadRecord]:
            place = after if after is not None else "" if inclusive else AFTER_ALL_IDS
            return uploads.scan(bucket, (start, place), size)

        key_marker, id_marker = marker
        with self.store.lock:
            self.store.get_bucket(bucket)
            return list_page(scan, _upload_id, prefix, delimiter, key_marker, limit, id_marker)

    # Completion ----------------------------------------------------------------------------

    def complete(self, bucket: str, key: str, upload_id: str, request: Completion) -> ObjectRecord:
        with self.store.lock:
            try:
                upload = self.get(bucket, key, upload_id)
            except NoSuchUpload:
                return self._replay(bucket, key, upload_id, request)
            if request.checksum_type is not None and request.checksum_type != upload.kind:
                # InvalidRequest, before the parts are looked at (versity/versitygw's
                # AWS-checked answer; the message names the upload's mode)
                raise InvalidRequest(
                    f"The upload was created using the {upload.kind} checksum mode. The "
                    "complete request must use the same checksum mode."
                )
            parts = self._choose(upload, request.parts)
            if request.precondition is not None:
                # The condition first (412, or NoSuchKey for If-Match on no object); one that
                # holds after the key changed since the upload began is the conflict (AWS, as
                # LocalStack's validated multipart precondition tests recorded both).
                current = self.store.index.get(bucket, key)
                request.precondition(current)
                if self._changed_since(upload, current):
                    raise ConditionalRequestConflict(
                        CHANGED_SINCE_CREATED, Condition=request.condition or "", Key=key
                    )
            self._pins[upload_id] = self._pins.get(upload_id, 0) + 1
        try:
            record = self._assemble(upload, parts, request)
            with self.store.lock:
                if self.uploads.get(bucket, upload_id) is None:  # aborted, or completed twice
                    self.store.blobs.delete(record.blob_id)
                    return self._replay(bucket, key, upload_id, request)
                precondition = request.precondition
                racing = (
                    _racing(
                        precondition, key, request.condition or "", self._changes.get(upload_id)
                    )
                    if precondition is not None
                    else None
                )
                # S3 orders writes by when they began: in a bucket without versioning, a write
                # or delete of the key since the upload began outlives its completion, which
                # answers as done (Swift's s3api tests, written against AWS)
                superseded = (
                    precondition is None
                    and self.store.get_bucket(bucket).versioning is None
                    and self._changed_since(upload, self.store.index.get(bucket, key))
                )
                with self.store.change():  # the object and the upload's end: one commit
                    if superseded:
                        self.store.blobs.delete(record.blob_id)
                    else:
                        record = self.store.commit_object(bucket, record, racing)
                    leftovers = self.uploads.remove(bucket, upload_id)
                    self._discard(upload_id, [part.blob_id for part in leftovers])
                self._ended(upload_id)
                self._completed[(bucket, upload_id)] = _Completed(
                    key, _part_list(request.parts), record
                )
                while len(self._completed) > COMPLETED_KEPT:
                    self._completed.popitem(last=False)
        finally:
            self._unpin(upload_id)
        return record

    def _changed_since(self, upload: UploadRecord, current: ObjectRecord | None) -> bool:
        """Whether the key was written or deleted after the upload began (lock held)."""
        watch = self._changes.get(upload.upload_id)
        if watch is not None and (watch.deleted or watch.written):
            return True
        if current is not None and current.last_modified > upload.initiated:
            return True
        if self.store.get_bucket(upload.bucket).versioning is None:
            return False
        latest = self.store.index.latest_version(upload.bucket, upload.key)  # a marker too
        return latest is not None and latest.last_modified > upload.initiated

    def _ended(self, upload_id: str) -> None:
        """An upload completed or aborted: its watch goes (lock held)."""
        watch = self._changes.pop(upload_id, None)
        if watch is not None:
            self.store.conflicts.forget(watch)

    def _finished_key(self, bucket: str, upload_id: str) -> str | None:
        """The key of an upload lately completed or aborted, as remembered (lock held)."""
        done = self._completed.get((bucket, upload_id))
        return done.key if done is not None else self._aborted.get((bucket, upload_id))

    def _replay(self, bucket: str, key: str, upload_id: str, request: Completion) -> ObjectRecord:
        """A CompleteMultipartUpload retried after it succeeded (its answer lost on the way):
        S3 answers it again, 200 with the same ETag, while it still knows the upload and its
        object is still there; any other request for a finished upload is NoSuchUpload (an
        abort excepted, see ``abort``). fakes3 remembers the last
        ``COMPLETED_KEPT`` completions in memory (not across a restart). Lock held."""
        done = self._completed.get((bucket, upload_id))
        if done is None or done.key != key or done.parts != _part_list(request.parts):
            raise NoSuchUpload(UploadId=upload_id)
        current = self.store.index.get(bucket, key)
        if current is None or current.etag != done.record.etag:
            # the object it made is gone (deleted since): S3 no longer answers for the upload
            raise NoSuchUpload(UploadId=upload_id)
        return done.record

    def _choose(self, upload: UploadRecord, chosen: list[ChosenPart]) -> list[PartRecord]:
        """S3's checks of the part list, in its order: all before a byte is copied."""
        if not chosen:
            raise MalformedXML()
        stored = {
            part.part_number: part
            for part in self.uploads.parts(upload.bucket, upload.upload_id, 0, MAX_PART_NUMBER)
        }
        previous = 0
        parts: list[PartRecord] = []
        for item in chosen:
            # What S3 answers for a part number below 1 here (versity/versitygw#1072, checked
            # against S3); one above 10000 was never uploaded, so it is InvalidPart below.
            if item.part_number < 1:
                raise InvalidArgument("PartNumber must be >= 1")
            if item.part_number <= previous:
                raise InvalidPartOrder(UploadId=upload.upload_id)
            previous = item.part_number
            part = stored.get(item.part_number)
            if part is None or part.etag.strip('"') != item.etag.strip().strip('"'):
                raise InvalidPart(
                    UploadId=upload.upload_id,
                    PartNumber=item.part_number,
                    ETag=item.etag.strip().strip('"'),
                )
            self._check_part_checksum(upload, item, part)
            parts.append(part)
        for part in parts[:-1]:
            if part.size < MIN_PART_SIZE:
                raise EntityTooSmall(
                    ProposedSize=part.size,
                    MinSizeAllowed=MIN_PART_SIZE,
                    PartNumber=part.part_number,
                    ETag=part.etag.strip('"'),
                )
        return parts

    @staticmethod
    def _check_part_checksum(upload: UploadRecord, item: ChosenPart, part: PartRecord) -> None:
        declared = upload.checksum_algorithm
        for algorithm, value in item.checksums.items():
            if algorithm != declared or value != part.checksum:
                raise InvalidPart(
                    UploadId=upload.upload_id,
                    PartNumber=item.part_number,
                    ETag=item.etag.strip().strip('"'),
                )
        if declared is not None and upload.kind == "COMPOSITE" and declared not in item.checksums:
            raise InvalidRequest(
                f"The upload was created using a {declared.lower()} checksum. The complete "
                "request must include the checksum for each part. It was missing for part "
                f"{item.part_number} in the request."
            )

    def _assemble(
        self, upload: UploadRecord, parts: list[PartRecord], request: Completion
    ) -> ObjectRecord:
        """Check the whole-object claims, then write the object's blob."""
        size = sum(part.size for part in parts)
        if request.object_size is not None and request.object_size != size:
            raise InvalidRequest(
                f"The provided 'x-amz-mp-object-size' header value {request.object_size} does "
                f"not match what was computed: {size}"
            )
        if upload.kind == "COMPOSITE":
            checksum = composite_checksum(upload.algorithm, [part.checksum for part in parts])
        else:
            checksum = full_object_checksum(
                upload.algorithm, [(part.checksum, part.size) for part in parts]
            )
        if request.checksum is not None:
            algorithm, value = request.checksum
            if (
                algorithm != upload.algorithm
                or value.partition("-")[0] != checksum.partition("-")[0]
            ):
                raise BadDigest(
                    f"The {algorithm.lower()} you specified did not match the calculated checksum."
                )
        try:
            blob_id = self.store.blobs.concat([part.blob_id for part in parts])
        except FileNotFoundError:  # the store was reset while this completion was under way
            raise NoSuchUpload(UploadId=upload.upload_id) from None
        return ObjectRecord(
            key=upload.key,
            blob_id=blob_id,
            size=size,
            etag=multipart_etag([part.etag for part in parts]),
            # S3 dates a multipart object by its upload's start (Swift's s3api tests, written
            # against AWS: HEAD's Last-Modified is ListMultipartUploads' Initiated)
            last_modified=upload.initiated,
            **upload.attrs,
            checksum_algorithm=upload.algorithm,
            checksum=checksum,
            checksum_type=upload.kind,
            parts=tuple(
                ObjectPart(part.part_number, part.size, part.etag, part.checksum) for part in parts
            ),
        )
