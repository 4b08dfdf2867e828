"""The two ids S3 puts on every answer: ``x-amz-request-id`` and ``x-amz-id-2`` (the host id)."""

from __future__ import annotations

import base64
import os
import random

# Unique, not secret: a private generator (no system call per request; the user's own
# ``random`` state is left alone).
_IDS = random.Random(os.urandom(16))


def new_request_ids() -> tuple[str, str]:
    """A request id (16 hex digits, as S3's) and a host id (64 base64 characters)."""
    return f"{_IDS.getrandbits(64):016X}", base64.b64encode(_IDS.randbytes(48)).decode("ascii")
