"""Snapshot and restore of a whole app: the store's archive plus the clock and consistency mode.

The store's part is ``fakes3.store.snapshot`` (backend-neutral, streamed). This module adds
what belongs to the app rather than the store, the clock and the consistency modes, in the
manifest's ``extra``, and answers the control endpoints:

- ``GET /_fakes3/snapshot``: the archive, streamed (``application/x-tar``).
- ``PUT /_fakes3/snapshot``: replace the whole state with the archive in the body (streamed
  into the store), answers ``{"status": "restored", "buckets": N}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from fakes3.errors import S3Error
from fakes3.faults import finite
from fakes3.operations.buckets import validate_bucket_name
from fakes3.protocol.serializing import WireResponse
from fakes3.realism import LAST_SECOND
from fakes3.snapshot_rehearsal import rehearse
from fakes3.store import bucket_configs, snapshot
from fakes3.store.blobs import Readable
from fakes3.store.consistency_rules import make_rules
from fakes3.store.versioning import ENABLED, SUSPENDED

if TYPE_CHECKING:
    from fakes3.app import FakeS3

__all__ = ["LimitedReader", "dump", "endpoint", "load", "stream"]

PATH = "/_fakes3/snapshot"


def _extra(app: FakeS3) -> dict[str, Any]:
    consistency = app.consistency
    clock = app.store.clock
    return {
        "clock": {"manual": clock.manual, "time": clock.time()},
        "consistency": {
            "rules": consistency.rules.to_json(),
            "buckets": {name: rules.to_json() for name, rules in consistency.scopes.items()},
            "seed": consistency.seed,
        },
    }


def _apply(app: FakeS3, extra: dict[str, Any]) -> None:
    consistency = app.consistency
    mode = extra.get("consistency") or {}
    consistency.reset(int(mode.get("seed", app.settings.seed)))  # settled, wall clock
    rules = dict(mode.get("rules") or {"preset": "strong"})
    consistency.set(rules.pop("preset"), **rules)
    for bucket, scoped in (mode.get("buckets") or {}).items():
        scoped = dict(scoped)
        consistency.set(scoped.pop("preset"), bucket=bucket, **scoped)
    clock = extra.get("clock") or {}
    if clock.get("manual"):
        consistency.manual_clock().set(float(clock["time"]))


def _check_config(bucket: str, name: Any, document: Any) -> None:
    """Every stored configuration is a JSON object (a restored ``[1,2]`` lifecycle made every
    GET of the bucket a 500, a website of broken JSON the console)."""
    try:
        value = bucket_configs.loads(document) if isinstance(document, str) else None
    except ValueError:
        value = None
    if not isinstance(name, str) or not isinstance(value, dict):
        raise ValueError(f"bucket {bucket}: configuration {name!r} is not a JSON object")


def _checker(app: FakeS3) -> Callable[[dict[str, Any], snapshot.Configured], None]:
    """``_check``, then the buckets' configurations rehearsed on a scratch app
    (``fakes3.snapshot_rehearsal``): a document that would make requests fail is refused."""

    def check(manifest: dict[str, Any], buckets: snapshot.Configured) -> None:
        _check(manifest)
        rehearse(app.settings, buckets)

    return check


def _check(manifest: dict[str, Any]) -> None:
    """What the store does not judge: bucket names and versioning states as S3 has them, and
    an ``extra`` that ``_apply`` can apply whole (ValueError if not), before anything is reset."""
    for bucket in manifest["buckets"]:
        record = bucket["record"]
        try:
            validate_bucket_name(record["name"])
        except S3Error:
            raise ValueError(f"not a bucket name: {record['name']!r}") from None
        if record.get("versioning") not in (None, ENABLED, SUSPENDED):
            raise ValueError(f"not a versioning state: {record['versioning']!r}")
        for name, document in bucket.get("configs") or []:
            _check_config(record["name"], name, document)
    extra = manifest.get("extra") or {}
    mode, clock = extra.get("consistency") or {}, extra.get("clock") or {}
    if not isinstance(mode, dict) or not isinstance(clock, dict):
        raise ValueError("extra: consistency and clock are objects")
    seed = mode.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"extra: the seed is an integer, not {seed!r}")
    try:
        for rules in [
            mode.get("rules") or {"preset": "strong"},
            *(mode.get("buckets") or {}).values(),
        ]:
            knobs = dict(rules)
            make_rules(knobs.pop("preset"), **knobs)
    except (S3Error, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"extra: not a consistency mode: {exc}") from None
    time = clock.get("time", 0)
    if not finite(time) or not 0 <= time <= LAST_SECOND:
        raise ValueError(f"extra: the clock's time is epoch seconds, not {time!r}")


def stream(app: FakeS3) -> Iterator[bytes]:
    """The app's snapshot archive, chunk by chunk."""
    if app.store.view is not None:
        app.consistency.settle()  # the archive holds the state as it is, not as a replica lags
    return snapshot.stream(app.store, _extra(app))


def dump(app: FakeS3, fileobj: IO[bytes]) -> None:
    for chunk in stream(app):
        fileobj.write(chunk)


def load(app: FakeS3, fileobj: Readable) -> None:
    """Replace the app's whole state (store, clock, consistency mode) with the archive's."""
    app.consistency.settle()
    extra = snapshot.restore(app.store, fileobj, _checker(app))
    app.access_logs.reset()  # records buffered for the old buckets go with them
    app.access_logs.rescan()
    _apply(app, extra)


class LimitedReader:
    """``wsgi.input`` read up to the request's Content-Length, never past it."""

    def __init__(self, raw: IO[bytes], length: int) -> None:
        self._raw = raw
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size < 0 else min(size, self._left)
        data = self._raw.read(size)
        self._left -= len(data)
        return data

    def drain(self) -> None:
        """Read what the client sent and restore did not (a damaged archive), so the
        connection stays usable and the client sees the answer instead of a broken pipe."""
        while self.read(1024 * 1024):
            pass


def _json(status: int, document: Any) -> WireResponse:
    return WireResponse(
        status, [("Content-Type", "application/json")], json.dumps(document).encode()
    )


def endpoint(app: FakeS3, method: str, body: Readable | None) -> WireResponse:
    """``GET``/``HEAD`` stream the archive, ``PUT`` restores one from ``body``."""
    if method in ("GET", "HEAD"):
        headers = [
            ("Content-Type", "application/x-tar"),
            ("Content-Disposition", 'attachment; filename="fakes3-snapshot.tar"'),
        ]
        return WireResponse(200, headers, stream(app) if method == "GET" else b"")
    if method == "PUT":
        if body is None:
            return _json(411, {"error": "PUT /_fakes3/snapshot needs a Content-Length"})
        try:
            load(app, body)
        except snapshot.SnapshotError as exc:
            return _json(400, {"error": str(exc)})
        finally:
            if isinstance(body, LimitedReader):
                body.drain()
        return _json(200, {"status": "restored", "buckets": len(app.store.list_buckets())})
    return _json(405, {"error": f"{method} is not allowed on {PATH}"})
