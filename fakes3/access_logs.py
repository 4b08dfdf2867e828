"""Server access log delivery: requests to a logged bucket become log objects in its target.

A response hook (``fakes3/hooks.py``) sees every bucket request. A bucket that never had a
PutBucketLogging (nor a logging configuration when the app started) costs one set lookup;
the others read their cached configuration, as the consistency view serves it. A logged
bucket's request becomes one line of S3's access log format (``fakes3/access_log_format.py``),
buffered per source bucket and destination. A buffer whose first record arrived at time T is
delivered once the store's clock passes T + ``interval``: checked as requests arrive, and
forced by ``flush()`` (``app.access_logs.flush()``, ``POST /_fakes3/access-logs/flush``).
Delivery writes straight into the store, so log objects are not requests and are not logged.

Buffered records live in memory: a restart loses the ones not yet delivered (S3 itself
delivers "on a best-effort basis").
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from fakes3.access_log_format import Record, format_keyed, format_record, operation_name
from fakes3.auth.access import copy_source
from fakes3.auth.accounts import Accounts
from fakes3.errors import S3Error
from fakes3.hooks import Exchange
from fakes3.protocol.parsing import read_document
from fakes3.protocol.serializing import WireResponse
from fakes3.store import Store
from fakes3.store.store import NewObject

__all__ = ["DEFAULT_INTERVAL", "AccessLogs"]

log = logging.getLogger("fakes3")

DEFAULT_INTERVAL = 60
"""Seconds between a buffer's first record and its delivery (``access_log_interval``)."""
MAX_BATCH = 10_000
"""Records in one batch at most: a full batch is delivered at the next request, so a busy
logged bucket cannot grow the buffer without bound."""
CONFIG = "logging"  # the store's name for the configuration (operations/config/bucket_logging)
# The record a copy leaves in its source bucket's log.
_COPY_GETS = {"CopyObject": "REST.COPY.OBJECT_GET", "UploadPartCopy": "REST.COPY.PART_GET"}


@dataclass
class _Batch:
    """Records of one source bucket bound for one destination, oldest first."""

    source: str
    target: str
    prefix: str
    key_format: dict[str, Any]
    account_id: str
    region: str
    first: float
    lines: list[tuple[float, str]] = field(default_factory=list)

    def ready(self, now: float | None, interval: float) -> bool:
        return now is None or now >= self.first + interval or len(self.lines) >= MAX_BATCH


class AccessLogs:
    """The buffered access log records of one store, and their delivery."""

    def __init__(self, store: Store, accounts: Accounts, interval: float = DEFAULT_INTERVAL):
        self._store = weakref.ref(store)
        self.accounts = accounts
        self.interval = interval
        self._lock = threading.Lock()
        self._batches: dict[tuple[str, str, str, str], _Batch] = {}
        self.due: float | None = None  # when the oldest batch is due; None if nothing waits
        # Buckets that may have logging on: those with a configuration when the app started and
        # those a PutBucketLogging named since. Any other bucket is skipped with one lookup.
        self._watched: set[str] = set()
        self.rescan()

    def rescan(self) -> None:
        """Watch every bucket the store has a logging configuration for (at start, and after
        a snapshot is restored: fakes3/snapshots.py)."""
        store = self._store()
        if store is None:
            return
        for bucket in store.list_buckets():
            if store.configs.get(bucket.name, CONFIG):
                self._watched.add(bucket.name)

    @property
    def pending(self) -> int:
        """How many records wait for delivery."""
        with self._lock:
            return sum(len(batch.lines) for batch in self._batches.values())

    def clear(self) -> None:
        """Drop every buffered record."""
        with self._lock:
            self._batches.clear()
            self.due = None

    def reset(self) -> None:
        """The app's reset: no records, and no buckets (the store was emptied too)."""
        self.clear()
        self._watched.clear()

    def flush(self) -> list[tuple[str, str]]:
        """Deliver every buffered record now; returns the ``(bucket, key)`` objects written."""
        return self._deliver(None)

    def deliver_due(self) -> list[tuple[str, str]]:
        """Deliver the batches whose interval has passed on the store's clock."""
        store = self._store()
        return self._deliver(store.clock.time()) if store is not None else []

    # The hook -------------------------------------------------------------------------------

    def arrived(self) -> None:
        """A request arrived: deliver what is due, before it is answered (the app calls this
        only when ``due`` is not None, so an idle buffer costs one attribute check)."""
        store = self._store()
        if store is not None and self.due is not None and store.clock.time() >= self.due:
            self.deliver_due()

    def response_hook(self, exchange: Exchange, response: WireResponse) -> WireResponse:
        """The app's response hook (fakes3/hooks.py): buffer the request, pass the answer on."""
        self.observe(exchange, response)
        return response

    def observe(self, exchange: Exchange, response: WireResponse) -> None:
        """Buffer this request if its bucket is logged (and, for a copy, if its source is)."""
        bucket = exchange.request.bucket
        if self._watched and exchange.operation in _COPY_GETS:  # the source is read first
            source = copy_source(exchange.request.headers)
            if source is not None and source[0] in self._watched:
                self._log(exchange, response, source[0], source[1])
        if bucket in self._watched:
            self._log(exchange, response, bucket)
        elif bucket is not None and exchange.operation == "PutBucketLogging":
            self._watched.add(bucket)
            self._log(exchange, response, bucket)

    def system(
        self, bucket: str, operation: str, key: str, version_id: str | None, when: float
    ) -> None:
        """A record for an action S3 took itself in a logged bucket (a lifecycle expiration or
        transition: ``S3.EXPIRE.OBJECT``…), which S3's access logs capture: requester
        ``AmazonS3``, no HTTP details."""
        if bucket not in self._watched:
            return
        store = self._store()
        if store is None:
            return
        try:
            config = store.configs.get(bucket, CONFIG)
            if not config or not config.get("LoggingEnabled"):
                return
            source = store.get_bucket(bucket)
        except S3Error:
            return
        owner_id = source.owner or self.accounts.default.canonical_id
        account = self.accounts.by_canonical_id(owner_id) or self.accounts.default
        unknown = (
            "remote_ip request_uri http_status error_code bytes_sent object_size total_time "
            "turn_around_time referrer user_agent host_id signature_version cipher_suite "
            "authentication_type"
        ).split()
        record = Record(
            bucket_owner=owner_id,
            bucket=bucket,
            time=when,
            requester="AmazonS3",
            request_id=_unique(),
            operation=operation,
            key=key,
            version_id=version_id,
            host_header=None,
            tls_version=None,
            **dict.fromkeys(unknown),
        )
        enabled = config["LoggingEnabled"]
        self._buffer(
            bucket, enabled, account.account_id, source.region, when, [format_record(record)]
        )

    def _log(
        self,
        exchange: Exchange,
        response: WireResponse,
        bucket: str,
        copied_key: str | None = None,
    ) -> None:
        """One record in ``bucket``'s log: the request, or the read of a copy's source."""
        store = exchange.store
        try:
            config = store.configs.get(bucket, CONFIG)
            if not config or not config.get("LoggingEnabled"):
                return
            source = store.get_bucket(bucket)
        except S3Error:  # the bucket is gone (DeleteBucket) or never was
            return
        owner_id = source.owner or self.accounts.default.canonical_id
        account = self.accounts.by_canonical_id(owner_id) or self.accounts.default
        clock = store.clock
        record = request_record(exchange, response, owner_id, clock.time(), clock.manual)
        if copied_key is not None:  # S3 logs a copy's read in the source bucket too
            operation = _COPY_GETS[str(exchange.operation)]
            lines = [format_record(replace(_derived(record, operation, copied_key), bucket=bucket))]
        elif exchange.operation == "DeleteObjects":  # and each key a batch delete removed
            each_key = _derived(record, "BATCH.DELETE.OBJECT", "", None, 204)
            lines = [format_record(record), *format_keyed(each_key, _deleted(response))]
        else:
            lines = [format_record(record)]
        enabled = config["LoggingEnabled"]
        self._buffer(bucket, enabled, account.account_id, source.region, record.time, lines)

    def _buffer(
        self,
        bucket: str,
        enabled: dict[str, Any],
        account_id: str,
        region: str,
        when: float,
        lines: list[str],
    ) -> None:
        key_format = enabled.get("TargetObjectKeyFormat") or {"SimplePrefix": {}}
        target, prefix = enabled["TargetBucket"], enabled.get("TargetPrefix") or ""
        ident = (bucket, target, prefix, repr(sorted(key_format.items())))
        with self._lock:
            batch = self._batches.get(ident)
            if batch is None:
                batch = _Batch(bucket, target, prefix, key_format, account_id, region, when)
                self._batches[ident] = batch
                due = when + self.interval
                if self.due is None or due < self.due:
                    self.due = due
            batch.lines.extend((when, line) for line in lines)
            if len(batch.lines) >= MAX_BATCH:
                self.due = float("-inf")  # full: the next request delivers it

    # Delivery -------------------------------------------------------------------------------

    def _deliver(self, now: float | None) -> list[tuple[str, str]]:
        store = self._store()
        if store is None:
            return []
        with self._lock:
            ready = [
                ident for ident, batch in self._batches.items() if batch.ready(now, self.interval)
            ]
            batches = [self._batches.pop(ident) for ident in ready]
            remaining = [batch.first + self.interval for batch in self._batches.values()]
            self.due = min(remaining) if remaining else None
        written: list[tuple[str, str]] = []
        delivered_at = store.clock.time()
        for batch in batches:
            for key, lines in _objects(batch, delivered_at):
                body = "".join(line + "\n" for line in lines).encode("utf-8")
                try:
                    store.put_object(
                        batch.target, key, io.BytesIO(body), NewObject(content_type="text/plain")
                    )
                except S3Error as error:  # the target went away: S3 drops the logs too
                    log.info("access logs for %s not delivered: %s", batch.source, error)
                    continue
                written.append((batch.target, key))
        return written


def _derived(
    record: Record,
    operation: str,
    key: str,
    version_id: str | None = None,
    status: int | None = None,
) -> Record:
    """A record S3 adds for part of a request (a copy's source read, one key of a batch
    delete): the request's identity, none of its HTTP details."""
    return replace(
        record,
        operation=operation,
        key=key,
        version_id=version_id,
        request_uri=None,
        http_status=status or record.http_status,
        error_code=None if status else record.error_code,
        bytes_sent=None,
        object_size=None,
        total_time=None,
        turn_around_time=None,
        referrer=None,
        user_agent=None,
    )


def _deleted(response: WireResponse) -> list[tuple[str, str | None]]:
    """(key, version id) of each object a DeleteObjects answer reports deleted."""
    if response.status != 200 or not isinstance(response.body, bytes):
        return []
    try:
        result = read_document("DeleteObjectsOutput", response.body, "DeleteResult")
    except S3Error:
        return []
    entries = result.get("Deleted") or []
    return [
        (str(entry["Key"]), entry.get("VersionId"))
        for entry in entries
        if isinstance(entry, dict) and entry.get("Key")
    ]


def _objects(batch: _Batch, delivered_at: float) -> Iterable[tuple[str, list[str]]]:
    """The log objects a batch becomes: one, or one per event day for EventTime partitions."""
    partitioned = batch.key_format.get("PartitionedPrefix")
    if partitioned is None:
        yield batch.prefix + _stamp(delivered_at), [line for _, line in batch.lines]
        return
    base = f"{batch.prefix}{batch.account_id}/{batch.region}/{batch.source}/"
    if partitioned.get("PartitionDateSource") == "DeliveryTime":
        day = time.strftime("%Y/%m/%d/", time.gmtime(delivered_at))
        yield base + day + _stamp(delivered_at), [line for _, line in batch.lines]
        return
    days: dict[str, list[str]] = {}
    for when, line in batch.lines:
        days.setdefault(time.strftime("%Y/%m/%d", time.gmtime(when)), []).append(line)
    for day, lines in days.items():
        yield f"{base}{day}/{day.replace('/', '-')}-00-00-00-{_unique()}", lines


def _stamp(when: float) -> str:
    return time.strftime("%Y-%m-%d-%H-%M-%S-", time.gmtime(when)) + _unique()


def _unique() -> str:
    return os.urandom(8).hex().upper()


def _auth(method: str, headers: Any, query: Any) -> tuple[str | None, str | None]:
    """(signature version, authentication type) as S3 logs them; (None, None) if unsigned."""
    authorization = headers.get("authorization", "")
    if authorization.startswith("AWS4-"):
        return "SigV4", "AuthHeader"
    if authorization.startswith("AWS "):
        return "SigV2", "AuthHeader"
    if "X-Amz-Signature" in query:
        return "SigV4", "QueryString"
    if "Signature" in query and "AWSAccessKeyId" in query:
        return "SigV2", "QueryString"
    return None, None  # unsigned, or a form upload (its signature is in the form)


def _object_size(method: str, response: WireResponse, request: Any) -> int | None:
    headers = {name.lower(): value for name, value in response.headers}
    if method in ("GET", "HEAD") and request.key is not None:
        total = headers.get("content-range", "").rpartition("/")[2]
        length = total if total.isdigit() else headers.get("content-length", "")
        return int(length) if length.isdigit() else None
    if method == "PUT" and request.key is not None and "x-amz-copy-source" not in request.headers:
        sent = request.headers.get("x-amz-decoded-content-length") or request.headers.get(
            "content-length", ""
        )
        return int(sent) if sent.isdigit() else None
    return None


def _bytes_sent(method: str, response: WireResponse) -> int | None:
    if method == "HEAD":
        return None
    if isinstance(response.body, bytes):
        return len(response.body)
    for name, value in response.headers:
        if name.lower() == "content-length" and value.isdigit():
            return int(value)
    return None


def request_record(
    exchange: Exchange, response: WireResponse, bucket_owner: str, now: float, frozen: bool
) -> Record:
    """The log record of one answered request (its body not sent yet: sizes come from the
    response's length, times end when the response starts). The request arrived ``now``
    less the time spent on it, unless the clock is ``frozen`` (a manual clock)."""
    request = exchange.request
    environ = request.environ
    method = request.method
    request_id, host_id, account = exchange.request_id, exchange.host_id, exchange.account
    started = exchange.started
    elapsed = int((time.perf_counter() - started) * 1000) if started else None
    signature, authentication = _auth(method, request.headers, request.query)
    requester = account.canonical_id if authentication and account is not None else None
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.1")
    secure = environ.get("wsgi.url_scheme") == "https"
    return Record(
        bucket_owner=bucket_owner,
        bucket=request.bucket,
        time=now if frozen else now - (elapsed or 0) / 1000,
        remote_ip=environ.get("REMOTE_ADDR"),
        requester=requester,
        request_id=request_id,
        operation=operation_name(
            method, exchange.operation, request.key is not None, request.query
        ),
        key=request.key,
        request_uri=f"{method} {uri} {protocol}",
        http_status=response.status,
        error_code=exchange.error_code,
        bytes_sent=_bytes_sent(method, response),
        object_size=_object_size(method, response, request),
        total_time=elapsed,
        turn_around_time=elapsed,
        referrer=request.headers.get("referer"),
        user_agent=request.headers.get("user-agent"),
        version_id=request.query.get("versionId"),
        host_id=host_id,
        signature_version=signature,
        cipher_suite=environ.get("SSL_CIPHER") if secure else None,
        authentication_type=authentication,
        host_header=request.headers.get("host"),
        tls_version=environ.get("SSL_PROTOCOL") if secure else None,
    )
