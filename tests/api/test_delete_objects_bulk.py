"""DeleteObjects of 1000 keys, odd ones among them, through boto3 on both backends: the fast
body reader (fakes3/protocol/xmldelete.py, xmltree.py), the plain-batch path of the handler and
the generated answer writer (xmlwriter.py) must keep every key exactly.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
"""

from __future__ import annotations

import io

import pytest
from api_helpers import Raw, find_all_text, md5_b64, xml_root
from botocore.client import BaseClient

from fakes3.server import Server
from fakes3.store.store import NewObject

ODD_KEYS = [
    " lead",
    "trail ",
    "  ",
    "in\nside",
    "cr\rinside",
    "crlf\r\n",
    "\ttab",
    "&amp;<lt>\"q'",
    "ünï/日本語/🎉",
    "sp ace+plus%20",
    "]]>",
]
LONG_KEYS = ["k" * 1024, "é" * 512]  # 1024 bytes: the most S3 allows


def _fill(server: Server, bucket: str, keys: list[str]) -> None:
    for key in keys:  # through the store: 1000 PUTs over HTTP would take seconds
        server.app.store.put_object(bucket, key, io.BytesIO(b"x"), NewObject())  # type: ignore[attr-defined]


def _listed(s3: BaseClient, bucket: str) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [entry["Key"] for entry in page.get("Contents", [])]
    return keys


def _batch(long_keys: bool = False) -> list[str]:
    odd = ODD_KEYS + LONG_KEYS if long_keys else ODD_KEYS
    return odd + [f"bulk/{i:04d}" for i in range(1000 - len(odd))]


@pytest.mark.parametrize("long_keys", [False, True], ids=["short", "with-1024-byte-keys"])
def test_a_thousand_keys_odd_ones_included(
    s3: BaseClient, server: Server, bucket: str, long_keys: bool
) -> None:
    keys = _batch(long_keys)
    _fill(server, bucket, [*keys, "keep/one"])
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    assert "Errors" not in response
    assert [entry["Key"] for entry in response["Deleted"]] == keys  # in the order asked
    assert _listed(s3, bucket) == ["keep/one"]


def test_a_thousand_keys_quietly(s3: BaseClient, server: Server, bucket: str) -> None:
    keys = _batch()
    _fill(server, bucket, keys[:500])  # half of them never existed: deleted all the same
    response = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True}
    )
    assert "Deleted" not in response and "Errors" not in response
    assert _listed(s3, bucket) == []


def test_a_long_key_is_its_own_error_among_a_thousand(
    s3: BaseClient, server: Server, bucket: str
) -> None:
    keys = _batch(long_keys=True)
    too_long = "x" * 1025
    asked = keys[:500] + [too_long] + keys[500:999]
    _fill(server, bucket, asked[:10])
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in asked]})
    assert [error["Code"] for error in response["Errors"]] == ["KeyTooLongError"]
    assert response["Errors"][0]["Key"] == too_long
    assert [entry["Key"] for entry in response["Deleted"]] == keys[:500] + keys[500:999]
    assert _listed(s3, bucket) == []


def test_raw_body_with_references_and_line_ends(raw: Raw, server: Server, bucket: str) -> None:
    """A hand-written body in the SDKs' layout: references decoded, a raw CR LF read as LF
    (XML's line ends), a CR sent as ``&#xD;`` kept; the answer escapes them back."""
    keys = ["cr\rinside", "in\nside", "&<>\"'", "plain"]
    _fill(server, bucket, keys)
    objects = (
        "<Object><Key>cr&#xD;inside</Key></Object><Object><Key>in\r\nside</Key></Object>"
        "<Object><Key>&amp;&lt;&gt;&quot;&apos;</Key></Object><Object><Key>plain</Key></Object>"
    )
    body = f'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{objects}</Delete>'.encode()
    response = raw("POST", f"/{bucket}?delete", data=body, headers={"Content-MD5": md5_b64(body)})
    assert response.status_code == 200, response.text
    assert find_all_text(xml_root(response), "Deleted/Key") == keys
    assert b"<Key>cr&#xD;inside</Key>" in response.content
    assert server.app.store.list_objects(bucket).objects == []  # type: ignore[attr-defined]
