"""A real local HTTP server that receives webhook POSTs, for the notification tests.

Runs on 127.0.0.1:0 in a thread. ``wait_for(n)`` waits on a condition (no sleeps); ``gate``
(when given) holds every request until set, to play a slow receiver; ``fail_first`` answers
500 to that many requests first, to exercise retries.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TIMEOUT = 10.0


class Receiver:
    def __init__(self, gate: threading.Event | None = None, fail_first: int = 0) -> None:
        self.gate = gate
        self.fail_first = fail_first
        self.attempts = 0
        self.received: list[tuple[str, dict[str, Any]]] = []  # (path, JSON body)
        self.entered = threading.Event()  # a request reached the handler
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.entered.set()
                if receiver.gate is not None:
                    receiver.gate.wait(TIMEOUT)
                with receiver.cond:
                    receiver.attempts += 1
                    failing = receiver.attempts <= receiver.fail_first
                    if not failing:
                        receiver.received.append((self.path, json.loads(body)))
                    receiver.cond.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, events_only: bool = False) -> list[tuple[str, dict[str, Any]]]:
        """The messages received (only event messages if ``events_only``: no test events),
        once there are at least ``count`` (AssertionError if not)."""

        def kept() -> list[tuple[str, dict[str, Any]]]:
            return [m for m in self.received if not events_only or "Records" in m[1]]

        with self.cond:
            ok = self.cond.wait_for(lambda: len(kept()) >= count, TIMEOUT)
            assert ok, f"expected {count} webhook messages, got {self.received!r}"
            return kept()

    def records(self, count: int) -> list[dict[str, Any]]:
        """``Records[0]`` of each event message, once there are at least ``count``."""
        return [body["Records"][0] for _path, body in self.wait_for(count, events_only=True)]

    def close(self) -> None:
        if self.gate is not None:
            self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()
