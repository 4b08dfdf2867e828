"""Bucket versioning configuration: PutBucketVersioning and GetBucketVersioning.

What versioning does to writes, deletes and reads is the store's (``fakes3.store.versioning``).
"""

from __future__ import annotations

from fakes3.errors import (
    IllegalVersioningConfigurationException,
    MalformedXML,
    NotImplementedByFakeS3,
)
from fakes3.operations import object_lock
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.store.versioning import ENABLED, SUSPENDED


def put_bucket_versioning(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html

    ``Enabled`` or ``Suspended``; a bucket never returns to unversioned. MFA delete needs
    MFA devices, which fakes3 does not model: enabling it answers NotImplemented.
    """
    config = params.get("VersioningConfiguration") or {}
    status = config.get("Status")
    if status is None:
        raise IllegalVersioningConfigurationException()
    if status not in (ENABLED, SUSPENDED):
        raise MalformedXML()
    if config.get("MFADelete") == "Enabled":
        raise NotImplementedByFakeS3("fakes3 does not implement MFA delete.")
    object_lock.check_versioning(ctx, params["Bucket"], status)
    ctx.store.set_versioning(params["Bucket"], status)
    return {}


def get_bucket_versioning(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html

    A bucket that has never had versioning answers an empty configuration, as in S3.
    """
    status = ctx.store.get_bucket(params["Bucket"]).versioning
    return {"Status": status} if status else {}


HANDLERS: dict[str, Handler] = {
    "PutBucketVersioning": put_bucket_versioning,
    "GetBucketVersioning": get_bucket_versioning,
}
