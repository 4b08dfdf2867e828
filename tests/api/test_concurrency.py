"""Many clients at once: every read sees a whole object, every acknowledged write lands."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

from api_helpers import client_for
from botocore.client import BaseClient

WRITERS = 6
ROUNDS = 15


def body(writer: int, round_: int) -> bytes:
    return f"writer {writer} round {round_} ".encode() * (1000 + writer * 37)


def test_concurrent_overwrites_never_mix_bodies(endpoint: str, s3: BaseClient, bucket: str) -> None:
    valid = {hashlib.md5(body(w, r)).hexdigest() for w in range(WRITERS) for r in range(ROUNDS)}

    def write(writer: int) -> None:
        client = client_for(endpoint)
        for round_ in range(ROUNDS):
            client.put_object(Bucket=bucket, Key="shared", Body=body(writer, round_))
            client.put_object(Bucket=bucket, Key=f"own/{writer}/{round_}", Body=b"x")

    def read(_: int) -> list[str]:
        client = client_for(endpoint)
        seen = []
        for _round in range(ROUNDS):
            try:
                data = client.get_object(Bucket=bucket, Key="shared")["Body"].read()
            except client.exceptions.NoSuchKey:
                continue
            seen.append(hashlib.md5(data).hexdigest())
            client.list_objects_v2(Bucket=bucket, Prefix="own/")
        return seen

    with ThreadPoolExecutor(max_workers=WRITERS + 3) as pool:
        writes = [pool.submit(write, w) for w in range(WRITERS)]
        reads = [pool.submit(read, r) for r in range(3)]
        for future in writes:
            future.result()
        seen = [digest for future in reads for digest in future.result()]

    assert set(seen) <= valid
    paginator = s3.get_paginator("list_objects_v2")
    keys = [
        o["Key"] for p in paginator.paginate(Bucket=bucket, Prefix="own/") for o in p["Contents"]
    ]
    assert sorted(keys) == sorted(f"own/{w}/{r}" for w in range(WRITERS) for r in range(ROUNDS))
