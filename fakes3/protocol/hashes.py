"""SHA-256 and MD5 constructors chosen by input size: CPython's own for small inputs.

Inside a running server the CPU caches are cold at every request (the client shares the
cores), and creating an OpenSSL-backed ``hashlib`` object is costly there: a SigV4 string to
sign took ~37 µs with ``hashlib.sha256`` and ~15 µs with CPython's built-in SHA-256 (measured
in a server driven by boto3; hot, in a loop, both take 1-3 µs). OpenSSL hashes big inputs
faster (SHA-256 about 7x, MD5 about 1.1x on this project's benchmark machine), so a stream of
unknown or large size keeps it. Builds of CPython without the built-in modules fall back to
``hashlib``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol


class Hash(Protocol):
    """What hashlib's objects and the built-in modules' have in common (and fakes3 uses)."""

    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> Hash: ...


# Past this many bytes OpenSSL's speed outweighs the cost of creating its object.
SMALL_SHA256 = 2 * 1024
SMALL_MD5 = 1024 * 1024


def _builtin(names: tuple[str, ...], attribute: str) -> Callable[..., Hash] | None:
    for name in names:
        try:
            module = __import__(name)
        except ImportError:
            continue
        found: Callable[..., Hash] | None = getattr(module, attribute, None)
        if found is not None:
            return found
    return None


# Python 3.12 merged ``_sha256`` into ``_sha2``.
_builtin_sha256 = _builtin(("_sha2", "_sha256"), "sha256") or hashlib.sha256
_builtin_md5 = _builtin(("_md5",), "md5")


def small_sha256(data: bytes = b"") -> Hash:
    """SHA-256 of a short text (a canonical request, an HMAC block)."""
    return _builtin_sha256(data)


def sha256_for(length: int | None) -> Hash:
    """An empty SHA-256 for ``length`` bytes to come (None: unknown)."""
    if length is not None and length <= SMALL_SHA256:
        return _builtin_sha256()
    return hashlib.sha256()


def md5_for(length: int | None) -> Hash:
    """An empty MD5 for ``length`` bytes to come (None: unknown). Not for security: an ETag or
    a Content-MD5 check (``usedforsecurity=False`` keeps it available on FIPS builds)."""
    if _builtin_md5 is not None and length is not None and length <= SMALL_MD5:
        return _builtin_md5(usedforsecurity=False)
    return hashlib.md5(usedforsecurity=False)
