"""Error responses: the XML body, request ids, HEAD without body, 405 and 501.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from api_helpers import Raw, assert_s3_error, error_fields, md5_b64, raises_client_error
from botocore.client import BaseClient


def test_error_body_has_code_message_and_request_id(raw: Raw, bucket: str) -> None:
    response = raw("GET", f"/{bucket}/missing-key")
    assert response.headers["Content-Type"] == "application/xml"
    fields = assert_s3_error(response, "NoSuchKey", 404)
    assert fields["Message"] == "The specified key does not exist."
    assert "Resource" not in fields  # as real S3 answers (LocalStack's recordings)
    assert fields["RequestId"] == response.headers["x-amz-request-id"]
    assert fields["HostId"] == response.headers["x-amz-id-2"]
    assert response.content.startswith(b"<?xml")


def test_no_such_bucket_error_names_the_bucket(raw: Raw) -> None:
    fields = assert_s3_error(raw("GET", "/no-such-bucket-at-all-1"), "NoSuchBucket", 404)
    assert fields["BucketName"] == "no-such-bucket-at-all-1"
    assert fields["Message"] == "The specified bucket does not exist"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/{bucket}"),
        ("HEAD", "/{bucket}"),
        ("PUT", "/{bucket}/k"),
        ("GET", "/{bucket}/k"),
        ("HEAD", "/{bucket}/k"),
        ("DELETE", "/{bucket}/k"),
        ("GET", "/{bucket}/missing"),
        ("HEAD", "/{bucket}/missing"),
        ("GET", "/no-such-bucket-xyz"),
        ("PATCH", "/{bucket}/k"),
    ],
)
def test_every_response_has_request_ids(raw: Raw, bucket: str, method: str, path: str) -> None:
    response = raw(method, path.format(bucket=bucket), data=b"x" if method == "PUT" else None)
    assert len(response.headers["x-amz-request-id"]) >= 16
    assert response.headers["x-amz-id-2"]


def test_request_ids_differ_between_requests(raw: Raw, bucket: str) -> None:
    ids = {raw("GET", f"/{bucket}").headers["x-amz-request-id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize(
    "path", ["/{bucket}/missing", "/no-such-bucket-xyz", "/no-such-bucket-xyz/k"]
)
def test_head_errors_have_no_body(raw: Raw, bucket: str, path: str) -> None:
    response = raw("HEAD", path.format(bucket=bucket))
    assert response.status_code == 404
    assert response.content == b""


def test_head_precondition_failure_has_no_body(raw: Raw, s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    response = raw("HEAD", f"/{bucket}/k", headers={"If-Match": '"other"'})
    assert response.status_code == 412
    assert response.content == b""


def _select(s3: BaseClient, bucket: str, key: str) -> object:
    return s3.select_object_content(
        Bucket=bucket,
        Key=key,
        Expression="select * from s3object",
        ExpressionType="SQL",
        InputSerialization={"CSV": {}},
        OutputSerialization={"CSV": {}},
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda s3, b: _select(s3, b, "k"),
        lambda s3, b: s3.rename_object(Bucket=b, Key="new", RenameSource=f"{b}/k"),
    ],
    ids=["select", "rename"],
)
def test_unimplemented_operation_is_not_implemented(
    s3: BaseClient, bucket: str, call: Callable[[BaseClient, str], object]
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"a,b\n")
    with raises_client_error("NotImplemented", 501):
        call(s3, bucket)


def test_selecting_from_a_missing_key_is_no_such_key(s3: BaseClient, bucket: str) -> None:
    """The key is looked up before the feature is refused (moto's aws_verified
    test_select_unknown_key)."""
    with raises_client_error("NoSuchKey", 404):
        _select(s3, bucket, "missing")


def test_not_implemented_raw_body(raw: Raw, bucket: str) -> None:
    raw("PUT", f"/{bucket}/k", data=b"a,b\n")
    fields = assert_s3_error(
        raw("POST", f"/{bucket}/k?select&select-type=2", data=b""), "NotImplemented", 501
    )
    assert fields["Message"]


@pytest.mark.parametrize("path", ["/{bucket}", "/{bucket}/k", "/"])
@pytest.mark.parametrize("method", ["PATCH", "TRACE"])
def test_unsupported_method_is_method_not_allowed(
    raw: Raw, bucket: str, method: str, path: str
) -> None:
    response = raw(method, path.format(bucket=bucket))
    fields = assert_s3_error(response, "MethodNotAllowed", 405)
    assert fields["Method"] == method


def test_unknown_method_does_not_touch_the_object(raw: Raw, s3: BaseClient, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"kept")
    raw("PATCH", f"/{bucket}/k", data=b"patched")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"kept"


def test_malformed_xml_for_delete_objects(raw: Raw, bucket: str) -> None:
    body = b"<Delete><Object><Key>k</Key></Obj></Delete>"
    response = raw("POST", f"/{bucket}?delete", data=body, headers={"Content-MD5": md5_b64(body)})
    fields = assert_s3_error(response, "MalformedXML", 400)
    assert "XML" in fields["Message"]


def test_malformed_create_bucket_configuration(raw: Raw) -> None:
    response = raw("PUT", "/never-created-bucket-77", data=b"<CreateBucketConfiguration>")
    assert_s3_error(response, "MalformedXML", 400)
    assert raw("HEAD", "/never-created-bucket-77").status_code == 404


@pytest.mark.parametrize(
    ("value", "name"),
    [("abc", "max-keys"), ("-1", "maxKeys"), ("99999999999999999999999", "max-keys")],
)
def test_bad_max_keys_is_invalid_argument(raw: Raw, bucket: str, value: str, name: str) -> None:
    """No integer (the parser's message), or a negative one (the listing's, maxKeys)."""
    response = raw("GET", f"/{bucket}", params={"list-type": "2", "max-keys": value})
    fields = assert_s3_error(response, "InvalidArgument", 400)
    assert fields["ArgumentName"] == name
    assert fields["ArgumentValue"] == value


def test_error_message_is_xml_escaped(raw: Raw, bucket: str) -> None:
    response = raw("GET", f"/{bucket}/a%26b%3Cc%3E")
    fields = error_fields(response)  # parses, so & and < were escaped
    assert fields["Key"] == "a&b<c>"
