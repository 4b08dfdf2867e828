"""The realism control endpoints over HTTP, as a test in another language would drive them."""

from __future__ import annotations

import requests
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError
from realism_helpers import body_of
from s3clients import client_for

from fakes3.app import FakeS3


def test_set_get_consistency_settle_and_advance(
    app: FakeS3, endpoint: str, s3: BaseClient, bucket: str
) -> None:
    base = f"{endpoint}/_fakes3"
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    answer = requests.put(f"{base}/consistency", json={"preset": "aws-2020", "seed": 7, "lag": 2})
    assert answer.status_code == 200
    assert answer.json()["rules"]["lag"] == [2.0, 2.0] and answer.json()["seed"] == 7
    clock = requests.post(f"{base}/clock/advance", json={"seconds": 0}).json()
    assert clock["manual"] is True
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    assert body_of(s3, bucket, "k") == b"old"
    assert requests.get(f"{base}/consistency").json()["pending"] == 1
    after = requests.post(f"{base}/clock/advance", json={"seconds": 2.5}).json()
    assert after["time"] == clock["time"] + 2.5
    assert body_of(s3, bucket, "k") == b"new"
    s3.put_object(Bucket=bucket, Key="k", Body=b"newer")
    assert body_of(s3, bucket, "k") == b"new"
    assert requests.post(f"{base}/consistency/settle").json() == {"status": "settled"}
    assert body_of(s3, bucket, "k") == b"newer"
    assert requests.get(f"{base}/clock").json()["manual"] is True


def test_per_bucket_mode_and_errors(app: FakeS3, endpoint: str, bucket: str) -> None:
    base = f"{endpoint}/_fakes3"
    scoped = requests.put(f"{base}/consistency", json={"preset": "eventual", "bucket": bucket})
    assert scoped.json()["preset"] == "strong"
    assert scoped.json()["buckets"][bucket]["preset"] == "eventual"
    bad = requests.put(f"{base}/consistency", json={"preset": "sometimes"})
    assert bad.status_code == 400 and bad.json()["code"] == "InvalidArgument"
    assert requests.put(f"{base}/consistency", data=b"{nope").status_code == 400
    assert requests.delete(f"{base}/consistency").status_code == 405
    assert requests.get(f"{base}/nothing-here").status_code == 404


def test_fault_rules_over_http(app: FakeS3, endpoint: str, bucket: str) -> None:
    base = f"{endpoint}/_fakes3"
    created = requests.post(
        f"{base}/faults",
        json={
            "operation": ["PutObject", "GetObject"],
            "bucket": bucket,
            "error": "SlowDown",
            "first": 1,
        },
    )
    assert created.status_code == 201
    rule = created.json()["rule"]
    assert [r["id"] for r in requests.get(f"{base}/faults").json()["rules"]] == [rule["id"]]
    once = client_for(endpoint, config=Config(retries={"total_max_attempts": 1}))
    try:
        once.put_object(Bucket=bucket, Key="k", Body=b"x")
        raise AssertionError("the fault did not fire")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "SlowDown"
    once.put_object(Bucket=bucket, Key="k", Body=b"x")  # first=1: only once
    [listed] = requests.get(f"{base}/faults").json()["rules"]
    assert (listed["matched"], listed["fired"]) == (2, 1)
    journal = requests.get(f"{base}/journal", params={"operation": "PutObject"}).json()["entries"]
    assert journal[-2]["fault"] == f"{rule['id']}: SlowDown" and journal[-1]["fault"] is None
    assert requests.delete(f"{base}/faults/{rule['id']}").status_code == 200
    assert requests.delete(f"{base}/faults/{rule['id']}").status_code == 404
    assert (
        requests.post(f"{base}/faults", json={"error": "SlowDown", "colour": 1}).status_code == 400
    )
    requests.post(f"{base}/faults", json={"latency": 0.01})
    assert requests.delete(f"{base}/faults").json() == {"status": "cleared"}
    assert app.faults.rules == []


def test_reset_restores_strong_mode_clears_faults_and_the_clock(app: FakeS3) -> None:
    store = app.store
    wall = store.clock
    app.consistency.set("eventual")
    app.consistency.advance(30)
    app.faults.add(error="SlowDown")
    app.consistency.reset()
    app.faults.clear()
    assert store.view is None and store.clock is wall and not app.faults.rules


def test_skew_is_checked_against_the_wall_clock_expiry_against_the_store_clock(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    presigned = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=3600
    )
    assert requests.get(presigned, timeout=10).status_code == 200
    app.consistency.advance(30 * 86400)  # days ahead: boto3 still signs with the real time
    listed = s3.list_objects_v2(Bucket=bucket)
    assert [item["Key"] for item in listed["Contents"]] == ["k"]
    expired = requests.get(presigned, timeout=10)  # its hour has passed on the store's clock
    assert expired.status_code == 403 and b"Request has expired" in expired.content
