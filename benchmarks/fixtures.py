"""Per-test cost of the pytest plugin's fixtures, measured as a user would see it.

Run by hand from the repository root (not in CI), about half a minute::

    python -m benchmarks.fixtures            # sessions of 300 and 600 tests per variant

Generates a test module of N tests and runs pytest on it in a subprocess, once per variant:
``bare`` (no fixture), ``fakes3`` (reset + environment), ``s3_client`` (reset + a boto3
client), ``s3_bucket`` (reset + client + CreateBucket), and ``mock_s3`` (the in-process
fixture). Each variant runs N and 2N tests: the per-test cost is the slope against the bare
one, the rest is a one-off start (imports, the server). Also times ``FakeS3.reset()`` of an
empty memory server directly.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fakes3.app import FakeS3

VARIANTS = {
    "bare": "def test_{n}():\n    pass\n",
    "fakes3": "def test_{n}(fakes3):\n    pass\n",
    "s3_client": "def test_{n}(s3_client):\n    pass\n",
    "s3_bucket": "def test_{n}(s3_bucket):\n    pass\n",
    "mock_s3": "def test_{n}(mock_s3):\n    pass\n",
}
QUIET = ["-p", "no:hypothesispytest", "-p", "no:benchmark", "-p", "no:cacheprovider", "-q"]


def _session_seconds(directory: Path, body: str, count: int) -> float:
    module = directory / "test_generated.py"
    module.write_text("".join(body.format(n=n) for n in range(count)))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, str(module)],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=300,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args(argv)
    app = FakeS3()
    app.reset()
    started = time.perf_counter()
    for _ in range(10_000):
        app.reset()
    per_reset = (time.perf_counter() - started) / 10_000 * 1e6
    print(f"FakeS3.reset() of an empty memory server: {per_reset:.1f} us")
    n = args.count
    with tempfile.TemporaryDirectory() as tmp:
        seconds = {
            name: (_session_seconds(Path(tmp), body, n), _session_seconds(Path(tmp), body, 2 * n))
            for name, body in VARIANTS.items()
        }
    print(f"sessions of {n} and {2 * n} tests; the slope is the cost of one more test")
    bare_once, bare_twice = seconds["bare"]
    bare_slope = (bare_twice - bare_once) / n
    for name, (once, twice) in seconds.items():
        slope = (twice - once) / n - bare_slope
        start = once - n * ((twice - once) / n) - (bare_once - n * bare_slope)
        print(f"  {name:10} per test {slope * 1000:6.2f} ms   one-off start {start:5.2f} s")


if __name__ == "__main__":
    main()
