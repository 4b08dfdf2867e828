"""Multipart uploads in progress: their records and the index contract behind them.

An upload is identified by ``(bucket, upload_id)``. Upload ids are generated so that their
order is the order of initiation (a monotonic time prefix), so S3's listing order, key then
initiation time, is simply ``(key, upload_id)`` order: one seek and a scan per page.
The store serialises calls with its lock; implementations need not be thread-safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

# Sorts after every generated upload id (lower-case hex): ``(key, AFTER_ALL_IDS)`` skips a key.
AFTER_ALL_IDS = "~"


@dataclass(frozen=True)
class UploadRecord:
    """A multipart upload between CreateMultipartUpload and Complete/Abort."""

    bucket: str
    key: str
    upload_id: str
    initiated: datetime
    # The object's attributes as ObjectRecord fields (content type, headers, metadata,
    # storage class, tags), given at creation and applied at completion.
    attrs: dict[str, Any] = field(default_factory=dict)
    checksum_algorithm: str | None = None  # as the client asked; None: S3's default
    checksum_type: str | None = None  # "COMPOSITE" | "FULL_OBJECT", None when not asked
    initiator: str | None = None  # the canonical id of the account that created it

    @property
    def algorithm(self) -> str:
        """The algorithm every part is checksummed with (S3 defaults to CRC64NVME)."""
        return self.checksum_algorithm or "CRC64NVME"

    @property
    def kind(self) -> str:
        """How the object's checksum is made from the parts'."""
        if self.checksum_type is not None:
            return self.checksum_type
        if self.checksum_algorithm is None or self.checksum_algorithm == "CRC64NVME":
            return "FULL_OBJECT"
        return "COMPOSITE"


@dataclass(frozen=True)
class PartRecord:
    """One uploaded part; a part uploaded again under the same number replaces it."""

    part_number: int
    blob_id: str
    size: int
    etag: str  # quoted md5 of the part
    last_modified: datetime
    checksum: str  # base64, of the upload's algorithm


class UploadIndex(Protocol):
    def add(self, upload: UploadRecord) -> None:
        """MUST store a new upload (its id is fresh)."""

    def get(self, bucket: str, upload_id: str) -> UploadRecord | None: ...

    def remove(self, bucket: str, upload_id: str) -> list[PartRecord]:
        """MUST remove the upload and its parts; returns the parts (their blobs are the
        caller's to delete)."""
        ...

    def put_part(self, bucket: str, upload_id: str, part: PartRecord) -> PartRecord | None:
        """MUST make ``part`` the upload's part of that number; returns the part it replaced."""

    def parts(self, bucket: str, upload_id: str, after: int, limit: int) -> list[PartRecord]:
        """Up to ``limit`` parts numbered above ``after``, in part number order."""
        ...

    def scan(self, bucket: str, after: tuple[str, str], limit: int) -> list[UploadRecord]:
        """Up to ``limit`` uploads whose ``(key, upload_id)`` is above ``after``, in that order.

        MUST cost O(log n + limit).
        """
        ...

    def blob_ids(self) -> Iterator[str]:
        """Every blob id a part of an upload in progress refers to (blob reconciliation)."""
        ...

    def clear(self) -> None:
        """MUST remove every upload and part."""

    def close(self) -> None: ...
