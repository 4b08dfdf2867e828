"""Control endpoints refuse bad input up front (400 naming it, nothing changed), and a reset
fault on HEAD drops the connection: over a real server on both backends (issue 11)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

sys.path.insert(0, str(Path(__file__).parent / "api"))
from wire import exchange, request  # noqa: E402


@pytest.fixture(scope="module", params=["memory", "directory"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = str(tmp_path_factory.mktemp("ctl")) if request.param == "directory" else None
    app = FakeS3(Settings(data_dir=data_dir))
    with Server(app, port=0) as server:
        yield server.endpoint_url
    assert not app.errors and not server.errors, (app.errors, server.errors)


def _post(url: str, path: str, body: bytes) -> requests.Response:
    return requests.post(url + path, data=body, timeout=10)


def _state(url: str) -> tuple[Any, ...]:
    clock = requests.get(url + "/_fakes3/clock", timeout=10).json()
    consistency = requests.get(url + "/_fakes3/consistency", timeout=10).json()
    consistency["clock"].pop("time")  # the wall clock moves on its own
    faults = requests.get(url + "/_fakes3/faults", timeout=10).json()
    return clock["manual"], consistency, faults


def _s3_still_works(url: str, name: str) -> None:
    s3 = client_for(url)
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"x"


ADVANCE = [
    b'{"seconds": Infinity}',
    b'{"seconds": -Infinity}',
    b'{"seconds": NaN}',
    b'{"seconds": 1e12}',
    b'{"seconds": -1}',
    b'{"seconds": "5"}',
    b'{"seconds": true}',
    b'{"seconds": [5]}',
    b'{"secs": 5}',
    b"[" * 6000,
    b'{"a":' * 6000,
    b"5",
    b"not json",
]


@pytest.mark.parametrize("body", ADVANCE)
def test_clock_advance_refuses_bad_input(url: str, body: bytes) -> None:
    before = _state(url)
    response = _post(url, "/_fakes3/clock/advance", body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]
    assert _state(url) == before
    _s3_still_works(url, "after-clock")


def test_clock_advance_accepts_a_number(url: str) -> None:
    start = requests.get(url + "/_fakes3/clock", timeout=10).json()["time"]
    moved = _post(url, "/_fakes3/clock/advance", b'{"seconds": 60}').json()
    assert moved["manual"] is True and moved["time"] >= start + 60
    _s3_still_works(url, "after-advance")
    requests.post(url + "/_fakes3/reset", timeout=10)


CONSISTENCY = [
    {"preset": "aws-2020", "seed": {}},
    {"preset": "aws-2020", "seed": "7"},
    {"preset": 5},
    {"preset": "aws-2020", "lag": [1, float("inf")]},
    {"preset": "aws-2020", "lag": "slow"},
    {"preset": "aws-2020", "probability": float("nan")},
    {"preset": "aws-2020", "replicas": 0},
    {"preset": "aws-2020", "replicas": True},
    {"preset": "aws-2020", "read_after_write": "yes"},
    {"preset": "aws-2020", "bucket": ["b"]},
    {"preset": "nope"},
    {"preset": "aws-2020", "colour": "blue"},
]


@pytest.mark.parametrize("document", CONSISTENCY)
def test_consistency_refuses_bad_input(url: str, document: dict[str, Any]) -> None:
    before = _state(url)
    response = requests.put(url + "/_fakes3/consistency", data=json.dumps(document), timeout=10)
    assert response.status_code == 400, response.text
    assert response.json()["error"]
    assert _state(url) == before


FAULTS = [
    ({"operation": "HeadObjekt", "reset": True}, "HeadObjekt"),
    ({"operation": ["GetObject", "Nope"], "error": "SlowDown"}, "Nope"),
    ({"operation": 5, "reset": True}, "operation"),
    ({"latency": "1"}, "latency"),
    ({"latency": float("inf")}, "latency"),
    ({"latency": -1}, "latency"),
    ({"latency": 1, "probability": "0.5"}, "probability"),
    ({"reset": "yes"}, "reset"),
    ({"error": "SlowDown", "status": 1000}, "status"),
    ({"error": "Teapot", "status": 100}, "status"),  # an interim answer with an XML body
    ({"error": "Teapot", "status": 204}, "status"),  # answers that carry no body
    ({"error": "Teapot", "status": 304}, "status"),
    ({"error": 503}, "error"),
    ({"reset": True, "first": True}, "first"),
    ({"reset": True, "key": ["a"]}, "key"),
    ({"reset": True, "bogus": 1}, "bogus"),
]


@pytest.mark.parametrize(("document", "named"), FAULTS)
def test_fault_rules_refuse_bad_input(url: str, document: dict[str, Any], named: str) -> None:
    before = _state(url)
    response = _post(url, "/_fakes3/faults", json.dumps(document).encode())
    assert response.status_code == 400, response.text
    assert named in response.json()["error"]
    assert _state(url) == before


def test_reset_fault_on_head_drops_the_connection(url: str) -> None:
    _s3_still_works(url, "head-reset")
    added = _post(url, "/_fakes3/faults", b'{"operation": "HeadObject", "reset": true}')
    assert added.status_code == 201, added.text
    try:
        reply = exchange(url, request("HEAD", "/head-reset/k", []))
        assert reply.status == 0 and reply.raw == b""  # no status line: the connection dropped
        got = exchange(url, request("GET", "/head-reset/k", []))
        assert (got.status, got.body) == (200, b"x")  # the rule names HEAD's operation only
    finally:
        requests.delete(url + "/_fakes3/faults", timeout=10)
    assert exchange(url, request("HEAD", "/head-reset/k", [])).status == 200
