"""Where should the directory backend stop keeping blobs inline? Rows vs files, by size.

``python -m benchmarks.inline_threshold``: for each size, the µs per blob of writing one
(create, write in request-sized chunks, commit), reading it whole, copying it and deleting it,
as a row of ``inline.sqlite3`` (``InlineBlobs`` with no threshold) and as a file
(``FileBlobs``), each in a fresh temporary data directory. The best of ``--rounds`` rounds.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable

from fakes3.store.blobs import CHUNK, BlobStore, FileBlobs
from fakes3.store.blobs_inline import InlineBlobs

SIZES = [1 << 10, 4 << 10, 16 << 10, 64 << 10, 128 << 10, 256 << 10, 1 << 20]


def _write(blobs: BlobStore, data: bytes) -> str:
    writer = blobs.create()
    for offset in range(0, len(data), CHUNK):
        writer.write(data[offset : offset + CHUNK])
    return writer.commit()


def _timed(count: int, action: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for number in range(count):
        action(number)
    return (time.perf_counter() - started) / count * 1e6


def measure(kind: str, size: int, count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="fakes3-threshold-") as root:
        blobs: BlobStore = (
            InlineBlobs(root, threshold=1 << 40) if kind == "row" else FileBlobs(root)
        )
        data = os.urandom(size)
        ids: list[str] = []
        result = {"write": _timed(count, lambda _n: ids.append(_write(blobs, data)))}
        result["read"] = _timed(count, lambda n: b"".join(blobs.open(ids[n])))
        copies: list[str] = []
        result["copy"] = _timed(count, lambda n: copies.append(blobs.copy(ids[n])))
        result["delete"] = _timed(count, lambda n: blobs.delete(ids[n]))
        blobs.delete_many(copies)
        if isinstance(blobs, InlineBlobs):
            blobs.close()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="blobs per size and kind")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"µs per blob, best of {args.rounds} rounds of {args.count}")
    print(f"{'size':>8}  {'kind':<4}  {'write':>7}  {'read':>7}  {'copy':>7}  {'delete':>7}")
    for size in SIZES:
        for kind in ("row", "file"):
            runs = [measure(kind, size, args.count) for _ in range(args.rounds)]
            best = {op: min(run[op] for run in runs) for op in runs[0]}
            cells = "  ".join(f"{best[op]:7.0f}" for op in ("write", "read", "copy", "delete"))
            print(f"{size >> 10:>6}Ki  {kind:<4}  {cells}")


if __name__ == "__main__":
    main()
