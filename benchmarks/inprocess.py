"""In-process mode against a null botocore ``before-send`` handler (and moto, if installed).

Run by hand from the repository root (not in CI), about a minute::

    python -m benchmarks.inprocess            # 300 calls per op, 5 rounds
    python -m benchmarks.inprocess --count 1000 --rounds 7

Each subject drives one boto3 client in its default configuration, in this process:

- ``null``: a handler on the client's ``before-send.s3`` event that answers canned responses
  of fakes3's shape (``benchmarks/null_app.py``); the floor — boto3's own cost per call.
- ``fakes3``: ``fakes3.mock_s3()`` active (the real app, store and journal).
- ``moto``: ``moto.mock_aws()`` active, for comparison.

null and fakes3 run in alternating batches of 25 calls with the same clients (the fakes3 one
made before the block, as a module-level client would be), so load from elsewhere on the
machine hits both alike; moto runs after them. A number is the median over rounds of calls per
second. The target is fakes3 >= 0.8 x null.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from benchmarks import null_app
from fakes3.mock import _Raw, mock_s3

BUCKET = "bench-inprocess"
BODY = null_app.OBJECT_BODY
TARGET = 0.8

# operation -> canned (status, headers, body) of the shape fakes3 answers
_CANNED: dict[str, tuple[int, list[tuple[str, str]], list[bytes]]] = {
    "CreateBucket": (200, null_app._CREATE_BUCKET, []),
    "PutObject": (200, null_app._PUT, []),
    "GetObject": (200, null_app._GET_HEADERS, null_app._GET_BODY),
    "HeadObject": (200, null_app._OBJECT_HEADERS, []),
    "ListObjectsV2": (200, *null_app._LIST_V2),
}


def _null_handler(request: Any, event_name: str, **kwargs: Any) -> AWSResponse:
    """A canned answer, after reading the request body as any server must (for a streamed
    aws-chunked upload, reading is what makes botocore compute the trailing checksum)."""
    read = getattr(request.body, "read", None)
    if read is not None:
        while read(1 << 16):
            pass
    status, headers, body = _CANNED[event_name.rsplit(".", 1)[1]]
    return AWSResponse(request.url, status, headers, _Raw(list(body)))


def _client() -> Any:
    return boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )


OPS: dict[str, Callable[[Any], Any]] = {
    "put": lambda s3: s3.put_object(Bucket=BUCKET, Key="key", Body=BODY),
    "get": lambda s3: s3.get_object(Bucket=BUCKET, Key="key")["Body"].read(),
    "head": lambda s3: s3.head_object(Bucket=BUCKET, Key="key"),
    "list": lambda s3: s3.list_objects_v2(Bucket=BUCKET),
}


def _prepare(s3: Any) -> None:
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="key", Body=BODY)


def _timed(s3: Any, op: Callable[[Any], Any], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        op(s3)
    return time.perf_counter() - started


def _alternate(count: int, batch: int) -> dict[tuple[str, str], float]:
    """null and fakes3 in alternating batches (so a load change hits both alike); seconds."""
    null = _client()
    null.meta.events.register("before-send.s3", _null_handler)
    fake = _client()  # made before any mock_s3 block: answered all the same
    mocked = mock_s3()
    seconds: dict[tuple[str, str], float] = {}
    for op_name, op in OPS.items():
        op(null)
        for _ in range(max(1, count // batch)):
            seconds[("null", op_name)] = seconds.get(("null", op_name), 0.0) + _timed(
                null, op, batch
            )
            with mocked:
                _prepare(fake)
                op(fake)
                seconds[("fakes3", op_name)] = seconds.get(("fakes3", op_name), 0.0) + (
                    _timed(fake, op, batch)
                )
    return seconds


def _moto(count: int) -> dict[tuple[str, str], float]:
    from moto import mock_aws

    seconds = {}
    with mock_aws():
        s3 = _client()
        _prepare(s3)
        for op_name, op in OPS.items():
            op(s3)
            seconds[("moto", op_name)] = _timed(s3, op, count)
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300, help="calls per op and subject")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--no-moto", action="store_true")
    args = parser.parse_args(argv)
    subjects = ["null", "fakes3"]
    if not args.no_moto:
        try:
            import moto  # noqa: F401

            subjects.append("moto")
        except ImportError:
            pass
    rates: dict[tuple[str, str], list[float]] = {}
    ratios: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        seconds = _alternate(args.count, args.batch)
        if "moto" in subjects:
            seconds.update(_moto(args.count))
        for (subject, op_name), spent in seconds.items():
            rates.setdefault((subject, op_name), []).append(args.count / spent)
        for op_name in OPS:
            ratios.setdefault(op_name, []).append(
                seconds[("null", op_name)] / seconds[("fakes3", op_name)]
            )
    print(f"{args.count} calls per op and round, {args.rounds} rounds; calls/s, median")
    header = f"{'op':6}" + "".join(f"{s:>10}" for s in subjects)
    print(header + "".join(f"{s + '/null':>13}" for s in subjects[1:]) + "   fakes3/null rounds")
    for op_name in OPS:
        medians = {s: statistics.median(rates[(s, op_name)]) for s in subjects}
        line = f"{op_name:6}" + "".join(f"{medians[s]:>10.0f}" for s in subjects)
        line += "".join(f"{medians[s] / medians['null']:>13.2f}" for s in subjects[1:])
        low, high = min(ratios[op_name]), max(ratios[op_name])
        print(line + f"   {low:.2f}-{high:.2f}")
    print(f"target: fakes3/null >= {TARGET}")


if __name__ == "__main__":
    main()
