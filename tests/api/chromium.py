"""A real browser for the CORS tests: Debian's headless ``chromium`` loading a page from one
loopback origin whose script ``fetch()``es from fakes3 on another.

The page writes the outcome of the fetch into the DOM, and ``--dump-dom`` hands the DOM back
once the page's network activity has settled (``--virtual-time-budget``).
"""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",  # containers often have a small /dev/shm
)

_PAGE = """<!doctype html>
<html><body><pre id="out">pending</pre><script>
const out = document.getElementById("out");
fetch(%(url)s, {method: %(method)s, headers: %(headers)s})
  .then(r => r.text().then(t => { out.textContent = "ok " + r.status + " " + t; }))
  .catch(e => { out.textContent = "blocked " + e.name; });
</script></body></html>
"""


def chromium_path() -> str:
    found = shutil.which("chromium")
    assert found, "the CORS browser test needs Debian's chromium: apt-get install -y chromium"
    return found


class _PageHandler(http.server.BaseHTTPRequestHandler):
    server: _PageServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = self.server.page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _PageServer(http.server.ThreadingHTTPServer):
    page = ""


@contextmanager
def page_origin() -> Iterator[_PageServer]:
    """A tiny web server on its own loopback origin (``http://127.0.0.1:<port>``)."""
    server = _PageServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def origin_of(server: _PageServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _run_chromium(command: list[str], timeout: float = 120) -> tuple[str, str, int]:
    """Run chromium in its own process group, and on timeout kill the whole group: its
    renderer and zygote processes inherit the output pipes, so killing only the browser (as
    ``subprocess.run`` does) would leave ``communicate()`` waiting on them for ever."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            stderr += f"\n[killed after {timeout} s]"
        return stdout, stderr, process.returncode


def browser_fetch(
    server: _PageServer, url: str, profile: Path, method: str = "GET", **headers: str
) -> str:
    """Load a page from ``server`` that fetches ``url`` with ``headers`` (``x_probe`` is sent
    as ``x-probe``); the outcome as the page wrote it: ``ok <status> <body>`` or
    ``blocked <error name>``."""
    server.page = _PAGE % {
        "url": json.dumps(url),
        "method": json.dumps(method),
        "headers": json.dumps({name.replace("_", "-"): v for name, v in headers.items()}),
    }
    stdout, stderr, code = _run_chromium(
        [
            chromium_path(),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            origin_of(server) + "/",
        ]
    )
    found = re.search(r'<pre id="out">(.*?)</pre>', stdout, re.DOTALL)
    assert found, f"chromium gave no page (exit {code}): {stderr[-2000:]}"
    return html.unescape(found.group(1))
