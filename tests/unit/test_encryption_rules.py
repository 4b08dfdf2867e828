"""The pure encryption rules (fakes3.operations.encryption), without a server."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

import pytest

from fakes3.errors import (
    AccessDenied,
    InvalidArgument,
    InvalidEncryptionAlgorithmError,
    InvalidRequest,
    S3Error,
)
from fakes3.operations import encryption
from fakes3.operations.encryption import Scope, Transport
from fakes3.store.store import open_store

KEY = os.urandom(32)
TLS = Transport(secure=True)


def _triple(key: bytes = KEY, prefix: str = "") -> dict[str, Any]:
    return {
        prefix + "SSECustomerAlgorithm": "AES256",
        prefix + "SSECustomerKey": base64.b64encode(key).decode(),
        prefix + "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(key).digest()).decode(),
    }


@pytest.fixture
def scope() -> Scope:
    store = open_store()
    store.create_bucket("bucket", "eu-west-1")
    return Scope(store, "bucket", "111122223333")


def test_the_key_is_kept_only_as_a_salted_hmac(scope: Scope) -> None:
    first = encryption.resolve_write(_triple(), scope, TLS)
    second = encryption.resolve_write(_triple(), scope, TLS)
    assert KEY.hex() not in repr(first) and base64.b64encode(KEY).decode() not in repr(first)
    assert first["_SSECustomerKeyHMAC"] != second["_SSECustomerKeyHMAC"]  # salted
    encryption.check_read(_triple(), first, TLS)
    encryption.check_read(_triple(), second, TLS)
    with pytest.raises(AccessDenied):
        encryption.check_read(_triple(os.urandom(32)), first, TLS)
    assert encryption.echo(first) == {
        "SSECustomerAlgorithm": "AES256",
        "SSECustomerKeyMD5": _triple()["SSECustomerKeyMD5"],
    }


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"SSECustomerAlgorithm": None}, InvalidArgument, "valid encryption algorithm"),
        ({"SSECustomerAlgorithm": "aws:kms"}, InvalidEncryptionAlgorithmError, "AES256"),
        ({"SSECustomerKey": None}, InvalidArgument, "appropriate secret key"),
        ({"SSECustomerKey": "not base64!"}, InvalidArgument, "secret key was invalid"),
        ({"SSECustomerKeyMD5": None}, InvalidArgument, "client calculated MD5"),
        ({"SSECustomerKeyMD5": "AAAA"}, InvalidArgument, "did not match"),
    ],
)
def test_customer_key_triple(change: dict[str, Any], error: type[S3Error], message: str) -> None:
    params = {**_triple(), **change}
    params = {name: value for name, value in params.items() if value is not None}
    with pytest.raises(error) as raised:
        encryption.customer_key(params, TLS)
    assert message in raised.value.text


def test_customer_key_over_plain_http() -> None:
    with pytest.raises(InvalidRequest):
        encryption.customer_key(_triple(), Transport(secure=False))
    assert encryption.customer_key(_triple(), Transport(False, allow_insecure=True)) is not None
    assert encryption.customer_key({}, Transport(secure=False)) is None
    source = encryption.customer_key(_triple(prefix="CopySource"), TLS, copy_source=True)
    assert source is not None and source.key == KEY


def test_kms_key_arns() -> None:
    assert encryption.kms_key_arn("k1", "us-east-2", "111122223333") == (
        "arn:aws:kms:us-east-2:111122223333:key/k1"
    )
    assert encryption.kms_key_arn("alias/a", "us-east-2", "111122223333") == (
        "arn:aws:kms:us-east-2:111122223333:alias/a"
    )
    arn = "arn:aws:kms:eu-west-1:444455556666:key/x"
    assert encryption.kms_key_arn(arn, "us-east-2", "111122223333") == arn
    default = encryption.default_kms_key("us-east-2", "111122223333")
    assert default == encryption.default_kms_key("us-east-2", "111122223333")
    assert default != encryption.default_kms_key("us-east-1", "111122223333")
    assert default.startswith("arn:aws:kms:us-east-2:111122223333:key/")


def test_bucket_default_and_explicit_choices(scope: Scope) -> None:
    assert encryption.resolve_write({}, scope, TLS) == {}
    assert encryption.echo({}) == {"ServerSideEncryption": "AES256"}
    rule = {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms:dsse"},
        "BucketKeyEnabled": False,
    }
    scope.store.configs.put("bucket", "encryption", {"Rules": [rule]})
    resolved = encryption.resolve_write({}, scope, TLS)
    assert resolved == {
        "ServerSideEncryption": "aws:kms:dsse",
        "SSEKMSKeyId": encryption.default_kms_key("eu-west-1", "111122223333"),
    }
    assert encryption.resolve_write({"ServerSideEncryption": "AES256"}, scope, TLS) == {}
    kms = encryption.resolve_write(
        {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "k", "BucketKeyEnabled": True},
        scope,
        TLS,
    )
    assert kms == {
        "ServerSideEncryption": "aws:kms",
        "SSEKMSKeyId": "arn:aws:kms:eu-west-1:111122223333:key/k",
        "BucketKeyEnabled": True,
    }


def test_reads_and_parts_of_unencrypted_objects() -> None:
    encryption.check_read({}, {}, TLS)
    with pytest.raises(InvalidRequest):
        encryption.check_read(_triple(), {}, TLS)
    encryption.check_part({}, {"ServerSideEncryption": "aws:kms"}, TLS)
    with pytest.raises(InvalidRequest):
        encryption.check_part(_triple(), {}, TLS)
    assert encryption.asks_for_encryption({"BucketKeyEnabled": False})
    assert not encryption.asks_for_encryption({"ContentType": "text/plain"})


def test_allow_insecure_ssec_flag_and_variable(capsys: pytest.CaptureFixture[str]) -> None:
    from fakes3.cli import build_parser, main, settings_from_args

    def settings(argv: list[str], environ: dict[str, str]) -> bool:
        args = build_parser().parse_args(["serve", *argv])
        return settings_from_args(args, environ).allow_insecure_ssec

    assert settings([], {}) is False
    assert settings(["--allow-insecure-ssec"], {}) is True
    assert settings([], {"FAKES3_ALLOW_INSECURE_SSEC": "1"}) is True
    assert settings(["--no-allow-insecure-ssec"], {"FAKES3_ALLOW_INSECURE_SSEC": "1"}) is False
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--allow-insecure-ssec" in out and "FAKES3_ALLOW_INSECURE_SSEC" in out
