"""Which WSGI server should fakes3 use?  Serve the null S3 app with each candidate and measure.

Run by hand from the repository root::

    python -m benchmarks.servers [--count 500] [--rounds 3] [--servers werkzeug,cheroot,...]

For each server it reports requests/s (1 KiB PUT, GET, HEAD) from one boto3 client in its
default configuration and from a bare http.client loop, with the server in a thread of the
client's process (as the pytest fixtures run it, sharing the GIL) and in its own process (as
``fakes3 serve`` runs), and how many connections boto3 needed.  Rounds interleave the servers
and the best round counts, which filters out load from other work on the machine.  Then it
checks whether request bodies reach the app before they are fully sent, chunked request bodies,
``Expect: 100-continue`` and TLS.  Everything listens on loopback ports; every loop is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import logging
import multiprocessing
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from benchmarks.null_app import null_app

HOST = "127.0.0.1"
BIG = 50 * 1024 * 1024
App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class Running:
    port: int
    stop: Callable[[], None]


def _werkzeug(app: App, tls: tuple[str, str] | None = None) -> Running:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any) -> None:  # no access log, like the others
            pass

    srv = make_server(HOST, 0, app, threaded=True, request_handler=Quiet, ssl_context=tls)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        srv.shutdown()
        srv.server_close()
        thread.join(10)

    return Running(srv.server_port, stop)


def _cheroot(app: App, tls: tuple[str, str] | None = None) -> Running:
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    srv = wsgi.Server((HOST, 0), app, numthreads=16)
    if tls:
        srv.ssl_adapter = BuiltinSSLAdapter(*tls)
    srv.prepare()
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()

    def stop() -> None:
        srv.stop()
        thread.join(10)

    return Running(srv.bind_addr[1], stop)


def _waitress(app: App, tls: tuple[str, str] | None = None) -> Running:
    if tls:
        raise NotImplementedError("waitress has no TLS support")
    from waitress.server import create_server

    srv: Any = create_server(app, host=HOST, port=0, threads=16)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()

    def stop() -> None:
        srv.task_dispatcher.shutdown(timeout=5)  # let running tasks finish first
        for dispatcher in list(srv._map.values()):
            dispatcher.close()
        thread.join(10)

    return Running(srv.effective_port, stop)


def _fakes3(app: App, tls: tuple[str, str] | None = None, *, log: bool = False) -> Running:
    """fakes3's own wrapper around cheroot; with ``log``, the access log written to a no-op."""
    from fakes3.server import Server

    cert, key = tls or (None, None)
    server = Server(app, tls_cert=cert, tls_key=key, quiet=not log, log=lambda line: None)
    server.start()
    return Running(server.port, server.stop)


SERVERS: dict[str, Callable[..., Running]] = {
    "werkzeug": _werkzeug,
    "cheroot": _cheroot,
    "waitress": _waitress,
    "fakes3": _fakes3,
    "fakes3+log": functools.partial(_fakes3, log=True),
}


# ----------------------------------------------------------------------------- request rate


def drive(port: int, count: int, scheme: str = "http", verify: Any = None) -> dict[str, float]:
    """Requests/s for ``count`` PUTs, GETs and HEADs of 1 KiB from one default boto3 client."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=f"{scheme}://{HOST}:{port}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        verify=verify,
    )
    body = b"x" * 1024
    ops: dict[str, Callable[[], Any]] = {
        "put": lambda: s3.put_object(Bucket="bench", Key="k", Body=body),
        "get": lambda: s3.get_object(Bucket="bench", Key="k")["Body"].read(),
        "head": lambda: s3.head_object(Bucket="bench", Key="k"),
    }
    for op in ops.values():  # warm up: connection, endpoint rules, parsers
        for _ in range(20):
            op()
    rates: dict[str, float] = {}
    total = 0.0
    for name, op in ops.items():
        start = time.perf_counter()
        for _ in range(count):
            op()
        elapsed = time.perf_counter() - start
        total += elapsed
        rates[name] = count / elapsed
    rates["all"] = 3 * count / total
    return rates


def drive_raw(port: int, count: int) -> float:
    """Requests/s from a bare http.client loop (1 KiB PUT, GET, HEAD): the server's own cost.

    boto3 spends more CPU per request than any of these servers, so its rates compress the
    differences; this client is cheap enough to show them.  It reconnects when told to close.
    """
    body = b"x" * 1024
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    start = time.perf_counter()
    for i in range(3 * count):
        method = ("PUT", "GET", "HEAD")[i % 3]
        conn.request(method, "/bench/k", body=body if method == "PUT" else None)
        response = conn.getresponse()
        response.read()
        if response.will_close:
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
    elapsed = time.perf_counter() - start
    conn.close()
    return 3 * count / elapsed


def _counting(app: App, seen: set[tuple[str, str]]) -> App:
    """Wrap ``app`` to record each client (address, port): one per TCP connection."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.add((environ.get("REMOTE_ADDR", ""), environ.get("REMOTE_PORT", "")))
        return app(environ, start_response)

    return wrapped


def _child(name: str, conn: Any) -> None:
    running = SERVERS[name](null_app)
    conn.send(running.port)
    conn.recv()  # parent says stop
    running.stop()


def rate_in_process(name: str, count: int) -> tuple[dict[str, float], float]:
    """Server in a separate process, as ``fakes3 serve`` runs: no GIL shared with the client."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(name, child), daemon=True)
    proc.start()
    try:
        if not parent.poll(30):
            raise RuntimeError(f"{name} did not start")
        port = parent.recv()
        return drive(port, count), drive_raw(port, count)
    finally:
        parent.send("stop")
        proc.join(15)
        if proc.is_alive():
            proc.terminate()


# ----------------------------------------------------------------------------- protocol checks


class Probe:
    """A WSGI app that notes when it is called, reads the whole body and answers its length."""

    def __init__(self) -> None:
        self.called = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        self.called.set()
        stream = environ["wsgi.input"]
        left = -1 if environ.get("wsgi.input_terminated") else int(environ["CONTENT_LENGTH"])
        total = 0
        while left and (data := stream.read(65536 if left < 0 else min(65536, left))):
            total += len(data)
            left -= len(data) if left > 0 else 0
        body = str(total).encode()
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]


def _response(sock: socket.socket, data: bytes = b"") -> tuple[list[int], bytes]:
    """Read statuses (interim ``1xx`` ones, then the final one) and a Content-Length body."""
    statuses: list[int] = []
    while not statuses or statuses[-1] < 200:
        while b"\r\n\r\n" not in data:
            more = sock.recv(65536)
            if not more:
                raise ConnectionError(f"closed early: {data!r}")
            data += more
        head, _, data = data.partition(b"\r\n\r\n")
        statuses.append(int(head.split(b" ", 2)[1]))
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-length":
            while len(data) < int(value) and (more := sock.recv(65536)):
                data += more
    return statuses, data


@contextlib.contextmanager
def _probed(start: Callable[[App], Running], head: str) -> Iterator[tuple[Probe, socket.socket]]:
    """Serve a Probe with ``start`` and open a raw connection that has sent ``head``."""
    probe = Probe()
    running = start(probe)
    try:
        with socket.create_connection((HOST, running.port), timeout=20) as sock:
            sock.sendall(f"PUT /b/k HTTP/1.1\r\nHost: {HOST}\r\n{head}\r\n".encode())
            yield probe, sock
    finally:
        running.stop()


def check_streaming(start: Callable[[App], Running]) -> str:
    """Send 1 MiB of a 50 MiB body and see whether the app is called before the rest."""
    with _probed(start, f"Content-Length: {BIG}\r\n") as (probe, sock):
        sock.sendall(b"x" * (1 << 20))
        early = probe.called.wait(2.0)
        sock.sendall(b"x" * (BIG - (1 << 20)))
        statuses, body = _response(sock)
    ok = statuses == [200] and int(body) == BIG
    return ("streams" if early else "buffers whole body") + ("" if ok else " (BROKEN)")


def check_chunked(start: Callable[[App], Running]) -> str:
    """Send a chunked body in two parts: is it decoded, and does the app see it early?"""
    with _probed(start, "Transfer-Encoding: chunked\r\n") as (probe, sock):
        sock.sendall(b"400\r\n" + b"a" * 1024 + b"\r\n")
        early = probe.called.wait(2.0)
        sock.sendall(b"5\r\nhello\r\n0\r\n\r\n")
        statuses, body = _response(sock)
    if statuses != [200] or body != b"1029":
        return f"BROKEN (statuses {statuses}, app read {body!r})"
    return "ok, " + ("streamed" if early else "buffered")


def check_continue(start: Callable[[App], Running]) -> str:
    """Does the server answer ``Expect: 100-continue`` before the body is sent?"""
    with _probed(start, "Content-Length: 5\r\nExpect: 100-continue\r\n") as (_, sock):
        sock.settimeout(2.0)
        try:
            interim = sock.recv(4096)
        except TimeoutError:
            interim = b""
        sock.settimeout(10)
        sock.sendall(b"hello")
        statuses, body = _response(sock, interim)
    if not interim.startswith(b"HTTP/1.1 100"):
        return f"no 100 Continue before the body (clients wait for a timeout): {statuses}"
    extra = f" (but {len(statuses) - 1} '100 Continue' responses)" if len(statuses) > 2 else ""
    return ("ok" if statuses[-1] == 200 and body == b"5" else f"BROKEN: {statuses}") + extra


def check_tls(name: str, count: int) -> str:
    """Serve over HTTPS with a throwaway CA; report the HEAD rate or why not."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert(HOST, "localhost")
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, n) for n in ("cert.pem", "key.pem", "ca.pem")]
        cert.private_key_and_cert_chain_pem.write_to_path(paths[0])
        cert.private_key_pem.write_to_path(paths[1])
        ca.cert_pem.write_to_path(paths[2])
        try:
            running = SERVERS[name](null_app, tls=(paths[0], paths[1]))
        except NotImplementedError as exc:
            return f"no ({exc})"
        try:
            rates = drive(running.port, count, scheme="https", verify=paths[2])
        finally:
            running.stop()
    return f"ok, {rates['all']:.0f} req/s over HTTPS"


def measure(name: str, count: int) -> dict[str, float]:
    """One round for one server: boto3 and http.client rates, in a thread and in a process."""
    seen: set[tuple[str, str]] = set()
    running = SERVERS[name](_counting(null_app, seen))
    try:
        threaded = drive(running.port, count)
        connections = len(seen)
        threaded_raw = drive_raw(running.port, count)
    finally:
        running.stop()
    separate, separate_raw = rate_in_process(name, count)
    return {
        "thread boto3": threaded["all"],
        "thread http.client": threaded_raw,
        "process boto3": separate["all"],
        "process http.client": separate_raw,
        "boto3 connections": connections,  # the most any round used
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500, help="requests per operation")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best is reported")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--no-checks", action="store_true", help="rates only")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    count = max(1, min(args.count, 20000))  # bounded
    names = args.servers.split(",")
    best: dict[str, dict[str, float]] = {name: {} for name in names}
    for _ in range(max(1, min(args.rounds, 10))):  # interleaved, so load from elsewhere
        for name in names:  # spreads over all servers; the best round is the least disturbed
            for metric, value in measure(name, count).items():
                best[name][metric] = max(best[name].get(metric, 0.0), value)
    print(f"requests/s, best of {args.rounds} rounds of {count} each of PUT, GET, HEAD (1 KiB)")
    metrics = list(next(iter(best.values())))
    print(f"{'':22}" + "".join(f"{name:>12}" for name in names))
    for metric in metrics:
        print(f"{metric:22}" + "".join(f"{best[name][metric]:12.0f}" for name in names))
    if args.no_checks:
        return
    for name in names:
        start = SERVERS[name]
        print(f"== {name}")
        print(f"  50 MiB body        {check_streaming(start)}")
        print(f"  chunked body       {check_chunked(start)}")
        print(f"  100-continue       {check_continue(start)}")
        print(f"  TLS                {check_tls(name, max(1, count // 3))}")


if __name__ == "__main__":
    main()
