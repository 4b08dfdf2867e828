"""Prometheus metrics (``GET /_fakes3/metrics``) and the health document (``/_fakes3/health``).

Counters are fed from the journal's ``record`` (one call per answered request: a lock, a few
dict increments and a bisect), everything about stored state is computed at scrape time from
the index (``usage``: a count and a sum per bucket), so the request path does not pay for it.

The text exposition format is written by hand: it is a few lines of escaping and ``# TYPE``
headers, while ``prometheus_client`` would be a runtime dependency with its own global
registry (two apps in one test process would collide) and costs more per increment than a
dict. Tests parse the output with ``prometheus_client.parser``, a real Prometheus parser.

Streamed response bodies are counted in ``bytes_out`` once they have been sent: their
entries wait in ``_streaming`` until then (folded in at scrape time or when 256 pile up, or
twice as many as were still streaming at the last fold).
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fakes3 import __version__

if TYPE_CHECKING:
    from fakes3.app import FakeS3
    from fakes3.journal import Entry

__all__ = ["CONTENT_TYPE", "LATENCY_BUCKETS", "Metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds; fakes3 answers most requests in well under a millisecond.
LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
_NO_OPERATION = "none"  # rejected before an operation was known (bad signature, no route)
_FOLD_AT = 256


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: Any) -> str:
    inner = ",".join(f'{name}="{_escape(str(value))}"' for name, value in labels.items())
    return "{" + inner + "}"


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class _Family:
    """One metric family's lines."""

    def __init__(self, name: str, kind: str, help_text: str) -> None:
        self.lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        self.name = name

    def add(self, value: float, suffix: str = "", **labels: Any) -> None:
        label_text = _labels(**labels) if labels else ""
        self.lines.append(f"{self.name}{suffix}{label_text} {_number(value)}")


class Metrics:
    """The counters of one app, and the rendering of every family."""

    def __init__(self, app: FakeS3) -> None:
        self._app = app
        self.started = time.time()
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = {}
        self.errors: dict[tuple[str, str], int] = {}
        self.latency: dict[str, list[float]] = {}  # operation -> per-bucket counts, sum last
        self.bytes_in = 0
        self.bytes_out = 0
        self.faults: dict[str, int] = {}
        self._streaming: list[Entry] = []
        self._fold_at = _FOLD_AT  # grows with bodies still streaming: folding stays amortised

    def observe(self, entry: Entry) -> None:
        """Count one answered request (the journal's ``record`` calls this)."""
        if entry.path.startswith("/_fakes3/"):
            return  # the control endpoints (and the scrapes themselves) are not S3 traffic
        operation = entry.operation or _NO_OPERATION
        with self._lock:
            key = (operation, entry.status)
            self.requests[key] = self.requests.get(key, 0) + 1
            if entry.error_code is not None:
                error = (operation, entry.error_code)
                self.errors[error] = self.errors.get(error, 0) + 1
            counts = self.latency.get(operation)
            if counts is None:
                counts = self.latency[operation] = [0.0] * (len(LATENCY_BUCKETS) + 2)
            counts[bisect.bisect_left(LATENCY_BUCKETS, entry.duration)] += 1
            counts[-1] += entry.duration
            if entry.bytes_in:
                self.bytes_in += entry.bytes_in
            if entry.bytes_out is None:
                self._streaming.append(entry)
                if len(self._streaming) >= self._fold_at:
                    self._fold()
                    self._fold_at = max(_FOLD_AT, 2 * len(self._streaming))
            else:
                self.bytes_out += entry.bytes_out
            if entry.fault is not None:
                self.faults[entry.fault] = self.faults.get(entry.fault, 0) + 1

    def _fold(self) -> None:
        """Count the streamed bodies that have been sent (lock held)."""
        waiting = []
        for entry in self._streaming:
            if entry.bytes_out is None:
                waiting.append(entry)
            else:
                self.bytes_out += entry.bytes_out
        self._streaming = waiting

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.errors.clear()
            self.latency.clear()
            self.faults.clear()
            self.bytes_in = self.bytes_out = 0
            self._streaming.clear()

    # State ---------------------------------------------------------------------------------

    def usage(self) -> list[tuple[str, int, int, int]]:
        """``(bucket, objects, bytes, uploads in progress)`` for every bucket, now."""
        store = self._app.store
        rows = []
        with store.lock:
            for bucket in store.index.buckets():
                objects, size = store.index.usage(bucket.name)
                uploads = 0
                position = ("", "")
                while batch := store.multipart.uploads.scan(bucket.name, position, 1000):
                    uploads += len(batch)
                    position = (batch[-1].key, batch[-1].upload_id)
                rows.append((bucket.name, objects, size, uploads))
        return rows

    def health(self) -> dict[str, Any]:
        """What ``GET /_fakes3/health`` answers besides ``"status"``."""
        app = self._app
        usage = self.usage()
        with self._lock:  # other threads add keys while requests are answered
            requests = sum(self.requests.values())
        return {
            "version": __version__,
            "backend": "directory" if app.settings.data_dir else "memory",
            "data_dir": app.settings.data_dir,
            "uptime": round(time.time() - self.started, 3),
            "consistency": app.consistency.rules.preset,
            "clock": {"manual": app.store.clock.manual, "time": app.store.clock.time()},
            "counts": {
                "buckets": len(usage),
                "objects": sum(row[1] for row in usage),
                "bytes": sum(row[2] for row in usage),
                "uploads": sum(row[3] for row in usage),
                "requests": requests,
                "journal": len(app.journal),
                "fault_rules": len(app.faults.rules),
            },
        }

    # Rendering -----------------------------------------------------------------------------

    def render(self) -> str:
        """Every family in the Prometheus text exposition format (version 0.0.4)."""
        app = self._app
        with self._lock:
            self._fold()
            requests = sorted(self.requests.items())
            errors = sorted(self.errors.items())
            latency = {name: list(counts) for name, counts in sorted(self.latency.items())}
            bytes_in, bytes_out = self.bytes_in, self.bytes_out
            faults = sorted(self.faults.items())
        families: list[_Family] = []

        def family(name: str, kind: str, help_text: str) -> _Family:
            families.append(_Family(name, kind, help_text))
            return families[-1]

        info = family("fakes3_info", "gauge", "The fakes3 version and storage backend.")
        backend = "directory" if app.settings.data_dir else "memory"
        info.add(1, version=__version__, backend=backend)
        family("fakes3_uptime_seconds", "gauge", "Seconds since the app started.").add(
            round(time.time() - self.started, 3)
        )
        counter = family(
            "fakes3_requests_total", "counter", "S3 requests answered, by operation and status."
        )
        for (operation, status), count in requests:
            counter.add(count, operation=operation, status=status)
        counter = family(
            "fakes3_errors_total", "counter", "S3 error answers, by operation and S3 error code."
        )
        for (operation, code), count in errors:
            counter.add(count, operation=operation, code=code)
        histogram = family(
            "fakes3_request_duration_seconds",
            "histogram",
            "Server time from a request's arrival to its response headers.",
        )
        for operation, counts in latency.items():
            running = 0.0
            for bound, hits in zip(LATENCY_BUCKETS, counts, strict=False):
                running += hits
                histogram.add(running, "_bucket", operation=operation, le=_number(bound))
            running += counts[len(LATENCY_BUCKETS)]
            histogram.add(running, "_bucket", operation=operation, le="+Inf")
            histogram.add(counts[-1], "_sum", operation=operation)
            histogram.add(running, "_count", operation=operation)
        family(
            "fakes3_received_bytes_total",
            "counter",
            "Request body bytes announced by Content-Length (chunked uploads not included).",
        ).add(bytes_in)
        family("fakes3_sent_bytes_total", "counter", "Response body bytes sent.").add(bytes_out)
        self._state(family)
        served = dict(app.consistency.served)
        counter = family(
            "fakes3_consistency_anomalies_served_total",
            "counter",
            "Reads answered from a lagging replica, by anomaly (docs/consistency.md).",
        )
        for anomaly, count in sorted(served.items()):
            counter.add(count, anomaly=anomaly)
        family(
            "fakes3_consistency_findings",
            "gauge",
            "Reads the consistency checker found relying on strong consistency.",
        ).add(len(app.consistency.findings))
        counter = family("fakes3_faults_fired_total", "counter", "Fault rules that acted, by rule.")
        for rule, count in faults:
            counter.add(count, rule=rule)
        family("fakes3_fault_rules", "gauge", "Fault rules installed.").add(len(app.faults.rules))
        family("fakes3_journal_entries", "gauge", "Requests held in the journal.").add(
            len(app.journal)
        )
        return "\n".join(_lines(families)) + "\n"

    def _state(self, family: Any) -> None:
        usage = self.usage()
        objects = family(
            "fakes3_bucket_objects", "gauge", "Current objects per bucket (what a listing shows)."
        )
        size = family("fakes3_bucket_bytes", "gauge", "Bytes of the current objects per bucket.")
        uploads = family(
            "fakes3_multipart_uploads_active", "gauge", "Multipart uploads in progress per bucket."
        )
        for bucket, count, total, in_progress in usage:
            objects.add(count, bucket=bucket)
            size.add(total, bucket=bucket)
            uploads.add(in_progress, bucket=bucket)
        family("fakes3_buckets", "gauge", "Buckets.").add(len(usage))


def _lines(families: Iterable[_Family]) -> Iterable[str]:
    for family in families:
        yield from family.lines
