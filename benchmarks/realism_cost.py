"""What the realism controls cost in strong mode: direct WSGI PUT, GET and HEAD, per request.

``python -m benchmarks.realism_cost --before DIR [--batches B] [--count N]`` where ``DIR``
holds a ``fakes3`` package without the consistency view and fault hooks (``git archive
<commit> fakes3 | tar -x -C DIR``). Two worker processes, one per tree, each hold an app (memory
store, auth off, no socket); the driver asks them in turn for a batch of ``N`` calls of one
operation, ``B`` times per operation, alternating which goes first. The answer is the median
batch in microseconds per call, so the load of a shared machine falls on both alike. Run it
with the same tree twice (an A/A run) to see the noise floor. About 30 s with the defaults.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BODY = b"x" * 1024
OPS = {"PUT": BODY, "GET": b"", "HEAD": b""}
# Both workers on one core (where taskset exists): they then share the same cache and load.
_PIN = ["taskset", "-c", "0"] if shutil.which("taskset") else []


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


def worker() -> None:
    """Answer ``OP N`` lines on stdin with microseconds per call of N calls of OP."""
    from fakes3.app import FakeS3
    from fakes3.settings import Settings

    app = FakeS3(Settings(auth="off"))

    def call(method: str, path: str, body: bytes = b"") -> None:
        for _ in app(_environ(method, path, body), lambda status, headers, exc=None: None):
            pass

    call("PUT", "/bench")
    call("PUT", "/bench/key", BODY)
    for line in sys.stdin:
        op, count = line.split()
        body = OPS[op]
        started = time.perf_counter()
        for _ in range(int(count)):
            call(op, "/bench/key", body)
        print((time.perf_counter() - started) / int(count) * 1e6, flush=True)


def _start(path: str) -> subprocess.Popen[str]:
    code = "import benchmarks.realism_cost as b; b.worker()"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([path, ROOT]))
    return subprocess.Popen(
        [*_PIN, sys.executable, "-c", code],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _batch(proc: subprocess.Popen[str], op: str, count: int) -> float:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(f"{op} {count}\n")
    proc.stdin.flush()
    return float(proc.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="directory holding the baseline fakes3")
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    workers = {"before": _start(args.before), "after": _start(ROOT)}
    try:
        for proc in workers.values():  # warm up
            for op in OPS:
                _batch(proc, op, args.count)
        times: dict[tuple[str, str], list[float]] = {}
        for index in range(args.batches):
            for op in OPS:
                order = ("before", "after") if index % 2 == 0 else ("after", "before")
                for name in order:
                    times.setdefault((name, op), []).append(_batch(workers[name], op, args.count))
    finally:
        for proc in workers.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
    print(f"{'op':6} {'before µs':>10} {'after µs':>10} {'change':>8}")
    for op in OPS:
        before = statistics.median(times[("before", op)])
        after = statistics.median(times[("after", op)])
        print(f"{op:6} {before:10.1f} {after:10.1f} {100 * (after / before - 1):+7.1f}%")


if __name__ == "__main__":
    main()
