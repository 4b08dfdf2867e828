"""UpdateObjectEncryption: re-encrypt a stored object (version) under an SSE-KMS key.

The object keeps its bytes, ETag, dates, storage class and checksum; only the encryption its
GET/HEAD report changes. The rules follow the API reference's list of errors.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from fakes3.errors import AccessDenied, InvalidRequest
from fakes3.operations import encryption
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.store.records import ObjectRecord

_KEY_ARN = re.compile(r"arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:([0-9]{12}):key/.+")
_PREFIX = "Requests that modify an object"


def update_object_encryption(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_UpdateObjectEncryption.html"""
    bucket = params["Bucket"]
    record = ctx.store.get_bucket(bucket)
    target: dict[str, Any] = (params.get("ObjectEncryption") or {}).get("SSEKMS") or {}
    if not target:
        raise InvalidRequest(
            f"{_PREFIX} encryption configuration require a valid new encryption type. Valid "
            "values are SSEKMS. Modify the request to specify SSE-KMS for the updated encryption "
            "type, and then try again."
        )
    arn = target.get("KMSKeyArn")
    if not arn:
        raise InvalidRequest(
            f"{_PREFIX}'s encryption type to SSE-KMS require an AWS KMS key Amazon Resource "
            "Name (ARN). Modify the request to specify a KMS key ARN, and then try again."
        )
    match = _KEY_ARN.fullmatch(arn)
    if match is None:
        raise InvalidRequest(
            f"{_PREFIX}'s encryption type to SSE-KMS require a valid AWS KMS key Amazon "
            "Resource Name (ARN). Confirm that you have a correctly formatted KMS key ARN in "
            "your request, and then try again."
        )
    owner = ctx.accounts.by_canonical_id(record.owner or ctx.accounts.default.canonical_id)
    if owner is not None and match[1] != owner.account_id:
        raise AccessDenied(
            "The AWS KMS key in the request must be owned by the same account as the bucket. "
            "Modify the request to specify a KMS key from the same account, and then try again."
        )
    new: dict[str, Any] = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": arn}
    if target.get("BucketKeyEnabled"):
        new["BucketKeyEnabled"] = True

    def change(current: ObjectRecord) -> ObjectRecord:
        now = current.encryption
        if encryption.is_customer_key(now) or now.get("ServerSideEncryption") == "aws:kms:dsse":
            raise InvalidRequest(
                "The UpdateObjectEncryption operation doesn't support source objects with the "
                "encryption type DSSE-KMS or SSE-C. Only source objects encrypted with SSE-S3 or "
                "SSE-KMS are supported."
            )
        return replace(current, encryption=new)

    ctx.store.rewrite_object(bucket, params["Key"], params.get("VersionId"), change)
    return {}


HANDLERS: dict[str, Handler] = {"UpdateObjectEncryption": update_object_encryption}
