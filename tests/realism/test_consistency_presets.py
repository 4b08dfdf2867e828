"""Each anomaly of each preset appears when it should and goes away after settle() or the lag.

Real server, boto3, both backends, the manual clock: nothing here sleeps.
"""

from __future__ import annotations

import pytest
from botocore.client import BaseClient
from realism_helpers import body_of, head_of, keys_of

from fakes3.app import FakeS3
from fakes3.store.clock import ManualClock


def test_strong_is_the_default_and_installs_no_view(
    app: FakeS3, s3: BaseClient, bucket: str
) -> None:
    assert app.consistency.rules.preset == "strong"
    assert app.store.view is None and not app.consistency.active
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    assert body_of(s3, bucket, "k") == b"two"
    assert keys_of(s3, bucket) == ["k"]


# aws-2020 --------------------------------------------------------------------------------


def test_get_after_overwrite_is_stale_in_aws_2020_until_the_lag(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    app.consistency.set("aws-2020", seed=1, lag=(2, 4))
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    assert {body_of(s3, bucket, "k") for _ in range(6)} == {b"one"}  # no replica has it yet
    assert head_of(s3, bucket, "k") == 3
    clock.advance(4.01)
    assert {body_of(s3, bucket, "k") for _ in range(6)} == {b"two"}


def test_settle_ends_a_stale_read_at_once(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    app.consistency.set("aws-2020", seed=1)
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    assert body_of(s3, bucket, "k") == b"one"
    app.consistency.settle()
    assert body_of(s3, bucket, "k") == b"two"
    assert not app.store.view.held  # type: ignore[union-attr]  # the old blob is gone


def test_new_key_is_readable_at_once_but_missing_from_listings_in_aws_2020(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("aws-2020", seed=3, lag=1.5)
    s3.put_object(Bucket=bucket, Key="new", Body=b"x")
    assert body_of(s3, bucket, "new") == b"x"  # read-after-write for new keys
    assert keys_of(s3, bucket) == []
    clock.advance(1.4)
    assert keys_of(s3, bucket) == []
    clock.advance(0.2)
    assert keys_of(s3, bucket) == ["new"]


def test_deleted_object_is_still_read_and_listed_in_aws_2020(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="gone", Body=b"bytes")
    s3.put_object(Bucket=bucket, Key="kept", Body=b"k")
    app.consistency.set("aws-2020", seed=2, lag=2)
    s3.delete_object(Bucket=bucket, Key="gone")
    assert body_of(s3, bucket, "gone") == b"bytes"
    assert keys_of(s3, bucket) == ["gone", "kept"]
    clock.advance(2.5)
    assert body_of(s3, bucket, "gone") == "NoSuchKey"
    assert keys_of(s3, bucket) == ["kept"]


def test_a_404_before_a_put_is_cached_in_aws_2020(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("aws-2020", seed=4, lag=1)
    assert head_of(s3, bucket, "late") == "404"
    s3.put_object(Bucket=bucket, Key="late", Body=b"abc")
    assert head_of(s3, bucket, "late") == "404"
    assert body_of(s3, bucket, "late") == "NoSuchKey"
    clock.advance(1.01)
    assert head_of(s3, bucket, "late") == 3
    # without the prior 404, a new key reads at once
    s3.put_object(Bucket=bucket, Key="fresh", Body=b"abc")
    assert head_of(s3, bucket, "fresh") == 3


def test_listing_shows_the_old_size_after_an_overwrite_in_aws_2020(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    app.consistency.set("aws-2020", lag=1)
    s3.put_object(Bucket=bucket, Key="a", Body=b"1234")
    [item] = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert item["Size"] == 1
    app.consistency.settle()
    [item] = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert item["Size"] == 4


def test_lagging_listing_pages_and_delimiters_stay_in_key_order(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    for key in ("a", "c", "d/1", "e"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    app.consistency.set("aws-2020", lag=1)
    s3.delete_object(Bucket=bucket, Key="c")
    s3.put_object(Bucket=bucket, Key="b", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="e")
    assert keys_of(s3, bucket) == ["a", "c", "d/1", "e"]
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=2, Delimiter="/")
    assert [item["Key"] for item in page["Contents"]] == ["a", "c"]
    rest = s3.list_objects_v2(
        Bucket=bucket, Delimiter="/", ContinuationToken=page["NextContinuationToken"]
    )
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["d/"]
    assert [item["Key"] for item in rest["Contents"]] == ["e"]
    clock.advance(1.01)
    assert keys_of(s3, bucket) == ["a", "b", "d/1"]


# eventual --------------------------------------------------------------------------------


def test_new_keys_lag_too_in_eventual_mode(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("eventual", seed=5, lag=(1, 2))
    s3.put_object(Bucket=bucket, Key="n", Body=b"x")
    assert body_of(s3, bucket, "n") == "NoSuchKey"
    assert head_of(s3, bucket, "n") == "404"
    assert keys_of(s3, bucket) == []
    clock.advance(2.01)
    assert body_of(s3, bucket, "n") == b"x"
    assert keys_of(s3, bucket) == ["n"]


def test_replicas_disagree_between_min_and_max_lag(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("eventual", seed=11, lag=(1, 9), replicas=5)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    clock.advance(5)
    answers = [body_of(s3, bucket, "k") for _ in range(40)]
    assert set(answers) == {b"v", "NoSuchKey"}  # some replicas have it, some not yet
    clock.advance(4.01)
    assert {body_of(s3, bucket, "k") for _ in range(10)} == {b"v"}


# bucket-config-lag -----------------------------------------------------------------------


def test_versioning_status_lags_in_bucket_config_lag(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    app.consistency.set("bucket-config-lag", seed=6, lag=10)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    assert body_of(s3, bucket, "k") == b"1"  # objects stay strong
    clock.advance(10.01)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    app.consistency.settle()
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    for version in s3.list_object_versions(Bucket=bucket).get("Versions", []):
        s3.delete_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])


def test_every_bucket_configuration_lags_in_bucket_config_lag(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    """Configurations lag through the one store port, whichever feature stored them."""
    app.consistency.set("bucket-config-lag", seed=3, lag=10)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchTagSet"):
        s3.get_bucket_tagging(Bucket=bucket)
    clock.advance(10.01)
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "a", "Value": "1"}]
    s3.delete_bucket_tagging(Bucket=bucket)
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "a", "Value": "1"}]
    app.consistency.settle()
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchTagSet"):
        s3.get_bucket_tagging(Bucket=bucket)


def test_a_deleted_bucket_is_still_seen_in_bucket_config_lag(
    app: FakeS3, clock: ManualClock, s3: BaseClient
) -> None:
    s3.create_bucket(Bucket="lagging-bucket")
    app.consistency.set("bucket-config-lag", lag=5)
    s3.delete_bucket(Bucket="lagging-bucket")
    s3.head_bucket(Bucket="lagging-bucket")
    assert "lagging-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert keys_of(s3, "lagging-bucket") == []
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchTagSet"):
        s3.get_bucket_tagging(Bucket="lagging-bucket")
    with pytest.raises(s3.exceptions.NoSuchBucket):  # writes see the truth
        s3.put_object(Bucket="lagging-bucket", Key="k", Body=b"x")
    clock.advance(5.01)
    with pytest.raises(s3.exceptions.ClientError, match="404"):
        s3.head_bucket(Bucket="lagging-bucket")
    assert "lagging-bucket" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_version_listing_hides_versions_a_replica_lacks(
    app: FakeS3, clock: ManualClock, s3: BaseClient
) -> None:
    name = "lagging-versions"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=name, Key="k", Body=b"1")["VersionId"]
    app.consistency.set("aws-2020", lag=2)
    second = s3.put_object(Bucket=name, Key="k", Body=b"22")["VersionId"]
    marker = s3.delete_object(Bucket=name, Key="x-never-existed")["VersionId"]
    listing = s3.list_object_versions(Bucket=name)
    assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [(first, True)]
    assert "DeleteMarkers" not in listing
    assert body_of(s3, name, "k") == b"1"
    assert body_of(s3, name, "k", VersionId=second) == b"22"  # a version id is never stale
    clock.advance(2.01)
    listing = s3.list_object_versions(Bucket=name)
    assert [v["VersionId"] for v in listing["Versions"]] == [second, first]
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == [marker]
    for version_id, key in ((first, "k"), (second, "k"), (marker, "x-never-existed")):
        s3.delete_object(Bucket=name, Key=key, VersionId=version_id)
    s3.delete_bucket(Bucket=name)


def test_a_completed_multipart_upload_overwrites_lazily_too(
    app: FakeS3, clock: ManualClock, s3: BaseClient, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="big", Body=b"old")
    app.consistency.set("aws-2020", lag=1)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"new")
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert body_of(s3, bucket, "big") == b"old"
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "big"})
    assert body_of(s3, bucket, "copy") == b"old"  # the copy read a stale source, as S3 could
    clock.advance(1.01)
    assert body_of(s3, bucket, "big") == b"new"
