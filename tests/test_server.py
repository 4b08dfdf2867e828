"""fakes3.server.Server over real loopback sockets, with real clients and small WSGI apps."""

from __future__ import annotations

import http.client
import importlib.util
import re
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme
from s3clients import client_for

from fakes3.server import Server

ROOT = Path(__file__).resolve().parent.parent
Environ = dict[str, Any]


def echo_app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
    """Read the whole body; answer with how many bytes were read and from which client port."""
    environ["fakes3.operation"] = "Echo"
    body = environ["wsgi.input"].read() if environ.get("wsgi.input_terminated") else b""
    if not body and environ.get("CONTENT_LENGTH"):
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    answer = f"{len(body)} {environ['REMOTE_PORT']}".encode()
    start_response("200 OK", [("Content-Length", str(len(answer))), ("ETag", '"e"')])
    return [answer]


def sink_app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
    """Drain the body and answer as S3's PutObject does: 200, an ETag and no body."""
    echo_app(environ, lambda *args: None)
    start_response("200 OK", [("Content-Length", "0"), ("ETag", '"e"')])
    return []


def read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """Read one final HTTP response with a Content-Length body: (status line, body)."""
    data = b""
    while True:
        while b"\r\n\r\n" not in data:
            more = sock.recv(65536)
            assert more, f"connection closed early: {data!r}"
            data += more
        head, _, data = data.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 1"):
            break
    length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head)[1])  # type: ignore[index]
    while len(data) < length:
        data += sock.recv(65536)
    return head.split(b"\r\n")[0], data


# ------------------------------------------------------------------------------ lifecycle


def test_start_binds_a_free_port_and_stop_closes_it() -> None:
    server = Server(echo_app)
    assert server.start() is server
    assert server.port > 0
    assert server.endpoint_url == f"http://127.0.0.1:{server.port}"
    assert requests.put(server.endpoint_url + "/b/k", data=b"abc", timeout=10).text.startswith("3 ")
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass


def test_context_manager_serves_then_stops() -> None:
    with Server(echo_app) as server:
        assert requests.get(server.endpoint_url + "/", timeout=10).status_code == 200
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass


def test_start_twice_is_refused() -> None:
    with Server(echo_app) as server, pytest.raises(RuntimeError):
        server.start()
    with pytest.raises(RuntimeError):
        server.start()  # nor after stop


def test_tls_cert_needs_key() -> None:
    with pytest.raises(ValueError):
        Server(echo_app, tls_cert="cert.pem")


def test_serve_forever_returns_after_stop_from_another_thread() -> None:
    server = Server(echo_app)
    ready = threading.Event()

    def run() -> None:
        server.start()
        ready.set()
        server.serve_forever()

    runner = threading.Thread(target=run)
    runner.start()
    assert ready.wait(10)
    assert requests.get(server.endpoint_url + "/", timeout=10).ok
    server.stop()
    runner.join(10)
    assert not runner.is_alive()


def test_ipv6_loopback() -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    with Server(echo_app, host="::1") as server:
        assert server.endpoint_url == f"http://[::1]:{server.port}"
        assert requests.get(server.endpoint_url + "/", timeout=10).ok


# ------------------------------------------------------------------------------ HTTP behaviour


def test_keep_alive_reuses_one_connection() -> None:
    with Server(echo_app) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        ports = set()
        for i in range(5):
            conn.request("PUT", f"/b/k{i}", body=b"x" * i)
            response = conn.getresponse()
            length, port = response.read().split()
            assert int(length) == i
            ports.add(port)
        conn.close()
    assert len(ports) == 1


def test_boto3_default_client_keeps_its_connection() -> None:
    """The null S3 app (the benchmark baseline) served to boto3: answers accepted, one socket."""
    spec = importlib.util.spec_from_file_location("null_app", ROOT / "benchmarks" / "null_app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seen: set[str] = set()

    def counting(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.add(environ["REMOTE_PORT"])
        result: Iterable[bytes] = module.null_app(environ, start_response)
        return result

    with Server(counting) as server:
        s3 = client_for(server.endpoint_url)
        s3.put_object(Bucket="b", Key="k", Body=b"x" * 1024)
        assert s3.get_object(Bucket="b", Key="k")["Body"].read() == module.OBJECT_BODY
        assert s3.head_object(Bucket="b", Key="k")["ContentLength"] == 1024
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="b")["Contents"]] == ["key"]
        s3.copy_object(Bucket="b", Key="k2", CopySource="b/k")
        s3.delete_objects(Bucket="b", Delete={"Objects": [{"Key": "key"}]})
        s3.delete_object(Bucket="b", Key="k")
        s3.close()
    assert len(seen) == 1


def test_chunked_request_body_streams_to_the_app() -> None:
    """The app reads the first chunk while the client still holds back the rest."""
    first_chunk_read = threading.Event()
    total = []

    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        assert environ["wsgi.input_terminated"]
        stream = environ["wsgi.input"]
        data = stream.read(5)
        first_chunk_read.set()
        while more := stream.read(65536):
            data += more
        total.append(data)
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    with Server(app) as server, socket.create_connection(("127.0.0.1", server.port), 10) as sock:
        head = b"PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        sock.sendall(head + b"5\r\nhello\r\n")
        assert first_chunk_read.wait(10), "app not called before the body was complete"
        sock.sendall(b"6\r\n world\r\n0\r\n\r\n")
        assert read_response(sock) == (b"HTTP/1.1 200 OK", b"ok")
    assert total == [b"hello world"]


def test_chunked_body_from_http_client_generator() -> None:
    with Server(echo_app) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("PUT", "/b/k", body=iter([b"a" * 1000, b"b" * 24]), encode_chunked=True)
        assert conn.getresponse().read().split()[0] == b"1024"
        conn.close()


def line_app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
    """Read the body with readline(), read(n) and iteration; answer what came out, or the error."""
    stream = environ["wsgi.input"]
    try:
        parts = [stream.readline(), stream.readline(4), stream.read(3), *stream]
        answer = repr(parts).encode()
    except OSError as exc:
        answer = f"OSError: {exc}".encode()
    start_response("200 OK", [("Content-Length", str(len(answer)))])
    return [answer]


def send_chunked(server: Server, body: bytes) -> bytes:
    head = b"PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), 10) as sock:
        sock.sendall(head + body)
        return read_response(sock)[1]


def test_chunked_body_lines_cross_chunk_boundaries() -> None:
    """aws-chunked framing is read line by line; lines and chunks do not line up."""
    body = b"4\r\nab\r\n\r\n7;ext=1\r\nxyz\r\nuv\r\n3\r\nw\r\n\r\n0\r\nTrailer: t\r\n\r\n"
    with Server(line_app) as server:
        answer = send_chunked(server, body)
    assert answer == repr([b"ab\r\n", b"xyz\r", b"\nuv", b"w\r\n"]).encode()


def test_chunked_body_cut_short_or_malformed_raises_oserror() -> None:
    with Server(line_app) as server:
        assert send_chunked(server, b"zz\r\nab\r\n0\r\n\r\n").startswith(b"OSError: ")
        # a chunk size is hex digits (Python's int() took these); 17 digits pass any S3 size
        for size in (b"+2", b"0x2", b"2 ", b" 2", b"1" * 17, b"1" * 70000):
            sent = send_chunked(server, size + b"\r\nab\r\n0\r\n\r\n")
            assert sent.startswith(b"OSError: "), size[:20]
        assert (
            send_chunked(server, b"2 ;ext\r\nab\r\n0\r\n\r\n") == repr([b"ab", b"", b""]).encode()
        )
        head = b"PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        with socket.create_connection(("127.0.0.1", server.port), 10) as sock:
            sock.sendall(head + b"10\r\nab")
            sock.shutdown(socket.SHUT_WR)  # the client gives up mid-chunk
            assert read_response(sock)[1].startswith(b"OSError: ")


def test_unread_chunked_body_does_not_break_the_next_request() -> None:
    def ignores_body(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        start_response("403 Forbidden", [("Content-Length", "0")])
        return []

    with Server(ignores_body) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for _ in range(3):
            conn.request("PUT", "/b/k", body=iter([b"x" * 5000, b"y"]), encode_chunked=True)
            response = conn.getresponse()
            response.read()
            assert response.status == 403
        conn.close()


def test_expect_100_continue_is_answered_before_the_body() -> None:
    with (
        Server(echo_app) as server,
        socket.create_connection(("127.0.0.1", server.port), 10) as sock,
    ):
        sock.sendall(
            b"PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(b"hello")
        status, body = read_response(sock)
    assert status == b"HTTP/1.1 200 OK" and body.startswith(b"5 ")


def test_expect_100_continue_refused_before_the_body_gets_its_answer_alone() -> None:
    """The interim 100 goes out when the app first reads the body (PEP 3333's second way): an
    app that answers without reading sends only its answer, and closes the connection, since
    the client still holds the body back."""

    def refuses(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("403 Forbidden", [("Content-Length", "0")])
        return []

    with (
        Server(refuses) as server,
        socket.create_connection(("127.0.0.1", server.port), 10) as sock,
    ):
        sock.sendall(
            b"PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        )
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
        assert b"Connection: close" in answer
        assert sock.recv(4096) == b""  # closed: no 100 Continue, no second answer


@pytest.mark.parametrize(
    ("framing", "app_headers"),
    [
        (b"Content-Length: 5", [("Connection", "keep-alive")]),
        (b"Transfer-Encoding: chunked", []),
    ],
)
def test_expect_100_continue_refused_never_waits_for_the_held_back_body(
    framing: bytes, app_headers: list[tuple[str, str]]
) -> None:
    """Whatever Connection header the app chose and however the body is framed, nothing
    waits to read a body the client is still holding back: the answer comes at once."""

    def refuses(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("403 Forbidden", [("Content-Length", "0"), *app_headers])
        return []

    with (
        Server(refuses) as server,
        socket.create_connection(("127.0.0.1", server.port), 3) as sock,
    ):
        sock.sendall(b"PUT /b/k HTTP/1.1\r\nHost: x\r\n" + framing)
        sock.sendall(b"\r\nExpect: 100-continue\r\n\r\n")
        answer = sock.recv(4096)  # within the socket's 3 s: cheroot's own wait would be 10 s
        assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
        assert b"Connection: close" in answer and b"keep-alive" not in answer
        assert sock.recv(4096) == b""


def test_stop_returns_while_requests_never_end_and_reports_them() -> None:
    """Requests stuck in the app cannot hold ``stop()`` (and a test session) for ever: they
    are left behind after ``stop_timeout`` plus one short grace shared by all of them, and
    recorded, with where each was, in ``errors``."""
    stuck_count = 4
    entered, release = threading.Semaphore(0), threading.Event()

    def stuck(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        entered.release()
        release.wait()
        start_response("200 OK", [("Content-Length", "0")])
        return []

    server = Server(stuck, stop_timeout=0.2).start()
    socks = []
    try:
        for _ in range(stuck_count):
            sock = socket.create_connection(("127.0.0.1", server.port), 10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(sock)
        for _ in range(stuck_count):
            assert entered.acquire(timeout=10)
        stopper = threading.Thread(target=server.stop, daemon=True)
        started = time.monotonic()
        stopper.start()
        stopper.join(30)
        assert not stopper.is_alive(), "stop() waited for the stuck requests"
        # 0.2 s, then one 2 s grace for all four (one grace each would be 8 s and more).
        assert time.monotonic() - started < 6
        assert len(server.errors) == stuck_count
        for error in server.errors:
            assert "still running when the server stopped" in str(error)
            assert "release.wait()" in str(error)  # where it was stuck
    finally:
        release.set()
        for sock in socks:
            sock.close()


def test_boto3_large_put_sends_expect_100_continue() -> None:
    expects = []

    def app(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        expects.append(environ.get("HTTP_EXPECT"))
        return sink_app(environ, start_response)

    with Server(app) as server:
        s3 = client_for(server.endpoint_url)
        s3.put_object(Bucket="b", Key="k", Body=b"x" * (2 * 1024 * 1024))
        s3.close()
    assert expects == ["100-continue"]


def test_https_with_a_trustme_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    with Server(echo_app, tls_cert=str(cert_file), tls_key=str(key_file)) as server:
        assert server.endpoint_url == f"https://127.0.0.1:{server.port}"
        context = ssl.create_default_context(cafile=str(ca_file))
        conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=context, timeout=10)
        for _ in range(2):
            conn.request("PUT", "/b/k", body=b"secret")
            assert conn.getresponse().read().startswith(b"6 ")
        conn.close()
    seen: list[tuple[Any, Any]] = []

    def recording_sink(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        seen.append((environ.get("HTTP_TRANSFER_ENCODING"), environ.get("HTTP_EXPECT")))
        return sink_app(environ, start_response)

    with Server(recording_sink, tls_cert=str(cert_file), tls_key=str(key_file)) as server:
        s3 = client_for(server.endpoint_url, verify=str(ca_file))
        s3.put_object(Bucket="b", Key="k", Body=b"x" * 100)
        s3.close()
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(server.endpoint_url, timeout=10)  # not trusted without the CA
    assert seen == [("chunked", "100-continue")]  # what boto3 sends for uploads over TLS


# ------------------------------------------------------------------------------ logs and errors

LINE = re.compile(r"^127\.0\.0\.1 PUT /b/k\?x=1&y 200 Echo \d+ \d+\.\dms$")


def test_access_log_line_per_request() -> None:
    lines: list[str] = []
    with Server(echo_app, quiet=False, log=lines.append) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("PUT", "/b/k?x=1&y", body=b"hello")
        body = conn.getresponse().read()
        conn.request("GET", "/other")
        conn.getresponse().read()
        conn.close()
    assert len(lines) == 2
    assert LINE.match(lines[0]), lines[0]
    assert lines[0].split()[5] == str(len(body))
    assert lines[1].startswith("127.0.0.1 GET /other 200 Echo ")


def test_access_log_notes_an_unknown_operation_as_dash() -> None:
    def plain(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        start_response("404 Not Found", [("Content-Length", "3")])
        return [b"nah"]

    lines: list[str] = []
    with Server(plain, quiet=False, log=lines.append) as server:
        requests.delete(server.endpoint_url + "/b", timeout=10)
    assert re.match(r"^127\.0\.0\.1 DELETE /b 404 - 3 \d+\.\dms$", lines[0]), lines


def test_a_client_hanging_up_mid_body_is_logged_with_the_status_sent() -> None:
    """Not as a 500: the answer was 200 and the client left (moto's test_get_object of
    10 MB, which never reads the body, was logged ``500 GetObject``)."""

    def big(environ: Environ, start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Length", str(64 * 1024 * 1024))])
        for _ in range(1024):
            yield b"x" * 65536

    lines: list[str] = []
    with Server(big, quiet=False, log=lines.append) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    assert len(lines) == 1, lines
    assert re.match(r"^127\.0\.0\.1 GET /big 200 - \d+ \d+\.\dms$", lines[0]), lines
    assert int(lines[0].split()[5]) < 64 * 1024 * 1024
    assert server.errors == []


def test_quiet_writes_nothing() -> None:
    lines: list[str] = []
    with Server(echo_app, quiet=True, log=lines.append) as server:
        assert requests.get(server.endpoint_url + "/", timeout=10).ok
    assert lines == []


# ------------------------------------------------------------------- what cheroot answers itself


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        (
            b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
            b"505 HTTP Version Not Supported",
            b"HttpVersionNotSupported",
        ),
        (b"NONSENSE\r\n\r\n", b"400 Bad Request", b"BadRequest"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", b"400 Bad Request", b"BadRequest"),
        (
            b"CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n",
            b"405 Method Not Allowed",
            b"MethodNotAllowed",
        ),
    ],
)
def test_requests_the_app_never_sees_get_s3_error_documents(
    sent: bytes, status: bytes, code: bytes
) -> None:
    """What cheroot refuses before the app is S3's XML error with request ids, not plain text."""
    seen: list[str] = []

    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        seen.append(environ["REQUEST_METHOD"])
        return echo_app(environ, start_response)

    with (
        Server(app) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        sock.sendall(sent)
        reply = _read_until_closed(sock)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 " + status + b"\r\n"), reply
    assert b"\r\nContent-Type: application/xml\r\n" in head
    assert f"Content-Length: {len(body)}".encode() in head
    request_id = re.search(rb"x-amz-request-id: ([0-9A-F]{16})\r\n", head)
    assert request_id is not None
    assert body.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>' + code + b"</Code>"
    )
    assert b"<RequestId>" + request_id[1] + b"</RequestId>" in body
    assert seen == []


def test_a_client_stalling_mid_request_line_gets_s3s_request_timeout() -> None:
    """S3's ``RequestTimeout`` (400), where cheroot would answer a plain ``408``."""
    with Server(echo_app) as server:
        assert server._httpd is not None
        server._httpd.timeout = 0.3  # cheroot's socket timeout, 10 s by default
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET / HT")
            reply = _read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), reply
    assert b"<Code>RequestTimeout</Code>" in reply


def broken_app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
    if environ["PATH_INFO"] == "/boom":
        raise ZeroDivisionError("boom")
    return echo_app(environ, start_response)


def test_app_exception_answers_500_and_is_recorded() -> None:
    lines: list[str] = []
    with Server(broken_app, log=lines.append) as server:
        assert requests.get(server.endpoint_url + "/boom", timeout=10).status_code == 500
        assert requests.get(server.endpoint_url + "/fine", timeout=10).status_code == 200
    assert [type(e) for e in server.errors] == [ZeroDivisionError]
    assert "ZeroDivisionError: boom" in lines[0]  # the traceback is printed, even when quiet


def test_app_exception_is_in_the_access_log() -> None:
    lines: list[str] = []
    with Server(broken_app, quiet=False, log=lines.append) as server:
        requests.get(server.endpoint_url + "/boom", timeout=10)
    assert any(re.match(r"^127\.0\.0\.1 GET /boom 500 - - ", line) for line in lines), lines


def test_exception_while_streaming_the_body_is_recorded() -> None:
    def breaks_midway(environ: Environ, start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Length", "10")])
        yield b"12345"
        raise RuntimeError("disk gone")

    with Server(breaks_midway) as server:
        with pytest.raises(requests.exceptions.RequestException):
            requests.get(server.endpoint_url + "/", timeout=10)
    assert [str(e) for e in server.errors] == ["disk gone"]
