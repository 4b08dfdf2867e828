"""What a new bucket answers for its configurations: S3's answers for a bucket created since
April 2023 (ACLs disabled, public access blocked, no policy, no lifecycle rules, no object
lock)."""

from __future__ import annotations

from api_helpers import raises_client_error
from botocore.client import BaseClient


def test_acls_show_the_owner_with_full_control(s3: BaseClient, bucket: str) -> None:
    owner = s3.list_buckets()["Owner"]
    expected = [
        {
            "Grantee": {
                "Type": "CanonicalUser",
                "ID": owner["ID"],
                "DisplayName": owner["DisplayName"],
            },
            "Permission": "FULL_CONTROL",
        }
    ]
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Owner"]["ID"] == owner["ID"] and acl["Grants"] == expected
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.get_object_acl(Bucket=bucket, Key="k")["Grants"] == expected
    with raises_client_error("NoSuchKey", 404):
        s3.get_object_acl(Bucket=bucket, Key="missing")


def test_ownership_and_public_access_defaults(s3: BaseClient, bucket: str) -> None:
    controls = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def test_absent_policy_lifecycle_and_object_lock(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("NoSuchBucketPolicy", 404):
        s3.get_bucket_policy(Bucket=bucket)
    with raises_client_error("NoSuchBucketPolicy", 404):
        s3.get_bucket_policy_status(Bucket=bucket)
    with raises_client_error("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    with raises_client_error("ObjectLockConfigurationNotFoundError", 404):
        s3.get_object_lock_configuration(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with raises_client_error("InvalidRequest", 400):
        s3.get_object_retention(Bucket=bucket, Key="k")
    with raises_client_error("InvalidRequest", 400):
        s3.put_object_legal_hold(Bucket=bucket, Key="k", LegalHold={"Status": "ON"})


def test_acl_writes_refused_and_missing_bucket_comes_first(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("AccessControlListNotSupported", 400):
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    with raises_client_error("NoSuchBucket", 404):
        s3.put_bucket_policy(Bucket="no-such-bucket-x", Policy="{}")
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_acl(Bucket="no-such-bucket-x")
