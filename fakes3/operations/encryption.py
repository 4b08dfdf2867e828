"""Server-side encryption of objects: what a write asks for, what a read must present.

The rules every object handler calls, so PutObject, CopyObject, multipart uploads, POST
uploads, GetObject and HeadObject answer the same way:

- ``resolve_write``: the encryption a write asks for (SSE-S3, SSE-KMS, DSSE-KMS or SSE-C),
  checked as S3 checks it, or the bucket's default encryption when the write names none;
- ``check_read``: an SSE-C object is read only with its key (and only over TLS); any other
  object refuses SSE-C headers;
- ``check_part``: every part of an SSE-C upload presents the key the upload began with;
- ``echo``: the response members that say how an object is encrypted.

The resolved encryption is a dict of model member names (``ServerSideEncryption``,
``SSEKMSKeyId``, ``BucketKeyEnabled``, ``SSEKMSEncryptionContext``, ``SSECustomerAlgorithm``,
``SSECustomerKeyMD5``) stored on the object record; SSE-S3 is stored as ``{}`` (what every
object without one has). An SSE-C key is never stored: only a salted HMAC of it, under a name
no response member has, enough to recognise the key again (``customer_keys.py`` checks the
keys requests carry).

https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import uuid
from dataclasses import dataclass
from typing import Any

from fakes3.errors import (
    AccessDenied,
    InvalidArgument,
    InvalidRequest,
    NoSuchBucket,
)
from fakes3.operations.context import Context
from fakes3.operations.customer_keys import SSE_C_MUST, SSE_HEADER, CustomerKey
from fakes3.operations.customer_keys import Transport as Transport
from fakes3.operations.customer_keys import customer_key as customer_key
from fakes3.store import Store
from fakes3.store.sealing import Seal

SSE_S3 = "AES256"
KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})
ALGORITHMS = frozenset({SSE_S3, *KMS_ALGORITHMS})
# Since January 2023 S3 encrypts every new object with SSE-S3 and says so on every response.
DEFAULT_ENCRYPTION: dict[str, Any] = {"ServerSideEncryption": SSE_S3}
CONFIG_NAME = "encryption"  # the bucket configuration (operations/config/encryption.py)

_DIGEST = "_SSECustomerKeyHMAC"  # private: never a response member
_SEAL = "_SealIV"  # private: the initial counter block of bytes stored encrypted
_SSE = SSE_HEADER
_CONTEXT = "x-amz-server-side-encryption-context"
# Members a write may use to ask for encryption.
REQUEST_MEMBERS = (
    "ServerSideEncryption",
    "SSEKMSKeyId",
    "SSEKMSEncryptionContext",
    "BucketKeyEnabled",
    "SSECustomerAlgorithm",
    "SSECustomerKey",
    "SSECustomerKeyMD5",
)
_ECHOED = (
    "ServerSideEncryption",
    "SSEKMSKeyId",
    "BucketKeyEnabled",
    "SSEKMSEncryptionContext",
    "SSECustomerAlgorithm",
    "SSECustomerKeyMD5",
)
_NAMESPACE = uuid.UUID("6f1c1c8e-9d3f-4d5e-a3c1-5e2b7f9a0d41")  # fakes3's aws/s3 key ids


def asks_for_encryption(params: dict[str, Any]) -> bool:
    """Whether a write names any encryption."""
    return any(params.get(name) is not None for name in REQUEST_MEMBERS)


def copy_in_place_allowed(params: dict[str, Any], scope: Scope) -> bool:
    """A copy onto itself changes the object's encryption when it names any, or when its
    bucket has a default encryption configured (S3 allows both)."""
    return asks_for_encryption(params) or scope.default_rule() is not None


def refuse_sse_header(value: str | None) -> None:
    """GET, HEAD and UploadPart do not take ``x-amz-server-side-encryption``: 400."""
    if value is not None:
        raise InvalidArgument(
            f"{_SSE} header is not supported for this operation.",
            ArgumentName=_SSE,
            ArgumentValue=value,
        )


def kms_key_arn(key_id: str, region: str, account_id: str) -> str:
    """A KMS key as S3 echoes it: a key id or alias made into an ARN, an ARN as given."""
    if key_id.startswith("arn:"):
        return key_id
    if key_id.startswith("alias/"):
        return f"arn:aws:kms:{region}:{account_id}:{key_id}"
    return f"arn:aws:kms:{region}:{account_id}:key/{key_id}"


def default_kms_key(region: str, account_id: str) -> str:
    """The ARN of the account's AWS managed key ``aws/s3`` in ``region`` (a stable key id:
    S3 reports the key's ARN, not its alias)."""
    key_id = uuid.uuid5(_NAMESPACE, f"aws/s3:{account_id}:{region}")
    return f"arn:aws:kms:{region}:{account_id}:key/{key_id}"


def _check_context(value: str) -> None:
    """``x-amz-server-side-encryption-context``: base64 of a JSON string-to-string map."""
    try:
        decoded = json.loads(base64.b64decode(value, validate=True).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        decoded = None
    if not isinstance(decoded, dict) or not all(isinstance(v, str) for v in decoded.values()):
        raise InvalidArgument(
            f"The header '{_CONTEXT}' shall be Base64-encoded UTF-8 string holding JSON which "
            "represents a string-string map",
            ArgumentName=_CONTEXT,
            ArgumentValue=value,
        )


@dataclass(frozen=True)
class Scope:
    """Where a write lands: the store and bucket (for the default and the region) and the
    account whose ``aws/s3`` key SSE-KMS uses when the request names none."""

    store: Store
    bucket: str
    account_id: str
    key: str = ""
    action: str = "s3:PutObject"  # what a refusal says was not allowed

    def default_rule(self) -> dict[str, Any] | None:
        """The bucket's default encryption rule, if one was put (a dict lookup, cached)."""
        try:
            config = self.store.configs.get(self.bucket, CONFIG_NAME)
        except NoSuchBucket:  # the write itself says so, as the store checks it
            return None
        if not config:
            return None
        rules = config.get("Rules") or [{}]
        rule: dict[str, Any] = rules[0]
        return rule

    def denied(self) -> AccessDenied:
        """The 403 of an SSE-C write to a bucket that blocks SSE-C."""
        return AccessDenied(
            f"User: arn:aws:iam::{self.account_id}:root is not authorized to perform: "
            f'{self.action} on resource: "arn:aws:s3:::{self.bucket}/{self.key}" because this '
            "bucket has blocked upload requests that specify Server Side Encryption with "
            "Customer provided keys (SSE-C). Please specify a different server-side "
            "encryption type"
        )

    def region(self) -> str:
        return self.store.bucket_now(self.bucket).region

    def kms(self, algorithm: str, key_id: str | None, bucket_key: bool) -> dict[str, Any]:
        region = self.region()
        arn = (
            kms_key_arn(key_id, region, self.account_id)
            if key_id
            else default_kms_key(region, self.account_id)
        )
        resolved: dict[str, Any] = {"ServerSideEncryption": algorithm, "SSEKMSKeyId": arn}
        if bucket_key and algorithm == "aws:kms":
            resolved["BucketKeyEnabled"] = True
        return resolved


def resolve_write(params: dict[str, Any], scope: Scope, transport: Transport) -> dict[str, Any]:
    """The encryption a new object gets from a write's request members, as S3 decides it.

    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
    """
    customer = customer_key(params, transport)
    sse = params.get("ServerSideEncryption")
    key_id = params.get("SSEKMSKeyId")
    context = params.get("SSEKMSEncryptionContext")
    if sse is not None and sse not in ALGORITHMS:
        raise InvalidArgument(
            "The encryption method specified is not supported",
            ArgumentName=_SSE,
            ArgumentValue=sse,
        )
    if customer is not None and sse is not None:
        raise InvalidArgument(
            "Server Side Encryption with Customer provided key is incompatible with the "
            "encryption method specified",
            ArgumentName=_SSE,
            ArgumentValue=sse,
        )
    if (key_id is not None or context is not None) and sse not in KMS_ALGORITHMS:
        raise InvalidArgument(
            f"Server Side Encryption with AWS KMS managed key requires HTTP header {_SSE} : "
            "aws:kms",
            ArgumentName=_SSE,
            ArgumentValue=sse or "null",
        )
    if context is not None:
        _check_context(context)
    rule = scope.default_rule()
    if customer is not None:
        if _blocks_customer_keys(rule):
            raise scope.denied()
        return {
            "SSECustomerAlgorithm": SSE_S3,
            "SSECustomerKeyMD5": customer.md5,
            _DIGEST: customer.digest(),
        }
    bucket_key = params.get("BucketKeyEnabled")
    if sse in KMS_ALGORITHMS:
        if bucket_key is None and rule is not None:
            bucket_key = bool(rule.get("BucketKeyEnabled"))
        resolved = scope.kms(sse, key_id, bool(bucket_key))
        if context is not None:
            resolved["SSEKMSEncryptionContext"] = context
        return resolved
    if sse is None and rule is not None:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = default.get("SSEAlgorithm", SSE_S3)
        if algorithm in KMS_ALGORITHMS:
            if bucket_key is None:
                bucket_key = bool(rule.get("BucketKeyEnabled"))
            return scope.kms(algorithm, default.get("KMSMasterKeyID"), bool(bucket_key))
    return {}


def _blocks_customer_keys(rule: dict[str, Any] | None) -> bool:
    """Whether the bucket's rule blocks SSE-C writes (``BlockedEncryptionTypes``)."""
    if rule is None:
        return False
    blocked = rule.get("BlockedEncryptionTypes") or {}
    return "SSE-C" in (blocked.get("EncryptionType") or ())


def check_read(
    params: dict[str, Any],
    encryption: dict[str, Any],
    transport: Transport,
    copy_source: bool = False,
) -> CustomerKey | None:
    """GET/HEAD of an object, or a copy's source: an SSE-C object needs its key, any other
    object refuses SSE-C headers.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
    """
    customer = customer_key(params, transport, copy_source)
    digest = encryption.get(_DIGEST) if encryption else None
    if digest is None:
        if customer is not None:
            raise InvalidRequest("The encryption parameters are not applicable to this object.")
        return None
    if customer is None:
        raise InvalidRequest(
            "The object was stored using a form of Server Side Encryption. The correct "
            "parameters must be provided to retrieve the object."
        )
    if not customer.matches(digest):
        if copy_source:
            raise AccessDenied()
        raise AccessDenied(f"{SSE_C_MUST} provide the correct secret key.")
    return customer


def seal(params: dict[str, Any], transport: Transport, resolved: dict[str, Any]) -> Seal | None:
    """For a write whose bytes go through fakes3 (PutObject, POST, CopyObject): the seal an
    SSE-C object's bytes are stored under (``fakes3.store.sealing``), its initial counter
    block noted in ``resolved``; None for any other encryption."""
    if _DIGEST not in resolved:
        return None
    customer = customer_key(params, transport)
    assert customer is not None  # resolve_write found it
    iv = os.urandom(16)
    resolved[_SEAL] = iv.hex()
    return Seal(customer.key, iv)


def opened(encryption: dict[str, Any], customer: CustomerKey | None) -> Seal | None:
    """The seal of an object stored encrypted, given the key ``check_read`` accepted; None
    for bytes stored as they are (every object but single-part SSE-C ones)."""
    iv = encryption.get(_SEAL) if encryption else None
    if iv is None or customer is None:
        return None
    return Seal(customer.key, bytes.fromhex(iv))


def check_part(
    params: dict[str, Any],
    encryption: dict[str, Any],
    transport: Transport,
    blocked: Scope | None = None,
) -> None:
    """UploadPart / UploadPartCopy (and the optional triple of ListParts and
    CompleteMultipartUpload): the key the upload was created with, or none if it had none.
    With ``blocked`` (a write of new data), a bucket that now blocks SSE-C refuses it."""
    customer = customer_key(params, transport)
    digest = encryption.get(_DIGEST) if encryption else None
    if (digest is None) != (customer is None):  # S3 says the same both ways round
        raise InvalidRequest(
            "The multipart upload initiate requested encryption. Subsequent part requests "
            "must include the appropriate encryption parameters."
        )
    if customer is None or digest is None:
        return
    if blocked is not None and _blocks_customer_keys(blocked.default_rule()):
        raise blocked.denied()
    if not customer.matches(digest):
        raise InvalidRequest(
            "The provided encryption parameters did not match the ones used originally."
        )


def check_optional_key(
    params: dict[str, Any],
    encryption: dict[str, Any],
    transport: Transport,
    blocked: Scope | None = None,
) -> None:
    """ListParts and CompleteMultipartUpload take an SSE-C triple S3 needs only in some
    cases: when one is sent it must be well formed and the upload's key."""
    if customer_key(params, transport) is not None:
        check_part(params, encryption, transport, blocked)


def echo(encryption: dict[str, Any]) -> dict[str, Any]:
    """The response members that say how an object is encrypted."""
    if not encryption:
        return DEFAULT_ENCRYPTION
    return {name: encryption[name] for name in _ECHOED if name in encryption}


def is_customer_key(encryption: dict[str, Any]) -> bool:
    return bool(encryption) and _DIGEST in encryption


def transport_of(ctx: Context) -> Transport:
    return Transport(ctx.request.secure, ctx.settings.allow_insecure_ssec)


def scope_of(ctx: Context, bucket: str, key: str = "", action: str = "s3:PutObject") -> Scope:
    account = ctx.account or ctx.accounts.default
    return Scope(ctx.store, bucket, account.account_id, key, action)
