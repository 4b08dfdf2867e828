"""Shared pieces of the parser fuzz tests (test_fuzz_parsers.py, test_fuzz_auth.py).

Every property says the same: whatever a client sends, the code under test raises only
S3Error subclasses (which the app answers as S3 errors), never another exception (a 500).

The normal run is short (``FAKES3_FUZZ_EXAMPLES``, default 60 per test, a few seconds in all,
the same examples every run). A long run by hand::

    FAKES3_FUZZ_EXAMPLES=5000 pytest -q tests/unit/test_fuzz_parsers.py \
        tests/unit/test_fuzz_auth.py --hypothesis-show-statistics

(5000 per test, 55,000 in all, took 12.5 minutes on a busy 2-core machine, nothing found.)
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable
from datetime import datetime, timezone

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from fakes3.errors import S3Error
from fakes3.protocol.dates import http_date
from fakes3.protocol.model import load_model
from fakes3.protocol.parsing import default_parser

EXAMPLES = int(os.environ.get("FAKES3_FUZZ_EXAMPLES", "60"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 100,  # the short CI run is the same every time
)
NOW = 1_796_500_000.0  # the authenticator's clock
AMZ_DATE = datetime.fromtimestamp(NOW, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
DAY = AMZ_DATE[:8]
HTTP_NOW = http_date(NOW)
MODEL = load_model()
OPERATIONS = sorted(MODEL.operations)


def only_s3_errors(call: Callable[[], object]) -> None:
    """Run ``call``: an S3Error is an answer, anything else fails the property."""
    try:
        call()
    except S3Error:
        pass


# -- building blocks ---------------------------------------------------------------------------

NUMBERS = ["", "0", "3", "7", "9" * 5000, "²", "5²", "٣", "-5", "--5", "99999999999999999999"]
TRICKY = [
    "",
    "²",
    "5²",
    "--5",
    "-1",
    "9" * 5000,
    "٣",
    "NaN",
    "inf",
    "1e400",
    "\x00",
    "é" * 64,
    "0" * 64,
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 0001 00:00:00 GMT",
    AMZ_DATE,
    HTTP_NOW,
    "true",
    "bytes=0-",
    "bytes=-5",
    "*",
    '"etag"',
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "UNSIGNED-PAYLOAD",
    "aws-chunked",
]
text = st.one_of(st.sampled_from(TRICKY), st.sampled_from(NUMBERS), st.text(max_size=40))
latin1 = st.one_of(
    st.sampled_from(TRICKY), st.text(st.characters(max_codepoint=255), max_size=40)
).map(lambda value: value.encode("utf-8").decode("latin-1"))  # as a server decodes headers


def _header_names() -> list[str]:
    names: set[str] = set()
    for operation in OPERATIONS:
        plan = default_parser()._plan(operation)
        names.update(plan.headers)
    names.update(
        [
            "authorization",
            "x-amz-date",
            "date",
            "x-amz-content-sha256",
            "x-amz-decoded-content-length",
            "content-encoding",
            "x-amz-trailer",
            "content-md5",
            "x-amz-checksum-crc32",
            "x-amz-checksum-sha256",
            "x-amz-sdk-checksum-algorithm",
            "host",
            "transfer-encoding",
        ]
    )
    return sorted(names)


HEADER_NAMES = _header_names()
headers = st.dictionaries(
    st.one_of(st.sampled_from(HEADER_NAMES), st.text(string.ascii_lowercase + "-", max_size=12)),
    latin1,
    max_size=8,
)
QUERY_NAMES = sorted(
    {"uploads", "uploadId", "partNumber", "versionId", "max-keys", "list-type", "tagging"}
    | {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires"}
    | {"X-Amz-SignedHeaders", "X-Amz-Signature", "AWSAccessKeyId", "Signature", "Expires"}
    | {"response-expires", "max-parts", "max-uploads", "part-number-marker", "delete"}
)
query_dicts = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=8)), text, max_size=6
)


def query_string(query: dict[str, str]) -> str:
    from urllib.parse import quote

    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query.items())
