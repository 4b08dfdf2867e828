"""Shared pieces of the CORS API tests: rules, the answers S3 gives, small request helpers."""

from __future__ import annotations

from typing import Any

import requests
from api_helpers import Raw
from botocore.client import BaseClient

ORIGIN = "https://app.example.com"
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
    "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
    "are not whitelisted by the resource's CORS spec."
)
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
APP_RULE: dict[str, Any] = {
    "ID": "app",
    "AllowedHeaders": ["x-amz-meta-*", "Content-Type"],
    "AllowedMethods": ["GET", "PUT", "HEAD"],
    "AllowedOrigins": ["https://*.example.com"],
    "ExposeHeaders": ["ETag", "x-amz-request-id"],
    "MaxAgeSeconds": 600,
}
PUBLIC_RULE: dict[str, Any] = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}


def put_cors(s3: BaseClient, bucket: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": list(rules)})


def cors_headers(response: requests.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


def preflight(raw: Raw, path: str, method: str = "GET", **headers: str) -> requests.Response:
    sent = {"Origin": ORIGIN, "Access-Control-Request-Method": method}
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    return raw("OPTIONS", path, headers=sent)
