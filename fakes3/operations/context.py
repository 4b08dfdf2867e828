"""What every operation handler receives besides its input dict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakes3.protocol.parsing import WireRequest
from fakes3.settings import Settings
from fakes3.store import Store

Params = dict[str, Any]
Output = dict[str, Any]

# The single account fakes3 has until accounts arrive (an example canonical id from the S3 docs).
DEFAULT_OWNER = {
    "ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
    "DisplayName": "fakes3",
}


@dataclass
class Context:
    store: Store
    settings: Settings
    request: WireRequest


Handler = Callable[[Context, Params], Output]
