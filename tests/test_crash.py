"""kill -9 at any instant: a real ``fakes3 serve --data-dir`` killed during concurrent writes.

Each round restarts the server on the same directory, checks that every key is old-complete or
new-complete (listed keys readable, each body one that a client sent; HEAD, GET, ListObjects
and ListObjectVersions agree; the blobs, files and inline rows, are exactly those the index
refers to), then runs writers — PutObject overwrites, multipart completions, CopyObject,
versioned deletes and deletes of versions, versioning changes, DeleteObjects, and the
versioning of a 1,000-object bucket — and SIGKILLs the server after a random delay. At the end
everything is deleted and every bucket must be deletable. ``FAKES3_CRASH_KILLS`` sets the
number of kills (CI: 10).
"""

from __future__ import annotations

import io
import os
import random
import re
import selectors
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from stored_blobs import stored_blobs

from fakes3.store import open_store
from fakes3.store.store import NewObject

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("FAKES3_CRASH_KILLS", "10"))
STARTUP = re.compile(r"listening on (\S+) \(directory: .*, (\d+) unreferenced blob files removed\)")
PLAIN, VERSIONED, BIG = "plain", "versioned", "big"
KEYS = [f"k{number}" for number in range(6)]
BIG_KEYS = 1000
WRITERS = 4

Client = Any  # a boto3 S3 client


@contextmanager
def serving(data_dir: Path) -> Iterator[tuple[subprocess.Popen[str], str, int]]:
    """``python -m fakes3 serve`` on ``data_dir``: (process, URL, blobs reclaimed on open)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKES3_")}
    command = [sys.executable, "-m", "fakes3", "serve", "--port", "0", "--quiet"]
    command += ["--data-dir", str(data_dir)]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            with selectors.DefaultSelector() as selector:
                selector.register(proc.stdout, selectors.EVENT_READ)
                assert selector.select(timeout=30), "no startup line within 30 s"
            line = proc.stdout.readline()
            match = STARTUP.search(line)
            assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
            yield proc, match[1], int(match[2])
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def client(url: str) -> Client:
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=20)
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


class Writes:
    """Every body a client sent for a key, acknowledged or cut off by the kill (unique)."""

    def __init__(self) -> None:
        self.sent: dict[tuple[str, str], set[bytes]] = defaultdict(set)
        self.copies: dict[tuple[str, str], set[str]] = defaultdict(set)  # target -> sources
        self.failures: list[Exception] = []  # 5xx answers: never, crash or not
        self.lock = threading.Lock()

    def body(self, bucket: str, key: str, tag: str) -> bytes:
        data = f"{bucket}/{key}/{tag}/".encode() * 20
        with self.lock:
            self.sent[bucket, key].add(data)
        return data

    def copy(self, bucket: str, source: str, target: str) -> None:
        with self.lock:
            self.copies[bucket, target].add(source)

    def possible(self, bucket: str, key: str) -> set[bytes]:
        """The bodies ``key`` may have: those sent to it and, through copies, to its sources
        (whenever they were sent: the server reads a source after the client chose it)."""
        seen, todo, bodies = {key}, [key], set()
        while todo:
            current = todo.pop()
            bodies |= self.sent[bucket, current]
            for source in self.copies[bucket, current] - seen:
                seen.add(source)
                todo.append(source)
        return bodies


def writer(s3: Client, writes: Writes, name: str, stop: threading.Event) -> None:
    """Random writes until the server dies (a connection error ends the loop, an S3 error
    does not; a 5xx is recorded as a failure)."""
    rng = random.Random(name)
    versions: dict[str, list[str]] = defaultdict(list)
    count = 0
    while not stop.is_set():
        count += 1
        tag, key = f"{name}-{count}", rng.choice(KEYS)
        bucket = rng.choice((PLAIN, VERSIONED))
        action = rng.random()
        try:
            if action < 0.4:
                answer = s3.put_object(Bucket=bucket, Key=key, Body=writes.body(bucket, key, tag))
                if "VersionId" in answer:
                    versions[key].append(answer["VersionId"])
            elif action < 0.55:
                upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
                part = s3.upload_part(
                    Bucket=bucket,
                    Key=key,
                    UploadId=upload,
                    PartNumber=1,
                    Body=writes.body(bucket, key, tag),
                )
                s3.complete_multipart_upload(
                    Bucket=bucket,
                    Key=key,
                    UploadId=upload,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
                )
            elif action < 0.7:
                s3.delete_object(Bucket=bucket, Key=key)
            elif action < 0.8 and versions[key]:
                s3.delete_object(Bucket=VERSIONED, Key=key, VersionId=versions[key].pop(0))
            elif action < 0.85:
                source = rng.choice(KEYS)
                writes.copy(bucket, source, key)
                copied = {"Bucket": bucket, "Key": source}
                s3.copy_object(Bucket=bucket, Key=key, CopySource=copied)
            elif action < 0.93:
                doomed = [{"Key": k} for k in rng.sample(KEYS, 3)]
                s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed})
            else:
                status = rng.choice(("Enabled", "Suspended"))
                s3.put_bucket_versioning(
                    Bucket=VERSIONED, VersioningConfiguration={"Status": status}
                )
        except ClientError as error:  # copying a deleted key…: the server is still there
            if error.response["ResponseMetadata"]["HTTPStatusCode"] >= 500:
                writes.failures.append(error)
            continue
        except Exception:
            return  # the server was killed under this request


def versioning_big(s3: Client, stop: threading.Event) -> None:
    """PutBucketVersioning on the 1,000-object bucket, toggled while the server lives."""
    status = "Enabled"
    while not stop.is_set():
        try:
            s3.put_bucket_versioning(Bucket=BIG, VersioningConfiguration={"Status": status})
        except Exception:
            return
        status = "Suspended" if status == "Enabled" else "Enabled"


def pages(call: Callable[..., Any], key: str, **kwargs: Any) -> Iterator[Any]:
    for page in call.__self__.get_paginator(call.__name__).paginate(**kwargs):
        yield from page.get(key, [])


def check(s3: Client, writes: Writes, data_dir: Path) -> None:
    """The invariants a restarted server must satisfy, whatever instant it was killed at."""
    for bucket in (PLAIN, VERSIONED):
        contents = pages(s3.list_objects_v2, "Contents", Bucket=bucket)
        listed = {item["Key"]: item for item in contents}
        for key, item in listed.items():
            got = s3.get_object(Bucket=bucket, Key=key)
            body = got["Body"].read()
            assert body in writes.possible(bucket, key), (bucket, key, body[:40])
            head = s3.head_object(Bucket=bucket, Key=key)
            assert head["ETag"] == got["ETag"] == item["ETag"]
            assert head["ContentLength"] == item["Size"] == len(body)
        latest: dict[str, dict[str, Any]] = {}
        older: list[dict[str, Any]] = []
        for entry in pages(s3.list_object_versions, "Versions", Bucket=bucket):
            if entry["IsLatest"]:
                latest[entry["Key"]] = entry
            else:
                older.append(entry)
        for entry in random.sample(older, min(len(older), 20)):  # noncurrent ones still readable
            got = s3.get_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
            assert got["ETag"] == entry["ETag"]
            assert got["Body"].read() in writes.possible(bucket, entry["Key"])
        for marker in pages(s3.list_object_versions, "DeleteMarkers", Bucket=bucket):
            if marker["IsLatest"]:
                assert marker["Key"] not in listed and marker["Key"] not in latest, marker
        assert set(latest) == set(listed), (bucket, set(latest) ^ set(listed))
        for key, entry in latest.items():
            head = s3.head_object(Bucket=bucket, Key=key)
            assert head.get("VersionId", "null") == entry["VersionId"]
            assert head["ETag"] == entry["ETag"]
    big = list(pages(s3.list_object_versions, "Versions", Bucket=BIG))
    assert len(big) == BIG_KEYS and {entry["VersionId"] for entry in big} == {"null"}
    assert_no_orphans(data_dir)


def assert_no_orphans(data_dir: Path) -> None:
    """Blobs on disk (files, and rows of the inline table) are exactly the ones objects,
    versions and parts refer to."""
    with sqlite3.connect(f"file:{data_dir / 'metadata.sqlite3'}?mode=ro", uri=True) as db:
        referenced = {
            blob_id
            for table in ("objects", "versions", "upload_parts")
            for (blob_id,) in db.execute(f"SELECT blob_id FROM {table}")
            if blob_id
        }
    stored = set(stored_blobs(data_dir))  # also checks that no id is both a file and a row
    assert stored == referenced, (stored - referenced, referenced - stored)


def fill(data_dir: Path) -> None:
    store = open_store(str(data_dir))
    for bucket in (PLAIN, VERSIONED, BIG):
        store.create_bucket(bucket, "us-east-1")
    store.set_versioning(VERSIONED, "Enabled")
    with store.change():  # one transaction: a few seconds less on a slow disk
        for number in range(BIG_KEYS):
            store.put_object(BIG, f"object-{number:04}", io.BytesIO(b"big"), NewObject())
    store.close()


def empty_and_delete(s3: Client, bucket: str) -> None:
    for upload in pages(s3.list_multipart_uploads, "Uploads", Bucket=bucket):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    doomed = [
        {"Key": entry["Key"], "VersionId": entry["VersionId"]}
        for kind in ("Versions", "DeleteMarkers")
        for entry in pages(s3.list_object_versions, kind, Bucket=bucket)
    ]
    for start in range(0, len(doomed), 1000):
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed[start : start + 1000]})
        assert not answer.get("Errors"), answer["Errors"]
    s3.delete_bucket(Bucket=bucket)


@pytest.mark.slow
def test_kill_9_at_any_instant_leaves_every_key_old_or_new(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    fill(data_dir)
    writes = Writes()
    rng = random.Random(11)
    for round_number in range(KILLS):
        with serving(data_dir) as (proc, url, _removed):
            check(client(url), writes, data_dir)
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=writer, args=(client(url), writes, f"{round_number}.{n}", stop)
                )
                for n in range(WRITERS)
            ]
            threads.append(threading.Thread(target=versioning_big, args=(client(url), stop)))
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.1, 0.8))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
    assert writes.failures == []
    with serving(data_dir) as (_proc, url, _removed):
        s3 = client(url)
        check(s3, writes, data_dir)
        for bucket in (PLAIN, VERSIONED, BIG):
            empty_and_delete(s3, bucket)
        assert s3.list_buckets()["Buckets"] == []
        assert_no_orphans(data_dir)
