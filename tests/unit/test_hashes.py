"""``fakes3.protocol.hashes``: CPython's own SHA-256/MD5 for small inputs, OpenSSL's for big
ones, and the same digests whichever is chosen (a signature or an ETag must not depend on it)."""

from __future__ import annotations

import hashlib

import pytest

from fakes3.protocol import hashes


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 1000, 2048, 2049, 70_000])
def test_every_choice_gives_hashlibs_digests(size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    assert hashes.small_sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    for length in (size, None):
        sha = hashes.sha256_for(length)
        md5 = hashes.md5_for(length)
        for start in range(0, size, 4096):  # fed in pieces, as bodies are
            sha.update(data[start : start + 4096])
            md5.update(data[start : start + 4096])
        assert sha.digest() == hashlib.sha256(data).digest()
        assert md5.hexdigest() == hashlib.md5(data).hexdigest()


def test_small_inputs_skip_openssl_and_big_ones_use_it() -> None:
    """The point of the module: small -> CPython's own objects, big or unknown -> hashlib's."""
    openssl_sha = type(hashlib.sha256())
    openssl_md5 = type(hashlib.md5())
    assert type(hashes.sha256_for(hashes.SMALL_SHA256 + 1)) is openssl_sha
    assert type(hashes.sha256_for(None)) is openssl_sha
    assert type(hashes.md5_for(None)) is openssl_md5
    if hashes._builtin_sha256 is not hashlib.sha256:  # a CPython built with its own hashes
        assert type(hashes.sha256_for(100)) is not openssl_sha
        assert type(hashes.small_sha256(b"x")) is not openssl_sha
    if hashes._builtin_md5 is not None:
        assert type(hashes.md5_for(100)) is not openssl_md5


def test_copies_carry_the_state() -> None:
    """SigV4's HMAC copies a keyed hash for every signature."""
    keyed = hashes.small_sha256(b"key block")
    first, second = keyed.copy(), keyed.copy()
    first.update(b"a")
    second.update(b"b")
    assert first.digest() == hashlib.sha256(b"key blocka").digest()
    assert second.digest() == hashlib.sha256(b"key blockb").digest()


def test_a_missing_builtin_module_falls_back_to_hashlib() -> None:
    assert hashes._builtin(("no_such_module_for_fakes3",), "sha256") is None
