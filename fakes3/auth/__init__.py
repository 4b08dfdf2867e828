"""Identities and signatures: accounts, SigV4 / SigV2 verification, auth modes, POST policies."""

from fakes3.auth.accounts import DEFAULT_ACCOUNT, Account, Accounts, make_account, parse_account
from fakes3.auth.authenticate import (
    LENIENT,
    MODES,
    OFF,
    STRICT,
    UNVERIFIED,
    Authenticator,
    Identity,
)

__all__ = [
    "DEFAULT_ACCOUNT",
    "LENIENT",
    "MODES",
    "OFF",
    "STRICT",
    "UNVERIFIED",
    "Account",
    "Accounts",
    "Authenticator",
    "Identity",
    "make_account",
    "parse_account",
]
