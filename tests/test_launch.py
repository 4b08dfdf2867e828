"""``fakes3 serve``'s flags for scripts and containers (fakes3/launch.py), as real subprocesses."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest

from fakes3.cli import build_parser
from fakes3.launch import launch_from_args

STARTUP = re.compile(r"^fakes3 \S+ listening on (?P<url>http://\S+) ")


def launch(argv: list[str], environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return launch_from_args(build_parser().parse_args(["serve", *argv]), environ or {})


@contextmanager
def serving(*argv: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FAKES3_", "AWS_"))}
    environment.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes3", "serve", "--port", "0", "--quiet", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


def read_startup(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    match = STARTUP.match(line)
    assert match, line
    return match.group("url")


def client(url: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def stop(process: subprocess.Popen[str]) -> list[str]:
    """SIGTERM; the rest of stdout's lines. The exit status must be 0."""
    process.send_signal(signal.SIGTERM)
    assert process.stdout is not None
    rest = process.stdout.read().splitlines()
    assert process.wait(timeout=10) == 0
    return rest


# ------------------------------------------------------------------------------ parsing


def test_flags_win_over_variables() -> None:
    environ = {"FAKES3_BUCKETS": "one-bucket, two-bucket", "FAKES3_ALSO_PORTS": "4566"}
    assert launch([], environ).buckets == ("one-bucket", "two-bucket")
    assert launch([], environ).also_ports == (4566,)
    assert launch(["--bucket", "mine"], environ).buckets == ("mine",)
    assert launch(["--also-port", "5000"], environ).also_ports == (5000,)
    assert launch([], {"FAKES3_PRINT_ENV": "yes"}).print_env is True
    assert launch(["--no-print-env"], {"FAKES3_PRINT_ENV": "1"}).print_env is False
    assert launch([], {"FAKES3_READY_FILE": "/tmp/r"}).ready_file == "/tmp/r"


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--bucket", "No_Such"], {}, "'No_Such' is not a valid S3 bucket name"),
        ([], {"FAKES3_BUCKETS": "ok-name,ab"}, "'ab' is not a valid S3 bucket name"),
        ([], {"FAKES3_ALSO_PORTS": "http"}, "FAKES3_ALSO_PORTS is malformed"),
        (["--also-port", "70000"], {}, "--also-port 70000 is not between 0 and 65535"),
    ],
)
def test_bad_values_exit_2_before_listening(
    argv: list[str], env: dict[str, str], message: str
) -> None:
    with serving(*argv, env=env) as process:
        assert process.wait(timeout=30) == 2
        assert process.stderr is not None
        assert message in process.stderr.read()


# ------------------------------------------------------------------------------ serving


def test_buckets_exist_before_the_start_up_line_and_survive_a_restart(tmp_path: Path) -> None:
    env = {"FAKES3_BUCKETS": "alpha-bucket,beta-bucket", "FAKES3_DATA_DIR": str(tmp_path)}
    with serving(env=env) as process:
        s3 = client(read_startup(process))
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        assert names == ["alpha-bucket", "beta-bucket"]
        s3.put_object(Bucket="alpha-bucket", Key="k", Body=b"kept")
        assert s3.get_bucket_location(Bucket="beta-bucket")["LocationConstraint"] is None
        stop(process)
    with serving(env=env) as process:  # already there: no error, the object stays
        s3 = client(read_startup(process))
        assert s3.get_object(Bucket="alpha-bucket", Key="k")["Body"].read() == b"kept"
        stop(process)


def test_bucket_in_another_region_is_created_there() -> None:
    with serving("--bucket", "eu-bucket", "--region", "eu-west-1") as process:
        url = read_startup(process)
        s3 = boto3.client(
            "s3",
            endpoint_url=url,
            region_name="eu-west-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        assert s3.get_bucket_location(Bucket="eu-bucket")["LocationConstraint"] == "eu-west-1"
        stop(process)


def test_also_port_serves_the_same_store() -> None:
    with serving("--also-port", "0") as process:
        url = read_startup(process)
        assert process.stdout is not None
        also = re.fullmatch(r"fakes3 also listening on (\S+)\n", process.stdout.readline())
        assert also and also.group(1) != url
        client(url).create_bucket(Bucket="shared-bucket")
        assert [b["Name"] for b in client(also.group(1)).list_buckets()["Buckets"]] == [
            "shared-bucket"
        ]
        assert stop(process) == ["fakes3 stopped"]


def test_print_env_lines_point_the_aws_cli_at_the_server() -> None:
    with serving("--print-env", "--bucket", "env-bucket") as process:
        url = read_startup(process)
        assert process.stdout is not None
        exports = [process.stdout.readline() for _ in range(6)]
        variables = dict(re.fullmatch(r"export (\w+)=(\S+)\n", e).groups() for e in exports)  # type: ignore[union-attr]
        assert variables["AWS_ENDPOINT_URL"] == url == variables["AWS_ENDPOINT_URL_S3"]
        assert variables["AWS_ACCESS_KEY_ID"] == "test"
        cli_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        cli_env.update(variables)
        listing = subprocess.run(
            [sys.executable, "-m", "awscli", "s3", "ls"],
            env=cli_env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert listing.stdout.split()[-1] == "env-bucket"
        stop(process)


def test_wildcard_host_exports_a_loopback_endpoint() -> None:
    with serving("--host", "0.0.0.0", "--print-env") as process:
        assert read_startup(process).startswith("http://0.0.0.0:")
        assert process.stdout is not None
        assert process.stdout.readline().startswith("export AWS_ENDPOINT_URL=http://127.0.0.1:")
        stop(process)


def test_ready_file_appears_once_listening_and_goes_at_shutdown(tmp_path: Path) -> None:
    ready = tmp_path / "fakes3.env"
    with serving("--ready-file", str(ready)) as process:
        url = read_startup(process)
        variables = dict(line.split("=", 1) for line in ready.read_text().splitlines())
        assert variables["AWS_ENDPOINT_URL"] == url
        assert client(variables["AWS_ENDPOINT_URL"]).list_buckets()["Buckets"] == []
        assert stop(process) == ["fakes3 stopped"]
    assert not ready.exists()


def test_ready_fifo_blocks_a_reader_until_the_server_answers(tmp_path: Path) -> None:
    fifo = tmp_path / "ready"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()  # blocks in open() until fakes3 opens the FIFO for writing
    with serving("--ready-file", str(fifo)) as process:
        reader.join(timeout=30)
        assert not reader.is_alive()
        url = dict(line.split("=", 1) for line in got[0].splitlines())["AWS_ENDPOINT_URL"]
        started = time.monotonic()
        assert client(url).list_buckets()["Buckets"] == []  # answers at once: it was ready
        assert time.monotonic() - started < 5
        stop(process)
    assert fifo.exists()  # the user's FIFO is left alone


def test_server_doc_script_block_runs_as_written(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "server.md").read_text()
    (block,) = [b for b in re.findall(r"```sh\n(.*?)```", text, flags=re.S) if "mkfifo" in b]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FAKES3_"))}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    result = subprocess.run(
        ["bash", "-e", "-c", block],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "my-bucket"


def test_also_port_equal_to_the_port_is_one_listener() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"FAKES3_PORT": str(port), "FAKES3_ALSO_PORTS": f"{port},{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes3", "serve", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("FAKES3_")}, **env},
    )
    try:
        assert read_startup(process) == f"http://127.0.0.1:{port}"
        assert stop(process) == ["fakes3 stopped"]  # no "also listening" line
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()
