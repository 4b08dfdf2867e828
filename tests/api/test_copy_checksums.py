"""CopyObject and checksums: the source's checksum by default, or a new algorithm on request.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (x-amz-checksum-algorithm)
and https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
("To change the checksum algorithm for an upload, you can copy an individual object").
"""

from __future__ import annotations

import os

import pytest
from api_helpers import Raw, assert_s3_error, checksum_b64
from botocore.client import BaseClient

MiB = 1024 * 1024
ALL = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "SHA512", "MD5", "XXHASH64"]
ALL += ["XXHASH3", "XXHASH128"]


@pytest.mark.parametrize("algorithm", ALL)
def test_copy_with_a_new_algorithm_checksums_the_copy_with_it(
    s3: BaseClient, bucket: str, algorithm: str
) -> None:
    body = b"copy me with another checksum"
    s3.put_object(Bucket=bucket, Key="src", Body=body, ChecksumAlgorithm="CRC32")
    member = f"Checksum{algorithm}"
    result = s3.copy_object(
        Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", ChecksumAlgorithm=algorithm
    )["CopyObjectResult"]
    assert (result[member], result["ChecksumType"]) == (
        checksum_b64(algorithm, body),
        "FULL_OBJECT",
    )
    head = s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")
    assert (head[member], head["ChecksumType"]) == (checksum_b64(algorithm, body), "FULL_OBJECT")
    assert [name for name in head if name.startswith("Checksum")] == [member, "ChecksumType"]
    attributes = s3.get_object_attributes(Bucket=bucket, Key="dst", ObjectAttributes=["Checksum"])
    assert attributes["Checksum"] == {
        member: checksum_b64(algorithm, body),
        "ChecksumType": "FULL_OBJECT",
    }
    got = s3.get_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")  # botocore validates
    assert got["Body"].read() == body
    # the source keeps its own
    assert s3.head_object(Bucket=bucket, Key="src", ChecksumMode="ENABLED")["ChecksumCRC32"] == (
        checksum_b64("CRC32", body)
    )


def test_copy_without_an_algorithm_keeps_the_sources(s3: BaseClient, bucket: str) -> None:
    body = b"same checksum"
    s3.put_object(Bucket=bucket, Key="src", Body=body, ChecksumAlgorithm="SHA1")
    result = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    assert result["CopyObjectResult"]["ChecksumSHA1"] == checksum_b64("SHA1", body)
    replaced = s3.copy_object(
        Bucket=bucket,
        Key="dst2",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        ChecksumAlgorithm="SHA256",
    )
    assert replaced["CopyObjectResult"]["ChecksumSHA256"] == checksum_b64("SHA256", body)


def test_copy_of_a_composite_multipart_object_with_a_new_algorithm(
    s3: BaseClient, bucket: str
) -> None:
    """The copy is one part: its checksum is of the whole object, whatever the source's was."""
    parts = [os.urandom(5 * MiB), b"end"]
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA256")[
        "UploadId"
    ]
    done = []
    for number, data in enumerate(parts, start=1):
        result = s3.upload_part(
            Bucket=bucket,
            Key="mp",
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            ChecksumAlgorithm="SHA256",
        )
        done.append(
            {
                "PartNumber": number,
                "ETag": result["ETag"],
                "ChecksumSHA256": result["ChecksumSHA256"],
            }
        )
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    whole = b"".join(parts)
    result = s3.copy_object(
        Bucket=bucket, Key="dst", CopySource=f"{bucket}/mp", ChecksumAlgorithm="SHA1"
    )["CopyObjectResult"]
    assert (result["ChecksumSHA1"], result["ChecksumType"]) == (
        checksum_b64("SHA1", whole),
        "FULL_OBJECT",
    )
    head = s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")
    assert "PartsCount" not in head and head["ChecksumSHA1"] == checksum_b64("SHA1", whole)


def test_copy_with_an_unknown_algorithm_is_invalid_request(
    s3: BaseClient, bucket: str, raw: Raw
) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    response = raw(
        "PUT",
        f"/{bucket}/dst",
        headers={"x-amz-copy-source": f"/{bucket}/src", "x-amz-checksum-algorithm": "CRC16"},
    )
    fields = assert_s3_error(response, "InvalidRequest", 400)
    assert fields["Message"].startswith("Checksum algorithm provided is unsupported.")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1  # no copy was made
