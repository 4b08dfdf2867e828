"""Configurations stored and returned, and the operations S3 answers without a store of its own.

Transfer acceleration, request payment and ABAC are one status each: fakes3 keeps them
faithfully (AWS's validation, defaults and errors) and does nothing more with them — no
accelerate endpoint, no requester billing, no tag-based access control. Replication and
notifications live in ``replication.py`` and ``notification.py`` beside this module.

GetObjectTorrent and ListDirectoryBuckets answer what S3 answers a general-purpose account
today: no torrents (BitTorrent was discontinued in 2021-22) and no directory buckets.
"""

from __future__ import annotations

from typing import Any

from fakes3.errors import InvalidArgument, InvalidRequest, MalformedXML, NoSuchKey
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.tokens import decode_token


def _status_in(allowed: tuple[str, ...], member: str = "Status") -> Any:
    """A validator for a one-member document whose value must be one of ``allowed``.

    AWS answers MalformedXML for a value outside the schema's enumeration (or none at all).
    """

    def validate(_ctx: Context, _params: Params, document: dict[str, Any]) -> dict[str, Any]:
        value = document.get(member)
        if value not in allowed:
            raise MalformedXML()
        return {member: value}

    return validate


_accelerate_status = _status_in(("Enabled", "Suspended"))


def _validate_accelerate(ctx: Context, params: Params, document: dict[str, Any]) -> Any:
    """https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html:
    the bucket name must not contain periods (the accelerate endpoint is a virtual host). The
    words are AWS's answer as LocalStack recorded it (put-bucket-accelerate-config-dot-bucket),
    not the error table's ("Amazon S3 …", with a final period)."""
    if "." in params["Bucket"]:
        raise InvalidRequest(
            "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"
        )
    return _accelerate_status(ctx, params, document)


ACCELERATE = BucketConfig(
    name="accelerate",
    get="GetBucketAccelerateConfiguration",
    put="PutBucketAccelerateConfiguration",
    validate=_validate_accelerate,
)
"""Get with nothing stored answers an empty ``<AccelerateConfiguration/>``, as S3 does."""

REQUEST_PAYMENT = BucketConfig(
    name="request-payment",
    get="GetBucketRequestPayment",
    put="PutBucketRequestPayment",
    default=lambda _ctx, _bucket: {"Payer": "BucketOwner"},
    validate=_status_in(("BucketOwner", "Requester"), member="Payer"),
)
"""https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html"""

ABAC = BucketConfig(
    name="abac",
    get="GetBucketAbac",
    put="PutBucketAbac",
    default=lambda _ctx, _bucket: {"Status": "Disabled"},
    validate=_status_in(("Enabled", "Disabled")),
)
"""https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html"""


def get_object_torrent(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTorrent.html

    S3 discontinued BitTorrent (no new use from April 2021, none at all after April 2022), so
    ``?torrent`` finds no torrent for any object: ``NoSuchKey``, after ``NoSuchBucket``.
    """
    ctx.store.get_bucket(params["Bucket"])
    raise NoSuchKey(Key=params["Key"])


def list_directory_buckets(_ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListDirectoryBuckets.html

    fakes3 has general-purpose buckets only, so an account has no directory buckets. The
    router sends it requests signed for ``s3express`` (``GET /``, as ListBuckets).
    """
    limit = params.get("MaxDirectoryBuckets")
    if limit is not None and not 0 <= limit <= 1000:
        raise InvalidArgument(
            "Argument max-directory-buckets must be an integer between 0 and 1000",
            ArgumentName="max-directory-buckets",
            ArgumentValue=limit,
        )
    if "ContinuationToken" in params:
        decode_token(params["ContinuationToken"])  # none was issued: only a bad one is caught
    return {"Buckets": []}


HANDLERS: dict[str, Handler] = {
    **ACCELERATE.handlers(),
    **REQUEST_PAYMENT.handlers(),
    **ABAC.handlers(),
    "GetObjectTorrent": get_object_torrent,
    "ListDirectoryBuckets": list_directory_buckets,
}
