"""The one authorization decision: may this principal run this operation on this resource?

S3's order (https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

1. an explicit ``Deny`` in the bucket policy refuses, whoever asks (the bucket owner too, except
   for Get/Put/DeleteBucketPolicy, which the owner keeps unless it gave them up with
   ``x-amz-confirm-remove-self-bucket-access``);
2. an ``Allow`` in the bucket policy grants (with RestrictPublicBuckets on and a public policy,
   only to the owner's account); so does an ACL grant (``acl.py``), when the bucket's Object
   Ownership is not BucketOwnerEnforced, public grants only without IgnorePublicAcls;
3. the bucket owner's account is allowed by its own identity (fakes3 has no IAM: an account's
   requests are its root user's);
4. anything else is ``AccessDenied``.

Without a policy the owner's decision is one cached dict lookup (``store.configs.get``);
ACLs are read only for a caller the policy did not allow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fakes3.auth import acl
from fakes3.auth.accounts import Account, Accounts
from fakes3.auth.actions import OBJECT, action_of, also_needed
from fakes3.auth.policy import ALLOW, DENY, Policy, Principal, Request, cached
from fakes3.auth.policy_match import Value
from fakes3.auth.public import is_public
from fakes3.auth.request_context import RequestContext
from fakes3.errors import AccessDenied, MethodNotAllowed, S3Error
from fakes3.store import Store
from fakes3.store.records import BucketRecord

POLICY = "policy"  # {"Text": the policy as sent, "ConfirmRemoveSelf": bool}
PUBLIC_ACCESS_BLOCK = "public-access-block"  # the four switches; {} once deleted
BLOCK_SWITCHES = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
NEW_BUCKET_BLOCK = dict.fromkeys(BLOCK_SWITCHES, True)  # S3's default since April 2023
OWNERSHIP = "ownership"  # {"Rules": [{"ObjectOwnership": ...}]}; {} once deleted
BUCKET_ACL = "acl"  # the bucket's ACL document (acl.py)
_POLICY_OPERATIONS = frozenset(("GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"))
_READS = frozenset(("GetObject", "HeadObject"))

# For DeleteObjects under a key-dependent policy: raises AccessDenied for a (key, version)
# the caller may not delete; S3 reports it in that key's <Error> and deletes the others.
KeyCheck = Callable[[str, "str | None"], None]


def public_access_block(store: Store, bucket: str) -> dict[str, bool]:
    """The bucket's switches: all on for a bucket never configured, as S3 creates them."""
    stored = store.configs.get(bucket, PUBLIC_ACCESS_BLOCK)
    return NEW_BUCKET_BLOCK if stored is None else stored


def object_ownership(store: Store, bucket: str) -> str:
    """The bucket's object ownership setting: ``BucketOwnerEnforced`` for a bucket never
    configured (S3's default since April 2023), ``ObjectWriter`` once its controls are
    deleted (``{}`` stored: S3's behaviour before Object Ownership existed)."""
    controls = store.configs.get(bucket, OWNERSHIP)
    if controls is None:
        return "BucketOwnerEnforced"
    for rule in controls.get("Rules") or []:
        if rule.get("ObjectOwnership"):
            return str(rule["ObjectOwnership"])
    return "ObjectWriter"


def principal_of(account: Account | None) -> Principal | None:
    if account is None:
        return None
    arn = f"arn:aws:iam::{account.account_id}:user/{account.display_name}"
    return Principal(account.account_id, account.canonical_id, arn)


def _resource(bucket: str, key: str | None, kind: str) -> str:
    if kind == OBJECT and key is not None:
        return f"arn:aws:s3:::{bucket}/{key}"
    return f"arn:aws:s3:::{bucket}"


def _refusal(account: Account | None, action: str, resource: str, explicit: bool) -> AccessDenied:
    """AccessDenied with the reason AWS gives a signed caller; anonymous callers get none."""
    if account is None:
        return AccessDenied()
    why = (
        "with an explicit deny in a resource-based policy"
        if explicit
        else f"because no resource-based policy allows the {action} action"
    )
    return AccessDenied(
        f"User: arn:aws:iam::{account.account_id}:user/{account.display_name} is not "
        f'authorized to perform: {action} on resource: "{resource}" {why}'
    )


class Authorizer:
    """Decisions for one app: its store (policies, owners, clock) and its accounts."""

    def __init__(self, store: Store, accounts: Accounts) -> None:
        self.store = store
        self.accounts = accounts

    def owner_of(self, bucket: BucketRecord) -> str:
        return bucket.owner or self.accounts.default.canonical_id

    def decide(
        self,
        account: Account | None,
        operation: str,
        bucket: BucketRecord,
        key: str | None,
        headers: Mapping[str, str],
        environ: Mapping[str, Any],
        version_id: str | None = None,
        deny_only: bool = False,
    ) -> KeyCheck | None:
        """Raise AccessDenied (or 405 for another account's policy operations) unless the
        request is allowed. For a DeleteObjects whose answer may differ between keys, the
        per-key check the handler must run on each key it names. ``deny_only``: only an
        explicit Deny refuses (lenient mode's unsigned and unknown-key requests, and every
        request in unverified mode)."""
        is_owner = account is not None and account.canonical_id == self.owner_of(bucket)
        stored = self.store.configs.get(bucket.name, POLICY)
        if stored is None and deny_only:
            return None
        if stored is None:
            action, kind = action_of(operation, version_id is not None)
            if is_owner:
                if self._owner_may(account, action, bucket, key, version_id):
                    return None
            elif self._acl_allows(account, action, bucket, key, version_id):
                return None
            raise _refusal(account, action, _resource(bucket.name, key, kind), explicit=False)
        policy = cached(stored["Text"], bucket.name)
        action, kind = action_of(operation, version_id is not None)
        resource = _resource(bucket.name, key, kind)
        if operation == "DeleteObjects":
            if self._batch_delete(policy, account, is_owner or deny_only, action, resource):
                return None

            def check(one_key: str, version: str | None) -> None:
                self.decide(
                    account, "DeleteObject", bucket, one_key, headers, environ, version, deny_only
                )

            return check
        context = RequestContext(
            self.store,
            account,
            bucket,
            key,
            version_id,
            headers,
            environ,
            self._owner_account(bucket),
        )
        principal = principal_of(account)
        actions = (action, *also_needed(operation, version_id is not None, headers))
        decisions = [policy.decide(Request(principal, a, resource, context.get)) for a in actions]
        for needed, decision in zip(actions, decisions, strict=True):
            if decision == DENY:
                keeps = (is_owner or deny_only) and operation in _POLICY_OPERATIONS
                if not (keeps and not stored.get("ConfirmRemoveSelf")):
                    raise _refusal(account, needed, resource, explicit=True)
        if deny_only:
            return None
        if is_owner:
            if not self._owner_may(account, action, bucket, key, version_id):
                raise _refusal(account, action, resource, explicit=False)
            return None
        by_acl = False
        for needed, decision in zip(actions, decisions, strict=True):
            if decision != ALLOW:
                if not self._acl_allows(account, needed, bucket, key, version_id):
                    raise _refusal(account, needed, resource, explicit=False)
                by_acl = True
        if not by_acl and self._restricted(bucket, policy, account):
            raise _refusal(account, action, resource, explicit=False)
        if operation in _POLICY_OPERATIONS:  # only the owner's account may, even if allowed
            raise MethodNotAllowed(Method=environ.get("REQUEST_METHOD", ""), ResourceType="BUCKET")
        if operation in _READS and key is not None and not by_acl:
            self._missing_needs_list(policy, account, bucket, key, version_id, context)
        return None

    def _missing_needs_list(
        self,
        policy: Policy,
        account: Account | None,
        bucket: BucketRecord,
        key: str,
        version_id: str | None,
        context: RequestContext,
    ) -> None:
        """S3 answers a missing key with 404 only to a caller who may list the bucket
        (``s3:ListBucket`` with ``s3:prefix`` the key); others get 403, so that reading does
        not reveal which keys exist (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html)."""
        try:
            self.store.head_object(bucket.name, key, version_id)
            return
        except S3Error:
            pass

        def lookup(name: str) -> Value | None:
            return key if name.lower() == "s3:prefix" else context.get(name)

        listing = Request(
            principal_of(account), "s3:ListBucket", f"arn:aws:s3:::{bucket.name}", lookup
        )
        if policy.decide(listing) != ALLOW or self._restricted(bucket, policy, account):
            raise _refusal(account, "s3:ListBucket", listing.resource, explicit=False)

    def _owner_may(
        self,
        account: Account | None,
        action: str,
        bucket: BucketRecord,
        key: str | None,
        version_id: str | None,
    ) -> bool:
        """The bucket owner may do anything to its bucket, but with ACLs enabled an object
        another account wrote (ObjectWriter) is that account's: reading it or its ACL, or
        writing its ACL, takes a grant in the object's ACL
        (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html)."""
        need = acl.needs(action)
        if need is None or need[0] != acl.OBJECT_LEVEL or key is None or account is None:
            return True
        if object_ownership(self.store, bucket.name) == "BucketOwnerEnforced":
            return True
        try:
            record = self.store.head_object(bucket.name, key, version_id)
        except S3Error:
            return True  # the handler answers 404
        if record.acl is None or record.acl["Owner"] == account.canonical_id:
            return True
        ignore = bool(public_access_block(self.store, bucket.name).get("IgnorePublicAcls"))
        return acl.permits(record.acl, account, need[1], ignore)

    def _acl_allows(
        self,
        account: Account | None,
        action: str,
        bucket: BucketRecord,
        key: str | None,
        version_id: str | None,
    ) -> bool:
        """Whether an ACL grant gives ``action`` (acl.py's table of what each permission
        allows); never under BucketOwnerEnforced, where ACLs do not act."""
        need = acl.needs(action)
        if need is None or object_ownership(self.store, bucket.name) == "BucketOwnerEnforced":
            return False
        level, permission = need
        ignore = bool(public_access_block(self.store, bucket.name).get("IgnorePublicAcls"))
        if level == acl.BUCKET_LEVEL:
            document = self.store.configs.get(bucket.name, BUCKET_ACL)
            document = document or acl.private(self.owner_of(bucket))
            return acl.permits(document, account, permission, ignore)
        if key is None:
            return False
        try:
            record = self.store.head_object(bucket.name, key, version_id)
        except S3Error:  # no such key: 404 for a caller who may list the bucket, else 403
            return permission == "READ" and self._acl_allows(
                account, "s3:ListBucket", bucket, None, None
            )
        document = record.acl or acl.private(self.owner_of(bucket))
        return acl.permits(document, account, permission, ignore)

    def _owner_account(self, bucket: BucketRecord) -> str | None:
        owner = self.accounts.by_canonical_id(self.owner_of(bucket))
        return owner.account_id if owner is not None else None

    def _restricted(self, bucket: BucketRecord, policy: Policy, account: Account | None) -> bool:
        """RestrictPublicBuckets: a public policy grants only within the owner's account."""
        if not public_access_block(self.store, bucket.name).get("RestrictPublicBuckets"):
            return False
        if not is_public(policy):
            return False
        return account is None or account.account_id != self._owner_account(bucket)

    @staticmethod
    def _batch_delete(
        policy: Policy, account: Account | None, is_owner: bool, action: str, resource: str
    ) -> bool:
        """DeleteObjects names its keys in the body, read after this decision: True when no
        statement could make the answer differ between keys (decided here for all of
        them), False when each key must be decided as its own DeleteObject would be
        (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html: S3 checks
        the permission for every object and reports a refused one as AccessDenied)."""
        if is_owner and not policy.may_apply(DENY, action):
            return True
        if not is_owner and not policy.may_apply(ALLOW, action):
            raise _refusal(account, action, resource + "/*", explicit=False)
        return False
