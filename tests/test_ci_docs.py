"""docs/ci.md: each CI file is validated against its published schema and checked against the
image and fakes3; the GitHub job without a container is run step by step against the real
``fakes3 serve``."""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from fakes3.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ci.md"
DOCKERFILE = (ROOT / "Dockerfile").read_text()
LAUNCH_VARIABLES = {"FAKES3_BUCKETS", "FAKES3_ALSO_PORTS", "FAKES3_PRINT_ENV", "FAKES3_READY_FILE"}
FAKES3_VARIABLES = {"FAKES3_" + f.name.upper() for f in dataclasses.fields(Settings)}
FAKES3_VARIABLES |= LAUNCH_VARIABLES
CLIENT_VARIABLES = {
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
}


def yaml_files() -> dict[str, Any]:
    """The doc's YAML blocks by the file name on their first line (``# .gitlab-ci.yml``)."""
    blocks = re.findall(r"```yaml\n# (\S+)\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    return {name: yaml.safe_load(body) for name, body in blocks}


def exposed_ports() -> set[int]:
    match = re.search(r"^EXPOSE (.+)$", DOCKERFILE, flags=re.MULTILINE)
    assert match
    return {int(port) for port in match.group(1).split()}


def healthcheck_command() -> list[str]:
    match = re.search(r"^HEALTHCHECK .*?CMD (\[.*?\])$", DOCKERFILE, re.MULTILINE | re.DOTALL)
    assert match
    command: list[str] = yaml.safe_load(match.group(1))
    return command


def assert_client_variables(variables: dict[str, str], host: str, port: int) -> None:
    assert CLIENT_VARIABLES <= set(variables)
    endpoint = urlsplit(variables["AWS_ENDPOINT_URL"])
    assert (endpoint.scheme, endpoint.hostname, endpoint.port) == ("http", host, port)


def test_doc_has_the_three_files() -> None:
    assert set(yaml_files()) == {".github/workflows/s3-tests.yml", ".gitlab-ci.yml", "compose.yaml"}


SCHEMAS = {
    ".github/workflows/s3-tests.yml": "github-workflows",
    ".gitlab-ci.yml": "gitlab-ci",
    "compose.yaml": "compose-spec",
}


@pytest.mark.parametrize(("name", "schema"), SCHEMAS.items())
def test_file_is_valid_against_its_schema(name: str, schema: str, tmp_path: Path) -> None:
    """The schemas GitHub, GitLab and compose-spec publish, as check-jsonschema ships them."""
    blocks = re.findall(r"```yaml\n# (\S+)\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    path = tmp_path / Path(name).name
    path.write_text(dict(blocks)[name])
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", f"vendor.{schema}", path],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_service_job_uses_the_image_port_health_and_variables() -> None:
    workflow = yaml_files()[".github/workflows/s3-tests.yml"]
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML 1.1 reads `on` as true
    job = workflow["jobs"]["with-service"]
    service = job["services"]["s3"]
    host_port, container_port = (int(p) for p in service["ports"][0].split(":"))
    assert container_port in exposed_ports()
    assert set(service["env"]) <= FAKES3_VARIABLES
    options = shlex.split(service["options"])
    assert options[0::2] == ["--health-interval", "--health-timeout", "--health-retries"]
    assert re.fullmatch(r"\d+s", options[1]) and re.fullmatch(r"\d+s", options[3])
    assert_client_variables(job["env"], "127.0.0.1", host_port)
    assert any("pytest" in step.get("run", "") for step in job["steps"])


def test_gitlab_service_alias_is_the_endpoint_host() -> None:
    job = yaml_files()[".gitlab-ci.yml"]["test"]
    (service,) = job["services"]
    assert set(service["variables"]) <= FAKES3_VARIABLES
    assert_client_variables(job["variables"], service["alias"], 9000)
    assert 9000 in exposed_ports()


def test_compose_waits_for_the_image_healthcheck_and_keeps_data_in_the_volume() -> None:
    compose = yaml_files()["compose.yaml"]
    s3, tests = compose["services"]["s3"], compose["services"]["tests"]
    assert s3["healthcheck"]["test"] == ["CMD", *healthcheck_command()]
    assert {int(p.split(":")[1]) for p in s3["ports"]} == exposed_ports()
    assert set(s3["environment"]) <= FAKES3_VARIABLES
    volume, mount = s3["volumes"][0].split(":")
    assert volume in compose["volumes"] and mount == s3["environment"]["FAKES3_DATA_DIR"]
    assert re.search(rf"^VOLUME {mount}$", DOCKERFILE, flags=re.MULTILINE)
    assert tests["depends_on"]["s3"]["condition"] == "service_healthy"
    assert_client_variables(tests["environment"], "s3", 9000)


def test_github_job_without_container_runs_as_written(tmp_path: Path) -> None:
    """Each step's script in bash as GitHub runs it, $GITHUB_ENV carried from step to step."""
    job = yaml_files()[".github/workflows/s3-tests.yml"]["jobs"]["without-container"]
    steps = {step["name"]: step["run"] for step in job["steps"] if "run" in step}
    assert list(steps) == ["Install", "Start fakes3", "Use it", "Stop fakes3"]
    assert "fakes3[client]" in steps.pop("Install")  # installing is tested by test_packaging.py
    github_env = tmp_path / "github_env"
    github_env.touch()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_ENV": str(github_env),
    }
    for key in list(env):
        if key.startswith("AWS_"):
            del env[key]
    outputs = {}
    for name, script in steps.items():
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (name, result.stdout, result.stderr)
        outputs[name] = result.stdout
        for line in github_env.read_text().splitlines():
            key, _, value = line.partition("=")
            env[key] = value
    assert env["AWS_ACCESS_KEY_ID"] == "test" and env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert urlsplit(env["AWS_ENDPOINT_URL"]).hostname == "127.0.0.1"
    assert "upload: ./README.md to s3://my-test-bucket/README.md" in outputs["Use it"]
    assert re.search(r"^\S+ \S+ +\d+ README.md$", outputs["Use it"], flags=re.MULTILINE)
    assert outputs["Stop fakes3"].splitlines()[-1] == "fakes3 stopped"
    with pytest.raises(ProcessLookupError):
        os.kill(int(env["FAKES3_PID"]), 0)
