"""Response hooks: cross-cutting HTTP behaviour that wraps every bucket request's answer.

A hook sees the request as the protocol layer parsed it and the response about to be sent
(success or S3 error), and returns the response to send: CORS adds its headers here. No
handler knows about hooks, and a hook never changes what the store holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fakes3.protocol.parsing import WireRequest
from fakes3.protocol.serializing import WireResponse
from fakes3.store import Store


@dataclass
class Exchange:
    """One request on its way through the app, for the hooks."""

    request: WireRequest
    store: Store
    operation: str | None = None  # the S3 operation, once routed
    error_code: str | None = None  # the S3 error answered, if any


ResponseHook = Callable[[Exchange, WireResponse], WireResponse]


def response_hooks() -> list[ResponseHook]:
    """The hooks every app runs on a bucket request's response, in order."""
    from fakes3 import access_logs, cors

    return [cors.response_headers, access_logs.response_hook]
