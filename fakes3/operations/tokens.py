"""Opaque continuation tokens: the last name a page returned, base64url-encoded."""

from __future__ import annotations

import base64
import binascii

from fakes3.errors import InvalidArgument

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="


def encode_token(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode("utf-8")).decode("ascii")


def decode_token(token: str) -> str:
    """The name a token resumes after; S3's InvalidArgument for anything it did not issue."""
    try:
        if not token or token.strip(_ALPHABET):
            raise ValueError(token)
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidArgument(
            "The continuation token provided is incorrect",
            ArgumentName="continuation-token",
            ArgumentValue=token or None,  # S3 names no value for an empty token
        ) from None
