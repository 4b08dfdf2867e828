"""The Dockerfile's promises that can be read without a container runtime, and the health check
it runs (``python -m fakes3.health``) against a real server. scripts/container-check.sh runs
the image itself (tests/container/)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import trustme

from fakes3.app import FakeS3
from fakes3.health import check
from fakes3.server import Server

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
LOGICAL = re.sub(r"\\\n\s*", " ", DOCKERFILE)  # continuation lines joined


def instructions(name: str) -> list[str]:
    return re.findall(rf"^{name} (.+)$", LOGICAL, flags=re.MULTILINE)


def test_published_base_is_slim_python_and_replaceable() -> None:
    assert instructions("ARG")[0] == "BASE=python:3.12-slim"
    assert instructions("FROM") == ["${BASE} AS build", "${BASE}"]


def test_zero_argument_start_listens_everywhere_on_9000_and_4566() -> None:
    env = " ".join(instructions("ENV"))
    assert "FAKES3_HOST=0.0.0.0" in env and "FAKES3_PORT=9000" in env
    assert "FAKES3_ALSO_PORTS=4566" in env
    assert instructions("EXPOSE") == ["9000 4566"]
    assert instructions("ENTRYPOINT") == ['["fakes3"]'] and instructions("CMD") == ['["serve"]']


def test_runs_as_non_root_with_a_data_volume_it_owns() -> None:
    (user,) = instructions("USER")
    assert not user.startswith(("0", "root"))
    assert instructions("VOLUME") == ["/data"]
    assert f"chown {user} /data" in DOCKERFILE


def test_healthcheck_is_the_health_module() -> None:
    match = re.search(r"^HEALTHCHECK (.*?)CMD (.+)$", LOGICAL, flags=re.MULTILINE)
    assert match and match.group(2) == '["python", "-m", "fakes3.health"]'
    assert "--interval=1s" in match.group(1)


def test_build_context_holds_what_the_dockerfile_copies() -> None:
    allowed = {line[1:] for line in (ROOT / ".dockerignore").read_text().split() if line[0] == "!"}
    copied = set()
    for line in instructions("COPY"):
        if not line.startswith("--from"):
            copied |= {Path(part).parts[0] for part in line.split()[:-1]}
    assert copied and copied <= allowed
    assert all((ROOT / name).exists() for name in copied)


def test_pip_installs_without_a_cache() -> None:
    assert "pip install --no-cache-dir" in DOCKERFILE


@pytest.fixture
def server() -> Server:
    with Server(FakeS3(), port=0) as running:
        yield running


def test_health_check_passes_against_a_running_server(server: Server) -> None:
    assert check({"FAKES3_PORT": str(server.port)}) is None
    result = subprocess.run(
        [sys.executable, "-m", "fakes3.health"],
        env={"FAKES3_PORT": str(server.port), "PATH": "/usr/bin:/bin", **_pythonpath()},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == ""


def test_health_check_fails_where_nothing_listens(server: Server) -> None:
    port = server.port
    server.stop()
    assert "no answer on port" in str(check({"FAKES3_PORT": str(port)}))
    result = subprocess.run(
        [sys.executable, "-m", "fakes3.health"],
        env={"FAKES3_PORT": str(port), "PATH": "/usr/bin:/bin", **_pythonpath()},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and result.stderr.startswith("fakes3 unhealthy: no answer")


def test_health_check_speaks_tls_when_the_server_does(tmp_path: Path) -> None:
    cert = trustme.CA().issue_cert("127.0.0.1")
    cert.private_key_pem.write_to_path(tmp_path / "key.pem")
    cert.cert_chain_pems[0].write_to_path(tmp_path / "cert.pem")
    tls = {"tls_cert": str(tmp_path / "cert.pem"), "tls_key": str(tmp_path / "key.pem")}
    with Server(FakeS3(), port=0, **tls) as running:
        environ = {"FAKES3_PORT": str(running.port), "FAKES3_TLS_CERT": tls["tls_cert"]}
        assert check(environ) is None
        assert check({"FAKES3_PORT": str(running.port)}) is not None  # plain HTTP to TLS


def _pythonpath() -> dict[str, str]:
    import os

    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}


def test_documented_build_steps_are_the_check_scripts() -> None:
    """docs/container.md's Debian-base commands are the ones scripts/container-check.sh runs."""

    def options(text: str) -> list[str]:
        command = re.search(r"mmdebstrap (--variant.*?bookworm -)", text, flags=re.DOTALL)
        assert command
        return command.group(1).replace("\\\n", " ").split()

    doc = (ROOT / "docs" / "container.md").read_text()
    script = (ROOT / "scripts" / "container-check.sh").read_text()
    assert options(doc) == options(script)
    assert "--build-arg BASE=fakes3-debian-base:bookworm" in doc
    assert "DEBIAN_BASE=fakes3-debian-base:bookworm" in script
    for argument in re.findall(r"--build-arg (\w+)=", doc + script):
        assert re.search(rf"^ARG {argument}=", DOCKERFILE, flags=re.MULTILINE), argument


@pytest.mark.parametrize(
    ("flags", "status", "line"),
    [
        (["--if-available"], 0, "container-check: NOT RUN: no container runtime here"),
        ([], 1, "container-check: FAILED: no container runtime here"),
    ],
)
def test_check_script_says_so_where_no_runtime_exists(
    tmp_path: Path, flags: list[str], status: int, line: str
) -> None:
    """A PATH with no docker, dockerd or podman: the script's first words are its verdict."""
    import shutil

    for tool in ("dirname", "id"):
        found = shutil.which(tool)
        assert found
        (tmp_path / tool).symlink_to(found)
    bash = shutil.which("bash")
    assert bash
    result = subprocess.run(
        [bash, str(ROOT / "scripts" / "container-check.sh"), *flags],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == status, result.stderr
    assert result.stdout.startswith(line)
