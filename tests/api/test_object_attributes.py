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


def test_no_attributes_asked_for_is_invalid_argument(s3: BaseClient, bucket: str) -> None:
    """boto3 sends no header for ObjectAttributes=[]: the request was GetObject, whose bytes
    botocore could not parse (a 500 to the caller)."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with raises_client_error("InvalidArgument", 400):
        s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=[])


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


def test_parts_of_a_multipart_object_page_and_carry_checksums(s3: BaseClient, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    part = b"q" * (5 * 1024 * 1024)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="CRC32")
    parts = []
    for number in (1, 2, 3):
        sent = s3.upload_part(
            Bucket=bucket,
            Key="mp",
            UploadId=upload["UploadId"],
            PartNumber=number,
            Body=part[: 1024 if number == 3 else None],
            ChecksumAlgorithm="CRC32",
        )
        parts.append(
            {"PartNumber": number, "ETag": sent["ETag"], "ChecksumCRC32": sent["ChecksumCRC32"]}
        )
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )
    assert len(done["VersionId"]) == 32  # a completed upload is a new version
    got = s3.get_object_attributes(
        Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts", "ObjectSize"], MaxParts=2
    )
    assert got["VersionId"] == done["VersionId"]
    assert got["ObjectSize"] == 2 * len(part) + 1024
    first = got["ObjectParts"]
    assert (first["TotalPartsCount"], first["IsTruncated"], first["NextPartNumberMarker"]) == (
        3,
        True,
        2,
    )
    assert [(p["PartNumber"], p["ChecksumCRC32"]) for p in first["Parts"]] == [
        (1, checksum_b64("CRC32", part)),
        (2, checksum_b64("CRC32", part)),
    ]
    rest = s3.get_object_attributes(
        Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"], PartNumberMarker=2
    )["ObjectParts"]
    assert [(p["PartNumber"], p["Size"]) for p in rest["Parts"]] == [(3, 1024)]
    assert rest["IsTruncated"] is False
    s3.delete_object(Bucket=bucket, Key="mp", VersionId=done["VersionId"])


def _multipart(s3: BaseClient, bucket: str, key: str, parts: list[bytes], **create: str) -> str:
    """Upload ``parts`` with a SHA256 or CRC32 checksum per part; returns the completed value."""
    algorithm = create["ChecksumAlgorithm"]
    member = f"Checksum{algorithm}"
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
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
        done.append({"PartNumber": number, "ETag": result["ETag"], member: result[member]})
    completed = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    return str(completed[member])


def test_a_composite_checksum_comes_without_its_part_count(s3: BaseClient, bucket: str) -> None:
    """What S3 answers (floci-io/floci#3083, wire captured against S3 on 2026-09-03): HEAD and
    CompleteMultipartUpload give ``<value>-N``, GetObjectAttributes the same value without
    ``-N``, beside the parts' own checksums under ObjectParts."""
    parts = [b"a" * (5 * 1024 * 1024), b"tail"]
    value = _multipart(s3, bucket, "mp", parts, ChecksumAlgorithm="SHA256")
    assert value.endswith("-2")
    head = s3.head_object(Bucket=bucket, Key="mp", ChecksumMode="ENABLED")
    assert (head["ChecksumSHA256"], head["ChecksumType"]) == (value, "COMPOSITE")
    got = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=ALL)
    assert got["Checksum"] == {"ChecksumSHA256": value[:-2], "ChecksumType": "COMPOSITE"}
    assert got["ObjectParts"]["TotalPartsCount"] == 2
    assert [p["ChecksumSHA256"] for p in got["ObjectParts"]["Parts"]] == [
        checksum_b64("SHA256", part) for part in parts
    ]


def test_a_one_part_upload_has_the_composite_of_its_one_part(s3: BaseClient, bucket: str) -> None:
    """A single-part multipart upload is still COMPOSITE: the checksum of its part's checksum,
    ``-1`` on HEAD (floci-io/floci#3083, row 2); a part read gives the part's own value."""
    value = _multipart(s3, bucket, "one", [b"only part"], ChecksumAlgorithm="SHA256")
    assert value == checksum_b64("SHA256", hashlib.sha256(b"only part").digest()) + "-1"
    got = s3.get_object_attributes(Bucket=bucket, Key="one", ObjectAttributes=["Checksum"])
    assert got["Checksum"]["ChecksumSHA256"] == value[:-2]
    part = s3.head_object(Bucket=bucket, Key="one", PartNumber=1, ChecksumMode="ENABLED")
    assert part["ChecksumSHA256"] == checksum_b64("SHA256", b"only part")


def test_full_object_part_reads_carry_a_checksum_only_for_a_single_part(
    s3: BaseClient, bucket: str
) -> None:
    """localstack/localstack#12842 (checked against S3): a part read of a FULL_OBJECT upload
    has no checksum when there are several parts (no part's value is the object's), and the
    object's own when its one part is the whole object."""
    whole = _multipart(
        s3,
        bucket,
        "two",
        [b"x" * (5 * 1024 * 1024), b"y"],
        ChecksumAlgorithm="CRC32",
        ChecksumType="FULL_OBJECT",
    )
    assert whole == checksum_b64("CRC32", b"x" * (5 * 1024 * 1024) + b"y")
    part = s3.head_object(Bucket=bucket, Key="two", PartNumber=2, ChecksumMode="ENABLED")
    assert "ChecksumCRC32" not in part and part["PartsCount"] == 2
    got = s3.get_object_attributes(
        Bucket=bucket, Key="two", ObjectAttributes=["Checksum", "ObjectParts"]
    )
    assert got["Checksum"] == {"ChecksumCRC32": whole, "ChecksumType": "FULL_OBJECT"}
    # a FULL_OBJECT object's parts are counted, not listed (floci-io/floci#3093, against S3)
    assert got["ObjectParts"] == {"TotalPartsCount": 2}
    single = _multipart(
        s3, bucket, "single", [b"z" * 10], ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )
    part = s3.head_object(Bucket=bucket, Key="single", PartNumber=1, ChecksumMode="ENABLED")
    assert (part["ChecksumCRC32"], part["ChecksumType"]) == (single, "FULL_OBJECT")


def test_composite_parts_are_paged(s3: BaseClient, bucket: str) -> None:
    """API_GetObjectAttributes.html: x-amz-max-parts and x-amz-part-number-marker page the
    parts of a COMPOSITE object; past the last part the page is empty, its next marker the
    marker sent."""
    parts = [b"a" * (5 * 1024 * 1024), b"b" * (5 * 1024 * 1024), b"c"]
    _multipart(s3, bucket, "paged", parts, ChecksumAlgorithm="CRC32")
    first = s3.get_object_attributes(
        Bucket=bucket, Key="paged", ObjectAttributes=["ObjectParts"], MaxParts=2
    )["ObjectParts"]
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2]
    assert (first["IsTruncated"], first["NextPartNumberMarker"], first["MaxParts"]) == (True, 2, 2)
    assert first["TotalPartsCount"] == 3
    rest = s3.get_object_attributes(
        Bucket=bucket, Key="paged", ObjectAttributes=["ObjectParts"], PartNumberMarker=2
    )["ObjectParts"]
    assert [p["ChecksumCRC32"] for p in rest["Parts"]] == [checksum_b64("CRC32", b"c")]
    assert (rest["IsTruncated"], rest["NextPartNumberMarker"]) == (False, 3)
    past = s3.get_object_attributes(
        Bucket=bucket, Key="paged", ObjectAttributes=["ObjectParts"], PartNumberMarker=5
    )["ObjectParts"]
    assert "Parts" not in past
    # no part past the marker: 0, not the marker (AWS: LocalStack's get-object-attrs-wrong-part)
    assert (past["IsTruncated"], past["NextPartNumberMarker"]) == (False, 0)
