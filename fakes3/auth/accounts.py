"""Accounts: who a request acts as, and the keys that prove it.

An account is what S3 calls a principal with credentials: an access key id and secret, plus the
canonical user id and display name S3 shows as an owner, an email and a 12-digit account id.
Accounts come from specs
``ACCESS_KEY:SECRET_KEY[:CANONICAL_ID[:DISPLAY_NAME[:EMAIL[:SESSION_TOKEN]]]]``; the parts left
out (or left empty) are derived from a hash of the access key (an account with no session
token has long-term keys, as an IAM user's), so the same spec
gives the same ids on every run. The registry always holds the default account ``test`` /
``test`` (unless a spec redefines the key ``test``): zero configuration works, and the default
account's canonical id is the owner fakes3 has always shown.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_ACCESS_KEY = "test"
DEFAULT_SECRET_KEY = "test"
# An example canonical id from the S3 docs: the owner fakes3 showed before it had accounts.
DEFAULT_CANONICAL_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
DEFAULT_DISPLAY_NAME = "fakes3"

_HEX_ID = re.compile(r"[0-9a-fA-F]{64}")
_ACCESS_KEY = re.compile(r"[A-Za-z0-9_.\-+=/]{1,128}")


@dataclass(frozen=True)
class Account:
    """One identity: the keys that sign as it and the names S3 shows for it."""

    access_key: str
    secret_key: str
    canonical_id: str
    display_name: str
    email: str
    account_id: str
    session_token: str = ""
    """Temporary credentials' token (as STS hands out), which requests must carry; ``""``
    for long-term keys, whose requests must carry none."""

    @property
    def owner(self) -> dict[str, str]:
        """The ``Owner`` element S3 lists (ListBuckets, ListObjects with FetchOwner…)."""
        return {"ID": self.canonical_id, "DisplayName": self.display_name}


def _digest(access_key: str, purpose: str) -> str:
    return hashlib.sha256(f"fakes3:{purpose}:{access_key}".encode()).hexdigest()


def make_account(
    access_key: str,
    secret_key: str,
    canonical_id: str = "",
    display_name: str = "",
    email: str = "",
    session_token: str = "",
) -> Account:
    """An account, with every part not given derived from ``access_key``."""
    if not _ACCESS_KEY.fullmatch(access_key):
        raise ValueError(f"access key {access_key!r} must be 1-128 letters, digits or _.-+=/")
    if not secret_key:
        raise ValueError(f"account {access_key!r} needs a secret key")
    # AWS's canonical ids are 64 hex digits (compared lower-case); any other non-empty string
    # without ':' is kept as given, so suites whose users are e.g. ``testid`` can be configured.
    if _HEX_ID.fullmatch(canonical_id):
        canonical_id = canonical_id.lower()
    canonical_id = canonical_id or _digest(access_key, "canonical-id")
    if ":" in canonical_id or canonical_id.strip() != canonical_id:
        raise ValueError(
            f"canonical id {canonical_id!r} must be a non-empty string without ':' or "
            "surrounding white space"
        )
    account_id = str(int(_digest(access_key, "account-id"), 16) % 10**12).zfill(12)
    return Account(
        access_key=access_key,
        secret_key=secret_key,
        canonical_id=canonical_id,
        display_name=display_name or access_key,
        email=email or f"{access_key.lower()}@example.com",
        account_id=account_id,
        session_token=session_token,
    )


SPEC_FORM = "ACCESS_KEY:SECRET_KEY[:CANONICAL_ID[:DISPLAY_NAME[:EMAIL[:SESSION_TOKEN]]]]"


def parse_account(spec: str) -> Account:
    """``SPEC_FORM`` -> Account."""
    parts = spec.strip().split(":", 5)
    if len(parts) < 2:
        raise ValueError(f"account {spec!r} must be {SPEC_FORM}")
    return make_account(*parts)


def parse_accounts(text: str) -> list[Account]:
    """Specs separated by ``;`` (the ``FAKES3_ACCOUNTS`` form); blank entries are skipped."""
    return [parse_account(spec) for spec in text.split(";") if spec.strip()]


DEFAULT_ACCOUNT = make_account(
    DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_CANONICAL_ID, DEFAULT_DISPLAY_NAME
)


class Accounts:
    """The registry: accounts by access key and by canonical id, and the default one."""

    def __init__(self, accounts: Iterable[Account | str] = ()) -> None:
        self.default = DEFAULT_ACCOUNT
        self._by_key: dict[str, Account] = {DEFAULT_ACCESS_KEY: DEFAULT_ACCOUNT}
        for entry in accounts:
            account = parse_account(entry) if isinstance(entry, str) else entry
            if account.access_key == DEFAULT_ACCESS_KEY:
                self.default = account
            self._by_key[account.access_key] = account
        self._by_id: dict[str, Account] = {}
        for account in self._by_key.values():
            self._by_id.setdefault(account.canonical_id, account)

    def __iter__(self) -> Iterator[Account]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def by_access_key(self, access_key: str) -> Account | None:
        return self._by_key.get(access_key)

    def by_canonical_id(self, canonical_id: str) -> Account | None:
        return self._by_id.get(canonical_id)

    def owner(self, canonical_id: str) -> dict[str, str]:
        """The ``Owner`` element for a canonical id ('' is the default account)."""
        account = self._by_id.get(canonical_id) if canonical_id else self.default
        if account is None:
            return {"ID": canonical_id, "DisplayName": canonical_id[:16]}
        return account.owner
