"""The request context a bucket policy's conditions read, computed only for keys asked.

Keys are lower case. Global keys:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html;
S3's keys: https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html and
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from fakes3.auth.accounts import Account
from fakes3.auth.policy_match import Value
from fakes3.errors import S3Error
from fakes3.protocol.routing import parse_query
from fakes3.store import Store
from fakes3.store.records import BucketRecord

_HEADER_KEYS = (
    "x-amz-acl",
    "x-amz-copy-source",
    "x-amz-metadata-directive",
    "x-amz-grant-read",
    "x-amz-grant-write",
    "x-amz-grant-read-acp",
    "x-amz-grant-write-acp",
    "x-amz-grant-full-control",
    "x-amz-storage-class",
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-content-sha256",
    "x-amz-object-ownership",
    "x-amz-checksum-algorithm",
    "if-match",
    "if-none-match",
)
_LIST_KEYS = {"s3:prefix": "prefix", "s3:delimiter": "delimiter", "s3:max-keys": "max-keys"}
_LIST_OPERATIONS_QUERY = ("list-type", "versions")


class RequestContext:
    """``get(key)``: one request's value of a condition key, None if the request has none."""

    def __init__(
        self,
        store: Store,
        account: Account | None,
        bucket: BucketRecord,
        key: str | None,
        version_id: str | None,
        headers: Mapping[str, str],
        environ: Mapping[str, Any],
        owner_account: str | None,
    ) -> None:
        self.store = store
        self.account = account
        self.bucket = bucket
        self.key = key
        self.version_id = version_id
        self.headers = headers
        self.environ = environ
        self.owner_account = owner_account
        self._cache: dict[str, Value | None] = {}
        self._query: Mapping[str, str] | None = None
        self._tags: tuple[tuple[str, str], ...] | None = None

    def get(self, key: str) -> Value | None:
        key = key.lower()
        if key not in self._cache:
            self._cache[key] = self._compute(key)
        return self._cache[key]

    def _compute(self, key: str) -> Value | None:
        simple = _SIMPLE.get(key)
        if simple is not None:
            return simple(self)
        if key == "s3:x-amz-copy-source":  # as S3 compares it: "bucket/key", decoded
            source = self.headers.get("x-amz-copy-source")
            return unquote(source).lstrip("/") if source is not None else None
        if key.startswith("s3:") and key[3:] in _HEADER_KEYS:
            return self.headers.get(key[3:])
        if key in _LIST_KEYS:
            return self._listing().get(_LIST_KEYS[key]) if self.key is None else None
        if key.startswith("s3:existingobjecttag/"):
            wanted = key[len("s3:existingobjecttag/") :]
            return next((v for k, v in self._existing_tags() if k.lower() == wanted), None)
        if key.startswith("s3:requestobjecttag/"):
            wanted = key[len("s3:requestobjecttag/") :]
            return next((v for k, v in self._request_tags() if k.lower() == wanted), None)
        if key == "s3:requestobjecttagkeys":
            tags = self._request_tags()
            return tuple(k for k, _ in tags) if "x-amz-tagging" in self.headers else None
        return None

    def _query_params(self) -> Mapping[str, str]:
        if self._query is None:
            self._query = parse_query(self.environ.get("QUERY_STRING", ""))
        return self._query

    def _listing(self) -> Mapping[str, str]:
        """A listing's parameters (S3 sets s3:prefix and friends on ListBucket(Versions))."""
        query = self._query_params()
        method = self.environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD") or any(
            name in query for name in ("policy", "tagging", "acl", "cors", "uploads")
        ):
            return {}
        return query

    def _existing_tags(self) -> tuple[tuple[str, str], ...]:
        if self._tags is None:
            self._tags = ()
            if self.key is not None:
                try:
                    record = self.store.head_object(self.bucket.name, self.key, self.version_id)
                    self._tags = record.tags
                except S3Error:
                    pass  # no object: the key is absent, the operation answers the error
        return self._tags

    def _request_tags(self) -> list[tuple[str, str]]:
        return parse_qsl(self.headers.get("x-amz-tagging", ""), keep_blank_values=True)


def _auth_type(context: RequestContext) -> str | None:
    if context.account is None:
        return None
    if "authorization" in context.headers:
        return "REST-HEADER"
    return "REST-QUERY-STRING"


def _signature_version(context: RequestContext) -> str | None:
    if context.account is None:
        return None
    authorization = context.headers.get("authorization", "")
    if authorization.startswith("AWS "):
        return "AWS"
    if authorization:
        return authorization.split(" ", 1)[0]
    query = context.environ.get("QUERY_STRING", "")
    return "AWS4-HMAC-SHA256" if "X-Amz-Algorithm" in query else "AWS"


def _now(context: RequestContext) -> str:
    return context.store.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(context: RequestContext) -> str:
    return str(int(context.store.clock.now().timestamp()))


_SIMPLE: dict[str, Callable[[RequestContext], Value | None]] = {
    "aws:sourceip": lambda c: c.environ.get("REMOTE_ADDR"),
    "aws:securetransport": lambda c: (
        "true" if c.environ.get("wsgi.url_scheme") == "https" else "false"
    ),
    "aws:currenttime": _now,
    "aws:epochtime": _epoch,
    "aws:referer": lambda c: c.headers.get("referer"),
    "aws:useragent": lambda c: c.headers.get("user-agent"),
    "aws:principalaccount": lambda c: c.account.account_id if c.account else None,
    "aws:principalarn": lambda c: (
        f"arn:aws:iam::{c.account.account_id}:user/{c.account.display_name}" if c.account else None
    ),
    "aws:principaltype": lambda c: "User" if c.account else "Anonymous",
    "aws:userid": lambda c: c.account.access_key if c.account else "anonymous",
    "aws:username": lambda c: c.account.display_name if c.account else None,
    "s3:versionid": lambda c: c.version_id,
    "s3:authtype": _auth_type,
    "s3:signatureversion": _signature_version,
    "s3:resourceaccount": lambda c: c.owner_account,
}
