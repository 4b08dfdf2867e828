"""Owner-only access, for POST uploads that ``authorize.py`` does not decide: to a bucket that
does not exist (answered NoSuchBucket), or any in ``off`` mode. A POST upload to an existing
bucket in any other mode is decided by ``authorize.py`` as its signer, as every other request
is (deny-only when its signature was not verified).
The action table is ``actions.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote_plus

from fakes3.auth.accounts import Account
from fakes3.auth.actions import OBJECT, action_of
from fakes3.auth.authenticate import STRICT
from fakes3.errors import AccessDenied
from fakes3.store.records import BucketRecord

# Operations that name a bucket which need not exist yet, or whose owner is decided later.
_NO_OWNER_CHECK = frozenset({"CreateBucket"})


def owner_id(bucket: BucketRecord, default: Account) -> str:
    """The bucket owner's canonical id ('' in old data is the default account)."""
    return bucket.owner or default.canonical_id


def copy_source(headers: Mapping[str, str]) -> tuple[str, str] | None:
    """(bucket, key) named by ``x-amz-copy-source`` (``bucket/key`` or ``/bucket/key``)."""
    source = headers.get("x-amz-copy-source")
    if not source:
        return None
    bucket, _, key = unquote_plus(source.partition("?")[0]).lstrip("/").partition("/")
    return (bucket, key) if bucket else None


def denied(account: Account, operation: str, bucket: str, key: str | None) -> AccessDenied:
    """AccessDenied with the explanation AWS gives: who, which action, on what, and why."""
    action, kind = action_of(operation)
    resource = f"arn:aws:s3:::{bucket}"
    if key is not None and kind == OBJECT:
        resource += f"/{key}"
    return AccessDenied(
        f"User: arn:aws:iam::{account.account_id}:user/{account.display_name} is not "
        f'authorized to perform: {action} on resource: "{resource}" because no '
        f"resource-based policy allows the {action} action"
    )


def check_access(
    mode: str,
    account: Account | None,
    operation: str,
    bucket: BucketRecord | None,
    default: Account,
    key: str | None = None,
) -> None:
    """Raise AccessDenied unless ``account`` may run ``operation`` on ``bucket`` (and ``key``).

    ``bucket`` is None when the request names no bucket or one that does not exist (the
    operation then answers NoSuchBucket, as S3 does, even to strangers). Anonymous requests
    get S3's plain "Access Denied"; another account gets the reason.
    """
    if mode != STRICT and account is not None:  # anonymous: refused in every mode
        return
    if account is None:
        if bucket is not None or operation in ("ListBuckets", "CreateBucket"):
            raise AccessDenied()
        return
    if bucket is None or operation in _NO_OWNER_CHECK:
        return
    if owner_id(bucket, default) != account.canonical_id:
        raise denied(account, operation, bucket.name, key)
