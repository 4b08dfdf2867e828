"""SSE-C keys as requests carry them: checked as S3 checks them, kept only as a salted HMAC.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from fakes3.errors import InvalidArgument, InvalidEncryptionAlgorithmError, InvalidRequest

SSE_HEADER = "x-amz-server-side-encryption"
_SSE = SSE_HEADER
_ALGORITHM = "AES256"
_CUSTOMER = "x-amz-server-side-encryption-customer-"
_COPY_CUSTOMER = "x-amz-copy-source-server-side-encryption-customer-"
SSE_C_MUST = "Requests specifying Server Side Encryption with Customer provided keys must"


@dataclass(frozen=True)
class Transport:
    """What the SSE-C rules need of the exchange: TLS, and whether plain HTTP is allowed."""

    secure: bool
    allow_insecure: bool = False


@dataclass(frozen=True)
class CustomerKey:
    """A checked SSE-C key: 32 raw bytes and the base64 MD5 the client sent."""

    key: bytes
    md5: str

    def digest(self, salt: bytes | None = None) -> str:
        """A salted HMAC of the key: what the object keeps instead of it."""
        salt = salt if salt is not None else os.urandom(16)
        mac = hmac.new(salt, self.key, hashlib.sha256).hexdigest()
        return f"{salt.hex()}:{mac}"

    def matches(self, digest: str) -> bool:
        salt, _, _mac = digest.partition(":")
        return hmac.compare_digest(self.digest(bytes.fromhex(salt)), digest)


# The SSE-C triple's model members, for the object written and for a copy's source.
_MEMBERS = ("SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5")
_COPY_SOURCE_MEMBERS = (
    "CopySourceSSECustomerAlgorithm",
    "CopySourceSSECustomerKey",
    "CopySourceSSECustomerKeyMD5",
)


def customer_key(
    params: dict[str, Any], transport: Transport, copy_source: bool = False
) -> CustomerKey | None:
    """The SSE-C triple (``CopySource``-prefixed for a copy's source), checked as S3 does;
    None if the request has none of it."""
    names = _COPY_SOURCE_MEMBERS if copy_source else _MEMBERS
    header = _COPY_CUSTOMER if copy_source else _CUSTOMER
    algorithm, key, md5 = (params.get(name) for name in names)
    if algorithm is None and key is None and md5 is None:
        return None
    if not transport.secure and not transport.allow_insecure:
        raise InvalidRequest(f"{SSE_C_MUST} be made over a secure connection.")
    # S3's order, as recorded: algorithm, key, MD5, the MD5 against the key, then its length;
    # most answers name x-amz-server-side-encryption whichever header is wrong.
    if algorithm is None:
        raise InvalidArgument(
            f"{SSE_C_MUST} provide a valid encryption algorithm.",
            ArgumentName=_SSE,
            ArgumentValue="null",
        )
    if algorithm != _ALGORITHM:
        raise InvalidEncryptionAlgorithmError(
            "The Encryption request you specified is not valid. Supported value: AES256.",
            ArgumentName=_SSE,
            ArgumentValue=algorithm,
        )
    if key is None:
        raise InvalidArgument(
            f"{SSE_C_MUST} provide an appropriate secret key.",
            ArgumentName=_SSE,
            ArgumentValue="null",
        )
    if md5 is None:
        raise InvalidArgument(
            f"{SSE_C_MUST} provide the client calculated MD5 of the secret key.",
            ArgumentName=header + "MD5",
            ArgumentValue="null",
        )
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if raw and base64.b64encode(hashlib.md5(raw).digest()).decode("ascii") != md5:
        raise InvalidArgument(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
            ArgumentName=_SSE,
            ArgumentValue="null",
        )
    if len(raw) != 32:
        raise InvalidArgument(
            "The secret key was invalid for the specified algorithm.",
            ArgumentName=_SSE,
            ArgumentValue="null",
        )
    return CustomerKey(raw, md5)
