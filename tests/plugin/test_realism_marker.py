"""The fakes3 marker's realism arguments, run through pytester as a user's suite would."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Run = Callable[..., pytest.RunResult]

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")


def test_consistency_seed_and_faults_from_the_marker(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        import pytest
        from botocore.config import Config
        from botocore.exceptions import ClientError

        @pytest.mark.fakes3(consistency="aws-2020", seed=7)
        def test_stale_read(fakes3, s3_client, s3_bucket):
            assert fakes3.consistency.rules.preset == "aws-2020"
            assert fakes3.consistency.clock.manual  # a manual clock by default
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"old")
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"new")
            assert s3_client.get_object(Bucket=s3_bucket, Key="k")["Body"].read() == b"old"
            fakes3.advance(3.01)
            assert s3_client.get_object(Bucket=s3_bucket, Key="k")["Body"].read() == b"new"

        @pytest.mark.fakes3(consistency={"preset": "eventual", "lag": 2, "keys": "tmp/"})
        def test_knobs(fakes3, s3_client, s3_bucket):
            s3_client.put_object(Bucket=s3_bucket, Key="tmp/x", Body=b"x")
            with pytest.raises(ClientError):
                s3_client.head_object(Bucket=s3_bucket, Key="tmp/x")
            fakes3.settle()
            s3_client.head_object(Bucket=s3_bucket, Key="tmp/x")

        @pytest.mark.fakes3(faults=[{"operation": "PutObject", "error": "SlowDown", "first": 1}])
        def test_fault(fakes3, s3_bucket):
            once = fakes3.client(config=Config(retries={"total_max_attempts": 1}))
            with pytest.raises(ClientError, match="SlowDown"):
                once.put_object(Bucket=s3_bucket, Key="k", Body=b"x")
            once.put_object(Bucket=s3_bucket, Key="k", Body=b"x")
            faults = [e.fault is not None for e in fakes3.journal.filter("PutObject")]
            assert faults == [True, False]

        def test_next_test_is_strong_with_no_faults(fakes3, s3_client, s3_bucket):
            assert fakes3.consistency.rules.preset == "strong"
            assert not fakes3.consistency.clock.manual
            assert fakes3.faults.rules == []
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"old")
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"new")
            assert s3_client.get_object(Bucket=s3_bucket, Key="k")["Body"].read() == b"new"
        """
    )
    run("-p", "no:randomly").assert_outcomes(passed=4)


def test_the_checker_fails_a_test_that_relied_on_consistency(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fakes3(consistency="checker")
        def test_trusts_a_read(s3_client, s3_bucket):
            s3_client.put_object(Bucket=s3_bucket, Key="report.csv", Body=b"old")
            s3_client.put_object(Bucket=s3_bucket, Key="report.csv", Body=b"new")
            assert s3_client.get_object(Bucket=s3_bucket, Key="report.csv")["Body"].read() == b"new"

        @pytest.mark.fakes3(consistency="checker")
        def test_pins_what_it_wrote(s3_client, s3_bucket):
            s3_client.put_object(Bucket=s3_bucket, Key="report.csv", Body=b"old")
            etag = s3_client.put_object(Bucket=s3_bucket, Key="report.csv", Body=b"new")["ETag"]
            body = s3_client.get_object(Bucket=s3_bucket, Key="report.csv", IfMatch=etag)["Body"]
            assert body.read() == b"new"

        @pytest.mark.fakes3(consistency="checker", fail_on_findings=False)
        def test_reads_the_report_itself(fakes3, s3_client, s3_bucket):
            s3_client.put_object(Bucket=s3_bucket, Key="k", Body=b"x")
            s3_client.list_objects_v2(Bucket=s3_bucket)
            assert [f.anomaly for f in fakes3.consistency.findings] == ["list-after-write"]
        """
    )
    result = run("-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*ConsistencyError*1 read(s) relied on strong consistency*",
            "*GetObject test-*/report.csv: read-after-overwrite*",
        ]
    )


def test_a_bad_marker_argument_is_a_usage_error(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fakes3(consistency="aws-2020", clock="sundial")
        def test_x(fakes3):
            pass
        """
    )
    result = run()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*clock=*manual*wall*"])
