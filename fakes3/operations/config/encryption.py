"""Default bucket encryption: PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption."""

from __future__ import annotations

from fakes3.operations.context import Handler

HANDLERS: dict[str, Handler] = {}
