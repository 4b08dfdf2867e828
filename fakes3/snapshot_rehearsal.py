"""A snapshot's buckets rehearsed on a scratch app before a restore replaces anything.

Configuration documents travel in an archive as JSON text. One of the right JSON type but the
wrong shape (an archive edited by hand, or written by a fakes3 that stored a family
differently) used to restore fine and then make every request that read it answer 500 (a
policy or logging document: every request to the bucket). The rehearsal loads each bucket's
record and documents into a throwaway in-memory app and sends it the requests that read them:
every GET sub-resource of the bucket, an object's PUT, GET, HEAD, CORS preflight and DELETE,
the listings, and the bucket's website. Any unexpected exception refuses the archive
(``ValueError``), so the running app keeps its state. A document that is merely not what S3
would accept is not judged here: it restores, and answers as it was stored.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache

from fakes3.settings import Settings
from fakes3.store.records import BucketRecord

__all__ = ["rehearse"]

_KEY = "fakes3-rehearsal"
_BODY = b"rehearsal"
_MD5 = base64.b64encode(hashlib.md5(_BODY).digest()).decode("ascii")  # object lock wants one
_ORIGIN = {"Origin": "http://rehearsal.invalid"}

Request = tuple[str, str, dict[str, str], bytes]
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _sub_resources() -> tuple[str, ...]:
    """The query of every bucket-level GET in the model (``cors``, ``list-type=2``…)."""
    from fakes3.protocol.model import load_model

    found = set()
    for operation in load_model().operations.values():
        http = operation["http"]
        if http["method"] == "GET" and http["requestUri"].startswith("/{Bucket}?"):
            found.add(http["requestUri"].partition("?")[2])
    return tuple(sorted(found))


def _requests(bucket: str, names: list[str], base_domain: str) -> Iterator[Request]:
    for query in _sub_resources():
        yield "GET", f"/{bucket}?{query}", {}, b""
    for name in names:  # the Id-keyed families: "inventory/daily" is ?inventory&id=daily
        family, slash, config_id = name.partition("/")
        if slash:
            yield "GET", f"/{bucket}?{family}&id={config_id}", {}, b""
    obj = f"/{bucket}/{_KEY}"
    yield "HEAD", f"/{bucket}", {}, b""
    yield "PUT", obj, {"Content-MD5": _MD5}, _BODY
    yield "GET", obj, _ORIGIN, b""
    yield "HEAD", obj, _ORIGIN, b""
    preflight = {**_ORIGIN, "Access-Control-Request-Method": "PUT"}
    yield "OPTIONS", obj, preflight, b""
    yield "DELETE", obj, {}, b""
    site = {"Host": f"{bucket}.s3-website.{base_domain}"}
    yield "GET", "/", site, b""
    yield "GET", f"/{_KEY}/missing", site, b""


# Buckets (record and documents, under the same settings) rehearsed without a failure in this
# process: the fixture-seeding pattern loads one archive before every test (docs/snapshots.md),
# and a rehearsal costs ~5 ms a bucket, ten times the rest of a small restore.
_PASSED: OrderedDict[str, None] = OrderedDict()
_PASSED_KEPT = 4096


def _fingerprint(settings: Settings, record: BucketRecord, configs: list[tuple[str, str]]) -> str:
    text = repr((settings, record, sorted(configs)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def rehearse(settings: Settings, buckets: list[tuple[BucketRecord, list[tuple[str, str]]]]) -> None:
    """ValueError, naming the bucket and the request, if the buckets' configurations make
    fakes3 fail; the scratch app shares nothing with the caller's (no webhooks, no files)."""
    prints = [_fingerprint(settings, record, configs) for record, configs in buckets]
    with _LOCK:
        pairs = zip(buckets, prints, strict=True)
        unknown = [bucket for bucket, seen in pairs if seen not in _PASSED]
    if unknown:
        _rehearse(settings, buckets, unknown)
    with _LOCK:
        for seen in prints:
            _PASSED[seen] = None
            _PASSED.move_to_end(seen)
        while len(_PASSED) > _PASSED_KEPT:
            _PASSED.popitem(last=False)


def _rehearse(
    settings: Settings,
    buckets: list[tuple[BucketRecord, list[tuple[str, str]]]],
    unknown: list[tuple[BucketRecord, list[tuple[str, str]]]],
) -> None:
    """Every bucket in the scratch app (they may name each other), the requests for those
    not rehearsed before."""
    from fakes3.app import FakeS3  # the app imports this module's caller
    from fakes3.mock import call_app  # the in-process bridge: a request without a socket

    scratch = FakeS3(
        dataclasses.replace(
            settings,
            data_dir=None,
            notify_webhooks=(),
            access_log=None,
            consistency="strong",
            journal_size=1,
        )
    )
    scratch.log_errors = False  # the refusal names the failure
    try:
        index = scratch.store.index
        with scratch.store.lock:
            for record, configs in buckets:
                index.add_bucket(record)
                for name, document in configs:
                    index.put_config(record.name, name, document)
        base_domain = scratch.settings.base_domain
        for record, configs in unknown:
            names = [name for name, _ in configs]
            for method, target, headers, body in _requests(record.name, names, base_domain):
                url = f"http://{headers.get('Host', 'localhost')}{target}"
                _, _, answer = call_app(scratch, method, url, headers, body)
                for _chunk in answer:  # the body too: a website page is made as it is sent
                    pass
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
                if scratch.errors:
                    raise ValueError(
                        f"bucket {record.name}: its configurations make {method} {target} "
                        f"fail ({scratch.errors[0]!r})"
                    )
    finally:
        scratch.close()
        scratch.store.close()
