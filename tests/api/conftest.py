"""Fixtures for the API tests: raw HTTP access to the server beside the boto3 client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from api_helpers import Raw, empty_versioned, unique_bucket_name
from auth_servers import alice_bucket, auth_http, auth_server, server_clock  # noqa: F401
from botocore.client import BaseClient


@pytest.fixture(scope="session")
def http_session() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def raw(endpoint: str, http_session: requests.Session) -> Raw:
    """``raw(method, path, **kwargs)``: an unsigned request, exactly as built, to the server.

    ``path`` should be percent-encoded already (``requests`` keeps ``%XX`` escapes as they
    are); kwargs go to ``requests`` (``headers``, ``data``, ``params``).
    """

    def send(method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return http_session.request(method, endpoint + path, allow_redirects=False, **kwargs)

    return send


@pytest.fixture
def vbucket(s3: BaseClient) -> Iterator[str]:
    """A fresh bucket with versioning enabled; every version removed afterwards."""
    name = unique_bucket_name("versioned")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    yield name
    empty_versioned(s3, name)
