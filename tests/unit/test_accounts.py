"""Accounts: spec parsing, derived parts, the registry, and how settings reach it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fakes3.app import FakeS3
from fakes3.auth.accounts import (
    DEFAULT_ACCOUNT,
    DEFAULT_CANONICAL_ID,
    Accounts,
    make_account,
    parse_account,
    parse_accounts,
)
from fakes3.cli import build_parser, settings_from_args
from fakes3.settings import Settings
from fakes3.store.index_sqlite import SqliteIndex


def test_full_spec() -> None:
    account = parse_account(f"AK:SK:{'a' * 64}:Alice:alice@corp.example")
    assert (account.access_key, account.secret_key) == ("AK", "SK")
    assert (account.canonical_id, account.display_name, account.email) == (
        "a" * 64,
        "Alice",
        "alice@corp.example",
    )
    assert len(account.account_id) == 12 and account.account_id.isdigit()


def test_missing_parts_are_derived_deterministically() -> None:
    one, two = parse_account("alice:s1"), parse_account("alice:s2")
    assert one.canonical_id == two.canonical_id != parse_account("bob:s").canonical_id
    assert len(one.canonical_id) == 64
    assert (one.display_name, one.email, one.account_id) == (
        "alice",
        "alice@example.com",
        two.account_id,
    )
    assert parse_account("alice:s::Alice").display_name == "Alice"  # empty parts are derived too


@pytest.mark.parametrize("spec", ["alice", "alice:", ":secret", "alice:s: padded", "a b:s"])
def test_bad_specs(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_account(spec)


def test_default_account_keeps_the_old_owner() -> None:
    assert DEFAULT_ACCOUNT.owner == {"ID": DEFAULT_CANONICAL_ID, "DisplayName": "fakes3"}
    assert (DEFAULT_ACCOUNT.access_key, DEFAULT_ACCOUNT.secret_key) == ("test", "test")


def test_registry() -> None:
    bob = make_account("bob", "b")
    registry = Accounts(["alice:a", bob])
    assert registry.by_access_key("bob") is bob
    assert registry.by_access_key("test") is DEFAULT_ACCOUNT is registry.default
    assert registry.by_canonical_id(bob.canonical_id) is bob
    assert registry.owner("") == DEFAULT_ACCOUNT.owner  # buckets from before accounts
    assert len(registry) == 3
    redefined = Accounts(["test:other-secret"])
    assert redefined.default.secret_key == "other-secret"


def test_settings_from_env_flags_and_python() -> None:
    parser = build_parser()
    environ = {"FAKES3_AUTH": "strict", "FAKES3_ACCOUNTS": "alice:a; bob:b ;"}
    from_env = settings_from_args(parser.parse_args(["serve"]), environ)
    assert (from_env.auth, from_env.accounts) == ("strict", ("alice:a", " bob:b "))
    assert [a.access_key for a in parse_accounts("alice:a; bob:b ;")] == ["alice", "bob"]
    argv = ["serve", "--auth", "off", "--account", "carol:c", "--account", "dave:d"]
    from_flags = settings_from_args(parser.parse_args(argv), environ)
    assert (from_flags.auth, from_flags.accounts) == ("off", ("carol:c", "dave:d"))
    with pytest.raises(ValueError, match="ACCESS_KEY:SECRET_KEY"):
        settings_from_args(parser.parse_args(["serve", "--account", "nope"]), {})
    with pytest.raises(ValueError, match="auth mode"):
        FakeS3(Settings(auth="paranoid"))
    app = FakeS3(Settings(auth="strict", accounts=[make_account("eve", "e")]))
    assert app.gate.accounts.by_access_key("eve") is not None


def test_bucket_owner_survives_a_restart(tmp_path: Path) -> None:
    app = FakeS3(Settings(data_dir=str(tmp_path)))
    app.store.create_bucket("owned", "us-east-1", "f" * 64)
    app.store.index.close()  # type: ignore[attr-defined]
    again = FakeS3(Settings(data_dir=str(tmp_path)))
    assert again.store.get_bucket("owned").owner == "f" * 64


def test_sqlite_index_from_before_owners_is_migrated(tmp_path: Path) -> None:
    path = str(tmp_path / "old.sqlite3")
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE buckets (name TEXT PRIMARY KEY, region TEXT NOT NULL, created REAL NOT NULL)"
    )
    db.execute("INSERT INTO buckets VALUES ('old', 'eu-west-1', 0)")
    db.commit()
    db.close()
    index = SqliteIndex(path)
    record = index.get_bucket("old")
    assert record is not None and (record.region, record.owner) == ("eu-west-1", "")
    index.close()
    assert SqliteIndex(path).get_bucket("old") is not None  # a second open needs no migration


@pytest.mark.parametrize("canonical_id", ["testid", "testx$56789abcdef", "Mixed-Case_id"])
def test_any_canonical_id_without_colon(canonical_id: str) -> None:
    """Issue 15: the conformance suite's users are ``testid`` and ``testx$…``."""
    account = parse_account(f"key:secret:{canonical_id}:Name")
    assert account.canonical_id == canonical_id
    assert Accounts([account]).by_canonical_id(canonical_id) is account


def test_hex_canonical_ids_compare_lower_case() -> None:
    assert parse_account("key:secret:" + "AB" * 32).canonical_id == "ab" * 32
