"""POST object (browser form uploads) signed by boto3's ``generate_presigned_post``, sent by
``requests`` as a browser would, against a live server in each auth mode."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import requests
from api_helpers import assert_s3_error
from auth_servers import V4, Running, TravelClock, mode_of, unsigned_is_anonymous, verifies
from botocore.config import Config


def _post(
    auth_http: requests.Session,
    presigned: dict[str, Any],
    data: bytes,
    filename: str = "photo.png",
    **extra: str,
) -> requests.Response:
    fields = {**presigned["fields"], **extra}
    return auth_http.post(
        presigned["url"], data=fields, files={"file": (filename, data)}, allow_redirects=False
    )


def _presign(
    auth_server: Running, bucket: str, key: str, config: Config = V4, **kwargs: Any
) -> Any:
    alice = auth_server.client("alice", "alice-secret", config=config)
    return alice.generate_presigned_post(bucket, key, **kwargs)


def test_post_upload(auth_server: Running, alice_bucket: str, auth_http: requests.Session) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)  # several reads' worth: the file part streams
    response = _post(auth_http, _presign(auth_server, alice_bucket, "posted"), data)
    assert response.status_code == 204, response.text
    alice = auth_server.client("alice", "alice-secret")
    got = alice.get_object(Bucket=alice_bucket, Key="posted")
    assert got["Body"].read() == data
    assert response.headers["ETag"] == got["ETag"]
    assert response.headers["Location"].endswith(f"/{alice_bucket}/posted")


def test_post_fields_become_attributes(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    fields = {
        "Content-Type": "image/png",
        "x-amz-meta-colour": "blue",
        "success_action_status": "201",
        "Expires": "Wed, 21 Oct 2037 07:28:00 GMT",
    }
    conditions = [
        {"Content-Type": "image/png"},
        {"x-amz-meta-colour": "blue"},
        {"success_action_status": "201"},
        {"Expires": "Wed, 21 Oct 2037 07:28:00 GMT"},
        ["starts-with", "$key", "uploads/"],
    ]
    presigned = _presign(
        auth_server, alice_bucket, "uploads/${filename}", Fields=fields, Conditions=conditions
    )
    response = _post(auth_http, presigned, b"png bytes", filename="cat.png")
    assert response.status_code == 201, response.text
    root = ET.fromstring(response.content)
    assert root.tag == "PostResponse"
    assert root.findtext("Key") == "uploads/cat.png"
    assert root.findtext("Bucket") == alice_bucket
    head = auth_server.client("alice", "alice-secret").head_object(
        Bucket=alice_bucket, Key="uploads/cat.png"
    )
    assert head["ContentType"] == "image/png"
    assert head["Metadata"] == {"colour": "blue"}
    # stored as S3 stores it (LocalStack's validated TestS3PresignedPost; was dropped)
    assert head["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Wed, 21 Oct 2037 07:28:00 GMT"


def test_post_redirect_and_status_200(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    target = "https://example.com/done?x=1"
    presigned = _presign(
        auth_server,
        alice_bucket,
        "r",
        Fields={"success_action_redirect": target},
        Conditions=[{"success_action_redirect": target}],
    )
    response = _post(auth_http, presigned, b"r")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{target}&bucket={alice_bucket}&key=r&etag=")
    ok = _presign(
        auth_server,
        alice_bucket,
        "s",
        Fields={"success_action_status": "200"},
        Conditions=[{"success_action_status": "200"}],
    )
    response = _post(auth_http, ok, b"s")
    assert (response.status_code, response.content) == (200, b"")


def test_post_content_length_range(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    presigned = _presign(
        auth_server, alice_bucket, "sized", Conditions=[["content-length-range", 2, 10]]
    )
    too_big = _post(auth_http, presigned, b"x" * 11)
    too_small = _post(auth_http, presigned, b"x")
    if mode_of(auth_server) == "off":
        assert too_big.status_code == 204
        return
    fields = assert_s3_error(too_big, "EntityTooLarge", 400)
    assert (fields["ProposedSize"], fields["MaxSizeAllowed"]) == ("11", "10")
    assert_s3_error(too_small, "EntityTooSmall", 400)
    assert auth_http.head(f"{auth_server.url}/{alice_bucket}/sized").status_code in (403, 404)
    assert _post(auth_http, presigned, b"x" * 10).status_code == 204


def test_post_policy_violations(
    auth_server: Running, alice_bucket: str, server_clock: TravelClock, auth_http: requests.Session
) -> None:
    presigned = _presign(auth_server, alice_bucket, "p", ExpiresIn=60)
    extra = _post(auth_http, presigned, b"p", **{"x-amz-meta-sneaky": "1"})
    wrong_key = {**presigned, "fields": {**presigned["fields"], "key": "other"}}
    tampered = _post(auth_http, wrong_key, b"p")
    bad_signature = {**presigned, "fields": {**presigned["fields"], "x-amz-signature": "0" * 64}}
    forged = _post(auth_http, bad_signature, b"p")
    server_clock.offset = 120
    expired = _post(auth_http, presigned, b"p")
    if mode_of(auth_server) == "off":
        assert {r.status_code for r in (extra, tampered, forged, expired)} == {204}
        return
    fields = assert_s3_error(extra, "AccessDenied", 403)
    assert fields["Message"] == "Invalid according to Policy: Extra input fields: x-amz-meta-sneaky"
    fields = assert_s3_error(tampered, "AccessDenied", 403)
    assert fields["Message"].startswith("Invalid according to Policy: Policy Condition failed:")
    assert '"$key"' in fields["Message"]
    if verifies(auth_server):
        fields = assert_s3_error(forged, "SignatureDoesNotMatch", 403)
        assert fields["StringToSign"] == presigned["fields"]["policy"]
    else:  # unverified: the policy holds, its signature is not read
        assert forged.status_code == 204
    fields = assert_s3_error(expired, "AccessDenied", 403)
    assert fields["Message"] == "Invalid according to Policy: Policy expired."


def test_post_sigv2_policy(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    presigned = _presign(auth_server, alice_bucket, "v2", config=Config(signature_version="s3"))
    assert "AWSAccessKeyId" in presigned["fields"]
    assert _post(auth_http, presigned, b"v2").status_code == 204
    forged = {**presigned, "fields": {**presigned["fields"], "signature": "AAAA"}}
    response = _post(auth_http, forged, b"v2")
    if verifies(auth_server):
        assert_s3_error(response, "SignatureDoesNotMatch", 403)
    else:
        assert response.status_code == 204


def test_post_without_policy(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    response = auth_http.post(
        f"{auth_server.url}/{alice_bucket}",
        data={"key": "anonymous"},
        files={"file": ("a.txt", b"anon")},
    )
    if unsigned_is_anonymous(auth_server):
        assert_s3_error(response, "AccessDenied", 403)
    else:
        assert response.status_code == 204
    missing_key = auth_http.post(
        f"{auth_server.url}/{alice_bucket}", files={"file": ("a.txt", b"x")}
    )
    assert_s3_error(missing_key, "InvalidArgument", 400)


def test_post_without_file(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    presigned = _presign(auth_server, alice_bucket, "nofile")
    response = auth_http.post(
        presigned["url"], files={k: (None, v) for k, v in presigned["fields"].items()}
    )
    assert_s3_error(response, "IncorrectNumberOfFilesInPostRequest", 400)


def test_post_to_a_missing_bucket(auth_server: Running, auth_http: requests.Session) -> None:
    presigned = _presign(auth_server, "no-such-bucket-for-post", "k")
    assert_s3_error(_post(auth_http, presigned, b"x"), "NoSuchBucket", 404)


@pytest.mark.parametrize("boundary_in_data", [False, True])
def test_post_file_that_looks_like_framing(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session, boundary_in_data: bool
) -> None:
    data = b"\r\n--not-the-boundary\r\n" * 1000 + (b"\r\n--" if boundary_in_data else b"") + b"end"
    presigned = _presign(auth_server, alice_bucket, "framing")
    assert _post(auth_http, presigned, data).status_code == 204
    alice = auth_server.client("alice", "alice-secret")
    assert alice.get_object(Bucket=alice_bucket, Key="framing")["Body"].read() == data


def test_post_policy_signed_for_another_region(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    alice = auth_server.client("alice", "alice-secret", config=V4, region_name="eu-west-1")
    presigned = alice.generate_presigned_post(alice_bucket, "r")
    presigned["url"] = f"{auth_server.url}/{alice_bucket}"
    response = _post(auth_http, presigned, b"r")
    if not verifies(auth_server):  # the credential's scope is part of the signature
        assert response.status_code == 204
        return
    fields = assert_s3_error(response, "AuthorizationQueryParametersError", 400)
    assert fields["Region"] == "us-east-1"


def _v2_form(auth_server: Running, bucket: str, document: dict[str, Any]) -> dict[str, Any]:
    """A SigV2-signed form for a policy document written by hand (boto3 writes only good
    ones): HMAC-SHA1 of the base64 policy."""
    policy = base64.b64encode(json.dumps(document).encode()).decode()
    signature = base64.b64encode(
        hmac.digest(b"alice-secret", policy.encode(), hashlib.sha1)
    ).decode()
    fields = {"key": "hand", "AWSAccessKeyId": "alice", "policy": policy, "signature": signature}
    return {"url": f"{auth_server.url}/{bucket}", "fields": fields}


def test_post_policy_documents_s3_refuses(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """An expiration that is not ISO 8601 with a "T" and a zone, and an empty condition, are
    malformed policies (400 InvalidPolicyDocument; ceph s3-tests' invalid_date_format and
    empty_conditions); ``starts-with`` "" allows a field that is not sent at all."""
    good = "2099-01-01T00:00:00.000Z"
    conditions: list[Any] = [{"bucket": alice_bucket}, ["starts-with", "$key", "hand"]]
    if mode_of(auth_server) != "off":  # off reads no policy
        spaced = _v2_form(
            auth_server,
            alice_bucket,
            {"expiration": "2099-01-01 00:00:00", "conditions": conditions},
        )
        fields = assert_s3_error(_post(auth_http, spaced, b"x"), "InvalidPolicyDocument", 400)
        assert fields["Message"] == (
            "Invalid Policy: Invalid 'expiration' value: '2099-01-01 00:00:00'"
        )
        empty = _v2_form(auth_server, alice_bucket, {"expiration": good, "conditions": [{}]})
        assert_s3_error(_post(auth_http, empty, b"x"), "InvalidPolicyDocument", 400)
        # JSON's "\udc00" is a lone surrogate, echoed in the message (was a 500)
        lone = _v2_form(auth_server, alice_bucket, {"expiration": "\udc00", "conditions": []})
        fields = assert_s3_error(_post(auth_http, lone, b"x"), "InvalidPolicyDocument", 400)
        assert fields["Message"] == "Invalid Policy: Invalid 'expiration' value: '\\udc00'"
        flags = [*conditions, ["content-length-range", True, False]]  # no numbers
        booleans = _v2_form(auth_server, alice_bucket, {"expiration": good, "conditions": flags})
        fields = assert_s3_error(_post(auth_http, booleans, b"x"), "InvalidPolicyDocument", 400)
        assert fields["Message"] == "Invalid Policy: Invalid content-length-range condition."
    anything = [*conditions, ["starts-with", "$x-amz-meta-note", ""]]
    lenient = _v2_form(auth_server, alice_bucket, {"expiration": good, "conditions": anything})
    assert _post(auth_http, lenient, b"x").status_code == 204
    alice = auth_server.client("alice", "alice-secret")
    assert alice.get_object(Bucket=alice_bucket, Key="hand")["Body"].read() == b"x"


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


DATA = b"form file bytes"
SHA256 = _b64(hashlib.sha256(DATA).digest())
MD5 = _b64(hashlib.md5(DATA).digest())


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"Content-MD5": MD5}, 204, None),
        ({"Content-MD5": _b64(hashlib.md5(b"other").digest())}, 400, "BadDigest"),
        ({"Content-MD5": "not base64!"}, 400, "InvalidDigest"),
        ({"x-amz-checksum-sha256": SHA256}, 204, None),
        ({"x-amz-checksum-sha256": _b64(hashlib.sha256(b"other").digest())}, 400, "BadDigest"),
        ({"x-amz-checksum-sha256": "sailorjerry"}, 400, "InvalidRequest"),
        (
            {"x-amz-checksum-sha256": SHA256, "x-amz-checksum-crc32": "AAAAAA=="},
            400,
            "InvalidRequest",
        ),
    ],
)
def test_post_form_digests_are_checked(
    auth_server: Running,
    alice_bucket: str,
    auth_http: requests.Session,
    fields: dict[str, str],
    status: int,
    code: str | None,
) -> None:
    """Content-MD5 and x-amz-checksum-* form fields are checked against the file as PutObject's
    headers are; nothing is stored when one is malformed or does not match."""
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    presigned = _presign(
        auth_server, alice_bucket, "digested", Fields=fields, Conditions=conditions
    )
    alice = auth_server.client("alice", "alice-secret")
    before = alice.list_objects_v2(Bucket=alice_bucket).get("Contents", [])
    response = _post(auth_http, presigned, DATA)
    assert response.status_code == status, response.text
    if code is not None:
        assert_s3_error(response, code, status)
        assert alice.list_objects_v2(Bucket=alice_bucket).get("Contents", []) == before
        return
    head = alice.head_object(Bucket=alice_bucket, Key="digested", ChecksumMode="ENABLED")
    if "x-amz-checksum-sha256" in fields:
        assert head["ChecksumSHA256"] == SHA256  # the form's algorithm is the object's
    assert alice.get_object(Bucket=alice_bucket, Key="digested")["Body"].read() == DATA


@pytest.mark.parametrize(("filename", "status"), [("foo.txt", 204), ("bar.txt", 403)])
def test_policy_conditions_see_the_key_with_the_file_name(
    auth_server: Running,
    alice_bucket: str,
    auth_http: requests.Session,
    filename: str,
    status: int,
) -> None:
    """``${filename}`` is replaced before the policy is checked: a condition on ``$key`` sees
    the key the object gets (S3-compatible servers, MinIO and Ceph RGW, do the same)."""
    presigned = _presign(
        auth_server, alice_bucket, "${filename}", Conditions=[["starts-with", "$key", "foo"]]
    )
    response = _post(auth_http, presigned, b"bar", filename=filename)
    if mode_of(auth_server) == "off":
        status = 204  # no policy is checked
    assert response.status_code == status, response.text
    alice = auth_server.client("alice", "alice-secret")
    keys = [item["Key"] for item in alice.list_objects_v2(Bucket=alice_bucket)["Contents"]]
    assert (filename in keys) == (status == 204)
    if status == 403:
        assert b"Policy Condition failed" in response.content


def test_a_nameless_file_part_leaves_the_filename_variable(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """AWS keeps a literal ``${filename}`` when the file part names no file (LocalStack's
    validated TestS3PresignedPost); fakes3 put an empty name there."""
    presigned = _presign(auth_server, alice_bucket, "file-as-field-${filename}")
    response = _post(auth_http, presigned, b"content", filename="")
    assert response.status_code == 204, response.text
    alice = auth_server.client("alice", "alice-secret")
    keys = [o["Key"] for o in alice.list_objects_v2(Bucket=alice_bucket).get("Contents", [])]
    assert "file-as-field-${filename}" in keys


def test_a_tampered_policy_is_a_signature_mismatch(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """The signature is checked before the policy is read: a policy changed after signing is
    SignatureDoesNotMatch (403), even when it is no longer a policy (AWS: LocalStack's
    validated TestS3PresignedPost; was InvalidPolicyDocument)."""
    presigned = _presign(auth_server, alice_bucket, "tampered")
    forged = base64.b64encode(b"not a policy").decode()
    response = _post(auth_http, presigned, b"x", policy=forged)
    if mode_of(auth_server) == "off":  # no policy is read at all
        assert response.status_code == 204
    elif not verifies(auth_server):  # no signature is checked: the policy is read
        assert_s3_error(response, "InvalidPolicyDocument", 400)
    else:
        assert_s3_error(response, "SignatureDoesNotMatch", 403)


@pytest.mark.parametrize(
    ("config", "dropped", "named"),
    [
        (Config(signature_version="s3"), "signature", "Signature"),
        (Config(signature_version="s3"), "AWSAccessKeyId", "AWSAccessKeyId"),
        (V4, "x-amz-signature", "X-Amz-Signature"),
        (V4, "x-amz-algorithm", "X-Amz-Algorithm"),
    ],
)
def test_a_missing_signature_field_is_named_as_s3_spells_it(
    auth_server: Running,
    alice_bucket: str,
    auth_http: requests.Session,
    config: Config,
    dropped: str,
    named: str,
) -> None:
    """Whatever case the form used (LocalStack's validated TestS3PresignedPost)."""
    presigned = _presign(auth_server, alice_bucket, "missing", config)
    del presigned["fields"][dropped]
    response = _post(auth_http, presigned, b"x")
    if mode_of(auth_server) == "off" and dropped not in ("AWSAccessKeyId", "x-amz-algorithm"):
        return  # off reads no signature; which fields it needs is not S3's business
    fields = assert_s3_error(response, "InvalidArgument", 400)
    assert fields["ArgumentName"] == named
    assert fields["Message"] == (
        f"Bucket POST must contain a field named '{named}'.  If it is specified, please check "
        "the order of the fields."
    )


def test_a_bucket_post_that_is_no_form_is_a_failed_precondition(
    auth_server: Running, alice_bucket: str, auth_http: requests.Session
) -> None:
    """LocalStack's validated test_post_object_with_wrong_content_type (was 405)."""
    presigned = _presign(auth_server, alice_bucket, "wrong-type")
    response = auth_http.post(
        presigned["url"], data=presigned["fields"], headers={"Content-Type": "text/html"}
    )
    fields = assert_s3_error(response, "PreconditionFailed", 412)
    assert fields["Condition"] == "Bucket POST must be of the enclosure-type multipart/form-data"


@pytest.mark.parametrize(
    ("extra", "status", "code", "message"),
    [
        (["content-length-range", "0", "10"], 204, None, None),
        (
            ["content-length-range", "test", "10"],
            403,
            "AccessDenied",
            "Invalid according to Policy: Policy Condition failed: "
            '["content-length-range", "test", "10"]',
        ),
        (
            ["eq", "x-amz-meta-note", "n"],
            403,
            "AccessDenied",
            'Invalid according to Policy: Policy Condition failed: ["eq", "x-amz-meta-note", "n"]',
        ),
        (
            {"x-amz-meta-note": "n", "x-amz-meta-other": "o"},
            400,
            "InvalidPolicyDocument",
            "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one "
            "property specified.",
        ),
    ],
    ids=["string-range", "word-range", "eq-without-dollar", "two-key-condition"],
)
def test_post_policy_conditions_as_s3_reads_them(
    auth_server: Running,
    alice_bucket: str,
    auth_http: requests.Session,
    extra: Any,
    status: int,
    code: str | None,
    message: str | None,
) -> None:
    """LocalStack's validated TestS3PresignedPost recorded each answer: a range of digit
    strings holds, a word does not; a condition naming no ``$field`` fails; a simple
    condition has one property."""
    conditions = [{"bucket": alice_bucket}, ["starts-with", "$key", "hand"], extra]
    conditions.append(["starts-with", "$x-amz-meta-note", ""])
    conditions.append(["starts-with", "$x-amz-meta-other", ""])
    document = {"expiration": "2099-01-01T00:00:00.000Z", "conditions": conditions}
    form = _v2_form(auth_server, alice_bucket, document)
    form["fields"].update({"x-amz-meta-note": "n", "x-amz-meta-other": "o"})
    response = _post(auth_http, form, b"x")
    if mode_of(auth_server) == "off":  # off reads no policy
        assert response.status_code == 204
        return
    if code is None:
        assert response.status_code == status, response.text
        return
    fields = assert_s3_error(response, code, status)
    assert fields["Message"] == message
