"""CompleteMultipartUpload sent again: what S3 answers within its retention of completed uploads.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html asks clients to
retry a failed completion; what real S3 answers to the retry of one that had succeeded (200, the
same ETag, while the part list is the same) is recorded in adobe/S3Mock#2586 (a script run against
AWS) and minio/minio#13318 (boto3 against AWS); ceph/s3-tests#739 checks the ETag and checksum.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from api_helpers import raises_client_error
from botocore.client import BaseClient
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

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
    # the upload itself is finished: no parts, no listing entry, no abort
    with raises_client_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    with raises_client_error("NoSuchUpload", 404):
        s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


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
