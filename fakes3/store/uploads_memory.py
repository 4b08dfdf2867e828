"""In-memory upload index: a dict of uploads plus sorted lists for listings and part pages."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from fakes3.store.uploads import PartRecord, UploadRecord


class _Upload:
    __slots__ = ("record", "parts", "numbers")

    def __init__(self, record: UploadRecord) -> None:
        self.record = record
        self.parts: dict[int, PartRecord] = {}
        self.numbers: list[int] = []  # sorted


class MemoryUploads:
    def __init__(self) -> None:
        self._uploads: dict[tuple[str, str], _Upload] = {}
        self._order: dict[str, list[tuple[str, str]]] = {}  # bucket -> sorted (key, upload_id)

    def add(self, upload: UploadRecord) -> None:
        self._uploads[upload.bucket, upload.upload_id] = _Upload(upload)
        bisect.insort(self._order.setdefault(upload.bucket, []), (upload.key, upload.upload_id))

    def get(self, bucket: str, upload_id: str) -> UploadRecord | None:
        entry = self._uploads.get((bucket, upload_id))
        return entry.record if entry else None

    def remove(self, bucket: str, upload_id: str) -> list[PartRecord]:
        entry = self._uploads.pop((bucket, upload_id), None)
        if entry is None:
            return []
        order = self._order[bucket]
        del order[bisect.bisect_left(order, (entry.record.key, upload_id))]
        return [entry.parts[number] for number in entry.numbers]

    def put_part(self, bucket: str, upload_id: str, part: PartRecord) -> PartRecord | None:
        entry = self._uploads[bucket, upload_id]
        previous = entry.parts.get(part.part_number)
        if previous is None:
            bisect.insort(entry.numbers, part.part_number)
        entry.parts[part.part_number] = part
        return previous

    def parts(self, bucket: str, upload_id: str, after: int, limit: int) -> list[PartRecord]:
        entry = self._uploads.get((bucket, upload_id))
        if entry is None:
            return []
        first = bisect.bisect_right(entry.numbers, after)
        return [entry.parts[number] for number in entry.numbers[first : first + limit]]

    def scan(self, bucket: str, after: tuple[str, str], limit: int) -> list[UploadRecord]:
        order = self._order.get(bucket, [])
        first = bisect.bisect_right(order, after)
        page = order[first : first + limit]
        return [self._uploads[bucket, upload_id].record for _key, upload_id in page]

    def blob_ids(self) -> Iterator[str]:
        for entry in self._uploads.values():
            for part in entry.parts.values():
                yield part.blob_id

    def clear(self) -> None:
        self._uploads.clear()
        self._order.clear()

    def close(self) -> None:
        pass
