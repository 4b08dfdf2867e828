"""The wheel and sdist ``python -m build`` makes, installed in a clean virtual environment.

One module-scoped build (about a minute with the install): the console script, the pytest11
entry point with its fixtures, and ``mock_aws`` answering a presigned URL fetched by requests,
all from the installed wheel with nothing but its declared dependencies (and pytest, xdist).
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

import fakes3

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "CHANGELOG.md", "MANIFEST.in", "Dockerfile", "fakes3"]

SAMPLE_TEST = """
import fakes3
import requests
from fakes3 import mock_aws


def test_fixtures_from_the_installed_plugin(s3_client, s3_bucket):
    s3_client.put_object(Bucket=s3_bucket, Key="a.txt", Body=b"hi")
    assert s3_client.get_object(Bucket=s3_bucket, Key="a.txt")["Body"].read() == b"hi"


@mock_aws
def test_presigned_url_fetched_by_requests_stays_in_process():
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="in-process")
    s3.put_object(Bucket="in-process", Key="k", Body=b"local")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "in-process", "Key": "k"})
    assert url.startswith("https://in-process.s3.amazonaws.com/")
    assert requests.get(url).content == b"local"


def test_installed_copy_is_used():
    assert "site-packages" in fakes3.__file__
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` on a copy of the sources (the build writes egg-info beside them)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def _metadata(dist: Path) -> tuple[zipfile.ZipFile, Message]:
    (wheel,) = dist.glob("fakes3-*.whl")
    archive = zipfile.ZipFile(wheel)
    name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    return archive, email.message_from_bytes(archive.read(name))


def test_wheel_metadata(dist: Path) -> None:
    archive, metadata = _metadata(dist)
    assert metadata["Name"] == "fakes3" and metadata["Version"] == fakes3.__version__
    requires = metadata.get_all("Requires-Dist", [])
    runtime = {r.split(">")[0].strip() for r in requires if "extra ==" not in r}
    assert {"responses", "botocore", "boto3", "cheroot"} <= runtime
    assert "werkzeug" not in {r.lower() for r in runtime}
    assert {"client", "testcontainers", "test"} <= set(metadata.get_all("Provides-Extra", []))
    classifiers = metadata.get_all("Classifier", [])
    assert "Framework :: Pytest" in classifiers and "Typing :: Typed" in classifiers
    assert "fakes3/py.typed" in archive.namelist()
    assert {"fakes3/console/static/console.js", "fakes3/console/static/console.css"} <= set(
        archive.namelist()
    )  # the web console's files (docs/console.md)
    entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
    text = archive.read(entry_points).decode()
    assert "fakes3 = fakes3.cli:main" in text
    assert "[pytest11]\nfakes3 = fakes3.pytest_plugin" in text


def test_sdist_carries_the_changelog_and_the_package(dist: Path) -> None:
    (sdist,) = dist.glob("fakes3-*.tar.gz")
    names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    assert {"CHANGELOG.md", "Dockerfile", "README.md", "fakes3/py.typed", "fakes3/cli.py"} <= names


@pytest.fixture(scope="module")
def clean_venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with the wheel, its dependencies, pytest and xdist: nothing else."""
    where = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(where)
    (wheel,) = dist.glob("fakes3-*.whl")
    python = where / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel), "pytest", "pytest-xdist"],
        check=True,
        capture_output=True,
        timeout=600,
        env=_clean_environment(),
    )
    yield where


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def test_console_script_from_the_clean_venv(clean_venv: Path) -> None:
    result = subprocess.run(
        [str(clean_venv / "bin" / "fakes3"), "--version"],
        capture_output=True,
        text=True,
        env=_clean_environment(),
        check=True,
    )
    assert result.stdout.strip() == f"fakes3 {fakes3.__version__}"


def test_pytest_plugin_and_mock_aws_from_the_clean_venv(clean_venv: Path, tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(SAMPLE_TEST)
    environment = _clean_environment()
    for name in list(environment):
        if name.startswith("AWS_"):
            del environment[name]
    result = subprocess.run(
        [
            str(clean_venv / "bin" / "python"),
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
