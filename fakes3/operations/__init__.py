"""One small function per S3 operation, grouped by resource; ``HANDLERS`` maps model names."""

from fakes3.operations import buckets, copy, listing, multipart, objects
from fakes3.operations.context import Context, Handler

HANDLERS: dict[str, Handler] = {
    **buckets.HANDLERS,
    **objects.HANDLERS,
    **copy.HANDLERS,
    **listing.HANDLERS,
    **multipart.HANDLERS,
}

__all__ = ["HANDLERS", "Context", "Handler"]
