"""Shared fixtures: a real fakes3 server per backend on a free loopback port, boto3 clients."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.client import BaseClient
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

# pytester: tests/plugin runs pytest inside pytest; hang_guard: a hung test prints its stacks.
pytest_plugins = ["pytester", "hang_guard"]

_names = itertools.count()


@pytest.fixture(scope="session", params=["memory", "directory"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = str(tmp_path_factory.mktemp("data")) if backend == "directory" else None
    app = FakeS3(Settings(data_dir=data_dir))
    with Server(app, port=0) as running:
        yield running
    assert not app.errors, f"unexpected app errors: {app.errors!r}"
    assert not running.errors, f"unexpected server errors: {running.errors!r}"


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.endpoint_url


@pytest.fixture(scope="session")
def s3(endpoint: str) -> BaseClient:
    """A boto3 client in its default configuration, pointed at the server."""
    return client_for(endpoint)


@pytest.fixture
def bucket(s3: BaseClient) -> Iterator[str]:
    """A fresh, empty bucket; emptied and deleted after the test."""
    name = f"test-bucket-{next(_names)}"
    s3.create_bucket(Bucket=name)
    yield name
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=name):
        keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=name, Delete={"Objects": keys})
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def tmp_file(tmp_path: Path) -> Path:
    return tmp_path / "file.bin"
