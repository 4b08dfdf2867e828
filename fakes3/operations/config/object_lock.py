"""GetObjectLockConfiguration / PutObjectLockConfiguration, declared (no Delete: S3 has none).

The rules and their effects on writes are in ``fakes3.operations.object_lock``.
"""

from __future__ import annotations

from fakes3.errors import MissingRequestBodyError, ObjectLockConfigurationNotFoundError
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Handler
from fakes3.operations.object_lock import NAME, validate

OBJECT_LOCK = BucketConfig(
    name=NAME,
    get="GetObjectLockConfiguration",
    put="PutObjectLockConfiguration",
    missing=ObjectLockConfigurationNotFoundError,
    validate=validate,
    empty=MissingRequestBodyError,  # as AWS answers a Put without a body
)
HANDLERS: dict[str, Handler] = OBJECT_LOCK.handlers()
