"""Knobs, scopes, seeds and the checker, through a real server and boto3."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from botocore.client import BaseClient
from realism_helpers import body_of, keys_of

from fakes3.app import FakeS3
from fakes3.errors import InvalidArgument
from fakes3.store.clock import ManualClock
from fakes3.store.consistency_control import ConsistencyError

_runs = itertools.count()


def _overwrite(s3: BaseClient, bucket: str, key: str) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=b"old")
    s3.put_object(Bucket=bucket, Key=key, Body=b"new")


def test_a_fixed_lag_ends_exactly(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    app.consistency.set("aws-2020", lag=3)
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    clock.advance(2.99)
    assert body_of(s3, bucket, "k") == b"old"
    clock.advance(0.02)
    assert body_of(s3, bucket, "k") == b"new"


def test_probability_zero_lags_nothing(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("eventual", probability=0)
    _overwrite(s3, bucket, "k")
    assert body_of(s3, bucket, "k") == b"new"
    assert keys_of(s3, bucket) == ["k"]


def test_probability_lags_some_changes(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("eventual", probability=0.5, seed=9, lag=5)
    for index in range(20):
        s3.put_object(Bucket=bucket, Key=f"k{index}", Body=b"x")
    listed = keys_of(s3, bucket)
    assert 0 < len(listed) < 20


def test_key_filter_glob_and_prefix(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("eventual", keys="tmp/*.csv")
    s3.put_object(Bucket=bucket, Key="tmp/a.csv", Body=b"x")
    s3.put_object(Bucket=bucket, Key="tmp/a.txt", Body=b"x")
    assert body_of(s3, bucket, "tmp/a.csv") == "NoSuchKey"
    assert body_of(s3, bucket, "tmp/a.txt") == b"x"
    app.consistency.set("eventual", keys="logs/")
    s3.put_object(Bucket=bucket, Key="logs/1", Body=b"x")
    s3.put_object(Bucket=bucket, Key="data/1", Body=b"x")
    assert body_of(s3, bucket, "logs/1") == "NoSuchKey"
    assert body_of(s3, bucket, "data/1") == b"x"


def test_switches_turn_single_anomalies_off(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    app.consistency.set("aws-2020", read_after_overwrite=False, list_after_write=False)
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    s3.put_object(Bucket=bucket, Key="n", Body=b"x")
    assert body_of(s3, bucket, "k") == b"new"
    assert keys_of(s3, bucket) == ["k", "n"]
    s3.delete_object(Bucket=bucket, Key="n")  # read-after-delete is still on
    assert body_of(s3, bucket, "n") == b"x"


def test_one_bucket_scope(app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str) -> None:
    s3.create_bucket(Bucket="strong-one")
    app.consistency.set("aws-2020", bucket=bucket)
    _overwrite(s3, bucket, "k")
    _overwrite(s3, "strong-one", "k")
    assert body_of(s3, bucket, "k") == b"old"
    assert body_of(s3, "strong-one", "k") == b"new"
    app.consistency.unset(bucket)
    assert app.store.view is None  # everything strong again: the view is gone
    assert body_of(s3, bucket, "k") == b"new"
    s3.delete_object(Bucket="strong-one", Key="k")
    s3.delete_bucket(Bucket="strong-one")


def test_one_request_scope(
    app: FakeS3,
    clock: ManualClock,
    s3: BaseClient,
    bucket: str,
    with_header: Callable[[str], BaseClient],
) -> None:
    lagging = with_header("aws-2020")
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    lagging.put_object(Bucket=bucket, Key="k", Body=b"new")  # this write lags
    assert body_of(lagging, bucket, "k") == b"old"  # and reads that ask see replicas
    assert body_of(s3, bucket, "k") == b"new"  # the others are strong
    app.consistency.set("aws-2020")
    assert body_of(s3, bucket, "k") == b"old"
    assert body_of(with_header("strong"), bucket, "k") == b"new"  # a strong read on demand


def test_an_unknown_preset_in_the_header_is_invalid_argument(
    app: FakeS3, s3: BaseClient, bucket: str, with_header: Callable[[str], BaseClient]
) -> None:
    with pytest.raises(s3.exceptions.ClientError, match="InvalidArgument"):
        with_header("quantum").get_object(Bucket=bucket, Key="k")


def test_bad_knobs_are_refused(app: FakeS3) -> None:
    with pytest.raises(InvalidArgument, match="unknown consistency preset"):
        app.consistency.set("sometimes")
    with pytest.raises(InvalidArgument, match="knob"):
        app.consistency.set("aws-2020", lagg=3)
    with pytest.raises(InvalidArgument, match="lag"):
        app.consistency.set("aws-2020", lag=(5, 1))
    with pytest.raises(InvalidArgument, match="probability"):
        app.consistency.set("aws-2020", probability=2)
    assert app.consistency.rules.preset == "strong"


def _scenario(app: FakeS3, s3: BaseClient, name: str, seed: int) -> list[object]:
    """Overwrites and reads at stepped times, in a new bucket: what each read saw."""
    bucket = f"{name}-{seed}-{next(_runs)}"
    s3.create_bucket(Bucket=bucket)
    app.consistency.reset()
    clock = app.consistency.manual_clock()
    app.consistency.set("eventual", seed=seed, lag=(0, 4), replicas=4)
    seen: list[object] = []
    for round_ in range(6):
        s3.put_object(Bucket=bucket, Key="k", Body=str(round_).encode())
        s3.put_object(Bucket=bucket, Key=f"n{round_}", Body=b"x")
        for _ in range(3):
            clock.advance(0.7)
            seen.append(body_of(s3, bucket, "k"))
            seen.append(tuple(keys_of(s3, bucket)))
    app.consistency.reset()
    for key in keys_of(s3, bucket):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
    return seen


def test_the_same_seed_replays_the_same_anomalies(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    first = _scenario(app, s3, bucket, seed=7)
    again = _scenario(app, s3, bucket, seed=7)
    assert first == again
    bodies = {item for item in first if isinstance(item, bytes | str)}
    assert len(bodies) > 2  # stale and fresh answers both occurred
    other = _scenario(app, s3, bucket, seed=8)
    assert other != first


# The checker -----------------------------------------------------------------------------


def test_checker_flags_a_read_after_overwrite(app: FakeS3, s3: BaseClient, bucket: str) -> None:
    app.consistency.set("checker")
    _overwrite(s3, bucket, "report.csv")
    assert body_of(s3, bucket, "report.csv") == b"new"  # strong answers
    [finding] = app.consistency.findings
    assert (finding.operation, finding.bucket, finding.key) == ("GetObject", bucket, "report.csv")
    assert finding.anomaly == "read-after-overwrite"
    with pytest.raises(ConsistencyError, match=f"GetObject {bucket}/report.csv"):
        app.consistency.assert_consistent()


def test_checker_is_silent_for_reads_that_pin_what_they_wrote(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("checker")
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"new")["ETag"]
    # code that retries correctly: If-Match on the ETag it wrote (a stale replica would
    # answer 412 and the code would retry), or a GET of the version id
    assert body_of(s3, bucket, "k", IfMatch=etag) == b"new"
    assert app.consistency.findings == []
    app.consistency.assert_consistent()


def test_checker_flags_lists_after_write_and_names_the_key(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("checker", check="aws-2020")
    s3.put_object(Bucket=bucket, Key="new.txt", Body=b"x")
    assert keys_of(s3, bucket) == ["new.txt"]
    assert [(f.operation, f.key, f.anomaly) for f in app.consistency.findings] == [
        ("ListObjectsV2", "new.txt", "list-after-write")
    ]
    assert "ListObjectsV2" in app.consistency.report()


# A consumer that trusts a listing right after writing --------------------------------------


def naive_export(s3: BaseClient, bucket: str, rows: list[str]) -> list[str]:
    """Write one object per row, then list them back to build a manifest."""
    for index, row in enumerate(rows):
        s3.put_object(Bucket=bucket, Key=f"export/{index:03}.csv", Body=row.encode())
    return keys_of(s3, bucket, Prefix="export/")


@pytest.mark.parametrize("preset", ["strong", "aws-2020"])
def test_naive_write_then_list_fails_only_without_strong_consistency(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str, preset: str
) -> None:
    app.consistency.set(preset, seed=1)
    manifest = naive_export(s3, bucket, ["a", "b", "c"])
    complete = manifest == ["export/000.csv", "export/001.csv", "export/002.csv"]
    assert complete is (preset == "strong")
