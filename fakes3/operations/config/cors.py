"""CORS configuration: PutBucketCors, GetBucketCors, DeleteBucketCors (effects: fakes3/cors.py)."""

from __future__ import annotations

from fakes3.operations.context import Handler

HANDLERS: dict[str, Handler] = {}
