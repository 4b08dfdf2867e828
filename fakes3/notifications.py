"""Event notifications delivered: what the store committed, matched, captured and sent.

Two seams see every change S3 publishes an event for, and no handler knows of them:

- the app's response hook (fakes3/hooks.py), after a request's answer: the operation and its
  outcome are known there (PutObject, CopyObject, CompleteMultipartUpload, a browser POST,
  DeleteObject(s), Put/DeleteObjectTagging, PutObjectRetention, RestoreObject),
  and the test event on
  PutBucketNotificationConfiguration;
- the lifecycle listener (fakes3/store/lifecycle.py), for each action of a pass.

Each event is matched against the bucket's notification configuration (event types with
``*``, prefix/suffix rules; fakes3/notify_events.py); a match is captured in ``events``
(``app.notifications``, the pytest ``fakes3.notifications``, ``GET /_fakes3/notifications``)
and POSTed to the destination's webhook if one is mapped (fakes3/webhooks.py). A request to
a bucket with no notification configuration costs one cached dict lookup. docs/notifications.md
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fakes3 import notify_events as ne
from fakes3.errors import S3Error
from fakes3.hooks import Exchange
from fakes3.notify_restores import PRINCIPAL, Restores, request_ids
from fakes3.notify_wire import batch_deleted, header, posted_key, query_version
from fakes3.protocol.serializing import WireResponse
from fakes3.webhooks import Webhooks, check_mapping, parse_mapping

if TYPE_CHECKING:
    from fakes3.settings import Settings
    from fakes3.store import Store
    from fakes3.store.lifecycle import Done

CONFIG = "notification"  # the store's name for the configuration
CAPTURED = 10000  # events kept (the oldest are dropped)
LIFECYCLE_PRINCIPAL = PRINCIPAL
_CREATED = {
    "PutObject": "s3:ObjectCreated:Put",
    "CopyObject": "s3:ObjectCreated:Copy",
    "CompleteMultipartUpload": "s3:ObjectCreated:CompleteMultipartUpload",
}
_TAGGING = {  # changes to one version's subresources
    "PutObjectTagging": "s3:ObjectTagging:Put",
    "DeleteObjectTagging": "s3:ObjectTagging:Delete",
    "PutObjectRetention": "s3:ObjectRetention:Put",
}
_WATCHED = frozenset(
    {
        *_CREATED,
        *_TAGGING,
        "DeleteObject",
        "DeleteObjects",
        "RestoreObject",
        "PutBucketNotificationConfiguration",
    }
)
_FIELDS = frozenset(
    {"event", "bucket", "key", "version_id", "destination", "configuration_id", "size", "etag"}
)


@dataclass(frozen=True)
class Event:
    """One message S3 sent a destination: ``event`` is ``s3:ObjectCreated:Put``…"""

    event: str
    bucket: str
    key: str  # as stored (not URL-encoded); "" for the test event
    version_id: str | None
    size: int | None
    etag: str | None
    destination: str  # the topic, queue or function ARN
    configuration_id: str  # "" for the test event
    time: float  # on the store's clock
    message: dict[str, Any] = field(compare=False)  # the JSON sent: {"Records": [...]}…

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Notifications:
    """The captured events of one app, and its webhooks."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self._configured = parse_mapping(settings.notify_webhooks)
        self.webhooks = Webhooks(self._configured, settings.notify_queue_size)
        self.events: deque[Event] = deque(maxlen=CAPTURED)
        self._sequencer = ne.Sequencer()
        self.restores = Restores()  # started, for s3:ObjectRestore:Completed
        listeners = getattr(store.clock, "listeners", None)  # shared by clocks swapped in
        if listeners is not None:
            listeners.append(self._clock_moved)

    # Capture, assertable like the journal ----------------------------------------------------

    def __iter__(self) -> Iterator[Event]:
        return iter(list(self.events))

    def __len__(self) -> int:
        return len(self.events)

    def filter(self, event: str | None = None, **fields: Any) -> list[Event]:
        """Events whose fields equal the values: ``filter("s3:ObjectCreated:*", key="a")``;
        ``event`` may leave out ``s3:`` and end in ``*``."""
        unknown = set(fields) - _FIELDS
        if unknown:
            raise TypeError(f"unknown event field(s): {', '.join(sorted(unknown))}")
        pattern = None if event is None else "s3:" + event.removeprefix("s3:")
        return [
            each
            for each in self
            if (pattern is None or _named(pattern, each.event))
            and all(getattr(each, name) == value for name, value in fields.items())
        ]

    def assert_emitted(self, event: str, *, times: int | None = None, **fields: Any) -> list[Event]:
        """Assert ``event`` was sent (exactly ``times`` times if given) with ``fields``
        (``key=``, ``bucket=``, ``version_id=``, ``destination=``…); returns the matches."""
        __tracebackhide__ = True
        found = self.filter(event, **fields)
        if (times is None and found) or (times is not None and len(found) == times):
            return found
        wanted = ", ".join([event, *(f"{name}={value!r}" for name, value in fields.items())])
        expected = "at least once" if times is None else f"{times} time(s)"
        seen = "\n".join(
            f"  {each.event} {each.bucket}/{each.key} version={each.version_id}"
            for each in list(self.events)[-10:]
        )
        raise AssertionError(
            f"expected {wanted} {expected}, found {len(found)}; latest events:\n{seen or '  none'}"
        )

    def assert_not_emitted(self, event: str, **fields: Any) -> None:
        __tracebackhide__ = True
        self.assert_emitted(event, times=0, **fields)

    def clear(self) -> None:
        self.events.clear()

    def wait_delivered(self, timeout: float | None = 10.0) -> bool:
        """Wait until the webhooks sent (or gave up) every queued message."""
        return self.webhooks.join(timeout)

    def reset(self) -> None:
        """Forget captured events and mapped URLs (back to the settings'), stop delivering."""
        self.events.clear()
        self.restores.clear()
        self.webhooks.reset(self._configured)

    def close(self) -> None:
        self.webhooks.close()

    # The seams -------------------------------------------------------------------------------

    def response_hook(self, exchange: Exchange, response: WireResponse) -> WireResponse:
        """The app's response hook: the events of a request that changed something."""
        operation = exchange.operation
        if self.restores:  # restores waiting to complete: has one completed by now?
            self.completed_restores()
        if exchange.error_code is not None or response.status >= 400:
            return response
        if operation not in _WATCHED and not (
            operation is None and exchange.request.method == "POST"
        ):
            return response
        bucket = exchange.request.bucket
        try:
            document = self.store.configs.get(bucket, CONFIG) if bucket else None
        except S3Error:
            return response
        if not document or bucket is None:
            return response
        if operation == "PutBucketNotificationConfiguration":
            self._test_events(bucket, document, exchange)
            return response
        for happened in self._happened(exchange, response, bucket):
            self.emit(happened, document)
        return response

    def lifecycle_done(self, done: Done) -> None:
        """The lifecycle listener: ``s3:LifecycleExpiration:*`` and ``s3:LifecycleTransition``."""
        try:
            document = self.store.configs.get(done.bucket, CONFIG)
        except S3Error:
            return
        if not document:
            return
        kind = done.operation
        extra: dict[str, Any] = {}
        size: int | None = None if done.was_delete_marker else done.size
        etag: str | None = None if done.was_delete_marker else done.etag
        if kind == "S3.CREATE.DELETEMARKER":
            name, size, etag = "s3:LifecycleExpiration:DeleteMarkerCreated", None, None
        elif kind == "S3.EXPIRE.OBJECT":
            name = "s3:LifecycleExpiration:Delete"
        elif kind.startswith("S3.TRANSITION"):
            name = "s3:LifecycleTransition"
            extra = {
                "lifecycleEventData": {
                    "transitionEventData": {"destinationStorageClass": done.detail}
                }
            }
        else:  # an aborted upload publishes no event
            return
        request_id, host_id = request_ids()
        happened = ne.Happened(
            name,
            done.bucket,
            done.key,
            done.version_id,
            size,
            etag,
            LIFECYCLE_PRINCIPAL,
            LIFECYCLE_PRINCIPAL,
            request_id,
            host_id,
            extra,
        )
        self.emit(happened, document)

    def emit(
        self, happened: ne.Happened, document: dict[str, Any], when: float | None = None
    ) -> list[Event]:
        """Match, capture and send one event (at ``when``, default now); the events sent."""
        targets = ne.targets(document, happened.name, happened.key)
        if not targets:
            return []
        try:
            record = self.store.get_bucket(happened.bucket)
            region, owner = record.region, record.owner
        except S3Error:
            return []
        now = self.store.clock.time() if when is None else when
        sent = []
        for target in targets:
            message = {
                "Records": [ne.record(happened, target, region, owner, now, self._sequencer())]
            }
            sent.append(self._send(happened, target, now, message))
        return sent

    def _send(
        self, happened: ne.Happened, target: ne.Target, now: float, message: dict[str, Any]
    ) -> Event:
        event = Event(
            happened.name,
            happened.bucket,
            happened.key,
            happened.version_id,
            happened.size,
            happened.etag,
            target.destination,
            target.configuration_id,
            now,
            message,
        )
        self.events.append(event)
        self.webhooks.send(target.destination, message)
        return event

    def _test_events(self, bucket: str, document: dict[str, Any], exchange: Exchange) -> None:
        now = self.store.clock.time()
        for arn in ne.destinations(document):
            message = ne.test_event(bucket, now, exchange.request_id, exchange.host_id)
            event = Event(ne.TEST_EVENT, bucket, "", None, None, None, arn, "", now, message)
            self.events.append(event)
            self.webhooks.send(arn, message)

    def _happened(
        self, exchange: Exchange, response: WireResponse, bucket: str
    ) -> list[ne.Happened]:
        """The events one successful request published (none if it changed nothing)."""
        request = exchange.request
        operation, key = exchange.operation, request.key
        account = exchange.account
        common: dict[str, Any] = {
            "principal": f"AWS:{account.account_id}" if account is not None else "anonymous",
            "source_ip": str(request.environ.get("REMOTE_ADDR", "")),
            "request_id": exchange.request_id,
            "host_id": exchange.host_id,
        }
        version = header(response, "x-amz-version-id")
        if operation is None:  # a browser form upload (POST to the bucket)
            posted = posted_key(response, bucket, request.environ.get("PATH_INFO", "/"))
            if posted is None:
                return []
            return [self._created("s3:ObjectCreated:Post", bucket, posted, version, common)]
        if key is None and operation != "DeleteObjects":
            return []
        if operation in _CREATED:
            assert key is not None
            return [self._created(_CREATED[operation], bucket, key, version, common)]
        if operation in _TAGGING:
            assert key is not None
            version = version or query_version(request.query)
            return [self._created(_TAGGING[operation], bucket, key, version, common)]
        if operation == "RestoreObject":
            assert key is not None
            version = query_version(request.query)
            started = self._created("s3:ObjectRestore:Post", bucket, key, version, common)
            self.restores.started(self.store, bucket, key, started.version_id)
            # 202: a restore started; 200: a restored copy's expiry moved (no event)
            return [started] if response.status == 202 else []
        if operation == "DeleteObject":
            assert key is not None
            marker = (header(response, "x-amz-delete-marker") or "").lower() == "true"
            if marker and query_version(request.query) is None:
                name = "s3:ObjectRemoved:DeleteMarkerCreated"
            else:
                name = "s3:ObjectRemoved:Delete"
            return [ne.Happened(name, bucket, key, version, **common)]
        return [ne.Happened(*entry, **common) for entry in batch_deleted(response, bucket)]

    def _created(
        self, name: str, bucket: str, key: str, version: str | None, common: dict[str, Any]
    ) -> ne.Happened:
        """An event naming the object version as stored now: its size and ETag."""
        size: int | None = None
        etag: str | None = None
        try:
            stored = self.store.head_object(bucket, key, version)
            size, etag = stored.size, stored.etag
            version = version or stored.version_id
        except S3Error:
            pass
        return ne.Happened(name, bucket, key, version, size, etag, **common)

    def _clock_moved(self, _before: float, _after: float) -> None:
        if self.restores:
            self.completed_restores()

    def completed_restores(self) -> None:
        """Report the restores completed and the restored copies expired by now."""
        for happened, when in self.restores.due(self.store, self.store.clock.time()):
            try:
                document = self.store.configs.get(happened.bucket, CONFIG)
            except S3Error:
                continue
            if document:
                self.emit(happened, document, when)

    # Control endpoint ------------------------------------------------------------------------

    def control(self, method: str, route: list[str], body: bytes) -> WireResponse:
        """``/_fakes3/notifications[...]`` (docs/notifications.md)."""
        path = "/".join(route)
        if route == ["notifications"]:
            if method in ("GET", "HEAD"):
                self.completed_restores()
                events = [each.to_dict() for each in self]
                return _json(200, {"events": events, **self.webhooks.stats()})
            if method == "DELETE":
                self.clear()
                return _json(200, {"status": "cleared"})
        elif route == ["notifications", "webhooks"]:
            if method in ("GET", "HEAD"):
                return _json(200, self.webhooks.stats())
            if method in ("PUT", "POST", "DELETE"):
                try:
                    sent = json.loads(body) if method != "DELETE" and body.strip() else {}
                    if not isinstance(sent, dict):
                        raise ValueError("the body must be a JSON object {ARN: URL}")
                    added = check_mapping(sent)
                    if method == "POST":  # adds to the mapping; PUT replaces it
                        added = {**self.webhooks.mapping, **added}
                    self.webhooks.mapping = added
                except (ValueError, RecursionError) as exc:
                    return _json(400, {"error": str(exc)})
                return _json(200, self.webhooks.stats())
        elif route == ["notifications", "flush"] and method == "POST":
            delivered = self.wait_delivered()
            return _json(200 if delivered else 504, self.webhooks.stats())
        else:
            return _json(404, {"error": f"no control endpoint /_fakes3/{path}"})
        return _json(405, {"error": f"{method} is not allowed on /_fakes3/{path}"})


def _named(pattern: str, name: str) -> bool:
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return pattern == name


def _json(status: int, document: Any) -> WireResponse:
    return WireResponse(
        status, [("Content-Type", "application/json")], json.dumps(document).encode()
    )
