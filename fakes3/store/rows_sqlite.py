"""Object records as SQLite rows: what listings read in columns, the rest in JSON read lazily.

A listing page reads 1000 rows and uses only their key, size, ETag, date, storage class and
checksum algorithm and type (and, for versions, version id and delete-marker flag). Those are
columns; the other attributes (content type, headers, metadata, tags, checksum value, parts,
encryption) stay one JSON text that a record decodes the first time one of them is read, so a
listing row costs a tuple and an object, not a ``json.loads`` (issue 11: ~10 µs a row before).
"""

from __future__ import annotations

import json
from dataclasses import astuple, fields
from datetime import datetime, timezone
from typing import Any

from fakes3.store.records import ObjectPart, ObjectRecord

# The columns of a record, in the order rows are read and written (after ``bucket``; the
# versions table has its ``seq`` too). ``attrs`` holds the _LAZY fields as JSON.
COLUMNS = (
    "key, blob_id, size, etag, last_modified, storage_class, checksum_algorithm, "
    "checksum_type, version_id, delete_marker, attrs"
)
PLACEHOLDERS = ", ".join("?" * len(COLUMNS.split(", ")))
# Listing columns added to tables made before them, with their type; old rows fill them from
# the same-named member of their JSON ``attrs`` (or the column's default).
ADDED = (
    ("storage_class", "TEXT NOT NULL DEFAULT 'STANDARD'", "'STANDARD'"),
    ("checksum_algorithm", "TEXT", "NULL"),
    ("checksum_type", "TEXT", "NULL"),
    ("version_id", "TEXT", "NULL"),
    ("delete_marker", "INTEGER NOT NULL DEFAULT 0", "0"),
)
_DEFAULTS = {f.name: f for f in fields(ObjectRecord)}
_COLUMN_FIELDS = frozenset(COLUMNS.split(", ")) - {"attrs"}
# Every other field of ObjectRecord travels in the JSON: a field added to the record is stored
# without a change here (the lock and restore fields, and whatever comes next).
_LAZY = tuple(name for name in _DEFAULTS if name not in _COLUMN_FIELDS)
# One encoder for every write: ``json.dumps`` with any option builds a new one per call.
_to_json = json.JSONEncoder(separators=(",", ":")).encode


def row(record: ObjectRecord) -> tuple[Any, ...]:
    """The values of ``COLUMNS`` for a record."""
    attrs = {name: getattr(record, name) for name in _LAZY}
    attrs["parts"] = [astuple(part) for part in record.parts]
    return (
        record.key,
        record.blob_id,
        record.size,
        record.etag,
        record.last_modified.timestamp(),
        record.storage_class,
        record.checksum_algorithm,
        record.checksum_type,
        record.version_id,
        1 if record.delete_marker else 0,
        _to_json(attrs),
    )


def record(values: tuple[Any, ...]) -> ObjectRecord:
    """A record from a row of ``COLUMNS``; its JSON attributes are decoded on first use."""
    found = _Stored.__new__(_Stored)
    (key, blob_id, size, etag, modified, storage, algorithm, kind, version, marker, attrs) = values
    found.__dict__.update(
        key=key,
        blob_id=blob_id,
        size=size,
        etag=etag,
        last_modified=datetime.fromtimestamp(modified, timezone.utc),
        storage_class=storage,
        checksum_algorithm=algorithm,
        checksum_type=kind,
        version_id=version,
        delete_marker=bool(marker),
        _attrs=attrs,
    )
    return found


def _decode(attrs: str) -> dict[str, Any]:
    """The _LAZY fields from their JSON (rows written before the listing columns also hold
    the column fields: the columns win)."""
    extra = json.loads(attrs)
    values: dict[str, Any] = {}
    for name in _LAZY:
        if name in extra:
            values[name] = extra[name]
        else:
            spec = _DEFAULTS[name]
            factory = spec.default_factory
            values[name] = factory() if callable(factory) else spec.default
    values["tags"] = tuple(tuple(tag) for tag in values["tags"])
    values["parts"] = tuple(ObjectPart(*part) for part in values["parts"])
    return values


class _Lazy:
    """Decodes the record's JSON attributes the first time one of them is read."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return _DEFAULTS[self.name].default
        state = instance.__dict__
        attrs = state.get("_attrs")
        if attrs is None:  # another thread decoded them meanwhile (values first, then this)
            return state[self.name]
        values = _decode(attrs)
        state.update(values)
        state.pop("_attrs", None)
        return values[self.name]


class _Stored(ObjectRecord):
    """An ObjectRecord read from SQLite (equal to an ObjectRecord with the same fields).

    Its JSON attributes sit in ``_attrs`` until one is read; the non-data descriptors below
    answer only while the instance dict lacks the name, then the decoded values shadow them.
    """

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ObjectRecord):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _DEFAULTS)

    __hash__ = ObjectRecord.__hash__


for _name in _LAZY:  # one lazy attribute per JSON field
    setattr(_Stored, _name, _Lazy(_name))
