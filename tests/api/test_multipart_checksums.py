"""Multipart checksums: per part, COMPOSITE and FULL_OBJECT objects, as S3 defines them.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
"""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from api_helpers import checksum_b64, client_for, raises_client_error
from botocore.client import BaseClient
from botocore.config import Config

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def once(endpoint: str) -> BaseClient:
    """A client that does not retry: botocore retries BadDigest, which only slows these tests."""
    return client_for(endpoint, config=Config(retries={"total_max_attempts": 1}))


def composite(algorithm: str, parts: list[bytes]) -> str:
    """checksum(concatenated binary part checksums) + ``-N``, computed independently."""
    joined = b"".join(base64.b64decode(checksum_b64(algorithm, part)) for part in parts)
    return f"{checksum_b64(algorithm, joined)}-{len(parts)}"


def run_upload(
    s3: BaseClient,
    bucket: str,
    key: str,
    parts: list[bytes],
    algorithm: str,
    checksum_type: str | None = None,
    send_part_checksums: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    create: dict[str, Any] = {"ChecksumAlgorithm": algorithm}
    if checksum_type:
        create["ChecksumType"] = checksum_type
    created = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)
    assert created["ChecksumAlgorithm"] == algorithm
    upload_id = created["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        result = s3.upload_part(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            ChecksumAlgorithm=algorithm,
        )
        member = f"Checksum{algorithm}"
        assert result[member] == checksum_b64(algorithm, data)
        entry = {"PartNumber": number, "ETag": result["ETag"]}
        if send_part_checksums:
            entry[member] = result[member]
        done.append(entry)
    return upload_id, done


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_composite_checksum_is_the_checksum_of_the_part_checksums(
    s3: BaseClient, bucket: str, algorithm: str
) -> None:
    parts = [os.urandom(5 * MiB), b"last part"]
    upload_id, done = run_upload(s3, bucket, "c", parts, algorithm)
    result = s3.complete_multipart_upload(
        Bucket=bucket, Key="c", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    expected = composite(algorithm, parts)
    assert (result[f"Checksum{algorithm}"], result["ChecksumType"]) == (expected, "COMPOSITE")
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (expected, "COMPOSITE")
    # a GET with checksum mode: botocore skips validating a composite value, and the body is whole
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got["Body"].read() == b"".join(parts)
    # a part read with checksum mode carries that part's checksum, which botocore validates
    second = s3.get_object(Bucket=bucket, Key="c", PartNumber=2, ChecksumMode="ENABLED")
    assert second[f"Checksum{algorithm}"] == checksum_b64(algorithm, parts[1])
    assert second["Body"].read() == parts[1]
    with raises_client_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="c", UploadId=upload_id)


@pytest.mark.parametrize("algorithm", ["SHA512", "MD5", "XXHASH64", "XXHASH3", "XXHASH128"])
def test_newer_algorithms_make_composite_uploads(
    s3: BaseClient, bucket: str, algorithm: str
) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_ObjectPart.html: a part carries
    ChecksumSHA512/MD5/XXHASH* "if the multipart upload request was created with" it; none of
    them combines into a whole-object value, so the upload is COMPOSITE and FULL_OBJECT is
    refused as for SHA1/SHA256. Part values are sent precomputed (botocore cannot make MD5)."""
    member = f"Checksum{algorithm}"
    with raises_client_error("InvalidRequest", 400):
        s3.create_multipart_upload(
            Bucket=bucket, Key="n", ChecksumAlgorithm=algorithm, ChecksumType="FULL_OBJECT"
        )
    created = s3.create_multipart_upload(Bucket=bucket, Key="n", ChecksumAlgorithm=algorithm)
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == (algorithm, "COMPOSITE")
    upload_id = created["UploadId"]
    parts = [os.urandom(5 * MiB), b"last part"]
    done = []
    for number, data in enumerate(parts, start=1):
        value = checksum_b64(algorithm, data)
        result = s3.upload_part(
            Bucket=bucket,
            Key="n",
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            **{member: value},
        )
        assert result[member] == value
        done.append({"PartNumber": number, "ETag": result["ETag"], member: value})
    listing = s3.list_parts(Bucket=bucket, Key="n", UploadId=upload_id)
    assert [p[member] for p in listing["Parts"]] == [checksum_b64(algorithm, p) for p in parts]
    result = s3.complete_multipart_upload(
        Bucket=bucket, Key="n", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    expected = composite(algorithm, parts)
    assert (result[member], result["ChecksumType"]) == (expected, "COMPOSITE")
    head = s3.head_object(Bucket=bucket, Key="n", ChecksumMode="ENABLED")
    assert (head[member], head["ChecksumType"]) == (expected, "COMPOSITE")
    first = s3.head_object(Bucket=bucket, Key="n", PartNumber=1, ChecksumMode="ENABLED")
    assert first[member] == checksum_b64(algorithm, parts[0])
    attributes = s3.get_object_attributes(
        Bucket=bucket, Key="n", ObjectAttributes=["Checksum", "ObjectParts"]
    )
    # GetObjectAttributes gives the composite value without its -N (see test_object_attributes)
    assert attributes["Checksum"] == {member: expected[:-2], "ChecksumType": "COMPOSITE"}
    assert [p[member] for p in attributes["ObjectParts"]["Parts"]] == [
        checksum_b64(algorithm, p) for p in parts
    ]
    assert s3.get_object(Bucket=bucket, Key="n")["Body"].read() == b"".join(parts)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_full_object_checksum_is_the_crc_of_the_whole_object(
    s3: BaseClient, bucket: str, algorithm: str
) -> None:
    parts = [os.urandom(5 * MiB), os.urandom(5 * MiB + 1), b"z"]
    upload_id, done = run_upload(s3, bucket, "f", parts, algorithm, "FULL_OBJECT")
    whole = b"".join(parts)
    listing = s3.list_parts(Bucket=bucket, Key="f", UploadId=upload_id)
    assert (listing["ChecksumAlgorithm"], listing["ChecksumType"]) == (algorithm, "FULL_OBJECT")
    assert [p[f"Checksum{algorithm}"] for p in listing["Parts"]] == [
        checksum_b64(algorithm, part) for part in parts
    ]
    result = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="f",
        UploadId=upload_id,
        MultipartUpload={"Parts": done},
        **{f"Checksum{algorithm}": checksum_b64(algorithm, whole)},
        ChecksumType="FULL_OBJECT",
        MpuObjectSize=len(whole),
    )
    assert result[f"Checksum{algorithm}"] == checksum_b64(algorithm, whole)
    assert result["ChecksumType"] == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key="f", ChecksumMode="ENABLED")  # botocore validates
    assert got[f"Checksum{algorithm}"] == checksum_b64(algorithm, whole)
    assert got["Body"].read() == whole


def test_crc64nvme_defaults_to_full_object(s3: BaseClient, bucket: str) -> None:
    upload_id, done = run_upload(s3, bucket, "d", [b"abc"], "CRC64NVME")
    result = s3.complete_multipart_upload(
        Bucket=bucket, Key="d", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    assert result["ChecksumCRC64NVME"] == checksum_b64("CRC64NVME", b"abc")
    assert result["ChecksumType"] == "FULL_OBJECT"


def test_upload_without_an_algorithm_gets_s3s_default_crc64nvme(
    s3: BaseClient, bucket: str
) -> None:
    """boto3 still sends a CRC32 per part (checked, and echoed); the object gets CRC64NVME."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="plain")["UploadId"]
    parts = [os.urandom(5 * MiB), b"end"]
    done = []
    for number, data in enumerate(parts, start=1):
        result = s3.upload_part(
            Bucket=bucket, Key="plain", UploadId=upload_id, PartNumber=number, Body=data
        )
        assert result["ChecksumCRC32"] == checksum_b64("CRC32", data)
        done.append({"PartNumber": number, "ETag": result["ETag"]})
    s3.complete_multipart_upload(
        Bucket=bucket, Key="plain", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    head = s3.head_object(Bucket=bucket, Key="plain", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == checksum_b64("CRC64NVME", b"".join(parts))
    assert head["ChecksumType"] == "FULL_OBJECT"


@pytest.mark.parametrize(
    ("algorithm", "checksum_type"),
    [("CRC64NVME", "COMPOSITE"), ("SHA256", "FULL_OBJECT"), ("SHA1", "FULL_OBJECT")],
)
def test_checksum_types_an_algorithm_does_not_support_are_refused(
    s3: BaseClient, bucket: str, algorithm: str, checksum_type: str
) -> None:
    with raises_client_error("InvalidRequest", 400):
        s3.create_multipart_upload(
            Bucket=bucket, Key="k", ChecksumAlgorithm=algorithm, ChecksumType=checksum_type
        )
    with raises_client_error("InvalidRequest", 400):
        s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumType=checksum_type)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_a_part_checksummed_with_another_algorithm_is_refused(s3: BaseClient, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")[
        "UploadId"
    ]
    with raises_client_error("InvalidRequest", 400) as info:
        s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=1,
            Body=b"x",
            ChecksumAlgorithm="CRC32",
        )
    assert "Checksum Type mismatch" in info.value.response["Error"]["Message"]
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_a_part_whose_checksum_does_not_match_its_bytes_is_bad_digest(
    s3: BaseClient, once: BaseClient, bucket: str
) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32")[
        "UploadId"
    ]
    with raises_client_error("BadDigest", 400):
        once.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=1,
            Body=b"x",
            ChecksumCRC32=checksum_b64("CRC32", b"y"),
        )
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_composite_completion_needs_every_part_checksum(s3: BaseClient, bucket: str) -> None:
    upload_id, done = run_upload(s3, bucket, "k", [b"a"], "CRC32", send_part_checksums=False)
    with raises_client_error("InvalidRequest", 400) as info:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": done}
        )
    assert "missing for part 1" in info.value.response["Error"]["Message"]
    wrong = [{**done[0], "ChecksumCRC32": checksum_b64("CRC32", b"b")}]
    with raises_client_error("InvalidPart", 400):
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": wrong}
        )
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_full_object_completion_checks_the_claimed_whole_object_checksum_and_size(
    s3: BaseClient, once: BaseClient, bucket: str
) -> None:
    upload_id, done = run_upload(s3, bucket, "k", [b"abc"], "CRC32C", "FULL_OBJECT")
    spec = {"Parts": done}
    with raises_client_error("BadDigest", 400):
        once.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload=spec,
            ChecksumCRC32C=checksum_b64("CRC32C", b"abd"),
        )
    # another checksum type than the upload's: InvalidRequest (versity/versitygw's s3err,
    # GetChecksumTypeMismatchOnMpErr, written against S3's answer)
    with raises_client_error("InvalidRequest", 400) as info:
        once.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload=spec,
            ChecksumType="COMPOSITE",
        )
    assert info.value.response["Error"]["Message"] == (
        "The upload was created using the FULL_OBJECT checksum mode. The complete request must "
        "use the same checksum mode."
    )
    with raises_client_error("InvalidRequest", 400):
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=spec, MpuObjectSize=4
        )
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=spec)


def test_completion_may_name_the_composite_checksum_with_its_part_count(
    s3: BaseClient, bucket: str
) -> None:
    """``<base64>-<parts>``, the form S3 itself answers, is taken in CompleteMultipartUpload's
    x-amz-checksum-* header (Swift's s3api tests, written against AWS); in a PutObject it is
    no checksum of a body."""
    parts = [os.urandom(5 * MiB), b"last part"]
    upload_id, done = run_upload(s3, bucket, "counted", parts, "CRC32")
    claimed = composite("CRC32", parts)
    assert claimed.endswith("-2")
    result = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="counted",
        UploadId=upload_id,
        MultipartUpload={"Parts": done},
        ChecksumCRC32=claimed,
    )
    assert result["ChecksumCRC32"] == claimed
    with raises_client_error("InvalidRequest", 400) as caught:
        s3.put_object(Bucket=bucket, Key="counted", Body=b"x", ChecksumCRC32=claimed)
    assert caught.value.response["Error"]["Message"] == (
        "Value for x-amz-checksum-crc32 header is invalid."
    )
    assert s3.head_object(Bucket=bucket, Key="counted")["ContentLength"] == 5 * MiB + 9
