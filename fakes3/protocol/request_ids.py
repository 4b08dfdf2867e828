"""The two ids S3 puts on every answer: ``x-amz-request-id`` and ``x-amz-id-2`` (the host id)."""

from __future__ import annotations

import base64
import itertools
import os

# Unique, not secret: a counter from a random start (a process's ids look unrelated to another
# process's), so a request costs one increment and one format, not two draws of random bytes.
_START = int.from_bytes(os.urandom(8), "big")
_COUNTER = itertools.count(_START)  # next() is atomic under the GIL: no lock needed
_MASK = (1 << 64) - 1
# The host id: 48 random base64 characters for this process, then the request id (hex digits
# are base64 characters too): 64 characters, as S3's, different for every request.
_HOST = base64.b64encode(os.urandom(36)).decode("ascii")


def new_request_ids() -> tuple[str, str]:
    """A request id (16 hex digits, as S3's) and a host id (64 base64 characters)."""
    request_id = f"{next(_COUNTER) & _MASK:016X}"
    return request_id, _HOST + request_id
