"""ACLs and Object Ownership over a real server in strict mode: alice owns the buckets, bob
is another account, anonymous calls are plain ``requests``; both backends, a directory
restart keeping ACLs and ownership."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from api_helpers import raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from test_bucket_policy import ALICE, BOB, Site

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
OPEN_BLOCK = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
)


@pytest.fixture(scope="module", params=["memory", "directory"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    data_dir = str(tmp_path_factory.mktemp("acl")) if request.param == "directory" else None
    running = Site("strict", data_dir)
    yield running
    running.stop()


def _acl_bucket(alice: BaseClient, ownership: str = "ObjectWriter", open_: bool = True) -> str:
    name = unique_bucket_name("acl")
    alice.create_bucket(Bucket=name, ObjectOwnership=ownership)
    if open_:
        alice.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=OPEN_BLOCK)
    return name


def _grants(answer: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (g["Grantee"].get("ID") or g["Grantee"].get("URI") or "", g["Permission"])
        for g in answer["Grants"]
    }


def test_fresh_bucket_is_bucket_owner_enforced_and_refuses_acls(alice: BaseClient) -> None:
    name = unique_bucket_name("acl")
    alice.create_bucket(Bucket=name)
    controls = alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    with raises_client_error("AccessControlListNotSupported", 400):
        alice.put_bucket_acl(Bucket=name, ACL="public-read")
    alice.put_bucket_acl(Bucket=name, ACL="private")  # the ACL it has: accepted
    with raises_client_error("AccessControlListNotSupported", 400):
        alice.put_object(Bucket=name, Key="k", Body=b"x", ACL="public-read")
    alice.put_object(Bucket=name, Key="k", Body=b"x")
    with raises_client_error("AccessControlListNotSupported", 400):
        alice.put_object_acl(Bucket=name, Key="k", ACL="public-read")
    assert _grants(alice.get_object_acl(Bucket=name, Key="k")) == {
        (ALICE.canonical_id, "FULL_CONTROL")
    }


def test_an_unknown_canned_acl_is_invalid_before_ownership_is_asked(alice: BaseClient) -> None:
    """AWS: InvalidArgument naming x-amz-acl and the value, on any bucket (LocalStack's
    validated test_s3_object_acl_exceptions); was AccessControlListNotSupported here."""
    name = unique_bucket_name("acl")
    alice.create_bucket(Bucket=name)
    with raises_client_error("InvalidArgument", 400) as caught:
        alice.put_object(Bucket=name, Key="k", Body=b"x", ACL="fake-acl")
    error = caught.value.response["Error"]
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("x-amz-acl", "fake-acl")
    with raises_client_error("404", 404):
        alice.head_object(Bucket=name, Key="k")


def test_a_bucket_created_private_keeps_acls_on(alice: BaseClient) -> None:
    """CreateBucket with the ``private`` canned ACL and no Object Ownership makes a
    BucketOwnerPreferred bucket, as S3 does (versitygw#1869): rclone creates buckets so, then
    sends ``x-amz-acl: private`` with every object. With the ownership named, it is that."""
    name = unique_bucket_name("acl")
    alice.create_bucket(Bucket=name, ACL="private")
    controls = alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    assert _grants(alice.get_bucket_acl(Bucket=name)) == {(ALICE.canonical_id, "FULL_CONTROL")}
    alice.put_object(Bucket=name, Key="k", Body=b"x", ACL="private")
    with raises_client_error("AccessDenied", 403):
        alice.put_bucket_acl(Bucket=name, ACL="public-read")  # ACLs act; public ones blocked
    enforced = unique_bucket_name("acl")
    alice.create_bucket(Bucket=enforced, ACL="private", ObjectOwnership="BucketOwnerEnforced")
    controls = alice.get_bucket_ownership_controls(Bucket=enforced)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    with raises_client_error("AccessControlListNotSupported", 400):
        alice.put_object(Bucket=enforced, Key="k", Body=b"x", ACL="private")
    plain = unique_bucket_name("acl")
    alice.create_bucket(Bucket=plain, GrantFullControl=f"id={ALICE.canonical_id}")
    controls = alice.get_bucket_ownership_controls(Bucket=plain)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_ownership_controls_put_get_delete(alice: BaseClient) -> None:
    name = unique_bucket_name("acl")
    alice.create_bucket(Bucket=name)
    alice.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    got = alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    with raises_client_error("MalformedXML", 400):
        alice.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "Nobody"}]}
        )
    got = alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}  # kept
    alice.delete_bucket_ownership_controls(Bucket=name)
    with raises_client_error("OwnershipControlsNotFoundError", 404):
        alice.get_bucket_ownership_controls(Bucket=name)
    # Without controls ACLs act (ObjectWriter): a private ACL with a grant is accepted.
    alice.put_bucket_acl(Bucket=name, GrantRead=f"id={BOB.canonical_id}")
    assert (BOB.canonical_id, "READ") in _grants(alice.get_bucket_acl(Bucket=name))


def test_enforced_refused_while_bucket_acl_grants_others(alice: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_bucket_acl(Bucket=name, GrantRead=f"id={BOB.canonical_id}")
    with raises_client_error("InvalidBucketAclWithObjectOwnership", 400):
        alice.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
    got = alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}


def test_public_read_object_is_readable_anonymously(site: Site, alice: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_object(Bucket=name, Key="open", Body=b"for all", ACL="public-read")
    alice.put_object(Bucket=name, Key="closed", Body=b"mine")
    assert requests.get(f"{site.url}/{name}/open").content == b"for all"
    assert requests.get(f"{site.url}/{name}/closed").status_code == 403
    assert requests.get(f"{site.url}/{name}/missing").status_code == 403  # no READ on bucket
    assert requests.get(f"{site.url}/{name}").status_code == 403  # listing needs bucket READ
    # response-* overrides are for signed requests only (GetObject's model says so)
    for method in ("GET", "HEAD"):
        overridden = requests.request(
            method, f"{site.url}/{name}/open", params={"response-content-type": "text/x"}
        )
        assert overridden.status_code == 400 and "text/x" not in overridden.headers.values()
    refused = requests.get(f"{site.url}/{name}/open?response-cache-control=no-cache")
    assert b"<Code>InvalidRequest</Code>" in refused.content
    assert b"cannot be used for anonymous GET requests" in refused.content
    presigned = alice.generate_presigned_url(
        "get_object", Params={"Bucket": name, "Key": "open", "ResponseContentType": "text/x"}
    )
    assert requests.get(presigned).headers["Content-Type"] == "text/x"
    answer = alice.get_object_acl(Bucket=name, Key="open")
    assert _grants(answer) == {(ALICE.canonical_id, "FULL_CONTROL"), (ALL_USERS, "READ")}
    assert answer["Owner"]["ID"] == ALICE.canonical_id


def test_ignore_public_acls_ignores_them(site: Site, alice: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_object(Bucket=name, Key="open", Body=b"x", ACL="public-read")
    alice.put_public_access_block(
        Bucket=name, PublicAccessBlockConfiguration={**OPEN_BLOCK, "IgnorePublicAcls": True}
    )
    assert requests.get(f"{site.url}/{name}/open").status_code == 403
    alice.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=OPEN_BLOCK)
    assert requests.get(f"{site.url}/{name}/open").status_code == 200


def test_block_public_acls_refuses_them(alice: BaseClient) -> None:
    name = _acl_bucket(alice, open_=False)  # a new bucket blocks public ACLs
    with raises_client_error("AccessDenied", 403):
        alice.put_object(Bucket=name, Key="k", Body=b"x", ACL="public-read")
    with raises_client_error("AccessDenied", 403):
        alice.put_bucket_acl(Bucket=name, ACL="public-read")
    assert _grants(alice.get_bucket_acl(Bucket=name)) == {(ALICE.canonical_id, "FULL_CONTROL")}
    assert alice.list_objects_v2(Bucket=name)["KeyCount"] == 0  # the refused write stored none
    with raises_client_error("InvalidBucketAclWithBlockPublicAccessError", 400):
        alice.create_bucket(
            Bucket=unique_bucket_name("acl"), ObjectOwnership="ObjectWriter", ACL="public-read"
        )


def test_bucket_grants_to_another_account(alice: BaseClient, bob: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_object(Bucket=name, Key="k", Body=b"alice's")
    with raises_client_error("AccessDenied", 403):
        bob.list_objects_v2(Bucket=name)
    alice.put_bucket_acl(
        Bucket=name, GrantRead=f"id={BOB.canonical_id}", GrantWrite="emailAddress=bob@example.com"
    )
    assert [o["Key"] for o in bob.list_objects_v2(Bucket=name)["Contents"]] == ["k"]
    with raises_client_error("AccessDenied", 403):
        bob.get_object(Bucket=name, Key="k")  # bucket READ lists; the object is alice's
    with raises_client_error("AccessDenied", 403):
        bob.get_bucket_acl(Bucket=name)  # READ is not READ_ACP
    bob.put_object(Bucket=name, Key="bobs", Body=b"bob's")  # WRITE: bob owns what he writes
    answer = bob.get_object_acl(Bucket=name, Key="bobs")
    assert answer["Owner"]["ID"] == BOB.canonical_id
    assert _grants(answer) == {(BOB.canonical_id, "FULL_CONTROL")}
    bob.put_object_acl(Bucket=name, Key="bobs", GrantRead=f"id={ALICE.canonical_id}")
    with raises_client_error("AccessDenied", 403):
        alice.get_object_acl(Bucket=name, Key="bobs")  # READ is not READ_ACP
    assert alice.get_object(Bucket=name, Key="bobs")["Body"].read() == b"bob's"
    # Explicit grants replace the ACL; bob still owns it, so he may still read and set it.
    assert _grants(bob.get_object_acl(Bucket=name, Key="bobs")) == {(ALICE.canonical_id, "READ")}
    bob.put_object_acl(Bucket=name, Key="bobs", GrantReadACP=f"id={ALICE.canonical_id}")
    answer = alice.get_object_acl(Bucket=name, Key="bobs")
    assert answer["Owner"]["ID"] == BOB.canonical_id
    assert _grants(answer) == {(ALICE.canonical_id, "READ_ACP")}


def test_bucket_owner_preferred_takes_ownership(alice: BaseClient, bob: BaseClient) -> None:
    name = _acl_bucket(alice, "BucketOwnerPreferred")
    alice.put_bucket_acl(Bucket=name, GrantWrite=f"id={BOB.canonical_id}")
    bob.put_object(Bucket=name, Key="given", Body=b"x", ACL="bucket-owner-full-control")
    bob.put_object(Bucket=name, Key="kept", Body=b"x")
    assert alice.get_object_acl(Bucket=name, Key="given")["Owner"]["ID"] == ALICE.canonical_id
    assert bob.get_object_acl(Bucket=name, Key="kept")["Owner"]["ID"] == BOB.canonical_id


def test_object_writer_canned_bucket_owner_full_control(alice: BaseClient, bob: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_bucket_acl(Bucket=name, GrantWrite=f"id={BOB.canonical_id}")
    bob.put_object(Bucket=name, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    answer = bob.get_object_acl(Bucket=name, Key="k")
    assert answer["Owner"]["ID"] == BOB.canonical_id
    assert _grants(answer) == {
        (BOB.canonical_id, "FULL_CONTROL"),
        (ALICE.canonical_id, "FULL_CONTROL"),
    }


def test_acl_errors(alice: BaseClient) -> None:
    name = _acl_bucket(alice)
    with raises_client_error("UnresolvableGrantByEmailAddress", 400):
        alice.put_bucket_acl(Bucket=name, GrantRead="emailAddress=nobody@example.com")
    with raises_client_error("InvalidArgument", 400) as bad_id:
        alice.put_bucket_acl(Bucket=name, GrantRead="id=nobody")
    assert bad_id.value.response["Error"]["Message"] == "Invalid id"
    with raises_client_error("InvalidArgument", 400):
        alice.put_bucket_acl(Bucket=name, GrantRead='uri="http://example.com/group"')
    owner = {"ID": ALICE.canonical_id}
    with raises_client_error("MalformedACLError", 400):
        alice.put_bucket_acl(
            Bucket=name,
            AccessControlPolicy={
                "Owner": owner,
                "Grants": [{"Grantee": {"Type": "Group"}, "Permission": "READ"}],
            },
        )
    with raises_client_error("InvalidRequest", 400):
        alice.put_bucket_acl(Bucket=name, ACL="private", GrantRead=f"id={BOB.canonical_id}")
    with raises_client_error("InvalidArgument", 400):
        alice.put_bucket_acl(Bucket=name, ACL="no-such-acl")  # type: ignore[arg-type]
    with raises_client_error("UnexpectedContent", 400):
        alice.put_bucket_acl(
            Bucket=name,
            AccessControlPolicy={"Owner": owner, "Grants": []},
            GrantRead=f"id={BOB.canonical_id}",
        )
    with raises_client_error("AccessDenied", 403):  # the Owner must be the bucket's
        alice.put_bucket_acl(
            Bucket=name, AccessControlPolicy={"Owner": {"ID": BOB.canonical_id}, "Grants": []}
        )
    with raises_client_error("InvalidArgument", 400) as caught:  # an id of no account at all
        alice.put_bucket_acl(
            Bucket=name, AccessControlPolicy={"Owner": {"ID": "wrong-id"}, "Grants": []}
        )
    error = caught.value.response["Error"]  # AWS: LocalStack's validated put-bucket-acp-acl-3
    assert (error["Message"], error["ArgumentName"]) == ("Invalid id", "CanonicalUser/ID")
    with raises_client_error("MissingSecurityHeader", 400):
        alice.put_bucket_acl(Bucket=name)
    assert _grants(alice.get_bucket_acl(Bucket=name)) == {(ALICE.canonical_id, "FULL_CONTROL")}
    alice.put_bucket_acl(
        Bucket=name,
        AccessControlPolicy={
            "Owner": owner,
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", **owner}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"Type": "Group", "URI": AUTHENTICATED}, "Permission": "READ"},
            ],
        },
    )
    assert _grants(alice.get_bucket_acl(Bucket=name)) == {
        (ALICE.canonical_id, "FULL_CONTROL"),
        (AUTHENTICATED, "READ"),
    }


def test_authenticated_read_lists_for_bob_not_anonymous(
    site: Site, alice: BaseClient, bob: BaseClient
) -> None:
    name = _acl_bucket(alice)
    alice.put_bucket_acl(Bucket=name, ACL="authenticated-read")
    assert bob.list_objects_v2(Bucket=name)["KeyCount"] == 0
    assert requests.get(f"{site.url}/{name}").status_code == 403


def test_versions_keep_their_own_acls(site: Site, alice: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    first = alice.put_object(Bucket=name, Key="k", Body=b"one", ACL="public-read")["VersionId"]
    alice.put_object(Bucket=name, Key="k", Body=b"two")
    assert requests.get(f"{site.url}/{name}/k").status_code == 403
    assert requests.get(f"{site.url}/{name}/k?versionId={first}").content == b"one"
    alice.put_object_acl(Bucket=name, Key="k", VersionId=first, ACL="private")
    assert requests.get(f"{site.url}/{name}/k?versionId={first}").status_code == 403


def test_acls_and_ownership_survive_a_restart(site: Site) -> None:
    alice = site.client("alice", "alice-secret")
    name = _acl_bucket(alice, "BucketOwnerPreferred")
    alice.put_object(Bucket=name, Key="open", Body=b"x", ACL="public-read")
    alice.put_bucket_acl(Bucket=name, GrantRead=f"id={BOB.canonical_id}")
    if site.data_dir is None:
        return  # nothing to restart: the memory backend keeps nothing
    site.restart()
    alice = site.client("alice", "alice-secret")
    got = alice.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    assert (BOB.canonical_id, "READ") in _grants(alice.get_bucket_acl(Bucket=name))
    assert requests.get(f"{site.url}/{name}/open").content == b"x"


def test_bucket_owner_needs_a_grant_for_objects_others_own(
    alice: BaseClient, bob: BaseClient
) -> None:
    name = _acl_bucket(alice)
    alice.put_bucket_acl(Bucket=name, GrantWrite=f"id={BOB.canonical_id}")
    bob.put_object(Bucket=name, Key="bobs", Body=b"bob's")
    with raises_client_error("AccessDenied", 403):
        alice.get_object(Bucket=name, Key="bobs")
    with raises_client_error("AccessDenied", 403):
        alice.get_object_acl(Bucket=name, Key="bobs")
    bob.put_object_acl(Bucket=name, Key="bobs", ACL="bucket-owner-read")
    assert alice.get_object(Bucket=name, Key="bobs")["Body"].read() == b"bob's"
    alice.delete_object(Bucket=name, Key="bobs")  # the bucket owner may always delete
    assert alice.list_objects_v2(Bucket=name)["KeyCount"] == 0


def test_multipart_and_copy_take_their_acl(site: Site, alice: BaseClient) -> None:
    name = _acl_bucket(alice)
    upload = alice.create_multipart_upload(Bucket=name, Key="mpu", ACL="public-read")
    part = alice.upload_part(
        Bucket=name, Key="mpu", UploadId=upload["UploadId"], PartNumber=1, Body=b"parts"
    )
    alice.complete_multipart_upload(
        Bucket=name,
        Key="mpu",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert requests.get(f"{site.url}/{name}/mpu").content == b"parts"
    alice.copy_object(Bucket=name, Key="copy", CopySource=f"{name}/mpu")  # no ACL: private
    assert requests.get(f"{site.url}/{name}/copy").status_code == 403
    alice.copy_object(
        Bucket=name, Key="copy", CopySource=f"{name}/mpu", GrantRead=f'uri="{ALL_USERS}"'
    )
    assert requests.get(f"{site.url}/{name}/copy").content == b"parts"


def test_presigned_urls_act_as_their_signer(site: Site, alice: BaseClient, bob: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_object(Bucket=name, Key="k", Body=b"alice's")
    url = bob.generate_presigned_url("get_object", Params={"Bucket": name, "Key": "k"})
    assert requests.get(url).status_code == 403
    alice.put_object_acl(Bucket=name, Key="k", GrantRead=f"id={BOB.canonical_id}")
    assert requests.get(url).content == b"alice's"


def test_post_uploads_act_as_their_signer(site: Site, alice: BaseClient, bob: BaseClient) -> None:
    name = _acl_bucket(alice)
    fields = {"acl": "public-read"}
    form = bob.generate_presigned_post(name, "posted", Fields=fields, Conditions=[fields])
    files = {"file": ("f", b"bob's form")}
    assert requests.post(form["url"], data=form["fields"], files=files).status_code == 403
    alice.put_bucket_acl(Bucket=name, GrantWrite=f"id={BOB.canonical_id}")
    response = requests.post(form["url"], data=form["fields"], files=files)
    assert response.status_code == 204, response.text
    answer = bob.get_object_acl(Bucket=name, Key="posted")
    assert answer["Owner"]["ID"] == BOB.canonical_id
    assert _grants(answer) == {(BOB.canonical_id, "FULL_CONTROL"), (ALL_USERS, "READ")}
    assert requests.get(f"{site.url}/{name}/posted").content == b"bob's form"


def test_anonymous_post_to_a_public_write_bucket(site: Site, alice: BaseClient) -> None:
    name = _acl_bucket(alice)
    url = f"{site.url}/{name}"
    files = {"file": ("f", b"anyone's")}
    assert requests.post(url, data={"key": "anon"}, files=files).status_code == 403
    alice.put_bucket_acl(Bucket=name, ACL="public-read-write")
    assert requests.post(url, data={"key": "anon"}, files=files).status_code == 204
    assert alice.list_objects_v2(Bucket=name)["KeyCount"] == 1
    # An anonymous writer owns nothing: the object is the bucket owner's.
    assert alice.get_object_acl(Bucket=name, Key="anon")["Owner"]["ID"] == ALICE.canonical_id


@pytest.mark.parametrize("mode", ["off", "lenient", "strict"])
def test_another_accounts_bucket_name_is_taken_in_every_mode(
    tmp_path_factory: pytest.TempPathFactory, mode: str
) -> None:
    data_dir = str(tmp_path_factory.mktemp("taken"))
    first = Site("strict", data_dir)
    name = unique_bucket_name("taken")
    first.client("alice", "alice-secret").create_bucket(Bucket=name)
    first.stop()
    again = Site(mode, data_dir)
    try:
        for client in (again.client("test", "test"), again.client("bob", "bob-secret")):
            with raises_client_error("BucketAlreadyExists", 409):
                client.create_bucket(Bucket=name)
        if mode != "strict":  # lenient and off: an unsigned request acts as the default account
            assert requests.put(f"{again.url}/{name}").status_code == 409
    finally:
        again.stop()


def test_listings_show_each_objects_owner(alice: BaseClient, bob: BaseClient) -> None:
    name = _acl_bucket(alice)
    alice.put_bucket_acl(Bucket=name, GrantWrite=f"id={BOB.canonical_id}")
    alice.put_object(Bucket=name, Key="a", Body=b"x")
    bob.put_object(Bucket=name, Key="b", Body=b"x")
    listed = alice.list_objects_v2(Bucket=name, FetchOwner=True)["Contents"]
    assert [(o["Key"], o["Owner"]["ID"]) for o in listed] == [
        ("a", ALICE.canonical_id),
        ("b", BOB.canonical_id),
    ]
    versions = alice.list_object_versions(Bucket=name)["Versions"]
    assert {(v["Key"], v["Owner"]["ID"]) for v in versions} == {
        ("a", ALICE.canonical_id),
        ("b", BOB.canonical_id),
    }
    alice.put_bucket_acl(Bucket=name, ACL="private")
    alice.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    listed = alice.list_objects_v2(Bucket=name, FetchOwner=True)["Contents"]
    assert {o["Owner"]["ID"] for o in listed} == {ALICE.canonical_id}  # the owner owns all
    assert alice.get_object(Bucket=name, Key="b")["Body"].read() == b"x"


def test_lenient_mode_decides_signed_forms_and_requests() -> None:
    """Lenient mode decides what a known key signed, as strict mode does; unsigned requests
    act as the default account, undecided."""
    lenient = Site("lenient", None)
    try:
        alice = lenient.client("alice", "alice-secret")
        bob = lenient.client("bob", "bob-secret")
        name = _acl_bucket(alice)
        form = bob.generate_presigned_post(name, "posted")
        files = {"file": ("f", b"bob's")}
        assert requests.post(form["url"], data=form["fields"], files=files).status_code == 403
        with raises_client_error("AccessDenied", 403):
            bob.list_objects_v2(Bucket=name)
        alice.put_bucket_acl(
            Bucket=name, GrantWrite=f"id={BOB.canonical_id}", GrantRead=f"id={BOB.canonical_id}"
        )
        assert requests.post(form["url"], data=form["fields"], files=files).status_code == 204
        assert bob.list_objects_v2(Bucket=name)["KeyCount"] == 1
        unsigned = requests.post(f"{lenient.url}/{name}", data={"key": "u"}, files=files)
        assert unsigned.status_code == 204  # the default account, not decided
    finally:
        lenient.stop()


def test_group_grants_are_listed_first(alice: BaseClient) -> None:
    """Groups first, then users, each in the order stated (fakes3/auth/acl.py for_answer)."""
    name = _acl_bucket(alice)
    alice.put_bucket_acl(Bucket=name, ACL="public-read-write")
    listed = [
        (g["Grantee"].get("URI") or g["Grantee"]["ID"], g["Permission"])
        for g in alice.get_bucket_acl(Bucket=name)["Grants"]
    ]
    assert listed == [
        (ALL_USERS, "READ"),
        (ALL_USERS, "WRITE"),
        (ALICE.canonical_id, "FULL_CONTROL"),
    ]
    owner = {"ID": ALICE.canonical_id, "DisplayName": ALICE.display_name}
    body = {
        "Owner": owner,
        "Grants": [
            {"Grantee": {"Type": "CanonicalUser", **owner}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "CanonicalUser", "ID": BOB.canonical_id}, "Permission": "READ"},
            {"Grantee": {"Type": "Group", "URI": AUTHENTICATED}, "Permission": "READ"},
        ],
    }
    alice.put_object(Bucket=name, Key="k", Body=b"x")
    alice.put_object_acl(Bucket=name, Key="k", AccessControlPolicy=body)
    listed = [
        (g["Grantee"].get("URI") or g["Grantee"]["ID"], g["Permission"])
        for g in alice.get_object_acl(Bucket=name, Key="k")["Grants"]
    ]
    assert listed == [
        (AUTHENTICATED, "READ"),
        (ALICE.canonical_id, "FULL_CONTROL"),
        (BOB.canonical_id, "READ"),
    ]


def test_uploads_name_their_initiator(site: Site, alice: BaseClient, bob: BaseClient) -> None:
    """ListMultipartUploads and ListParts show who created each upload (ceph s3-tests'
    test_list_multipart_upload_owner), also after a directory restart."""
    name = _acl_bucket(alice)
    alice.put_bucket_acl(Bucket=name, ACL="public-read-write")
    mine = alice.create_multipart_upload(Bucket=name, Key="a")["UploadId"]
    his = bob.create_multipart_upload(Bucket=name, Key="b")["UploadId"]

    def check(client: BaseClient) -> None:
        uploads = client.list_multipart_uploads(Bucket=name)["Uploads"]
        assert [(u["Key"], u["Initiator"]["ID"], u["Owner"]["ID"]) for u in uploads] == [
            ("a", ALICE.canonical_id, ALICE.canonical_id),
            ("b", BOB.canonical_id, BOB.canonical_id),
        ]
        assert uploads[1]["Initiator"]["DisplayName"] == BOB.display_name
        parts = client.list_parts(Bucket=name, Key="b", UploadId=his)
        assert parts["Initiator"]["ID"] == BOB.canonical_id

    check(alice)
    check(bob)
    if site.data_dir is not None:
        site.restart()
        alice = site.client("alice", "alice-secret")
        check(alice)
    alice.abort_multipart_upload(Bucket=name, Key="a", UploadId=mine)


def test_put_object_acl_on_a_current_delete_marker_is_405(alice: BaseClient) -> None:
    """S3 refuses the ACL of a marker (AWS: LocalStack's validated
    test_put_object_acl_on_delete_marker), where GetObjectAcl says NoSuchKey."""
    name = _acl_bucket(alice)
    alice.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    alice.put_object(Bucket=name, Key="k", Body=b"x")
    alice.delete_object(Bucket=name, Key="k")
    with raises_client_error("MethodNotAllowed", 405) as caught:
        alice.put_object_acl(Bucket=name, Key="k", ACL="public-read")
    error = caught.value.response["Error"]
    assert (error["Method"], error["ResourceType"]) == ("PUT", "DeleteMarker")
    with raises_client_error("NoSuchKey", 404):
        alice.get_object_acl(Bucket=name, Key="k")


def test_bad_grantees_are_named_as_s3_names_them(alice: BaseClient) -> None:
    """In a header the grantee's kind names the argument, in a body its element (AWS:
    LocalStack's validated test_s3_bucket_acl_exceptions)."""
    name = _acl_bucket(alice)

    def refused(**acl: Any) -> dict[str, str]:
        with raises_client_error("InvalidArgument", 400) as caught:
            alice.put_bucket_acl(Bucket=name, **acl)
        return caught.value.response["Error"]  # type: ignore[no-any-return]

    assert refused(GrantWrite='id="wrong-id"')["ArgumentName"] == "id"
    assert refused(GrantWrite='fakekey="1234"')["ArgumentValue"] == 'fakekey="1234"'
    owner = {"ID": ALICE.canonical_id}
    bad_group = {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/Nope"}
    body = {"Owner": owner, "Grants": [{"Grantee": bad_group, "Permission": "READ"}]}
    assert refused(AccessControlPolicy=body)["ArgumentName"] == "Group/URI"
