"""In-process mode against a null botocore ``before-send`` handler (and moto, if installed).

Run by hand from the repository root (not in CI), about a minute::

    python -m benchmarks.inprocess            # 300 calls per op, 5 rounds
    python -m benchmarks.inprocess --count 1000 --rounds 7

Each subject drives one boto3 client in its default configuration, in this process:

- ``null``: a handler on the client's ``before-send.s3`` event that answers canned responses
  of fakes3's shape (``benchmarks/null_app.py``); the floor — boto3's own cost per call.
- ``fakes3``: ``fakes3.mock_s3()`` active (the real app, store and journal).
- ``moto``: ``moto.mock_aws()`` active, for comparison.

Rounds interleave the subjects; a number is the median over rounds of calls per second.
The target is fakes3 >= 0.8 x null.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
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


@contextmanager
def _subject(name: str) -> Iterator[Any]:
    context: AbstractContextManager[Any] = nullcontext()
    if name == "fakes3":
        context = mock_s3()
    elif name == "moto":
        from moto import mock_aws

        context = mock_aws()
    with context:
        s3 = _client()
        if name == "null":
            s3.meta.events.register("before-send.s3", _null_handler)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="key", Body=BODY)
        yield s3


def _rate(s3: Any, op: Callable[[Any], Any], count: int) -> float:
    op(s3)  # warm-up
    started = time.perf_counter()
    for _ in range(count):
        op(s3)
    return count / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
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
    for _ in range(args.rounds):
        for subject in subjects:
            with _subject(subject) as s3:
                for op_name, op in OPS.items():
                    rates.setdefault((subject, op_name), []).append(_rate(s3, op, args.count))
    print(f"{args.count} calls per op, {args.rounds} rounds; calls/s, median over rounds")
    print(
        f"{'op':6}"
        + "".join(f"{s:>10}" for s in subjects)
        + "".join(f"{s + '/null':>13}" for s in subjects[1:])
    )
    for op_name in OPS:
        medians = {s: statistics.median(rates[(s, op_name)]) for s in subjects}
        line = f"{op_name:6}" + "".join(f"{medians[s]:>10.0f}" for s in subjects)
        line += "".join(f"{medians[s] / medians['null']:>13.2f}" for s in subjects[1:])
        print(line)
    print(f"target: fakes3/null >= {TARGET}")


if __name__ == "__main__":
    main()
