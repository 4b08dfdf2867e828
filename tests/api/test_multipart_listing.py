"""ListParts, ListMultipartUploads and UploadPartCopy over the wire.

References: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from api_helpers import (
    Raw,
    assert_s3_error,
    etag_of,
    find_all_text,
    find_text,
    raises_client_error,
    xml_root,
)
from botocore.client import BaseClient

from fakes3.operations.context import DEFAULT_OWNER

MiB = 1024 * 1024
OWNER = {"ID": DEFAULT_OWNER["ID"], "DisplayName": DEFAULT_OWNER["DisplayName"]}


def test_list_parts_pages_with_max_parts_and_part_number_marker(
    s3: BaseClient, bucket: str
) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k", StorageClass="STANDARD_IA")[
        "UploadId"
    ]
    numbers = [2, 3, 5, 8, 13]
    for number in numbers:
        s3.upload_part(
            Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=b"p%d" % number
        )
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [2, 3]
    assert page["IsTruncated"] is True
    assert (page["PartNumberMarker"], page["NextPartNumberMarker"], page["MaxParts"]) == (0, 3, 2)
    assert page["Owner"] == OWNER and page["Initiator"] == OWNER
    assert page["StorageClass"] == "STANDARD_IA"
    assert page["Parts"][0]["ETag"] == etag_of(b"p2")
    assert page["Parts"][0]["Size"] == 2
    rest = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, PartNumberMarker=3)
    assert [p["PartNumber"] for p in rest["Parts"]] == [5, 8, 13]
    assert rest["IsTruncated"] is False and rest["NextPartNumberMarker"] == 13
    paginated = [
        part["PartNumber"]
        for page in s3.get_paginator("list_parts").paginate(
            Bucket=bucket, Key="k", UploadId=upload_id, PaginationConfig={"PageSize": 2}
        )
        for part in page.get("Parts", [])
    ]
    assert paginated == numbers
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


def create(s3: BaseClient, bucket: str, key: str) -> str:
    upload_id: str = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    return upload_id


def test_uploads_are_listed_by_key_then_initiation(s3: BaseClient, bucket: str) -> None:
    ids = {key: [] for key in ("b", "a", "c")}  # type: dict[str, list[str]]
    for key in ("b", "a", "b", "c", "a"):
        ids[key].append(create(s3, bucket, key))
    listing = s3.list_multipart_uploads(Bucket=bucket)
    got = [(u["Key"], u["UploadId"]) for u in listing["Uploads"]]
    assert got == [(k, uid) for k in ("a", "b", "c") for uid in ids[k]]
    first = listing["Uploads"][0]
    assert first["Owner"] == OWNER and first["Initiator"] == OWNER
    assert first["StorageClass"] == "STANDARD"
    now = datetime.now(timezone.utc)
    assert now - timedelta(minutes=5) < first["Initiated"] <= now + timedelta(seconds=1)
    assert listing["IsTruncated"] is False
    # pages of two, resumed by key-marker and upload-id-marker, add up to the whole listing
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert [(u["Key"], u["UploadId"]) for u in page["Uploads"]] == got[:2]
    assert page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == got[1]
    after = s3.list_multipart_uploads(
        Bucket=bucket, KeyMarker="b", UploadIdMarker=ids["b"][0], MaxUploads=2
    )
    assert [(u["Key"], u["UploadId"]) for u in after["Uploads"]] == got[3:5]
    # an upload-id-marker naming an upload of another key is refused (AWS: LocalStack's
    # validated list-multiparts-wrong-id-for-key); an unknown one is just a place, so a
    # paginator whose last upload was aborted goes on
    with raises_client_error("InvalidArgument", 400) as caught:
        s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b", UploadIdMarker=ids["a"][0])
    error = caught.value.response["Error"]
    assert (error["Message"], error["ArgumentName"], error["ArgumentValue"]) == (
        "Invalid uploadId marker",
        "upload-id-marker",
        ids["a"][0],
    )
    s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b", UploadIdMarker="gone-or-never")
    # key-marker alone: only keys after it
    assert [
        u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b")["Uploads"]
    ] == ["c"]
    paginated = [
        (u["Key"], u["UploadId"])
        for page in s3.get_paginator("list_multipart_uploads").paginate(
            Bucket=bucket, PaginationConfig={"PageSize": 2}
        )
        for u in page.get("Uploads", [])
    ]
    assert paginated == got
    for key, uids in ids.items():
        for uid in uids:
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)


def test_list_uploads_with_prefix_and_delimiter_rolls_keys_up(s3: BaseClient, bucket: str) -> None:
    keys = ["photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg", "x"]
    made = [(key, create(s3, bucket, key)) for key in keys]
    listing = s3.list_multipart_uploads(Bucket=bucket, Prefix="photos/", Delimiter="/")
    assert [u["Key"] for u in listing["Uploads"]] == ["photos/top.jpg"]
    assert [p["Prefix"] for p in listing["CommonPrefixes"]] == ["photos/2024/", "photos/2025/"]
    assert (listing["Prefix"], listing["Delimiter"]) == ("photos/", "/")
    # common prefixes count toward max-uploads, and a page can end on one
    page = s3.list_multipart_uploads(Bucket=bucket, Prefix="photos/", Delimiter="/", MaxUploads=1)
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["photos/2024/"]
    # ...and then, as AWS does (LocalStack's validated list-multiparts-start), it names no
    # next marker: a client resumes from the last common prefix itself.
    assert page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == ("", "")
    resumed = s3.list_multipart_uploads(
        Bucket=bucket, Prefix="photos/", Delimiter="/", KeyMarker="photos/2024/"
    )
    assert [p["Prefix"] for p in resumed["CommonPrefixes"]] == ["photos/2025/"]
    assert [u["Key"] for u in resumed["Uploads"]] == ["photos/top.jpg"]
    for key, uid in made:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)


def test_list_uploads_with_encoding_type_url(s3: BaseClient, bucket: str, raw: Raw) -> None:
    uid = create(s3, bucket, "dir one/file+1.txt")
    response = raw("GET", f"/{bucket}?uploads&encoding-type=url&delimiter=%2F")
    root = xml_root(response)
    assert find_text(root, "EncodingType") == "url"
    assert find_all_text(root, "CommonPrefixes/Prefix") == ["dir%20one/"]
    response = raw("GET", f"/{bucket}?uploads&encoding-type=url")
    assert find_all_text(xml_root(response), "Upload/Key") == ["dir%20one/file%2B1.txt"]
    decoded = s3.list_multipart_uploads(Bucket=bucket)  # boto3 asks for url and decodes
    assert [u["Key"] for u in decoded["Uploads"]] == ["dir one/file+1.txt"]
    s3.abort_multipart_upload(Bucket=bucket, Key="dir one/file+1.txt", UploadId=uid)


@pytest.mark.parametrize("limit", ["-1", "abc"])
def test_bad_max_uploads_and_max_parts_are_invalid_argument(
    s3: BaseClient, bucket: str, raw: Raw, limit: str
) -> None:
    uid = create(s3, bucket, "k")
    for path in (
        f"/{bucket}?uploads&max-uploads={limit}",
        f"/{bucket}/k?uploadId={uid}&max-parts={limit}",
    ):
        response = raw("GET", path)
        assert_s3_error(response, "InvalidArgument", 400)
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=uid)


# UploadPartCopy -------------------------------------------------------------------------


def test_upload_part_copy_whole_objects_and_ranges(s3: BaseClient, bucket: str) -> None:
    source = os.urandom(6 * MiB)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    upload_id = create(s3, bucket, "dst")
    whole = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1, CopySource=f"{bucket}/src"
    )["CopyPartResult"]
    assert whole["ETag"] == etag_of(source)
    ranged = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=upload_id,
        PartNumber=2,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange="bytes=10-1033",
    )["CopyPartResult"]
    assert ranged["ETag"] == etag_of(source[10:1034])
    parts = [{"PartNumber": 1, "ETag": whole["ETag"]}, {"PartNumber": 2, "ETag": ranged["ETag"]}]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="dst", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == source + source[10:1034]


def test_upload_part_copy_of_a_multipart_object_range(s3: BaseClient, bucket: str) -> None:
    first, second = os.urandom(5 * MiB), os.urandom(1000)
    uid = create(s3, bucket, "mp")
    etags = [
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=n, Body=d)["ETag"]
        for n, d in ((1, first), (2, second))
    ]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
    )
    target = create(s3, bucket, "copy")
    span = f"bytes={5 * MiB - 10}-{5 * MiB + 9}"
    result = s3.upload_part_copy(
        Bucket=bucket,
        Key="copy",
        UploadId=target,
        PartNumber=1,
        CopySource=f"{bucket}/mp",
        CopySourceRange=span,
    )["CopyPartResult"]
    expected = (first + second)[5 * MiB - 10 : 5 * MiB + 10]
    assert result["ETag"] == etag_of(expected)
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="copy",
        UploadId=target,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": result["ETag"]}]},
    )
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == expected


PAST_THE_END = "Range specified is not valid for source object of size: 5"
STARTS_PAST = "The specified copy range is invalid for the source object size"
MALFORMED = "The x-amz-copy-source-range value"


@pytest.mark.parametrize(
    ("span", "message"),
    [("bytes=0-5", PAST_THE_END), ("bytes=4-9", PAST_THE_END)]
    + [(span, STARTS_PAST) for span in ("bytes=5-5", "bytes=100-200")]
    + [
        (span, MALFORMED)
        for span in (
            "0-2",
            "bytes=0",
            "bytes=-3",
            "bytes=a-b",
            "bytes=0-1,2-3",
            "bytes=3-2",
            "bytes=1-",
            "bytes=-0",
            "bytes=-",
            "bytes=0--1",
        )
    ],
)
def test_bad_copy_ranges_are_invalid_argument_and_store_nothing(
    s3: BaseClient, bucket: str, span: str, message: str
) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html (bytes=first-last):
    what AWS answered for these forms is recorded in LocalStack's AWS-validated snapshot
    (test_s3_api.py::test_upload_part_copy_range): a reversed range is the form error, a
    well-formed one that ends past the end names the source's size, one that starts past it
    is InvalidRequest."""
    s3.put_object(Bucket=bucket, Key="five", Body=b"12345")
    uid = create(s3, bucket, "dst")
    code = "InvalidRequest" if message == STARTS_PAST else "InvalidArgument"
    with raises_client_error(code, 400) as info:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="dst",
            UploadId=uid,
            PartNumber=1,
            CopySource=f"{bucket}/five",
            CopySourceRange=span,
        )
    assert info.value.response["Error"]["Message"].startswith(message)
    assert s3.list_parts(Bucket=bucket, Key="dst", UploadId=uid).get("Parts", []) == []


def test_upload_part_copy_source_conditions_and_missing_sources(
    s3: BaseClient, bucket: str
) -> None:
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"data")["ETag"]
    uid = create(s3, bucket, "dst")
    common = {"Bucket": bucket, "Key": "dst", "UploadId": uid, "CopySource": f"{bucket}/src"}
    with raises_client_error("PreconditionFailed", 412):
        s3.upload_part_copy(PartNumber=1, CopySourceIfMatch=etag_of(b"other"), **common)
    with raises_client_error("PreconditionFailed", 412):
        s3.upload_part_copy(PartNumber=1, CopySourceIfNoneMatch=etag, **common)
    assert s3.list_parts(Bucket=bucket, Key="dst", UploadId=uid).get("Parts", []) == []
    future = datetime.now(timezone.utc) + timedelta(days=1)  # ignored, as CopyObject does
    ok = s3.upload_part_copy(PartNumber=1, CopySourceIfModifiedSince=future, **common)
    assert ok["CopyPartResult"]["ETag"] == etag
    ok = s3.upload_part_copy(PartNumber=1, CopySourceIfMatch=etag, **common)
    assert ok["CopyPartResult"]["ETag"] == etag
    with raises_client_error("NoSuchKey", 404):
        s3.upload_part_copy(**{**common, "CopySource": f"{bucket}/missing"}, PartNumber=2)
    with raises_client_error("InvalidArgument", 400):
        s3.upload_part_copy(PartNumber=0, **common)
    with raises_client_error("NoSuchUpload", 404):
        s3.upload_part_copy(**{**common, "UploadId": "nope"}, PartNumber=1)


def test_list_uploads_always_names_its_next_markers(s3: BaseClient, bucket: str) -> None:
    """Present on every page: empty when no upload is listed, otherwise the last upload,
    truncated or not (AWS: LocalStack's validated list-multiparts-empty and -all)."""
    empty = s3.list_multipart_uploads(Bucket=bucket)
    assert (empty["NextKeyMarker"], empty["NextUploadIdMarker"]) == ("", "")
    made = [(key, create(s3, bucket, key)) for key in ("b", "a")]
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert listed["IsTruncated"] is False
    assert (listed["NextKeyMarker"], listed["NextUploadIdMarker"]) == ("b", made[0][1])
    for key, uid in made:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)


def test_list_parts_reads_empty_markers_as_absent(s3: BaseClient, bucket: str, raw: Raw) -> None:
    """AWS answers ListParts with its defaults for an empty part-number-marker or max-parts
    (LocalStack's validated test_list_parts_empty_part_number_marker)."""
    uid = create(s3, bucket, "k")
    s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"test")
    for query in ("part-number-marker=", "max-parts=", "part-number-marker=&max-parts="):
        response = raw("GET", f"/{bucket}/k?uploadId={uid}&{query}")
        assert response.status_code == 200, response.text
        root = xml_root(response)
        assert find_text(root, "PartNumberMarker") == "0"
        assert find_text(root, "MaxParts") == "1000"
        assert find_all_text(root, "Part/PartNumber") == ["1"]
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=uid)


def test_uploads_without_an_algorithm_list_no_part_checksums(s3: BaseClient, bucket: str) -> None:
    """An upload that named no checksum algorithm: ListParts and UploadPartCopy show no
    checksum (AWS: LocalStack's validated list-parts-all and test_upload_part_copy_range),
    though the completed object still gets S3's default full-object CRC64NVME."""
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    uid = create(s3, bucket, "dst")
    copied = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=uid, PartNumber=1, CopySource=f"{bucket}/src"
    )["CopyPartResult"]
    assert set(copied) == {"ETag", "LastModified"}
    listed = s3.list_parts(Bucket=bucket, Key="dst", UploadId=uid)
    assert "ChecksumAlgorithm" not in listed and "ChecksumType" not in listed
    assert set(listed["Parts"][0]) == {"PartNumber", "LastModified", "ETag", "Size"}
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="dst",
        UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["ETag"]}]},
    )
    assert done["ChecksumType"] == "FULL_OBJECT" and "ChecksumCRC64NVME" in done
