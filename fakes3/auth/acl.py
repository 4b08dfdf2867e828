"""Access control lists: canned ACLs, grant headers and AccessControlPolicy bodies, and what a
grant permits. Pure: the handlers store the documents, ``authorize.py`` asks ``permits``.

An ACL document is ``{"Owner": canonical id, "Grants": [{"Grantee": {...}, "Permission": P}]}``
with grantees as GetBucketAcl answers them (``Type`` CanonicalUser with ``ID``, or Group with
``URI``); an email grantee is resolved to its account's canonical id when the ACL is set.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fakes3.auth.accounts import Account, Accounts
from fakes3.errors import (
    AccessDenied,
    InvalidArgument,
    MalformedACLError,
    UnresolvableGrantByEmailAddress,
)

GROUPS = "http://acs.amazonaws.com/groups/"
ALL_USERS = GROUPS + "global/AllUsers"
AUTHENTICATED_USERS = GROUPS + "global/AuthenticatedUsers"
LOG_DELIVERY = GROUPS + "s3/LogDelivery"
_KNOWN_GROUPS = (ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY)
PUBLIC_GROUPS = frozenset((ALL_USERS, AUTHENTICATED_USERS))
PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
CANNED = (
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
)
# The x-amz-grant-* members and the permission each grants.
GRANT_MEMBERS = {
    "GrantFullControl": "FULL_CONTROL",
    "GrantRead": "READ",
    "GrantReadACP": "READ_ACP",
    "GrantWrite": "WRITE",
    "GrantWriteACP": "WRITE_ACP",
}
_HEADER_NAMES = {
    "GrantFullControl": "x-amz-grant-full-control",
    "GrantRead": "x-amz-grant-read",
    "GrantReadACP": "x-amz-grant-read-acp",
    "GrantWrite": "x-amz-grant-write",
    "GrantWriteACP": "x-amz-grant-write-acp",
}


BUCKET_LEVEL = "bucket"
OBJECT_LEVEL = "object"
# The action -> (whose ACL, permission) table of "Mapping of ACL permissions and access policy
# permissions" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions).
# Multipart's abort and list-parts go with WRITE on the bucket, as the uploads it allows.
_NEEDS: dict[str, tuple[str, str]] = {
    "s3:ListBucket": (BUCKET_LEVEL, "READ"),
    "s3:ListBucketVersions": (BUCKET_LEVEL, "READ"),
    "s3:ListBucketMultipartUploads": (BUCKET_LEVEL, "READ"),
    "s3:PutObject": (BUCKET_LEVEL, "WRITE"),
    "s3:DeleteObject": (BUCKET_LEVEL, "WRITE"),
    "s3:DeleteObjectVersion": (BUCKET_LEVEL, "WRITE"),
    "s3:AbortMultipartUpload": (BUCKET_LEVEL, "WRITE"),
    "s3:ListMultipartUploadParts": (BUCKET_LEVEL, "WRITE"),
    "s3:GetBucketAcl": (BUCKET_LEVEL, "READ_ACP"),
    "s3:PutBucketAcl": (BUCKET_LEVEL, "WRITE_ACP"),
    "s3:GetObject": (OBJECT_LEVEL, "READ"),
    "s3:GetObjectVersion": (OBJECT_LEVEL, "READ"),
    "s3:GetObjectTorrent": (OBJECT_LEVEL, "READ"),
    "s3:GetObjectVersionTorrent": (OBJECT_LEVEL, "READ"),
    "s3:GetObjectAcl": (OBJECT_LEVEL, "READ_ACP"),
    "s3:GetObjectVersionAcl": (OBJECT_LEVEL, "READ_ACP"),
    "s3:PutObjectAcl": (OBJECT_LEVEL, "WRITE_ACP"),
    "s3:PutObjectVersionAcl": (OBJECT_LEVEL, "WRITE_ACP"),
}


def needs(action: str) -> tuple[str, str] | None:
    """Whose ACL (bucket's or object's) and which permission allow ``action``; None: no ACL
    permission does."""
    return _NEEDS.get(action)


def user(canonical_id: str) -> dict[str, str]:
    return {"Type": "CanonicalUser", "ID": canonical_id}


def group(uri: str) -> dict[str, str]:
    return {"Type": "Group", "URI": uri}


def _grant(grantee: dict[str, str], permission: str) -> dict[str, Any]:
    return {"Grantee": grantee, "Permission": permission}


def private(owner: str) -> dict[str, Any]:
    """The ACL every bucket and object has unless told otherwise."""
    return {"Owner": owner, "Grants": [_grant(user(owner), "FULL_CONTROL")]}


def canned(name: str, owner: str, bucket_owner: str) -> dict[str, Any]:
    """The ACL a canned name stands for (``bucket_owner`` matters to objects only; on a bucket
    the bucket-owner-* names are the same as private)."""
    grants = [_grant(user(owner), "FULL_CONTROL")]
    if name == "public-read":
        grants.append(_grant(group(ALL_USERS), "READ"))
    elif name == "public-read-write":
        grants += [_grant(group(ALL_USERS), "READ"), _grant(group(ALL_USERS), "WRITE")]
    elif name == "authenticated-read":
        grants.append(_grant(group(AUTHENTICATED_USERS), "READ"))
    elif name == "bucket-owner-read" and bucket_owner != owner:
        grants.append(_grant(user(bucket_owner), "READ"))
    elif name == "bucket-owner-full-control" and bucket_owner != owner:
        grants.append(_grant(user(bucket_owner), "FULL_CONTROL"))
    elif name == "log-delivery-write":
        grants += [_grant(group(LOG_DELIVERY), "WRITE"), _grant(group(LOG_DELIVERY), "READ_ACP")]
    elif name not in CANNED:
        raise InvalidArgument(ArgumentName="x-amz-acl", ArgumentValue=name)
    return {"Owner": owner, "Grants": grants}


# The ArgumentName of an unknown id or group, as S3 names it in a header (``id="…"``) and in
# a body (LocalStack's validated test_s3_bucket_acl_exceptions: put-bucket-grant-acl-wrong-id,
# put-bucket-acp-acl-3, put-bucket-acp-acl-4)
_HEADER_ARGUMENTS = ("id", "uri")
_BODY_ARGUMENTS = ("CanonicalUser/ID", "Group/URI")


def _resolve(
    kind: str, value: str, accounts: Accounts, argument: str, names: tuple[str, str], item: str
) -> dict[str, str]:
    """One grantee named by ``id``, ``emailAddress`` or ``uri``, as S3 resolves it; ``item``
    is the whole ``kind=value`` as sent, named when the kind is unknown."""
    if kind == "id":
        if accounts.by_canonical_id(value) is None:
            raise InvalidArgument("Invalid id", ArgumentName=names[0], ArgumentValue=value)
        return user(value)
    if kind == "emailaddress":
        for account in accounts:
            if account.email.lower() == value.lower():
                return user(account.canonical_id)
        raise UnresolvableGrantByEmailAddress(EmailAddress=value)
    if kind == "uri":
        if value not in _KNOWN_GROUPS:
            raise InvalidArgument("Invalid group uri", ArgumentName=names[1], ArgumentValue=value)
        return group(value)
    raise InvalidArgument(
        "Argument format not recognized", ArgumentName=argument, ArgumentValue=item
    )


# "An ACL can have up to 100 grants" (the user guide's ACL overview); S3 refuses a body of
# more as malformed.
MAX_GRANTS = 100


def from_headers(params: Mapping[str, Any], owner: str, accounts: Accounts) -> dict[str, Any]:
    """The ACL the x-amz-grant-* members say (the owner gets nothing it is not granted)."""
    grants = []
    for member, permission in GRANT_MEMBERS.items():
        value = params.get(member)
        if value is None:
            continue
        for item in str(value).split(","):
            kind, equals, who = item.strip().partition("=")
            if not equals:
                raise InvalidArgument(
                    "Argument format not recognized",
                    ArgumentName=_HEADER_NAMES[member],
                    ArgumentValue=item.strip(),
                )
            grantee = _resolve(
                kind.strip().lower(),
                who.strip().strip('"'),
                accounts,
                _HEADER_NAMES[member],
                _HEADER_ARGUMENTS,
                item.strip(),
            )
            grants.append(_grant(grantee, permission))
    return {"Owner": owner, "Grants": grants}


def from_body(policy: Any, owner: str, accounts: Accounts) -> dict[str, Any]:
    """An AccessControlPolicy body: MalformedACLError unless every grant names a grantee of a
    known type and a permission S3 knows, and the Owner is the resource's owner."""
    if not isinstance(policy, dict):
        raise MalformedACLError()
    stated = policy.get("Owner")
    if not isinstance(stated, dict) or not stated.get("ID"):
        raise MalformedACLError()
    if stated["ID"] != owner:
        if accounts.by_canonical_id(stated["ID"]) is None:  # no such id at all (AWS:
            # LocalStack's validated put-bucket-acp-acl-3); another account's is AccessDenied
            raise InvalidArgument(
                "Invalid id", ArgumentName=_BODY_ARGUMENTS[0], ArgumentValue=stated["ID"]
            )
        raise AccessDenied()
    stated_grants = policy.get("Grants") or []
    if len(stated_grants) > MAX_GRANTS:
        raise MalformedACLError()
    grants = []
    for grant in stated_grants:
        grantee = grant.get("Grantee") if isinstance(grant, dict) else None
        permission = grant.get("Permission") if isinstance(grant, dict) else None
        if not isinstance(grantee, dict) or permission not in PERMISSIONS:
            raise MalformedACLError()
        kind = grantee.get("Type")
        if kind == "CanonicalUser" and grantee.get("ID"):
            resolved = _resolve("id", grantee["ID"], accounts, "Grantee", _BODY_ARGUMENTS, "")
        elif kind == "AmazonCustomerByEmail" and grantee.get("EmailAddress"):
            resolved = _resolve(
                "emailaddress", grantee["EmailAddress"], accounts, "Grantee", _BODY_ARGUMENTS, ""
            )
        elif kind == "Group" and grantee.get("URI"):
            resolved = _resolve("uri", grantee["URI"], accounts, "Grantee", _BODY_ARGUMENTS, "")
        else:
            raise MalformedACLError()
        grants.append(_grant(resolved, permission))
    return {"Owner": owner, "Grants": grants}


def is_public(acl: Mapping[str, Any] | None) -> bool:
    """Public as Block Public Access defines it: any grant to AllUsers or AuthenticatedUsers."""
    if not acl:
        return False
    return any(grant["Grantee"].get("URI") in PUBLIC_GROUPS for grant in acl["Grants"])


def permits(
    acl: Mapping[str, Any], account: Account | None, permission: str, ignore_public: bool
) -> bool:
    """Whether a grant in ``acl`` gives ``account`` (None: anonymous) ``permission``
    (FULL_CONTROL gives every permission); public grants count unless ``ignore_public``. The
    owner may always read and write the ACL, whatever it grants (as S3's resource owners)."""
    if permission in ("READ_ACP", "WRITE_ACP") and account is not None:
        if account.canonical_id == acl["Owner"]:
            return True
    for grant in acl["Grants"]:
        if grant["Permission"] not in (permission, "FULL_CONTROL"):
            continue
        grantee = grant["Grantee"]
        uri = grantee.get("URI")
        if uri is not None:
            if ignore_public and uri in PUBLIC_GROUPS:
                continue
            if uri == ALL_USERS or (uri == AUTHENTICATED_USERS and account is not None):
                return True
        elif account is not None and grantee.get("ID") == account.canonical_id:
            return True
    return False


def for_answer(acl: Mapping[str, Any], accounts: Accounts) -> dict[str, Any]:
    """GetBucketAcl / GetObjectAcl's output: owners and users with their display names.

    Group grants come first, then the others, each in the order stated: S3 documents no
    order, and suites that compare grants in order (ceph's s3-tests ``check_grants``, which
    sorts by display name only when the first grant has one) expect the groups first.
    """

    def show(grantee: dict[str, str]) -> dict[str, str]:
        if grantee.get("Type") != "CanonicalUser":
            return dict(grantee)
        return {"Type": "CanonicalUser", **accounts.owner(grantee["ID"])}

    grants = sorted(acl["Grants"], key=lambda g: g["Grantee"].get("Type") != "Group")
    return {
        "Owner": accounts.owner(acl["Owner"]),
        "Grants": [{"Grantee": show(g["Grantee"]), "Permission": g["Permission"]} for g in grants],
    }
