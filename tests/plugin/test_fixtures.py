"""The pytest plugin as a user meets it: installed, no conftest, fixtures just there."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

Run = Callable[..., pytest.RunResult]

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")


def test_fixtures_exist_with_no_conftest(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        def test_client_and_bucket(s3_client, s3_bucket):
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"v")
            assert s3_client.get_object(Bucket=s3_bucket, Key="k")["Body"].read() == b"v"

        def test_resource(s3_resource, s3_bucket):
            s3_resource.Bucket(s3_bucket).put_object(Key="r", Body=b"x")
            assert [o.key for o in s3_resource.Bucket(s3_bucket).objects.all()] == ["r"]

        def test_handle(fakes3, fakes3_server):
            assert fakes3.endpoint_url == fakes3_server.endpoint_url
            assert fakes3.endpoint_url.startswith("http://127.0.0.1:")
            assert fakes3.settings.data_dir is None
            name = fakes3.create_bucket("chosen-name")
            assert name == "chosen-name"
            assert [b["Name"] for b in fakes3.client().list_buckets()["Buckets"]] == [name]
        """
    )
    assert not (pytester.path / "conftest.py").exists()
    run().assert_outcomes(passed=3)


def test_state_does_not_leak_between_tests(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("run", range(3))
        def test_starts_empty(s3_client, fakes3, run):
            assert s3_client.list_buckets()["Buckets"] == []
            assert len(fakes3.journal) == 1  # only the ListBuckets above
            s3_client.create_bucket(Bucket="same-name")
            s3_client.put_object(Bucket="same-name", Key=f"k{run}", Body=b"x")
        """
    )
    run("-p", "no:randomly").assert_outcomes(passed=3)


def test_environment_points_sdks_at_fakes3_and_hides_real_credentials(
    pytester: pytest.Pytester, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    pytester.makepyfile(
        """
        import os
        import boto3

        def test_own_client_reaches_fakes3(fakes3):
            assert os.environ["AWS_ENDPOINT_URL_S3"] == fakes3.endpoint_url
            assert os.environ["AWS_ACCESS_KEY_ID"] == "test"
            assert "AWS_PROFILE" not in os.environ
            assert "AWS_SESSION_TOKEN" not in os.environ
            assert os.path.getsize(os.environ["AWS_CONFIG_FILE"]) == 0
            s3 = boto3.client("s3")  # what code under test does
            s3.create_bucket(Bucket="from-code")
            assert s3.meta.region_name == "us-east-1"
            fakes3.journal.assert_called("CreateBucket", bucket="from-code", times=1)
            credentials = boto3.Session().get_credentials()
            assert credentials.access_key == "test" and credentials.token is None

        import pytest

        @pytest.mark.fakes3
        def test_marker_alone_sets_the_environment():
            assert os.environ["AWS_ENDPOINT_URL_S3"].startswith("http://127.0.0.1:")
            assert "AWS_PROFILE" not in os.environ

        def test_without_fixture_keeps_the_environment():
            assert os.environ["AWS_PROFILE"] == "production"
        """
    )
    run().assert_outcomes(passed=3)
    assert os.environ["AWS_PROFILE"] == "production"  # restored after the tests


def test_aws_cli_in_a_subprocess_talks_to_fakes3(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        import subprocess, sys

        def test_cli(fakes3, s3_bucket):
            fakes3.client().put_object(Bucket=s3_bucket, Key="hello.txt", Body=b"hi")
            out = subprocess.run(
                [sys.executable, "-m", "awscli", "s3", "ls", f"s3://{s3_bucket}/"],
                capture_output=True, text=True, timeout=60,
            )
            assert out.returncode == 0, out.stderr
            assert "hello.txt" in out.stdout
            fakes3.journal.assert_called("ListObjectsV2", bucket=s3_bucket, times=1)
        """
    )
    run().assert_outcomes(passed=1)


def test_plugin_can_be_disabled(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile("def test_uses(s3_client):\n    pass\n")
    result = run("-p", "no:fakes3")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 's3_client' not found*"])


def test_errors_inside_the_server_fail_the_test_that_caused_them(
    pytester: pytest.Pytester,
    run: Run,
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from botocore.config import Config
        from botocore.exceptions import ClientError

        def test_breaks_the_store(fakes3, s3_bucket, monkeypatch):
            def broken(*args, **kwargs):
                raise RuntimeError("disk on fire")

            monkeypatch.setattr(fakes3.app.store, "put_object", broken)
            s3 = fakes3.client(config=Config(retries={"total_max_attempts": 1}))
            with pytest.raises(ClientError, match="InternalError"):
                s3.put_object(Bucket=s3_bucket, Key="k", Body=b"x")

        def test_next_one_is_fine(s3_client, s3_bucket):
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"x")
        """
    )
    result = run("-p", "no:randomly")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["*RuntimeError: disk on fire", "*ServerError: fakes3 raised 1 unexpected exception*"]
    )


def test_plugin_imports_nothing_heavy() -> None:
    """Projects that never use a fixture pay only for pytest itself."""
    import subprocess
    import sys

    code = (
        "import sys, fakes3.pytest_plugin; "
        "print(sorted({'boto3', 'botocore', 'cheroot', 'fakes3.app', 'fakes3.mock'} "
        "& set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_errors_inside_the_in_process_app_fail_the_test(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from botocore.config import Config

        def test_breaks_in_process(mock_s3, monkeypatch):
            def broken(*args, **kwargs):
                raise RuntimeError("in-process fire")

            monkeypatch.setattr(mock_s3.store, "list_buckets", broken)
            s3 = boto3.client("s3", config=Config(retries={"total_max_attempts": 1}))
            with pytest.raises(s3.exceptions.ClientError):
                s3.list_buckets()
        """
    )
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ServerError: fakes3 raised 1 unexpected exception*"])


def test_the_session_server_checks_signatures_strictly(pytester: pytest.Pytester, run: Run) -> None:
    """As S3 does: the fixtures' own account works, an unknown key or a wrong secret does not,
    and an unsigned request is anonymous (buckets are private)."""
    pytester.makepyfile(
        """
        import boto3, pytest, requests
        from botocore.exceptions import ClientError

        def client(fakes3, key, secret):
            return boto3.client("s3", endpoint_url=fakes3.endpoint_url, region_name="us-east-1",
                                aws_access_key_id=key, aws_secret_access_key=secret)

        def test_signatures(fakes3, s3_bucket):
            assert fakes3.settings.auth == "strict"
            client(fakes3, "test", "test").put_object(Bucket=s3_bucket, Key="k", Body=b"v")
            for key, secret, code in [("nobody", "x", "InvalidAccessKeyId"),
                                      ("test", "wrong", "SignatureDoesNotMatch")]:
                with pytest.raises(ClientError) as info:
                    client(fakes3, key, secret).get_object(Bucket=s3_bucket, Key="k")
                assert info.value.response["Error"]["Code"] == code
            anonymous = requests.get(f"{fakes3.endpoint_url}/{s3_bucket}/k", timeout=10)
            assert anonymous.status_code == 403
        """
    )
    run().assert_outcomes(passed=1)


def test_time_frozen_by_freezegun_is_the_servers_time_too(
    pytester: pytest.Pytester, run: Run
) -> None:
    """The fixtures' server runs in the test's process: a test that freezes time freezes the
    client's X-Amz-Date and the server's clock alike. The skew check read a clock bound at
    import, so every request in a frozen test was RequestTimeTooSkewed."""
    pytester.makepyfile(
        """
        import requests
        from freezegun import freeze_time

        def test_frozen(s3_client, s3_bucket):
            with freeze_time("2020-02-03 04:05:06") as frozen:
                s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"v")
                head = s3_client.head_object(Bucket=s3_bucket, Key="k")
                assert head["LastModified"].isoformat() == "2020-02-03T04:05:06+00:00"
                url = s3_client.generate_presigned_url(
                    "get_object", Params={"Bucket": s3_bucket, "Key": "k"}, ExpiresIn=60
                )
                assert requests.get(url, timeout=10).status_code == 200
                frozen.tick(61)
                assert requests.get(url, timeout=10).status_code == 403  # expired
        """
    )
    run().assert_outcomes(passed=1)
