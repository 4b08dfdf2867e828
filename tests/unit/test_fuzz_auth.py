"""Fuzzing the signature parsers and checks: SigV4 and SigV2 headers and presigned queries
through the authenticator (with the known key ``test``, so verification runs too), any
signature text against every comparison, and POST policies. See fuzzing.py."""

from __future__ import annotations

import base64
import json
from typing import Any

from fuzzing import (
    AMZ_DATE,
    DAY,
    HTTP_NOW,
    NOW,
    NUMBERS,
    TRICKY,
    fuzz,
    headers,
    latin1,
    only_s3_errors,
    query_string,
    text,
)
from hypothesis import given
from hypothesis import strategies as st

from fakes3.auth.accounts import Accounts
from fakes3.auth.authenticate import LENIENT, STRICT, Authenticator
from fakes3.auth.post_policy import Policy, policy_signature

# -- signatures --------------------------------------------------------------------------------

authorization = st.one_of(
    latin1,
    st.builds(
        lambda key, day, region, service, signed, signature: (
            f"AWS4-HMAC-SHA256 Credential={key}/{day}/{region}/{service}/aws4_request, "
            f"SignedHeaders={signed}, Signature={signature}"
        ),
        st.sampled_from(["test", "test", "nobody"]),  # mostly the known key: checks run
        st.sampled_from([DAY, DAY, "2020"]),
        st.sampled_from(["us-east-1", "us-east-1", "é"]),
        st.sampled_from(["s3", "s3express", "ec2"]),
        st.sampled_from(["host;x-amz-content-sha256;x-amz-date", "host", ""]),
        latin1,
    ),
    st.builds(lambda key, sig: f"AWS {key}:{sig}", st.sampled_from(["test", "x", ""]), latin1),
    st.sampled_from(["AWS4-ECDSA-P256-SHA256 x", "Bearer x", "AWS4-HMAC-SHA256 "]),
)
presigned = st.fixed_dictionaries(
    {},
    optional={
        "X-Amz-Algorithm": st.sampled_from(["AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", "x"]),
        "X-Amz-Credential": st.sampled_from([f"test/{DAY}/us-east-1/s3/aws4_request", "test"]),
        "X-Amz-Date": st.sampled_from([AMZ_DATE, "2026", "99991231T235959Z"]),
        "X-Amz-Expires": st.sampled_from(NUMBERS),
        "X-Amz-SignedHeaders": st.sampled_from(["host", "", "host;x-amz-date"]),
        "X-Amz-Signature": text,
        "AWSAccessKeyId": st.sampled_from(["test", "x"]),
        "Signature": text,
        "Expires": st.sampled_from([*NUMBERS, str(int(NOW) + 60)]),
    },
)


@fuzz
@given(
    mode=st.sampled_from([LENIENT, STRICT]),
    method=st.sampled_from(["GET", "PUT"]),
    path=st.text(max_size=30).map(lambda t: "/bucket/" + t),
    auth=st.one_of(st.none(), authorization),
    query=presigned,
    request_headers=headers,
    amz_date=st.sampled_from([AMZ_DATE, AMZ_DATE, "garbage", None]),
    date=st.sampled_from([HTTP_NOW, "garbage", None]),
    clean=st.booleans(),
)
def test_signature_parsing_and_checking(
    mode: str,
    method: str,
    path: str,
    auth: str | None,
    query: dict[str, str],
    request_headers: dict[str, str],
    amz_date: str | None,
    date: str | None,
    clean: bool,
) -> None:
    authenticator = Authenticator(mode, Accounts(), lambda: NOW)
    request_headers = dict(request_headers)
    if clean:  # no unsigned x-amz-* headers, so the checks go on to the signature itself
        request_headers = {
            k: v for k, v in request_headers.items() if k[:6] not in ("x-amz-", "host")
        }
    if auth is not None:
        request_headers["authorization"] = auth
    if amz_date is not None:
        request_headers["x-amz-date"] = amz_date
    if date is not None:
        request_headers["date"] = date
    if auth is not None:
        request_headers.setdefault("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
    only_s3_errors(
        lambda: authenticator.authenticate(
            method, path, query_string(query), request_headers, lambda: "us-east-1", None
        )
    )


@fuzz
@given(
    signature=st.one_of(latin1, st.text(max_size=80)),
    form=st.sampled_from(["v4-header", "v4-query", "v2-header", "v2-query", "chunk", "policy"]),
)
def test_any_signature_text_is_compared_not_crashed_on(signature: str, form: str) -> None:
    """Everything valid but the signature, so the comparison itself meets the client's text."""
    from urllib.parse import quote

    from fakes3.auth import sigv4

    authenticator = Authenticator(STRICT, Accounts(), lambda: NOW)
    headers = {"host": "localhost", "x-amz-date": AMZ_DATE, "date": HTTP_NOW}
    query = ""
    if form == "v4-header":
        headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential=test/{DAY}/us-east-1/s3/aws4_request, "
            f"SignedHeaders=date;host;x-amz-content-sha256;x-amz-date, Signature={signature}"
        )
    elif form == "v4-query":
        del headers["x-amz-date"]
        query = (
            f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F{DAY}%2Fus-east-1%2Fs3"
            f"%2Faws4_request&X-Amz-Date={AMZ_DATE}&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
            f"&X-Amz-Signature={quote(signature, safe='')}"
        )
    elif form == "v2-header":
        headers["authorization"] = f"AWS test:{signature}"
    elif form == "v2-query":
        del headers["x-amz-date"]
        query = f"AWSAccessKeyId=test&Expires={int(NOW) + 60}&Signature={quote(signature)}"

    def run() -> None:
        if form == "chunk":
            signed = sigv4.SignedRequest(
                sigv4.parse_credential(f"test/{DAY}/us-east-1/s3/aws4_request", False),
                AMZ_DATE,
                ("host",),
                "0" * 64,
                "",
                presigned=False,
            )
            sigv4.ChunkSigner(b"k" * 32, signed).on_chunk(b"d" * 32, signature)
            return
        if form == "policy":
            for fields in (
                {"awsaccesskeyid": "test", "signature": signature},
                {
                    "x-amz-algorithm": "AWS4-HMAC-SHA256",
                    "x-amz-credential": f"test/{DAY}/us-east-1/s3/aws4_request",
                    "x-amz-date": AMZ_DATE,
                    "x-amz-signature": signature,
                },
            ):
                only_s3_errors(
                    lambda fields=fields: policy_signature(fields).verify("test", "cG9saWN5")  # type: ignore[union-attr]
                )
            return
        authenticator.authenticate("GET", "/bucket/key", query, headers, lambda: None, None)

    only_s3_errors(run)


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
policy_document = st.one_of(
    json_value,
    st.fixed_dictionaries(
        {
            "expiration": st.one_of(st.sampled_from(TRICKY), st.text(max_size=30)),
            "conditions": st.lists(
                st.one_of(
                    json_value,
                    st.lists(
                        st.one_of(
                            st.sampled_from(["eq", "starts-with", "$key", "content-length-range"]),
                            json_value,
                        ),
                        min_size=1,
                        max_size=4,
                    ),
                ),
                max_size=5,
            ),
        }
    ),
)


@fuzz
@given(
    document=policy_document,
    fields=st.dictionaries(
        st.sampled_from(
            [
                "key",
                "bucket",
                "policy",
                "awsaccesskeyid",
                "signature",
                "x-amz-signature",
                "x-amz-credential",
                "x-amz-algorithm",
                "x-amz-date",
                "content-type",
            ]
        ),
        text,
        max_size=6,
    ),
    raw=st.one_of(st.none(), st.binary(max_size=40)),
)
def test_post_policy(document: Any, fields: dict[str, str], raw: bytes | None) -> None:
    text_form = base64.b64encode(raw if raw is not None else json.dumps(document).encode())

    def run() -> None:
        signature = policy_signature(fields)
        policy = Policy.decode(text_form.decode())
        policy.check_time(NOW)
        policy.check_fields(fields)
        policy.check_length(10, True)
        if signature is not None:
            signature.check_region("us-east-1")
            signature.verify("secret", text_form.decode())

    only_s3_errors(run)
