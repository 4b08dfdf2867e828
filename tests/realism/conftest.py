"""Realism tests run on the shared per-backend servers; each test leaves them strong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.client import BaseClient

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.store.clock import ManualClock


@pytest.fixture
def app(server: Server) -> Iterator[FakeS3]:
    """The server's app; consistency, faults and clock are put back after the test."""
    app = server.app
    assert isinstance(app, FakeS3)
    yield app
    app.consistency.reset()
    app.faults.clear()


@pytest.fixture
def bucket(bucket: str, app: FakeS3) -> Iterator[str]:
    """The shared fresh bucket, with strong mode back before it is emptied and deleted."""
    yield bucket
    app.consistency.reset()
    app.faults.clear()


@pytest.fixture
def clock(app: FakeS3) -> ManualClock:
    return app.consistency.manual_clock()


@pytest.fixture
def with_header(s3: BaseClient) -> Callable[[str], BaseClient]:
    """A client like ``s3`` that sends ``x-fakes3-consistency: <preset>`` on every request."""
    from s3clients import client_for

    def make(preset: str) -> BaseClient:
        client = client_for(s3.meta.endpoint_url)

        def add_header(request: Any, **_: Any) -> None:
            request.headers["x-fakes3-consistency"] = preset

        client.meta.events.register_first("before-sign.s3.*", add_header)
        return client

    return make
