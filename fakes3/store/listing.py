"""Sorted listing pages with S3's counting rules, over any index scan.

One algorithm serves ListObjects (current objects), ListObjectVersions (every version) and
ListMultipartUploads: entries come in key order (several entries of one key in the order the
index keeps them: versions newest first, uploads oldest first), keys under a common prefix roll
up into one entry, and prefixes count toward ``max_keys``. Each common prefix costs one index
seek past everything it rolls up, so a page costs O(page * log n) whatever the bucket's size.

An entry's place is ``(key, position)``: ``position`` (a version id, an upload id) orders the
entries of one key; ``scan(start, inclusive, after, limit)`` returns the entries after a place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


Entry = TypeVar("Entry", bound=Keyed)
# scan(start, inclusive, after, limit): with ``after``, the entries of key ``start`` placed
# after it, then the keys after ``start``; without, every entry of keys >= start (or >).
Scan = Callable[[str, bool, "str | None", int], list[Entry]]


@dataclass
class ListPage(Generic[Entry]):
    """One page of a listing: entries and common prefixes in key order, as S3 counts them."""

    objects: list[Entry] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last: str | None = None  # the last key or common prefix returned: the next marker
    last_version: str | None = None  # the last entry's position, if ``last`` is a key


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


def rollup(key: str, prefix: str, delimiter: str) -> str | None:
    """The common prefix ``key`` rolls up into, or None if it is listed as itself."""
    if not delimiter or not key.startswith(prefix):
        return None
    pos = key.find(delimiter, len(prefix))
    return key[: pos + len(delimiter)] if pos >= 0 else None


def list_page(
    scan: Scan[Entry],
    position_of: Callable[[Entry], str | None],
    prefix: str,
    delimiter: str,
    marker: str,
    max_keys: int,
    version_marker: str | None = None,
) -> ListPage[Entry]:
    """The page that follows ``marker`` (a key or common prefix returned before) and, where
    a key has several entries, ``version_marker`` (the position of the last one returned)."""
    page: ListPage[Entry] = ListPage()
    if max_keys <= 0:
        return page
    start, inclusive, after = prefix, True, None
    if marker >= prefix:
        start, inclusive = marker, False
        rolled = rollup(marker, prefix, delimiter)
        # A marker that is, or lies inside, a common prefix: the prefix sorts at or before
        # it, so all of it is skipped (AWS, recorded in LocalStack's validated
        # test_list_objects_marker_common_prefixes: a marker of a/b/k1 lists after a/b/).
        if rolled is not None:
            successor = prefix_successor(rolled)
            if successor is None:
                return page
            start, inclusive = successor, True
        elif version_marker is not None:
            after = version_marker
    _fill(page, scan, position_of, prefix, delimiter, (start, inclusive, after), max_keys)
    return page


def _fill(
    page: ListPage[Entry],
    scan: Scan[Entry],
    position_of: Callable[[Entry], str | None],
    prefix: str,
    delimiter: str,
    position: tuple[str, bool, str | None],
    max_keys: int,
) -> None:
    start, inclusive, after = position
    count = 0
    # After a seek past a common prefix the next entry is often another prefix, so read
    # a little, and grow the batch while plain keys keep coming.
    size = 2 if delimiter else 1001
    while True:
        limit = min(max_keys - count + 1, size)
        batch = scan(start, inclusive, after, limit)
        if not batch:
            return
        reseek = False
        for record in batch:
            key = record.key
            if not key.startswith(prefix):
                return
            rolled = rollup(key, prefix, delimiter)
            if count == max_keys:
                page.truncated = True
                return
            count += 1
            if rolled is None:
                page.objects.append(record)
                page.last = start = key
                page.last_version = after = position_of(record)
                inclusive = False
                continue
            page.prefixes.append(rolled)
            page.last, page.last_version = rolled, None
            successor = prefix_successor(rolled)
            if successor is None:
                return
            start, inclusive, after, reseek = successor, True, None, True
            break
        if reseek:
            size = 2
        elif len(batch) < limit:
            return
        else:
            size = min(size * 4, 1001)
