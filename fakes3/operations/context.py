"""What every operation handler receives besides its input dict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakes3.auth.accounts import DEFAULT_ACCOUNT, Account, Accounts
from fakes3.protocol.parsing import WireRequest
from fakes3.settings import Settings
from fakes3.store import Store
from fakes3.store.records import BucketRecord

Params = dict[str, Any]


def anyone_may(key: str, version_id: str | None) -> None:
    """No per-key decision: the request's own decision covered every key."""


Output = dict[str, Any]

# The default account's owner element (an example canonical id from the S3 docs).
DEFAULT_OWNER = DEFAULT_ACCOUNT.owner


@dataclass
class Context:
    store: Store
    settings: Settings
    request: WireRequest
    account: Account | None = DEFAULT_ACCOUNT  # who is asking; None: anonymous (strict mode)
    accounts: Accounts = field(default_factory=Accounts)
    # DeleteObjects under a key-dependent bucket policy: raises AccessDenied for a key the
    # caller may not delete (the decision is auth/authorize.py's; the handler only asks).
    may_delete: Callable[[str, str | None], None] = anyone_may

    @property
    def owner_id(self) -> str:
        """The canonical id new buckets get: the caller's."""
        return (self.account or self.accounts.default).canonical_id

    def owner_of(self, bucket: BucketRecord) -> dict[str, str]:
        """The ``Owner`` element of ``bucket`` (and, until ACLs, of its objects)."""
        return self.accounts.owner(bucket.owner)

    def owns(self, bucket: BucketRecord) -> bool:
        return (bucket.owner or self.accounts.default.canonical_id) == self.owner_id


Handler = Callable[[Context, Params], Output]
