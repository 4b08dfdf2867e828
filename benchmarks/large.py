"""Large objects: throughput and server memory for 256 MiB and 1 GiB transfers with boto3.

Run by hand from the repository root (it is not part of CI)::

    python -m benchmarks.large                       # 256 MiB and 1 GiB, all subjects
    python -m benchmarks.large --sizes 64 --rounds 1 # a quick look

Each subject is a server in its own process (so its memory is its own): fakes3 in memory,
fakes3 on a directory, and ``benchmarks/large_null.py``, which drains uploads and serves zeros.
One boto3 client in its default configuration drives them in turn, op by op:

- ``upload_file`` and ``download_file``: boto3's managed transfers (multipart over 8 MiB,
  10 threads, ranged GETs), as user code calls them;
- ``put_object`` with the open file as the body (one streamed PUT) and ``get_object`` read to
  the end in 1 MiB pieces (one streamed GET).

For each transfer it reports MB/s (MiB of object per second of wall time) and the server's peak
RSS growth: the kernel's high-water mark (``VmHWM``, reset through ``clear_refs`` before each
transfer) minus the RSS before it. Targets (issue 3): throughput at least 0.7 x the null app's,
and peak RSS growth at most 100 MiB for a 1 GiB object on the directory backend.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.client import BaseClient

MiB = 1024 * 1024
SUBJECTS = ("memory", "directory", "null")
OPS = ("upload_file", "download_file", "put_object", "get_object")
BUCKET = "large"


def serve(subject: str, size: int) -> None:
    """The server process: print the endpoint, serve until stdin closes."""
    from benchmarks.large_null import large_null_app
    from fakes3.app import FakeS3
    from fakes3.server import Server
    from fakes3.settings import Settings

    with tempfile.TemporaryDirectory(prefix="fakes3-large-") as data_dir:
        if subject == "null":
            app = large_null_app(size)
        else:
            app = FakeS3(Settings(data_dir=data_dir if subject == "directory" else None))
        with Server(app, port=0, quiet=True) as server:  # type: ignore[arg-type]
            print(server.endpoint_url, flush=True)
            sys.stdin.read()


class Subject:
    """A server process and a client for it."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.large", "--serve", name, "--size", str(size)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        endpoint = self.process.stdout.readline().strip()
        self.client: BaseClient = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        self.client.create_bucket(Bucket=BUCKET)

    def _status(self, field: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(field)

    def measure(self, transfer: Callable[[BaseClient], None]) -> tuple[float, int]:
        """Seconds taken and peak RSS growth in bytes for one transfer."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")  # reset VmHWM
        before = self._status("VmRSS")
        started = time.perf_counter()
        transfer(self.client)
        elapsed = time.perf_counter() - started
        return elapsed, self._status("VmHWM") - before

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def make_source(path: Path, size: int) -> None:
    block = os.urandom(MiB)
    with path.open("wb") as fh:
        for _ in range(size // MiB):
            fh.write(block)


def transfers(source: Path, target: Path) -> dict[str, Callable[[BaseClient], None]]:
    def upload_file(client: BaseClient) -> None:
        client.upload_file(str(source), BUCKET, "managed")

    def download_file(client: BaseClient) -> None:
        client.download_file(BUCKET, "managed", str(target))
        target.unlink()

    def put_object(client: BaseClient) -> None:
        with source.open("rb") as fh:
            client.put_object(Bucket=BUCKET, Key="single", Body=fh)

    def get_object(client: BaseClient) -> None:
        stream = client.get_object(Bucket=BUCKET, Key="single")["Body"]
        while stream.read(MiB):
            pass

    return {
        "upload_file": upload_file,
        "download_file": download_file,
        "put_object": put_object,
        "get_object": get_object,
    }


def run(size_mib: int, rounds: int, subjects: list[str], ops_chosen: list[str]) -> None:
    size = size_mib * MiB
    results: dict[tuple[str, str], list[tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="fakes3-large-client-") as tmp:
        source, target = Path(tmp) / "source", Path(tmp) / "target"
        make_source(source, size)
        running = [Subject(name, size) for name in subjects]
        try:
            ops = transfers(source, target)
            for round_ in range(rounds):
                for op in ops_chosen:
                    order = running[round_ % len(running) :] + running[: round_ % len(running)]
                    for subject in order:
                        results.setdefault((subject.name, op), []).append(subject.measure(ops[op]))
        finally:
            for subject in running:
                subject.close()
    report(size_mib, results, subjects, ops_chosen)


def report(
    size_mib: int,
    results: dict[tuple[str, str], list[tuple[float, int]]],
    subjects: list[str],
    ops_chosen: list[str],
) -> None:
    print(f"\n{size_mib} MiB object")
    print(f"{'op':<14}" + "".join(f"{s + ' MB/s':>16}{'peak +MiB':>11}" for s in subjects), end="")
    print("".join(f"{s + '/null':>16}" for s in subjects if s != "null"))
    for op in ops_chosen:
        rates = {}
        row = f"{op:<14}"
        for subject in subjects:
            runs = results[(subject, op)]
            rates[subject] = size_mib / statistics.median(seconds for seconds, _ in runs)
            peak = max(growth for _, growth in runs) / MiB
            row += f"{rates[subject]:>16.1f}{peak:>11.1f}"
        if "null" in rates:
            row += "".join(f"{rates[s] / rates['null']:>16.2f}" for s in subjects if s != "null")
        print(row, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="256,1024", help="object sizes in MiB")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--subjects", default=",".join(SUBJECTS))
    parser.add_argument("--ops", default=",".join(OPS), help="which transfers, in order")
    parser.add_argument("--serve", choices=SUBJECTS, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.size)
        return
    for size in args.sizes.split(","):
        run(int(size), args.rounds, args.subjects.split(","), args.ops.split(","))


if __name__ == "__main__":
    main()
