"""One small function per S3 operation, grouped by resource; ``HANDLERS`` maps model names."""

from fakes3.operations import (
    acls,
    buckets,
    config,
    copy,
    listing,
    multipart,
    object_attributes,
    object_encryption,
    objects,
    restore,
    retention,
    tagging,
    versioning,
)
from fakes3.operations.context import Context, Handler

HANDLERS: dict[str, Handler] = {
    **buckets.HANDLERS,
    **objects.HANDLERS,
    **tagging.HANDLERS,
    **copy.HANDLERS,
    **listing.HANDLERS,
    **versioning.HANDLERS,
    **object_attributes.HANDLERS,
    **object_encryption.HANDLERS,
    **multipart.HANDLERS,
    **config.HANDLERS,
    **acls.HANDLERS,
    **retention.HANDLERS,
    **restore.HANDLERS,
}

__all__ = ["HANDLERS", "Context", "Handler"]
