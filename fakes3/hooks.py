"""Response hooks: cross-cutting HTTP behaviour that wraps every bucket request's answer.

A hook sees the request as the protocol layer parsed it and the response about to be sent
(success or S3 error), and returns the response to send: CORS adds its headers here. No
handler knows about hooks, and a hook never changes what the store holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fakes3.auth.accounts import Account
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
    request_id: str = ""  # x-amz-request-id and x-amz-id-2, as answered
    host_id: str = ""
    started: float = 0.0  # time.perf_counter() when the request arrived
    account: Account | None = None  # who asked (None: anonymous)


ResponseHook = Callable[[Exchange, WireResponse], WireResponse]


def response_hooks() -> list[ResponseHook]:
    """The stateless hooks every app runs on a bucket request's response, in order (the app
    appends its own stateful ones: access logs)."""
    from fakes3 import cors

    return [cors.response_headers]
