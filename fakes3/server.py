"""Serve fakes3 (or any WSGI app) on a loopback port with cheroot, in background threads.

cheroot was chosen by measurement (benchmarks/servers.py, docs/server.md): it keeps connections
alive, streams request bodies to the app (chunked ones too), answers ``Expect: 100-continue``
and speaks TLS.  This module adds what a test harness needs on top: port 0, a prompt and
idempotent stop, exceptions from the app recorded in ``Server.errors``, and an optional
one-line-per-request access log.
"""

from __future__ import annotations

import logging
import re
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from cheroot.workers import threadpool
from cheroot.workers.threadpool import _SHUTDOWNREQUEST as _SHUTDOWN_REQUEST  # type: ignore[attr-defined]

from fakes3.faults import DropConnection
from fakes3.protocol.body import DRAIN_LIMIT
from fakes3.request_headers import SERVER_HEADER_LIMIT, Connection, add_headers

__all__ = ["Server"]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Log = Callable[[str], None]

_CHUNKED_DRAIN_LIMIT = 16 * 1024 * 1024
_MAX_LINE = 64 * 1024  # a chunk-size or trailer line longer than this is not HTTP
# RFC 9112 7.1: a chunk size is hex digits, then extensions or the line's end (16 digits
# already pass any size S3 takes).
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})(?:[ \t]*;[^\n]*)?\r?\n\Z")


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class _ChunkedInput:
    """``wsgi.input`` for a ``Transfer-Encoding: chunked`` body, decoded as the app reads it.

    Replaces cheroot's ChunkedRFile, whose ``readline()`` never returns once it meets a line
    feed (cheroot 11.1) and which holds each whole chunk in memory.  Like werkzeug's decoder it
    raises ``OSError`` for broken framing or a body cut short, so a truncated upload is never
    mistaken for a complete one.
    """

    def __init__(self, rfile: Any) -> None:
        self._rfile = rfile
        self._left = 0  # bytes left in the current chunk
        self._started = False
        self.done = False  # the last chunk and any trailers have been read
        self._broken: OSError | None = None  # the framing error, raised again on any read

    def _next_chunk(self) -> bool:
        """Move to the next chunk's data; False at the end of the body. After broken framing
        nothing more is read (a drain would wait on what the client may never send)."""
        if self.done:
            return False
        if self._broken is not None:
            raise self._broken
        try:
            return self._parse_next()
        except OSError as error:
            self._broken = error
            raise

    def _parse_next(self) -> bool:
        rfile = self._rfile
        if self._started and rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n"):
            raise OSError("chunked body: chunk data not followed by CRLF")
        self._started = True
        line = rfile.readline(_MAX_LINE)
        digits = _CHUNK_SIZE.match(line)  # hex digits only: not "+3", "0x3" or "3 "
        size = int(digits.group(1), 16) if digits else -1
        if size < 0:
            raise OSError(f"chunked body: bad chunk size line {line[:40]!r}")
        if size:
            self._left = size
            return True
        while (trailer := rfile.readline(_MAX_LINE)) not in (b"\r\n", b"\n"):
            if not trailer.endswith(b"\n"):
                raise OSError("chunked body: cut short in its trailers")
        self.done = True
        return False

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left if negative); fewer only at the end."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(1 << 16), b""))
        parts = []
        while size > 0 and (self._left or self._next_chunk()):
            data = self._rfile.read(min(size, self._left))
            if not data:
                raise OSError("chunked body: connection closed in the middle of a chunk")
            self._left -= len(data)
            size -= len(data)
            parts.append(data)
        return b"".join(parts)

    def readline(self, limit: int | None = -1) -> bytes:
        """One line, through its ``\\n``, of at most ``limit`` bytes if that is positive."""
        parts: list[bytes] = []
        got = 0
        while (limit is None or limit < 0 or got < limit) and (self._left or self._next_chunk()):
            want = self._left if limit is None or limit < 0 else min(self._left, limit - got)
            piece = self._rfile.readline(want)
            if not piece:
                raise OSError("chunked body: connection closed in the middle of a chunk")
            self._left -= len(piece)
            got += len(piece)
            parts.append(piece)
            if piece.endswith(b"\n"):
                break
        return b"".join(parts)

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines: list[bytes] = []
        total = 0
        while line := self.readline():
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


class _ContinueInput:
    """``wsgi.input`` of a request that sent ``Expect: 100-continue``: the interim
    "100 Continue" goes out when the app first reads, as PEP 3333 allows, so a request refused
    before its body is read (a bad signature, AccessDenied) gets its answer alone and the
    client never sends the body, as S3 does. ``continue_pending`` tells the app not to
    drain a body the client is still holding back."""

    def __init__(self, inner: Any, req: Any) -> None:
        self._inner = inner
        self._req = req
        self.continue_pending = True

    def _go(self) -> None:
        if self.continue_pending:
            self.continue_pending = False
            req = self._req
            req.conn.wfile.write(f"{req.server.protocol} 100 Continue\r\n\r\n".encode("ascii"))
            req.conn.wfile.flush()

    def read(self, size: int | None = -1) -> bytes:
        self._go()
        data: bytes = self._inner.read(size)
        return data

    def readline(self, limit: int | None = -1) -> bytes:
        self._go()
        data: bytes = self._inner.readline(limit)
        return data

    def readlines(self, hint: int = -1) -> list[bytes]:
        self._go()
        lines: list[bytes] = self._inner.readlines(hint)
        return lines

    def __iter__(self) -> Iterator[bytes]:
        self._go()
        return iter(self._inner)


class _Gateway(wsgi.Gateway_10):
    """cheroot's WSGI gateway, with a working chunked ``wsgi.input`` and keep-alive fixes.

    An app's ``Connection: close`` closes the connection (cheroot would keep it open and first
    read the rest of the body).  A chunked body the app left unread is finished here: cheroot
    drains only Content-Length bodies, and leftover chunks would be parsed as the next request.
    """

    def get_environ(self) -> Environ:  # type: ignore[override]
        environ: Environ = super().get_environ()  # type: ignore[no-untyped-call]
        req = self.req
        if req.chunked_read:
            req.rfile = environ["wsgi.input"] = _ChunkedInput(req.conn.rfile)
        if req.expects_continue:
            environ["HTTP_EXPECT"] = "100-continue"  # taken out of cheroot's hands
            environ["wsgi.input"] = _ContinueInput(environ["wsgi.input"], req)
        # Header names as sent: CGI-style environ keys turn "_" into "-" (x-amz-meta-a_b).
        add_headers(req, environ)  # fakes3/request_headers.py
        environ["fakes3.drop"] = lambda sent: _drop(req, sent)
        return environ

    def start_response(self, status: str, headers: Any, exc_info: Any = None) -> Any:
        if self._body_held_back() or getattr(self.req.rfile, "remaining", 0) > DRAIN_LIMIT:
            # Answered before the body was asked for: the client still holds it back, so
            # this connection cannot carry another request (RFC 9110 10.1.1), whatever
            # Connection header the app chose; and nothing may wait to read that body. A
            # large body left unread (an early refusal of a 1 TB PUT) is not read either:
            # cheroot would read the rest in one call (MemoryError for a terabyte).
            headers = [(n, v) for n, v in headers if n.lower() != "connection"]
            headers.append(("Connection", "close"))
        write = super().start_response(status, headers, exc_info)
        if (b"Connection", b"close") in self.req.outheaders:
            self.req.close_connection = True
        return write

    def _body_held_back(self) -> bool:
        body = self.env.get("wsgi.input") if hasattr(self, "env") else None
        return getattr(body, "continue_pending", False) and _has_body(self.env, self.req)

    def respond(self) -> None:
        try:
            super().respond()
        except DropConnection:  # a fault rule (fakes3/faults.py): the hook did the rest
            return
        req = self.req
        body = req.rfile
        if self._body_held_back():
            return  # never sent: the connection closes (start_response) with nothing to drain
        if req.chunked_read and isinstance(body, _ChunkedInput) and not body.done:
            try:
                for _ in range(_CHUNKED_DRAIN_LIMIT >> 16):
                    if not body.read(1 << 16):
                        break
            except OSError:
                pass
            if not body.done:
                req.close_connection = True


def _has_body(environ: Environ, req: Any) -> bool:
    return bool(req.chunked_read) or environ.get("CONTENT_LENGTH", "") not in ("", "0")


def _drop(req: Any, sent: int) -> None:
    """Close the connection now: a reset (RST) if no byte was sent, else after the bytes."""
    req.ready = False  # cheroot then sends nothing more
    req.sent_headers = True  # not even the headers of the answer it was given
    req.close_connection = True
    try:
        if sent:
            req.conn.wfile.flush()
        else:
            req.conn.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass


_STUCK_GRACE = 2.0  # seconds a worker gets after its socket is shut, before it is left behind


class _WorkerPool(threadpool.ThreadPool):
    """cheroot's worker pool, with daemon workers and a stop that always returns.

    cheroot's own stop waits for ever on a worker still inside the app (a request that never
    ends, whatever the reason), and so would ``Server.stop()``, a pytest fixture's teardown and
    the test run. Here such a worker is left behind (a daemon: it cannot hold the process) and
    reported in ``Server.errors``."""

    def _spawn_worker(self) -> threadpool.WorkerThread:
        worker = threadpool.WorkerThread(self.server)  # type: ignore[no-untyped-call]
        worker.name = f"fakes3-worker-{worker.name}"
        worker.daemon = True
        worker.start()
        return worker

    def stop(self, timeout: float | None = 5) -> None:
        pool: Any = self  # cheroot's stubs leave out the private members used here
        for _worker in pool._threads:
            pool._queue.put(_SHUTDOWN_REQUEST)
        workers = list(pool._clear_threads())
        deadline = time.monotonic() + (timeout or 0.0)
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        busy = [worker for worker in workers if worker.is_alive()]
        for worker in busy:
            pool._force_close(worker.conn)  # frees a worker blocked reading its socket
        deadline = time.monotonic() + _STUCK_GRACE  # one grace for all, however many
        for worker in busy:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                self.server.owner._stuck(worker)


class _Cheroot(wsgi.Server):
    """cheroot's WSGI server, reporting its errors to the owning ``Server``."""

    def __init__(self, owner: Server, bind: tuple[str, int], app: WSGIApp, threads: int) -> None:
        super().__init__(
            bind, app, numthreads=threads, max=threads, server_name="fakes3", request_queue_size=128
        )
        self.owner = owner
        self.requests = _WorkerPool(self, min=threads, max=threads)
        self.gateway = _Gateway
        self.ConnectionClass = Connection
        self.keep_alive_conn_limit = 256  # idle keep-alive connections cost only a descriptor
        self.max_request_header_size = SERVER_HEADER_LIMIT  # fakes3/request_headers.py

    def error_log(self, msg: str = "", level: int = 20, traceback: bool = False) -> None:
        self.owner._error_log(msg, level, traceback)


def _code(environ: Environ) -> str:
    """`` NoSuchKey`` after the operation on an S3 error answer; nothing otherwise."""
    code = environ.get("fakes3.error_code")
    return f" {code}" if code else ""


class _AccessLog:
    """WSGI middleware: one line per request, written when the response has been sent."""

    def __init__(self, app: WSGIApp, write: Log) -> None:
        self.app = app
        self.write = write

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, exc_info)

        try:
            body = self.app(environ, recording_start_response)
        except BaseException:
            self._line(environ, "500", None, started)
            raise
        return _LoggedBody(self, environ, body, status, started)

    def _line(self, environ: Environ, status: str, sent: int | None, started: float) -> None:
        path = environ.get("REQUEST_URI")
        if path is None:
            query = environ.get("QUERY_STRING")
            path = environ.get("PATH_INFO", "/") + ("?" + query if query else "")
        self.write(
            f"{environ.get('REMOTE_ADDR', '-')} {environ.get('REQUEST_METHOD', '-')} {path} "
            f"{status} {environ.get('fakes3.operation', '-')}{_code(environ)} "
            f"{'-' if sent is None else sent} {(time.perf_counter() - started) * 1000:.1f}ms"
        )


class _LoggedBody:
    """The app's response iterable, counting bytes and logging the request on ``close()``."""

    def __init__(
        self, log: _AccessLog, environ: Environ, body: Iterable[bytes], status: list[str], t: float
    ) -> None:
        self.log, self.environ, self.body, self.status, self.started = log, environ, body, status, t
        self.sent: int | None = 0

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.body:
                self.sent = (self.sent or 0) + len(chunk)
                yield chunk
        except GeneratorExit:  # the server stopped reading it: the client hung up mid-body,
            raise  # after the status was sent (logged as sent, with the bytes handed over)
        except BaseException:
            self.status[0], self.sent = "500", None
            raise

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.log._line(self.environ, self.status[0], self.sent, self.started)


class Server:
    """A fakes3 (or any WSGI) app served on a loopback port in background threads."""

    def __init__(
        self,
        app: WSGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        threads: int = 16,
        quiet: bool = True,
        log: Log | None = None,
        stop_timeout: float = 5.0,
    ) -> None:
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        self.app = app
        self.host = host
        self.port = port
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.threads = threads
        self.quiet = quiet
        self.log: Log = log or _stderr
        self.stop_timeout = stop_timeout
        """Seconds ``stop()`` lets running requests finish before it leaves them behind."""
        self.errors: list[BaseException] = []
        """Exceptions that escaped the app (each answered 500) or the serving thread."""
        self._lock = threading.RLock()  # re-entrant: stop() may run in a signal handler
        self._httpd: _Cheroot | None = None
        self._thread: threading.Thread | None = None
        self._started = False
        self._stopping = False
        self._stopped = threading.Event()

    @property
    def endpoint_url(self) -> str:
        """The URL clients use, e.g. ``http://127.0.0.1:9000`` or ``https://[::1]:9000``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls_cert else 'http'}://{host}:{self.port}"

    def start(self) -> Server:
        """Bind (port 0 picks a free port), listen and serve in a background thread."""
        with self._lock:
            if self._started or self._stopping:
                raise RuntimeError("this Server was already started; make a new one")
            self._started = True
            app = self.app if self.quiet else _AccessLog(self.app, self.log)
            httpd = _Cheroot(self, (self.host, self.port), app, self.threads)
            httpd.shutdown_timeout = self.stop_timeout
            if self.tls_cert and self.tls_key:
                httpd.ssl_adapter = BuiltinSSLAdapter(self.tls_cert, self.tls_key)
            httpd.prepare()  # bound and listening: connections queue from here on
            self.port = int(httpd.bind_addr[1])
            thread = threading.Thread(
                target=self._serve, args=(httpd,), name=f"fakes3-server-{self.port}", daemon=True
            )
            thread.start()
            self._httpd, self._thread = httpd, thread
        if self._stopping:  # stop() ran (from a signal handler) while we were starting
            self._halt(httpd, thread)
        return self

    def _serve(self, httpd: _Cheroot) -> None:
        try:
            httpd.serve()
        except BaseException as exc:  # recorded, so a harness can re-raise it
            self.errors.append(exc)
            _stderr("".join(traceback.format_exception(exc)).rstrip())

    def stop(self) -> None:
        """Stop accepting, close connections, join the threads.  Idempotent."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            httpd, thread = self._httpd, self._thread
        if httpd is not None and thread is not None:
            self._halt(httpd, thread)
        self._stopped.set()

    def _halt(self, httpd: _Cheroot, thread: threading.Thread) -> None:
        self._wake(httpd)
        httpd.stop()
        thread.join()

    def _wake(self, httpd: _Cheroot) -> None:
        """End cheroot's selector wait now instead of at its next 0.5 s timeout."""
        manager = getattr(httpd, "_connections", None)
        if manager is None or not hasattr(manager, "_stop_requested"):
            return  # another cheroot layout: stop() still works, only slower
        manager._stop_requested = True
        host = "::1" if self.host == "::" else "127.0.0.1" if self.host == "0.0.0.0" else self.host
        try:
            socket.create_connection((host, self.port), timeout=1).close()
        except OSError:
            pass

    def serve_forever(self) -> None:
        """Serve in the foreground until ``stop()`` (from a signal handler or another thread)."""
        if self._httpd is None:
            self.start()
        try:
            self._stopped.wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _stuck(self, worker: threading.Thread) -> None:
        """A worker still in the app after ``stop()``: recorded with where it is, and left."""
        frame = sys._current_frames().get(worker.ident or 0)
        where = "".join(traceback.format_stack(frame)) if frame is not None else "(no frame)"
        error = RuntimeError(f"a request was still running when the server stopped:\n{where}")
        self.errors.append(error)
        self.log(str(error).rstrip())

    def _error_log(self, msg: str, level: int, with_traceback: bool) -> None:
        """cheroot's error hook: record exceptions, print them; print notes unless quiet."""
        exc = sys.exc_info()[1]
        if with_traceback and level >= logging.ERROR and exc is not None:
            self.errors.append(exc)
            self.log("".join(traceback.format_exception(exc)).rstrip())
        elif not self.quiet and not self._stopping:
            self.log(msg)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Server {self.endpoint_url}>"
