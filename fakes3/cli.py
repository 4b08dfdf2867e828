"""``fakes3 serve``: the standalone server, configured by flags over ``FAKES3_*`` variables.

Precedence is flags, then environment, then the defaults in ``Settings``, so a container image
can set variables and a developer can still override one on the command line.
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sqlite3
import sys
import threading
from collections.abc import Mapping, Sequence
from types import FrameType

from fakes3 import __version__, data_dir_lock, snapshot_cli
from fakes3.launch import Launch, add_launch_flags, launch_from_args
from fakes3.settings import AUTH_MODES, Settings
from fakes3.store.consistency_rules import PRESETS

__all__ = ["StartupError", "build_parser", "main", "settings_from_args"]


class StartupError(Exception):
    """A setting the server cannot start with: printed as one line, exit status 2."""


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def build_parser() -> argparse.ArgumentParser:
    """The ``fakes3`` parser; flags default to None so unset ones fall through to the env."""
    parser = argparse.ArgumentParser(
        prog="fakes3", description="An S3 test double that speaks the real Amazon S3 REST protocol."
    )
    parser.add_argument("--version", action="version", version=f"fakes3 {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the S3 server in the foreground",
        description="Run the S3 server until SIGINT or SIGTERM. Each flag can also be set with "
        "the FAKES3_* variable named beside it; a flag wins over its variable.",
    )
    defaults = Settings()
    option = serve.add_argument
    option("--host", help=f"address to listen on [FAKES3_HOST, {defaults.host}]")
    option("--port", type=int, help=f"port; 0 picks a free one [FAKES3_PORT, {defaults.port}]")
    option(
        "--data-dir",
        metavar="DIR",
        help="keep buckets and objects in DIR instead of memory [FAKES3_DATA_DIR]",
    )
    option(
        "--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate [FAKES3_TLS_CERT]"
    )
    option("--tls-key", metavar="FILE", help="the certificate's PEM private key [FAKES3_TLS_KEY]")
    option(
        "--base-domain",
        metavar="DOMAIN",
        help="virtual-host addressing: BUCKET.DOMAIN names a bucket "
        f"[FAKES3_BASE_DOMAIN, {defaults.base_domain}]",
    )
    option("--region", help=f"the region fakes3 reports [FAKES3_REGION, {defaults.region}]")
    option(
        "--threads",
        type=int,
        metavar="N",
        help=f"worker threads [FAKES3_THREADS, {defaults.threads}]",
    )
    option(
        "--quiet",
        action=argparse.BooleanOptionalAction,
        help="no access log on stderr [FAKES3_QUIET, off]",
    )
    option(
        "--auth",
        choices=AUTH_MODES,
        help=f"signature checks, see docs/auth.md [FAKES3_AUTH, {defaults.auth}]",
    )
    option(
        "--account",
        dest="accounts",
        action="append",
        metavar="SPEC",
        help="ACCESS_KEY:SECRET_KEY[:CANONICAL_ID[:DISPLAY_NAME[:EMAIL[:SESSION_TOKEN]]]], "
        "repeatable; the default account test:test always exists [FAKES3_ACCOUNTS, "
        "';'-separated]",
    )
    option(
        "--consistency",
        choices=tuple(PRESETS),
        help="consistency mode, see docs/consistency.md "
        f"[FAKES3_CONSISTENCY, {defaults.consistency}]",
    )
    option(
        "--seed",
        type=int,
        metavar="N",
        help=f"seed of consistency lags and fault probabilities [FAKES3_SEED, {defaults.seed}]",
    )
    option(
        "--lifecycle-day",
        type=int,
        metavar="SECONDS",
        help="seconds in a lifecycle day, for suites that wait on real time; see "
        f"docs/lifecycle.md [FAKES3_LIFECYCLE_DAY, {defaults.lifecycle_day}]",
    )
    option(
        "--notify-webhook",
        dest="notify_webhooks",
        action="append",
        metavar="ARN=URL",
        help="POST event notifications for destination ARN ('*': any) to URL, repeatable; "
        "see docs/notifications.md [FAKES3_NOTIFY_WEBHOOKS, ';'-separated]",
    )
    option(
        "--access-log",
        metavar="FILE",
        help="append every S3 request to FILE in S3's server access log format; see "
        "docs/logging.md [FAKES3_ACCESS_LOG]",
    )
    option(
        "--access-log-format",
        choices=("s3", "json"),
        help="the --access-log lines: S3's format or JSON objects "
        f"[FAKES3_ACCESS_LOG_FORMAT, {defaults.access_log_format}]",
    )
    option(
        "--allow-insecure-ssec",
        action=argparse.BooleanOptionalAction,
        help="accept SSE-C (customer-provided keys) over plain HTTP, which S3 refuses; see "
        "docs/encryption.md [FAKES3_ALLOW_INSECURE_SSEC, off]",
    )
    option(
        "--bucket-defaults",
        choices=("aws", "legacy"),
        help="what new buckets start with: 'aws' (ACLs disabled, Block Public Access on, as "
        "S3 since April 2023) or 'legacy' (ACLs enabled, nothing blocked, as before); see "
        f"docs/access-control.md [FAKES3_BUCKET_DEFAULTS, {defaults.bucket_defaults}]",
    )
    option(
        "--ignore-stray-bypass-governance",
        action=argparse.BooleanOptionalAction,
        help="ignore x-amz-bypass-governance-retention on deletes in buckets without Object "
        "Lock, which S3 refuses, for conformance suites whose cleanup sends it; see "
        "docs/object-lock.md [FAKES3_IGNORE_STRAY_BYPASS_GOVERNANCE, off]",
    )
    option(
        "--console-actions",
        action=argparse.BooleanOptionalAction,
        help="let the web console at /_fakes3/console/ settle, advance the clock and change "
        "fault rules; see docs/console.md [FAKES3_CONSOLE_ACTIONS, off]",
    )
    add_launch_flags(serve)  # buckets, extra ports, export lines, ready file (fakes3/launch.py)
    serve.set_defaults(parser=serve)  # so main() reports bad settings with serve's usage
    snapshot_cli.add_commands(commands)  # snapshot, restore (docs/snapshots.md)
    return parser


def settings_from_args(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from ``FAKES3_*`` variables, then every flag that was given on top."""
    try:
        settings = Settings.from_env(environ)
    except ValueError as exc:
        raise StartupError(f"a FAKES3_* variable is malformed: {exc}") from exc
    given = {
        field.name: getattr(args, field.name)
        for field in dataclasses.fields(Settings)
        if getattr(args, field.name, None) is not None
    }
    settings = dataclasses.replace(settings, **given)
    settings.check()
    from fakes3.auth.accounts import Accounts

    Accounts(settings.accounts)  # a bad spec stops the server before it starts
    settings.accounts = tuple(settings.accounts)
    return settings


def _check_tls(cert: str | None, key: str | None) -> None:
    """The certificate and key load, so a missing file is not reported as a port problem."""
    if cert is None or key is None:
        return
    import ssl

    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        if isinstance(exc, ssl.SSLError):
            reason = f"not a PEM certificate and its key ({exc.reason or exc})"
        else:
            reason = exc.strerror or str(exc)
        raise StartupError(
            f"cannot load the TLS certificate {cert!r} with key {key!r}: {reason}"
        ) from None


def serve(settings: Settings, launch: Launch | None = None) -> int:
    """Run the server in the foreground until SIGINT or SIGTERM; 0 on a clean stop.

    The whole S3 stack loads only when serving (``_open_and_serve``)."""
    from fakes3.malloc_tuning import tune_malloc

    tune_malloc()  # this process is fakes3's own: keep its memory flat over a long run

    try:
        _check_tls(settings.tls_cert, settings.tls_key)
    except StartupError as exc:
        print(f"fakes3: error: {exc}", file=sys.stderr)
        return 2
    if settings.access_log:
        try:
            open(settings.access_log, "a").close()  # noqa: SIM115 - only: can it be opened?
        except OSError as exc:
            reason = exc.strerror or str(exc)
            print(
                f"fakes3: error: cannot open --access-log {settings.access_log!r}: {reason}",
                file=sys.stderr,
            )
            return 2
    try:
        dir_lock = data_dir_lock.hold(settings.data_dir) if settings.data_dir else None
    except data_dir_lock.DataDirInUse as exc:
        print(
            f"fakes3: error: cannot use --data-dir {settings.data_dir!r}: another {exc.who} "
            "is serving it; one server per data directory",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(_data_dir_error(settings.data_dir, exc), file=sys.stderr)
        return 2
    try:
        return _open_and_serve(settings, launch)
    finally:
        data_dir_lock.release(dir_lock)  # after serving (the store closed on a clean stop)


def _data_dir_error(data_dir: str | None, exc: OSError | sqlite3.Error) -> str:
    """One line for a data directory that cannot be made or opened."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        reason = "it is a file, not a directory"
    return f"fakes3: error: cannot use --data-dir {data_dir!r}: {reason}"


def _open_and_serve(settings: Settings, launch: Launch | None) -> int:
    """Open the store, listen, serve until a signal, then close everything; the exit status."""
    from fakes3.app import FakeS3
    from fakes3.server import Server

    try:
        app = FakeS3(settings)
    except (OSError, sqlite3.Error) as exc:  # the data directory cannot be made or opened
        print(_data_dir_error(settings.data_dir, exc), file=sys.stderr)
        return 2
    launch = launch or Launch()
    launch.create_buckets(app)
    server = Server(
        app,
        settings.host,
        settings.port,
        tls_cert=settings.tls_cert,
        tls_key=settings.tls_key,
        threads=settings.threads,
        quiet=settings.quiet,
    )
    try:
        server.start()
    except OSError as exc:
        print(f"fakes3: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    if not launch.start_also_ports(server):
        server.stop()
        return 1
    previous = {}
    if threading.current_thread() is threading.main_thread():

        def on_signal(signum: int, frame: FrameType | None) -> None:
            server.stop()

        previous = {signum: signal.signal(signum, on_signal) for signum in _SIGNALS}
    app.lifecycle.start()  # lifecycle passes on the wall clock (docs/lifecycle.md)
    storage = f"directory: {settings.data_dir}" if settings.data_dir else "memory"
    if settings.data_dir:  # blob files a crash left unreferenced, deleted on open
        storage += f", {app.store.reclaimed} unreferenced blob files removed"
    launch.write_ready_file(server.endpoint_url, settings)  # there when the line below is
    print(f"fakes3 {__version__} listening on {server.endpoint_url} ({storage})", flush=True)
    launch.announce(server.endpoint_url, settings)
    try:
        server.serve_forever()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        app.lifecycle.stop()
        if app.access_log_file is not None:
            app.access_log_file.close()
        close = getattr(app, "close", None)
        if close is not None:
            close()
        app.store.close()  # the blobs handed to the reaper are deleted, SQLite closed cleanly
        launch.finish()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The ``fakes3`` console script: returns the exit status (2 for usage errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "snapshot_command", None):
        return snapshot_cli.run(args)
    try:
        settings = settings_from_args(args)
        launch = launch_from_args(args)
    except StartupError as exc:
        print(f"fakes3: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        serve_parser: argparse.ArgumentParser = args.parser
        serve_parser.error(str(exc))  # exits 2 with serve's usage line
    return serve(settings, launch)


if __name__ == "__main__":
    sys.exit(main())
