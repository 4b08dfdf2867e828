"""rclone and s3cmd, Debian's packages in their default configuration, against a real server
on both backends: a user's copy, check, sync, download and clean-up, each answer checked.

rclone creates buckets with ``x-amz-acl: private`` and writes every object with it: on S3 the
bucket is then BucketOwnerPreferred, so the writes are accepted (config/ownership.py).
.ci/run installs both where they are missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from api_helpers import unique_bucket_name
from botocore.client import BaseClient


def _tree(root: Path) -> dict[str, bytes]:
    (root / "sub").mkdir(parents=True)
    files = {"a.txt": b"one\n", "sub/b.txt": b"two\n", "big.bin": os.urandom(6 * 1024 * 1024)}
    for name, data in files.items():
        (root / name).write_bytes(data)
    return files


def _run(argv: list[str], env: dict[str, str], ok: bool = True) -> str:
    """The command's output; it must succeed (``ok``) or fail, which returns its errors."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    assert (done.returncode == 0) == ok, (argv, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout if ok else done.stderr


def _etag(s3: BaseClient, bucket: str, key: str) -> str:
    return str(s3.head_object(Bucket=bucket, Key=key)["ETag"])


def _clean_env(home: Path) -> dict[str, str]:
    """No AWS_* of the machine's (a CA bundle, a profile) reaches the client."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RCLONE_"))}
    env["HOME"] = str(home)
    return env


def test_rclone(endpoint: str, s3: BaseClient, tmp_path: Path) -> None:
    rclone = shutil.which("rclone")
    assert rclone, "rclone is needed (.ci/run installs Debian's)"
    files = _tree(tmp_path / "src")
    env = _clean_env(tmp_path) | {
        "RCLONE_CONFIG_FAKE_TYPE": "s3",
        "RCLONE_CONFIG_FAKE_PROVIDER": "Other",
        "RCLONE_CONFIG_FAKE_ACCESS_KEY_ID": "test",
        "RCLONE_CONFIG_FAKE_SECRET_ACCESS_KEY": "test",
        "RCLONE_CONFIG_FAKE_ENDPOINT": endpoint,
        "RCLONE_CONFIG_FAKE_REGION": "us-east-1",
    }

    def rc(*args: str) -> str:
        return _run([rclone, "--config", "/dev/null", "--retries", "1", *args], env)

    remote = f"fake:{unique_bucket_name('rclone')}"
    rc("mkdir", remote)
    multipart = ("--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M")  # big.bin in 2 parts
    rc("copy", *multipart, str(tmp_path / "src"), f"{remote}/data")
    assert _etag(s3, remote.split(":")[1], "data/big.bin").endswith('-2"')
    rc("check", str(tmp_path / "src"), f"{remote}/data")  # sizes and MD5s against the ETags
    sums = dict(line.split("  ")[::-1] for line in rc("md5sum", f"{remote}/data").splitlines())
    assert sums == {name: hashlib.md5(data).hexdigest() for name, data in files.items()}
    rc("moveto", f"{remote}/data/a.txt", f"{remote}/data/moved.txt")
    assert rc("cat", f"{remote}/data/moved.txt") == "one\n"
    rc("copyto", f"{remote}/data/big.bin", str(tmp_path / "big.back"))
    assert (tmp_path / "big.back").read_bytes() == files["big.bin"]
    rc("sync", str(tmp_path / "src"), f"{remote}/data")  # moved.txt is not in src: deleted
    assert sorted(rc("lsf", "-R", "--files-only", f"{remote}/data").split()) == sorted(files)
    rc("purge", remote)
    assert remote.split(":")[1] + "/" not in rc("lsf", "fake:").split()


def test_s3cmd(endpoint: str, s3: BaseClient, tmp_path: Path) -> None:
    s3cmd = shutil.which("s3cmd")
    assert s3cmd, "s3cmd is needed (.ci/run installs Debian's)"
    files = _tree(tmp_path / "src")
    host = endpoint.split("://")[1]
    config = tmp_path / "s3cfg"
    config.write_text(
        f"[default]\naccess_key = test\nsecret_key = test\nhost_base = {host}\n"
        f"host_bucket = {host}\nuse_https = False\nbucket_location = us-east-1\n"
    )
    env = _clean_env(tmp_path)

    def cmd(*args: str, ok: bool = True) -> str:
        return _run([s3cmd, "-c", str(config), *args], env, ok)

    bucket = f"s3://{unique_bucket_name('s3cmd')}"
    cmd("mb", bucket)
    src = f"{tmp_path / 'src'}/"
    cmd("put", "--recursive", "--multipart-chunk-size-mb=5", src, f"{bucket}/dir/")  # 2 parts
    assert _etag(s3, bucket[5:], "dir/big.bin").endswith('-2"')
    listed = {line.split()[-1] for line in cmd("ls", "-r", bucket).splitlines()}
    assert listed == {f"{bucket}/dir/{name}" for name in files}
    cmd("get", f"{bucket}/dir/big.bin", str(tmp_path / "big.back"))
    assert (tmp_path / "big.back").read_bytes() == files["big.bin"]
    cmd("cp", f"{bucket}/dir/a.txt", f"{bucket}/copy.txt")
    cmd("get", f"{bucket}/copy.txt", str(tmp_path / "copy.back"))
    assert (tmp_path / "copy.back").read_bytes() == files["a.txt"]
    (tmp_path / "src" / "new.txt").write_bytes(b"new\n")
    synced = cmd("sync", f"{tmp_path / 'src'}/", f"{bucket}/dir/")  # only what changed goes up
    uploads = [line.split(" -> ")[1].split("'")[1] for line in synced.splitlines() if "->" in line]
    assert uploads == [f"{bucket}/dir/new.txt"]
    cmd("del", "--recursive", "--force", bucket)
    cmd("rb", bucket)
    assert "NoSuchBucket" in cmd("ls", bucket, ok=False)
