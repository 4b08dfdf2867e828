"""``fakes3 serve --consistency --seed``, and the same controls on an in-process mock_s3 app."""

from __future__ import annotations

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ResponseStreamingError
from test_cli import fakes3_serve  # type: ignore[import-not-found]

from fakes3 import mock_s3
from fakes3.cli import build_parser, main, settings_from_args
from fakes3.settings import Settings


def _settings(argv: list[str], environ: dict[str, str] | None = None) -> Settings:
    return settings_from_args(build_parser().parse_args(["serve", *argv]), environ or {})


def test_consistency_and_seed_flags_and_variables() -> None:
    assert _settings(["--consistency", "aws-2020", "--seed", "7"]) == Settings(
        consistency="aws-2020", seed=7
    )
    environ = {"FAKES3_CONSISTENCY": "eventual", "FAKES3_SEED": "3"}
    assert _settings([], environ) == Settings(consistency="eventual", seed=3)
    assert _settings(["--seed", "4"], environ).seed == 4


def test_an_unknown_preset_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--consistency", "sometimes"])
    assert exit_info.value.code == 2
    with pytest.raises(ValueError, match="consistency must be one of"):
        _settings([], {"FAKES3_CONSISTENCY": "sometimes"})


def test_serve_starts_in_the_mode_asked_for() -> None:
    with fakes3_serve("--quiet", "--consistency", "aws-2020", "--seed", "9") as (proc, url, _):
        state = requests.get(url + "/_fakes3/consistency", timeout=10).json()
        assert (state["preset"], state["seed"]) == ("aws-2020", 9)
        proc.terminate()
        assert proc.wait(timeout=20) == 0


def test_mock_s3_has_the_same_controls() -> None:
    with mock_s3() as mocked:
        s3 = boto3.client(
            "s3", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
        )
        s3.create_bucket(Bucket="inproc")
        s3.put_object(Bucket="inproc", Key="k", Body=b"old")
        mocked.consistency.manual_clock()
        mocked.consistency.set("aws-2020", seed=1, lag=1)
        s3.put_object(Bucket="inproc", Key="k", Body=b"new")
        assert s3.get_object(Bucket="inproc", Key="k")["Body"].read() == b"old"
        mocked.consistency.advance(1.5)
        assert s3.get_object(Bucket="inproc", Key="k")["Body"].read() == b"new"
        mocked.faults.add(operation="GetObject", error="SlowDown", first=1)
        with pytest.raises(ClientError, match="SlowDown"):
            s3.get_object(Bucket="inproc", Key="k")
        mocked.faults.add(operation="GetObject", reset=True, first=1)
        with pytest.raises(ConnectionClosedError):
            s3.get_object(Bucket="inproc", Key="k")
        s3.put_object(
            Bucket="inproc", Key="big", Body=b"z" * (2 << 20)
        )  # streamed, not read at once
        mocked.faults.add(operation="GetObject", break_after=1000, first=1)
        with pytest.raises(ResponseStreamingError):
            s3.get_object(Bucket="inproc", Key="big")["Body"].read()
        mocked.faults.add(operation="GetObject", break_after=10, first=1)
        with pytest.raises(ConnectionClosedError):  # a small body is read at once
            s3.get_object(Bucket="inproc", Key="k")
        mocked.reset()
        assert mocked.consistency.rules.preset == "strong" and not mocked.faults.rules


def test_reset_goes_back_to_the_mode_the_server_started_in() -> None:
    from fakes3.app import FakeS3

    app = FakeS3(Settings(consistency="aws-2020", seed=5))
    assert app.consistency.rules.preset == "aws-2020" and app.store.view is not None
    app.consistency.set("eventual")
    app.reset()
    assert app.consistency.rules.preset == "aws-2020" and app.consistency.seed == 5
