"""Path-style and virtual-host-style addressing.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html

``bucket.localhost`` does not resolve on every machine (it does not on the build machine), so
virtual-host style is driven by raw requests with a ``Host: <bucket>.localhost:<port>`` header
sent to 127.0.0.1; boto3 is used with path style and with its default.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from api_helpers import Raw, assert_s3_error, client_for, find_all_text, xml_root
from botocore.client import BaseClient
from botocore.config import Config


def _port(endpoint: str) -> int:
    port = urlsplit(endpoint).port
    assert port is not None
    return port


@pytest.fixture
def vhost(endpoint: str, bucket: str) -> dict[str, str]:
    return {"Host": f"{bucket}.localhost:{_port(endpoint)}"}


def test_virtual_host_put_get_list_delete(
    raw: Raw, s3: BaseClient, bucket: str, vhost: dict[str, str]
) -> None:
    key = "dir/with space+ünï"
    put = raw("PUT", f"/{quote(key)}", data=b"virtual", headers=vhost)
    assert put.status_code == 200, put.text
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"virtual"
    got = raw("GET", f"/{quote(key)}", headers=vhost)
    assert got.content == b"virtual"
    listing = raw("GET", "/", params={"list-type": "2"}, headers=vhost)
    assert find_all_text(xml_root(listing), "Contents/Key") == [key]
    assert raw("DELETE", f"/{quote(key)}", headers=vhost).status_code == 204
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_virtual_host_head_bucket(raw: Raw, vhost: dict[str, str]) -> None:
    response = raw("HEAD", "/", headers=vhost)
    assert response.status_code == 200
    assert response.headers["x-amz-bucket-region"] == "us-east-1"


def test_virtual_host_s3_subdomain(raw: Raw, s3: BaseClient, endpoint: str, bucket: str) -> None:
    headers = {"Host": f"{bucket}.s3.localhost:{_port(endpoint)}"}
    assert raw("PUT", "/k", data=b"s3 sub", headers=headers).status_code == 200
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"s3 sub"


def test_virtual_host_amazonaws_names(raw: Raw, s3: BaseClient, bucket: str) -> None:
    for host in (f"{bucket}.s3.amazonaws.com", f"{bucket}.s3.us-east-1.amazonaws.com"):
        assert raw("PUT", "/k", data=host.encode(), headers={"Host": host}).status_code == 200
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == host.encode()


def test_virtual_host_missing_bucket(raw: Raw, endpoint: str) -> None:
    headers = {"Host": f"no-such-vhost-bucket.localhost:{_port(endpoint)}"}
    fields = assert_s3_error(raw("GET", "/k", headers=headers), "NoSuchBucket", 404)
    assert fields["BucketName"] == "no-such-vhost-bucket"


def test_virtual_host_key_that_looks_like_a_bucket(
    raw: Raw, s3: BaseClient, bucket: str, vhost: dict[str, str]
) -> None:
    """In virtual-host style the whole path is the key, slashes and all."""
    assert raw("PUT", f"/{bucket}/inner", data=b"v", headers=vhost).status_code == 200
    assert s3.get_object(Bucket=bucket, Key=f"{bucket}/inner")["Body"].read() == b"v"


def test_localhost_without_bucket_label_is_path_style(
    raw: Raw, s3: BaseClient, endpoint: str, bucket: str
) -> None:
    headers = {"Host": f"localhost:{_port(endpoint)}"}
    assert raw("PUT", f"/{bucket}/p", data=b"path", headers=headers).status_code == 200
    assert s3.get_object(Bucket=bucket, Key="p")["Body"].read() == b"path"


@pytest.mark.parametrize("style", ["path", "auto"])
def test_boto3_addressing_styles(endpoint: str, bucket: str, style: str) -> None:
    client = client_for(endpoint, config=Config(s3={"addressing_style": style}))
    sent: list[str] = []
    client.meta.events.register("before-send.s3", lambda request, **_: sent.append(request.url))
    client.put_object(Bucket=bucket, Key="styled/key", Body=style.encode())
    assert client.get_object(Bucket=bucket, Key="styled/key")["Body"].read() == style.encode()
    assert sent[0].startswith(f"{endpoint}/{bucket}/styled/key")
