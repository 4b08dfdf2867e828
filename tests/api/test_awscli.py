"""The AWS CLI (v1) against the server: ``aws s3`` high-level commands and a few ``s3api`` ones.

The CLI runs in a subprocess with test credentials in its environment and empty config and
credentials files, so nothing on the machine leaks in.
Reference: https://docs.aws.amazon.com/cli/latest/reference/s3/
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from api_helpers import Aws, unique_bucket_name
from botocore.client import BaseClient


def test_cli_make_list_and_remove_bucket(aws: Aws, s3: BaseClient) -> None:
    name = unique_bucket_name("cli")
    assert f"make_bucket: {name}" in aws("s3", "mb", f"s3://{name}").stdout
    s3.head_bucket(Bucket=name)
    assert name in aws("s3", "ls").stdout
    assert f"remove_bucket: {name}" in aws("s3", "rb", f"s3://{name}").stdout
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_cli_copy_small_file_up_and_down(
    aws: Aws, s3: BaseClient, bucket: str, tmp_path: Path
) -> None:
    source = tmp_path / "hello world.txt"
    source.write_bytes(b"hello from the cli\n")
    aws("s3", "cp", str(source), f"s3://{bucket}/docs/hello world.txt")
    got = s3.get_object(Bucket=bucket, Key="docs/hello world.txt")
    assert got["Body"].read() == b"hello from the cli\n"
    assert got["ContentType"] == "text/plain"  # the CLI guesses it from the file name
    target = tmp_path / "back.txt"
    aws("s3", "cp", f"s3://{bucket}/docs/hello world.txt", str(target))
    assert target.read_bytes() == source.read_bytes()
    listing = aws("s3", "ls", f"s3://{bucket}/docs/").stdout
    assert "hello world.txt" in listing
    assert " 19 " in listing  # the size column


def test_cli_copy_40_mib_file_up_and_down_as_a_multipart_upload(
    aws: Aws, s3: BaseClient, bucket: str, tmp_path: Path
) -> None:
    """Above its 8 MB ``multipart_threshold`` the CLI uploads 8 MiB parts and downloads ranges."""
    data = os.urandom(40 * 1024 * 1024)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    aws("s3", "cp", str(source), f"s3://{bucket}/big.bin")
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-5"')
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    target = tmp_path / "big-back.bin"
    aws("s3", "cp", f"s3://{bucket}/big.bin", str(target))
    assert target.read_bytes() == data


TREE = {
    "a.txt": b"a",
    "sub/b.txt": b"bb",
    "sub/deeper/c.bin": bytes(range(256)),
    "with space/d e.txt": b"spaces",
}


def test_cli_sync_both_ways_and_recursive_remove(
    aws: Aws, s3: BaseClient, bucket: str, tmp_path: Path
) -> None:
    up = tmp_path / "up"
    tree = {**TREE, "sub/large.bin": os.urandom(9 * 1024 * 1024)}  # one multipart upload
    for name, data in tree.items():
        (up / name).parent.mkdir(parents=True, exist_ok=True)
        (up / name).write_bytes(data)
    aws("s3", "sync", str(up), f"s3://{bucket}/tree")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == sorted(f"tree/{name}" for name in tree)
    s3.put_object(Bucket=bucket, Key="tree/only-remote.txt", Body=b"remote")
    down = tmp_path / "down"
    aws("s3", "sync", f"s3://{bucket}/tree", str(down))
    found = {
        str(path.relative_to(down)): path.read_bytes() for path in down.rglob("*") if path.is_file()
    }
    assert found == {**tree, "only-remote.txt": b"remote"}
    aws("s3", "rm", f"s3://{bucket}/tree", "--recursive")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_cli_s3api_calls(aws: Aws, bucket: str, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text('{"k": 1}')
    put = json.loads(
        aws(
            "s3api",
            "put-object",
            "--bucket",
            bucket,
            "--key",
            "api/obj.json",
            "--body",
            str(body),
            "--content-type",
            "application/json",
            "--metadata",
            "team=api",
        ).stdout
    )
    assert put["ETag"] == '"' + hashlib.md5(b'{"k": 1}').hexdigest() + '"'
    head = json.loads(
        aws("s3api", "head-object", "--bucket", bucket, "--key", "api/obj.json").stdout
    )
    assert head["ContentLength"] == 8
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"team": "api"}
    listing = json.loads(
        aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "api/").stdout
    )
    assert [o["Key"] for o in listing["Contents"]] == ["api/obj.json"]
    missing = aws("s3api", "head-object", "--bucket", bucket, "--key", "nope", check=False)
    assert missing.returncode != 0
    assert "404" in missing.stderr
