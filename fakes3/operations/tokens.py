"""Opaque continuation tokens: the last name a page returned after its CRC32, base64url-encoded.

The CRC makes a token fakes3 did not issue (base64 of any key, ``AAAA``) the error S3 gives for
one, instead of a place to resume from.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from fakes3.errors import InvalidArgument

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="


def encode_token(last: str) -> str:
    name = last.encode("utf-8")
    return base64.urlsafe_b64encode(zlib.crc32(name).to_bytes(4, "big") + name).decode("ascii")


def decode_token(token: str) -> str:
    """The name a token resumes after; S3's InvalidArgument for anything it did not issue."""
    try:
        if not token or token.strip(_ALPHABET):
            raise ValueError(token)
        decoded = base64.urlsafe_b64decode(token.encode("ascii"))
        check, name = decoded[:4], decoded[4:]
        if len(check) < 4 or zlib.crc32(name).to_bytes(4, "big") != check:
            raise ValueError(token)
        return name.decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidArgument(
            "The continuation token provided is incorrect",
            ArgumentName="continuation-token",
            ArgumentValue=token or None,  # S3 names no value for an empty token
        ) from None
