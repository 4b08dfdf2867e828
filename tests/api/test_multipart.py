"""Multipart uploads over the wire: boto3's managed transfers, direct API calls, S3's rules.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Raw, assert_s3_error, etag_of, raises_client_error
from botocore.client import BaseClient
from stored_blobs import stored_blobs

from fakes3.server import Server

MiB = 1024 * 1024


def multipart_etag(parts: list[bytes]) -> str:
    """S3's ETag of a multipart object, computed independently of fakes3."""
    digests = b"".join(hashlib.md5(part).digest() for part in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


def upload_parts(
    s3: BaseClient, bucket: str, key: str, parts: dict[int, bytes], **create: Any
) -> tuple[str, list[dict[str, Any]]]:
    """Create an upload and upload ``parts`` (number -> bytes); returns the id and part list."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for number, data in parts.items():
        result = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
        )
        done.append({"PartNumber": number, "ETag": result["ETag"]})
    return upload_id, done


def complete(
    s3: BaseClient, bucket: str, key: str, upload_id: str, parts: list[dict[str, Any]], **kw: Any
) -> dict[str, Any]:
    result: dict[str, Any] = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, **kw
    )
    return result


def blob_count(server: Server) -> int:
    """Blobs the server's store holds (memory dict, spill files, or blob files and rows)."""
    blobs: Any = server.app.store.blobs  # type: ignore[attr-defined]
    blobs.flush()  # a big batch of freed blobs is deleted by a thread of its own
    if hasattr(blobs, "_blobs"):
        spilled = blob_count_in(blobs._spill.blob_dir) if blobs._spill is not None else 0
        return len(blobs._blobs) + spilled
    return len(stored_blobs(server.app.settings.data_dir))  # type: ignore[attr-defined]


def blob_count_in(root: str) -> int:
    return sum(len(files) for _dir, _subdirs, files in os.walk(root))


# Managed transfers ---------------------------------------------------------------------


def test_upload_file_and_download_file_across_the_multipart_threshold(
    s3: BaseClient, bucket: str, tmp_path: Path
) -> None:
    """boto3's defaults: 8 MiB threshold and parts, CRC32 per part, COMPOSITE object checksum."""
    data = os.urandom(20 * MiB + 17)
    source = tmp_path / "up.bin"
    source.write_bytes(data)
    s3.upload_file(str(source), bucket, "managed/big.bin")
    head = s3.head_object(Bucket=bucket, Key="managed/big.bin", ChecksumMode="ENABLED")
    cuts = [data[: 8 * MiB], data[8 * MiB : 16 * MiB], data[16 * MiB :]]
    assert head["ETag"] == multipart_etag(cuts)
    assert head["ContentLength"] == len(data)
    assert head["ChecksumType"] == "COMPOSITE"
    assert head["ChecksumCRC32"].endswith("-3")
    target = tmp_path / "down.bin"
    s3.download_file(bucket, "managed/big.bin", str(target))
    assert target.read_bytes() == data


def test_managed_upload_with_a_full_object_checksum_is_checked_by_s3(
    s3: BaseClient, bucket: str, tmp_path: Path
) -> None:
    """A full-object CRC given to upload_file makes s3transfer ask for FULL_OBJECT."""
    import base64
    import zlib

    data = os.urandom(9 * MiB)
    source = tmp_path / "full.bin"
    source.write_bytes(data)
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    s3.upload_file(str(source), bucket, "full.bin", ExtraArgs={"ChecksumCRC32": crc})
    head = s3.head_object(Bucket=bucket, Key="full.bin", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC32"], head["ChecksumType"]) == (crc, "FULL_OBJECT")
    assert s3.get_object(Bucket=bucket, Key="full.bin")["Body"].read() == data


# The object a completion makes ---------------------------------------------------------


def test_completed_object_has_the_multipart_etag_and_the_attributes_given_at_creation(
    s3: BaseClient, bucket: str
) -> None:
    first, last = os.urandom(5 * MiB), b"tail"
    upload_id, parts = upload_parts(
        s3,
        bucket,
        "doc.txt",
        {1: first, 2: last},
        ContentType="text/plain",
        Metadata={"team": "mp"},
        Tagging="a=1&b=2",
        StorageClass="STANDARD_IA",
        CacheControl="no-cache",
    )
    result = complete(s3, bucket, "doc.txt", upload_id, parts)
    assert result["ETag"] == multipart_etag([first, last])
    assert result["Key"] == "doc.txt" and result["Bucket"] == bucket
    assert result["Location"].endswith(f"/{bucket}/doc.txt")
    head = s3.head_object(Bucket=bucket, Key="doc.txt")
    assert head["ETag"] == result["ETag"]
    assert head["ContentType"] == "text/plain"
    assert head["Metadata"] == {"team": "mp"}
    assert head["StorageClass"] == "STANDARD_IA"
    assert head["CacheControl"] == "no-cache"
    tags = s3.get_object_tagging(Bucket=bucket, Key="doc.txt")["TagSet"]
    assert tags == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert s3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == first + last
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["ETag"], o["Size"]) for o in listed] == [
        ("doc.txt", result["ETag"], len(first) + 4)
    ]


def test_part_numbers_need_not_start_at_one_or_be_contiguous(s3: BaseClient, bucket: str) -> None:
    a, b, c = os.urandom(5 * MiB), os.urandom(5 * MiB + 3), b"end"
    upload_id, parts = upload_parts(s3, bucket, "gaps", {7: a, 42: b, 10000: c})
    complete(s3, bucket, "gaps", upload_id, parts)
    assert s3.get_object(Bucket=bucket, Key="gaps")["Body"].read() == a + b + c
    # partNumber on GET/HEAD counts the object's parts, whatever their upload numbers were
    second = s3.get_object(Bucket=bucket, Key="gaps", PartNumber=2)
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert second["PartsCount"] == 3
    assert second["ContentRange"] == f"bytes {len(a)}-{len(a) + len(b) - 1}/{len(a + b + c)}"
    assert second["Body"].read() == b
    head = s3.head_object(Bucket=bucket, Key="gaps", PartNumber=3)
    assert (head["ContentLength"], head["PartsCount"]) == (3, 3)
    with raises_client_error("InvalidPartNumber", 416):
        s3.get_object(Bucket=bucket, Key="gaps", PartNumber=4)


def test_a_part_uploaded_again_replaces_the_first(s3: BaseClient, bucket: str) -> None:
    upload_id, _parts = upload_parts(s3, bucket, "again", {1: b"first try"})
    second = s3.upload_part(
        Bucket=bucket, Key="again", UploadId=upload_id, PartNumber=1, Body=b"second"
    )
    listed = s3.list_parts(Bucket=bucket, Key="again", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == [(1, etag_of(b"second"), 6)]
    complete(s3, bucket, "again", upload_id, [{"PartNumber": 1, "ETag": second["ETag"]}])
    assert s3.get_object(Bucket=bucket, Key="again")["Body"].read() == b"second"


def test_parts_left_out_of_the_completion_are_discarded(
    s3: BaseClient, bucket: str, server: Server
) -> None:
    before = blob_count(server)
    upload_id, parts = upload_parts(s3, bucket, "some", {1: b"keep", 2: b"drop"})
    complete(s3, bucket, "some", upload_id, parts[:1])
    assert s3.get_object(Bucket=bucket, Key="some")["Body"].read() == b"keep"
    assert blob_count(server) == before + 1  # the object's blob only
    with raises_client_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="some", UploadId=upload_id)


def test_completion_replaces_an_existing_object(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    upload_id, parts = upload_parts(s3, bucket, "k", {1: b"new"})
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old"  # not yet
    complete(s3, bucket, "k", upload_id, parts)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"new"


def test_readers_see_the_old_object_or_the_new_one_never_a_mix(s3: BaseClient, bucket: str) -> None:
    old, new = b"o" * (6 * MiB), b"n" * (6 * MiB)
    s3.put_object(Bucket=bucket, Key="swap", Body=old)
    upload_id, parts = upload_parts(s3, bucket, "swap", {1: new[: 5 * MiB], 2: new[5 * MiB :]})
    seen: list[bytes] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(s3.get_object(Bucket=bucket, Key="swap")["Body"].read())

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        complete(s3, bucket, "swap", upload_id, parts)
        while not any(body == new for body in seen):  # readers go on until they see it
            seen.append(s3.get_object(Bucket=bucket, Key="swap")["Body"].read())
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert seen and all(body in (old, new) for body in seen)


# Bad part lists: the exact error, and the upload left as it was ---------------------------


@pytest.mark.parametrize("number", [0, 10001, -1])
def test_part_numbers_outside_1_to_10000_are_invalid(
    s3: BaseClient, bucket: str, number: int
) -> None:
    upload_id, _ = upload_parts(s3, bucket, "n", {})
    with raises_client_error("InvalidArgument", 400):
        s3.upload_part(Bucket=bucket, Key="n", UploadId=upload_id, PartNumber=number, Body=b"x")
    assert s3.list_parts(Bucket=bucket, Key="n", UploadId=upload_id).get("Parts", []) == []


def test_completing_with_a_part_never_uploaded_or_a_wrong_etag_is_invalid_part(
    s3: BaseClient, bucket: str
) -> None:
    upload_id, parts = upload_parts(s3, bucket, "p", {1: os.urandom(5 * MiB), 2: b"b"})
    with raises_client_error("InvalidPart", 400):
        complete(s3, bucket, "p", upload_id, [*parts, {"PartNumber": 3, "ETag": parts[0]["ETag"]}])
    with raises_client_error("InvalidPart", 400):
        complete(s3, bucket, "p", upload_id, [parts[0], {"PartNumber": 2, "ETag": etag_of(b"c")}])
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    assert len(s3.list_parts(Bucket=bucket, Key="p", UploadId=upload_id)["Parts"]) == 2
    complete(s3, bucket, "p", upload_id, parts)  # the upload is intact


def test_completing_with_parts_out_of_order_is_invalid_part_order(
    s3: BaseClient, bucket: str
) -> None:
    upload_id, parts = upload_parts(s3, bucket, "o", {1: os.urandom(5 * MiB), 2: b"b"})
    with raises_client_error("InvalidPartOrder", 400):
        complete(s3, bucket, "o", upload_id, [parts[1], parts[0]])
    with raises_client_error("InvalidPartOrder", 400):
        complete(s3, bucket, "o", upload_id, [parts[0], parts[0]])
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_small_parts_are_accepted_and_refused_only_at_completion(
    s3: BaseClient, bucket: str
) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html and
    ErrorResponses.html: EntityTooSmall, with the message AWS documents and the part's
    ProposedSize, MinSizeAllowed, PartNumber and unquoted ETag."""
    upload_id, parts = upload_parts(s3, bucket, "small", {1: b"a" * 100, 2: b"b"})
    with raises_client_error("EntityTooSmall", 400) as info:
        complete(s3, bucket, "small", upload_id, parts)
    error = info.value.response["Error"]
    assert error["Message"] == ("Your proposed upload is smaller than the minimum allowed size")
    assert (error["ProposedSize"], error["MinSizeAllowed"]) == ("100", str(5 * MiB))
    assert error["PartNumber"] == "1"
    assert error["ETag"] == parts[0]["ETag"].strip('"')
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    complete(s3, bucket, "small", upload_id, parts[1:])  # one small part alone is the last one
    assert s3.get_object(Bucket=bucket, Key="small")["Body"].read() == b"b"


@pytest.mark.parametrize(
    "body",
    [
        b"not xml",
        b"<CompleteMultipartUpload/>",
        b"<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part>"
        b"</CompleteMultipartUpload>",
        b"<Wrong><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Wrong>",
    ],
)
def test_malformed_completion_xml(s3: BaseClient, bucket: str, raw: Raw, body: bytes) -> None:
    upload_id, _ = upload_parts(s3, bucket, "x", {1: b"data"})
    response = raw("POST", f"/{bucket}/x?uploadId={upload_id}", data=body)
    assert_s3_error(response, "MalformedXML", 400)
    assert len(s3.list_parts(Bucket=bucket, Key="x", UploadId=upload_id)["Parts"]) == 1


def test_a_completion_without_a_body_names_what_is_missing(s3: BaseClient, bucket: str) -> None:
    """No body: the upload is looked up first (NoSuchUpload), then "You must specify at least
    one part" (LocalStack's validated test_multipart_no_such_upload and
    test_multipart_complete_multipart_too_small recorded both). Was MalformedXML."""
    with raises_client_error("NoSuchUpload", 404) as caught:
        s3.complete_multipart_upload(Bucket=bucket, Key="x", UploadId="fakeid")
    assert caught.value.response["Error"]["UploadId"] == "fakeid"
    upload_id, _ = upload_parts(s3, bucket, "x", {1: b"data"})
    with raises_client_error("InvalidRequest", 400) as caught:
        s3.complete_multipart_upload(Bucket=bucket, Key="x", UploadId=upload_id)
    assert caught.value.response["Error"]["Message"] == "You must specify at least one part"
    assert len(s3.list_parts(Bucket=bucket, Key="x", UploadId=upload_id)["Parts"]) == 1


def test_unknown_upload_ids_and_uploads_of_another_key_are_no_such_upload(
    s3: BaseClient, bucket: str
) -> None:
    upload_id, parts = upload_parts(s3, bucket, "mine", {1: b"x"})
    for key, uid in (("mine", "nope"), ("other", upload_id)):
        with raises_client_error("NoSuchUpload", 404):
            s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=1, Body=b"y")
        with raises_client_error("NoSuchUpload", 404):
            s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)
        with raises_client_error("NoSuchUpload", 404):
            complete(s3, bucket, key, uid, parts)
        with raises_client_error("NoSuchUpload", 404):
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)
    with raises_client_error("NoSuchBucket", 404):
        s3.create_multipart_upload(Bucket="no-such-bucket-here", Key="k")


def test_abort_leaves_nothing_behind(s3: BaseClient, bucket: str, server: Server) -> None:
    before = blob_count(server)
    upload_id, parts = upload_parts(s3, bucket, "gone", {1: b"a", 2: os.urandom(MiB)})
    assert blob_count(server) == before + 2
    s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=upload_id)
    assert blob_count(server) == before
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    with raises_client_error("NoSuchUpload", 404):
        complete(s3, bucket, "gone", upload_id, parts)
    # aborting again is done, 204 (Swift's s3api tests, written against AWS); an id never
    # issued, or the upload under another key, is still NoSuchUpload
    again = s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=upload_id)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_client_error("NoSuchUpload", 404):
        s3.abort_multipart_upload(Bucket=bucket, Key="other", UploadId=upload_id)
    with raises_client_error("NoSuchUpload", 404):
        s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=upload_id[::-1])


def test_reset_forgets_uploads_and_their_parts(s3: BaseClient, server: Server) -> None:
    s3.create_bucket(Bucket="reset-uploads")
    upload_id, _ = upload_parts(s3, "reset-uploads", "k", {1: b"a"})
    server.app.reset()  # type: ignore[attr-defined]
    assert blob_count(server) == 0
    s3.create_bucket(Bucket="reset-uploads")
    assert s3.list_multipart_uploads(Bucket="reset-uploads").get("Uploads", []) == []
    with raises_client_error("NoSuchUpload", 404):
        s3.list_parts(Bucket="reset-uploads", Key="k", UploadId=upload_id)
    s3.delete_bucket(Bucket="reset-uploads")


# Conditional completion ----------------------------------------------------------------


def test_if_none_match_star_completes_only_when_the_key_is_free(
    s3: BaseClient, bucket: str
) -> None:
    upload_id, parts = upload_parts(s3, bucket, "free", {1: b"first"})
    complete(s3, bucket, "free", upload_id, parts, IfNoneMatch="*")
    upload_id, parts = upload_parts(s3, bucket, "free", {1: b"second"})
    with raises_client_error("PreconditionFailed", 412):
        complete(s3, bucket, "free", upload_id, parts, IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="free")["Body"].read() == b"first"
    assert len(s3.list_parts(Bucket=bucket, Key="free", UploadId=upload_id)["Parts"]) == 1


def test_if_match_completes_only_over_the_named_etag(s3: BaseClient, bucket: str) -> None:
    current = s3.put_object(Bucket=bucket, Key="cas", Body=b"v1")["ETag"]
    upload_id, parts = upload_parts(s3, bucket, "cas", {1: b"v2"})
    with raises_client_error("PreconditionFailed", 412):
        complete(s3, bucket, "cas", upload_id, parts, IfMatch=etag_of(b"other"))
    complete(s3, bucket, "cas", upload_id, parts, IfMatch=current.strip('"'))  # unquoted is fine
    assert s3.get_object(Bucket=bucket, Key="cas")["Body"].read() == b"v2"
    upload_id, parts = upload_parts(s3, bucket, "absent", {1: b"x"})
    with raises_client_error("NoSuchKey", 404):
        complete(s3, bucket, "absent", upload_id, parts, IfMatch=current)


def test_deleting_a_bucket_drops_its_uploads_in_progress(s3: BaseClient, server: Server) -> None:
    before = blob_count(server)
    s3.create_bucket(Bucket="drop-uploads")
    upload_id, _ = upload_parts(s3, "drop-uploads", "k", {1: b"a"})
    s3.delete_bucket(Bucket="drop-uploads")
    assert blob_count(server) == before
    s3.create_bucket(Bucket="drop-uploads")  # a new bucket of that name starts empty
    assert s3.list_multipart_uploads(Bucket="drop-uploads").get("Uploads", []) == []
    with raises_client_error("NoSuchUpload", 404):
        s3.list_parts(Bucket="drop-uploads", Key="k", UploadId=upload_id)
    s3.delete_bucket(Bucket="drop-uploads")


def test_uploads_in_progress_survive_a_restart_of_a_data_dir_server(tmp_path: Path) -> None:
    from s3clients import client_for

    from fakes3.app import FakeS3
    from fakes3.settings import Settings

    settings = Settings(data_dir=str(tmp_path / "data"))
    first = os.urandom(5 * MiB)
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket="restart")
        upload_id, parts = upload_parts(s3, "restart", "k", {1: first, 2: b"tail"})
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket="restart")["Uploads"]] == [
            upload_id
        ]
        listed = s3.list_parts(Bucket="restart", Key="k", UploadId=upload_id)["Parts"]
        assert [(p["PartNumber"], p["ETag"]) for p in listed] == [
            (p["PartNumber"], p["ETag"]) for p in parts
        ]
        complete(s3, "restart", "k", upload_id, parts)
        assert s3.get_object(Bucket="restart", Key="k")["Body"].read() == first + b"tail"
        assert s3.head_object(Bucket="restart", Key="k", PartNumber=2)["ContentLength"] == 4


def test_parts_uploaded_concurrently_are_all_kept(s3: BaseClient, bucket: str) -> None:
    upload_id, _ = upload_parts(s3, bucket, "many", {})
    errors: list[BaseException] = []

    def send(first: int) -> None:
        try:
            for number in range(first, first + 5):
                s3.upload_part(
                    Bucket=bucket,
                    Key="many",
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=b"%d" % number,
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(1 + 5 * i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    pages = s3.get_paginator("list_parts").paginate(Bucket=bucket, Key="many", UploadId=upload_id)
    listed = [(p["PartNumber"], p["ETag"]) for page in pages for p in page["Parts"]]
    assert listed == [(n, etag_of(b"%d" % n)) for n in range(1, 41)]
    s3.abort_multipart_upload(Bucket=bucket, Key="many", UploadId=upload_id)


def test_racing_conditional_completions_to_one_key_have_exactly_one_winner(
    s3: BaseClient, bucket: str
) -> None:
    """Each loser gets 412 (the key was taken when it arrived) or 409 (taken while it was being
    assembled); the object is the winner's, whole."""
    from botocore.exceptions import ClientError

    uploads = [upload_parts(s3, bucket, "race", {1: b"writer %d" % i}) for i in range(8)]
    outcomes: dict[int, str] = {}
    barrier = threading.Barrier(len(uploads))

    def finish(i: int) -> None:
        upload_id, parts = uploads[i]
        barrier.wait()
        try:
            complete(s3, bucket, "race", upload_id, parts, IfNoneMatch="*")
            outcomes[i] = "won"
        except ClientError as error:
            outcomes[i] = error.response["Error"]["Code"]

    threads = [threading.Thread(target=finish, args=(i,)) for i in range(len(uploads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [i for i, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    losers = {outcome for outcome in outcomes.values() if outcome != "won"}
    assert losers <= {"PreconditionFailed", "ConditionalRequestConflict"}
    assert s3.get_object(Bucket=bucket, Key="race")["Body"].read() == b"writer %d" % winners[0]
    remaining = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert len(remaining) == len(uploads) - 1  # a failed completion leaves its upload
    for upload in remaining:
        s3.abort_multipart_upload(Bucket=bucket, Key="race", UploadId=upload["UploadId"])


def test_a_copy_of_a_multipart_object_is_a_single_part_object(s3: BaseClient, bucket: str) -> None:
    """S3 gives an object made by CopyObject its data's MD5 as ETag, whatever the source."""
    part = b"p" * (5 * 1024 * 1024)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etags = [
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=n, Body=part)["ETag"]
        for n in (1, 2)
    ]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload,
        MultipartUpload={
            "Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), etags, strict=True)]
        },
    )
    assert s3.head_object(Bucket=bucket, Key="mp")["ETag"].endswith('-2"')
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "mp"})
    assert copied["CopyObjectResult"]["ETag"] == etag_of(part + part)
    head = s3.head_object(Bucket=bucket, Key="copy", ChecksumMode="ENABLED")
    assert head["ETag"] == etag_of(part + part)
    assert head.get("ChecksumType") == "FULL_OBJECT"
    with raises_client_error("416", 416):  # HEAD errors have no body: the status is the code
        s3.head_object(Bucket=bucket, Key="copy", PartNumber=2)
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == part + part
