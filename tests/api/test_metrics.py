"""``/_fakes3/metrics`` parsed by prometheus_client's parser, and ``/_fakes3/health``, over a
real server driven by boto3 (both backends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from prometheus_client.parser import text_string_to_metric_families
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture(params=["memory", "directory"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server of its own: the counters start at zero."""
    data_dir = str(tmp_path_factory.mktemp("data")) if request.param == "directory" else None
    with Server(FakeS3(Settings(data_dir=data_dir)), port=0) as running:
        yield running


def scrape(server: Server) -> tuple[dict[str, str], Samples]:
    answer = requests.get(server.endpoint_url + "/_fakes3/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    kinds: dict[str, str] = {}
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.text):
        kinds[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return kinds, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def drive(s3: BaseClient) -> None:
    s3.create_bucket(Bucket="metered")
    s3.put_object(Bucket="metered", Key="a", Body=b"x" * 1000)
    s3.put_object(Bucket="metered", Key="b", Body=b"y" * 24)
    assert s3.get_object(Bucket="metered", Key="a")["Body"].read() == b"x" * 1000
    with pytest.raises(ClientError):
        s3.get_object(Bucket="metered", Key="missing")
    s3.create_multipart_upload(Bucket="metered", Key="pending")


def test_metrics_count_what_was_done(server: Server) -> None:
    s3 = client_for(server.endpoint_url)
    drive(s3)
    kinds, samples = scrape(server)
    assert kinds["fakes3_requests"] == "counter"
    assert kinds["fakes3_request_duration_seconds"] == "histogram"
    assert value(samples, "fakes3_requests_total", operation="PutObject", status="200") == 2
    assert value(samples, "fakes3_requests_total", operation="GetObject", status="200") == 1
    assert value(samples, "fakes3_requests_total", operation="GetObject", status="404") == 1
    assert value(samples, "fakes3_errors_total", operation="GetObject", code="NoSuchKey") == 1
    assert value(samples, "fakes3_request_duration_seconds_count", operation="PutObject") == 2
    assert (
        value(samples, "fakes3_request_duration_seconds_bucket", operation="PutObject", le="+Inf")
        == 2
    )
    assert value(samples, "fakes3_request_duration_seconds_sum", operation="PutObject") > 0
    assert value(samples, "fakes3_received_bytes_total") >= 1024
    assert value(samples, "fakes3_sent_bytes_total") >= 1000
    assert value(samples, "fakes3_bucket_objects", bucket="metered") == 2
    assert value(samples, "fakes3_bucket_bytes", bucket="metered") == 1024
    assert value(samples, "fakes3_multipart_uploads_active", bucket="metered") == 1
    assert value(samples, "fakes3_buckets") == 1
    # scrapes and control calls are not S3 traffic
    assert not any(
        labels and name == "fakes3_requests_total" and ("operation", "none") in labels
        for name, labels in samples
    )
    _, again = scrape(server)
    assert value(again, "fakes3_requests_total", operation="PutObject", status="200") == 2
    s3.delete_object(Bucket="metered", Key="b")
    _, after = scrape(server)
    assert value(after, "fakes3_bucket_objects", bucket="metered") == 1
    assert value(after, "fakes3_bucket_bytes", bucket="metered") == 1000


def test_faults_and_consistency_anomalies_are_counted(server: Server) -> None:
    app = server.app
    assert app is not None
    s3 = client_for(server.endpoint_url)
    s3.create_bucket(Bucket="shaky")
    rule = app.faults.add(operation="HeadBucket", error="AccessDenied", first=1)
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket="shaky")
    app.consistency.set("aws-2020", seed=1)
    s3.put_object(Bucket="shaky", Key="k", Body=b"old")
    app.consistency.settle()
    s3.put_object(Bucket="shaky", Key="k", Body=b"new")
    stale = s3.get_object(Bucket="shaky", Key="k")["Body"].read()
    _, samples = scrape(server)
    assert value(samples, "fakes3_faults_fired_total", rule=rule.describe()) == 1
    assert value(samples, "fakes3_errors_total", operation="HeadBucket", code="AccessDenied") == 1
    served = value(
        samples, "fakes3_consistency_anomalies_served_total", anomaly="read-after-overwrite"
    )
    assert stale == b"old"  # every replica lags 0.5 s to 3 s behind in aws-2020
    assert served == 1
    assert value(samples, "fakes3_fault_rules") == 1


def test_reset_zeroes_counters(server: Server) -> None:
    s3 = client_for(server.endpoint_url)
    drive(s3)
    requests.post(server.endpoint_url + "/_fakes3/reset", timeout=10).raise_for_status()
    _, samples = scrape(server)
    assert not [key for key in samples if key[0] == "fakes3_requests_total"]
    assert value(samples, "fakes3_buckets") == 0


def test_health_reports_backend_uptime_and_counts(server: Server) -> None:
    s3 = client_for(server.endpoint_url)
    drive(s3)
    health = requests.get(server.endpoint_url + "/_fakes3/health", timeout=10).json()
    assert health["status"] == "ok"
    assert health["backend"] == ("directory" if server.app.settings.data_dir else "memory")  # type: ignore[union-attr]
    assert health["uptime"] >= 0
    counts = health["counts"]
    assert (counts["buckets"], counts["objects"], counts["bytes"], counts["uploads"]) == (
        1,
        2,
        1024,
        1,
    )
    assert counts["requests"] == 6


def test_streamed_bodies_count_once_sent_and_unfinished_ones_do_not_pile_up() -> None:
    from fakes3.journal import Entry
    from fakes3.metrics import Metrics

    metrics = Metrics(FakeS3())
    entries = [
        Entry(
            0.0,
            "GET",
            "/b/k",
            "",
            "GetObject",
            "b",
            "k",
            None,
            200,
            None,
            None,
            None,
            0.001,
            None,
            {},
        )
        for _ in range(1000)
    ]
    for entry in entries:
        metrics.observe(entry)
    assert metrics._fold_at > 1000  # never rescanned on every request while all still stream
    for entry in entries[:10]:
        entry.bytes_out = 7
    kinds = metrics.render()
    assert "fakes3_sent_bytes_total 70\n" in kinds
    assert "fakes3_sent_bytes_total 70\n" in metrics.render()  # counted once
