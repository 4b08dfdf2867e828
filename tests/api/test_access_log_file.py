"""``--access-log FILE``: S3's server access log format (or JSON lines) for every S3 request,
and the human log line's S3 error code."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from s3clients import client_for

from fakes3.access_log_format import FIELDS, parse_line
from fakes3.app import FakeS3
from fakes3.auth.accounts import Accounts
from fakes3.server import Server
from fakes3.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_cli import fakes3_serve  # noqa: E402

CANONICAL = Accounts(()).default.canonical_id


def traffic(endpoint: str) -> None:
    s3 = client_for(endpoint)
    s3.create_bucket(Bucket="logged")
    s3.put_object(Bucket="logged", Key="dir/a b.txt", Body=b"12345")
    assert s3.get_object(Bucket="logged", Key="dir/a b.txt")["Body"].read() == b"12345"
    with pytest.raises(ClientError):
        s3.get_object(Bucket="logged", Key="missing")


def test_s3_format_lines(tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    app = FakeS3(Settings(access_log=str(path)))
    with Server(app, port=0) as server:
        traffic(server.endpoint_url)
    assert app.access_log_file is not None
    app.access_log_file.close()
    lines = path.read_text().splitlines()
    assert len(lines) == 4
    records = [parse_line(line) for line in lines]
    assert [r["operation"] for r in records] == [
        "REST.PUT.BUCKET",
        "REST.PUT.OBJECT",
        "REST.GET.OBJECT",
        "REST.GET.OBJECT",
    ]
    put, get, missing = records[1:]
    assert put["bucket"] == "logged" and put["bucket_owner"] == CANONICAL
    assert put["key"] == "dir/a%20b.txt"
    assert put["request_uri"].startswith("PUT /logged/dir/a%20b.txt")
    assert put["http_status"] == "200" and put["error_code"] == "-"
    assert put["requester"] == CANONICAL and put["signature_version"] == "SigV4"
    assert put["authentication_type"] == "AuthHeader"
    assert re.fullmatch(r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000", put["time"])
    assert get["bytes_sent"] == "5" and get["object_size"] == "5"
    assert missing["http_status"] == "404" and missing["error_code"] == "NoSuchKey"
    assert all(len(re.findall(r'"[^"]*"|\[[^\]]*\]|\S+', line)) >= 25 for line in lines)


def test_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "access.jsonl"
    app = FakeS3(Settings(access_log=str(path), access_log_format="json"))
    with Server(app, port=0) as server:
        traffic(server.endpoint_url)
        requests_made = len([e for e in app.journal if not e.path.startswith("/_fakes3/")])
    assert app.access_log_file is not None
    app.access_log_file.close()
    documents = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(documents) == requests_made == 4
    assert all(set(document) == set(FIELDS) for document in documents)
    assert documents[-1]["error_code"] == "NoSuchKey" and documents[-1]["http_status"] == 404
    assert documents[1]["key"] == "dir/a b.txt" and documents[1]["operation"] == "REST.PUT.OBJECT"


def test_serve_flag_and_human_line_with_error_code(tmp_path: Path) -> None:
    path = tmp_path / "s3.log"
    with fakes3_serve("--access-log", str(path)) as (proc, url, _):
        traffic(url)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert proc.stderr is not None
        log = proc.stderr.read()
    assert re.search(r"^127\.0\.0\.1 GET /logged/missing 404 GetObject NoSuchKey \d+ ", log, re.M)
    assert re.search(r"^127\.0\.0\.1 PUT /logged/dir/a%20b\.txt 200 PutObject 0 ", log, re.M)
    lines = path.read_text().splitlines()
    assert [parse_line(line)["error_code"] for line in lines] == ["-", "-", "-", "NoSuchKey"]


def test_bad_access_log_settings_stop_serve(tmp_path: Path) -> None:
    from fakes3 import cli

    missing_dir = tmp_path / "nowhere" / "s3.log"
    assert cli.serve(Settings(port=0, access_log=str(missing_dir))) == 2
    with pytest.raises(SystemExit):
        cli.main(["serve", "--access-log-format", "xml"])


def test_refused_requests_are_written_and_control_requests_are_not(tmp_path: Path) -> None:
    import boto3
    import requests

    path = tmp_path / "access.log"
    app = FakeS3(Settings(access_log=str(path), auth="strict"))
    with Server(app, port=0) as server:
        client_for(server.endpoint_url).create_bucket(Bucket="guarded")
        forged = boto3.client(
            "s3",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="not-the-secret",
        )
        with pytest.raises(ClientError) as caught:
            forged.get_object(Bucket="guarded", Key="some/key")
        assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
        requests.get(server.endpoint_url + "/_fakes3/health", timeout=10).raise_for_status()
    assert app.access_log_file is not None
    app.access_log_file.close()
    created, refused = (parse_line(line) for line in path.read_text().splitlines())
    assert created["operation"] == "REST.PUT.BUCKET"
    assert (refused["bucket"], refused["key"], refused["operation"]) == (
        "guarded",
        "some/key",
        "REST.GET.OBJECT",
    )
    assert (refused["http_status"], refused["error_code"]) == ("403", "SignatureDoesNotMatch")
    assert refused["requester"] == "-" and refused["signature_version"] == "SigV4"
    assert refused["request_uri"].startswith("GET /guarded/some/key")
