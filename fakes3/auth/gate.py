"""The app's door: authenticate a request before its body is read, authorize it once routed.

Everything the WSGI app needs from ``fakes3.auth`` is here, so ``app.py`` calls three methods
and holds no auth logic of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fakes3.auth.access import copy_source, owner_id
from fakes3.auth.accounts import Account, Accounts
from fakes3.auth.authenticate import OFF, STRICT, Authenticator, Identity
from fakes3.auth.authorize import Authorizer, KeyCheck
from fakes3.errors import AccessDenied, NoSuchBucket, PreconditionFailed
from fakes3.operations.post_object import PostRequest, is_form_upload, post_object
from fakes3.protocol.addressing import Addressed, bucket_from_host, hostname
from fakes3.protocol.formdata import Readable
from fakes3.protocol.routing import parse_query
from fakes3.protocol.serializing import WireResponse
from fakes3.settings import Settings
from fakes3.store import Store
from fakes3.store.records import BucketRecord

# Requests an anonymous caller is refused even without a bucket to name.
_ANONYMOUS_REFUSED = frozenset(("ListBuckets", "CreateBucket"))


class Gate:
    """Auth for one app: its settings' mode and accounts, its store's buckets and clock."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.accounts = Accounts(settings.accounts)
        self.authorizer = Authorizer(store, self.accounts)
        # The store's clock, read on every request, so tests that swap it travel in time;
        # with its fraction, so a presigned URL of X-Amz-Expires=0 has expired when it arrives.
        self.auth = Authenticator(settings.auth, self.accounts, lambda: self.store.clock.time())

    def _bucket(self, name: str | None) -> BucketRecord | None:
        try:
            return self.store.get_bucket(name) if name is not None else None
        except NoSuchBucket:
            return None

    def authenticate(
        self,
        environ: Mapping[str, Any],
        method: str,
        raw_path: str,
        headers: Mapping[str, str],
        addressed: Addressed,
    ) -> Identity:
        """The caller's identity by the auth mode (docs/auth.md), or the S3 error refusing it."""
        if method == "OPTIONS":  # CORS preflights are never signed
            return Identity(None)

        def region_of() -> str | None:
            record = self._bucket(addressed.names()[0])
            return record.region if record is not None else None

        query = environ.get("QUERY_STRING", "")
        return self.auth.authenticate(
            method,
            raw_path,
            query,
            headers,
            region_of,
            addressed.host_bucket,
            us_east_1_too=method == "GET" and _asks_location(query, addressed),
        )

    def authorize(
        self,
        identity: Identity,
        operation: str,
        bucket: str | None,
        key: str | None,
        headers: Mapping[str, str],
        environ: Mapping[str, Any] | None = None,
    ) -> KeyCheck | None:
        """``x-amz-expected-bucket-owner`` (and the copy source's) must name the owner, in
        every mode; then the one decision (``authorize.py``, docs/access-control.md) in every
        mode but ``off``, for requests whose principal is known (lenient mode lets unsigned
        and unknown-key requests act as the default account, refused only by an explicit
        Deny in the bucket policy; unverified mode does so for every request). For a
        DeleteObjects whose keys must be decided one by one, the check to run on each."""
        record = self._bucket(bucket)
        source = copy_source(headers)
        source_record = self._bucket(source[0]) if source is not None else None
        self._expected_owner(record, headers.get("x-amz-expected-bucket-owner"))
        self._expected_owner(source_record, headers.get("x-amz-source-expected-bucket-owner"))
        mode = self.auth.mode
        if mode == OFF:
            return None
        account = identity.account
        deny_only = mode != STRICT and not identity.verified and account is not None
        if record is None or operation == "CreateBucket":
            if account is None and (record is not None or operation in _ANONYMOUS_REFUSED):
                raise AccessDenied()
            return None
        env = environ if environ is not None else {}
        query = env.get("QUERY_STRING", "")
        version = parse_query(query).get("versionId") if "versionId" in query else None
        per_key = self.authorizer.decide(
            account, operation, record, key, headers, env, version, deny_only
        )
        if source is not None and source_record is not None:
            raw_source = headers.get("x-amz-copy-source", "")
            source_version = raw_source.partition("?versionId=")[2] or None
            self.authorizer.decide(
                account,
                "GetObject",
                source_record,
                source[1],
                headers,
                env,
                source_version,
                deny_only,
            )
        return per_key

    def _expected_owner(self, bucket: BucketRecord | None, expected: str | None) -> None:
        """S3 answers 403 when the bucket's owner is not the account the caller expects."""
        if expected is None or bucket is None:
            return
        owner = self.accounts.by_canonical_id(owner_id(bucket, self.accounts.default))
        if owner is None or owner.account_id != expected.strip():
            raise AccessDenied()

    def form_upload(
        self,
        environ: Mapping[str, Any],
        method: str,
        bucket: str | None,
        key: str | None,
        headers: Mapping[str, str],
        body: Readable,
        identity: Identity,
    ) -> WireResponse | None:
        """A browser POST upload's answer, or None if this is not one. A POST to a bucket
        with no sub-resource that is not a form is refused as S3 refuses it (LocalStack's
        validated test_post_object_with_wrong_content_type)."""
        if bucket is None or not is_form_upload(
            method, bucket, key, headers.get("content-type", "")
        ):
            if method == "POST" and bucket is not None and not key:
                if not environ.get("QUERY_STRING"):
                    raise PreconditionFailed(
                        Condition="Bucket POST must be of the enclosure-type multipart/form-data"
                    )
            return None
        host = headers.get("host", "")
        path_style = bucket_from_host(hostname(host), self.settings.base_domain) is None
        base_url = f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

        def decide(
            account: Account | None,
            record: BucketRecord,
            key: str | None,
            deny_only: bool,
            form_headers: dict[str, str],
        ) -> None:
            as_put = {**headers, **form_headers}  # the form's fields are the upload's headers
            self.authorizer.decide(
                account, "PostObject", record, key, as_put, environ, None, deny_only
            )

        request = PostRequest(
            self.store,
            self.auth,
            identity,
            bucket,
            headers,
            body,
            base_url,
            path_style,
            self.settings.allow_insecure_ssec,
            decide,
        )
        return post_object(request)


def _asks_location(query: str, addressed: Addressed) -> bool:
    """A GetBucketLocation: ``?location`` on a bucket, no key."""
    if "location" not in query:
        return False
    names = addressed.names()
    return names[0] is not None and not names[1] and "location" in parse_query(query)
