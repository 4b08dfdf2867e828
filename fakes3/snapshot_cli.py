"""``fakes3 snapshot`` and ``fakes3 restore``: a running server's whole state to a tar and back.

They are thin HTTP clients of ``GET``/``PUT /_fakes3/snapshot`` (fakes3/snapshots.py), so
they work against any fakes3 server, local, in a container or in CI, and stream both ways:
the archive goes to or from the file in chunks, whatever its size.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import ssl
import sys
from typing import IO, Any
from urllib.parse import urlsplit

__all__ = ["add_commands", "download", "run", "upload"]

_CHUNK = 1024 * 1024


def add_commands(commands: Any) -> None:
    """Add ``snapshot`` and ``restore`` to the ``fakes3`` sub-command parser."""
    for name, verb, what in (
        ("snapshot", "write", "OUT.tar"),
        ("restore", "replace", "IN.tar"),
    ):
        text = (
            "write the server's whole state to a tar archive ('-' for stdout)"
            if name == "snapshot"
            else "replace the server's whole state with a snapshot archive ('-' for stdin)"
        )
        command = commands.add_parser(name, help=text, description=text + "; see docs/snapshots.md")
        command.add_argument(
            "--endpoint",
            required=True,
            metavar="URL",
            help="the fakes3 server, e.g. http://localhost:9000",
        )
        command.add_argument(
            "--insecure", action="store_true", help="do not verify an HTTPS server's certificate"
        )
        command.add_argument("archive", metavar=what, help=f"the archive to {verb}")
        command.set_defaults(snapshot_command=name)


def _connection(endpoint: str, insecure: bool) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--endpoint must be an http:// or https:// URL, not {endpoint!r}")
    path = parts.path.rstrip("/") + "/_fakes3/snapshot"
    if parts.scheme == "https":
        context = ssl._create_unverified_context() if insecure else ssl.create_default_context()
        return http.client.HTTPSConnection(parts.hostname, parts.port, context=context), path
    return http.client.HTTPConnection(parts.hostname, parts.port), path


def _failed(response: http.client.HTTPResponse) -> str:
    return f"the server answered {response.status}: {response.read(4096).decode(errors='replace')}"


def run(args: argparse.Namespace) -> int:
    """Run ``snapshot`` or ``restore``; 0 on success, 1 with a message on failure."""
    try:
        connection, path = _connection(args.endpoint, args.insecure)
    except ValueError as exc:
        print(f"fakes3 {args.snapshot_command}: error: {exc}", file=sys.stderr)
        return 1
    try:
        if args.snapshot_command == "snapshot":
            return _snapshot(connection, path, args.archive)
        return _restore(connection, path, args.archive)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        print(f"fakes3 {args.snapshot_command}: error: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()


def download(endpoint: str, target: IO[bytes], insecure: bool = False) -> None:
    """Stream a server's snapshot archive into ``target`` (OSError if it cannot)."""
    connection, path = _connection(endpoint, insecure)
    try:
        _download(connection, path, target)
    finally:
        connection.close()


def upload(endpoint: str, source: IO[bytes], size: int, insecure: bool = False) -> None:
    """Replace a server's state with the ``size``-byte archive read from ``source``."""
    connection, path = _connection(endpoint, insecure)
    try:
        _upload(connection, path, source, size)
    finally:
        connection.close()


def _download(connection: http.client.HTTPConnection, path: str, target: IO[bytes]) -> None:
    connection.request("GET", path)
    response = connection.getresponse()
    if response.status != 200:
        raise OSError(_failed(response))
    shutil.copyfileobj(response, target, _CHUNK)


def _upload(
    connection: http.client.HTTPConnection, path: str, source: IO[bytes], size: int
) -> None:
    headers = {"Content-Length": str(size), "Content-Type": "application/x-tar"}
    connection.request("PUT", path, body=source, headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        raise OSError(_failed(response))
    response.read()


def _snapshot(connection: http.client.HTTPConnection, path: str, out: str) -> int:
    if out == "-":
        _download(connection, path, sys.stdout.buffer)
        return 0
    partial = out + ".partial"
    try:
        with open(partial, "wb") as target:
            _download(connection, path, target)
    except BaseException:
        os.unlink(partial)
        raise
    os.replace(partial, out)  # a failed download never leaves a truncated OUT.tar
    return 0


def _restore(connection: http.client.HTTPConnection, path: str, source: str) -> int:
    if source == "-":  # a pipe has no length: read it into a temporary file first
        import tempfile

        spool = tempfile.TemporaryFile()
        shutil.copyfileobj(sys.stdin.buffer, spool, _CHUNK)
        size = spool.tell()
        spool.seek(0)
        body: Any = spool
    else:
        size = os.path.getsize(source)
        body = open(source, "rb")  # noqa: SIM115 - closed below
    try:
        _upload(connection, path, body, size)
    finally:
        body.close()
    return 0
