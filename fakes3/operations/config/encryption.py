"""Default bucket encryption: PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption.

Since January 2023 every bucket has SSE-S3 default encryption, so GetBucketEncryption never
answers ``ServerSideEncryptionConfigurationNotFoundError`` for a general purpose bucket: a new
bucket, or one whose configuration was deleted (DeleteBucketEncryption "resets the default
encryption for the bucket as SSE-S3"), answers the AES256 rule. Writes that name no
encryption get the stored rule through ``fakes3.operations.encryption.resolve_write``.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
"""

from __future__ import annotations

from typing import Any

from fakes3.errors import InvalidArgument, MalformedXML
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Context, Handler, Params
from fakes3.operations.encryption import ALGORITHMS, CONFIG_NAME, KMS_ALGORITHMS, SSE_S3

_BLOCKABLE = frozenset({"NONE", "SSE-C"})


def default_configuration(_ctx: Context | None = None, _bucket: str = "") -> dict[str, Any]:
    """What GetBucketEncryption answers for a bucket nobody configured: SSE-S3."""
    return {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": SSE_S3},
                "BucketKeyEnabled": False,
            }
        ]
    }


def _validate(_ctx: Context, _params: Params, document: dict[str, Any]) -> dict[str, Any]:
    """One rule: an algorithm S3 knows (a KMS key only with aws:kms*), a bucket key flag,
    and which encryption types writes may not use."""
    rules = document.get("Rules") or []
    if len(rules) != 1:
        raise MalformedXML()
    rule = rules[0]
    by_default = rule.get("ApplyServerSideEncryptionByDefault")
    stored: dict[str, Any] = {}
    if by_default is not None:
        algorithm = by_default.get("SSEAlgorithm")
        if algorithm not in ALGORITHMS:
            raise MalformedXML()
        key_id = by_default.get("KMSMasterKeyID")
        if key_id is not None and algorithm not in KMS_ALGORITHMS:
            raise InvalidArgument(
                "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms "
                "or aws:kms:dsse",
                ArgumentName="ApplyServerSideEncryptionByDefault",
            )
        stored["ApplyServerSideEncryptionByDefault"] = {
            "SSEAlgorithm": algorithm,
            **({"KMSMasterKeyID": key_id} if key_id else {}),
        }
    elif rule.get("BlockedEncryptionTypes") is None:
        raise MalformedXML()
    else:
        stored["ApplyServerSideEncryptionByDefault"] = {"SSEAlgorithm": SSE_S3}
    stored["BucketKeyEnabled"] = bool(rule.get("BucketKeyEnabled"))
    blocked = rule.get("BlockedEncryptionTypes")
    if blocked is not None:
        types = list(blocked.get("EncryptionType") or [])
        if not types or any(kind not in _BLOCKABLE for kind in types):
            raise MalformedXML()
        stored["BlockedEncryptionTypes"] = {"EncryptionType": types}
    return {"Rules": [stored]}


ENCRYPTION = BucketConfig(
    name=CONFIG_NAME,
    get="GetBucketEncryption",
    put="PutBucketEncryption",
    delete="DeleteBucketEncryption",
    default=default_configuration,
    validate=_validate,
)

HANDLERS: dict[str, Handler] = ENCRYPTION.handlers()
