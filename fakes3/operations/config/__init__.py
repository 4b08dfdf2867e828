"""Bucket configurations: one small module per feature, each a declaration.

A module declares its configuration with ``BucketConfig`` (``declaration.py``) and exports
``HANDLERS``; the effects a configuration has on other requests attach at the seams named in
docs/architecture.md (response hooks, write defaults, the store's record rewrite), never as
branches in other handlers.
"""

from fakes3.operations.config import (
    bucket_logging,
    cors,
    encryption,
    keyed,
    lifecycle,
    metadata,
    notification,
    object_lock,
    ownership,
    policy,
    replication,
    simple,
    tagging,
    website,
)
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Handler

HANDLERS: dict[str, Handler] = {
    **tagging.HANDLERS,
    **cors.HANDLERS,
    **encryption.HANDLERS,
    **website.HANDLERS,
    **bucket_logging.HANDLERS,
    **simple.HANDLERS,
    **replication.HANDLERS,
    **notification.HANDLERS,
    **keyed.HANDLERS,
    **metadata.HANDLERS,
    **policy.HANDLERS,
    **object_lock.HANDLERS,
    **lifecycle.HANDLERS,
    **ownership.HANDLERS,
}

__all__ = ["HANDLERS", "BucketConfig"]
