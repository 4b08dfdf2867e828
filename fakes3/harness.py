"""What the pytest fixtures hand to tests, usable without pytest too.

``TestServer`` is a running fakes3 (a real server on a loopback port in background threads) or
an external S3-compatible endpoint given by URL. ``Fakes3`` is the per-test handle over one:
reset, journal, boto3 factories, bucket creation, and the environment that makes code under
test (and its subprocesses) talk to that endpoint and never to the user's real AWS account.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any, NoReturn

from fakes3.settings import Settings

if TYPE_CHECKING:
    from fakes3.access_logs import AccessLogs
    from fakes3.app import FakeS3
    from fakes3.faults import Faults
    from fakes3.journal import Journal
    from fakes3.notifications import Notifications
    from fakes3.server import Server
    from fakes3.store.consistency_control import Consistency
    from fakes3.store.lifecycle import Lifecycle

__all__ = ["Fakes3", "ServerError", "TestServer", "aws_environment"]

ACCESS_KEY = "test"
SECRET_KEY = "test"

# Variables that could make an SDK use real credentials, a real profile or another endpoint.
_REMOVED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ACCOUNT_ID",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_S3_USE_ARN_REGION",
    "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
)


class ServerError(Exception):
    """fakes3 raised an unexpected exception while answering a request of this test."""


def aws_environment(
    endpoint_url: str, region: str, config_dir: str, access_key: str, secret_key: str
) -> dict[str, str | None]:
    """The variables to set (or, for None, remove) so SDKs reach ``endpoint_url`` for S3.

    ``config_dir`` holds the empty config and credentials files that stand in for ``~/.aws``.
    """
    environment: dict[str, str | None] = dict.fromkeys(_REMOVED)
    environment.update(
        {
            "AWS_ENDPOINT_URL_S3": endpoint_url,
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_CONFIG_FILE": os.path.join(config_dir, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(config_dir, "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return environment


def _empty_config_dir(path: str) -> str:
    os.makedirs(path, exist_ok=True)
    for name in ("config", "credentials"):
        with open(os.path.join(path, name), "w", encoding="ascii"):
            pass
    return path


class TestServer:
    """A fakes3 server for a test session, or an external endpoint (``external=True``)."""

    __test__ = False  # not a test class, despite its name

    def __init__(
        self,
        endpoint_url: str,
        settings: Settings,
        *,
        app: FakeS3 | None = None,
        server: Server | None = None,
        config_dir: str,
        access_key: str = ACCESS_KEY,
        secret_key: str = SECRET_KEY,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.settings = settings
        self.app = app
        self.server = server
        self.config_dir = _empty_config_dir(config_dir)
        self.access_key, self.secret_key = access_key, secret_key
        self._boto3_session: Any = None

    @classmethod
    def start(cls, settings: Settings, config_dir: str) -> TestServer:
        """Serve a new fakes3 app with ``settings`` on a free loopback port."""
        from fakes3.app import FakeS3
        from fakes3.server import Server

        app = FakeS3(replace(settings))
        server = Server(app, host="127.0.0.1", port=0, threads=settings.threads).start()
        app.lifecycle.start()  # passes when the wall clock crosses a day (docs/lifecycle.md)
        return cls(server.endpoint_url, app.settings, app=app, server=server, config_dir=config_dir)

    @classmethod
    def external(
        cls,
        endpoint_url: str,
        settings: Settings,
        config_dir: str,
        access_key: str = ACCESS_KEY,
        secret_key: str = SECRET_KEY,
    ) -> TestServer:
        """An S3-compatible endpoint that is already running (``--s3-endpoint``)."""
        return cls(
            endpoint_url.rstrip("/"),
            settings,
            config_dir=config_dir,
            access_key=access_key,
            secret_key=secret_key,
        )

    @property
    def is_external(self) -> bool:
        return self.app is None

    @property
    def backend(self) -> str:
        if self.app is None:
            return "external"
        return "memory" if self.settings.data_dir is None else "directory"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.app is not None:
            self.app.close()  # lifecycle passes, webhooks
            self.app.store.close()

    def error_mark(self) -> tuple[int, int]:
        """Where the error lists end now; ``errors_since`` reports what comes after."""
        if self.app is None or self.server is None:
            return 0, 0
        return len(self.app.errors), len(self.server.errors)

    def errors_since(self, mark: tuple[int, int]) -> list[BaseException]:
        if self.app is None or self.server is None:
            return []
        return [*self.app.errors[mark[0] :], *self.server.errors[mark[1] :]]

    def boto3_session(self) -> Any:
        """One boto3 session for every factory client (loading the S3 model once), made on
        first use: inside a test, so it reads the test's isolated AWS environment."""
        if self._boto3_session is None:
            import boto3.session

            self._boto3_session = boto3.session.Session()
        return self._boto3_session

    def __repr__(self) -> str:
        return f"<TestServer {self.backend} {self.endpoint_url}>"


def _unavailable(reason: str) -> NoReturn:
    raise RuntimeError(reason)


class Fakes3:
    """The per-test handle: ``endpoint_url``, ``reset()``, ``journal``, ``client()`` …"""

    def __init__(
        self, server: TestServer, unavailable: Callable[[str], NoReturn] = _unavailable
    ) -> None:
        self.server = server
        self._unavailable = unavailable
        self._created: list[str] = []
        self._error_mark = server.error_mark()

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    @property
    def settings(self) -> Settings:
        return self.server.settings

    @property
    def region(self) -> str:
        return self.server.settings.region

    @property
    def app(self) -> FakeS3:
        """The fakes3 WSGI app (its ``store``, ``journal``, ``errors``); server mode only."""
        if self.server.app is None:
            self._unavailable(self._external_reason("app"))
        return self.server.app

    @property
    def journal(self) -> Journal:
        """The requests this server answered since the last reset."""
        return self.app.journal

    def reset(self) -> None:
        """Forget every bucket, object, journal entry and fault rule; strong mode, wall clock."""
        self.app.reset()

    @property
    def consistency(self) -> Consistency:
        """The consistency mode (docs/consistency.md): ``set("aws-2020", seed=7)``,
        ``settle()``, ``advance(seconds)``, the checker's ``findings``."""
        return self.app.consistency

    @property
    def faults(self) -> Faults:
        """The fault rules (docs/faults.md): ``add(operation="PutObject", error="SlowDown")``."""
        return self.app.faults

    @property
    def access_logs(self) -> AccessLogs:
        """Server access logs waiting for delivery (docs/logging.md): ``flush()``."""
        return self.app.access_logs

    def load(self, archive: str | os.PathLike[str] | bytes | IO[bytes]) -> None:
        """Replace the server's whole state with a snapshot archive (a path, the archive's
        bytes or a binary file): the fixture-seeding pattern of docs/snapshots.md. On an
        external endpoint (``--s3-endpoint``) this is ``PUT /_fakes3/snapshot``: a fakes3 only."""
        if isinstance(archive, bytes):
            self._restore(io.BytesIO(archive), len(archive))
        elif isinstance(archive, (str, os.PathLike)):
            with open(archive, "rb") as source:
                self._restore(source, os.fstat(source.fileno()).st_size)
        else:
            if not self.server.is_external:
                self.app.restore(archive)
                return
            data = archive.read()
            self._restore(io.BytesIO(data), len(data))

    def _restore(self, source: IO[bytes], size: int) -> None:
        if self.server.is_external:
            from fakes3.snapshot_cli import upload

            upload(self.endpoint_url, source, size)
        else:
            self.app.restore(source)

    def snapshot(self, target: str | os.PathLike[str] | IO[bytes] | None = None) -> bytes | None:
        """The server's whole state as a snapshot archive: written to ``target`` (a path or a
        binary file), or returned as bytes when no target is given (``GET /_fakes3/snapshot``
        on an external endpoint)."""
        if target is None:
            buffer = io.BytesIO()
            self._snapshot(buffer)
            return buffer.getvalue()
        if isinstance(target, (str, os.PathLike)):
            with open(target, "wb") as out:
                self._snapshot(out)
        else:
            self._snapshot(target)
        return None

    def _snapshot(self, target: IO[bytes]) -> None:
        if self.server.is_external:
            from fakes3.snapshot_cli import download

            download(self.endpoint_url, target)
        else:
            self.app.snapshot(target)

    def settle(self) -> None:
        """Make every change visible to every read now."""
        self.consistency.settle()

    def advance(self, seconds: float) -> float:
        """Step the server's manual clock (installed if it ran on the wall clock); a step
        across a day boundary runs a lifecycle pass before returning."""
        return self.consistency.advance(seconds)

    @property
    def lifecycle(self) -> Lifecycle:
        """Lifecycle passes (docs/lifecycle.md): ``run()`` one now, ``day`` seconds a day."""
        return self.app.lifecycle

    @property
    def notifications(self) -> Notifications:
        """Event notifications sent (docs/notifications.md): ``assert_emitted(event, key=)``,
        ``filter(...)``, ``webhooks`` (ARN -> URL), ``wait_delivered()``."""
        return self.app.notifications

    def environment(self) -> dict[str, str | None]:
        """The AWS variables a test runs with (None: removed); see ``aws_environment``."""
        server = self.server
        return aws_environment(
            server.endpoint_url,
            self.region,
            server.config_dir,
            server.access_key,
            server.secret_key,
        )

    @contextmanager
    def patched_environment(self) -> Iterator[None]:
        """Apply ``environment()`` to ``os.environ`` for the block (the fixture uses pytest's
        monkeypatch instead)."""
        saved = {name: os.environ.get(name) for name in self.environment()}
        try:
            _apply(self.environment(), os.environ)
            yield
        finally:
            _apply(saved, os.environ)

    def _client_kwargs(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        server = self.server
        merged: dict[str, Any] = {
            "endpoint_url": server.endpoint_url,
            "region_name": self.region,
            "aws_access_key_id": server.access_key,
            "aws_secret_access_key": server.secret_key,
        }
        merged.update(kwargs)
        return merged

    def client(self, **kwargs: Any) -> Any:
        """A boto3 S3 client for this endpoint (keyword arguments override, e.g. ``config=``)."""
        return self.server.boto3_session().client("s3", **self._client_kwargs(kwargs))

    def resource(self, **kwargs: Any) -> Any:
        """A boto3 S3 service resource for this endpoint."""
        return self.server.boto3_session().resource("s3", **self._client_kwargs(kwargs))

    def create_bucket(self, name: str | None = None, **kwargs: Any) -> str:
        """Create a bucket (a fresh unique name by default) and return its name.

        On an external endpoint the buckets made here are emptied and deleted after the test.
        """
        name = name or f"test-{uuid.uuid4().hex[:20]}"
        if self.region != "us-east-1" and "CreateBucketConfiguration" not in kwargs:
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.client().create_bucket(Bucket=name, **kwargs)
        self._created.append(name)
        return name

    def new_errors(self) -> list[BaseException]:
        """Exceptions raised inside the server since this handle was made."""
        return self.server.errors_since(self._error_mark)

    def cleanup(self) -> None:
        """On an external endpoint, empty and delete the buckets ``create_bucket`` made."""
        if not self.server.is_external or not self._created:
            return
        client = self.client()
        for name in self._created:
            _delete_bucket(client, name)
        self._created.clear()

    def _external_reason(self, what: str) -> str:
        return (
            f"fakes3 {what} is not available: the tests run against the external endpoint "
            f"{self.endpoint_url} (--s3-endpoint)"
        )

    def __repr__(self) -> str:
        return f"<Fakes3 {self.server.backend} {self.endpoint_url}>"


def _apply(environment: Mapping[str, str | None], target: Any) -> None:
    for name, value in environment.items():
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value


def _delete_bucket(client: Any, name: str) -> None:
    from botocore.exceptions import ClientError

    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=name, Delete={"Objects": keys})
        client.delete_bucket(Bucket=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise
