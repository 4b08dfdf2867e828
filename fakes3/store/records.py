"""Typed values the store hands to operations (never dicts of strings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class BucketRecord:
    name: str
    region: str
    created: datetime
    owner: str = ""  # canonical id of the account that created it ('' = the default account)
    versioning: str | None = None  # None (never enabled) | "Enabled" | "Suspended"


@dataclass(frozen=True)
class ObjectPart:
    """One part of an object completed from a multipart upload, in object order."""

    part_number: int
    size: int
    etag: str  # quoted md5 of the part
    checksum: str | None = None  # base64, of the object's checksum algorithm


@dataclass(frozen=True)
class ObjectRecord:
    """One stored object: where its bytes are and everything S3 returns about it."""

    key: str
    blob_id: str
    size: int
    etag: str  # quoted, as S3 sends it: '"<md5 hex>"'
    last_modified: datetime
    content_type: str = "binary/octet-stream"
    # Other representation headers by model member name: ContentEncoding, ContentDisposition,
    # ContentLanguage, CacheControl, Expires, WebsiteRedirectLocation.
    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    tags: tuple[tuple[str, str], ...] = ()
    checksum_algorithm: str | None = None  # e.g. "CRC32"
    checksum: str | None = None  # base64 value of checksum_algorithm
    checksum_type: str | None = None  # "FULL_OBJECT" | "COMPOSITE"
    version_id: str | None = None  # None: the bucket has never had versioning
    parts: tuple[ObjectPart, ...] = ()  # empty unless completed from a multipart upload
    delete_marker: bool = False  # a delete marker: no bytes (blob_id ""), a version id
    # Server-side encryption as GET/HEAD answer it, by model member name
    # (ServerSideEncryption, SSEKMSKeyId, BucketKeyEnabled, SSECustomerAlgorithm…).
    encryption: dict[str, Any] = field(default_factory=dict)
    # Object Lock (fakes3.store.object_lock): "GOVERNANCE" | "COMPLIANCE", until (ISO 8601),
    # and the legal hold "ON" | "OFF" (None: never set). JSON-ready: they travel in upload attrs.
    lock_mode: str | None = None
    lock_until: str | None = None
    legal_hold: str | None = None
    # RestoreObject of an archived version (ISO 8601): when the restored copy is ready, and
    # when it expires (fakes3.operations.restore).
    restore_ready: str | None = None
    restore_expiry: str | None = None
    # The version's ACL (fakes3.auth.acl: {"Owner": id, "Grants": [...]}); None: written while
    # ACLs were disabled, so the bucket owner owns it with FULL_CONTROL.
    acl: dict[str, Any] | None = None


# What a new version starts with whatever its source had (a copy inherits no lock, no restore).
FRESH: dict[str, Any] = {
    "lock_mode": None,
    "lock_until": None,
    "legal_hold": None,
    "restore_ready": None,
    "restore_expiry": None,
}
