"""The benchmark's app-only numbers: boto3's requests recorded once, replayed straight into
each WSGI app with no server and no client, optionally under cProfile (``--profile DIR``).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import boto3
from botocore.client import BaseClient

from benchmarks.null_app import DELETE_KEYS, OBJECT_BODY, null_app
from fakes3.server import Server

if TYPE_CHECKING:
    from benchmarks.bench import Config, Subject, WSGIApp
    from benchmarks.report import Metric


def client_for(endpoint: str) -> BaseClient:
    """boto3 in its default configuration: only where, which region, and dummy credentials."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _direct(
    bucket: str, big_bucket: str, delete_bucket: str
) -> dict[str, tuple[str, dict[str, Any]]]:
    """metric -> what boto3 is asked to do; its request is recorded and replayed.

    The DeleteObjects replay names keys that are gone after its first call (S3 reports them
    deleted all the same): it times the body's parsing, the decision and the answer's XML."""
    batch = {"Objects": [{"Key": key} for key in DELETE_KEYS]}
    return {
        "direct_put": ("put_object", {"Bucket": bucket, "Key": "direct/k", "Body": OBJECT_BODY}),
        "direct_get": ("get_object", {"Bucket": bucket, "Key": "direct/k"}),
        "direct_head": ("head_object", {"Bucket": bucket, "Key": "direct/k"}),
        "direct_copy": (
            "copy_object",
            {
                "Bucket": bucket,
                "Key": "direct/c",
                "CopySource": {"Bucket": bucket, "Key": "direct/k"},
            },
        ),
        "direct_list": ("list_objects_v2", {"Bucket": big_bucket}),
        "direct_list_delim": ("list_objects_v2", {"Bucket": big_bucket, "Delimiter": "/"}),
        "direct_delete_objects": ("delete_objects", {"Bucket": delete_bucket, "Delete": batch}),
    }


def record_requests(buckets: tuple[str, str, str]) -> dict[str, tuple[dict[str, Any], bytes]]:
    """The WSGI environs and bodies of boto3's requests, as cheroot hands them to an app."""
    seen: list[tuple[dict[str, Any], bytes]] = []
    lock = threading.Lock()

    def recorder(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        kept = {k: v for k, v in environ.items() if k != "wsgi.input"}
        with lock:
            seen.append((kept, body))
        environ["wsgi.input"] = io.BytesIO(body)
        return null_app(environ, start_response)

    recorded = {}
    with Server(recorder, port=0) as server:
        s3 = client_for(server.endpoint_url)
        for name, (operation, kwargs) in _direct(*buckets).items():
            answer = getattr(s3, operation)(**kwargs)
            if "Body" in answer:
                answer["Body"].read()
            recorded[name] = seen[-1]
    return recorded


COLD_OPS = {
    "direct_put": "direct_cold_put",
    "direct_get": "direct_cold_get",
    "direct_head": "direct_cold_head",
    "direct_copy": "direct_cold_copy",
}
"""Small ops also timed cold: each call after an idle pause, as over a network."""

COLD_PAUSE = 0.002
"""Seconds idle before each cold call: about one boto3 call's client time."""


class _Status:
    def __init__(self) -> None:
        self.status = ""

    def __call__(self, status: str, headers: Any, exc_info: Any = None) -> Callable[..., Any]:
        self.status = status
        return self.write

    def write(self, data: bytes) -> None:
        pass


def _call(app: WSGIApp, environ: dict[str, Any], body: bytes, start: _Status) -> None:
    request = environ.copy()
    request["wsgi.input"] = io.BytesIO(body)
    answer = app(request, start)
    try:
        for _ in answer:
            pass
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()


def run_direct(
    subjects: list[Subject],
    config: Config,
    metrics: dict[str, Metric],
    buckets: tuple[str, str, str],
    profile: bool,
) -> None:
    """Call each WSGI app with boto3's recorded requests: µs per request, no network, no client.

    ``buckets``: the small-op bucket, the big listing bucket and the DeleteObjects bucket the
    requests name.
    """
    recorded = record_requests(buckets)
    for subject in subjects:
        start = _Status()
        for name, (environ, body) in recorded.items():
            app, n = subject.app, config.direct_count
            started = time.perf_counter()
            _call(app, environ, body, start)  # warm-up
            batch = 16 if time.perf_counter() - started < 0.001 else 1
            if not start.status.startswith("2"):
                raise AssertionError(f"{subject.name}: {name} answered {start.status}")
            for _ in range(config.warmup):
                if time.perf_counter() - started > config.budget / 4:
                    break
                _call(app, environ, body, start)
            calls = 0
            started = time.perf_counter()
            while calls < n:  # fast calls in batches, so reading the clock costs nothing
                for _ in range(batch):
                    _call(app, environ, body, start)
                calls += batch
                if time.perf_counter() - started > config.budget:  # slow: fewer calls
                    break
            metrics[name].add(subject.name, (time.perf_counter() - started) / calls * 1e6)
            if name in COLD_OPS:
                metrics[COLD_OPS[name]].add(subject.name, _cold(app, environ, body, start, n))
            if profile and config.profile_dir and subject.store is not None:
                _profile(subject, name, environ, body, calls, config.profile_dir)


def _cold(app: WSGIApp, environ: dict[str, Any], body: bytes, start: _Status, n: int) -> float:
    """Median µs of CPU per call when each call follows an idle pause.

    Served over a network, fakes3 gets a request every few milliseconds, after the client's
    work: its code and data are out of the CPU's caches by then. A call after a pause costs
    3-4 times what back-to-back calls cost (HEAD: ~540 µs, not ~160), and it is what the
    request rates above pay. Thread CPU time leaves out the pause itself."""
    spent = []
    for _ in range(max(10, min(n, 200))):
        time.sleep(COLD_PAUSE)
        began = time.thread_time()
        _call(app, environ, body, start)
        spent.append(time.thread_time() - began)
    return statistics.median(spent) * 1e6


def _profile(
    subject: Subject, name: str, environ: dict[str, Any], body: bytes, n: int, out_dir: str
) -> None:
    """cProfile ``n`` direct calls; save the stats and print the top functions by own time."""
    start = _Status()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        _call(subject.app, environ, body, start)
    profiler.disable()
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{subject.name}-{name}.pstats")
    profiler.dump_stats(path)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(12)
    print(f"\n== profile {subject.name} {name} ({n} calls, saved to {path})")
    lines = stream.getvalue().splitlines()
    start_at = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print("\n".join(lines[start_at:]))
