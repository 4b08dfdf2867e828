"""Snapshot and restore of the whole state, across backends, over real servers (boto3)."""

from __future__ import annotations

import io
import json
import os
import tarfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from s3clients import client_for

from fakes3 import cli
from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

PART = 5 * 1024 * 1024


def _serve(data_dir: str | None) -> Server:
    return Server(FakeS3(Settings(data_dir=data_dir)), port=0)


def _fill(s3: BaseClient) -> None:
    """A versioned bucket with multipart versions, a delete marker, tags, metadata, a
    configuration and an upload in progress; a plain bucket beside it."""
    s3.create_bucket(Bucket="snap")
    s3.put_bucket_versioning(Bucket="snap", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(Bucket="snap", Tagging={"TagSet": [{"Key": "team", "Value": "qa"}]})
    s3.put_object(Bucket="snap", Key="doc", Body=b"first", Metadata={"who": "me"})
    s3.put_object(Bucket="snap", Key="doc", Body=b"second", ContentType="text/plain")
    for round_ in range(2):
        upload = s3.create_multipart_upload(Bucket="snap", Key="big")["UploadId"]
        parts = []
        for number, fill in ((1, b"a"), (2, b"b")):
            body = bytes([fill[0] + round_]) * PART if number == 1 else fill * 1000
            etag = s3.upload_part(
                Bucket="snap", Key="big", UploadId=upload, PartNumber=number, Body=body
            )["ETag"]
            parts.append({"PartNumber": number, "ETag": etag})
        s3.complete_multipart_upload(
            Bucket="snap", Key="big", UploadId=upload, MultipartUpload={"Parts": parts}
        )
    s3.put_object(Bucket="snap", Key="gone", Body=b"soon deleted")
    s3.delete_object(Bucket="snap", Key="gone")
    s3.put_object_tagging(
        Bucket="snap", Key="doc", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]}
    )
    pending = s3.create_multipart_upload(Bucket="snap", Key="pending")["UploadId"]
    s3.upload_part(Bucket="snap", Key="pending", UploadId=pending, PartNumber=1, Body=b"p" * 10)
    s3.create_bucket(Bucket="plain")
    s3.put_object(Bucket="plain", Key="a/b.txt", Body=b"hello")


def _state(s3: BaseClient) -> dict[str, Any]:
    """Everything a client can see, every version's bytes included."""
    state: dict[str, Any] = {}
    for bucket in sorted(b["Name"] for b in s3.list_buckets()["Buckets"]):
        listing = s3.list_object_versions(Bucket=bucket)
        versions = []
        for version in listing.get("Versions", []):
            got = s3.get_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
            tags = s3.get_object_tagging(
                Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"]
            )["TagSet"]
            versions.append(
                (
                    version["Key"],
                    version["VersionId"],
                    version["ETag"],
                    version["IsLatest"],
                    version["LastModified"],
                    got["Body"].read(),
                    got["ContentType"],
                    got["Metadata"],
                    got.get("PartsCount"),
                    tags,
                )
            )
        markers = [
            (m["Key"], m["VersionId"], m["IsLatest"]) for m in listing.get("DeleteMarkers", [])
        ]
        uploads = []
        for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            parts = s3.list_parts(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
            uploads.append(
                (
                    upload["Key"],
                    upload["UploadId"],
                    [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts["Parts"]],
                )
            )
        state[bucket] = {
            "versioning": s3.get_bucket_versioning(Bucket=bucket).get("Status"),
            "versions": versions,
            "markers": markers,
            "uploads": uploads,
            "keys": [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])],
        }
    return state


@pytest.fixture
def memory_server() -> Iterator[Server]:
    with _serve(None) as server:
        yield server


def test_round_trip_memory_directory_memory(memory_server: Server, tmp_path: Path) -> None:
    source = client_for(memory_server.endpoint_url)
    _fill(source)
    before = _state(source)
    assert len(before["snap"]["versions"]) == 5 and before["snap"]["markers"]
    assert before["snap"]["uploads"][0][2] == [(1, before["snap"]["uploads"][0][2][0][1], 10)]

    # memory -> archive over HTTP -> directory over HTTP
    with urllib.request.urlopen(memory_server.endpoint_url + "/_fakes3/snapshot") as answer:
        assert answer.headers["Content-Type"] == "application/x-tar"
        archive = answer.read()
    data_dir = str(tmp_path / "data")
    with _serve(data_dir) as directory:
        request = urllib.request.Request(
            directory.endpoint_url + "/_fakes3/snapshot", data=archive, method="PUT"
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200
        assert _state(client_for(directory.endpoint_url)) == before
    # the directory backend kept it across a restart; snapshot it from Python
    with _serve(data_dir) as directory:
        restarted = client_for(directory.endpoint_url)
        assert _state(restarted) == before
        buffer = io.BytesIO()
        assert directory.app is not None
        directory.app.snapshot(buffer)
    # -> a fresh memory server, restored from Python
    with _serve(None) as target:
        assert target.app is not None
        target.app.restore(io.BytesIO(buffer.getvalue()))
        client = client_for(target.endpoint_url)
        assert _state(client) == before
        # the restored upload in progress completes, from the restored part
        key, upload_id, parts = before["snap"]["uploads"][0]
        client.complete_multipart_upload(
            Bucket="snap",
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": parts[0][1]}]},
        )
        assert client.get_object(Bucket="snap", Key=key)["Body"].read() == b"p" * 10
        assert client.get_bucket_tagging(Bucket="snap")["TagSet"] == [
            {"Key": "team", "Value": "qa"}
        ]


def test_restore_replaces_state_and_keeps_clock(memory_server: Server) -> None:
    app = memory_server.app
    assert app is not None
    s3 = client_for(memory_server.endpoint_url)
    s3.create_bucket(Bucket="kept")
    s3.put_object(Bucket="kept", Key="k", Body=b"v1")
    app.consistency.set("aws-2020", seed=7)
    app.consistency.advance(3600)
    clock = app.store.clock.time()
    buffer = io.BytesIO()
    app.snapshot(buffer)
    app.reset()
    s3.create_bucket(Bucket="later")
    app.restore(io.BytesIO(buffer.getvalue()))
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]
    assert app.store.clock.manual and app.store.clock.time() == clock
    assert app.consistency.rules.preset == "aws-2020" and app.consistency.seed == 7
    app.consistency.settle()
    assert s3.get_object(Bucket="kept", Key="k")["Body"].read() == b"v1"


def test_damaged_archive_leaves_state(memory_server: Server) -> None:
    s3 = client_for(memory_server.endpoint_url)
    s3.create_bucket(Bucket="stays")
    s3.put_object(Bucket="stays", Key="k", Body=b"v")
    with urllib.request.urlopen(memory_server.endpoint_url + "/_fakes3/snapshot") as answer:
        good = answer.read()
    for body in (b"not a tar at all" * 100, good[: len(good) // 2], os.urandom(2048)):
        request = urllib.request.Request(
            memory_server.endpoint_url + "/_fakes3/snapshot", data=body, method="PUT"
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request)
        assert caught.value.code == 400
        caught.value.close()
        assert s3.get_object(Bucket="stays", Key="k")["Body"].read() == b"v"


def _edited(archive: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """The archive with its manifest changed by ``edit``, the blobs as they were."""
    members = []
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest).encode()
            members.append((member.name, data))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _first(manifest: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in manifest["buckets"] if b["record"]["name"] == "stays")


def _key(manifest: dict[str, Any]) -> dict[str, Any]:
    return _first(manifest)["current"][0]  # type: ignore[no-any-return]


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "key-not-a-string": lambda m: _key(m).update(key=123),
    "key-empty": lambda m: _key(m).update(key=""),
    "size-not-its-blobs": lambda m: _key(m).update(size=999),
    "size-not-a-number": lambda m: _key(m).update(size="abc"),
    "metadata-a-list": lambda m: _key(m).update(metadata=["x"]),
    "bucket-name-a-path": lambda m: _first(m)["record"].update(name="../../evil"),
    "bucket-name-reserved": lambda m: _first(m)["record"].update(name="_fakes3"),
    "bucket-twice": lambda m: m["buckets"].append(_first(m)),
    "versioning-bogus": lambda m: _first(m)["record"].update(versioning="Bogus"),
    "clock-time-text": lambda m: m.update(extra={"clock": {"manual": True, "time": "abc"}}),
    "extra-a-list": lambda m: m.update(extra=[1]),
    "consistency-unknown": lambda m: m.update(extra={"consistency": {"rules": {"preset": "nope"}}}),
    # a lifecycle of [1,2] made every GET in the bucket a 500; broken JSON, the console
    "config-a-list": lambda m: _first(m)["configs"].append(["lifecycle", "[1,2]"]),
    "config-not-json": lambda m: _first(m)["configs"].append(["website", "{not json"]),
    # JSON objects of the wrong shape: each made the requests reading them 500 (a policy or a
    # logging status every request to the bucket) until refused by the rehearsal
    "policy-wrong-shape": lambda m: _first(m)["configs"].append(["policy", '{"Statement":3}']),
    "logging-wrong-shape": lambda m: _first(m)["configs"].append(
        ["logging", '{"LoggingEnabled":5}']
    ),
    "cors-wrong-shape": lambda m: _first(m)["configs"].append(["cors", '{"CORSRules":5}']),
    "website-empty": lambda m: _first(m)["configs"].append(["website", "{}"]),
    "encryption-wrong-shape": lambda m: _first(m)["configs"].append(
        ["encryption", '{"Rules":"x"}']
    ),
    "object-lock-wrong-shape": lambda m: _first(m)["configs"].append(
        ["object-lock", '{"ObjectLockEnabled":"Enabled","Rule":5}']
    ),
    "notification-wrong-shape": lambda m: _first(m)["configs"].append(
        ["notification", '{"QueueConfigurations":5}']
    ),
}


@pytest.mark.parametrize("data_dir", [False, True], ids=["memory", "directory"])
@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_manifest_the_store_cannot_hold_is_400_and_changes_nothing(
    tmp_path: Path, data_dir: bool, edit: str
) -> None:
    """Each was restored (a key of 123 then failed every listing until a reset; a bad clock
    answered 500 after the old state was gone): now 400, the state as it was."""
    with _serve(str(tmp_path) if data_dir else None) as server:
        s3 = client_for(server.endpoint_url)
        s3.create_bucket(Bucket="stays")
        s3.put_object(Bucket="stays", Key="k", Body=b"value")
        s3.create_bucket(Bucket="other")
        with urllib.request.urlopen(server.endpoint_url + "/_fakes3/snapshot") as answer:
            good = answer.read()
        s3.put_object(Bucket="other", Key="after", Body=b"later")
        request = urllib.request.Request(
            server.endpoint_url + "/_fakes3/snapshot", data=_edited(good, EDITS[edit]), method="PUT"
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request)
        assert caught.value.code == 400
        caught.value.close()
        assert s3.get_object(Bucket="stays", Key="k")["Body"].read() == b"value"
        assert s3.get_object(Bucket="other", Key="after")["Body"].read() == b"later"
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="stays")["Contents"]] == ["k"]
        assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == ["other", "stays"]


def test_cli_snapshot_and_restore(memory_server: Server, tmp_path: Path) -> None:
    source = client_for(memory_server.endpoint_url)
    _fill(source)
    before = _state(source)
    archive = tmp_path / "state.tar"
    assert cli.main(["snapshot", "--endpoint", memory_server.endpoint_url, str(archive)]) == 0
    assert archive.stat().st_size > PART
    with _serve(str(tmp_path / "data")) as directory:
        assert cli.main(["restore", "--endpoint", directory.endpoint_url, str(archive)]) == 0
        assert _state(client_for(directory.endpoint_url)) == before


def test_cli_restore_of_a_bad_archive_fails(
    memory_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.tar"
    bad.write_bytes(b"garbage" * 1000)
    assert cli.main(["restore", "--endpoint", memory_server.endpoint_url, str(bad)]) == 1
    assert "400" in capsys.readouterr().err
    missing = tmp_path / "nothing.tar"
    assert cli.main(["snapshot", "--endpoint", "http://127.0.0.1:1", str(missing)]) == 1
    assert not missing.exists()


def test_restored_logging_configuration_logs_requests(memory_server: Server) -> None:
    app = memory_server.app
    assert app is not None
    s3 = client_for(memory_server.endpoint_url)
    s3.create_bucket(Bucket="logged-src")
    s3.create_bucket(Bucket="logged-dst")
    enabled = {"TargetBucket": "logged-dst", "TargetPrefix": "logs/"}
    s3.put_bucket_logging(Bucket="logged-src", BucketLoggingStatus={"LoggingEnabled": enabled})
    archive = io.BytesIO()
    app.snapshot(archive)
    with _serve(None) as target:
        assert target.app is not None
        target.app.restore(io.BytesIO(archive.getvalue()))
        restored = client_for(target.endpoint_url)
        assert restored.get_bucket_logging(Bucket="logged-src")["LoggingEnabled"] == enabled
        before = target.app.access_logs.pending
        restored.put_object(Bucket="logged-src", Key="k", Body=b"x")
        assert target.app.access_logs.pending == before + 1


def test_serve_processes_round_trip_with_the_commands(tmp_path: Path) -> None:
    """As a user runs it: ``fakes3 serve`` (memory), ``fakes3 snapshot``, ``fakes3 serve
    --data-dir``, ``fakes3 restore``, and back into a fresh memory server."""
    import signal
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from test_cli import ROOT, fakes3_serve

    def command(*argv: str) -> None:
        subprocess.run([sys.executable, "-m", "fakes3", *argv], cwd=ROOT, check=True, timeout=60)

    first, second = tmp_path / "first.tar", tmp_path / "second.tar"
    with fakes3_serve("--quiet") as (proc, url, _):
        _fill(client_for(url))
        before = _state(client_for(url))
        command("snapshot", "--endpoint", url, str(first))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    with fakes3_serve("--quiet", "--data-dir", str(tmp_path / "data")) as (proc, url, storage):
        assert storage.startswith("directory")
        command("restore", "--endpoint", url, str(first))
        assert _state(client_for(url)) == before
        command("snapshot", "--endpoint", url, str(second))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    with fakes3_serve("--quiet") as (proc, url, _):
        command("restore", "--endpoint", url, str(second))
        assert _state(client_for(url)) == before
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_sse_c_objects_stay_sealed_across_backends(tmp_path: Path) -> None:
    key = os.urandom(32)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    insecure = Settings(allow_insecure_ssec=True)
    with Server(FakeS3(insecure), port=0) as source:
        s3 = client_for(source.endpoint_url)
        s3.create_bucket(Bucket="sealed")
        s3.put_object(Bucket="sealed", Key="k", Body=b"secret", **sse)
        archive = io.BytesIO()
        assert source.app is not None
        source.app.snapshot(archive)
    assert b"secret" not in archive.getvalue()  # stored encrypted, archived as stored
    settings = Settings(data_dir=str(tmp_path / "data"), allow_insecure_ssec=True)
    with Server(FakeS3(settings), port=0) as target:
        assert target.app is not None
        target.app.restore(io.BytesIO(archive.getvalue()))
        restored = client_for(target.endpoint_url)
        assert restored.get_object(Bucket="sealed", Key="k", **sse)["Body"].read() == b"secret"
        with pytest.raises(ClientError):
            restored.get_object(Bucket="sealed", Key="k")  # still needs the key


def test_handle_snapshot_and_load_on_an_external_endpoint(
    memory_server: Server, tmp_path: Path
) -> None:
    """``fakes3.snapshot()``/``load()`` under ``--s3-endpoint``: over the control endpoint."""
    from fakes3.harness import Fakes3, TestServer

    external = TestServer.external(memory_server.endpoint_url, Settings(), str(tmp_path))
    handle = Fakes3(external)
    s3 = client_for(memory_server.endpoint_url)
    s3.create_bucket(Bucket="far-away")
    s3.put_object(Bucket="far-away", Key="k", Body=b"v1")
    archive = handle.snapshot()
    assert archive is not None
    s3.put_object(Bucket="far-away", Key="k", Body=b"v2")
    s3.create_bucket(Bucket="later")
    handle.load(archive)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["far-away"]
    assert s3.get_object(Bucket="far-away", Key="k")["Body"].read() == b"v1"
    path = tmp_path / "state.tar"
    handle.snapshot(path)
    s3.delete_object(Bucket="far-away", Key="k")
    handle.load(path)
    assert s3.get_object(Bucket="far-away", Key="k")["Body"].read() == b"v1"


def _configure_everything(s3: BaseClient) -> None:
    """A bucket with a document of every configuration family, set as users set them; a
    public policy put before the public access block that now blocks such policies."""
    s3.create_bucket(Bucket="logs-to")
    s3.create_bucket(Bucket="replica")
    s3.put_bucket_versioning(Bucket="replica", VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(
        Bucket="every", ObjectLockEnabledForBucket=True, ObjectOwnership="BucketOwnerPreferred"
    )
    public = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::every/*",
            }
        ],
    }
    s3.delete_public_access_block(Bucket="every")
    s3.put_bucket_policy(Bucket="every", Policy=json.dumps(public))
    s3.put_public_access_block(
        Bucket="every",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": False,
            "IgnorePublicAcls": False,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": False,
        },
    )
    s3.put_bucket_acl(Bucket="every", ACL="public-read")
    s3.put_bucket_tagging(Bucket="every", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    rule = {"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"], "ExposeHeaders": ["ETag"]}
    s3.put_bucket_cors(Bucket="every", CORSConfiguration={"CORSRules": [rule]})
    sse = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
    s3.put_bucket_encryption(Bucket="every", ServerSideEncryptionConfiguration={"Rules": [sse]})
    expire = {
        "ID": "r",
        "Status": "Enabled",
        "Filter": {"Prefix": "tmp/"},
        "Expiration": {"Days": 3},
    }
    s3.put_bucket_lifecycle_configuration(
        Bucket="every", LifecycleConfiguration={"Rules": [expire]}
    )
    website = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"}}
    s3.put_bucket_website(Bucket="every", WebsiteConfiguration=website)
    s3.put_bucket_logging(
        Bucket="every",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "logs-to", "TargetPrefix": "l/"}},
    )
    queue = {"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q", "Events": ["s3:ObjectCreated:*"]}
    s3.put_bucket_notification_configuration(
        Bucket="every", NotificationConfiguration={"QueueConfigurations": [queue]}
    )
    retention = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
    s3.put_object_lock_configuration(
        Bucket="every",
        ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": retention},
    )
    s3.put_bucket_replication(
        Bucket="every",
        ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/replicate",
            "Rules": [
                {
                    "ID": "all",
                    "Priority": 1,
                    "Status": "Enabled",
                    "Filter": {},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": "arn:aws:s3:::replica"},
                }
            ],
        },
    )
    s3.put_bucket_accelerate_configuration(
        Bucket="every", AccelerateConfiguration={"Status": "Enabled"}
    )
    s3.put_bucket_request_payment(
        Bucket="every", RequestPaymentConfiguration={"Payer": "Requester"}
    )
    s3.put_bucket_metrics_configuration(
        Bucket="every", Id="all", MetricsConfiguration={"Id": "all"}
    )
    s3.put_bucket_inventory_configuration(
        Bucket="every",
        Id="daily",
        InventoryConfiguration={
            "Id": "daily",
            "IsEnabled": True,
            "IncludedObjectVersions": "Current",
            "Schedule": {"Frequency": "Daily"},
            "Destination": {
                "S3BucketDestination": {"Bucket": "arn:aws:s3:::logs-to", "Format": "CSV"}
            },
        },
    )


def test_every_configuration_family_survives_the_rehearsal(memory_server: Server) -> None:
    """The rehearsal refuses only what breaks requests: a bucket configured in every family
    (the blocked public policy included) restores, and answers as before."""
    s3 = client_for(memory_server.endpoint_url)
    _configure_everything(s3)
    with urllib.request.urlopen(memory_server.endpoint_url + "/_fakes3/snapshot") as answer:
        archive = answer.read()
    getters = [
        ("get_bucket_policy", "Policy"),
        ("get_public_access_block", "PublicAccessBlockConfiguration"),
        ("get_bucket_cors", "CORSRules"),
        ("get_bucket_encryption", "ServerSideEncryptionConfiguration"),
        ("get_bucket_lifecycle_configuration", "Rules"),
        ("get_bucket_website", "IndexDocument"),
        ("get_bucket_logging", "LoggingEnabled"),
        ("get_bucket_notification_configuration", "QueueConfigurations"),
        ("get_object_lock_configuration", "ObjectLockConfiguration"),
        ("get_bucket_replication", "ReplicationConfiguration"),
        ("get_bucket_accelerate_configuration", "Status"),
        ("get_bucket_request_payment", "Payer"),
        ("get_bucket_ownership_controls", "OwnershipControls"),
        ("get_bucket_acl", "Grants"),
    ]
    before = {name: getattr(s3, name)(Bucket="every")[member] for name, member in getters}
    with _serve(None) as target:
        request = urllib.request.Request(
            target.endpoint_url + "/_fakes3/snapshot", data=archive, method="PUT"
        )
        with urllib.request.urlopen(request) as answer:
            assert json.loads(answer.read())["buckets"] == 3
        restored = client_for(target.endpoint_url)
        after = {name: getattr(restored, name)(Bucket="every")[member] for name, member in getters}
        assert after == before
        inventory = restored.get_bucket_inventory_configuration(Bucket="every", Id="daily")
        assert inventory["InventoryConfiguration"]["Id"] == "daily"
        assert restored.get_bucket_metrics_configuration(Bucket="every", Id="all")
        assert not target.app.errors  # type: ignore[union-attr]
