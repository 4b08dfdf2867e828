"""What a snapshot manifest must be before a restore may reset anything: every record field of
the type its dataclass declares, every size the size of its blob, every key a key.

A manifest is JSON a user may have edited (or damaged): a key of ``123`` would sit in a sorted
index beside strings and fail every later listing; a ``size`` that is not its blob's would
send a body shorter than its Content-Length. So each record is checked against the type hints
of its dataclass before the store is touched, and the restore answers 400 instead.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Any, Union

from fakes3.store.records import ObjectRecord

MAX_KEY_BYTES = 1024


class ManifestError(ValueError):
    """A record of the manifest is not what the store holds."""


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of type ``hint`` (the hints records use: scalars, datetimes,
    optionals, dicts, tuples and lists of them, dataclasses, Any)."""
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_conforms(value, option) for option in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint in (str, datetime):
        return isinstance(value, hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return isinstance(value, hint) and conforms(value)
    args = typing.get_args(hint)
    if origin is dict:
        return isinstance(value, dict) and all(
            _conforms(k, args[0]) and _conforms(v, args[1]) for k, v in value.items()
        )
    if origin in (tuple, list):
        if not isinstance(value, (tuple, list)):
            return False
        if origin is tuple and args and args[-1] is not Ellipsis:
            return len(value) == len(args) and all(map(_conforms, value, args))
        return all(_conforms(item, args[0]) for item in value)
    raise TypeError(f"no check for {hint!r}")  # a new field type: teach this function


def conforms(record: Any) -> bool:
    """Whether every field of the dataclass instance ``record`` is of its declared type."""
    hints = _hints(type(record))
    return all(
        _conforms(getattr(record, f.name), hints[f.name]) for f in dataclasses.fields(record)
    )


def check_record(record: Any, what: str) -> None:
    if not conforms(record):
        raise ManifestError(f"a {what} record of the manifest has fields of the wrong type")


def check_key(key: str) -> None:
    if not key or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise ManifestError(f"not an object key: {key[:80]!r}")


def check_object(record: ObjectRecord, blob_size: int) -> None:
    """An object or version record: typed, a key, and the size of its blob (0: none)."""
    check_record(record, "object")
    check_key(record.key)
    if record.size != blob_size:
        raise ManifestError(f"{record.key!r}: its size is not its blob's")
