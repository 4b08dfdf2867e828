"""Helpers for the realism tests: what a GET, HEAD or listing answered, as plain values."""

from __future__ import annotations

from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError


def body_of(s3: BaseClient, bucket: str, key: str, **kwargs: Any) -> bytes | str:
    """The object's bytes, or the error code a GET answers."""
    try:
        data: bytes = s3.get_object(Bucket=bucket, Key=key, **kwargs)["Body"].read()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return data


def head_of(s3: BaseClient, bucket: str, key: str) -> int | str:
    """The object's size, or the status a HEAD answers."""
    try:
        return int(s3.head_object(Bucket=bucket, Key=key)["ContentLength"])
    except ClientError as error:
        return str(error.response["Error"]["Code"])


def keys_of(s3: BaseClient, bucket: str, **kwargs: Any) -> list[str]:
    page = s3.list_objects_v2(Bucket=bucket, **kwargs)
    return [item["Key"] for item in page.get("Contents", [])]
