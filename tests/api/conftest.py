"""Fixtures for the API tests: raw HTTP access to the server beside the boto3 client."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from api_helpers import Aws, Raw, empty_versioned, unique_bucket_name
from auth_servers import alice_bucket, auth_http, auth_server, server_clock  # noqa: F401
from botocore.client import BaseClient
from clocked import clocked_server, cs3, store_clock  # noqa: F401


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


@pytest.fixture
def aws(endpoint: str, tmp_path: Path) -> Aws:
    """``aws(*args, config="")``: run the CLI against the server; fails the test on error."""
    credentials = tmp_path / "credentials"
    credentials.write_text("")

    def run(*args: str, config: str = "", check: bool = True) -> subprocess.CompletedProcess[str]:
        config_file = tmp_path / "config"
        config_file.write_text(config)
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        result = subprocess.run(
            ["aws", "--endpoint-url", endpoint, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    return run


@pytest.fixture
def aws_cli(aws: Aws) -> Aws:
    """The ``aws`` fixture under a name that leaves ``aws`` free for a test's own wrapper."""
    return aws


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """(ca.pem, cert.pem, key.pem) for 127.0.0.1 and localhost, from a throwaway CA."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = tmp_path_factory.mktemp("tls")
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    return str(ca_file), str(cert_file), str(key_file)


# The two accounts of a module's own ``site`` (test_bucket_policy.Site, strict auth), for the
# access-control tests (test_acl, test_bucket_policy, test_legacy_bucket_defaults).
@pytest.fixture
def alice(site: Any) -> BaseClient:
    client: BaseClient = site.client("alice", "alice-secret")
    return client


@pytest.fixture
def bob(site: Any) -> BaseClient:
    client: BaseClient = site.client("bob", "bob-secret")
    return client
