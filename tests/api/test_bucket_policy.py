"""Bucket policies and Block Public Access over a real server: two accounts and anonymous
``requests`` calls, both backends, a directory restart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from api_helpers import assert_s3_error, raises_client_error, unique_bucket_name
from auth_servers import ACCOUNTS
from botocore.client import BaseClient

from fakes3.app import FakeS3
from fakes3.auth import make_account
from fakes3.server import Server
from fakes3.settings import Settings

ALICE = make_account("alice", "alice-secret")
BOB = make_account("bob", "bob-secret", "b0b" + "0" * 61, "Bob", "bob@example.com")


class Site:
    def __init__(self, mode: str, data_dir: str | None, **more: Any) -> None:
        self.mode, self.data_dir, self.more = mode, data_dir, more
        self.app = FakeS3(Settings(auth=mode, accounts=ACCOUNTS, data_dir=data_dir, **more))
        self.server = Server(self.app, port=0)
        self.url = self.server.__enter__().endpoint_url

    def client(self, key: str, secret: str) -> BaseClient:
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            region_name="us-east-1",
        )

    def restart(self, **more: Any) -> None:
        self.server.__exit__(None, None, None)
        self.more = {**self.more, **more}
        settings = Settings(auth=self.mode, accounts=ACCOUNTS, data_dir=self.data_dir, **self.more)
        self.app = FakeS3(settings)
        self.server = Server(self.app, port=0)
        self.url = self.server.__enter__().endpoint_url

    def stop(self) -> None:
        self.server.__exit__(None, None, None)


@pytest.fixture(scope="module", params=["memory", "directory"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    data_dir = str(tmp_path_factory.mktemp("policy")) if request.param == "directory" else None
    running = Site("strict", data_dir)
    yield running
    running.stop()
    assert not running.app.errors


@pytest.fixture
def bucket(alice: BaseClient) -> str:
    name = unique_bucket_name("policy")
    alice.create_bucket(Bucket=name)
    alice.put_object(Bucket=name, Key="public/page.html", Body=b"hello")
    alice.put_object(Bucket=name, Key="private/secret", Body=b"hush")
    return name


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def public_read(bucket: str, prefix: str = "public/") -> str:
    return policy(
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/{prefix}*",
        }
    )


def test_new_bucket_blocks_public_access_and_has_no_policy(alice: BaseClient, bucket: str) -> None:
    block = alice.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    with raises_client_error("NoSuchBucketPolicy", 404):
        alice.get_bucket_policy(Bucket=bucket)
    with raises_client_error("NoSuchBucketPolicy", 404):
        alice.get_bucket_policy_status(Bucket=bucket)


def test_policy_round_trip_keeps_the_text(alice: BaseClient, bucket: str) -> None:
    text = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": BOB.account_id},
            "Action": ["s3:GetObject"],
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
    )
    alice.put_bucket_policy(Bucket=bucket, Policy=text)
    assert alice.get_bucket_policy(Bucket=bucket)["Policy"] == text
    assert alice.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}
    alice.delete_bucket_policy(Bucket=bucket)
    alice.delete_bucket_policy(Bucket=bucket)  # S3 answers 204 again
    with raises_client_error("NoSuchBucketPolicy", 404):
        alice.get_bucket_policy(Bucket=bucket)


def test_block_public_policy_refuses_and_keeps_the_previous(alice: BaseClient, bucket: str) -> None:
    private = policy(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
    )
    alice.put_bucket_policy(Bucket=bucket, Policy=private)
    with raises_client_error("AccessDenied", 403) as info:
        alice.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    assert "BlockPublicPolicy" in info.value.response["Error"]["Message"]
    assert alice.get_bucket_policy(Bucket=bucket)["Policy"] == private


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "Policies must be valid JSON and the first byte must be '{'"),
        ('{"Statement": [', "This policy contains invalid Json"),
        ("{}", "Missing required field Statement"),
        (
            '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
            '"Resource": "arn:aws:s3:::BUCKET/*"}]}',
            "Missing required field Principal",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:Fly", '
            '"Resource": "arn:aws:s3:::BUCKET/*"}]}',
            "Policy has invalid action",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", '
            '"Resource": "arn:aws:s3:::another-bucket/*"}]}',
            "Policy has invalid resource",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "bob"}, '
            '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::BUCKET/*"}]}',
            "Invalid principal in policy",
        ),
        (
            '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", '
            '"Resource": "arn:aws:s3:::BUCKET"}]}',
            "Action does not apply to any resource(s) in statement",
        ),
    ],
)
def test_malformed_policies(alice: BaseClient, bucket: str, document: str, message: str) -> None:
    with raises_client_error("MalformedPolicy", 400) as info:
        alice.put_bucket_policy(Bucket=bucket, Policy=document.replace("BUCKET", bucket))
    assert info.value.response["Error"]["Message"] == message
    with raises_client_error("NoSuchBucketPolicy", 404):
        alice.get_bucket_policy(Bucket=bucket)


def test_public_read_policy_lets_anonymous_get(site: Site, alice: BaseClient, bucket: str) -> None:
    url = f"{site.url}/{bucket}/public/page.html"
    assert_s3_error(requests.get(url, timeout=10), "AccessDenied", 403)
    alice.delete_public_access_block(Bucket=bucket)
    with raises_client_error("NoSuchPublicAccessBlockConfiguration", 404):
        alice.get_public_access_block(Bucket=bucket)
    alice.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    assert alice.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": True}
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == b"hello"
    secret = requests.get(f"{site.url}/{bucket}/private/secret", timeout=10)
    assert_s3_error(secret, "AccessDenied", 403)
    listing = requests.get(f"{site.url}/{bucket}", timeout=10)
    assert_s3_error(listing, "AccessDenied", 403)
    # RestrictPublicBuckets takes the public grant away again, without touching the policy
    alice.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={"RestrictPublicBuckets": True},
    )
    assert_s3_error(requests.get(url, timeout=10), "AccessDenied", 403)
    assert alice.get_object(Bucket=bucket, Key="public/page.html")["Body"].read() == b"hello"


def test_deny_unencrypted_uploads(alice: BaseClient, bucket: str) -> None:
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Sid": "DenyUnencrypted",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}},
            }
        ),
    )
    with raises_client_error("AccessDenied", 403) as info:
        alice.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert "explicit deny" in info.value.response["Error"]["Message"]
    alice.put_object(Bucket=bucket, Key="sealed", Body=b"x", ServerSideEncryption="AES256")
    assert alice.head_object(Bucket=bucket, Key="sealed")["ServerSideEncryption"] == "AES256"
    with raises_client_error("404", 404):
        alice.head_object(Bucket=bucket, Key="plain")


def test_cross_account_read(alice: BaseClient, bob: BaseClient, bucket: str) -> None:
    with raises_client_error("AccessDenied", 403):
        bob.get_object(Bucket=bucket, Key="private/secret")
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{BOB.account_id}:root"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ),
    )
    assert bob.get_object(Bucket=bucket, Key="private/secret")["Body"].read() == b"hush"
    with raises_client_error("AccessDenied", 403):
        bob.list_objects_v2(Bucket=bucket)
    with raises_client_error("AccessDenied", 403):
        bob.put_object(Bucket=bucket, Key="bob", Body=b"x")
    with raises_client_error("MethodNotAllowed", 405):
        _bob_reads_policy(alice, bob, bucket)


def _bob_reads_policy(alice: BaseClient, bob: BaseClient, bucket: str) -> None:
    """S3: another account allowed s3:GetBucketPolicy still gets 405."""
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": BOB.account_id},
                "Action": "s3:GetBucketPolicy",
                "Resource": f"arn:aws:s3:::{bucket}",
            }
        ),
    )
    bob.get_bucket_policy(Bucket=bucket)


def test_explicit_deny_beats_the_owner(alice: BaseClient, bucket: str) -> None:
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Deny",
                "Principal": {"AWS": ALICE.account_id},
                "Action": ["s3:GetObject", "s3:GetBucketPolicy"],
                "Resource": [f"arn:aws:s3:::{bucket}/private/*", f"arn:aws:s3:::{bucket}"],
            }
        ),
    )
    with raises_client_error("AccessDenied", 403):
        alice.get_object(Bucket=bucket, Key="private/secret")
    assert alice.get_object(Bucket=bucket, Key="public/page.html")["Body"].read() == b"hello"
    # the owner keeps its policy operations (S3's lock-out protection)
    assert "Deny" in alice.get_bucket_policy(Bucket=bucket)["Policy"]
    alice.delete_bucket_policy(Bucket=bucket)
    assert alice.get_object(Bucket=bucket, Key="private/secret")["Body"].read() == b"hush"


def test_conditions_on_listing_prefix(
    site: Site, alice: BaseClient, bob: BaseClient, bucket: str
) -> None:
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": BOB.account_id},
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": "public/*"}},
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": BOB.account_id},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
        ),
    )
    # a missing key is 404 only to a caller who may list it (s3:prefix is the key), else 403
    with raises_client_error("404", 404):
        bob.head_object(Bucket=bucket, Key="public/missing")
    with raises_client_error("403", 403):
        bob.head_object(Bucket=bucket, Key="private/missing")
    with raises_client_error("AccessDenied", 403):
        bob.get_object(Bucket=bucket, Key="private/missing")
    assert bob.get_object(Bucket=bucket, Key="private/secret")["Body"].read() == b"hush"
    keys = [o["Key"] for o in bob.list_objects_v2(Bucket=bucket, Prefix="public/")["Contents"]]
    assert keys == ["public/page.html"]
    with raises_client_error("AccessDenied", 403):
        bob.list_objects_v2(Bucket=bucket, Prefix="private/")
    with raises_client_error("AccessDenied", 403):
        bob.list_objects_v2(Bucket=bucket)


def test_policy_survives_a_restart(tmp_path: Path) -> None:
    site = Site("strict", str(tmp_path))
    try:
        alice = site.client("alice", "alice-secret")
        name = unique_bucket_name("restart")
        alice.create_bucket(Bucket=name)
        alice.put_object(Bucket=name, Key="public/a", Body=b"a")
        alice.delete_public_access_block(Bucket=name)
        alice.put_bucket_policy(Bucket=name, Policy=public_read(name))
        site.restart()
        alice = site.client("alice", "alice-secret")
        assert alice.get_bucket_policy(Bucket=name)["Policy"] == public_read(name)
        with raises_client_error("NoSuchPublicAccessBlockConfiguration", 404):
            alice.get_public_access_block(Bucket=name)
        assert requests.get(f"{site.url}/{name}/public/a", timeout=10).content == b"a"
        assert_s3_error(requests.get(f"{site.url}/{name}", timeout=10), "AccessDenied", 403)
    finally:
        site.stop()


def test_lenient_mode_decides_for_signed_accounts_only() -> None:
    site = Site("lenient", None)
    try:
        alice, bob = site.client("alice", "alice-secret"), site.client("bob", "bob-secret")
        name = unique_bucket_name("lenient")
        alice.create_bucket(Bucket=name)
        alice.put_object(Bucket=name, Key="k", Body=b"v")
        with raises_client_error("AccessDenied", 403):
            bob.get_object(Bucket=name, Key="k")
        unsigned = requests.get(f"{site.url}/{name}/k", timeout=10)
        assert unsigned.status_code == 200 and unsigned.content == b"v"
    finally:
        site.stop()


def test_lenient_mode_binds_everyone_by_an_explicit_deny() -> None:
    """Unsigned and unknown-key requests act as the default account, undecided, except that
    an explicit Deny refuses them as it refuses everyone on S3 ("does our policy deny
    unencrypted uploads?" has its answer with zero configuration); they keep the owner's
    hold on the policy itself, so a Deny of everything can be taken back."""
    site = Site("lenient", None)
    try:
        stranger = site.client("stranger", "whatever")  # an unknown key: the default account
        name = unique_bucket_name("lenient")
        stranger.create_bucket(Bucket=name)
        deny_plain = policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{name}/*",
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}},
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": f"arn:aws:s3:::{name}/locked/*",
            },
        )
        stranger.put_bucket_policy(Bucket=name, Policy=deny_plain)
        with raises_client_error("AccessDenied", 403):
            stranger.put_object(Bucket=name, Key="plain", Body=b"x")
        stranger.put_object(Bucket=name, Key="sealed", Body=b"x", ServerSideEncryption="AES256")
        unsigned = requests.put(f"{site.url}/{name}/anon", data=b"x", timeout=10)
        assert_s3_error(unsigned, "AccessDenied", 403)
        assert requests.get(f"{site.url}/{name}/sealed", timeout=10).content == b"x"
        answer = stranger.delete_objects(
            Bucket=name, Delete={"Objects": [{"Key": "sealed"}, {"Key": "locked/a"}]}
        )
        assert [e["Key"] for e in answer["Errors"]] == ["locked/a"]
        assert [d["Key"] for d in answer["Deleted"]] == ["sealed"]
        stranger.delete_bucket_policy(Bucket=name)
        stranger.put_object(Bucket=name, Key="plain", Body=b"x")
    finally:
        site.stop()


def test_context_keys_over_the_wire(
    site: Site, alice: BaseClient, bob: BaseClient, bucket: str
) -> None:
    """aws:SourceIp narrows a policy (so BlockPublicPolicy lets it in), s3:ExistingObjectTag
    reads the object's tags, s3:x-amz-copy-source is "bucket/key", aws:SecureTransport is
    false over http."""
    alice.put_object(Bucket=bucket, Key="private/untagged", Body=b"u")
    alice.put_object_tagging(
        Bucket=bucket, Key="private/secret", Tagging={"TagSet": [{"Key": "team", "Value": "blue"}]}
    )
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Sid": "Loopback",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/public/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
            },
            {
                "Sid": "BlueTeam",
                "Effect": "Allow",
                "Principal": {"AWS": BOB.account_id},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/team": "blue"}},
            },
            {
                "Sid": "CopiesFromPublicOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/copies/*",
                "Condition": {"StringNotLike": {"s3:x-amz-copy-source": f"{bucket}/public/*"}},
            },
            {
                "Sid": "NoPlainHttpForDeletes",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ),
    )
    assert alice.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}
    anonymous = requests.get(f"{site.url}/{bucket}/public/page.html", timeout=10)
    assert anonymous.status_code == 200
    assert bob.get_object(Bucket=bucket, Key="private/secret")["Body"].read() == b"hush"
    with raises_client_error("AccessDenied", 403):
        bob.get_object(Bucket=bucket, Key="private/untagged")
    alice.copy_object(
        Bucket=bucket, Key="copies/ok", CopySource={"Bucket": bucket, "Key": "public/page.html"}
    )
    with raises_client_error("AccessDenied", 403):
        alice.copy_object(
            Bucket=bucket, Key="copies/no", CopySource={"Bucket": bucket, "Key": "private/secret"}
        )
    with raises_client_error("AccessDenied", 403):
        alice.delete_object(Bucket=bucket, Key="copies/ok")


def test_confirm_remove_self_gives_up_the_owners_policy_access(
    alice: BaseClient, bucket: str
) -> None:
    deny_self = policy(
        {
            "Effect": "Deny",
            "Principal": {"AWS": ALICE.account_id},
            "Action": ["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
            "Resource": f"arn:aws:s3:::{bucket}",
        }
    )
    alice.put_bucket_policy(Bucket=bucket, Policy=deny_self, ConfirmRemoveSelfBucketAccess=True)
    with raises_client_error("AccessDenied", 403):
        alice.get_bucket_policy(Bucket=bucket)
    with raises_client_error("AccessDenied", 403):
        alice.delete_bucket_policy(Bucket=bucket)
    alice.put_bucket_policy(Bucket=bucket, Policy=deny_self)  # not denied: still allowed
    assert alice.get_bucket_policy(Bucket=bucket)["Policy"] == deny_self


def test_delete_objects_under_a_policy(alice: BaseClient, bob: BaseClient, bucket: str) -> None:
    """Decided once when no statement mentions s3:DeleteObject; otherwise each key as its own
    DeleteObject would be, a refused key reported as AccessDenied in the 200 answer and the
    others deleted (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html)."""
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": BOB.account_id},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ),
    )
    with raises_client_error("AccessDenied", 403):
        bob.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "public/page.html"}]})
    done = alice.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "public/page.html"}]})
    assert [d["Key"] for d in done["Deleted"]] == ["public/page.html"]
    alice.put_object(Bucket=bucket, Key="public/other", Body=b"o")
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{bucket}/private/*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": BOB.account_id},
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{bucket}/public/*",
            },
        ),
    )
    both = {"Objects": [{"Key": "private/secret"}, {"Key": "public/other"}]}
    answer = alice.delete_objects(Bucket=bucket, Delete=both)
    assert [(e["Key"], e["Code"]) for e in answer["Errors"]] == [("private/secret", "AccessDenied")]
    assert [d["Key"] for d in answer["Deleted"]] == ["public/other"]
    assert alice.get_object(Bucket=bucket, Key="private/secret")["Body"].read() == b"hush"
    with raises_client_error("NoSuchKey", 404):
        alice.get_object(Bucket=bucket, Key="public/other")
    alice.put_object(Bucket=bucket, Key="public/other", Body=b"o")
    answer = bob.delete_objects(Bucket=bucket, Delete=both)
    assert [(e["Key"], e["Code"]) for e in answer["Errors"]] == [("private/secret", "AccessDenied")]
    assert [d["Key"] for d in answer["Deleted"]] == ["public/other"]
    with raises_client_error("NoSuchKey", 404):
        alice.get_object(Bucket=bucket, Key="public/other")


def test_writes_that_tag_need_put_object_tagging(
    alice: BaseClient, bob: BaseClient, bucket: str
) -> None:
    alice.put_bucket_policy(
        Bucket=bucket,
        Policy=policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": BOB.account_id},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/drop/*",
            }
        ),
    )
    bob.put_object(Bucket=bucket, Key="drop/plain", Body=b"x")
    with raises_client_error("AccessDenied", 403) as info:
        bob.put_object(Bucket=bucket, Key="drop/tagged", Body=b"x", Tagging="team=blue")
    assert "s3:PutObjectTagging" in info.value.response["Error"]["Message"]
    with raises_client_error("AccessDenied", 403):
        bob.put_object(Bucket=bucket, Key="elsewhere", Body=b"x")


def test_public_access_block_naming_no_switch_is_refused(alice: BaseClient, bucket: str) -> None:
    """moto's AWS-checked test_put_public_access_block_no_config (aws-sdk-rust#819 hit it)."""
    with raises_client_error("InvalidRequest", 400) as info:
        alice.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={})
    assert info.value.response["Error"]["Message"] == "Must specify at least one configuration."
    got = alice.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert got == dict.fromkeys(got, True) and len(got) == 4  # unchanged
    alice.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": False}
    )
    got = alice.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert not any(got.values())  # a switch left out is off
