"""The action each operation needs (S3 user guide, "Required permissions for Amazon S3 API
operations"), and the request context the decision reads."""

from __future__ import annotations

import pytest

from fakes3.auth.accounts import make_account
from fakes3.auth.actions import (
    ACTION_KINDS,
    BUCKET,
    OBJECT,
    SERVICE,
    action_of,
    also_needed,
    known_condition_key,
)
from fakes3.auth.request_context import RequestContext
from fakes3.protocol.model import load_model
from fakes3.store import Store
from fakes3.store.blobs import MemoryBlobs
from fakes3.store.index_memory import MemoryIndex


@pytest.mark.parametrize(
    ("operation", "versioned", "action", "kind"),
    [
        ("GetObject", False, "s3:GetObject", OBJECT),
        ("GetObject", True, "s3:GetObjectVersion", OBJECT),
        ("HeadObject", False, "s3:GetObject", OBJECT),
        ("DeleteObject", True, "s3:DeleteObjectVersion", OBJECT),
        ("CopyObject", False, "s3:PutObject", OBJECT),
        ("UploadPart", False, "s3:PutObject", OBJECT),
        ("ListParts", False, "s3:ListMultipartUploadParts", OBJECT),
        ("ListObjectsV2", False, "s3:ListBucket", BUCKET),
        ("HeadBucket", False, "s3:ListBucket", BUCKET),
        ("ListObjectVersions", False, "s3:ListBucketVersions", BUCKET),
        ("ListMultipartUploads", False, "s3:ListBucketMultipartUploads", BUCKET),
        ("DeleteBucketCors", False, "s3:PutBucketCORS", BUCKET),
        ("GetBucketEncryption", False, "s3:GetEncryptionConfiguration", BUCKET),
        ("DeleteBucketPolicy", False, "s3:DeleteBucketPolicy", BUCKET),
        ("GetPublicAccessBlock", False, "s3:GetBucketPublicAccessBlock", BUCKET),
        ("DeletePublicAccessBlock", False, "s3:PutBucketPublicAccessBlock", BUCKET),
        ("GetObjectLockConfiguration", False, "s3:GetBucketObjectLockConfiguration", BUCKET),
        ("PutObjectTagging", True, "s3:PutObjectVersionTagging", OBJECT),
        ("ListBuckets", False, "s3:ListAllMyBuckets", SERVICE),
        ("GetBucketVersioning", False, "s3:GetBucketVersioning", BUCKET),
    ],
)
def test_action_of(operation: str, versioned: bool, action: str, kind: str) -> None:
    assert action_of(operation, versioned) == (action, kind)


def test_every_model_operation_has_an_action() -> None:
    for operation in load_model().operations:
        action, kind = action_of(operation)
        assert action.startswith("s3:") and kind in (OBJECT, BUCKET, SERVICE), operation
    assert "getobject" in ACTION_KINDS and "putobjectlockconfiguration" not in ACTION_KINDS


def test_condition_keys() -> None:
    assert known_condition_key("aws:AnythingGlobal")
    assert known_condition_key("S3:ExistingObjectTag/Team")
    assert known_condition_key("s3:x-amz-server-side-encryption")
    assert not known_condition_key("s3:VersionStatus")
    assert not known_condition_key("ec2:Vpc")


def test_request_context() -> None:
    store = Store(MemoryIndex(), MemoryBlobs())
    record = store.create_bucket("b", "us-east-1")
    alice = make_account("alice", "secret")
    headers = {
        "authorization": "AWS4-HMAC-SHA256 Credential=...",
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-tagging": "team=blue&env=",
        "x-amz-copy-source": "/src%20b/a%2Fb",
        "user-agent": "ua",
    }
    environ = {
        "REMOTE_ADDR": "192.0.2.9",
        "wsgi.url_scheme": "https",
        "QUERY_STRING": "list-type=2&prefix=logs%2F&max-keys=5",
        "REQUEST_METHOD": "GET",
    }
    bucket_context = RequestContext(store, alice, record, None, None, headers, environ, "1")
    get = bucket_context.get
    assert get("aws:SourceIp") == "192.0.2.9"
    assert get("aws:securetransport") == "true"
    assert get("s3:prefix") == "logs/" and get("s3:max-keys") == "5"
    assert get("s3:delimiter") is None
    assert get("s3:x-amz-server-side-encryption") == "aws:kms"
    assert get("s3:RequestObjectTag/team") == "blue" and get("s3:requestobjecttag/env") == ""
    assert get("s3:RequestObjectTagKeys") == ("team", "env")
    assert get("s3:x-amz-copy-source") == "src b/a/b"
    assert get("s3:signatureversion") == "AWS4-HMAC-SHA256"
    assert get("s3:authtype") == "REST-HEADER"
    assert get("aws:username") == "alice" and get("aws:userid") == "alice"
    assert get("aws:PrincipalAccount") == alice.account_id
    assert get("aws:useragent") == "ua" and get("aws:referer") is None
    assert get("aws:CurrentTime").endswith("Z")  # type: ignore[union-attr]
    anonymous = RequestContext(store, None, record, "k", None, {}, {}, "1")
    assert anonymous.get("aws:userid") == "anonymous"
    assert anonymous.get("aws:principaltype") == "Anonymous"
    assert anonymous.get("aws:username") is None and anonymous.get("s3:authType") is None
    assert anonymous.get("s3:ExistingObjectTag/team") is None  # no such object


def test_also_needed() -> None:
    assert also_needed("GetObjectAttributes", False, {}) == ("s3:GetObject",)
    assert also_needed("GetObjectAttributes", True, {}) == ("s3:GetObjectVersion",)
    assert also_needed("PutObject", False, {}) == ()
    both = {"x-amz-tagging": "a=b", "x-amz-acl": "private"}
    assert also_needed("PutObject", False, both) == ("s3:PutObjectTagging", "s3:PutObjectAcl")
    assert also_needed("CreateMultipartUpload", False, {"x-amz-grant-read": "id=x"}) == (
        "s3:PutObjectAcl",
    )
    assert also_needed("GetObject", False, both) == ()
