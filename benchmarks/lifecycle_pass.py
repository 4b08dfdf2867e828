"""A lifecycle pass over 100,000 objects in the memory backend, and requests served during it.

``python -m benchmarks.lifecycle_pass [--objects N] [--expire-every K]``: fills one bucket of
an in-memory app with ``N`` one-byte objects, sets a rule expiring one key in ``K`` (prefix
``e/``), then times

1. a pass with nothing due (the scan alone);
2. the pass that expires them, run in a thread while the main thread sends HEAD requests
   through the WSGI app (no socket) to another bucket, timing each: the worst and the 99th
   percentile latency during the pass show whether the pass holds the store's lock for long;
3. the same HEAD requests with no pass running, for comparison.
"""

from __future__ import annotations

import argparse
import io
import statistics
import threading
import time
from typing import Any

from fakes3.app import FakeS3
from fakes3.settings import Settings
from fakes3.store.clock import ManualClock
from fakes3.store.store import NewObject

DAY = 86400


def _environ(method: str, path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "RAW_URI": path,
        "QUERY_STRING": "",
        "CONTENT_LENGTH": "",
        "HTTP_HOST": "localhost:9000",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }


def _head(app: FakeS3) -> float:
    started = time.perf_counter()
    for _ in app(_environ("HEAD", "/other/k"), lambda status, headers, exc=None: None):
        pass
    return time.perf_counter() - started


def _latencies(app: FakeS3, running: threading.Event | None, count: int) -> list[float]:
    found: list[float] = []
    while (running is not None and running.is_set()) or (running is None and len(found) < count):
        found.append(_head(app))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--expire-every", type=int, default=2)
    args = parser.parse_args()
    start = time.time()
    app = FakeS3(Settings(auth="off"))
    clock = ManualClock(start)
    app.store.clock = clock  # without the listener: passes run only when this script says
    store = app.store
    store.create_bucket("bench", "us-east-1")
    store.create_bucket("other", "us-east-1")
    store.put_object("other", "k", io.BytesIO(b"x"), NewObject())
    filled = time.perf_counter()
    for n in range(args.objects):
        prefix = "e/" if n % args.expire_every == 0 else "k/"
        store.put_object("bench", f"{prefix}{n:07d}", io.BytesIO(b"x"), NewObject())
    print(f"filled {args.objects} objects in {time.perf_counter() - filled:.1f} s")
    rules = {
        "Rules": [
            {"ID": "e", "Status": "Enabled", "Filter": {"Prefix": "e/"}, "Expiration": {"Days": 1}}
        ]
    }
    store.configs.put("bench", "lifecycle", rules)

    started = time.perf_counter()
    report = app.lifecycle.run(start)
    print(
        f"pass with nothing due: {time.perf_counter() - started:.2f} s, "
        f"{len(report.actions)} actions"
    )

    baseline = _latencies(app, None, 20_000)
    running = threading.Event()
    running.set()
    result: dict[str, Any] = {}

    def run_pass() -> None:
        began = time.perf_counter()
        result["report"] = app.lifecycle.run(start + 3 * DAY)
        result["seconds"] = time.perf_counter() - began
        running.clear()

    thread = threading.Thread(target=run_pass)
    thread.start()
    during = _latencies(app, running, 0)
    thread.join()
    expired = result["report"].count("S3.EXPIRE.OBJECT")
    print(
        f"pass expiring {expired} of {args.objects}: {result['seconds']:.2f} s "
        f"({result['seconds'] / max(expired, 1) * 1e6:.0f} us per expired object)"
    )
    for name, values in (("no pass", baseline), ("during the pass", during)):
        ordered = sorted(values)
        p99 = ordered[int(len(ordered) * 0.99)] if ordered else 0.0
        print(
            f"HEAD {name}: {len(values)} requests, median {statistics.median(values) * 1e6:.0f}"
            f" us, p99 {p99 * 1e3:.2f} ms, worst {max(values) * 1e3:.2f} ms"
        )


if __name__ == "__main__":
    main()
