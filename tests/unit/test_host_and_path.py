"""Virtual-host and path-style addressing."""

from __future__ import annotations

import pytest

from fakes3.errors import InvalidURI
from fakes3.protocol.addressing import (
    bucket_from_host,
    decode_path,
    hostname,
    region_from_host,
    resolve,
)


@pytest.mark.parametrize(
    ("host", "bucket"),
    [
        ("127.0.0.1:9000", None),
        ("[::1]:9000", None),
        ("localhost:9000", None),
        ("photos.localhost:9000", "photos"),
        ("my.dotted.bucket.localhost", "my.dotted.bucket"),
        ("s3.localhost", None),
        ("photos.s3.localhost", "photos"),
        ("fakes3:9000", None),
        ("s3.amazonaws.com", None),
        ("photos.s3.amazonaws.com", "photos"),
        ("photos.s3.us-west-2.amazonaws.com", "photos"),
        ("photos.s3-us-west-2.amazonaws.com", "photos"),
        ("a.b.s3.dualstack.eu-west-1.amazonaws.com", "a.b"),
        ("s3.us-west-2.amazonaws.com", None),
        ("PHOTOS.LOCALHOST", "photos"),
    ],
)
def test_bucket_from_host(host: str, bucket: str | None) -> None:
    assert bucket_from_host(hostname(host), "localhost") == bucket


def test_configurable_base_domain() -> None:
    assert bucket_from_host("data.s3.example.test", "example.test") == "data"
    assert bucket_from_host("data.example.test", "example.test") == "data"
    assert bucket_from_host("data.localhost", "example.test") is None


@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        ("127.0.0.1", "/", (None, None)),
        ("127.0.0.1", "/bucket", ("bucket", None)),
        ("127.0.0.1", "/bucket/", ("bucket", None)),
        ("127.0.0.1", "/bucket/a/b", ("bucket", "a/b")),
        ("127.0.0.1", "/bucket//double//", ("bucket", "/double//")),
        ("127.0.0.1", "/bucket/trailing/", ("bucket", "trailing/")),
        ("bucket.localhost", "/", ("bucket", None)),
        ("bucket.localhost", "/key/with/slashes", ("bucket", "key/with/slashes")),
        ("bucket.localhost", "//lead", ("bucket", "/lead")),
    ],
)
def test_resolve(host: str, path: str, expected: tuple[str | None, str | None]) -> None:
    assert resolve(host, path, "localhost") == expected


def test_decode_path_is_utf8_and_keeps_plus() -> None:
    assert decode_path("/b/a%20b+c%2Fd%E2%82%AC") == "/b/a b+c/d€"


def test_decode_path_rejects_invalid_utf8() -> None:
    with pytest.raises(InvalidURI):
        decode_path("/b/%FF%FE")


@pytest.mark.parametrize(
    ("host", "region"),
    [
        ("s3.amazonaws.com", "us-east-1"),
        ("bucket.s3.amazonaws.com", "us-east-1"),
        ("bucket.s3.eu-west-1.amazonaws.com", "eu-west-1"),
        ("s3.dualstack.ap-south-1.amazonaws.com", "ap-south-1"),
        ("my.dotted.bucket.s3-us-west-2.amazonaws.com", "us-west-2"),
        ("s3-external-1.amazonaws.com", "us-east-1"),
        ("s3.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("localhost", None),
        ("bucket.localhost", None),
        ("127.0.0.1", None),
    ],
)
def test_region_from_aws_host_names(host: str, region: str | None) -> None:
    assert region_from_host(host) == region
