"""``fakes3 serve --access-log FILE``: every S3 request as a line of S3's server access log.

The record is the one bucket logging delivers (``access_logs.request_record``) and the line
is S3's documented format (``access_log_format.format_record``), so tools that read S3's logs
read this file; ``--access-log-format json`` writes the same fields as one JSON object a line.
Lines are appended as responses start (S3's own timing fields end there too) and flushed per
line, so ``tail -f`` follows a test run.

Requests refused before an S3 operation is known (a bad signature, a malformed request) and
the control endpoints are not written: the human log on stderr shows those.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

from fakes3.access_log_format import FIELDS, format_record
from fakes3.access_logs import request_record

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
