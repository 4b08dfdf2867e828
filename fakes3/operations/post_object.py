"""PostObject: browser form uploads (``POST /bucket`` with multipart/form-data).

https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html

Not an operation of the service model (browsers build the request, not SDKs), so the app
calls ``post_object`` itself when a form POST matches no route. Identity comes from the form:
a policy signed with SigV4 (``x-amz-credential``, ``x-amz-signature``…) or SigV2
(``AWSAccessKeyId``, ``signature``), under the server's auth mode like any other request.
The file part streams into the store; ``content-length-range`` is enforced while it does, so
a rejected upload stores nothing. The ``x-amz-server-side-encryption*`` fields encrypt as
their headers do on PutObject (``fakes3.operations.encryption``); the ``tagging`` field is an
XML ``Tagging`` document, as in S3; the ``x-amz-object-lock-*`` fields lock the version as
PutObject's headers do (a form upload is not asked for a digest); an ``acl`` field is refused
as on an ACL-disabled bucket (``request_rules.check_form_acl``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, cast
from urllib.parse import SplitResult, quote, urlencode, urlsplit, urlunsplit

from fakes3.auth.access import check_access
from fakes3.auth.accounts import Account
from fakes3.auth.authenticate import OFF, STRICT, Authenticator, Identity
from fakes3.auth.post_policy import Policy, policy_signature
from fakes3.errors import (
    IncorrectNumberOfFilesInPostRequest,
    InvalidArgument,
    NoSuchBucket,
)
from fakes3.operations import acls, encryption
from fakes3.operations.attributes import new_object, validate_key
from fakes3.operations.config.tagging import (
    check_object_tags,
    tag_pairs,
)
from fakes3.operations.object_lock import for_write
from fakes3.operations.objects import written_version
from fakes3.operations.request_rules import check_form_acl
from fakes3.protocol import checksums
from fakes3.protocol.body import RequestBody
from fakes3.protocol.formdata import FormData, Readable, boundary_of
from fakes3.protocol.parsing import read_document
from fakes3.protocol.serializing import WireResponse, default_serializer
from fakes3.protocol.xmlbody import escape
from fakes3.store import Store
from fakes3.store.records import BucketRecord
from fakes3.store.store import NewObject

CHECKSUM = "CRC64NVME"  # what S3 computes for objects uploaded without one
# Form fields that become object attributes, by model member name.
_ATTRIBUTES = {
    "content-type": "ContentType",
    "cache-control": "CacheControl",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "content-language": "ContentLanguage",
    "expires": "Expires",  # AWS stores it (LocalStack's validated TestS3PresignedPost)
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
    "x-amz-storage-class": "StorageClass",
    "x-amz-object-lock-mode": "ObjectLockMode",
    "x-amz-object-lock-retain-until-date": "ObjectLockRetainUntilDate",
    "x-amz-object-lock-legal-hold": "ObjectLockLegalHoldStatus",
}
# Encryption form fields, by model member name (as PutObject's headers).
_ENCRYPTION = {
    "x-amz-server-side-encryption": "ServerSideEncryption",
    "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
    "x-amz-server-side-encryption-context": "SSEKMSEncryptionContext",
    "x-amz-server-side-encryption-customer-algorithm": "SSECustomerAlgorithm",
    "x-amz-server-side-encryption-customer-key": "SSECustomerKey",
    "x-amz-server-side-encryption-customer-key-md5": "SSECustomerKeyMD5",
}


def is_form_upload(method: str, bucket: str | None, key: str | None, content_type: str) -> bool:
    return (
        method == "POST"
        and bucket is not None
        and key is None
        and content_type.lower().startswith("multipart/form-data")
    )


@dataclass
class PostRequest:
    store: Store
    auth: Authenticator
    identity: Identity  # from the request's headers (browsers send none: anonymous)
    bucket: str
    headers: Mapping[str, str]
    body: Readable
    base_url: str  # scheme://host, for the Location of the new object
    path_style: bool
    allow_insecure_ssec: bool = False  # Settings.allow_insecure_ssec
    # The one authorization decision (auth/gate.py, auth/authorize.py): bucket policies and
    # ACL grants apply to POST uploads as to PutObject. Its arguments: the form's signer, the
    # bucket, the key, deny-only, and the form's fields as a PutObject's headers.
    decide: (
        Callable[[Account | None, BucketRecord, str | None, bool, dict[str, str]], None] | None
    ) = None


class _Limited:
    """The file stream, with the policy's content-length-range checked as bytes arrive."""

    def __init__(self, source: Readable, policy: Policy | None) -> None:
        self._source = source
        self._policy = policy
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.size += len(data)
        if self._policy is not None:
            self._policy.check_length(self.size, final=not data)
        return data


def _is_digest(field: str) -> bool:
    return field == "content-md5" or checksums.algorithm_from_header(field) is not None


# Form fields that sign the form, not the object: no header of a PutObject carries them.
_SIGNING_FIELDS = frozenset(
    {"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "x-amz-security-token"}
)


def _as_headers(fields: dict[str, str]) -> dict[str, str]:
    """The (lower-cased) fields a PutObject would send as headers, under those headers' names:
    what a bucket policy's condition keys read (``s3:x-amz-server-side-encryption``,
    ``s3:x-amz-acl``…), and what makes an upload also need ``s3:PutObjectAcl``."""
    headers = {
        name: value
        for name, value in fields.items()
        if name.startswith("x-amz-") and name not in _SIGNING_FIELDS
    }
    if "acl" in fields:
        headers["x-amz-acl"] = fields["acl"]
    if "content-type" in fields:
        headers["content-type"] = fields["content-type"]
    return headers


def _account(
    request: PostRequest, fields: dict[str, str], region: str | None
) -> tuple[Account | None, Policy | None, bool]:
    """Who signed the form's policy (checked under the auth mode), the policy, and whether
    the signature was verified with that account's secret; a SigV4 credential must name the
    bucket's region."""
    auth = request.auth
    signature = policy_signature(fields)
    policy_text = fields.get("policy")
    if signature is None:
        return request.identity.account, None, request.identity.verified
    if policy_text is None:
        raise InvalidArgument(
            "Bucket POST must contain a field named 'policy'.  If it is specified, please "
            "check the order of the fields.",
            ArgumentName="policy",
            ArgumentValue="",
        )
    if auth.mode == OFF:
        return auth.accounts.default, None, False
    account = auth.account_for(signature.access_key)  # InvalidAccessKeyId when strict
    if account is not None:  # the signature first: a tampered policy is SignatureDoesNotMatch
        auth.check_token(account, fields.get("x-amz-security-token"))
        signature.check_region(region)
        signature.verify(account.secret_key, policy_text)
    policy = Policy.decode(policy_text)
    policy.check_time(auth.now())
    policy.check_fields(fields)
    return account or auth.accounts.default, policy, account is not None


def _params(fields: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {
        member: fields[name] for name, member in _ATTRIBUTES.items() if name in fields
    }
    params["Metadata"] = {
        name[len("x-amz-meta-") :]: value
        for name, value in fields.items()
        if name.startswith("x-amz-meta-")
    }
    return params


def _encrypt(
    new: NewObject, request: PostRequest, fields: dict[str, str], key: str, account: Account | None
) -> None:
    """The encryption the form's ``x-amz-server-side-encryption*`` fields ask for."""
    params: dict[str, Any] = {
        member: fields[name] for name, member in _ENCRYPTION.items() if name in fields
    }
    bucket_key = fields.get("x-amz-server-side-encryption-bucket-key-enabled")
    if bucket_key is not None:
        params["BucketKeyEnabled"] = bucket_key.strip().lower() == "true"
    owner = account or request.auth.accounts.default
    scope = encryption.Scope(request.store, request.bucket, owner.account_id, key)
    secure = request.base_url.startswith("https://")
    transport = encryption.Transport(secure, request.allow_insecure_ssec)
    new.encryption = encryption.resolve_write(params, scope, transport)
    new.seal = encryption.seal(params, transport, new.encryption)


def post_object(request: PostRequest) -> WireResponse:
    form = FormData(request.body, boundary_of(request.headers.get("content-type", "")))
    form.read_fields()
    fields: dict[str, str] = {}
    for name, value in form.fields:
        fields.setdefault(name.lower(), value)
    fields["bucket"] = request.bucket
    if "key" not in fields:
        raise InvalidArgument(
            "Bucket POST must contain a field named 'key'.  If it is specified, please check "
            "the order of the fields.",
            ArgumentName="key",
            ArgumentValue="",
        )
    # The file's name stands in for ${filename} before anything reads the key: the policy's
    # conditions and the bucket policy see the key the object gets (as MinIO and Ceph RGW do);
    # a file part without a name leaves it as written (AWS: LocalStack's validated
    # TestS3PresignedPost).
    if form.filename:
        fields["key"] = fields["key"].replace("${filename}", form.filename)
    try:
        record = request.store.get_bucket(request.bucket)
    except NoSuchBucket:
        record = None
    account, policy, verified = _account(request, fields, record.region if record else None)
    # Decided as every request is (auth/gate.py), in every mode but off: in full when strict
    # or when the form's signature (its request signature) was verified; otherwise only an
    # explicit Deny refuses it.
    mode = request.auth.mode
    if request.decide is not None and record is not None and mode != OFF:
        deny_only = mode != STRICT and not verified and account is not None
        request.decide(account, record, fields.get("key"), deny_only, _as_headers(fields))
    else:
        check_access(
            request.auth.mode, account, "PostObject", record, request.auth.accounts.default
        )
    if not form.has_file:
        raise IncorrectNumberOfFilesInPostRequest(ProvidedNumberOfFiles=0, ExpectedNumberOfFiles=1)
    check_form_acl(request.store, request.bucket, fields.get("acl"))
    key = fields["key"]
    if not key:  # an empty field, or ${filename} with no file name
        raise InvalidArgument(
            "User key must have a length greater than 0.", ArgumentName="key", ArgumentValue=""
        )
    validate_key(key)
    params = _params(fields)
    # Content-MD5 and x-amz-checksum-* fields are checked as PutObject's headers are (a
    # malformed one refused now, before the file is read; a mismatch at its end, nothing kept).
    digests = {name: value for name, value in fields.items() if _is_digest(name)}
    body = RequestBody(cast(BinaryIO, _Limited(form, policy)), digests, None)
    new = new_object(params, body.checksum_algorithm or CHECKSUM)
    new.lock = for_write(request.store, request.bucket, params)
    writer = account.canonical_id if account is not None else None  # the form's signer
    form_acl = {"ACL": fields["acl"]} if "acl" in fields else {}
    new.acl = acls.for_write(request.store, request.auth.accounts, writer, request.bucket, form_acl)
    if "tagging" in fields:  # an XML Tagging document, not the header's query form
        document = read_document("Tagging", fields["tagging"].encode("utf-8"), "Tagging")
        new.tags = check_object_tags(tag_pairs(document))
    _encrypt(new, request, fields, key, account)
    redirect = _redirect(fields.get("success_action_redirect") or fields.get("redirect"))
    stored = request.store.put_object(request.bucket, key, body, new)
    response = _response(request, fields, key, stored.etag, redirect)
    echoed = encryption.echo(stored.encryption)
    echoed = {k: v for k, v in echoed.items() if k != "SSEKMSEncryptionContext"}
    echoed.update(written_version(stored))  # POST sends x-amz-version-id as PUT does
    response.headers.extend(default_serializer().header_members("PutObject", echoed))
    return response


def _redirect(text: str | None) -> SplitResult | None:
    """A usable http(s) redirect URL, checked before anything is stored; S3 ignores others
    (``http://[::1`` included) and answers by ``success_action_status``."""
    if not text:
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return None
    return parts if parts.scheme in ("http", "https") else None


def _response(
    request: PostRequest,
    fields: dict[str, str],
    key: str,
    etag: str,
    redirect: SplitResult | None,
) -> WireResponse:
    """success_action_redirect (303), else success_action_status: 200, 201 (XML) or 204."""
    path = f"/{request.bucket}/{quote(key)}" if request.path_style else f"/{quote(key)}"
    location = request.base_url + path
    headers = [("ETag", etag), ("Location", location)]
    if redirect is not None:
        parts = redirect
        query = urlencode({"bucket": request.bucket, "key": key, "etag": etag})
        query = f"{parts.query}&{query}" if parts.query else query
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        return WireResponse(303, [("ETag", etag), ("Location", target)], b"")
    status = fields.get("success_action_status")
    if status == "200":
        return WireResponse(200, headers, b"")
    if status == "201":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
            f"<Location>{escape(location)}</Location><Bucket>{escape(request.bucket)}</Bucket>"
            f"<Key>{escape(key)}</Key><ETag>{escape(etag)}</ETag></PostResponse>"
        )
        return WireResponse(201, [*headers, ("Content-Type", "application/xml")], body.encode())
    return WireResponse(204, headers, b"")
