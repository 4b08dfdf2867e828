"""GetObjectAttributes through boto3 and raw requests.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
"""

from __future__ import annotations

import hashlib

from api_helpers import Raw, assert_s3_error, checksum_b64, raises_client_error
from botocore.client import BaseClient

ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]


def test_attributes_of_a_simple_object(s3: BaseClient, bucket: str) -> None:
    data = b"attribute me"
    s3.put_object(
        Bucket=bucket, Key="k", Body=data, ChecksumAlgorithm="SHA256", StorageClass="STANDARD_IA"
    )
    got = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=ALL)
    assert got["ETag"] == hashlib.md5(data).hexdigest()  # unquoted here, as in S3
    assert got["Checksum"] == {
        "ChecksumSHA256": checksum_b64("SHA256", data),
        "ChecksumType": "FULL_OBJECT",
    }
    assert got["StorageClass"] == "STANDARD_IA"
    assert got["ObjectSize"] == len(data)
    assert "ObjectParts" not in got  # a single PUT has no parts
    assert got["LastModified"] == s3.head_object(Bucket=bucket, Key="k")["LastModified"]


def test_only_the_attributes_asked_for(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"12345")
    got = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert got["ObjectSize"] == 5
    assert not {"ETag", "Checksum", "StorageClass"} & set(got)


def test_unknown_attribute_and_missing_key(s3: BaseClient, bucket: str, raw: Raw) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    response = raw(
        "GET", f"/{bucket}/k?attributes", headers={"x-amz-object-attributes": "ETag,Colour"}
    )
    assert_s3_error(response, "InvalidArgument", 400)
    with raises_client_error("NoSuchKey", 404):
        s3.get_object_attributes(Bucket=bucket, Key="absent", ObjectAttributes=["ETag"])


def test_attributes_of_a_version(s3: BaseClient, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="k", Body=b"three")["VersionId"]
    old = s3.get_object_attributes(Bucket=bucket, Key="k", VersionId=first, ObjectAttributes=ALL)
    assert old["VersionId"] == first and old["ObjectSize"] == 3
    new = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert new["VersionId"] == second and new["ObjectSize"] == 5
    for version in (second, first):
        s3.delete_object(Bucket=bucket, Key="k", VersionId=version)
