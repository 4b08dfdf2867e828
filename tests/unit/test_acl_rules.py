"""The pure ACL pieces (fakes3/auth/acl.py): canned ACLs, grant headers, bodies, permits.
Each case names the rule of https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
it pins."""

from __future__ import annotations

from typing import Any

import pytest

from fakes3.auth import acl
from fakes3.auth.accounts import Accounts, make_account
from fakes3.errors import (
    AccessDenied,
    InvalidArgument,
    MalformedACLError,
    UnresolvableGrantByEmailAddress,
)

OWNER = make_account("owner", "s", "owner-id", "Owner", "owner@example.com")
OTHER = make_account("other", "s", "other-id", "Other", "other@example.com")
ACCOUNTS = Accounts([OWNER, OTHER])


def _pairs(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (g["Grantee"].get("ID") or g["Grantee"]["URI"], g["Permission"]) for g in document["Grants"]
    }


@pytest.mark.parametrize(
    "name, expected",
    [
        ("private", set()),  # Canned ACL: owner gets FULL_CONTROL, no one else
        ("public-read", {(acl.ALL_USERS, "READ")}),
        ("public-read-write", {(acl.ALL_USERS, "READ"), (acl.ALL_USERS, "WRITE")}),
        ("authenticated-read", {(acl.AUTHENTICATED_USERS, "READ")}),
        ("aws-exec-read", set()),  # the EC2 grant has no fakes3 principal
        ("bucket-owner-read", {("bucket-owner", "READ")}),
        ("bucket-owner-full-control", {("bucket-owner", "FULL_CONTROL")}),
        ("log-delivery-write", {(acl.LOG_DELIVERY, "WRITE"), (acl.LOG_DELIVERY, "READ_ACP")}),
    ],
)
def test_canned_acls(name: str, expected: set[tuple[str, str]]) -> None:
    document = acl.canned(name, OWNER.canonical_id, "bucket-owner")
    assert document["Owner"] == OWNER.canonical_id
    assert _pairs(document) == {(OWNER.canonical_id, "FULL_CONTROL"), *expected}


def test_bucket_owner_acls_add_nothing_for_the_bucket_owner() -> None:
    """Canned ACL: bucket-owner-* name the bucket owner, who is the owner here."""
    document = acl.canned("bucket-owner-full-control", OWNER.canonical_id, OWNER.canonical_id)
    assert _pairs(document) == {(OWNER.canonical_id, "FULL_CONTROL")}


def test_unknown_canned_acl() -> None:
    with pytest.raises(InvalidArgument):
        acl.canned("world-writable", OWNER.canonical_id, OWNER.canonical_id)


def test_grant_headers_by_id_email_and_uri() -> None:
    """x-amz-grant-*: comma-separated id=, emailAddress=, uri= grantees; emails resolve."""
    params = {
        "GrantRead": f'id="{OTHER.canonical_id}", uri="{acl.ALL_USERS}"',
        "GrantWriteACP": "emailAddress=other@example.com",
    }
    document = acl.from_headers(params, OWNER.canonical_id, ACCOUNTS)
    assert _pairs(document) == {
        (OTHER.canonical_id, "READ"),
        (acl.ALL_USERS, "READ"),
        (OTHER.canonical_id, "WRITE_ACP"),
    }


@pytest.mark.parametrize(
    "value, error",
    [
        ("id=nobody", InvalidArgument),
        ("emailAddress=nobody@example.com", UnresolvableGrantByEmailAddress),
        ('uri="http://acs.amazonaws.com/groups/global/Everyone"', InvalidArgument),
        ("name=other", InvalidArgument),
        ("other-id", InvalidArgument),
    ],
)
def test_bad_grant_headers(value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        acl.from_headers({"GrantRead": value}, OWNER.canonical_id, ACCOUNTS)


def _body(*grants: dict[str, Any], owner: str = OWNER.canonical_id) -> dict[str, Any]:
    return {"Owner": {"ID": owner}, "Grants": list(grants)}


def test_body_grantees_of_each_type() -> None:
    document = acl.from_body(
        _body(
            {"Grantee": {"Type": "CanonicalUser", "ID": OTHER.canonical_id}, "Permission": "READ"},
            {
                "Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "other@example.com"},
                "Permission": "WRITE",
            },
            {"Grantee": {"Type": "Group", "URI": acl.LOG_DELIVERY}, "Permission": "WRITE"},
        ),
        OWNER.canonical_id,
        ACCOUNTS,
    )
    assert _pairs(document) == {
        (OTHER.canonical_id, "READ"),
        (OTHER.canonical_id, "WRITE"),
        (acl.LOG_DELIVERY, "WRITE"),
    }


@pytest.mark.parametrize(
    "body, error",
    [
        ({"Grants": []}, MalformedACLError),  # no Owner
        (_body({"Grantee": {"Type": "Group"}, "Permission": "READ"}), MalformedACLError),
        (
            _body({"Grantee": {"Type": "CanonicalUser", "ID": "x"}, "Permission": "ALL"}),
            MalformedACLError,
        ),
        (_body({"Permission": "READ"}), MalformedACLError),
        (_body(owner=OTHER.canonical_id), AccessDenied),  # the Owner must be the owner
        (
            _body({"Grantee": {"Type": "CanonicalUser", "ID": "nobody"}, "Permission": "READ"}),
            InvalidArgument,
        ),
    ],
)
def test_bad_bodies(body: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        acl.from_body(body, OWNER.canonical_id, ACCOUNTS)


def test_an_acl_holds_at_most_100_grants() -> None:
    """The user guide's ACL overview: "An ACL can have up to 100 grants" (101 were stored)."""
    grant = {"Grantee": {"Type": "Group", "URI": acl.LOG_DELIVERY}, "Permission": "WRITE"}
    assert len(acl.from_body(_body(*[grant] * 100), OWNER.canonical_id, ACCOUNTS)["Grants"]) == 100
    with pytest.raises(MalformedACLError):
        acl.from_body(_body(*[grant] * 101), OWNER.canonical_id, ACCOUNTS)


@pytest.mark.parametrize(
    "document, account, permission, ignore_public, allowed",
    [
        # FULL_CONTROL gives every permission
        (acl.private(OWNER.canonical_id), OWNER, "WRITE", False, True),
        (acl.private(OWNER.canonical_id), OTHER, "READ", False, False),
        # AllUsers: anyone, anonymous included
        (acl.canned("public-read", "owner-id", "owner-id"), None, "READ", False, True),
        (acl.canned("public-read", "owner-id", "owner-id"), None, "WRITE", False, False),
        # IgnorePublicAcls: public grants decide nothing
        (acl.canned("public-read", "owner-id", "owner-id"), OTHER, "READ", True, False),
        # AuthenticatedUsers: any signed account, never anonymous
        (acl.canned("authenticated-read", "owner-id", "owner-id"), OTHER, "READ", False, True),
        (acl.canned("authenticated-read", "owner-id", "owner-id"), None, "READ", False, False),
        # The owner may always read and write the ACL
        ({"Owner": "owner-id", "Grants": []}, OWNER, "READ_ACP", False, True),
        ({"Owner": "owner-id", "Grants": []}, OWNER, "WRITE_ACP", False, True),
        ({"Owner": "owner-id", "Grants": []}, OWNER, "READ", False, False),
        # LogDelivery is no caller's group
        (acl.canned("log-delivery-write", "owner-id", "owner-id"), OTHER, "WRITE", False, False),
    ],
)
def test_permits(
    document: dict[str, Any],
    account: Any,
    permission: str,
    ignore_public: bool,
    allowed: bool,
) -> None:
    assert acl.permits(document, account, permission, ignore_public) is allowed


def test_is_public() -> None:
    """Block Public Access: grants to AllUsers or AuthenticatedUsers are public."""
    assert acl.is_public(acl.canned("authenticated-read", "o", "o"))
    assert not acl.is_public(acl.canned("log-delivery-write", "o", "o"))
    assert not acl.is_public(None)


def test_needs_maps_actions_to_permissions() -> None:
    assert acl.needs("s3:ListBucket") == (acl.BUCKET_LEVEL, "READ")
    assert acl.needs("s3:PutObject") == (acl.BUCKET_LEVEL, "WRITE")
    assert acl.needs("s3:GetObjectVersion") == (acl.OBJECT_LEVEL, "READ")
    assert acl.needs("s3:PutBucketPolicy") is None  # only the owner, or a policy
