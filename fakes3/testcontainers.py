"""``FakeS3Container``: the fakes3 image as a testcontainers-python module.

Needs the extra ``fakes3[testcontainers]`` and an image built from this repository's
Dockerfile (``docker build -t fakes3 .``). In the style of testcontainers' own modules
(``MinioContainer``, ``LocalStackContainer``)::

    with FakeS3Container(buckets=["uploads"]) as fakes3:
        s3 = fakes3.get_client()
        s3.put_object(Bucket="uploads", Key="a.txt", Body=b"hi")

``start()`` returns once the server answers ``/_fakes3/health`` on the mapped port, so the first
request of a test never races the server. See docs/container.md.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

from testcontainers.core.container import DockerContainer

__all__ = ["FakeS3Container"]

HEALTH_PATH = "/_fakes3/health"


class FakeS3Container(DockerContainer):
    """A fakes3 server in a container: memory by default, buckets created before it is ready."""

    def __init__(
        self,
        image: str = "fakes3:latest",
        port: int = 9000,
        *,
        buckets: Iterable[str] = (),
        region: str = "us-east-1",
        access_key: str = "test",
        secret_key: str = "test",
        startup_timeout: float = 30.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(image, **kwargs)
        self.port = port
        self.region = region
        self.access_key = access_key
        self.secret_key = secret_key
        self.startup_timeout = startup_timeout
        self.with_exposed_ports(port)
        self.with_env("FAKES3_PORT", str(port))
        self.with_env("FAKES3_REGION", region)
        self.with_env("FAKES3_QUIET", "1")
        if access_key != "test":  # test:test always exists; another pair becomes an account
            self.with_env("FAKES3_ACCOUNTS", f"{access_key}:{secret_key}")
        names = list(buckets)
        if names:
            self.with_env("FAKES3_BUCKETS", ",".join(names))

    def start(self) -> FakeS3Container:
        """Start the container and wait until fakes3 answers its health endpoint."""
        super().start()
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        url = self.get_endpoint_url() + HEALTH_PATH
        deadline = time.monotonic() + self.startup_timeout
        problem = "not tried"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
                    problem = f"status {response.status}"
            except (urllib.error.URLError, OSError) as exc:
                problem = str(exc)
            time.sleep(0.05)
        stdout, stderr = self.get_logs()
        raise TimeoutError(
            f"fakes3 did not answer {url} within {self.startup_timeout} s ({problem}); "
            f"container output: {(stdout + stderr).decode(errors='replace')[-2000:]}"
        )

    def get_endpoint_url(self) -> str:
        """``http://HOST:PORT`` of the server as seen from the test process."""
        host = self.get_container_host_ip()
        return f"http://{host}:{self.get_exposed_port(self.port)}"

    def get_config(self) -> dict[str, str]:
        """What a client needs: endpoint URL, keys and region."""
        return {
            "endpoint_url": self.get_endpoint_url(),
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region": self.region,
        }

    def get_client(self, **kwargs: Any) -> Any:
        """A boto3 S3 client for this server; keyword arguments go to ``boto3.client``."""
        import boto3

        options: dict[str, Any] = {
            "endpoint_url": self.get_endpoint_url(),
            "region_name": self.region,
            "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key,
        }
        options.update(kwargs)
        return boto3.client("s3", **options)

    def environment(self) -> dict[str, str]:
        """The AWS variables that point SDKs and the AWS CLI at this server."""
        url = self.get_endpoint_url()
        return {
            "AWS_ENDPOINT_URL": url,
            "AWS_ENDPOINT_URL_S3": url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }
