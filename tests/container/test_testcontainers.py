"""fakes3.testcontainers.FakeS3Container against the image scripts/container-check.sh built."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError

from fakes3.testcontainers import FakeS3Container

IMAGE = os.environ["FAKES3_IMAGE"]


def test_container_serves_s3_with_precreated_buckets() -> None:
    with FakeS3Container(IMAGE, buckets=["uploads", "reports"]) as fakes3:
        s3 = fakes3.get_client()
        assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == ["reports", "uploads"]
        s3.put_object(Bucket="uploads", Key="a.txt", Body=b"hi")
        assert s3.get_object(Bucket="uploads", Key="a.txt")["Body"].read() == b"hi"
        with pytest.raises(ClientError) as error:
            s3.head_bucket(Bucket="missing")
        assert error.value.response["Error"]["Code"] == "404"


def test_custom_keys_region_and_environment_reach_the_aws_cli() -> None:
    with FakeS3Container(IMAGE, region="eu-west-1", access_key="ci", secret_key="secret") as c:
        assert c.get_config()["region"] == "eu-west-1"
        c.get_client().create_bucket(
            Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        environment = {**os.environ, **c.environment()}
        listing = subprocess.run(
            [sys.executable, "-m", "awscli", "s3", "ls"],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "eu-bucket" in listing.stdout


def test_stop_removes_the_container() -> None:
    container = FakeS3Container(IMAGE).start()
    container_id = container.get_container_id()
    container.stop()
    inspect = subprocess.run(["docker", "inspect", container_id], capture_output=True)
    assert inspect.returncode != 0
