"""The bad-input corpus (bad_input_bodies.py, bad_input_requests.py) over a real server on
both backends.

Each case is sent as exact bytes. It must answer below 500 with the S3 error code the case
names, and leave every bucket, key, version and the existing object as they were. The
server fixture also fails the session if any request raised inside fakes3.
"""

from __future__ import annotations

import pytest
from auth_servers import Running
from bad_input import Case, now_fields
from bad_input_bodies import BODY_CASES
from bad_input_requests import REQUEST_CASES
from botocore.client import BaseClient
from wire import exchange, request, snapshot


@pytest.fixture
def corpus_bucket(s3: BaseClient, bucket: str) -> str:
    s3.put_object(Bucket=bucket, Key="existing", Body=b"0123456789")
    return bucket


CASES = BODY_CASES + REQUEST_CASES


def _fill(text: str, bucket: str) -> str:
    if "{" not in text:
        return text
    return text.format(b=bucket, **now_fields())


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(endpoint: str, s3: BaseClient, corpus_bucket: str, case: Case) -> None:
    before = snapshot(s3, corpus_bucket)
    headers = [(name, _fill(value, corpus_bucket)) for name, value in case.headers]
    if case.length and case.body and not any(n.lower() == "content-length" for n, _ in headers):
        headers.append(("Content-Length", str(len(case.body))))
    target = _fill(case.target, corpus_bucket)
    reply = exchange(endpoint, request(case.method, target, headers, case.body), cut=case.cut)
    # 501 NotImplemented is S3's own answer for what fakes3 does not do; any other 5xx is a bug
    assert 0 < reply.status < 500 or reply.code == "NotImplemented", (case.name, reply.raw[:500])
    if case.status is not None:
        assert reply.status == case.status, (case.name, reply.raw[:500])
    if case.code is not None:
        assert reply.code == case.code, (case.name, reply.raw[:500])
    elif case.status is None:
        assert reply.status < 400, (case.name, reply.raw[:500])
    assert snapshot(s3, corpus_bucket) == before
    assert s3.get_object(Bucket=corpus_bucket, Key="existing")["Body"].read() == b"0123456789"
    assert "TagSet" not in _tagging(s3, corpus_bucket)


def _tagging(s3: BaseClient, bucket: str) -> dict[str, object]:
    try:
        return dict(s3.get_bucket_tagging(Bucket=bucket))
    except s3.exceptions.ClientError:
        return {}


def test_no_5xx_in_any_auth_mode(auth_server: Running, alice_bucket: str) -> None:
    """The whole corpus against an off, a lenient and a strict server (alice owns the bucket):
    the codes differ by mode (strict refuses the unsigned first), but no case answers 5xx
    or changes anything."""
    alice = auth_server.client("alice", "alice-secret")
    alice.put_object(Bucket=alice_bucket, Key="existing", Body=b"0123456789")
    before = snapshot(alice, alice_bucket)
    for case in CASES:
        headers = [(name, _fill(value, alice_bucket)) for name, value in case.headers]
        if case.length and case.body and not any(n.lower() == "content-length" for n, _ in headers):
            headers.append(("Content-Length", str(len(case.body))))
        target = _fill(case.target, alice_bucket)
        raw = request(case.method, target, headers, case.body)
        reply = exchange(auth_server.url, raw, cut=case.cut)
        assert 0 < reply.status < 500 or reply.code == "NotImplemented", (
            case.name,
            reply.raw[:500],
        )
    assert snapshot(alice, alice_bucket) == before
    assert alice.get_object(Bucket=alice_bucket, Key="k")["Body"].read() == b"alice's"
