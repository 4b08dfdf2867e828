"""What the realism controls cost in strong mode: direct WSGI PUT, GET and HEAD, per request.

``python -m benchmarks.realism_cost --before DIR [--rounds R] [--count N]`` where ``DIR`` holds
a ``fakes3`` package without the consistency view and fault hooks (``git archive <commit>
fakes3 | tar -x -C DIR``). Each round runs this tree and that one in turn, in fresh
processes, and times ``N`` calls of each operation on the app (no socket, auth off); the
answer is the median over rounds of microseconds per call, so a shared machine's load falls
on both alike. About 20 s with the defaults.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BODY = b"x" * 1024


def _environ(method: str, path: str, body: bytes = b"") -> dict[str, Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "RAW_URI": path,
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "HTTP_HOST": "localhost:9000",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
    }


def measure(count: int) -> dict[str, float]:
    """Microseconds per call of PUT, GET and HEAD of a 1 KiB object on a memory store."""
    from fakes3.app import FakeS3
    from fakes3.settings import Settings

    app = FakeS3(Settings(auth="off"))

    def call(method: str, path: str, body: bytes = b"") -> None:
        for _ in app(_environ(method, path, body), lambda status, headers, exc=None: None):
            pass

    call("PUT", "/bench")
    results = {}
    for name, method, body in (("PUT", "PUT", BODY), ("GET", "GET", b""), ("HEAD", "HEAD", b"")):
        for _ in range(200):
            call(method, "/bench/key", body)
        started = time.perf_counter()
        for _ in range(count):
            call(method, "/bench/key", body)
        results[name] = (time.perf_counter() - started) / count * 1e6
    return results


def _run(path: str, count: int) -> dict[str, float]:
    code = f"import json, benchmarks.realism_cost as b; print(json.dumps(b.measure({count})))"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([path, ROOT]))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="directory holding the baseline fakes3")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        runs["before"].append(_run(args.before, args.count))
        runs["after"].append(_run(ROOT, args.count))
    print(f"{'op':6} {'before µs':>10} {'after µs':>10} {'change':>8}")
    for op in ("PUT", "GET", "HEAD"):
        before = statistics.median(run[op] for run in runs["before"])
        after = statistics.median(run[op] for run in runs["after"])
        print(f"{op:6} {before:10.1f} {after:10.1f} {100 * (after / before - 1):+7.1f}%")


if __name__ == "__main__":
    main()
