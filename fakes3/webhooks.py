"""Webhook delivery of event notifications: a bounded queue and one background thread.

S3 delivers events asynchronously, so must fakes3: a request only appends the message to a
bounded queue (``queue_size``; when full the message is dropped and counted in ``dropped``,
never waited for), and a daemon thread POSTs each message as JSON to the URL its destination
ARN maps to, retrying a failure (connection error or non-2xx status) ``retries`` times with
backoff. The thread starts with the first message and stops on ``close()`` (app reset/close).

The mapping is ``{destination ARN: URL}``; the ARN ``*`` maps every other destination. From
the environment: ``FAKES3_NOTIFY_WEBHOOKS="arn:aws:sqs:us-east-1:123456789012:q=http://…;…"``.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("fakes3")

DEFAULT_QUEUE_SIZE = 1000
DEFAULT_RETRIES = 3
DEFAULT_TIMEOUT = 5.0  # seconds per POST
BACKOFF = 0.2  # seconds before the first retry; doubled for each next one


def parse_mapping(specs: Iterable[str]) -> dict[str, str]:
    """``["arn=url", …]`` (FAKES3_NOTIFY_WEBHOOKS split on ``;``) as a checked mapping."""
    mapping: dict[str, str] = {}
    for spec in specs:
        arn, sep, url = spec.strip().partition("=")
        if not sep:
            raise ValueError(f"a webhook is ARN=URL, not {spec!r}")
        mapping[arn.strip()] = url.strip()
    return check_mapping(mapping)


def check_mapping(mapping: Mapping[Any, Any]) -> dict[str, str]:
    """The mapping if every key is a non-empty string and every URL is http(s)."""
    checked: dict[str, str] = {}
    for arn, url in mapping.items():
        if not isinstance(arn, str) or not arn:
            raise ValueError(f"a webhook's destination must be an ARN or '*', not {arn!r}")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"the webhook URL for {arn} must be http(s), not {url!r}")
        if not urlsplit(url).netloc:
            raise ValueError(f"the webhook URL for {arn} has no host: {url!r}")
        checked[arn] = url
    return checked


@dataclass(frozen=True)
class _Message:
    destination: str
    url: str
    body: bytes


class Webhooks:
    """Destination ARN -> URL, and the queue that POSTs messages there."""

    def __init__(
        self,
        mapping: Mapping[str, str] | None = None,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        retries: int = DEFAULT_RETRIES,
        timeout: float = DEFAULT_TIMEOUT,
        backoff: float = BACKOFF,
    ) -> None:
        if queue_size < 1:
            raise ValueError(f"the webhook queue holds at least 1 message, not {queue_size}")
        self.mapping = check_mapping(mapping or {})
        self.queue_size = queue_size
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.delivered = 0
        self.failed = 0  # given up after every retry
        self.dropped = 0  # the queue was full
        self.errors: deque[str] = deque(maxlen=20)  # the latest failures, for the endpoint
        self._cond = threading.Condition()
        self._items: deque[_Message] = deque()
        self._busy = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def url_for(self, destination: str) -> str | None:
        mapping = self.mapping
        return mapping.get(destination) or mapping.get("*")

    def send(self, destination: str, document: dict[str, Any]) -> bool:
        """Queue ``document`` for the destination's URL; False if unmapped or dropped."""
        url = self.url_for(destination)
        if url is None:
            return False
        message = _Message(destination, url, json.dumps(document).encode())
        with self._cond:
            if len(self._items) >= self.queue_size:
                self.dropped += 1
                return False
            self._items.append(message)
            if self._thread is None:
                self._stopping = threading.Event()  # the old thread keeps its own, set
                self._thread = threading.Thread(
                    target=self._run, args=(self._stopping,), name="fakes3-webhooks", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()
        return True

    @property
    def pending(self) -> int:
        """Messages queued or being delivered."""
        with self._cond:
            return len(self._items) + (1 if self._busy else 0)

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every queued message is delivered or given up; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._items and not self._busy, timeout)

    def stats(self) -> dict[str, Any]:
        return {
            "webhooks": dict(self.mapping),
            "pending": self.pending,
            "delivered": self.delivered,
            "failed": self.failed,
            "dropped": self.dropped,
            "queue_size": self.queue_size,
            "errors": list(self.errors),
        }

    def close(self) -> None:
        """Stop the thread; messages still queued are dropped (S3 would have sent them)."""
        with self._cond:
            thread, self._thread = self._thread, None
            self._stopping.set()
            self._items.clear()
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(self.timeout + 1)
        with self._cond:
            self._busy = False
            self._cond.notify_all()

    def reset(self, mapping: Mapping[str, str]) -> None:
        """Stop, forget the counters, and map as configured at start."""
        self.close()
        self.mapping = check_mapping(mapping)
        self.delivered = self.failed = self.dropped = 0
        self.errors.clear()

    # The thread ----------------------------------------------------------------------------

    def _run(self, stopping: threading.Event) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._items or stopping.is_set())
                if stopping.is_set():
                    return
                message = self._items.popleft()
                self._busy = True
            try:
                ok = self._deliver(message, stopping)
            except Exception as exc:  # never leave _busy set: join() would wait for ever
                self.errors.append(f"{message.destination} -> {message.url}: {exc!r}")
                ok = False
            with self._cond:
                if stopping.is_set():
                    return
                if ok:
                    self.delivered += 1
                else:
                    self.failed += 1
                self._busy = False
                self._cond.notify_all()

    def _deliver(self, message: _Message, stopping: threading.Event) -> bool:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            if attempt and stopping.wait(delay):
                return False
            delay *= 2
            request = urllib.request.Request(
                message.url,
                data=message.body,
                headers={"Content-Type": "application/json", "User-Agent": "fakes3-notify"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                    answer.read()
                    if 200 <= answer.status < 300:
                        return True
                    error = f"HTTP {answer.status}"
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code}"
            except (OSError, ValueError, http.client.HTTPException) as exc:
                error = str(exc) or type(exc).__name__
            log.info("webhook %s for %s failed: %s", message.url, message.destination, error)
            self.errors.append(f"{message.destination} -> {message.url}: {error}")
        return False
