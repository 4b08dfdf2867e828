"""Who may touch a bucket: its owner only, in strict mode (ACLs and policies come later).

S3 checks identity first (``authenticate``), then permission. With no ACLs or bucket policies
yet, every bucket is private to the account that created it, so in ``strict`` mode another
account, or an anonymous request, gets ``AccessDenied``. ``lenient`` and ``off`` let every
request through (they exist so unsigned or foreign-key tests keep working).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from fakes3.auth.accounts import Account
from fakes3.auth.authenticate import STRICT
from fakes3.errors import AccessDenied
from fakes3.store.records import BucketRecord

# Operations that name a bucket which need not exist yet, or whose owner is decided later.
_NO_OWNER_CHECK = frozenset({"CreateBucket"})


def owner_id(bucket: BucketRecord, default: Account) -> str:
    """The bucket owner's canonical id ('' in old data is the default account)."""
    return bucket.owner or default.canonical_id


def copy_source_bucket(headers: Mapping[str, str]) -> str | None:
    """The bucket named by ``x-amz-copy-source`` (``bucket/key`` or ``/bucket/key``)."""
    source = headers.get("x-amz-copy-source")
    if not source:
        return None
    path = unquote(source.partition("?")[0]).lstrip("/")
    return path.partition("/")[0] or None


def check_access(
    mode: str,
    account: Account | None,
    operation: str,
    bucket: BucketRecord | None,
    default: Account,
) -> None:
    """Raise AccessDenied unless ``account`` may run ``operation`` on ``bucket``.

    ``bucket`` is None when the request names no bucket or one that does not exist (the
    operation then answers NoSuchBucket, as S3 does, even to strangers).
    """
    if mode != STRICT:
        return
    if account is None:
        if bucket is not None or operation in ("ListBuckets", "CreateBucket"):
            raise AccessDenied()
        return
    if bucket is None or operation in _NO_OWNER_CHECK:
        return
    if owner_id(bucket, default) != account.canonical_id:
        raise AccessDenied()
