"""In-process mode: mock_s3() as context manager, decorators and fixture; what it leaves alone."""

from __future__ import annotations

import json
import socket
import unittest
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import botocore.handlers
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.hooks import HierarchicalEmitter
from freezegun import freeze_time

import fakes3
from fakes3 import MockS3, mock_aws, mock_s3
from fakes3.app import FakeS3
from fakes3.server import Server

ORIGINAL_EMIT = HierarchicalEmitter.emit
NO_RETRY = Config(retries={"total_max_attempts": 1}, connect_timeout=2)


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on: connecting fails at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield probe.getsockname()[1]


def test_public_api() -> None:
    assert fakes3.__all__ == ["MockS3", "Settings", "__version__", "mock_aws", "mock_s3"]
    assert mock_aws is mock_s3


def test_importing_registers_nothing() -> None:
    assert HierarchicalEmitter.emit is ORIGINAL_EMIT
    assert not any("fakes3" in repr(spec) for spec in botocore.handlers.BUILTIN_HANDLERS)


def test_context_manager_answers_in_process_and_restores_botocore() -> None:
    with mock_s3() as mocked:
        assert isinstance(mocked, MockS3)
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="in-process")
        s3.put_object(Bucket="in-process", Key="k", Body=b"no socket")
        assert s3.get_object(Bucket="in-process", Key="k")["Body"].read() == b"no socket"
        assert HierarchicalEmitter.emit is not ORIGINAL_EMIT
    assert HierarchicalEmitter.emit is ORIGINAL_EMIT
    mocked.journal.assert_called("PutObject", bucket="in-process", key="k", times=1)
    assert [b.name for b in mocked.store.list_buckets()] == ["in-process"]  # readable after


def test_each_activation_starts_empty() -> None:
    with mock_s3():
        boto3.client("s3").create_bucket(Bucket="first-run")
    with mock_s3():
        assert boto3.client("s3").list_buckets()["Buckets"] == []


def test_clients_made_before_the_block_are_answered_and_released_after(
    closed_port: int,
) -> None:
    early = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{closed_port}", config=NO_RETRY)
    aws = boto3.Session().client("s3", region_name="eu-west-1")
    with mock_s3() as mocked:
        early.create_bucket(Bucket="made-early")
        aws.create_bucket(
            Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        assert aws.get_bucket_location(Bucket="eu-bucket")["LocationConstraint"] == "eu-west-1"
    assert {e.bucket for e in mocked.journal.filter("CreateBucket")} == {"made-early", "eu-bucket"}
    virtual = mocked.journal.filter("CreateBucket", bucket="eu-bucket")[0]
    assert virtual.path == "/"  # virtual-host style: bucket.s3.eu-west-1.amazonaws.com
    with pytest.raises(EndpointConnectionError):
        early.list_buckets()


def test_other_services_are_untouched(closed_port: int) -> None:
    with mock_s3() as mocked:
        sqs = boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{closed_port}", config=NO_RETRY)
        with pytest.raises(EndpointConnectionError):
            sqs.list_queues()
    assert len(mocked.journal) == 0


def test_presigned_urls_through_requests_and_other_urls_pass_through() -> None:
    with Server(FakeS3(), port=0) as real, mock_s3():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="presigned")
        put_url = s3.generate_presigned_url(
            "put_object", Params={"Bucket": "presigned", "Key": "up.txt"}
        )
        assert requests.put(put_url, data=b"via requests", timeout=10).status_code == 200
        get_url = s3.generate_presigned_url(
            "get_object", Params={"Bucket": "presigned", "Key": "up.txt"}
        )
        assert get_url.startswith("https://presigned.s3.amazonaws.com/up.txt?")
        assert requests.get(get_url, timeout=10).content == b"via requests"
        missing_url = s3.generate_presigned_url(
            "get_object", Params={"Bucket": "presigned", "Key": "nope"}
        )
        missing = requests.get(missing_url, timeout=10)
        assert missing.status_code == 404 and b"<Code>NoSuchKey</Code>" in missing.content
        # unsigned: anonymous, as on S3 (and moto), so a private bucket hides even a key's absence
        anonymous = requests.get("https://presigned.s3.amazonaws.com/up.txt", timeout=10)
        assert anonymous.status_code == 403 and b"<Code>AccessDenied</Code>" in anonymous.content
        health = requests.get(real.endpoint_url + "/_fakes3/health", timeout=10)
        assert health.json()["status"] == "ok"  # a real socket, not the mock


def test_a_generator_body_through_requests_is_sent_chunked() -> None:
    """As requests sends it over a socket (it raised AttributeError: no read())."""
    with mock_s3() as mocked:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="streamed")
        url = s3.generate_presigned_url("put_object", Params={"Bucket": "streamed", "Key": "g"})
        pieces = (piece for piece in (b"gen", "erated", b" " * 70000, b"!"))
        assert requests.put(url, data=pieces, timeout=10).status_code == 200
        body = s3.get_object(Bucket="streamed", Key="g")["Body"].read()
        assert body == b"generated" + b" " * 70000 + b"!"
        assert mocked.errors == []


def test_function_decorator_with_and_without_parentheses() -> None:
    @mock_s3
    def bare() -> list[str]:
        boto3.client("s3").create_bucket(Bucket="bare-decorator")
        return [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]

    @mock_s3()
    def called() -> list[str]:
        return [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]

    assert bare() == ["bare-decorator"]
    assert bare() == ["bare-decorator"]  # fresh each call, so no BucketAlreadyOwnedByYou
    assert called() == []
    assert bare.__name__ == "bare"


def test_nested_blocks_share_one_state() -> None:
    with mock_s3():
        boto3.client("s3").create_bucket(Bucket="outer-bucket")

        @mock_aws
        def inner() -> list[str]:
            return [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]

        assert inner() == ["outer-bucket"]
        assert HierarchicalEmitter.emit is not ORIGINAL_EMIT  # still active after inner
    assert HierarchicalEmitter.emit is ORIGINAL_EMIT


def test_stop_without_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="stopped more often"):
        MockS3().stop()


@mock_s3
class TestPytestStyleClass:
    def setup_method(self) -> None:
        self.s3 = boto3.client("s3")
        self.s3.create_bucket(Bucket="class-bucket")

    def test_setup_ran_inside_the_mock(self) -> None:
        self.s3.put_object(Bucket="class-bucket", Key="k", Body=b"x")
        assert self.s3.list_objects_v2(Bucket="class-bucket")["KeyCount"] == 1

    def test_each_test_starts_fresh(self) -> None:
        assert self.s3.list_objects_v2(Bucket="class-bucket")["KeyCount"] == 0


@mock_aws
class TestUnittestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.s3.create_bucket(Bucket="unittest-bucket")

    def test_put_and_get(self) -> None:
        self.s3.put_object(Bucket="unittest-bucket", Key="k", Body=b"unit")
        body = self.s3.get_object(Bucket="unittest-bucket", Key="k")["Body"].read()
        self.assertEqual(body, b"unit")

    def test_fresh_state(self) -> None:
        self.assertEqual(self.s3.list_objects_v2(Bucket="unittest-bucket")["KeyCount"], 0)


@mock_s3
class TestUnittestSetUpClass(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        boto3.client("s3").create_bucket(Bucket="made-once")

    def test_class_state_is_shared(self) -> None:
        names = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
        self.assertEqual(names, ["made-once"])


def test_mock_s3_fixture(mock_s3: MockS3) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="fixture-bucket")
    mock_s3.journal.assert_called("CreateBucket", bucket="fixture-bucket")


def test_async_functions_can_be_decorated() -> None:
    import asyncio

    @mock_s3
    async def uses_s3() -> list[str]:
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="from-async")
        return [b["Name"] for b in s3.list_buckets()["Buckets"]]

    assert asyncio.run(uses_s3()) == ["from-async"]


def test_moto_config_argument_is_refused() -> None:
    with pytest.raises(TypeError):
        mock_aws(config={"batch": {"use_docker": False}})


def test_own_settings_give_a_block_its_own_app() -> None:
    with mock_s3(settings=fakes3.Settings(region="eu-west-1")) as mocked:
        s3 = boto3.client("s3", region_name="eu-west-1")
        with pytest.raises(s3.exceptions.ClientError, match="IllegalLocationConstraint"):
            s3.create_bucket(Bucket="needs-a-constraint")
    assert mocked.journal.last is not None and mocked.journal.last.status == 400


def test_directory_store_big_streamed_and_unread_bodies(tmp_path: Path) -> None:
    import gc
    import os

    with mock_s3(settings=fakes3.Settings(data_dir=str(tmp_path))) as mocked:
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="on-disk")
        big = os.urandom(3 << 20)
        s3.put_object(Bucket="on-disk", Key="big", Body=big)
        s3.put_object(Bucket="on-disk", Key="small", Body=b"x")
        s3.get_object(Bucket="on-disk", Key="small")  # body never read: nothing left open
        body = s3.get_object(Bucket="on-disk", Key="big")["Body"]
        assert body.read(10) == big[:10] and body.read() == big[10:]
        body.close()
        gc.collect()
    assert mocked.journal.filter("GetObject", key="big")[0].bytes_out == len(big)
    mocked.store.close()


def test_an_aws_host_names_the_endpoint_region() -> None:
    """As S3 does: an eu-west-1 endpoint needs the matching LocationConstraint."""
    with mock_s3():
        eu = boto3.client("s3", region_name="eu-west-1")
        with pytest.raises(eu.exceptions.ClientError, match="IllegalLocationConstraint"):
            eu.create_bucket(Bucket="no-constraint")
        eu.create_bucket(
            Bucket="with-constraint", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        us = boto3.client("s3", region_name="us-east-1")
        us.create_bucket(Bucket="plain")
        assert us.get_bucket_location(Bucket="plain")["LocationConstraint"] is None
        names = [b["Name"] for b in us.list_buckets()["Buckets"]]
        assert names == ["plain", "with-constraint"]


def test_any_credentials_but_access_is_still_decided() -> None:
    """In-process, signatures are not checked (a wrong secret for the known key ``test`` is
    answered, as moto answers it), but what S3 decides for an unknown key still holds: an
    explicit Deny in the bucket policy binds the bucket's owner too."""
    with mock_s3():
        s3 = boto3.client("s3", region_name="us-east-1")
        wrong = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="x"
        )
        s3.create_bucket(Bucket="guarded")
        wrong.put_object(Bucket="guarded", Key="kept", Body=b"v")
        deny = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:DeleteObject",
                    "Resource": "arn:aws:s3:::guarded/*",
                }
            ],
        }
        s3.put_bucket_policy(Bucket="guarded", Policy=json.dumps(deny))
        with pytest.raises(ClientError) as denied:
            wrong.delete_object(Bucket="guarded", Key="kept")
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        assert s3.get_object(Bucket="guarded", Key="kept")["Body"].read() == b"v"


def test_post_policy_conditions_and_presigned_expiry_hold_in_process() -> None:
    with mock_s3():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="forms")
        post = s3.generate_presigned_post(
            "forms", "upload.txt", Conditions=[["content-length-range", 1, 10]], ExpiresIn=60
        )
        files = {"file": ("upload.txt", b"x" * 20)}
        too_big = requests.post(post["url"], data=post["fields"], files=files, timeout=10)
        assert too_big.status_code == 400 and b"EntityTooLarge" in too_big.content
        files = {"file": ("upload.txt", b"small")}
        ok = requests.post(post["url"], data=post["fields"], files=files, timeout=10)
        assert ok.status_code == 204
        with freeze_time(datetime.now(timezone.utc)) as frozen:
            url = s3.generate_presigned_url(
                "get_object", Params={"Bucket": "forms", "Key": "upload.txt"}, ExpiresIn=60
            )
            assert requests.get(url, timeout=10).content == b"small"
            frozen.tick(61)
            expired = requests.get(url, timeout=10)
            assert expired.status_code == 403 and b"Request has expired" in expired.content


def test_a_header_section_over_8_kb_is_refused_in_process_too() -> None:
    """S3's RequestHeaderSectionTooLarge, as the server answers it; 4 KB of headers pass."""

    def junk(size: int) -> Any:
        def add(request: Any, **_: Any) -> None:
            request.headers["X-Junk"] = "j" * size

        return add

    with mock_s3():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="section")
        s3.meta.events.register("before-sign.s3.PutObject", junk(4000), unique_id="junk")
        s3.put_object(Bucket="section", Key="fits", Body=b"x")
        s3.meta.events.unregister("before-sign.s3.PutObject", unique_id="junk")
        s3.meta.events.register("before-sign.s3.PutObject", junk(9000), unique_id="junk")
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket="section", Key="over", Body=b"x")
        error = refused.value.response["Error"]
        assert (error["Code"], error["MaxSizeAllowed"]) == ("RequestHeaderSectionTooLarge", "8192")
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="section")["Contents"]] == ["fits"]


def test_a_header_name_the_server_refuses_is_refused_in_process_too() -> None:
    """botocore sends ``x-amz-meta-a b`` as it is; the server answers 400 (RFC 9110 5.1:
    a name is a token), and so does the in-process mode instead of storing the name."""
    with mock_s3():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="names")
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket="names", Key="k", Body=b"x", Metadata={"a b": "v"})
        assert refused.value.response["Error"]["Code"] == "BadRequest"
        assert s3.list_objects_v2(Bucket="names")["KeyCount"] == 0
        s3.put_object(Bucket="names", Key="k", Body=b"x", Metadata={"a_b.c": "v"})
        assert s3.head_object(Bucket="names", Key="k")["Metadata"] == {"a_b.c": "v"}
        # Judged as sent: the Kelvin sign lower-cases to an ASCII "k" (a raw requests call;
        # over the network http.client would refuse to send it at all).
        url = s3.generate_presigned_url(
            "put_object", Params={"Bucket": "names", "Key": "kelvin"}, ExpiresIn=60
        )
        kelvin = requests.put(url, data=b"x", headers={"x-amz-meta-\u212a": "v"}, timeout=10)
        assert kelvin.status_code == 400 and b"<Code>BadRequest</Code>" in kelvin.content
        assert s3.list_objects_v2(Bucket="names")["KeyCount"] == 1


def test_each_outermost_block_starts_without_the_last_ones_errors() -> None:
    """The shared app outlives its blocks: an exception raised inside one (another test's)
    was still in the next block's ``errors``, failing a test that checked them."""
    with mock_s3() as first:
        first.errors.append(RuntimeError("raised in an earlier block"))
    with mock_s3() as second:
        assert second.app is first.app
        assert second.errors == []
        with mock_s3() as inner:  # a nested block keeps what its outer block has seen
            inner.errors.append(RuntimeError("seen"))
        assert len(second.errors) == 1


@pytest.mark.parametrize("signature_version", ["s3v4", "s3"])
def test_non_ascii_header_values_reach_the_app_as_over_a_network(signature_version: str) -> None:
    """botocore sends a ``str`` header as UTF-8 bytes, which a WSGI server hands over as
    ISO-8859-1: in process the same, so a strict signature check passes and the stored bytes
    are what a server would have stored (they once reached the app as text, ``é`` failed)."""
    disposition = 'attachment; filename="café 小時.txt"'
    with mock_s3(settings=fakes3.Settings(auth="strict")):
        s3 = boto3.client(
            "s3",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(signature_version=signature_version),
        )
        s3.create_bucket(Bucket="utf8-headers")
        s3.put_object(Bucket="utf8-headers", Key="k", Body=b"x", ContentDisposition=disposition)
        sent = s3.head_object(Bucket="utf8-headers", Key="k")["ContentDisposition"]
    assert sent.encode("latin-1").decode() == disposition
