"""Server access logging: PutBucketLogging, GetBucketLogging."""

from __future__ import annotations

from fakes3.operations.context import Handler

HANDLERS: dict[str, Handler] = {}
