"""What ``fakes3 serve`` does around the server for scripts, CI jobs and containers.

- ``--bucket NAME`` / ``FAKES3_BUCKETS=a,b``: buckets that exist before the first request (owned
  by the default account, in the server's region; kept if a data directory already has them).
- ``--also-port N`` / ``FAKES3_ALSO_PORTS=4566``: the same app answers on more ports (the image
  listens on 9000 and on LocalStack's 4566).
- ``--print-env``: ``export`` lines for the AWS SDKs and CLI after the start-up line.
- ``--ready-file FILE``: once the server answers, ``NAME=value`` lines (the same variables) are
  written to FILE; a FIFO lets a script block on it instead of polling; a regular file is
  written atomically and removed again at shutdown.
- A ``fakes3 stopped`` line when the server has shut down.

Kept out of ``cli.py`` so the server's own flags stay one readable list.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fakes3.app import FakeS3
    from fakes3.server import Server
    from fakes3.settings import Settings

__all__ = ["Launch", "add_launch_flags", "client_environment", "launch_from_args"]

_TRUE = {"1", "true", "yes", "on"}  # as Settings.from_env reads booleans


def add_launch_flags(parser: argparse.ArgumentParser) -> None:
    """The flags of this module, in their own help group."""
    group = parser.add_argument_group("scripts, CI and containers")
    option = group.add_argument
    option(
        "--bucket",
        dest="launch_buckets",
        action="append",
        metavar="NAME",
        help="create bucket NAME at start-up, repeatable [FAKES3_BUCKETS, ','-separated]",
    )
    option(
        "--also-port",
        dest="launch_also_ports",
        action="append",
        type=int,
        metavar="PORT",
        help="answer on PORT too, repeatable [FAKES3_ALSO_PORTS, ','-separated]",
    )
    option(
        "--print-env",
        dest="launch_print_env",
        action=argparse.BooleanOptionalAction,
        help="print the export lines AWS clients need once listening [FAKES3_PRINT_ENV, off]",
    )
    option(
        "--ready-file",
        dest="launch_ready_file",
        metavar="FILE",
        help="write the client variables to FILE (or a FIFO) once listening [FAKES3_READY_FILE]",
    )


@dataclass
class Launch:
    """The start-up and shutdown extras of one ``fakes3 serve`` run."""

    buckets: tuple[str, ...] = ()
    also_ports: tuple[int, ...] = ()
    print_env: bool = False
    ready_file: str | None = None
    _servers: list[Server] = field(default_factory=list)
    _wrote_ready_file: bool = False

    def create_buckets(self, app: FakeS3) -> None:
        """Create the configured buckets, as the default account's CreateBucket would."""
        from fakes3.errors import BucketAlreadyOwnedByYou
        from fakes3.operations.buckets import validate_bucket_name

        owner = app.gate.accounts.default.canonical_id
        for name in self.buckets:
            validate_bucket_name(name)
            try:
                app.store.create_bucket(name, app.settings.region, owner)
            except BucketAlreadyOwnedByYou:
                pass  # a data directory kept it from an earlier run

    def start_also_ports(self, server: Server) -> bool:
        """Serve ``server``'s app on the extra ports; False (and said why) if one is taken."""
        from fakes3.server import Server

        for port in dict.fromkeys(self.also_ports):
            if port == server.port:  # FAKES3_PORT=4566 in the image: one listener is enough
                continue
            extra = Server(
                server.app,
                server.host,
                port,
                tls_cert=server.tls_cert,
                tls_key=server.tls_key,
                threads=server.threads,
                quiet=server.quiet,
            )
            try:
                extra.start()
            except OSError as exc:
                print(f"fakes3: cannot listen on {server.host}:{port}: {exc}", file=sys.stderr)
                for started in self._servers:
                    started.stop()
                return False
            self._servers.append(extra)
        return True

    def announce(self, endpoint_url: str, settings: Settings) -> None:
        """The lines after the start-up line: extra ports, then the export lines."""
        for extra in self._servers:
            print(f"fakes3 also listening on {extra.endpoint_url}")
        if self.print_env:
            for name, value in client_environment(endpoint_url, settings).items():
                print(f"export {name}={value}")
        sys.stdout.flush()

    def write_ready_file(self, endpoint_url: str, settings: Settings) -> None:
        """The client variables as ``NAME=value`` lines, once the server answers."""
        if not self.ready_file:
            return
        variables = client_environment(endpoint_url, settings)
        text = "".join(f"{name}={value}\n" for name, value in variables.items())
        self._write_ready_file(self.ready_file, text)

    def _write_ready_file(self, path: str, text: str) -> None:
        try:
            is_fifo = stat.S_ISFIFO(os.stat(path).st_mode)
        except OSError:
            is_fifo = False
        if is_fifo:  # opening blocks until a reader comes: not on the serving thread

            def write() -> None:
                with open(path, "w") as fifo:
                    fifo.write(text)

            threading.Thread(target=write, name="fakes3-ready-fifo", daemon=True).start()
            return
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w") as file:
            file.write(text)
        os.replace(temporary, path)  # a reader never sees half a file
        self._wrote_ready_file = True

    def finish(self) -> None:
        """Stop the extra ports, remove the ready file, say so."""
        for extra in self._servers:
            extra.stop()
        self._servers.clear()
        if self._wrote_ready_file and self.ready_file:
            try:
                os.remove(self.ready_file)
            except OSError:
                pass
        print("fakes3 stopped", flush=True)


def client_environment(endpoint_url: str, settings: Settings) -> dict[str, str]:
    """What an AWS SDK or the AWS CLI needs to reach this server, as environment variables."""
    from fakes3.auth.accounts import Accounts

    for wildcard, loopback in (("//0.0.0.0:", "//127.0.0.1:"), ("//[::]:", "//[::1]:")):
        endpoint_url = endpoint_url.replace(wildcard, loopback)  # where clients can connect
    account = Accounts(settings.accounts).default
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ENDPOINT_URL_S3": endpoint_url,
        "AWS_ACCESS_KEY_ID": account.access_key,
        "AWS_SECRET_ACCESS_KEY": account.secret_key,
        "AWS_DEFAULT_REGION": settings.region,
        "AWS_REGION": settings.region,
    }


def launch_from_args(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Launch:
    """Flags over ``FAKES3_*`` variables, as for the server's settings; ValueError if malformed."""
    environ = os.environ if environ is None else environ

    def listed(variable: str) -> list[str]:
        return [part.strip() for part in environ.get(variable, "").split(",") if part.strip()]

    buckets = args.launch_buckets or listed("FAKES3_BUCKETS")
    try:
        also_ports = args.launch_also_ports or [int(p) for p in listed("FAKES3_ALSO_PORTS")]
    except ValueError as exc:
        raise ValueError(f"FAKES3_ALSO_PORTS is malformed: {exc}") from exc
    for port in also_ports:
        if not 0 <= port <= 65535:
            raise ValueError(f"--also-port {port} is not between 0 and 65535")
    from fakes3.errors import S3Error
    from fakes3.operations.buckets import validate_bucket_name

    for name in buckets:
        try:
            validate_bucket_name(name)
        except S3Error:
            raise ValueError(f"{name!r} is not a valid S3 bucket name") from None
    print_env = args.launch_print_env
    if print_env is None:
        print_env = environ.get("FAKES3_PRINT_ENV", "").strip().lower() in {
            "1",
            "true",
            "yes",
            "on",
        }
    ready_file = args.launch_ready_file or environ.get("FAKES3_READY_FILE") or None
    return Launch(tuple(buckets), tuple(also_ports), print_env, ready_file)
