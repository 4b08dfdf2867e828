"""The one way tests build a boto3 S3 client: default configuration, test credentials."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.client import BaseClient


def client_for(endpoint: str, **kwargs: Any) -> BaseClient:
    """A boto3 S3 client for ``endpoint`` (extra kwargs such as ``config=`` pass through)."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        **kwargs,
    )
