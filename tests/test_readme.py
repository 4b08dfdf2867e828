"""The README's blocks run as written: the server command, the tour, the AWS CLI lines, the
in-process server and the pytest example.

The tour talks to ``127.0.0.1:9000``, fakes3's default port. So that this test does not depend on
that port being free on a shared machine, it starts the README's ``fakes3 serve`` with
``--port 0`` and puts the real port where the blocks say 9000; nothing else is changed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DEFAULT_ENDPOINT = "http://127.0.0.1:9000"
STARTUP = re.compile(r"listening on (http://127\.0\.0\.1:\d+) ")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.DOTALL)


def python_block(first_line: str) -> str:
    return next(block for block in blocks("python") if block.startswith(first_line))


def environment() -> dict[str, str]:
    """The user's shell: the venv's scripts on PATH, no AWS settings of this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def test_first_command_installs_what_the_tour_uses() -> None:
    install, serve = blocks("sh")[0].strip().split(" && ")
    assert install == "python3 -m pip install -e '.[client]'" and serve == "fakes3 serve"
    extras = (ROOT / "pyproject.toml").read_text()
    client = re.search(r"^client = \[(.*)\]$", extras, flags=re.MULTILINE)
    assert client and '"boto3' in client.group(1) and '"awscli' in client.group(1)
    tour = python_block("# tour.py")
    assert {"boto3", "botocore"} == set(re.findall(r"^(?:from|import) (\w+)", tour, re.M))


@pytest.fixture
def readme_server(tmp_path: Path) -> Iterator[str]:
    """The README's ``fakes3 serve``, on a free port; its endpoint URL."""
    serve = blocks("sh")[0].strip().split(" && ")[1]
    process = subprocess.Popen(
        [*serve.split(), "--port", "0", "--quiet"],
        cwd=tmp_path,
        env=environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        match = STARTUP.search(process.stdout.readline())
        assert match, "no start-up line"
        yield match.group(1)
    finally:
        process.terminate()
        status = process.wait(timeout=10)
        assert process.stdout is not None
        rest = process.stdout.read()
        process.stdout.close()
    assert status == 0 and rest.splitlines()[-1] == "fakes3 stopped"


def test_tour_then_cli_block_as_written(readme_server: str, tmp_path: Path) -> None:
    tour = python_block("# tour.py")
    assert DEFAULT_ENDPOINT in tour
    (tmp_path / "tour.py").write_text(tour.replace(DEFAULT_ENDPOINT, readme_server))
    result = subprocess.run(
        [sys.executable, "tour.py"],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    promised = [c.split(",")[0] for c in re.findall(r"print\(.*#\s*(.+)$", tour, flags=re.M)]
    assert result.stdout.splitlines() == promised  # b'meow', ['2024/'], NoSuchKey

    cli = next(block for block in blocks("sh") if block.startswith("export AWS_ACCESS_KEY_ID"))
    assert DEFAULT_ENDPOINT in cli
    result = subprocess.run(
        ["bash", "-e", "-c", cli.replace(DEFAULT_ENDPOINT, readme_server)],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "upload: ./report.txt to s3://photos/report.txt" in result.stdout
    assert re.search(r"^\S+ \S+ +18 report.txt$", result.stdout, flags=re.MULTILINE)


def test_in_process_server_example_runs() -> None:
    example = python_block("import boto3\n\nfrom fakes3.app import FakeS3")
    namespace: dict[str, object] = {}
    exec(compile(example, str(README), "exec"), namespace)
    client = namespace["s3"]
    assert client.meta.endpoint_url.startswith("http://127.0.0.1:")  # type: ignore[attr-defined]


def test_fixture_example_runs_under_pytest(pytester: pytest.Pytester) -> None:
    example = python_block("# test_photos.py")
    pytester.makepyfile(test_readme_photos=example)
    result = pytester.runpytest_inprocess("-p", "no:hypothesispytest", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
