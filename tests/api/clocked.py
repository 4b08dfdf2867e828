"""A live server per backend whose store runs on a manual clock, for tests that step days.

Signatures are not checked (``auth="off"``): until a request's clock skew is measured against
the wall clock (issue 16), a store clock moved days ahead would make every boto3 request
``RequestTimeTooSkewed``. Everything else is the real server and a default boto3 client.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.client import BaseClient
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store.clock import ManualClock

DAY = 86400


@pytest.fixture(scope="module", params=["memory", "directory"])
def clocked_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    data_dir = str(tmp_path_factory.mktemp("data")) if request.param == "directory" else None
    app = FakeS3(Settings(auth="off", data_dir=data_dir))
    with Server(app, port=0) as running:
        yield running
    assert not app.errors, f"unexpected app errors: {app.errors!r}"


@pytest.fixture(scope="module")
def cs3(clocked_server: Server) -> BaseClient:
    return client_for(clocked_server.endpoint_url)


@pytest.fixture
def store_clock(clocked_server: Server) -> ManualClock:
    app = clocked_server.app
    assert isinstance(app, FakeS3)
    return app.consistency.manual_clock()
