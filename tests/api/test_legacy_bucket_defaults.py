"""``--bucket-defaults legacy``: new buckets as S3 created them before April 2023 (no Object
Ownership controls, so ACLs act and the writer owns its objects; no Block Public Access), over
a real server in strict mode, both backends; a bucket keeps what it was created with across a
restart under other defaults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from api_helpers import raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from test_bucket_policy import ALICE, BOB, Site, public_read

from fakes3.cli import build_parser, settings_from_args
from fakes3.settings import Settings


@pytest.fixture(scope="module", params=["memory", "directory"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    data_dir = str(tmp_path_factory.mktemp("legacy")) if request.param == "directory" else None
    running = Site("strict", data_dir, bucket_defaults="legacy")
    yield running
    running.stop()


def test_new_bucket_has_no_controls_and_blocks_nothing(alice: BaseClient) -> None:
    name = unique_bucket_name("legacy")
    alice.create_bucket(Bucket=name)
    with raises_client_error("OwnershipControlsNotFoundError", 404):
        alice.get_bucket_ownership_controls(Bucket=name)
    with raises_client_error("NoSuchPublicAccessBlockConfiguration", 404):
        alice.get_public_access_block(Bucket=name)
    private = unique_bucket_name("legacy")
    alice.create_bucket(Bucket=private, ACL="private")  # no controls either (not Preferred)
    with raises_client_error("OwnershipControlsNotFoundError", 404):
        alice.get_bucket_ownership_controls(Bucket=private)


def test_public_acls_act_for_anonymous_callers(site: Site, alice: BaseClient) -> None:
    name = unique_bucket_name("legacy")
    alice.create_bucket(Bucket=name, ACL="public-read")
    alice.put_object(Bucket=name, Key="open", Body=b"for all", ACL="public-read")
    alice.put_object(Bucket=name, Key="closed", Body=b"mine")
    assert requests.get(f"{site.url}/{name}", timeout=10).status_code == 200  # bucket READ
    assert requests.get(f"{site.url}/{name}/open", timeout=10).content == b"for all"
    assert requests.get(f"{site.url}/{name}/closed", timeout=10).status_code == 403


def test_recreating_ones_bucket_resets_its_acl(site: Site, alice: BaseClient) -> None:
    """us-east-1's legacy 200 "resets the bucket access control lists" (S3's documentation of
    BucketAlreadyOwnedByYou): to the ACL the re-creation states, private when it states none."""
    name = unique_bucket_name("legacy")
    alice.create_bucket(Bucket=name, ACL="public-read")
    assert requests.get(f"{site.url}/{name}", timeout=10).status_code == 200
    alice.create_bucket(Bucket=name)
    grants = alice.get_bucket_acl(Bucket=name)["Grants"]
    assert [(g["Grantee"].get("ID"), g["Permission"]) for g in grants] == [
        (ALICE.canonical_id, "FULL_CONTROL")
    ]
    assert requests.get(f"{site.url}/{name}", timeout=10).status_code == 403
    alice.create_bucket(
        Bucket=name, GrantRead="uri=http://acs.amazonaws.com/groups/global/AllUsers"
    )
    assert requests.get(f"{site.url}/{name}", timeout=10).status_code == 200


def test_the_writer_owns_its_object(alice: BaseClient, bob: BaseClient) -> None:
    """ObjectWriter, as every bucket was: bob writes into alice's public-read-write bucket
    and owns what he wrote; alice may list and delete it, not read it without a grant."""
    name = unique_bucket_name("legacy")
    alice.create_bucket(Bucket=name, ACL="public-read-write")
    bob.put_object(Bucket=name, Key="bobs", Body=b"b")
    assert bob.get_object_acl(Bucket=name, Key="bobs")["Owner"]["ID"] == BOB.canonical_id
    with raises_client_error("AccessDenied", 403):
        alice.get_object(Bucket=name, Key="bobs")
    bob.put_object_acl(Bucket=name, Key="bobs", GrantRead=f"id={ALICE.canonical_id}")
    assert alice.get_object(Bucket=name, Key="bobs")["Body"].read() == b"b"


def test_public_policy_is_accepted(site: Site, alice: BaseClient) -> None:
    name = unique_bucket_name("legacy")
    alice.create_bucket(Bucket=name)
    alice.put_bucket_policy(Bucket=name, Policy=public_read(name))
    assert alice.get_bucket_policy_status(Bucket=name)["PolicyStatus"]["IsPublic"] is True
    alice.put_object(Bucket=name, Key="public/page.html", Body=b"<p>hi</p>")
    page = requests.get(f"{site.url}/{name}/public/page.html", timeout=10)
    assert page.content == b"<p>hi</p>"


def test_stated_ownership_still_wins(alice: BaseClient) -> None:
    name = unique_bucket_name("legacy")
    alice.create_bucket(Bucket=name, ObjectOwnership="BucketOwnerEnforced")
    with raises_client_error("AccessControlListNotSupported", 400):
        alice.put_object(Bucket=name, Key="k", Body=b"x", ACL="public-read")
    with raises_client_error("InvalidBucketAclWithObjectOwnership", 400):
        alice.create_bucket(
            Bucket=unique_bucket_name("legacy"),
            ObjectOwnership="BucketOwnerEnforced",
            ACL="public-read",
        )


def test_a_bucket_keeps_its_defaults_across_a_restart(tmp_path: Path) -> None:
    site = Site("strict", str(tmp_path), bucket_defaults="legacy")
    try:
        old = unique_bucket_name("legacy")
        site.client("alice", "alice-secret").create_bucket(Bucket=old, ACL="public-read")
        site.restart(bucket_defaults="aws")
        alice = site.client("alice", "alice-secret")
        new = unique_bucket_name("legacy")
        alice.create_bucket(Bucket=new)
        assert requests.get(f"{site.url}/{old}", timeout=10).status_code == 200
        with raises_client_error("OwnershipControlsNotFoundError", 404):
            alice.get_bucket_ownership_controls(Bucket=old)
        got = alice.get_bucket_ownership_controls(Bucket=new)["OwnershipControls"]
        assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    finally:
        site.stop()


def test_flag_and_variable() -> None:
    parser = build_parser()
    args = parser.parse_args(["serve", "--bucket-defaults", "legacy"])
    assert settings_from_args(args, {}).bucket_defaults == "legacy"
    args = parser.parse_args(["serve"])
    assert settings_from_args(args, {"FAKES3_BUCKET_DEFAULTS": "legacy"}).bucket_defaults == (
        "legacy"
    )
    assert settings_from_args(args, {}).bucket_defaults == Settings().bucket_defaults == "aws"
    with pytest.raises(ValueError, match="bucket defaults must be aws or legacy"):
        settings_from_args(args, {"FAKES3_BUCKET_DEFAULTS": "2019"})
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--bucket-defaults", "2019"])
