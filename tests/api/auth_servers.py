"""Servers in each auth mode, with accounts alice and bob and a clock tests can move."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
import requests
from api_helpers import unique_bucket_name
from botocore.client import BaseClient
from botocore.config import Config

from fakes3.app import FakeS3
from fakes3.auth import make_account
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store.clock import Clock

BOB_ID = "b0b" + "0" * 61
TEMP_TOKEN = "FwoGZXIvYXdzEXAMPLE/session+token=="  # temporary credentials, as STS hands out
ACCOUNTS = [
    "alice:alice-secret",
    f"bob:bob-secret:{BOB_ID}:Bob:bob@example.com",
    f"ASIATEMP:temp-secret::::{TEMP_TOKEN}",
]
ALICE = make_account("alice", "alice-secret")
V4 = Config(signature_version="s3v4")  # boto3 presigns with SigV2 by default for us-east-1


class TravelClock(Clock):
    """The wall clock shifted by ``offset`` seconds: tests move the server through time."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return super().time() + self.offset


class Running:
    def __init__(self, mode: str) -> None:
        self.app = FakeS3(Settings(auth=mode, accounts=ACCOUNTS))
        self.clock = TravelClock()
        self.app.store.clock = self.clock
        self.server = Server(self.app, port=0)
        self.url = ""

    @contextmanager
    def serving(self) -> Iterator[Running]:
        """Listen; ``url`` is set while inside; no unexpected server error happened after."""
        with self.server as server:
            self.url = server.endpoint_url
            yield self
        assert not self.app.errors

    def client(self, key: str = "test", secret: str = "test", **kwargs: Any) -> BaseClient:
        kwargs.setdefault("region_name", "us-east-1")
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            **kwargs,
        )


@pytest.fixture(scope="module", params=["off", "lenient", "unverified", "strict"])
def auth_server(request: pytest.FixtureRequest) -> Iterator[Running]:
    with Running(request.param).serving() as instance:
        yield instance


@pytest.fixture
def server_clock(auth_server: Running) -> Iterator[TravelClock]:
    yield auth_server.clock
    auth_server.clock.offset = 0


@pytest.fixture
def auth_http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def alice_bucket(auth_server: Running) -> str:
    name = unique_bucket_name("auth")
    alice = auth_server.client("alice", "alice-secret")
    alice.create_bucket(Bucket=name)
    alice.put_object(Bucket=name, Key="k", Body=b"alice's")
    return name


def mode_of(server: Running) -> str:
    return server.app.settings.auth


def unsigned_is_anonymous(server: Running) -> bool:
    """Whether an unsigned request is anonymous (strict, unverified) or acts as the default
    account (lenient's zero configuration, off)."""
    return mode_of(server) in ("strict", "unverified")


def verifies(server: Running) -> bool:
    """Whether a known key's signature is checked and the request acts as its account (lenient,
    strict); off and unverified take every request as the default account, unchecked."""
    return mode_of(server) in ("lenient", "strict")
