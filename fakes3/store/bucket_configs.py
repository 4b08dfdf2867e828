"""The one home of bucket configurations: opaque documents keyed by ``(bucket, name)``.

Tagging, CORS, encryption, website, logging, lifecycle, policies… are each a document stored
under a name (``"cors"``) or, for the Id-keyed families, ``"<family>/<id>"``
(``"inventory/daily"``). Values are model-shaped dicts (member names, typed scalars), kept as
JSON text in both indexes so the memory and directory backends store the same thing.

This port is where every configuration change passes, so it is where the consistency view
hears of it (``bucket-config-lag`` covers every feature without any of them asking), and
where the decoded documents are cached for the seams that read them on every request
(default encryption on PUT, CORS on responses).

Every method takes the store's lock; a change is one ``store.change()`` (one transaction), and
the cache learns of it only once that has committed. Reads see the bucket as the consistency
view serves it; writes check the bucket as it is now. A missing bucket is ``NoSuchBucket``.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fakes3.store.store import Store

_ABSENT: Any = object()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot store {type(value).__name__} in a bucket configuration")


def _decode(node: dict[str, Any]) -> Any:
    if len(node) == 1:
        if "$datetime" in node:
            return datetime.fromisoformat(node["$datetime"])
        if "$bytes" in node:
            return base64.b64decode(node["$bytes"])
    return node


def dumps(value: Any) -> str:
    """A configuration as stored: JSON, with datetimes and bytes tagged."""
    return json.dumps(value, default=_encode, separators=(",", ":"), sort_keys=True)


def loads(document: str) -> Any:
    return json.loads(document, object_hook=_decode)


class BucketConfigs:
    """get / put / delete / list over the index's configuration documents.

    Values handed out are shared with the cache: callers MUST NOT mutate them.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: dict[tuple[str, str], Any] = {}  # decoded documents, _ABSENT if none

    def get(self, bucket: str, name: str) -> Any | None:
        """The configuration as reads see it, or None; NoSuchBucket if there is no bucket,
        neither as the consistency view shows it nor as it is (a write to a bucket whose
        creation still lags reads its configurations, such as default encryption)."""
        store = self._store
        with store.lock:
            if store.view is None:  # the hot path of the seams: one dict lookup when cached
                cached = self._cache.get((bucket, name))
                if cached is not None:  # only buckets that exist have entries (forget_bucket)
                    return None if cached is _ABSENT else cached
            if store.view is None or store.index.get_bucket(bucket) is None:
                store.get_bucket(bucket)
            value = self._current(bucket, name)
            if store.view is not None:
                value = store.view.config(bucket, name, value)
        return value

    def put(self, bucket: str, name: str, value: Any) -> None:
        """Store ``value`` under ``name``, replacing what was there."""
        store = self._store
        with store.lock:
            before = self._current(bucket, name) if store.view is not None else None
            document = dumps(value)
            with store.change():
                store.bucket_now(bucket)  # inside: sees a delete by another process
                store.index.put_config(bucket, name, document)
            self._cache[(bucket, name)] = loads(document)
            if store.view is not None:
                store.view.config_changed(bucket, name, before, self._cache[(bucket, name)])

    def delete(self, bucket: str, name: str) -> bool:
        """Remove the configuration; True if there was one."""
        store = self._store
        with store.lock:
            before = self._current(bucket, name) if store.view is not None else None
            with store.change():
                store.bucket_now(bucket)
                removed = store.index.delete_config(bucket, name)
            self._cache[(bucket, name)] = _ABSENT
            if removed and store.view is not None:
                store.view.config_changed(bucket, name, before, None)
            return removed

    def list(self, bucket: str, prefix: str) -> list[tuple[str, Any]]:
        """``(name, value)`` of every configuration whose name starts with ``prefix``, sorted
        by name (the consistency view applies to single documents only)."""
        store = self._store
        with store.lock:
            store.get_bucket(bucket)
            return [(name, loads(doc)) for name, doc in store.index.list_configs(bucket, prefix)]

    def _current(self, bucket: str, name: str) -> Any | None:
        cached = self._cache.get((bucket, name))
        if cached is None:
            index = self._store.index
            document = index.get_config(bucket, name)
            cached = _ABSENT if document is None else loads(document)
            if index.get_bucket(bucket) is not None:  # a lagging view may show a gone bucket
                self._cache[(bucket, name)] = cached
        return None if cached is _ABSENT else cached

    def forget_bucket(self, bucket: str) -> None:
        """The bucket is gone (the index dropped its documents): drop them from the cache."""
        for entry in [entry for entry in self._cache if entry[0] == bucket]:
            del self._cache[entry]

    def clear(self) -> None:
        self._cache.clear()
