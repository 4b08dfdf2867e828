"""The control endpoints (/_fakes3/..., moto's /moto-api/reset) over HTTP on a real server."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest
import requests
from botocore.client import BaseClient
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server


@pytest.fixture(scope="module")
def app() -> FakeS3:
    return FakeS3()


@pytest.fixture(scope="module")
def url(app: FakeS3) -> Iterator[str]:
    with Server(app, port=0) as server:
        yield server.endpoint_url
    assert not app.errors and not server.errors


@pytest.fixture
def s3(url: str, app: FakeS3) -> BaseClient:
    app.reset()
    return client_for(url)


def test_health(url: str) -> None:
    response = requests.get(url + "/_fakes3/health", timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["backend"] in ("memory", "directory")  # tests/api/test_metrics.py
    assert response.headers["Content-Type"] == "application/json"


def test_reset_forgets_buckets_objects_and_journal(url: str, s3: BaseClient, app: FakeS3) -> None:
    s3.create_bucket(Bucket="doomed")
    s3.put_object(Bucket="doomed", Key="k", Body=b"x")
    response = requests.post(url + "/_fakes3/reset", timeout=10)
    assert response.status_code == 200 and response.json() == {"status": "reset"}
    assert s3.list_buckets()["Buckets"] == []
    # the reset is recorded once it is done, then the ListBuckets
    assert [entry.path for entry in app.journal] == ["/_fakes3/reset", "/"]


def test_moto_server_mode_reset(url: str, s3: BaseClient) -> None:
    s3.create_bucket(Bucket="moto-style")
    response = requests.post(url + "/moto-api/reset", timeout=10)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert s3.list_buckets()["Buckets"] == []


def test_moto_reset_auth_keeps_and_returns_the_count(url: str) -> None:
    first = requests.post(url + "/moto-api/reset-auth", data=b"4", timeout=10)
    assert first.json() == {"status": "ok", "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": "inf"}
    second = requests.post(url + "/moto-api/reset-auth", data=b"inf", timeout=10)
    assert second.json()["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"] == "4"
    bad = requests.post(url + "/moto-api/reset-auth", data=b"many", timeout=10)
    assert bad.status_code == 400


def test_moto_api_is_an_ordinary_bucket_otherwise(url: str, s3: BaseClient) -> None:
    """``moto-api`` is a valid bucket name; only a query-less POST to the reset paths is
    taken, and S3 has no such request."""
    s3.create_bucket(Bucket="moto-api")
    s3.put_object(Bucket="moto-api", Key="reset", Body=b"still here")
    assert s3.get_object(Bucket="moto-api", Key="reset")["Body"].read() == b"still here"
    upload = requests.post(url + "/moto-api/reset?uploads", timeout=10)
    assert upload.headers["Content-Type"] == "application/xml"  # S3 answered, not the control
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["moto-api"]


def test_journal_over_http(url: str, s3: BaseClient) -> None:
    s3.create_bucket(Bucket="seen")
    s3.put_object(Bucket="seen", Key="a b", Body=b"12345", Metadata={"k": "v"})
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="seen", Key="missing")
    entries = requests.get(url + "/_fakes3/journal", timeout=10).json()["entries"]
    operations = [entry["operation"] for entry in entries]
    assert operations[:3] == ["CreateBucket", "PutObject", "GetObject"]
    put, get = entries[1], entries[2]
    assert put["bucket"] == "seen" and put["key"] == "a b" and put["path"] == "/seen/a%20b"
    assert put["status"] == 200 and put["bytes_in"] == 5 and put["error_code"] is None
    assert put["headers"]["x-amz-meta-k"] == "v"
    assert "authorization" not in put["headers"] and put["user_agent"].startswith("Boto3/")
    assert get["status"] == 404 and get["error_code"] == "NoSuchKey" and get["bytes_out"] > 0
    assert put["duration"] >= 0 and put["time"] <= time.time()


def test_journal_filters_and_limit(url: str, s3: BaseClient) -> None:
    s3.create_bucket(Bucket="filtered")
    for key in ("one", "two", "three"):
        s3.put_object(Bucket="filtered", Key=key, Body=b"x")
    journal = url + "/_fakes3/journal"
    puts = requests.get(journal, params={"operation": "PutObject"}, timeout=10).json()
    assert [entry["key"] for entry in puts["entries"]] == ["one", "two", "three"]
    last = requests.get(journal, params={"operation": "PutObject", "limit": 1}, timeout=10)
    assert [entry["key"] for entry in last.json()["entries"]] == ["three"]
    by_status = requests.get(journal, params={"status": "200", "key": "two"}, timeout=10)
    assert len(by_status.json()["entries"]) == 1
    assert requests.get(journal, params={"colour": "red"}, timeout=10).status_code == 400
    assert requests.delete(journal, timeout=10).json() == {"status": "cleared"}
    remaining = requests.get(journal, timeout=10).json()["entries"]
    assert [entry["method"] for entry in remaining] == ["DELETE"]  # recorded after clearing


def test_unknown_control_paths(url: str) -> None:
    missing = requests.get(url + "/_fakes3/nothing", timeout=10)
    assert missing.status_code == 404 and "nothing" in missing.json()["error"]
    assert requests.get(url + "/_fakes3/reset", timeout=10).status_code == 405
    assert requests.put(url + "/_fakes3/health", timeout=10).status_code == 405


def test_reset_of_an_empty_server_is_well_under_a_millisecond(app: FakeS3) -> None:
    app.reset()
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        app.reset()
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.0002  # about 2 us here
