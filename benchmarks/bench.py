"""How fast is fakes3 next to a null S3 app?  boto3 against both, over the same server.

Run by hand from the repository root (not in CI)::

    python -m benchmarks.bench                  # full run: about 10 minutes on 2 cores
    python -m benchmarks.bench --quick          # short run: about 3 minutes
    python -m benchmarks.bench --ops put,get,list_page --json out.json
    python -m benchmarks.bench --compare a.json b.json   # spread between two saved runs

Three subjects, each served by ``fakes3.server.Server`` on a loopback port in this process
(its threads share the GIL and the machine's cores with the client) and driven by one boto3
client in its default configuration: fakes3 with the memory backend, fakes3 with the directory
backend (a temporary directory), and the null app (``benchmarks/null_app.py``: canned answers
of the same shape, the floor).  Rounds interleave the subjects; each number is the median over
rounds and its spread is (max - min) / median.  Then the WSGI apps are called directly, without
a server or client, for fakes3's own cost per request.  See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gc
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from botocore.client import BaseClient

from benchmarks.direct import client_for, run_direct
from benchmarks.null_app import (
    DELETE_KEYS,
    LIST_KEYS,
    LISTED,
    OBJECT_BODY,
    PREFIXES,
    bench_key,
    null_app,
)
from benchmarks.report import (
    SMALL_OPS,
    SUBJECTS,
    Metric,
    compare,
    make_metrics,
    print_table,
    print_targets,
    targets,
)
from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings
from fakes3.store import Store
from fakes3.store.store import NewObject

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

OPS = (*SMALL_OPS, "delete_objects", "list_full", "list_page", "wsgi")

BUCKET = "bench"
DELETE_BUCKET = "bench-delete"
LIST_BUCKET = f"{LISTED}10k"  # the null app lists its 10,000 keys for buckets named listed-*
SMALL_BUCKET = f"{LISTED}page-1k"
BIG_BUCKET = f"{LISTED}page-big"

# Targets the project set.


@dataclass
class Subject:
    name: str
    app: WSGIApp
    store: Store | None  # None for the null app
    server: Server
    s3: BaseClient
    fill_seconds: float = 0.0


@dataclass
class Config:
    count: int
    rounds: int
    warmup: int
    repeats_delete: int
    repeats_list: int
    repeats_page: int
    big: int
    direct_count: int
    budget: float  # seconds a repeated measurement may take before it stops early
    ops: tuple[str, ...]
    profile_dir: str | None


# ----------------------------------------------------------------------------- set-up


def _fill(store: Store, bucket: str, keys: Iterable[str]) -> None:
    """Store 1 KiB objects with a CRC32 checksum (what a default boto3 PUT leaves) directly."""
    for key in keys:
        store.put_object(
            bucket, key, io.BytesIO(OBJECT_BODY), NewObject(checksum_algorithm="CRC32")
        )


def _empty(subject: Subject, bucket: str) -> None:
    """Delete every object in ``bucket`` through the store (nothing to do for the null app)."""
    store = subject.store
    if store is None:
        return
    for _ in range(100_000):  # bounded: each pass deletes up to 1000 keys
        page = store.list_objects(bucket, max_keys=1000)
        if not page.objects:
            return
        for record in page.objects:
            store.delete_object(bucket, record.key)


def _big_keys(big: int) -> Iterator[str]:
    per_prefix = big // PREFIXES
    return (bench_key(p, n) for p in range(PREFIXES) for n in range(per_prefix))


@contextlib.contextmanager
def subjects(config: Config) -> Iterator[list[Subject]]:
    """Start the three subjects, create their buckets and fill the listing ones."""
    stack = contextlib.ExitStack()
    made: list[Subject] = []
    with stack:
        listing = {"list_full", "list_page", "wsgi"} & set(config.ops)
        for name in SUBJECTS:
            store: Store | None = None
            app: WSGIApp
            if name == "null":
                app = null_app
            else:
                data_dir = None
                if name == "directory":
                    data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="fakes3-"))
                fake = FakeS3(Settings(data_dir=data_dir))
                stack.callback(fake.store.close)
                app, store = fake, fake.store
            server = Server(app, port=0)
            stack.enter_context(server)
            subject = Subject(name, app, store, server, client_for(server.endpoint_url))
            for bucket in (BUCKET, DELETE_BUCKET, LIST_BUCKET, SMALL_BUCKET, BIG_BUCKET):
                subject.s3.create_bucket(Bucket=bucket)
            if store is not None and listing:
                started = time.perf_counter()
                if "list_full" in config.ops:
                    _fill(store, LIST_BUCKET, LIST_KEYS)
                if {"list_page", "wsgi"} & set(config.ops):
                    _fill(store, SMALL_BUCKET, (bench_key(p, 0) for p in range(PREFIXES)))
                    _fill(store, BIG_BUCKET, _big_keys(config.big))
                subject.fill_seconds = time.perf_counter() - started
                print(
                    f"  filled {name} through app.store.put_object in {subject.fill_seconds:.1f} s"
                )
            made.append(subject)
        # The filled stores hold ~10^5 records in this process: keep the garbage collector
        # from walking them, so one subject's data does not slow the others' requests.
        gc.collect()
        gc.freeze()
        yield made
        gc.unfreeze()
        for subject in made:
            errors = subject.server.errors + getattr(subject.app, "errors", [])
            if errors:
                print(f"!! {subject.name}: {len(errors)} server errors, first: {errors[0]!r}")


# ----------------------------------------------------------------------------- over the network


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _small_actions(subject: Subject) -> dict[str, Callable[[str, str], None]]:
    s3 = subject.s3

    def put(key: str, other: str) -> None:
        s3.put_object(Bucket=BUCKET, Key=key, Body=OBJECT_BODY)

    def get(key: str, other: str) -> None:
        if len(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()) != len(OBJECT_BODY):
            raise AssertionError(f"{subject.name}: GET returned the wrong body")

    def head(key: str, other: str) -> None:
        s3.head_object(Bucket=BUCKET, Key=key)

    def copy(key: str, other: str) -> None:
        s3.copy_object(Bucket=BUCKET, Key=other, CopySource={"Bucket": BUCKET, "Key": key})

    def delete(key: str, other: str) -> None:
        s3.delete_object(Bucket=BUCKET, Key=key)

    return {"put": put, "get": get, "head": head, "copy": copy, "delete": delete}


def run_small(order: list[Subject], config: Config, metrics: dict[str, Metric]) -> None:
    """PUT, GET, HEAD, copy, DELETE of ``count`` distinct 1 KiB objects, one request at a time.

    Each op runs for every subject before the next op starts, in slices of a tenth of the
    requests taken in turns (A B C A B C …), so a change in the machine's speed (other work, a
    noisy neighbour) falls on every subject alike instead of on whichever was running.
    """
    wanted = [op for op in SMALL_OPS if op in config.ops]
    if not wanted:
        return
    actions = {subject.name: _small_actions(subject) for subject in order}
    for subject in order:  # warm up: connections, endpoint rules, parsers, caches
        for op in SMALL_OPS:
            for i in range(config.warmup):
                actions[subject.name][op](f"warm/{i:05d}", f"warm-copy/{i:05d}")
    keys = [(f"obj/{i:05d}", f"copy/{i:05d}") for i in range(config.count)]
    step = max(1, config.count // 10)
    for op in SMALL_OPS:
        if op not in wanted and not (op == "put" and wanted != ["put"]):
            continue  # the PUTs also run, untimed, when only later ops are asked for
        elapsed = dict.fromkeys((subject.name for subject in order), 0.0)
        for first in range(0, config.count, step):
            for subject in order:
                action = actions[subject.name][op]
                started = time.perf_counter()
                for key, other in keys[first : first + step]:
                    action(key, other)
                elapsed[subject.name] += time.perf_counter() - started
        if op in wanted:
            for name, seconds in elapsed.items():
                metrics[op].add(name, config.count / seconds)
    for subject in order:
        _empty(subject, BUCKET)


def run_delete_objects(order: list[Subject], config: Config, metrics: dict[str, Metric]) -> None:
    """DeleteObjects of 1000 existing keys (filled through the store first), ms per call."""
    batch = {"Objects": [{"Key": key} for key in DELETE_KEYS]}
    times: dict[str, list[float]] = {subject.name: [] for subject in order}
    for attempt in range(config.repeats_delete + 1):  # the first is a warm-up
        for subject in order:  # taking turns, as run_small does
            if subject.store is not None:
                _fill(subject.store, DELETE_BUCKET, DELETE_KEYS)
            started = time.perf_counter()
            answer = subject.s3.delete_objects(Bucket=DELETE_BUCKET, Delete=batch)
            elapsed = time.perf_counter() - started
            if len(answer.get("Deleted", ())) != len(DELETE_KEYS) or answer.get("Errors"):
                raise AssertionError(f"{subject.name}: DeleteObjects did not delete 1000 keys")
            if attempt:
                times[subject.name].append(elapsed)
    for name, values in times.items():
        metrics["delete_objects"].add(name, 1000 * statistics.median(values))


def _full_listing(subject: Subject) -> None:
    """List all 10,000 keys with boto3's paginator: 10 pages of 1000."""
    keys = pages = 0
    for page in subject.s3.get_paginator("list_objects_v2").paginate(Bucket=LIST_BUCKET):
        keys += len(page.get("Contents", ()))
        pages += 1
        if pages > 100:
            raise AssertionError(f"{subject.name}: the listing does not end")
    if (keys, pages) != (len(LIST_KEYS), 10):
        raise AssertionError(f"{subject.name}: listed {keys} keys in {pages} pages")


def run_list_full(order: list[Subject], config: Config, metrics: dict[str, Metric]) -> None:
    """A full listing of 10,000 keys, ms: the subjects take turns, the median counts."""
    times: dict[str, list[float]] = {subject.name: [] for subject in order}
    for subject in order:
        _full_listing(subject)  # warm-up
    for _ in range(config.repeats_list):
        for subject in order:
            times[subject.name].append(_timed(functools.partial(_full_listing, subject)))
    for name, values in times.items():
        metrics["list_full"].add(name, 1000 * statistics.median(values))


def _each(
    runner: Callable[[Subject, Config, dict[str, Metric]], None],
    order: list[Subject],
    config: Config,
    metrics: dict[str, Metric],
) -> None:
    for subject in order:
        runner(subject, config, metrics)


PAGES = {  # metric -> (bucket, delimiter)
    "page_flat_1k": (SMALL_BUCKET, ""),
    "page_flat_big": (BIG_BUCKET, ""),
    "page_delim_1k": (SMALL_BUCKET, "/"),
    "page_delim_big": (BIG_BUCKET, "/"),
}


def run_list_page(subject: Subject, config: Config, metrics: dict[str, Metric]) -> None:
    """One ListObjectsV2 page of 1000 entries (keys, or common prefixes with ``/``), ms."""
    s3 = subject.s3

    def page(bucket: str, delimiter: str) -> None:
        kwargs = {"Delimiter": delimiter} if delimiter else {}
        answer = s3.list_objects_v2(Bucket=bucket, **kwargs)
        got = len(answer.get("CommonPrefixes" if delimiter else "Contents", ()))
        if got != 1000:
            raise AssertionError(f"{subject.name}: a page of {bucket} had {got} entries")

    times: dict[str, list[float]] = {name: [] for name in PAGES}
    page(SMALL_BUCKET, "")  # warm-up: both kinds of page, on the small bucket
    page(SMALL_BUCKET, "/")
    for kind in ("flat", "delim"):  # each kind with its own time budget
        pair = [name for name in PAGES if name.startswith(f"page_{kind}_")]
        started = time.perf_counter()
        for _ in range(config.repeats_page):  # interleaved, so drift hits both sizes alike
            for name in pair:
                times[name].append(_timed(functools.partial(page, *PAGES[name])))
            if time.perf_counter() - started > 2 * config.budget:  # a slow backend: fewer
                break
    for name, values in times.items():
        metrics[name].add(subject.name, 1000 * statistics.median(values))


# ----------------------------------------------------------------------------- reporting


def _git(*args: str) -> str | None:
    """A read-only git query about the checkout this runs from, or None."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def meta(config: Config, subjects_: list[Subject] | None) -> dict[str, Any]:
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "fakes3_changed": _git("status", "--porcelain", "--", "fakes3"),  # "" if unchanged
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "boto3": version("boto3"),
        "botocore": version("botocore"),
        "cheroot": version("cheroot"),
        "count": config.count,
        "rounds": config.rounds,
        "warmup": config.warmup,
        "repeats": {
            "delete_objects": config.repeats_delete,
            "list_full": config.repeats_list,
            "list_page": config.repeats_page,
        },
        "big_bucket_keys": config.big,
        "direct_count": config.direct_count,
        "budget_seconds": config.budget,
        "ops": list(config.ops),
        "fill": "app.store.put_object (1 KiB, CRC32), not timed",
        "fill_seconds": {s.name: round(s.fill_seconds, 2) for s in subjects_ or [] if s.store},
    }


# ----------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run: fewer requests")
    parser.add_argument("--count", type=int, help="requests per small op (default 2000)")
    parser.add_argument("--rounds", type=int, help="rounds over all subjects (default 3)")
    parser.add_argument(
        "--ops",
        default=",".join(OPS),
        help=f"comma-separated, from: {','.join(OPS)} (and 'small' for the first five)",
    )
    parser.add_argument(
        "--big", type=int, help="keys in the big listing bucket (default 100000; quick 20000)"
    )
    parser.add_argument("--json", metavar="FILE", help="also save the results as JSON")
    parser.add_argument("--profile", metavar="DIR", help="cProfile fakes3's direct WSGI calls")
    parser.add_argument("--compare", nargs=2, metavar="JSON", help="compare two saved runs")
    args = parser.parse_args(argv)
    ops: list[str] = []
    for op in args.ops.split(","):
        op = op.strip()
        if op == "small":
            ops.extend(SMALL_OPS)
        elif op in OPS:
            ops.append(op)
        elif op:
            parser.error(f"unknown op {op!r}; choose from {', '.join(OPS)}")
    if args.profile and "wsgi" not in ops:
        ops.append("wsgi")
    quick = args.quick
    count = args.count or (300 if quick else 2000)
    big = args.big or (20_000 if quick else 100_000)
    big = max(PREFIXES, min(big, 1_000_000)) // PREFIXES * PREFIXES
    config = Config(
        count=max(10, min(count, 100_000)),  # every loop bounded
        rounds=max(1, min(args.rounds or (2 if quick else 3), 20)),
        warmup=30 if quick else 100,
        repeats_delete=2 if quick else 5,
        repeats_list=2 if quick else 5,
        repeats_page=5 if quick else 20,
        big=big,
        direct_count=max(10, min(count, 100_000)),
        budget=1.0 if quick else 3.0,
        ops=tuple(dict.fromkeys(ops)),
        profile_dir=args.profile,
    )
    return args, config


def run(config: Config) -> dict[str, Any]:
    metrics = make_metrics(config.big)
    cpus = os.cpu_count()
    print(
        f"fakes3 benchmark, {datetime.date.today()}: {cpus} CPU cores, shared by the boto3 client"
        " and the servers (server threads run in this process, under the same GIL)"
    )
    print(
        f"{config.count} requests per small op, {config.rounds} rounds, big bucket"
        f" {config.big} keys; ops: {','.join(config.ops)}"
    )
    Runner = Callable[[list[Subject], Config, dict[str, Metric]], None]
    runners: list[tuple[set[str], Runner]] = [
        (set(SMALL_OPS), run_small),
        ({"delete_objects"}, run_delete_objects),
        ({"list_full"}, run_list_full),
        ({"list_page"}, functools.partial(_each, run_list_page)),
    ]
    commit_at_start = _git("rev-parse", "--short", "HEAD")
    dirty = " + uncommitted changes in fakes3/" if _git("status", "--porcelain", "fakes3") else ""
    print(
        f"fakes3 at commit {commit_at_start}{dirty}; Python {platform.python_version()}, boto3 "
        f"{version('boto3')}, cheroot {version('cheroot')}"
    )
    with subjects(config) as made:
        for round_no in range(config.rounds):
            started = time.perf_counter()
            order = made[round_no % 3 :] + made[: round_no % 3]  # who goes first rotates
            for ops, runner in runners:
                if ops & set(config.ops):
                    runner(order, config, metrics)
            print(f"  round {round_no + 1}/{config.rounds}: {time.perf_counter() - started:.0f} s")
        if "wsgi" in config.ops:
            for round_no in range(config.rounds):
                run_direct(
                    made, config, metrics, (BUCKET, BIG_BUCKET, DELETE_BUCKET), round_no == 0
                )
        info = meta(config, made)
    if info["commit"] != commit_at_start:
        print(f"!! the checkout moved from {commit_at_start} to {info['commit']} during the run")
    info["commit_at_start"] = commit_at_start
    found = targets(metrics, config.big)
    print()
    print(
        "medians over rounds (app only: the best round); the % after each: its spread,"
        " (max - min) / median over rounds"
    )
    print_table(metrics)
    print()
    print("targets: the ratio of the medians, and the range of the rounds' own ratios")
    print_targets(found)
    return {
        "meta": info,
        "results": {
            name: {
                "label": m.label,
                "unit": m.unit,
                "higher_is_better": m.higher_is_better,
                **{
                    s: {
                        "median": m.median(s),  # the best round's for app-only ones
                        "statistic": "best" if m.best_of_rounds else "median",
                        "spread": m.spread(s),
                        "rounds": m.values[s],
                    }
                    for s in m.values
                },
            }
            for name, m in metrics.items()
            if m.values
        },
        "targets": found,
    }


def main(argv: list[str] | None = None) -> None:
    args, config = parse_args(argv)
    if args.compare:
        compare(*args.compare)
        return
    results = run(config)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=1)
        print(f"saved to {args.json}")
    failed = [t for t in results["targets"] if not t["pass"]]
    if failed:
        print(f"{len(failed)} target(s) FAIL; --profile DIR shows where fakes3 spends its time")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
