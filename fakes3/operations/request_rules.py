"""Request headers S3 honours that fakes3 has no feature behind: answered as AWS answers them.

fakes3's rule: every header (and query parameter) S3 honours is either honoured by fakes3 or
refused as AWS refuses it, never accepted and silently ignored. Handlers honour most of them;
this module holds the rest, by operation, so the check costs one dict lookup on an operation
with no rules and a set intersection on one with rules (the app calls ``check`` once per
request, after parsing, before the handler; a refusal therefore stores nothing).

- ACLs: new buckets have Object Ownership ``BucketOwnerEnforced`` (ACLs disabled) since April
  2023. Object writes to such a bucket accept no ACL or only
  ``bucket-owner-full-control`` (or the same grant spelled ``x-amz-grant-full-control:
  id=<bucket owner>``), else 400 ``AccessControlListNotSupported``; CreateBucket accepts only a
  private bucket ACL, else 400 ``InvalidBucketAclWithObjectOwnership`` (the ``private`` canned
  ACL alone makes the bucket ``BucketOwnerPreferred``: ``config/ownership.at_creation``).
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
  Under ObjectWriter / BucketOwnerPreferred the writes honour them (``operations/acls.py``).
- Object Lock event holds (``x-amz-object-lock-event-hold*``): NotImplemented. The other lock
  headers are honoured by the writes (``operations/object_lock.py``).
- Directory-bucket-only headers (append, conditional deletes by time/size) and MFA: the
  header is named in a NotImplemented answer.

``ACCEPTED`` lists the members accepted with no effect because AWS gives them none here;
``tests/unit/test_header_audit.py`` walks the model so that no member escapes all lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fakes3.auth.acl import CANNED
from fakes3.auth.authorize import object_ownership
from fakes3.errors import (
    AccessControlListNotSupported,
    InvalidArgument,
    InvalidBucketAclWithObjectOwnership,
    InvalidRequest,
    NotImplementedByFakeS3,
)
from fakes3.operations import acls
from fakes3.operations.config.ownership import at_creation as ownership_at_creation
from fakes3.operations.context import Context, Params
from fakes3.settings import LEGACY
from fakes3.store import Store

# S3's own NotImplemented message, with the header in a <Header> element.
_HEADER_NOT_IMPLEMENTED = "A header you provided implies functionality that is not implemented"
_OBJECT_GRANTS = ("GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP")
_BUCKET_GRANTS = (*_OBJECT_GRANTS, "GrantWrite")
_GRANT_HEADERS = {
    "GrantFullControl": "x-amz-grant-full-control",
    "GrantRead": "x-amz-grant-read",
    "GrantReadACP": "x-amz-grant-read-acp",
    "GrantWrite": "x-amz-grant-write",
    "GrantWriteACP": "x-amz-grant-write-acp",
}
# Canned ACLs that leave a new bucket private: S3 ignores the bucket-owner-* ones on buckets.
_PRIVATE_BUCKET_ACLS = frozenset({"private", "bucket-owner-full-control", "bucket-owner-read"})
_EVENT_HOLD_MEMBERS = (
    "ObjectLockEventHold",
    "ObjectLockEventHoldDurationDays",
    "ObjectLockEventHoldDurationYears",
)

# Members accepted with no effect, and why that is what AWS does for a fakes3 bucket.
ACCEPTED: dict[str, str] = {
    "RequestPayer": (
        "x-amz-request-payer: accepted; nobody is charged, so no x-amz-request-charged "
        "(AWS sends it only when a Requester Pays bucket charged the requester)"
    ),
    "SkipDestinationValidation": (
        "x-amz-skip-destination-validation: accepted; fakes3 never validates notification "
        "destinations (no SNS, SQS or Lambda), as if it were always true"
    ),
    "Token": (
        "x-amz-bucket-object-lock-token (PutObjectLockConfiguration): accepted; since 2023 AWS "
        "enables Object Lock on an existing versioned bucket without asking for a token"
    ),
}


@dataclass(frozen=True)
class Rule:
    """A check run when any of ``members`` is in the request; ``does`` says what it does."""

    members: tuple[str, ...]
    check: Callable[[Context, Params], None]
    does: str


def _grantees(value: str) -> set[tuple[str, str]]:
    """``id="abc", uri="http://…"`` -> {("id", "abc"), ("uri", "http://…")}."""
    grantees: set[tuple[str, str]] = set()
    for item in value.split(","):
        kind, _, who = item.strip().partition("=")
        grantees.add((kind.strip().lower(), who.strip().strip('"').lower()))
    return grantees


def _only_full_control_to(params: Params, grants: tuple[str, ...], owner: str) -> bool:
    """Whether the grant headers say exactly "full control to ``owner``" (or are absent)."""
    present = [name for name in grants if name in params]
    if not present:
        return True
    return present == ["GrantFullControl"] and _grantees(params["GrantFullControl"]) == {
        ("id", owner.lower())
    }


def _canned_and_grants(params: Params, grants: tuple[str, ...]) -> None:
    if "ACL" in params and any(name in params for name in grants):
        raise InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")


def _object_acl(ctx: Context, params: Params) -> None:
    """PutObject / CopyObject / CreateMultipartUpload ACLs on an ACL-disabled bucket; with
    ACLs enabled the write honours them (``operations/acls.py::for_write``)."""
    bucket = ctx.store.get_bucket(params["Bucket"])  # NoSuchBucket comes first
    _canned_and_grants(params, _OBJECT_GRANTS)
    acl = params.get("ACL")
    if acl is not None and acl not in CANNED:
        # an unknown canned ACL is refused as such, ownership or not (AWS: LocalStack's
        # validated test_s3_object_acl_exceptions)
        raise InvalidArgument(ArgumentName="x-amz-acl", ArgumentValue=acl)
    if object_ownership(ctx.store, bucket.name) != "BucketOwnerEnforced":
        return
    owner = bucket.owner or ctx.accounts.default.canonical_id
    if acl is not None and acl != "bucket-owner-full-control":
        raise AccessControlListNotSupported()
    if not _only_full_control_to(params, _OBJECT_GRANTS, owner):
        raise AccessControlListNotSupported()


def check_form_acl(store: Store, bucket: str, acl: str | None) -> None:
    """The ``acl`` field of a POST upload: the same rule as PutObject's ``x-amz-acl``."""
    if acl is not None and acl != "bucket-owner-full-control":
        store.get_bucket(bucket)
        if object_ownership(store, bucket) == "BucketOwnerEnforced":
            raise AccessControlListNotSupported()


def _bucket_acl(ctx: Context, params: Params) -> None:
    """CreateBucket: a known Object Ownership; under BucketOwnerEnforced (the default) only a
    private bucket ACL; under the others the handler stores the ACL (``operations/acls.py``),
    and a public one is refused as the new bucket's BlockPublicAcls refuses it."""
    legacy = ctx.settings.bucket_defaults == LEGACY
    ownership = ownership_at_creation(params, legacy)
    if ownership is None and legacy:
        ownership = "ObjectWriter"  # a bucket as S3 made them before April 2023
    if ownership is not None and ownership != "BucketOwnerEnforced":
        if ownership in ("ObjectWriter", "BucketOwnerPreferred"):
            _canned_and_grants(params, _BUCKET_GRANTS)
            acls.new_bucket_acl(ctx, params)
            return
        raise InvalidArgument(  # AWS's words (LocalStack's ownership-wrong-value-at-creation)
            f"Invalid x-amz-object-ownership header: {ownership}",
            ArgumentName="x-amz-object-ownership",
        )
    _canned_and_grants(params, _BUCKET_GRANTS)
    acl = params.get("ACL")
    if acl is not None and acl not in _PRIVATE_BUCKET_ACLS:
        raise InvalidBucketAclWithObjectOwnership()
    if not _only_full_control_to(params, _BUCKET_GRANTS, ctx.owner_id):
        raise InvalidBucketAclWithObjectOwnership()


def _event_hold(ctx: Context, params: Params) -> None:
    ctx.store.get_bucket(params["Bucket"])
    raise NotImplementedByFakeS3(_HEADER_NOT_IMPLEMENTED, Header="x-amz-object-lock-event-hold")


def _namespace(ctx: Context, params: Params) -> None:
    value = params["BucketNamespace"]
    if value == "global":
        return
    if value == "account-regional":
        raise NotImplementedByFakeS3(
            "fakes3 does not implement account regional bucket namespaces.",
            Header="x-amz-bucket-namespace",
        )
    raise InvalidArgument(
        "Invalid x-amz-bucket-namespace header",
        ArgumentName="x-amz-bucket-namespace",
        ArgumentValue=value,
    )


def _directory_bucket(ctx: Context, params: Params) -> None:
    """``Location`` and ``Bucket`` in CreateBucketConfiguration describe a directory bucket."""
    config = params["CreateBucketConfiguration"]
    for member in ("Location", "Bucket"):
        if config.get(member) is not None:
            raise NotImplementedByFakeS3(
                f"fakes3 does not implement directory buckets (CreateBucketConfiguration {member})."
            )


def _mfa(ctx: Context, params: Params) -> None:
    raise NotImplementedByFakeS3(
        "fakes3 does not implement MFA delete: it has no MFA devices to check x-amz-mfa against.",
        Header="x-amz-mfa",
    )


def _directory_only(header: str) -> Callable[[Context, Params], None]:
    """A header only directory buckets (S3 Express One Zone) honour; fakes3 has none."""

    def refuse(ctx: Context, params: Params) -> None:
        raise NotImplementedByFakeS3(_HEADER_NOT_IMPLEMENTED, Header=header)

    return refuse


def _optional_attributes(ctx: Context, params: Params) -> None:
    """``RestoreStatus`` is the one optional attribute (the listings add it to entries being
    or having been restored, ``operations/restore.py``); any other name is refused."""
    value = params["OptionalObjectAttributes"]
    names = value if isinstance(value, list) else [value]
    for name in names:
        if name != "RestoreStatus":
            raise InvalidArgument(
                "Invalid attribute name specified.",
                ArgumentName="x-amz-optional-object-attributes",
                ArgumentValue=name,
            )


def _annotation_directive(ctx: Context, params: Params) -> None:
    """No fakes3 object has annotations (PutObjectAnnotation is not implemented): COPY and
    EXCLUDE copy the same nothing; other values are refused like the other directives."""
    value = params["AnnotationDirective"]
    if value not in ("COPY", "EXCLUDE"):
        raise InvalidArgument(
            "Unknown annotation directive.",
            ArgumentName="x-amz-object-annotation-directive",
            ArgumentValue=value,
        )


_OBJECT_ACL = Rule(
    ("ACL", *_OBJECT_GRANTS),
    _object_acl,
    "honoured with ACLs enabled; under BucketOwnerEnforced 400 "
    "AccessControlListNotSupported unless bucket-owner-full-control",
)
_OBJECT_LOCK = Rule(_EVENT_HOLD_MEMBERS, _event_hold, "501 NotImplemented (event holds)")
_MFA = Rule(("MFA",), _mfa, "501 NotImplemented (MFA delete)")

RULES: dict[str, tuple[Rule, ...]] = {
    "PutObject": (
        _OBJECT_ACL,
        _OBJECT_LOCK,
        Rule(
            ("WriteOffsetBytes",),
            _directory_only("x-amz-write-offset-bytes"),
            "501 NotImplemented (directory buckets only)",
        ),
    ),
    "CopyObject": (
        _OBJECT_ACL,
        _OBJECT_LOCK,
        Rule(
            ("AnnotationDirective",),
            _annotation_directive,
            "COPY/EXCLUDE accepted (no annotations exist); else 400 InvalidArgument",
        ),
    ),
    "CreateMultipartUpload": (_OBJECT_ACL, _OBJECT_LOCK),
    "CreateBucket": (
        Rule(
            ("ACL", *_BUCKET_GRANTS, "ObjectOwnership"),
            _bucket_acl,
            "ObjectWriter/BucketOwnerPreferred honoured with their ACL; under "
            "BucketOwnerEnforced only a private ACL, else 400 InvalidBucketAclWithObjectOwnership",
        ),
        Rule(
            ("BucketNamespace",),
            _namespace,
            "global accepted; account-regional 501 NotImplemented",
        ),
        Rule(
            ("CreateBucketConfiguration",),
            _directory_bucket,
            "Location/Bucket (directory buckets) 501 NotImplemented",
        ),
    ),
    "DeleteObject": (
        _MFA,
        Rule(
            ("IfMatchLastModifiedTime",),
            _directory_only("x-amz-if-match-last-modified-time"),
            "501 NotImplemented (directory buckets only)",
        ),
        Rule(
            ("IfMatchSize",),
            _directory_only("x-amz-if-match-size"),
            "501 NotImplemented (directory buckets only)",
        ),
    ),
    "DeleteObjects": (_MFA,),
    "PutBucketVersioning": (_MFA,),
}
_OPTIONAL = Rule(
    ("OptionalObjectAttributes",),
    _optional_attributes,
    "RestoreStatus honoured by the listing handlers; else 400 InvalidArgument",
)
for _listing in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
    RULES[_listing] = (_OPTIONAL,)

# The members that trigger any rule, per operation: most requests carry none of them.
_TRIGGERS: dict[str, frozenset[str]] = {
    operation: frozenset(member for rule in rules for member in rule.members)
    for operation, rules in RULES.items()
}


def check(operation: str, ctx: Context, params: Params) -> None:
    """Refuse, as AWS does, a request using a header fakes3 cannot honour."""
    triggers = _TRIGGERS.get(operation)
    if triggers is None or params.keys().isdisjoint(triggers):
        return
    for rule in RULES[operation]:
        if any(member in params for member in rule.members):
            rule.check(ctx, params)


__all__ = ["ACCEPTED", "RULES", "Rule", "check", "check_form_acl"]
