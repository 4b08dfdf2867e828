"""Fault rules through a real server and boto3: errors, retries, latency, resets, cut bodies."""

from __future__ import annotations

import time

import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ResponseStreamingError
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.errors import InvalidArgument

NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def once(s3: BaseClient) -> BaseClient:
    """A client that never retries, so each fault shows."""
    return client_for(s3.meta.endpoint_url, config=NO_RETRIES)


def _code(call: object) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()  # type: ignore[operator]
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_standard_retries_ride_out_slow_down_for_the_first_two_puts(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    app.faults.add(operation="PutObject", bucket=bucket, error="SlowDown", first=2)
    retrying = client_for(s3.meta.endpoint_url, config=Config(retries={"mode": "standard"}))
    app.journal.clear()
    retrying.put_object(Bucket=bucket, Key="k", Body=b"x")
    puts = app.journal.filter("PutObject", bucket=bucket)
    assert [(e.status, e.error_code, e.fault) for e in puts] == [
        (503, "SlowDown", puts[0].fault),
        (503, "SlowDown", puts[0].fault),
        (200, None, None),
    ]
    assert puts[0].fault is not None and "SlowDown" in puts[0].fault
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("SlowDown", 503),
        ("InternalError", 500),
        ("ServiceUnavailable", 503),
        ("RequestTimeout", 400),
        ("AccessDenied", 403),
    ],
)
def test_each_error_answers_its_code_and_status(
    app: FakeS3, once: BaseClient, bucket: str, code: str, status: int
) -> None:
    app.faults.add(operation="GetObject", error=code)
    assert _code(lambda: once.get_object(Bucket=bucket, Key="k")) == (code, status)


def test_a_code_fakes3_does_not_know_needs_a_status(
    app: FakeS3, once: BaseClient, bucket: str
) -> None:
    with pytest.raises(InvalidArgument):
        app.faults.add(error="TeapotError")
    app.faults.add(operation="HeadBucket", error="TeapotError", status=418)
    with pytest.raises(ClientError, match="418"):
        once.head_bucket(Bucket=bucket)


def test_a_failed_put_stores_nothing(app: FakeS3, once: BaseClient, bucket: str) -> None:
    app.faults.add(operation="PutObject", error="InternalError")
    assert _code(lambda: once.put_object(Bucket=bucket, Key="k", Body=b"x"))[0] == "InternalError"
    app.faults.clear()
    assert once.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_every_nth_and_matching_by_key_glob_and_method(
    app: FakeS3, once: BaseClient, bucket: str
) -> None:
    rule = app.faults.add(key="logs/*", method="put", error="SlowDown", every=2)
    outcomes = []
    for index in range(4):
        try:
            once.put_object(Bucket=bucket, Key=f"logs/{index}", Body=b"x")
            outcomes.append("ok")
        except ClientError:
            outcomes.append("slow")
    once.put_object(Bucket=bucket, Key="data/1", Body=b"x")  # no match
    once.get_object(Bucket=bucket, Key="logs/0")  # GET: no match
    assert outcomes == ["ok", "slow", "ok", "slow"]
    assert (rule.matched, rule.fired) == (4, 2)


def test_probability_is_seeded(app: FakeS3, once: BaseClient, bucket: str) -> None:
    def pattern(seed: int) -> list[bool]:
        app.faults.clear(seed=seed)
        app.faults.add(operation="HeadBucket", error="SlowDown", probability=0.5)
        fired = []
        for _ in range(16):
            try:
                once.head_bucket(Bucket=bucket)
                fired.append(False)
            except ClientError:
                fired.append(True)
        return fired

    first = pattern(3)
    assert first == pattern(3)
    assert any(first) and not all(first)


def test_latency_delays_the_answer(app: FakeS3, once: BaseClient, bucket: str) -> None:
    app.faults.add(operation="HeadBucket", latency=0.2, first=1)
    started = time.perf_counter()
    once.head_bucket(Bucket=bucket)
    assert time.perf_counter() - started >= 0.2  # a lower bound only
    entry = app.journal.filter("HeadBucket", bucket=bucket)[-1]
    assert entry.duration >= 0.2 and entry.fault is not None and "latency" in entry.fault


def test_a_reset_connection_is_a_client_error(app: FakeS3, once: BaseClient, bucket: str) -> None:
    once.put_object(Bucket=bucket, Key="k", Body=b"x")
    app.faults.add(operation="GetObject", reset=True, first=1)
    with pytest.raises(ConnectionClosedError):
        once.get_object(Bucket=bucket, Key="k")
    assert once.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"  # the next is fine
    entries = app.journal.filter("GetObject", bucket=bucket)
    assert entries[-2].fault is not None and "reset" in entries[-2].fault


def test_a_reset_put_is_not_stored(app: FakeS3, once: BaseClient, bucket: str) -> None:
    app.faults.add(operation="PutObject", reset=True)
    with pytest.raises(ConnectionClosedError):
        once.put_object(Bucket=bucket, Key="k", Body=b"x")
    app.faults.clear()
    assert once.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_a_body_cut_short_is_a_streaming_error(app: FakeS3, once: BaseClient, bucket: str) -> None:
    once.put_object(Bucket=bucket, Key="big", Body=b"y" * 100_000)
    app.faults.add(operation="GetObject", break_after=1000, first=1)
    response = once.get_object(Bucket=bucket, Key="big")
    assert response["ContentLength"] == 100_000  # the headers promised it all
    with pytest.raises(ResponseStreamingError):
        response["Body"].read()
    assert len(once.get_object(Bucket=bucket, Key="big")["Body"].read()) == 100_000


def test_rules_come_and_go_while_the_server_runs(
    app: FakeS3, once: BaseClient, bucket: str
) -> None:
    rule = app.faults.add(operation="HeadBucket", error="InternalError")
    with pytest.raises(ClientError):
        once.head_bucket(Bucket=bucket)
    assert app.faults.remove(rule.id)
    assert not app.faults.remove(rule.id)
    once.head_bucket(Bucket=bucket)


def test_rules_need_one_action(app: FakeS3) -> None:
    with pytest.raises(InvalidArgument):
        app.faults.add(operation="PutObject")
    with pytest.raises(InvalidArgument):
        app.faults.add(error="SlowDown", reset=True)
    with pytest.raises(InvalidArgument):
        app.faults.add(error="SlowDown", first=0)
    with pytest.raises(InvalidArgument):
        app.faults.add(error="SlowDown", colour="red")
