"""``--auth unverified`` (the in-process default): no signature is checked, every signed request
acts as the default account, and access is still decided as S3 decides it for an unknown key:
an explicit Deny, a presigned URL's expiry, a POST policy. Lenient mode's unknown keys likewise,
POST uploads included. An unsigned request is anonymous when unverified (as on S3 and in
moto), the default account when lenient (its zero-configuration promise)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from api_helpers import unique_bucket_name
from auth_servers import V4, Running
from botocore.exceptions import ClientError
from test_bucket_policy import public_read


@pytest.fixture(scope="module", params=["lenient", "unverified"])
def server(request: pytest.FixtureRequest) -> Iterator[Running]:
    with Running(request.param).serving() as instance:
        yield instance


def _deny(bucket: str, action: str) -> str:
    statement = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_no_signature_is_checked_but_the_owner_is_the_default_account() -> None:
    with Running("unverified").serving() as instance:
        forged = instance.client("alice", "not-alices-secret")
        bucket = unique_bucket_name("unverified")
        forged.create_bucket(Bucket=bucket)
        forged.put_object(Bucket=bucket, Key="k", Body=b"v")
        owner = forged.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
        assert owner == instance.app.gate.accounts.default.canonical_id


def test_an_unsigned_request_is_anonymous_when_unverified(server: Running) -> None:
    owner = server.client("someone-unknown", "whatever")
    bucket = unique_bucket_name("anon")
    owner.create_bucket(Bucket=bucket)
    owner.put_object(Bucket=bucket, Key="private/k", Body=b"secret")
    owner.put_object(Bucket=bucket, Key="public/k", Body=b"shared")
    owner.delete_public_access_block(Bucket=bucket)
    owner.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    private = requests.get(f"{server.url}/{bucket}/private/k", timeout=10)
    missing = requests.get(f"{server.url}/{bucket}/private/none", timeout=10)
    upload = requests.put(f"{server.url}/{bucket}/private/new", data=b"x", timeout=10)
    public = requests.get(f"{server.url}/{bucket}/public/k", timeout=10)
    assert public.status_code == 200 and public.content == b"shared"
    if server.app.settings.auth == "lenient":  # the default account: the bucket's owner
        assert (private.status_code, missing.status_code, upload.status_code) == (200, 404, 200)
        return
    for refused in (private, missing, upload):
        assert refused.status_code == 403 and b"<Code>AccessDenied</Code>" in refused.content
    assert "private/new" not in {o.key for o in server.app.store.list_objects(bucket).objects}


def test_an_explicit_deny_binds_unverified_requests(server: Running) -> None:
    someone = server.client("someone-unknown", "whatever")
    bucket = unique_bucket_name("deny")
    someone.create_bucket(Bucket=bucket)
    someone.put_object(Bucket=bucket, Key="kept", Body=b"v")
    someone.put_bucket_policy(Bucket=bucket, Policy=_deny(bucket, "s3:DeleteObject"))
    with pytest.raises(ClientError) as denied:
        someone.delete_object(Bucket=bucket, Key="kept")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert someone.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"v"


def test_an_explicit_deny_binds_unverified_post_uploads(server: Running) -> None:
    """A form signed with an unknown key was stored even under a Deny of s3:PutObject."""
    someone = server.client("someone-unknown", "whatever", config=V4)
    bucket = unique_bucket_name("deny-post")
    someone.create_bucket(Bucket=bucket)
    someone.put_bucket_policy(Bucket=bucket, Policy=_deny(bucket, "s3:PutObject"))
    post = someone.generate_presigned_post(bucket, "form.txt", ExpiresIn=60)
    files = {"file": ("form.txt", b"hello")}
    answer = requests.post(post["url"], data=post["fields"], files=files, timeout=10)
    assert answer.status_code == 403 and b"<Code>AccessDenied</Code>" in answer.content
    assert someone.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_presigned_expiry_and_post_conditions_hold(server: Running) -> None:
    someone = server.client("someone-unknown", "whatever", config=V4)
    bucket = unique_bucket_name("expiry")
    someone.create_bucket(Bucket=bucket)
    post = someone.generate_presigned_post(
        bucket, "small.txt", Conditions=[["content-length-range", 1, 4]], ExpiresIn=60
    )
    files = {"file": ("small.txt", b"too long")}
    too_big = requests.post(post["url"], data=post["fields"], files=files, timeout=10)
    assert too_big.status_code == 400 and b"EntityTooLarge" in too_big.content
    someone.put_object(Bucket=bucket, Key="k", Body=b"v")
    url = someone.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60
    )
    assert requests.get(url, timeout=10).status_code == 200
    server.clock.offset = 61
    try:
        expired = requests.get(url, timeout=10)
    finally:
        server.clock.offset = 0
    assert expired.status_code == 403 and b"Request has expired" in expired.content


@pytest.mark.parametrize("mode", ["strict", "lenient", "unverified"])
def test_policy_conditions_read_the_forms_fields(mode: str) -> None:
    """A "deny unencrypted uploads" policy lets a form that sets the encryption field through
    and refuses one that does not: condition keys read the form's fields, as the headers of a
    PutObject (they read the POST's own headers only)."""
    with Running(mode).serving() as instance:
        alice = instance.client("alice", "alice-secret", config=V4)
        bucket = unique_bucket_name("sse-form")
        alice.create_bucket(Bucket=bucket)
        unencrypted = {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}},
        }
        policy = {"Version": "2012-10-17", "Statement": [unencrypted]}
        alice.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        sse = {"x-amz-server-side-encryption": "AES256"}
        post = alice.generate_presigned_post(
            bucket, "enc.txt", Fields=sse, Conditions=[sse], ExpiresIn=60
        )
        files = {"file": ("enc.txt", b"secret")}
        stored = requests.post(post["url"], data=post["fields"], files=files, timeout=10)
        assert stored.status_code == 204, stored.content
        assert alice.head_object(Bucket=bucket, Key="enc.txt")["ServerSideEncryption"] == "AES256"
        plain = alice.generate_presigned_post(bucket, "plain.txt", ExpiresIn=60)
        files = {"file": ("plain.txt", b"clear")}
        refused = requests.post(plain["url"], data=plain["fields"], files=files, timeout=10)
        assert refused.status_code == 403 and b"<Code>AccessDenied</Code>" in refused.content
