"""``fakes3 serve --access-log FILE``: every S3 request as a line of S3's server access log.

The record is the one bucket logging delivers (``access_logs.request_record``) and the line
is S3's documented format (``access_log_format.format_record``), so tools that read S3's logs
read this file; ``--access-log-format json`` writes the same fields as one JSON object a line.
Lines are appended as responses start (S3's own timing fields end there too) and flushed per
line, so ``tail -f`` follows a test run.

Requests refused before an S3 operation is known (a bad signature, a malformed request) are
written too, as S3 logs them, with what is known of them (``refused``); the control endpoints
and website endpoints are not S3 requests and are not written.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from fakes3.access_log_format import FIELDS, Record, format_record, operation_name
from fakes3.access_logs import request_record
from fakes3.errors import S3Error
from fakes3.protocol.addressing import decode_path, resolve

if TYPE_CHECKING:
    from fakes3.auth.accounts import Accounts
    from fakes3.hooks import Exchange
    from fakes3.protocol.serializing import WireResponse
    from fakes3.store import Store

__all__ = ["FORMATS", "AccessLogFile"]

FORMATS = ("s3", "json")


class AccessLogFile:
    """An open log file, appended to by every worker thread."""

    def __init__(self, path: str, form: str, store: Store, accounts: Accounts) -> None:
        if form not in FORMATS:
            raise ValueError(f"access log format must be s3 or json, not {form!r}")
        self.path = path
        self.json = form == "json"
        self._store = store
        self._accounts = accounts
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()

    def write(self, exchange: Exchange, response: WireResponse, error_code: str | None) -> None:
        """Append the record of one answered S3 request."""
        store = self._store
        exchange.error_code = error_code
        owner = None
        bucket = exchange.request.bucket
        if bucket is not None:
            with store.lock:
                record = store.index.get_bucket(bucket)
            if record is not None:
                owner = record.owner or self._accounts.default.canonical_id
        clock = store.clock
        entry = request_record(exchange, response, owner or "", clock.time(), clock.manual)
        if owner is None:
            entry.bucket_owner = None
        self._append(entry)

    def refused(
        self,
        environ: Mapping[str, Any],
        raw_path: str,
        headers: Mapping[str, str],
        status: int,
        error_code: str | None,
        ids: tuple[str, str],
        started: float,
        base_domain: str,
    ) -> None:
        """Append the record of an S3 request refused before it was routed (no exchange)."""
        try:
            bucket, key = resolve(headers.get("host", ""), decode_path(raw_path), base_domain)
        except S3Error:
            bucket = key = None
        method = str(environ.get("REQUEST_METHOD", "-"))
        query = [name for name, _ in parse_qsl(environ.get("QUERY_STRING", ""), True)]
        elapsed = int((time.perf_counter() - started) * 1000)
        uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or raw_path
        protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.1")
        authorization = headers.get("authorization", "")
        signature = "SigV4" if authorization.startswith("AWS4-") else None
        entry = Record(
            bucket_owner=None,
            bucket=bucket,
            time=self._store.clock.time(),
            remote_ip=environ.get("REMOTE_ADDR"),
            requester=None,
            request_id=ids[0],
            operation=operation_name(method, None, key is not None, query),
            key=key,
            request_uri=f"{method} {uri} {protocol}",
            http_status=status,
            error_code=error_code,
            bytes_sent=None,
            object_size=None,
            total_time=elapsed,
            turn_around_time=elapsed,
            referrer=headers.get("referer"),
            user_agent=headers.get("user-agent"),
            version_id=None,
            host_id=ids[1],
            signature_version=signature,
            cipher_suite=None,
            authentication_type="AuthHeader" if authorization else None,
            host_header=headers.get("host"),
            tls_version=None,
        )
        self._append(entry)

    def _append(self, entry: Record) -> None:
        if self.json:
            line = json.dumps({name: getattr(entry, name) for name in FIELDS})
        else:
            line = format_record(entry)
        with self._lock:
            if not self._file.closed:
                self._file.write(line + "\n")
                self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
