"""``fakes3`` command line: parsing and precedence in-process, ``serve`` as a real subprocess."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import trustme
from s3clients import client_for
from stored_blobs import stored_blobs

from fakes3 import __version__
from fakes3.app import FakeS3
from fakes3.auth import MODES
from fakes3.cli import AUTH_MODES, build_parser, main, settings_from_args
from fakes3.data_dir_lock import DataDirInUse
from fakes3.settings import Settings

Serving = Iterator[tuple["subprocess.Popen[str]", str, str]]  # (process, URL, storage)
ROOT = Path(__file__).resolve().parent.parent
STARTUP = re.compile(r"^fakes3 \S+ listening on (?P<url>https?://\S+) \((?P<storage>[^)]*)\)$")


def settings(argv: list[str], environ: dict[str, str] | None = None) -> Settings:
    return settings_from_args(build_parser().parse_args(["serve", *argv]), environ or {})


# ------------------------------------------------------------------------------ parsing


def test_help_lists_every_flag_with_its_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag, variable in [
        ("--host", "FAKES3_HOST"),
        ("--port", "FAKES3_PORT"),
        ("--data-dir", "FAKES3_DATA_DIR"),
        ("--tls-cert", "FAKES3_TLS_CERT"),
        ("--tls-key", "FAKES3_TLS_KEY"),
        ("--base-domain", "FAKES3_BASE_DOMAIN"),
        ("--region", "FAKES3_REGION"),
        ("--threads", "FAKES3_THREADS"),
        ("--quiet", "FAKES3_QUIET"),
    ]:
        assert flag in out and variable in out, flag


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"fakes3 {__version__}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "required"),
        (["serve", "--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"),
        (["serve", "--tls-key", "key.pem"], "--tls-cert and --tls-key go together"),
        (["serve", "--port", "nine"], "invalid int value"),
        (["serve", "--port", "70000"], "not between 0 and 65535"),
        (["serve", "--threads", "0"], "at least 1"),
        (["serve", "--colour"], "unrecognized arguments"),
        (["bake"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: fakes3") and message in err


def test_malformed_variable_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAKES3_PORT", "ninety")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "fakes3: error: a FAKES3_* variable is malformed: "
        "FAKES3_PORT must be a whole number, not 'ninety'\n"
    )


def test_auth_choices_are_the_modes() -> None:
    """cli.py spells the modes out so that --help stays light; they must not drift apart."""
    assert AUTH_MODES == MODES


def test_defaults_without_flags_or_variables() -> None:
    assert settings([]) == Settings()


def test_every_flag_sets_its_field() -> None:
    argv = "--host ::1 --port 9100 --data-dir /d --tls-cert c --tls-key k --base-domain s3.test "
    argv += "--region eu-west-1 --threads 4 --quiet"
    assert settings(argv.split()) == Settings(
        host="::1",
        port=9100,
        data_dir="/d",
        tls_cert="c",
        tls_key="k",
        base_domain="s3.test",
        region="eu-west-1",
        threads=4,
        quiet=True,
    )


def test_flags_win_over_variables_which_win_over_defaults() -> None:
    environ = {
        "FAKES3_PORT": "9100",
        "FAKES3_REGION": "eu-west-1",
        "FAKES3_QUIET": "true",
        "FAKES3_DATA_DIR": "/from/env",
        "FAKES3_TLS_CERT": "env-cert.pem",
    }
    result = settings(["--port", "9200", "--no-quiet", "--tls-key", "flag-key.pem"], environ)
    assert result.port == 9200  # flag over variable
    assert result.region == "eu-west-1"  # variable over default
    assert result.quiet is False  # --no-quiet over FAKES3_QUIET
    assert result.data_dir == "/from/env"
    assert (result.tls_cert, result.tls_key) == ("env-cert.pem", "flag-key.pem")
    assert result.host == Settings().host  # neither: the default


# ------------------------------------------------------------------------------ fakes3 serve


@contextmanager
def fakes3_serve(*argv: str, env: dict[str, str] | None = None) -> Serving:
    """Start ``python -m fakes3 serve``; once it listens, yield (process, URL, storage)."""
    command = [sys.executable, "-m", "fakes3", "serve", "--port", "0", *argv]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FAKES3_")}
    full_env.update(env or {})
    started = time.monotonic()
    with subprocess.Popen(
        command, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            with selectors.DefaultSelector() as selector:
                selector.register(proc.stdout, selectors.EVENT_READ)
                assert selector.select(timeout=20), "no startup line within 20 s"
            line = proc.stdout.readline().rstrip("\n")
            match = STARTUP.match(line)
            assert proc.stderr is not None
            assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
            assert time.monotonic() - started < 5  # about 0.2 s here; slack for a busy CI
            yield proc, match["url"], match["storage"]
        finally:
            if proc.poll() is None:
                proc.kill()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_is_healthy_then_exits_0_on_signal(signum: int) -> None:
    with fakes3_serve("--quiet") as (proc, url, _):
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url) and not url.endswith(":0")
        response = requests.get(url + "/_fakes3/health", timeout=10)
        assert response.status_code == 200 and response.json()["status"] == "ok"
        assert response.json()["backend"] == "memory"
        proc.send_signal(signum)
        assert proc.wait(timeout=20) == 0
        assert proc.stderr is not None and proc.stderr.read() == ""  # quiet, no traceback


def test_serve_reads_variables_and_logs_requests(tmp_path: Path) -> None:
    env = {"FAKES3_DATA_DIR": str(tmp_path), "FAKES3_PORT": "1"}  # --port 0 wins over the 1
    with fakes3_serve(env=env) as (proc, url, storage):
        assert requests.get(url + "/_fakes3/health", timeout=10).ok
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert proc.stderr is not None
        log = proc.stderr.read()
    assert storage == f"directory: {tmp_path}, 0 unreferenced blob files removed"
    assert re.search(r"^127\.0\.0\.1 GET /_fakes3/health 200 - \d+ \d+\.\dms$", log, re.M), log


def test_serve_reports_the_directory(tmp_path: Path) -> None:
    orphan = tmp_path / "blobs" / "ab" / ("ab" * 16)  # a blob a crash left unreferenced
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"lost")
    os.utime(orphan, (1, 1))
    with fakes3_serve("--quiet", "--data-dir", str(tmp_path)) as (proc, _, storage):
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    assert storage == f"directory: {tmp_path}, 1 unreferenced blob files removed"
    assert not orphan.exists()


def test_serve_finishes_its_deletes_before_exiting(tmp_path: Path) -> None:
    """A DeleteObjects of many keys hands its blobs to a background thread after answering; a
    signal right after the answer still exits with none of them left on disk (serve closes the
    store, which waits for that thread; here the thread is usually quicker than the exit)."""
    with fakes3_serve("--quiet", "--data-dir", str(tmp_path)) as (proc, url, _):
        s3 = client_for(url)
        s3.create_bucket(Bucket="doomed-many")
        keys = [f"k{number}" for number in range(300)]
        for key in keys:
            s3.put_object(Bucket="doomed-many", Key=key, Body=key.encode())
        s3.delete_objects(
            Bucket="doomed-many", Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
        )
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    assert stored_blobs(tmp_path) == {}


def test_one_serve_per_data_directory(tmp_path: Path) -> None:
    """A second ``fakes3 serve`` (or an in-process ``FakeS3``) on a served directory is refused
    before it opens the store (its start-up reconciliation would delete the first one's
    uncommitted blobs); after the first is killed with -9 the kernel has dropped its lock and a
    new one starts."""
    with fakes3_serve("--quiet", "--data-dir", str(tmp_path)) as (first, url, _):
        client_for(url).create_bucket(Bucket="kept")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAKES3_")}
        second = subprocess.run(
            [sys.executable, "-m", "fakes3", "serve", "--port", "0", "--data-dir", str(tmp_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2 and second.stdout == ""
        assert second.stderr == (
            f"fakes3: error: cannot use --data-dir {str(tmp_path)!r}: another fakes3 serve "
            f"(pid {first.pid}) is serving it; one server per data directory\n"
        )
        with pytest.raises(DataDirInUse, match=f"pid {first.pid}"):
            FakeS3(Settings(data_dir=str(tmp_path)))  # in-process: refused alike
        first.kill()
        first.wait(timeout=20)
    with fakes3_serve("--quiet", "--data-dir", str(tmp_path)) as (proc, url, _):
        assert [b["Name"] for b in client_for(url).list_buckets()["Buckets"]] == ["kept"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_serve_https(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    tls = ["--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem")]
    with fakes3_serve("--quiet", *tls) as (proc, url, _):
        assert url.startswith("https://127.0.0.1:")
        response = requests.get(
            url + "/_fakes3/health", timeout=10, verify=str(tmp_path / "ca.pem")
        )
        assert response.json()["status"] == "ok"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_port_in_use_fails_cleanly() -> None:
    with fakes3_serve("--quiet") as (first, url, _):
        port = url.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "-m", "fakes3", "serve", "--quiet", "--port", port],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=20) == 0
    assert result.returncode == 1
    assert "cannot listen" in result.stderr


def test_ignore_stray_bypass_governance_flag_and_variable() -> None:
    assert settings([]).ignore_stray_bypass_governance is False
    assert settings(["--ignore-stray-bypass-governance"]).ignore_stray_bypass_governance is True
    variable = {"FAKES3_IGNORE_STRAY_BYPASS_GOVERNANCE": "1"}
    assert settings([], variable).ignore_stray_bypass_governance is True
    flag_wins = settings(["--no-ignore-stray-bypass-governance"], variable)
    assert flag_wins.ignore_stray_bypass_governance is False
