"""The directory backend's caches (record_cache.py, the inline rows kept as bytes) under
concurrent clients: every read answers what was last committed, never an older or undone state."""

from __future__ import annotations

import random
import threading
from pathlib import Path

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from s3clients import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings

THREADS, STEPS, KEYS = 4, 150, 8


def _work(s3: BaseClient, number: int, shared: set[bytes], problems: list[str]) -> None:
    """Own keys: every GET must return this thread's last write (404 after its delete). The
    shared key: any body some thread wrote."""
    chance = random.Random(number)
    last: dict[str, bytes | None] = {}
    for step in range(STEPS):
        key = f"t{number}/k{chance.randrange(KEYS)}"
        roll = chance.random()
        if roll < 0.35:
            body = f"{number}-{step}-".encode() * chance.choice([1, 50, 5000])  # rows and files
            s3.put_object(Bucket="caches", Key=key, Body=body)
            last[key] = body
        elif roll < 0.5:
            s3.delete_object(Bucket="caches", Key=key)
            last[key] = None
        elif roll < 0.6:
            source = f"t{number}/k{chance.randrange(KEYS)}"
            if source != key and last.get(source) is not None:
                s3.copy_object(
                    Bucket="caches", Key=key, CopySource={"Bucket": "caches", "Key": source}
                )
                last[key] = last[source]
        elif roll < 0.7:
            body = f"shared-{number}-{step}".encode()
            shared.add(body)
            s3.put_object(Bucket="caches", Key="shared", Body=body)
        else:
            try:
                got = s3.get_object(Bucket="caches", Key=key)["Body"].read()
            except ClientError as error:
                if last.get(key) is not None:
                    problems.append(f"{key}: {error.response['Error']['Code']} after a write")
                continue
            if got != last.get(key):
                problems.append(f"{key}: not the last body written")
            try:
                seen = s3.get_object(Bucket="caches", Key="shared")["Body"].read()
            except ClientError:
                continue
            if seen not in shared:
                problems.append("shared: a body nobody wrote")


def test_concurrent_writes_and_reads_always_see_the_last_commit(tmp_path: Path) -> None:
    app = FakeS3(Settings(data_dir=str(tmp_path)))
    with Server(app, port=0) as server:
        clients = [client_for(server.endpoint_url) for _ in range(THREADS)]
        clients[0].create_bucket(Bucket="caches")
        shared: set[bytes] = set()
        problems: list[str] = []
        threads = [
            threading.Thread(target=_work, args=(clients[n], n, shared, problems))
            for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not any(thread.is_alive() for thread in threads)
        assert problems == []
        # And what the caches served is what a fresh store reads from the files.
        listed = {
            item["Key"]: item["ETag"]
            for item in clients[0].list_objects_v2(Bucket="caches").get("Contents", [])
        }
    assert not app.errors and not server.errors
    app.store.close()
    reopened = FakeS3(Settings(data_dir=str(tmp_path)))
    with Server(reopened, port=0) as again:
        s3 = client_for(again.endpoint_url)
        fresh = {
            item["Key"]: item["ETag"]
            for item in s3.list_objects_v2(Bucket="caches").get("Contents", [])
        }
    assert fresh == listed and listed
