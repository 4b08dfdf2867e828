"""Server-side encryption through a live server with boto3: bucket default encryption,
SSE-S3 / SSE-KMS / DSSE-KMS on every write, and SSE-C enforced (over HTTPS, as S3 wants).

References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from api_helpers import Raw, assert_s3_error, client_for, raises_client_error, unique_bucket_name
from botocore.client import BaseClient
from stored_blobs import stored_blobs

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

KEY = os.urandom(32)
OTHER_KEY = os.urandom(32)
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}
OTHER = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": OTHER_KEY}
SOURCE_C = {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": KEY}
DEFAULT_KEY_ARN = re.compile(r"arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f-]{36}")
KMS_RULE = {
    "Rules": [
        {
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": "1234abcd-12ab-34cd-56ef-1234567890ab",
            },
            "BucketKeyEnabled": True,
        }
    ]
}
SSE_S3_RULE = {
    "Rules": [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }
    ]
}


def _md5(key: bytes) -> str:
    return base64.b64encode(hashlib.md5(key).digest()).decode()


def _absent(s3: BaseClient, bucket: str, key: str) -> None:
    with raises_client_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)


def _encryption(s3: BaseClient, bucket: str) -> Any:
    return s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]


# Bucket default encryption -------------------------------------------------------------------


def test_new_bucket_answers_sse_s3_and_delete_resets_to_it(s3: BaseClient, bucket: str) -> None:
    assert _encryption(s3, bucket) == SSE_S3_RULE
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=KMS_RULE)
    assert _encryption(s3, bucket) == KMS_RULE
    s3.delete_bucket_encryption(Bucket=bucket)
    assert _encryption(s3, bucket) == SSE_S3_RULE
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ServerSideEncryption"] == "AES256"


def test_bucket_default_applies_to_writes_that_name_none(s3: BaseClient, bucket: str) -> None:
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=KMS_RULE)
    arn = "arn:aws:kms:us-east-1:{}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["BucketKeyEnabled"] is True
    account = put["SSEKMSKeyId"].split(":")[4]
    assert put["SSEKMSKeyId"] == arn.format(account)
    for answer in (s3.head_object(Bucket=bucket, Key="k"), s3.get_object(Bucket=bucket, Key="k")):
        assert answer["ServerSideEncryption"] == "aws:kms"
        assert answer["SSEKMSKeyId"] == put["SSEKMSKeyId"]
        assert answer["BucketKeyEnabled"] is True
    # A write that names an encryption gets it, not the default.
    own = s3.put_object(Bucket=bucket, Key="s3", Body=b"x", ServerSideEncryption="AES256")
    assert own["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in own
    copy = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/s3")
    assert copy["ServerSideEncryption"] == "aws:kms"  # the destination bucket's default
    # With a default configured, a copy onto itself re-encrypts, so S3 allows it.
    in_place = s3.copy_object(Bucket=bucket, Key="s3", CopySource=f"{bucket}/s3")
    assert in_place["ServerSideEncryption"] == "aws:kms"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")
    assert upload["ServerSideEncryption"] == "aws:kms"
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload["UploadId"])


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES512"}}], "MalformedXML"),
        (
            [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "AES256",
                        "KMSMasterKeyID": "some-key",
                    }
                }
            ],
            "InvalidArgument",
        ),
        ([{"BucketKeyEnabled": True}], "MalformedXML"),
        (
            [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}},
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}},
            ],
            "MalformedXML",
        ),
        (
            [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                    "BlockedEncryptionTypes": {"EncryptionType": ["SSE-KMS"]},
                }
            ],
            "MalformedXML",
        ),
    ],
)
def test_bad_configuration_is_refused_and_keeps_the_previous(
    s3: BaseClient, bucket: str, rules: list[Any], code: str
) -> None:
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=KMS_RULE)
    with raises_client_error(code, 400):
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules})
    assert _encryption(s3, bucket) == KMS_RULE


def test_configuration_of_a_missing_bucket(s3: BaseClient) -> None:
    missing = unique_bucket_name("missing")
    with raises_client_error("NoSuchBucket", 404):
        s3.get_bucket_encryption(Bucket=missing)
    with raises_client_error("NoSuchBucket", 404):
        s3.put_bucket_encryption(Bucket=missing, ServerSideEncryptionConfiguration=KMS_RULE)


# SSE-S3, SSE-KMS and DSSE-KMS on writes ------------------------------------------------------


@pytest.mark.parametrize(
    ("key_id", "expected"),
    [
        (None, None),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        ("alias/my-key", "alias/my-key"),
        (
            "arn:aws:kms:eu-west-1:111122223333:key/abc",
            "arn:aws:kms:eu-west-1:111122223333:key/abc",
        ),
    ],
)
def test_sse_kms_key_is_echoed_as_an_arn(
    s3: BaseClient, bucket: str, key_id: str | None, expected: str | None
) -> None:
    extra = {"SSEKMSKeyId": key_id} if key_id else {}
    put = s3.put_object(
        Bucket=bucket, Key="k", Body=b"secret", ServerSideEncryption="aws:kms", **extra
    )
    arn = put["SSEKMSKeyId"]
    if expected is None:
        assert DEFAULT_KEY_ARN.fullmatch(arn), arn
    elif expected.startswith("arn:"):
        assert arn == expected
    else:
        assert re.fullmatch(r"arn:aws:kms:us-east-1:\d{12}:" + re.escape(expected), arn), arn
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", arn)
    assert "BucketKeyEnabled" not in head
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"secret"


def test_dsse_bucket_key_and_context(s3: BaseClient, bucket: str) -> None:
    context = base64.b64encode(json.dumps({"project": "fakes3"}).encode()).decode()
    put = s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"x",
        ServerSideEncryption="aws:kms:dsse",
        SSEKMSEncryptionContext=context,
    )
    assert put["ServerSideEncryption"] == "aws:kms:dsse"
    assert put["SSEKMSEncryptionContext"] == context
    assert DEFAULT_KEY_ARN.fullmatch(put["SSEKMSKeyId"])
    keyed = s3.put_object(
        Bucket=bucket, Key="b", Body=b"x", ServerSideEncryption="aws:kms", BucketKeyEnabled=True
    )
    assert keyed["BucketKeyEnabled"] is True
    assert s3.head_object(Bucket=bucket, Key="b")["BucketKeyEnabled"] is True


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ServerSideEncryption": "AES512"}, "The encryption method specified is not supported"),
        ({"SSEKMSKeyId": "some-key"}, "requires HTTP header x-amz-server-side-encryption"),
        (
            {"ServerSideEncryption": "AES256", "SSEKMSKeyId": "some-key"},
            "requires HTTP header x-amz-server-side-encryption",
        ),
        ({"SSEKMSEncryptionContext": "e30="}, "requires HTTP header"),
        (
            {"ServerSideEncryption": "aws:kms", "SSEKMSEncryptionContext": "not json"},
            "string-string map",
        ),
        (
            {
                "ServerSideEncryption": "aws:kms",
                "SSEKMSEncryptionContext": base64.b64encode(b'{"a": 1}').decode(),
            },
            "string-string map",
        ),
    ],
)
def test_invalid_encryption_is_refused_and_stores_nothing(
    s3: BaseClient, bucket: str, extra: dict[str, str], message: str
) -> None:
    with raises_client_error("InvalidArgument", 400) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **extra)
    assert message in error.value.response["Error"]["Message"]
    _absent(s3, bucket, "k")
    with raises_client_error("InvalidArgument", 400):
        s3.create_multipart_upload(Bucket=bucket, Key="k", **extra)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_reads_and_parts_refuse_the_sse_header(s3: BaseClient, bucket: str, raw: Raw) -> None:
    """GET, HEAD and UploadPart do not take x-amz-server-side-encryption: S3 answers 400."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    sse = {"x-amz-server-side-encryption": "aws:kms"}
    fields = assert_s3_error(raw("GET", f"/{bucket}/k", headers=sse), "InvalidArgument", 400)
    assert (
        fields["Message"]
        == "x-amz-server-side-encryption header is not supported for this operation."
    )
    assert raw("HEAD", f"/{bucket}/k", headers=sse).status_code == 400
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    part = raw("PUT", f"/{bucket}/mp?partNumber=1&uploadId={upload}", headers=sse, data=b"x")
    assert_s3_error(part, "InvalidArgument", 400)
    assert s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload).get("Parts", []) == []
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload)


def test_sse_c_over_plain_http_is_refused(s3: BaseClient, bucket: str) -> None:
    with raises_client_error("InvalidRequest", 400) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **SSE_C)
    assert "must be made over a secure connection" in error.value.response["Error"]["Message"]
    _absent(s3, bucket, "k")


def test_post_upload_encryption_fields(s3: BaseClient, bucket: str) -> None:
    fields = {"x-amz-server-side-encryption": "aws:kms"}
    post = s3.generate_presigned_post(bucket, "posted", Fields=fields, Conditions=[fields])
    response = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"data")})
    assert response.status_code == 204, response.text
    assert response.headers["x-amz-server-side-encryption"] == "aws:kms"
    head = s3.head_object(Bucket=bucket, Key="posted")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert DEFAULT_KEY_ARN.fullmatch(head["SSEKMSKeyId"])
    bad = {"x-amz-server-side-encryption": "AES512"}
    post = s3.generate_presigned_post(bucket, "bad", Fields=bad, Conditions=[bad])
    response = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"data")})
    assert response.status_code == 400 and b"InvalidArgument" in response.content
    _absent(s3, bucket, "bad")


# SSE-C, over HTTPS ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(
    backend: str, tls_files: tuple[str, str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BaseClient]:
    data_dir = str(tmp_path_factory.mktemp("sse-data")) if backend == "directory" else None
    app = FakeS3(Settings(data_dir=data_dir))
    ca, cert, key = tls_files
    with Server(app, port=0, tls_cert=cert, tls_key=key) as running:
        yield client_for(running.endpoint_url, verify=ca)
    assert not app.errors, f"unexpected server errors: {app.errors!r}"


@pytest.fixture
def tls_bucket(tls: BaseClient) -> Iterator[str]:
    name = unique_bucket_name("sse")
    tls.create_bucket(Bucket=name)
    yield name
    for page in tls.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            tls.delete_object(Bucket=name, Key=item["Key"])
    for upload in tls.list_multipart_uploads(Bucket=name).get("Uploads", []):
        tls.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    tls.delete_bucket(Bucket=name)


def test_sse_c_round_trip_needs_the_key(tls: BaseClient, tls_bucket: str) -> None:
    data = os.urandom(1000)
    put = tls.put_object(Bucket=tls_bucket, Key="k", Body=data, **SSE_C)
    assert put["SSECustomerAlgorithm"] == "AES256"
    assert put["SSECustomerKeyMD5"] == _md5(KEY)
    assert "ServerSideEncryption" not in put
    got = tls.get_object(Bucket=tls_bucket, Key="k", Range="bytes=10-19", **SSE_C)
    assert got["Body"].read() == data[10:20]
    assert got["SSECustomerKeyMD5"] == _md5(KEY)
    assert tls.get_object(Bucket=tls_bucket, Key="k", PartNumber=1, **SSE_C)["Body"].read() == data
    head = tls.head_object(Bucket=tls_bucket, Key="k", **SSE_C)
    assert (head["SSECustomerAlgorithm"], head["ContentLength"]) == ("AES256", 1000)
    with raises_client_error("InvalidRequest", 400) as error:
        tls.get_object(Bucket=tls_bucket, Key="k")
    assert (
        "stored using a form of Server Side Encryption" in error.value.response["Error"]["Message"]
    )
    with raises_client_error("400", 400):
        tls.head_object(Bucket=tls_bucket, Key="k")
    with raises_client_error("AccessDenied", 403):
        tls.get_object(Bucket=tls_bucket, Key="k", **OTHER)
    with raises_client_error("403", 403):
        tls.head_object(Bucket=tls_bucket, Key="k", **OTHER)
    with raises_client_error("InvalidRequest", 400):
        tls.get_object_attributes(Bucket=tls_bucket, Key="k", ObjectAttributes=["ObjectSize"])


def test_post_upload_with_a_customer_key(
    tls: BaseClient, tls_bucket: str, tls_files: tuple[str, str, str]
) -> None:
    fields = {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
        "x-amz-server-side-encryption-customer-key-MD5": _md5(KEY),
    }
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    post = tls.generate_presigned_post(tls_bucket, "posted", Fields=fields, Conditions=conditions)
    response = requests.post(
        post["url"], data=post["fields"], files={"file": ("f", b"data")}, verify=tls_files[0]
    )
    assert response.status_code == 204, response.text
    assert response.headers["x-amz-server-side-encryption-customer-key-MD5"] == _md5(KEY)
    with raises_client_error("InvalidRequest", 400):
        tls.get_object(Bucket=tls_bucket, Key="posted")
    assert tls.get_object(Bucket=tls_bucket, Key="posted", **SSE_C)["Body"].read() == b"data"


def test_sse_c_headers_on_an_unencrypted_object(tls: BaseClient, tls_bucket: str) -> None:
    tls.put_object(Bucket=tls_bucket, Key="plain", Body=b"x")
    with raises_client_error("InvalidRequest", 400) as error:
        tls.get_object(Bucket=tls_bucket, Key="plain", **SSE_C)
    assert error.value.response["Error"]["Message"] == (
        "The encryption parameters are not applicable to this object."
    )


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (
            {**SSE_C, "ServerSideEncryption": "AES256"},
            "InvalidArgument",
            "Server Side Encryption with Customer provided key is incompatible",
        ),
        (
            {  # boto3 sends a key given with its MD5 as it is: base64
                "SSECustomerAlgorithm": "AES256",
                "SSECustomerKey": base64.b64encode(KEY).decode(),
                "SSECustomerKeyMD5": _md5(OTHER_KEY),
            },
            "InvalidArgument",
            "The calculated MD5 hash of the key did not match",
        ),
        (
            {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": os.urandom(16)},
            "InvalidArgument",
            "The secret key was invalid for the specified algorithm.",
        ),
        (
            {"SSECustomerAlgorithm": "AES128", "SSECustomerKey": KEY},
            "InvalidEncryptionAlgorithmError",
            "Supported value: AES256.",
        ),
        (
            {"SSECustomerKey": KEY},
            "InvalidArgument",
            "must provide a valid encryption algorithm.",
        ),
    ],
)
def test_bad_sse_c_is_refused_and_stores_nothing(
    tls: BaseClient, tls_bucket: str, extra: dict[str, Any], code: str, message: str
) -> None:
    with raises_client_error(code, 400) as error:
        tls.put_object(Bucket=tls_bucket, Key="k", Body=b"x", **extra)
    assert message in error.value.response["Error"]["Message"]
    _absent(tls, tls_bucket, "k")


def test_copy_of_an_sse_c_source_needs_its_key(tls: BaseClient, tls_bucket: str) -> None:
    tls.put_object(Bucket=tls_bucket, Key="src", Body=b"payload", **SSE_C)
    source = f"{tls_bucket}/src"
    with raises_client_error("InvalidRequest", 400):
        tls.copy_object(Bucket=tls_bucket, Key="dst", CopySource=source)
    wrong = {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": OTHER_KEY}
    with raises_client_error("AccessDenied", 403):
        tls.copy_object(Bucket=tls_bucket, Key="dst", CopySource=source, **wrong)
    _absent(tls, tls_bucket, "dst")
    copied = tls.copy_object(Bucket=tls_bucket, Key="dst", CopySource=source, **SOURCE_C)
    assert copied["ServerSideEncryption"] == "AES256"
    assert tls.get_object(Bucket=tls_bucket, Key="dst")["Body"].read() == b"payload"
    # Re-keying in place: the copy names a new key, so it changes the object.
    tls.copy_object(Bucket=tls_bucket, Key="src", CopySource=source, **SOURCE_C, **OTHER)
    assert tls.get_object(Bucket=tls_bucket, Key="src", **OTHER)["Body"].read() == b"payload"


def test_copy_of_an_sse_c_source_with_a_new_checksum_algorithm(
    tls: BaseClient, tls_bucket: str
) -> None:
    """API_CopyObject.html, x-amz-checksum-algorithm: the copy's checksum is of the plaintext,
    also when the bytes are decrypted and encrypted again on the way."""
    tls.put_object(Bucket=tls_bucket, Key="src", Body=b"payload", **SSE_C)
    source = f"{tls_bucket}/src"
    copied = tls.copy_object(
        Bucket=tls_bucket, Key="dst", CopySource=source, ChecksumAlgorithm="SHA1", **SOURCE_C
    )["CopyObjectResult"]
    expected = base64.b64encode(hashlib.sha1(b"payload").digest()).decode()
    assert (copied["ChecksumSHA1"], copied["ChecksumType"]) == (expected, "FULL_OBJECT")
    head = tls.head_object(Bucket=tls_bucket, Key="dst", ChecksumMode="ENABLED")
    assert head["ChecksumSHA1"] == expected


def test_multipart_sse_c_parts_need_the_upload_key(tls: BaseClient, tls_bucket: str) -> None:
    upload = tls.create_multipart_upload(Bucket=tls_bucket, Key="mp", **SSE_C)
    assert upload["SSECustomerKeyMD5"] == _md5(KEY)
    ids = {"Bucket": tls_bucket, "Key": "mp", "UploadId": upload["UploadId"]}
    with raises_client_error("InvalidRequest", 400):
        tls.upload_part(**ids, PartNumber=1, Body=b"a" * 10)
    with raises_client_error("InvalidRequest", 400) as error:
        tls.upload_part(**ids, PartNumber=1, Body=b"a" * 10, **OTHER)
    assert "did not match the ones used originally" in error.value.response["Error"]["Message"]
    assert tls.list_parts(**ids).get("Parts", []) == []
    first = b"a" * (5 * 1024 * 1024)  # every part but the last is at least 5 MiB
    part = tls.upload_part(**ids, PartNumber=1, Body=first, **SSE_C)
    assert part["SSECustomerKeyMD5"] == _md5(KEY)
    tls.put_object(Bucket=tls_bucket, Key="enc-src", Body=b"b" * 5, **SSE_C)
    with raises_client_error("InvalidRequest", 400):  # the source's key is missing
        tls.upload_part_copy(**ids, PartNumber=2, CopySource=f"{tls_bucket}/enc-src", **SSE_C)
    copied = tls.upload_part_copy(
        **ids, PartNumber=2, CopySource=f"{tls_bucket}/enc-src", **SSE_C, **SOURCE_C
    )
    parts = [
        {"PartNumber": 1, "ETag": part["ETag"]},
        {"PartNumber": 2, "ETag": copied["CopyPartResult"]["ETag"]},
    ]
    tls.complete_multipart_upload(**ids, MultipartUpload={"Parts": parts})
    with raises_client_error("InvalidRequest", 400):
        tls.get_object(Bucket=tls_bucket, Key="mp")
    got = tls.get_object(Bucket=tls_bucket, Key="mp", **SSE_C)
    assert got["Body"].read() == first + b"b" * 5


def test_blocked_sse_c_is_access_denied(tls: BaseClient, tls_bucket: str) -> None:
    blocked = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                "BucketKeyEnabled": False,
                "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]},
            }
        ]
    }
    tls.put_object(Bucket=tls_bucket, Key="before", Body=b"old", **SSE_C)
    started = tls.create_multipart_upload(Bucket=tls_bucket, Key="mp", **SSE_C)["UploadId"]
    tls.put_bucket_encryption(Bucket=tls_bucket, ServerSideEncryptionConfiguration=blocked)
    with raises_client_error("AccessDenied", 403):
        tls.upload_part(
            Bucket=tls_bucket, Key="mp", UploadId=started, PartNumber=1, Body=b"x", **SSE_C
        )
    assert _encryption(tls, tls_bucket) == blocked
    with raises_client_error("AccessDenied", 403):
        tls.put_object(Bucket=tls_bucket, Key="k", Body=b"x", **SSE_C)
    with raises_client_error("AccessDenied", 403):
        tls.create_multipart_upload(Bucket=tls_bucket, Key="k", **SSE_C)
    with raises_client_error("AccessDenied", 403) as error:
        tls.copy_object(
            Bucket=tls_bucket, Key="k", CopySource=f"{tls_bucket}/before", **SOURCE_C, **SSE_C
        )
    assert (
        "has blocked upload requests that specify Server Side Encryption with Customer"
        in (error.value.response["Error"]["Message"])
    )
    _absent(tls, tls_bucket, "k")
    # Objects already encrypted with SSE-C stay readable.
    assert tls.get_object(Bucket=tls_bucket, Key="before", **SSE_C)["Body"].read() == b"old"


# The setting, and a restart ------------------------------------------------------------------


def _stored_bytes(data_dir: Path) -> bytes:
    """Every blob of a directory backend (files and inline rows), concatenated."""
    return b"".join(stored_blobs(data_dir).values())


def test_allow_insecure_ssec_and_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), allow_insecure_ssec=True)
    name = unique_bucket_name("restart")
    secret = b"customer-" + os.urandom(400_000)  # several chunks
    small = b"customer-small-" + os.urandom(1000)  # stored inline (a row, not a file)
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        s3.create_bucket(Bucket=name)
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration=KMS_RULE)
        s3.put_object(Bucket=name, Key="c", Body=secret, **SSE_C)
        s3.copy_object(Bucket=name, Key="c2", CopySource=f"{name}/c", **SOURCE_C, **OTHER)
        s3.put_object(Bucket=name, Key="s", Body=small, **SSE_C)
        s3.copy_object(Bucket=name, Key="s2", CopySource=f"{name}/s", **SOURCE_C, **OTHER)
        kms = s3.put_object(Bucket=name, Key="k", Body=b"kms")
    # SSE-C bytes are encrypted at rest: no blob, file or row, holds any part of the plaintext.
    stored = _stored_bytes(tmp_path)
    assert b"kms" in stored and secret[:64] not in stored and secret[-64:] not in stored
    assert small[:32] not in stored and small[-32:] not in stored
    with Server(FakeS3(settings), port=0) as running:
        s3 = client_for(running.endpoint_url)
        assert _encryption(s3, name) == KMS_RULE
        assert s3.head_object(Bucket=name, Key="k")["SSEKMSKeyId"] == kms["SSEKMSKeyId"]
        with raises_client_error("AccessDenied", 403):
            s3.get_object(Bucket=name, Key="c", **OTHER)
        assert s3.get_object(Bucket=name, Key="c", **SSE_C)["Body"].read() == secret
        ranged = s3.get_object(Bucket=name, Key="c", Range="bytes=70001-350000", **SSE_C)
        assert ranged["Body"].read() == secret[70001:350001]
        assert s3.get_object(Bucket=name, Key="c2", **OTHER)["Body"].read() == secret
        assert s3.put_object(Bucket=name, Key="d", Body=b"", **SSE_C)["SSECustomerAlgorithm"]


def test_aws_cli_put_bucket_encryption(endpoint: str, s3: BaseClient, bucket: str) -> None:
    """``aws s3api put-bucket-encryption`` / ``get-bucket-encryption`` as users run them."""
    import subprocess

    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    config = json.dumps(KMS_RULE)
    for args in (
        ["put-bucket-encryption", "--server-side-encryption-configuration", config],
        ["get-bucket-encryption"],
    ):
        result = subprocess.run(
            ["aws", "--endpoint-url", endpoint, "s3api", *args, "--bucket", bucket],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ServerSideEncryptionConfiguration"] == KMS_RULE
    assert _encryption(s3, bucket) == KMS_RULE


# UpdateObjectEncryption ----------------------------------------------------------------------


def test_update_object_encryption_to_sse_kms(s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    before = s3.head_object(Bucket=bucket, Key="k")
    account = s3.put_object(Bucket=bucket, Key="probe", Body=b"", ServerSideEncryption="aws:kms")[
        "SSEKMSKeyId"
    ].split(":")[4]
    arn = f"arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for bad, code, status in (
        ("arn:aws:kms:us-east-1:alias/not-a-key", "InvalidRequest", 400),
        ("arn:aws:kms:us-east-1:999999999999:key/other-account", "AccessDenied", 403),
    ):
        with raises_client_error(code, status):
            s3.update_object_encryption(
                Bucket=bucket, Key="k", ObjectEncryption={"SSEKMS": {"KMSKeyArn": bad}}
            )
        assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    s3.update_object_encryption(
        Bucket=bucket,
        Key="k",
        ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn, "BucketKeyEnabled": True}},
    )
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", arn)
    assert head["BucketKeyEnabled"] is True
    assert (head["ETag"], head["LastModified"]) == (before["ETag"], before["LastModified"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"
    with raises_client_error("NoSuchKey", 404):
        s3.update_object_encryption(
            Bucket=bucket, Key="missing", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn}}
        )


def test_update_object_encryption_refuses_sse_c_sources(tls: BaseClient, tls_bucket: str) -> None:
    tls.put_object(Bucket=tls_bucket, Key="c", Body=b"x", **SSE_C)
    account = tls.put_object(
        Bucket=tls_bucket, Key="probe", Body=b"", ServerSideEncryption="aws:kms"
    )["SSEKMSKeyId"].split(":")[4]
    with raises_client_error("InvalidRequest", 400):
        tls.update_object_encryption(
            Bucket=tls_bucket,
            Key="c",
            ObjectEncryption={"SSEKMS": {"KMSKeyArn": f"arn:aws:kms:us-east-1:{account}:key/k"}},
        )
    assert tls.head_object(Bucket=tls_bucket, Key="c", **SSE_C)["SSECustomerAlgorithm"]
