"""CompleteMultipartUpload: a retry of one that succeeded, and the part lists S3 refuses.

Sent again: what S3 answers within its retention of completed uploads.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html asks clients to
retry a failed completion; what real S3 answers to the retry of one that had succeeded (200, the
same ETag, while the part list is the same) is recorded in adobe/S3Mock#2586 (a script run against
AWS) and minio/minio#13318 (boto3 against AWS); ceph/s3-tests#739 checks the ETag and checksum.
"""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Raw, assert_s3_error, etag_of, raises_client_error
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store.clock import ManualClock

MiB = 1024 * 1024


def _upload(s3: BaseClient, bucket: str, key: str, parts: list[bytes], **create: Any) -> Any:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        etag = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
        )["ETag"]
        done.append({"PartNumber": number, "ETag": etag})
    return upload_id, done


def _complete(s3: BaseClient, bucket: str, key: str, upload_id: str, parts: Any, **kw: Any) -> Any:
    result = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, **kw
    )
    result.pop("ResponseMetadata")
    return result


def test_a_retried_completion_gets_the_first_answer_again(s3: BaseClient, bucket: str) -> None:
    parts = [os.urandom(5 * MiB), b"tail"]
    upload_id, done = _upload(
        s3, bucket, "k", parts, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )
    first = _complete(s3, bucket, "k", upload_id, done)
    again = _complete(s3, bucket, "k", upload_id, done)
    assert again == first
    assert first["ETag"].endswith('-2"') and first["ChecksumType"] == "FULL_OBJECT"
    assert "ChecksumCRC32" in first
    # If-None-Match: * does not fail the retry: the object there is the one it wrote
    assert _complete(s3, bucket, "k", upload_id, done, IfNoneMatch="*") == first
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"".join(parts)
    # the upload itself is finished: no parts, no listing entry; an abort is done, 204
    # (Swift's s3api tests, written against AWS)
    with raises_client_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    aborted = s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert _complete(s3, bucket, "k", upload_id, done) == first  # still the same answer
    # once the object it made is deleted, S3 no longer answers for the upload
    s3.delete_object(Bucket=bucket, Key="k")
    with raises_client_error("NoSuchUpload", 404):
        _complete(s3, bucket, "k", upload_id, done)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_a_completion_of_a_finished_upload_with_other_parts_is_no_such_upload(
    s3: BaseClient, bucket: str
) -> None:
    upload_id, done = _upload(s3, bucket, "k", [os.urandom(5 * MiB), b"tail"])
    _complete(s3, bucket, "k", upload_id, done)
    with raises_client_error("NoSuchUpload", 404):
        _complete(s3, bucket, "k", upload_id, done[:1])
    with raises_client_error("NoSuchUpload", 404):
        _complete(s3, bucket, "other-key", upload_id, done)
    with raises_client_error("NoSuchUpload", 404):  # an aborted upload is not replayed
        aborted, parts = _upload(s3, bucket, "gone", [b"x"])
        s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=aborted)
        _complete(s3, bucket, "gone", aborted, parts)


def test_completions_racing_each_other_both_succeed_with_one_object(
    s3: BaseClient, bucket: str
) -> None:
    """Two copies of the same request in flight (a retry sent before the first answered): one
    assembles the object, the other answers as a retry; no error, no second version."""
    upload_id, done = _upload(s3, bucket, "race", [os.urandom(5 * MiB), os.urandom(MiB)])
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(_complete(s3, bucket, "race", upload_id, done))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 3 and results[0] == results[1] == results[2]
    assert s3.head_object(Bucket=bucket, Key="race")["ETag"] == results[0]["ETag"]


def test_a_bucket_deleted_and_made_again_forgets_its_completions(s3: BaseClient) -> None:
    s3.create_bucket(Bucket="retry-forget")
    upload_id, done = _upload(s3, "retry-forget", "k", [b"x"])
    _complete(s3, "retry-forget", "k", upload_id, done)
    s3.delete_object(Bucket="retry-forget", Key="k")
    s3.delete_bucket(Bucket="retry-forget")
    s3.create_bucket(Bucket="retry-forget")
    with raises_client_error("NoSuchUpload", 404):
        _complete(s3, "retry-forget", "k", upload_id, done)
    s3.delete_bucket(Bucket="retry-forget")


def test_completions_are_remembered_in_memory_only(tmp_path: Path) -> None:
    """A documented difference: a restarted data-dir server no longer knows finished uploads."""
    settings = Settings(data_dir=str(tmp_path / "data"))
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="restart")
        upload_id, done = _upload(s3, "restart", "k", [b"x"])
        _complete(s3, "restart", "k", upload_id, done)
        assert _complete(s3, "restart", "k", upload_id, done)["Key"] == "k"
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        with raises_client_error("NoSuchUpload", 404):
            _complete(s3, "restart", "k", upload_id, done)
        assert s3.get_object(Bucket="restart", Key="k")["Body"].read() == b"x"


# Part lists S3 refuses ----------------------------------------------------------------------


def test_a_part_number_below_one_is_invalid_argument(s3: BaseClient, bucket: str) -> None:
    """S3's answer recorded in versity/versitygw#1072 (aws s3api against S3): InvalidArgument
    "PartNumber must be >= 1", before the part list is looked at any further."""
    upload_id, done = _upload(s3, bucket, "k", [b"x"])
    for number in (0, -4):
        with raises_client_error("InvalidArgument", 400) as info:
            _complete(s3, bucket, "k", upload_id, [{"PartNumber": number, "ETag": done[0]["ETag"]}])
        assert info.value.response["Error"]["Message"] == "PartNumber must be >= 1"
    _complete(s3, bucket, "k", upload_id, done)  # the upload is intact


def test_a_part_number_above_10000_is_a_part_never_uploaded(s3: BaseClient, bucket: str) -> None:
    """No part above 10000 can exist (UploadPart refuses it), so S3 finds no such part."""
    upload_id, done = _upload(s3, bucket, "k", [b"x"])
    with raises_client_error("InvalidPart", 400) as info:
        _complete(s3, bucket, "k", upload_id, [*done, {"PartNumber": 10001, "ETag": '"0a"'}])
    error = info.value.response["Error"]
    assert (error["PartNumber"], error["ETag"], error["UploadId"]) == ("10001", "0a", upload_id)
    # the message as S3 sends it, two spaces after the first sentence (as versitygw, which
    # checks its messages against S3, has it; the API reference words it otherwise)
    assert error["Message"] == (
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag."
    )


@pytest.mark.parametrize("order", [[2, 1], [1, 1], [1, 3, 2]])
def test_parts_out_of_order_or_repeated_are_invalid_part_order(
    s3: BaseClient, bucket: str, raw: Raw, order: list[int]
) -> None:
    """API_CompleteMultipartUpload.html, InvalidPartOrder: "The list of parts was not in
    ascending order. The parts list must be specified in order by part number." A part named
    twice is not ascending either. Sent as raw XML: the order is the client's, not boto3's."""
    upload_id, done = _upload(s3, bucket, "k", [os.urandom(5 * MiB), os.urandom(5 * MiB), b"z"])
    etags = {part["PartNumber"]: part["ETag"] for part in done}
    body = "".join(
        f"<Part><PartNumber>{n}</PartNumber><ETag>{etags[n]}</ETag></Part>" for n in order
    )
    response = raw(
        "POST",
        f"/{bucket}/k?uploadId={upload_id}",
        data=f"<CompleteMultipartUpload>{body}</CompleteMultipartUpload>".encode(),
    )
    fields = assert_s3_error(response, "InvalidPartOrder", 400)
    # AWS's words and fields (LocalStack's validated complete-multipart-unordered)
    assert fields["Message"] == (
        "The list of parts was not in ascending order. Parts must be ordered by part number."
    )
    assert fields["UploadId"] == upload_id
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]


def test_a_part_uploaded_again_while_the_first_is_in_flight_keeps_the_last_one(
    s3: BaseClient, bucket: str
) -> None:
    """API_UploadPart.html: a part uploaded again under the same number replaces the first;
    the completion must name the ETag of the copy that finished last, any other is InvalidPart."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    bodies = [os.urandom(MiB) for _ in range(4)]
    etags: list[str] = []
    lock = threading.Lock()

    def send(data: bytes) -> None:
        etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=data)[
            "ETag"
        ]
        with lock:
            etags.append(etag)

    threads = [threading.Thread(target=send, args=(data,)) for data in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
    assert len(listed) == 1 and listed[0]["ETag"] in etags
    kept = listed[0]["ETag"]
    for etag in set(etags) - {kept}:
        with raises_client_error("InvalidPart", 400):
            _complete(s3, bucket, "k", upload_id, [{"PartNumber": 1, "ETag": etag}])
    _complete(s3, bucket, "k", upload_id, [{"PartNumber": 1, "ETag": kept}])
    assert s3.get_object(Bucket=bucket, Key="k")["ETag"] != kept  # "<md5 of md5s>-1"
    body = s3.get_object(Bucket=bucket, Key="k")["Body"].read()
    assert body in bodies and etag_of(body) == kept


# partNumber on GET / HEAD -------------------------------------------------------------------


def test_part_numbers_an_object_does_not_have(s3: BaseClient, bucket: str, raw: Raw) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (partNumber): an
    object from a single PUT is one part, read whole by partNumber=1 (206); a number past the
    object's part count is 416 InvalidPartNumber with PartNumberRequested and ActualPartCount
    (HEAD: the status alone, as every HEAD error)."""
    s3.put_object(Bucket=bucket, Key="plain", Body=b"0123456789")
    whole = s3.get_object(Bucket=bucket, Key="plain", PartNumber=1)
    assert whole["Body"].read() == b"0123456789"
    assert whole["ContentRange"] == "bytes 0-9/10" and "PartsCount" not in whole
    response = raw("GET", f"/{bucket}/plain?partNumber=2")
    fields = assert_s3_error(response, "InvalidPartNumber", 416)
    assert fields["Message"] == "The requested partnumber is not satisfiable"
    assert (fields["PartNumberRequested"], fields["ActualPartCount"]) == ("2", "1")
    assert raw("HEAD", f"/{bucket}/plain?partNumber=2").status_code == 416
    upload_id, done = _upload(s3, bucket, "mp", [os.urandom(5 * MiB), b"tail"])
    _complete(s3, bucket, "mp", upload_id, done)
    fields = assert_s3_error(raw("GET", f"/{bucket}/mp?partNumber=3"), "InvalidPartNumber", 416)
    assert (fields["PartNumberRequested"], fields["ActualPartCount"]) == ("3", "2")
    assert raw("HEAD", f"/{bucket}/mp?partNumber=3").status_code == 416
    assert s3.head_object(Bucket=bucket, Key="mp", PartNumber=2)["PartsCount"] == 2


# S3 orders writes by when they began, and dates a multipart object by its upload's start
# (Swift's s3api tests, test/s3api/test_mpu.py, written against AWS).


@pytest.fixture
def bucket_on_clock(cs3: BaseClient) -> str:
    name = f"dated-{uuid.uuid4().hex[:16]}"
    cs3.create_bucket(Bucket=name)
    return name


def test_a_multipart_object_is_dated_by_its_upload_s_start(
    cs3: BaseClient, store_clock: ManualClock, bucket_on_clock: str
) -> None:
    upload_id, done = _upload(cs3, bucket_on_clock, "dated", [b"part"])
    initiated = cs3.list_multipart_uploads(Bucket=bucket_on_clock)["Uploads"][0]["Initiated"]
    store_clock.advance(3600)
    _complete(cs3, bucket_on_clock, "dated", upload_id, done)
    head = cs3.head_object(Bucket=bucket_on_clock, Key="dated")
    assert head["LastModified"] == initiated
    listed = cs3.list_objects_v2(Bucket=bucket_on_clock)["Contents"][0]
    assert listed["LastModified"] == initiated


def test_a_write_or_delete_since_the_upload_began_outlives_its_completion(
    s3: BaseClient, bucket: str
) -> None:
    """Without versioning: the completion answers 200, the newer state stays."""
    upload_id, done = _upload(s3, bucket, "put-after", [b"older upload"])
    newer = s3.put_object(Bucket=bucket, Key="put-after", Body=b"")["ETag"]
    _complete(s3, bucket, "put-after", upload_id, done)
    head = s3.head_object(Bucket=bucket, Key="put-after")
    assert (head["ETag"], head["ContentLength"]) == (newer, 0)
    upload_id, done = _upload(s3, bucket, "deleted-after", [b"older upload"])
    s3.delete_object(Bucket=bucket, Key="deleted-after")
    _complete(s3, bucket, "deleted-after", upload_id, done)
    with raises_client_error("404", 404):
        s3.head_object(Bucket=bucket, Key="deleted-after")
    older_id, older_parts = _upload(s3, bucket, "two-uploads", [b"older"])
    newer_id, newer_parts = _upload(s3, bucket, "two-uploads", [os.urandom(5 * MiB), b"newer"])
    newer_done = _complete(s3, bucket, "two-uploads", newer_id, newer_parts)
    _complete(s3, bucket, "two-uploads", older_id, older_parts)
    assert s3.head_object(Bucket=bucket, Key="two-uploads")["ETag"] == newer_done["ETag"]
