"""DeleteObjects: per-key results, quiet mode, limits and the integrity header it requires.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
("The request can contain a list of up to 1,000 keys"; "The Content-MD5 or x-amz-checksum-*
header is required for all Multi-Object Delete requests").
"""

from __future__ import annotations

import base64
import zlib
from xml.sax.saxutils import escape

import pytest
from api_helpers import (
    Raw,
    assert_s3_error,
    find_all_text,
    find_text,
    md5_b64,
    raises_client_error,
    xml_root,
)
from botocore.client import BaseClient


def _keys(s3: BaseClient, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _document(keys: list[str], quiet: bool = False) -> bytes:
    objects = "".join(f"<Object><Key>{escape(k)}</Key></Object>" for k in keys)
    quiet_xml = "<Quiet>true</Quiet>" if quiet else ""
    return f'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{quiet_xml}{objects}</Delete>'.encode()


@pytest.fixture
def filled(s3: BaseClient, bucket: str) -> str:
    for key in ("one", "two", "three", "dir/four", "spa ce+plus", "ünï"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def test_delete_objects_reports_each_key(s3: BaseClient, filled: str) -> None:
    keys = ["one", "dir/four", "spa ce+plus", "ünï", "never-existed"]
    response = s3.delete_objects(Bucket=filled, Delete={"Objects": [{"Key": k} for k in keys]})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(d["Key"] for d in response["Deleted"]) == sorted(keys)
    assert "Errors" not in response
    assert _keys(s3, filled) == ["three", "two"]


def test_delete_objects_quiet_mode_lists_nothing_on_success(s3: BaseClient, filled: str) -> None:
    response = s3.delete_objects(
        Bucket=filled, Delete={"Objects": [{"Key": "one"}, {"Key": "two"}], "Quiet": True}
    )
    assert "Deleted" not in response
    assert "Errors" not in response
    assert _keys(s3, filled) == ["dir/four", "spa ce+plus", "three", "ünï"]


def test_delete_objects_raw_document_and_result_xml(raw: Raw, s3: BaseClient, filled: str) -> None:
    body = _document(["one", "spa ce+plus"])
    response = raw("POST", f"/{filled}?delete", data=body, headers={"Content-MD5": md5_b64(body)})
    assert response.status_code == 200, response.text
    root = xml_root(response)
    assert root.tag.endswith("DeleteResult")
    assert sorted(find_all_text(root, "Deleted/Key")) == ["one", "spa ce+plus"]
    assert "one" not in _keys(s3, filled)


def test_delete_objects_with_checksum_instead_of_md5(raw: Raw, s3: BaseClient, filled: str) -> None:
    body = _document(["two"])
    crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    response = raw("POST", f"/{filled}?delete", data=body, headers={"x-amz-checksum-crc32": crc})
    assert response.status_code == 200, response.text
    assert "two" not in _keys(s3, filled)


def test_delete_objects_without_integrity_header_is_invalid_request(
    raw: Raw, s3: BaseClient, filled: str
) -> None:
    response = raw("POST", f"/{filled}?delete", data=_document(["one"]))
    fields = assert_s3_error(response, "InvalidRequest", 400)
    assert "Content-MD5" in fields["Message"]
    assert "one" in _keys(s3, filled)


def test_delete_objects_with_wrong_md5_is_bad_digest_and_deletes_nothing(
    raw: Raw, s3: BaseClient, filled: str
) -> None:
    body = _document(["one", "two"])
    response = raw("POST", f"/{filled}?delete", data=body, headers={"Content-MD5": md5_b64(b"x")})
    assert_s3_error(response, "BadDigest", 400)
    assert _keys(s3, filled) == ["dir/four", "one", "spa ce+plus", "three", "two", "ünï"]


def test_delete_objects_with_malformed_md5_is_invalid_digest(
    raw: Raw, s3: BaseClient, filled: str
) -> None:
    body = _document(["one"])
    response = raw("POST", f"/{filled}?delete", data=body, headers={"Content-MD5": "not-md5"})
    assert_s3_error(response, "InvalidDigest", 400)
    assert "one" in _keys(s3, filled)


def test_delete_objects_over_1000_keys_is_malformed_xml(s3: BaseClient, filled: str) -> None:
    objects = [{"Key": f"k{index}"} for index in range(1001)] + [{"Key": "one"}]
    with raises_client_error("MalformedXML", 400):
        s3.delete_objects(Bucket=filled, Delete={"Objects": objects})
    assert "one" in _keys(s3, filled)


def test_delete_objects_exactly_1000_keys_is_fine(s3: BaseClient, filled: str) -> None:
    objects = [{"Key": f"k{index}"} for index in range(999)] + [{"Key": "one"}]
    response = s3.delete_objects(Bucket=filled, Delete={"Objects": objects, "Quiet": True})
    assert "Errors" not in response
    assert "one" not in _keys(s3, filled)


@pytest.mark.parametrize(
    "body",
    [
        b"<Delete><Object><Key>one</Key></Object>",  # not closed
        b"not xml at all",
        b"<Delete></Delete>",  # no Object
        b"<Delete><Object></Object></Delete>",  # no Key
    ],
    ids=["unclosed", "not-xml", "no-objects", "no-key"],
)
def test_delete_objects_with_malformed_document_is_malformed_xml(
    raw: Raw, s3: BaseClient, filled: str, body: bytes
) -> None:
    response = raw("POST", f"/{filled}?delete", data=body, headers={"Content-MD5": md5_b64(body)})
    assert_s3_error(response, "MalformedXML", 400)
    assert "one" in _keys(s3, filled)


def test_delete_objects_in_missing_bucket_is_no_such_bucket(raw: Raw) -> None:
    body = _document(["one"])
    response = raw(
        "POST", "/no-such-bucket-here-42?delete", data=body, headers={"Content-MD5": md5_b64(body)}
    )
    assert_s3_error(response, "NoSuchBucket", 404)


def test_delete_objects_quiet_raw_body_is_empty_result(raw: Raw, filled: str) -> None:
    body = _document(["one"], quiet=True)
    response = raw("POST", f"/{filled}?delete", data=body, headers={"Content-MD5": md5_b64(body)})
    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag.endswith("DeleteResult")
    assert find_text(root, "Deleted") is None
    assert len(root) == 0


def test_an_empty_body_with_the_hash_of_nothing_is_malformed_xml(
    raw: Raw, s3: BaseClient, filled: str
) -> None:
    """The payload hash of an empty body is proof enough of it, as any payload hash is: the
    empty document is what is wrong (MalformedXML), not a missing Content-MD5."""
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    response = raw("POST", f"/{filled}?delete", headers={"x-amz-content-sha256": empty})
    assert_s3_error(response, "MalformedXML", 400)
    assert "one" in _keys(s3, filled)
