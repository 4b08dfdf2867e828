"""What signature verification costs: small operations with ``--auth strict`` versus ``off``.

``python -m benchmarks.auth_cost [--count N]`` (under a minute with the default 2000):

* **direct**: fakes3's own time per request, no network: requests are signed by botocore in
  advance, then the WSGI app is called with each; strict verifies every signature.
* **boto3**: boto3 PUT and GET of 1 KiB over a live server, client signing included.

The two modes are called alternately, request by request, and each number is a median, so
the load of a shared machine falls on both alike.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug.test import EnvironBuilder

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

BODY = b"x" * 1024
HOST = "localhost:9000"
MODES = ("off", "strict")


def _signed_environ(method: str, path: str, body: bytes) -> dict[str, Any]:
    request = AWSRequest(method=method, url=f"http://{HOST}{path}", data=body)
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    builder = EnvironBuilder(
        method=method, path=path, data=body, headers=dict(request.headers.items())
    )
    builder.headers["Host"] = HOST
    environ: dict[str, Any] = builder.get_environ()
    environ["RAW_URI"] = path
    return environ


def _call(app: FakeS3, environ: dict[str, Any]) -> None:
    environ = dict(environ)
    environ["wsgi.input"] = io.BytesIO(environ["fakes3.body"])
    status: list[str] = []
    for _ in app(environ, lambda s, h, e=None: status.append(s)):
        pass
    if not status[0].startswith("200"):
        raise RuntimeError(status[0])


def _interleaved(calls: dict[str, Callable[[int], object]], count: int) -> dict[str, float]:
    """Median microseconds per call of each mode, calling the modes alternately so that the
    machine's load (2 shared cores) hits both alike."""
    times: dict[str, list[float]] = {mode: [] for mode in calls}
    for i in range(count):
        for mode, call in calls.items():
            started = time.perf_counter()
            call(i)
            times[mode].append(time.perf_counter() - started)
    return {mode: statistics.median(values) * 1e6 for mode, values in times.items()}


def direct(count: int) -> dict[str, dict[str, float]]:
    """fakes3's own time per request (no network), by operation and mode."""
    apps = {mode: FakeS3(Settings(auth=mode)) for mode in MODES}
    for app in apps.values():
        app.store.create_bucket("bench", "us-east-1")
    results = {}
    for op, method, body in (("put", "PUT", BODY), ("get", "GET", b"")):
        environs = []
        for i in range(count):
            environ = _signed_environ(method, f"/bench/key-{i}", body)
            environ["fakes3.body"] = body
            environs.append(environ)
        calls: dict[str, Callable[[int], object]] = {
            mode: (lambda i, app=app, envs=environs: _call(app, envs[i]))
            for mode, app in apps.items()
        }
        results[op] = _interleaved(calls, count)
    return results


def over_network(count: int) -> dict[str, dict[str, float]]:
    """boto3 latency per call over loopback (client signing included)."""
    servers = {mode: Server(FakeS3(Settings(auth=mode)), port=0) for mode in MODES}
    clients = {}
    for mode, server in servers.items():
        server.start()
        clients[mode] = boto3.client(
            "s3",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        clients[mode].create_bucket(Bucket="bench")
    try:
        results = {}
        for op in ("put", "get"):
            calls: dict[str, Callable[[int], object]] = {}
            for mode, client in clients.items():
                if op == "put":
                    calls[mode] = lambda i, c=client: c.put_object(
                        Bucket="bench", Key=f"k{i}", Body=BODY
                    )
                else:
                    calls[mode] = lambda i, c=client: c.get_object(Bucket="bench", Key=f"k{i}")[
                        "Body"
                    ].read()
            _interleaved(calls, 20)  # warm-up
            results[op] = _interleaved(calls, count)
        return results
    finally:
        for server in servers.values():
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    for label, measure, count in (
        ("direct WSGI (fakes3's own time)", direct, args.count),
        ("boto3 over loopback", over_network, args.count // 4),
    ):
        print(f"{label}: median microseconds per request")
        for op, by_mode in measure(count).items():
            off, strict = by_mode["off"], by_mode["strict"]
            print(
                f"  {op}: off {off:.0f}, strict {strict:.0f}, "
                f"strict/off {strict / off:.2f} (+{strict - off:.0f} us)"
            )


if __name__ == "__main__":
    main()
