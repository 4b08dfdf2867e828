"""The whole store as a portable tar archive, and back: what ``fakes3 snapshot``/``restore`` move.

The archive is ``manifest.json`` (buckets with their records, every configuration document,
every current object and every version with delete markers, uploads in progress with their
parts, plus whatever the caller adds under ``"extra"``: the clock, the consistency mode) then
one ``blobs/<n>`` member per stored blob. Records name blobs by member, never by backend id,
so an archive taken from the memory backend restores into a directory one and back.

Both directions stream: ``stream`` yields the tar a chunk at a time (each blob is read in
chunks and spooled to a temporary file, never held whole in memory), and ``restore`` reads a
stream sequentially (``tarfile`` mode ``r|``), writing each blob through the blob store as it
arrives. The manifest comes first, so restore knows what it is reading before any blob.

Only the index and blob interfaces are used: the metadata is collected under the store lock
(a consistent picture), blobs are read after it. A blob deleted by a request racing the
snapshot fails the snapshot rather than producing an archive with a hole.
"""

from __future__ import annotations

import dataclasses
import json
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, cast

from fakes3.store.blobs import Readable
from fakes3.store.records import BucketRecord, ObjectPart, ObjectRecord
from fakes3.store.snapshot_checks import ManifestError, check_key, check_object, check_record
from fakes3.store.uploads import PartRecord, UploadRecord

if TYPE_CHECKING:
    from fakes3.store.store import Store

__all__ = ["FORMAT", "SnapshotError", "restore", "stream", "write"]

FORMAT = "fakes3-snapshot/1"
MANIFEST = "manifest.json"
_CHUNK = 1024 * 1024
_PAGE = 1000
_SPOOL = 8 * 1024 * 1024


class SnapshotError(ValueError):
    """The archive is not a fakes3 snapshot, or is damaged."""


# Records <-> JSON ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    return value


def _revive(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        return {name: _revive(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_revive(item) for item in value]
    return value


def _fields(record: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(record, f.name)) for f in dataclasses.fields(record)}


def _object(document: dict[str, Any]) -> ObjectRecord:
    fields = _revive(document)
    fields["tags"] = tuple(tuple(pair) for pair in fields.get("tags", ()))
    fields["parts"] = tuple(ObjectPart(**part) for part in fields.get("parts", ()))
    return ObjectRecord(**fields)


# Snapshot -----------------------------------------------------------------------------------


class _Blobs:
    """Backend blob id -> archive member name, each blob once however many records share it."""

    def __init__(self) -> None:
        self.members: dict[str, str] = {}

    def name(self, blob_id: str) -> str:
        if not blob_id:
            return ""  # a delete marker has no bytes
        member = self.members.get(blob_id)
        if member is None:
            member = self.members[blob_id] = f"blobs/{len(self.members):08d}"
        return member


def _all_parts(store: Store, bucket: str, upload_id: str) -> Iterator[PartRecord]:
    number = 0
    while page := store.multipart.uploads.parts(bucket, upload_id, number, _PAGE):
        yield from page
        number = page[-1].part_number


def _object_doc(record: ObjectRecord, blobs: _Blobs) -> dict[str, Any]:
    document = _fields(record)
    document["blob_id"] = blobs.name(record.blob_id)
    return document


def _bucket_doc(store: Store, bucket: BucketRecord, blobs: _Blobs) -> dict[str, Any]:
    index, name = store.index, bucket.name
    current: list[dict[str, Any]] = []
    start, inclusive = "", True
    while page := index.scan(name, start, inclusive, _PAGE):
        current.extend(_object_doc(record, blobs) for record in page)
        start, inclusive = page[-1].key, False
    versions: list[dict[str, Any]] = []
    if bucket.versioning is not None:
        after: str | None = None
        start, inclusive = "", True
        while page := index.scan_versions(name, start, inclusive, after, _PAGE):
            versions.extend(_object_doc(record, blobs) for record in page)
            start, after, inclusive = page[-1].key, page[-1].version_id, True
    uploads: list[dict[str, Any]] = []
    upload_index = store.multipart.uploads
    position = ("", "")
    while batch := upload_index.scan(name, position, _PAGE):
        for upload in batch:
            document = _fields(upload)
            parts = []
            for part in _all_parts(store, name, upload.upload_id):
                part_doc = _fields(part)
                part_doc["blob_id"] = blobs.name(part.blob_id)
                parts.append(part_doc)
            document["parts"] = parts
            uploads.append(document)
        position = (batch[-1].key, batch[-1].upload_id)
    return {
        "record": _fields(bucket),
        "configs": index.list_configs(name, ""),  # the stored JSON documents, as they are
        "current": current,
        "versions": versions,
        "uploads": uploads,
    }


def _manifest(store: Store, extra: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    blobs = _Blobs()
    with store.lock:
        buckets = [_bucket_doc(store, bucket, blobs) for bucket in store.index.buckets()]
    document = {
        "format": FORMAT,
        "created": time.time(),
        "buckets": buckets,
        "blobs": len(blobs.members),
        "extra": extra,
    }
    return json.dumps(document, separators=(",", ":")).encode(), blobs.members


def _member(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o644
    return info.tobuf(format=tarfile.PAX_FORMAT)


def _padding(size: int) -> bytes:
    return bytes(-size % tarfile.BLOCKSIZE)


def stream(store: Store, extra: dict[str, Any] | None = None) -> Iterator[bytes]:
    """The snapshot archive, chunk by chunk (an uncompressed POSIX tar). The metadata is read
    now, the blobs as the chunks are taken."""
    manifest, members = _manifest(store, extra or {})
    return _chunks(store, manifest, members)


def _chunks(store: Store, manifest: bytes, members: dict[str, str]) -> Iterator[bytes]:
    yield _member(MANIFEST, len(manifest)) + manifest + _padding(len(manifest))
    for blob_id, name in members.items():
        with tempfile.SpooledTemporaryFile(_SPOOL) as spool:
            reader = store.blobs.open(blob_id)
            try:
                for chunk in reader:
                    spool.write(chunk)
            finally:
                reader.close()
            size = spool.tell()
            spool.seek(0)
            yield _member(name, size)
            while chunk := spool.read(_CHUNK):
                yield chunk
            yield _padding(size)
    yield bytes(2 * tarfile.BLOCKSIZE)


def write(store: Store, fileobj: IO[bytes], extra: dict[str, Any] | None = None) -> None:
    """Write the snapshot archive of ``store`` to a binary file object."""
    for chunk in stream(store, extra):
        fileobj.write(chunk)


# Restore ------------------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    first = archive.next()
    if first is None or first.name != MANIFEST:
        raise SnapshotError(f"not a fakes3 snapshot: the archive does not start with {MANIFEST}")
    handle = archive.extractfile(first)
    assert handle is not None
    try:
        document: dict[str, Any] = json.loads(handle.read())
    except ValueError as exc:
        raise SnapshotError(f"damaged {MANIFEST}: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f"not a {FORMAT} archive")
    return document


def _load_blobs(store: Store, archive: tarfile.TarFile) -> tuple[dict[str, str], dict[str, int]]:
    """Every ``blobs/`` member written through the blob store: member name -> new blob id,
    and member name -> size."""
    ids: dict[str, str] = {}
    sizes: dict[str, int] = {}
    try:
        for member in archive:  # a streamed TarFile yields the members already read first
            if member.name == MANIFEST:
                continue
            if not member.isfile() or not member.name.startswith("blobs/"):
                raise SnapshotError(f"unexpected archive member {member.name!r}")
            handle = archive.extractfile(member)
            assert handle is not None
            writer = store.blobs.create()  # memory spills large blobs to files itself
            size = 0
            try:
                while chunk := handle.read(_CHUNK):
                    writer.write(chunk)
                    size += len(chunk)
            except BaseException:
                writer.abort()
                raise
            ids[member.name] = writer.commit()
            sizes[member.name] = size
    except BaseException:
        for blob_id in ids.values():
            store.blobs.delete(blob_id)
        raise
    return ids, sizes


def _blob(ids: dict[str, str], member: str) -> str:
    if not member:
        return ""
    blob_id = ids.get(member)
    if blob_id is None:
        raise SnapshotError(f"the manifest names {member!r}, which the archive lacks")
    return blob_id


@dataclasses.dataclass
class _Plan:
    """One bucket of the archive as records, every blob resolved: built before anything in
    the store changes, so a bad manifest cannot leave a half-restored store."""

    bucket: BucketRecord
    configs: list[tuple[str, str]]
    versions: list[ObjectRecord]  # oldest first: add_version makes each the newest
    current: list[ObjectRecord]
    uploads: list[tuple[UploadRecord, list[PartRecord]]]


def _plan(document: dict[str, Any], ids: dict[str, str], sizes: dict[str, int]) -> _Plan:
    """The bucket's records, each checked (``snapshot_checks``): ManifestError if one is not
    what the store holds."""

    def record(doc: dict[str, Any]) -> ObjectRecord:
        found = dataclasses.replace(_object(doc), blob_id=_blob(ids, doc["blob_id"]))
        check_object(found, sizes.get(doc["blob_id"], 0))
        return found

    uploads = []
    for doc in document["uploads"]:
        fields = _revive({name: value for name, value in doc.items() if name != "parts"})
        upload = UploadRecord(**fields)
        check_record(upload, "upload")
        check_key(upload.key)
        parts = []
        for part_doc in doc["parts"]:
            part = PartRecord(**{**_revive(part_doc), "blob_id": _blob(ids, part_doc["blob_id"])})
            check_record(part, "part")
            if part.size != sizes.get(part_doc["blob_id"], 0):
                raise ManifestError(f"a part of {upload.key!r}: its size is not its blob's")
            parts.append(part)
        uploads.append((upload, parts))
    bucket = BucketRecord(**_revive(document["record"]))
    check_record(bucket, "bucket")
    current = [record(doc) for doc in document["current"]]
    if len({item.key for item in current}) != len(current):
        raise ManifestError(f"{bucket.name!r}: a key is current twice")
    return _Plan(
        bucket,
        [(str(name), str(config)) for name, config in document["configs"]],
        [record(doc) for doc in reversed(document["versions"])],
        current,
        uploads,
    )


def _apply(store: Store, plan: _Plan) -> None:
    index, name = store.index, plan.bucket.name
    index.add_bucket(plan.bucket)
    for config_name, config in plan.configs:
        index.put_config(name, config_name, config)
    for version in plan.versions:
        index.add_version(name, version)
    for current in plan.current:
        index.put(name, current)
    for upload, parts in plan.uploads:
        store.multipart.uploads.add(upload)
        for part in parts:
            store.multipart.uploads.put_part(name, upload.upload_id, part)


Configured = list[tuple[BucketRecord, list[tuple[str, str]]]]
"""Each bucket of an archive with its configuration documents (name, JSON text)."""


def restore(
    store: Store,
    fileobj: Readable,
    check: Callable[[dict[str, Any], Configured], None] | None = None,
) -> dict[str, Any]:
    """Replace everything in ``store`` with the archive read from ``fileobj``; returns the
    manifest's ``extra``. The archive is read once, front to back (a pipe or socket will do).

    The store is reset only once the archive has been read whole and every record checked
    (and ``check``, the caller's, passed the manifest and the buckets' records and
    configurations: ValueError if not), so a damaged archive leaves the state it found (the
    blobs it wrote are removed).
    """
    try:
        archive = tarfile.open(fileobj=cast(IO[bytes], fileobj), mode="r|")
    except tarfile.TarError as exc:
        raise SnapshotError(f"not a tar archive: {exc}") from exc
    with archive:
        try:
            manifest = _read_manifest(archive)
            ids, sizes = _load_blobs(store, archive)
        except tarfile.TarError as exc:
            raise SnapshotError(f"damaged archive: {exc}") from exc
    try:
        plans = [_plan(bucket, ids, sizes) for bucket in manifest["buckets"]]
        if len({plan.bucket.name for plan in plans}) != len(plans):
            raise ManifestError("a bucket is in the manifest twice")
        if check is not None:
            check(manifest, [(plan.bucket, plan.configs) for plan in plans])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        for blob_id in ids.values():
            store.blobs.delete(blob_id)
        if isinstance(exc, SnapshotError):
            raise
        raise SnapshotError(f"damaged {MANIFEST}: {exc!r}") from exc
    with store.lock:
        _reset_keeping(store, set(ids.values()))
        for plan in plans:
            _apply(store, plan)
        store.configs.clear()  # no cached document may outlive the restore
    extra: dict[str, Any] = manifest.get("extra") or {}
    return extra


def _reset_keeping(store: Store, keep: set[str]) -> None:
    """``store.reset()`` without dropping the blobs just restored (lock held)."""
    doomed: list[str] = []
    for bucket in store.index.buckets():
        start, inclusive = "", True
        while page := store.index.scan(bucket.name, start, inclusive, _PAGE):
            doomed.extend(r.blob_id for r in page if r.blob_id)
            start, inclusive = page[-1].key, False
        if bucket.versioning is not None:
            after: str | None = None
            start, inclusive = "", True
            while page := store.index.scan_versions(bucket.name, start, inclusive, after, _PAGE):
                doomed.extend(r.blob_id for r in page if r.blob_id)
                start, after, inclusive = page[-1].key, page[-1].version_id, True
        position = ("", "")
        uploads = store.multipart.uploads
        while batch := uploads.scan(bucket.name, position, _PAGE):
            for upload in batch:
                doomed.extend(p.blob_id for p in _all_parts(store, bucket.name, upload.upload_id))
            position = (batch[-1].key, batch[-1].upload_id)
    store.index.clear()
    store.multipart.clear()
    store.configs.clear()
    for blob_id in set(doomed) - keep:
        store.blobs.delete(blob_id)
