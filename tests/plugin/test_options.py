"""The fakes3 marker, --fakes3-backend / --s3-endpoint (and their ini names), xdist."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

Run = Callable[..., pytest.RunResult]

BACKEND_TESTS = """
import pytest

def test_default(fakes3):
    assert fakes3.server.backend == "{default}"

@pytest.mark.fakes3(backend="directory")
def test_directory(fakes3, s3_client, s3_bucket):
    assert fakes3.server.backend == "directory" and fakes3.settings.data_dir
    s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"on disk")
    assert s3_client.get_object(Bucket=s3_bucket, Key="k")["Body"].read() == b"on disk"

@pytest.mark.fakes3(backend="memory")
def test_memory(fakes3, s3_client):
    assert fakes3.server.backend == "memory" and fakes3.settings.data_dir is None
    assert s3_client.list_buckets()["Buckets"] == []
"""


def test_marker_chooses_the_backend_per_test(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(BACKEND_TESTS.format(default="memory"))
    run("--strict-markers").assert_outcomes(passed=3)


def test_backend_option(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(BACKEND_TESTS.format(default="directory"))
    run("--fakes3-backend", "directory").assert_outcomes(passed=3)


def test_backend_ini(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makeini("[pytest]\nfakes3_backend = directory\n")
    pytester.makepyfile(BACKEND_TESTS.format(default="directory"))
    run().assert_outcomes(passed=3)


def test_bad_marker_arguments_are_errors(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fakes3(backend="tape")
        def test_unknown_backend(fakes3):
            pass

        @pytest.mark.fakes3(colour="red")
        def test_unknown_argument(fakes3):
            pass
        """
    )
    result = run()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*must be one of*", "*takes keyword arguments*"])


def test_settings_fixture_can_be_overridden(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makeconftest(
        """
        import pytest
        from fakes3 import Settings

        @pytest.fixture(scope="session")
        def fakes3_settings():
            return Settings(region="eu-west-1")
        """
    )
    pytester.makepyfile(
        """
        def test_region(fakes3, s3_client, s3_bucket):
            assert fakes3.region == "eu-west-1" and s3_client.meta.region_name == "eu-west-1"
            location = s3_client.get_bucket_location(Bucket=s3_bucket)["LocationConstraint"]
            assert location == "eu-west-1"
        """
    )
    run().assert_outcomes(passed=1)


def test_journal_assertion_failure_lists_the_closest_requests(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        """
        def test_wrong_key(fakes3, s3_client, s3_bucket):
            s3_client.put_object(Bucket=s3_bucket, Key="reports/2024.csv", Body=b"x")
            s3_client.list_objects_v2(Bucket=s3_bucket)
            fakes3.journal.assert_called("PutObject", bucket=s3_bucket, key="reports/2025.csv")
        """
    )
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: expected operation='PutObject', bucket='test-*', "
            "key='reports/2025.csv' at least once, found 0 time(s)",
            "*closest of 3 recorded request(s):",
            "*PutObject PUT test-*/reports/2024.csv -> 200  (differs: key='reports/2024.csv')",
        ]
    )


def test_xdist_workers_each_get_their_own_server(
    pytester: pytest.Pytester, run_subprocess: Run
) -> None:
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_same_bucket_name_everywhere(fakes3, s3_client, n, worker_id):
            s3_client.create_bucket(Bucket="everyone-uses-this")
            assert [b["Name"] for b in s3_client.list_buckets()["Buckets"]] == [
                "everyone-uses-this"
            ]
            with open(os.path.join(os.environ["RECORD_DIR"], f"{n}.txt"), "w") as out:
                out.write(f"{worker_id} {fakes3.endpoint_url}")
        """
    )
    record = pytester.path / "record"
    record.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RECORD_DIR", str(record))
        result = run_subprocess("-n", "3")
    result.assert_outcomes(passed=8)
    pairs = {tuple(p.read_text().split()) for p in record.iterdir()}
    workers = {worker for worker, _ in pairs}
    endpoints = {endpoint for _, endpoint in pairs}
    assert len(workers) >= 2 and len(endpoints) == len(workers) == len(pairs)


@contextlib.contextmanager
def second_fakes3(data_dir: Path) -> Iterator[str]:
    """``fakes3 serve`` in its own process, as an "external" S3-compatible endpoint."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fakes3", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        match = re.search(r"listening on (\S+)", proc.stdout.readline())
        assert match, proc.stderr.read() if proc.stderr else ""
        yield match[1]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_s3_endpoint_runs_the_same_tests_elsewhere(
    pytester: pytest.Pytester, run: Run, tmp_path: Path
) -> None:
    pytester.makepyfile(
        """
        import os
        import boto3

        def test_fixtures_work(fakes3, s3_client, s3_bucket):
            assert fakes3.endpoint_url == os.environ["OUTER_ENDPOINT"]
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"far away")
            assert boto3.client("s3").get_object(Bucket=s3_bucket, Key="k")["Body"].read() == (
                b"far away"
            )

        def test_journal_needs_a_fakes3_server(fakes3):
            fakes3.journal.assert_called("PutObject")

        def test_reset_needs_a_fakes3_server(fakes3):
            fakes3.reset()
        """
    )
    with second_fakes3(tmp_path) as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("OUTER_ENDPOINT", url)
        for args in (["--s3-endpoint", url], ["-o", f"s3_endpoint={url}"]):
            result = run("-rs", *args)
            result.assert_outcomes(passed=1, skipped=2)
            result.stdout.fnmatch_lines(
                [
                    "*SKIPPED*fakes3 app is not available: the tests run against the external "
                    f"endpoint {url} (--s3-endpoint)"
                ]
            )
        journal = requests.get(url + "/_fakes3/journal", timeout=10).json()["entries"]
        operations = [entry["operation"] for entry in journal]
        assert operations.count("PutObject") == 2 and operations.count("DeleteBucket") == 2
        assert requests.get(url, timeout=10).text.count("<Bucket>") == 0  # cleaned up


def test_settings_with_a_data_dir_choose_the_directory_store(
    pytester: pytest.Pytester, run: Run
) -> None:
    data = pytester.path / "s3-data"
    pytester.makeconftest(
        f"""
        import pytest
        from fakes3 import Settings

        @pytest.fixture(scope="session")
        def fakes3_settings():
            return Settings(data_dir={str(data)!r})
        """
    )
    pytester.makepyfile(
        """
        def test_on_my_dir(fakes3, s3_client):
            assert fakes3.server.backend == "directory"
            s3_client.create_bucket(Bucket="kept")
        """
    )
    run().assert_outcomes(passed=1)
    assert (data / "metadata.sqlite3").exists()
