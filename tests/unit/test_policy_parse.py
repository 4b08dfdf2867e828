"""PutBucketPolicy's checks, what "public" means, and a property: no Allow beats a Deny.

Messages are S3's (MalformedPolicy); the size rule is "Bucket policies are limited to 20 KB".
"Public" is Block Public Access's definition:
https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes3.auth.policy import ALLOW, DENY, Principal, Request, parse
from fakes3.auth.public import is_public
from fakes3.errors import MalformedPolicy

B = "bucket"
OBJ = f"arn:aws:s3:::{B}/*"


def doc(*statements: dict[str, Any], **top: Any) -> str:
    return json.dumps({"Version": "2012-10-17", **top, "Statement": list(statements)})


def allow(**fields: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJ}
    statement.update(fields)
    return {k: v for k, v in statement.items() if v is not None}


MALFORMED = [
    ("", "Policies must be valid JSON and the first byte must be '{'"),
    ("[]", "Policies must be valid JSON and the first byte must be '{'"),
    ("{", "This policy contains invalid Json"),
    ('{"Statement": [}', "This policy contains invalid Json"),
    ('{"Statement": ' + "[" * 5000 + "]" * 5000 + "}", "This policy contains invalid Json"),
    # JSON's escapes can spell a lone surrogate, which is no Unicode text (was a 500)
    ('{"Statement": [{"Sid": "\\ud800"}]}', "This policy contains invalid Json"),
    ('{"\\udc00": 1}', "This policy contains invalid Json"),
    ("{}", "Missing required field Statement"),
    ('{"Statement": []}', "Could not parse the policy: Statement is empty!"),
    (doc(allow(), Version="2010-01-01"), "The policy must contain a valid version string"),
    (doc(allow(Effect=None)), "Missing required field Effect"),
    (doc(allow(Effect="allow")), "Invalid effect: allow"),
    (doc(allow(Principal=None)), "Missing required field Principal"),
    (doc(allow(Action=None)), "Missing required field Action"),
    (doc(allow(Resource=None)), "Missing required field Resource"),
    (doc(allow(Principal={"AWS": "alice"})), "Invalid principal in policy"),
    (doc(allow(Principal={"AWS": "12345"})), "Invalid principal in policy"),
    (doc(allow(Principal={"Users": "*"})), "Invalid principal in policy"),
    (doc(allow(Principal={})), "Invalid principal in policy"),
    (doc(allow(Principal="alice")), "Invalid principal in policy"),
    (
        doc(allow(Principal=None, NotPrincipal={"AWS": "111111111111"})),
        "Invalid principal in policy",
    ),
    (doc(allow(Action="s3:Fly")), "Policy has invalid action"),
    (doc(allow(Action="s3:PutObjectLockConfiguration")), "Policy has invalid action"),
    (doc(allow(Action="iam:CreateUser")), "Policy has invalid action"),
    (doc(allow(Action="GetObject")), "Policy has invalid action"),
    (doc(allow(Action="s3:Zz*")), "Policy has invalid action"),
    (doc(allow(Resource="*")), "Policy has invalid resource"),
    (doc(allow(Resource="arn:aws:s3:::other/*")), "Policy has invalid resource"),
    (doc(allow(Resource="bucket/*")), "Policy has invalid resource"),
    (
        doc(allow(Resource=f"arn:aws:s3:::{B}")),
        "Action does not apply to any resource(s) in statement",
    ),
    (
        doc(allow(Action="s3:ListBucket", Resource=OBJ)),
        "Action does not apply to any resource(s) in statement",
    ),
    (
        doc(allow(Condition={"StringEquale": {"s3:prefix": "a"}})),
        "Invalid Condition type : StringEquale",
    ),
    (
        doc(allow(Condition={"stringequals": {"s3:prefix": "a"}})),
        "Invalid Condition type : stringequals",
    ),
    (
        doc(allow(Condition={"ForSome:StringEquals": {"s3:prefix": "a"}})),
        "Invalid Condition type : ForSome:StringEquals",
    ),
    (
        doc(allow(Condition={"StringEquals": {"s3:VersionStatus": "a"}})),
        "Policy has an invalid condition key",
    ),
    (
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}})),
        "Invalid IP address in Conditions",
    ),
    (
        doc(allow(Action=None)).replace('"Effect"', '"Action": null, "Effect"'),
        "Invalid policy syntax.",
    ),
    (doc(allow(Bogus="x")), "Unknown field Bogus"),
    (
        doc(
            *[allow(Sid=f"S{i}", Resource=[f"arn:aws:s3:::{B}/{'x' * 100}{i}"]) for i in range(200)]
        ),
        "Normalized policy document exceeds the maximum allowed size of 20480 bytes",
    ),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED, ids=[m for _, m in MALFORMED])
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(MalformedPolicy) as caught:
        parse(text, B)
    assert caught.value.text == message
    assert caught.value.status == 400


ACCEPTED = [
    doc(allow()),
    json.dumps({"Statement": allow()}),  # a single statement need not be a list; 2008 default
    doc(allow(Principal={"AWS": ["111111111111", "arn:aws:iam::222222222222:root"]})),
    doc(allow(Principal={"AWS": "arn:aws:iam::111111111111:user/alice"})),
    doc(
        allow(
            Principal={
                "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
            }
        )
    ),
    doc(allow(Principal={"Service": "logging.s3.amazonaws.com"})),
    doc(allow(Action="*")),
    doc(allow(Action="s3:*", Resource=[f"arn:aws:s3:::{B}", OBJ])),
    doc(allow(Action="s3:ListBucket", Resource="arn:aws:s3:::*")),
    doc(allow(Action=None, NotAction="s3:DeleteObject")),
    doc(allow(Resource=None, NotResource=f"arn:aws:s3:::{B}/private/*")),
    doc(
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": "111111111111"},
            "Action": "s3:*",
            "Resource": OBJ,
        }
    ),
    doc(allow(Condition={"ForAnyValue:StringLikeIfExists": {"s3:RequestObjectTagKeys": ["a*"]}})),
    doc(allow(Condition={"Null": {"s3:ExistingObjectTag/team": "false"}})),
    doc(allow(Condition={"NumericLessThan": {"s3:max-keys": 10}})),
    doc(allow(Condition={"Bool": {"aws:SecureTransport": False}})),
    doc(allow(Condition={"StringEquals": {"aws:SomeFutureKey": "x"}})),
    doc(allow(Resource=f"arn:aws:s3:::{B}/home/${{aws:username}}/*")),
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted(text: str) -> None:
    assert parse(text, B).statements


PUBLIC = [
    ("an Allow to '*' is public", allow(), True),
    ("an Allow to {'AWS': '*'} is public", allow(Principal={"AWS": "*"}), True),
    ("a Deny is never public", allow(Effect="Deny"), False),
    ("a fixed account is not public", allow(Principal={"AWS": "111111111111"}), False),
    (
        "a fixed source IP narrows it",
        allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/32"}}),
        False,
    ),
    (
        "a /0 source IP does not narrow it",
        allow(Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
        True,
    ),
    (
        "NotIpAddress does not narrow it",
        allow(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/32"}}),
        True,
    ),
    (
        "a fixed aws:SourceArn narrows it",
        allow(Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:1:t"}}),
        False,
    ),
    (
        "a wildcard aws:SourceArn does not",
        allow(Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}),
        True,
    ),
    (
        "a fixed aws:SourceAccount narrows it",
        allow(Condition={"StringEquals": {"aws:SourceAccount": "111111111111"}}),
        False,
    ),
    (
        "a condition on another key does not",
        allow(Condition={"StringEquals": {"s3:x-amz-acl": "private"}}),
        True,
    ),
    (
        "an IfExists condition does not",
        allow(Condition={"StringEqualsIfExists": {"aws:SourceAccount": "111111111111"}}),
        True,
    ),
]


@pytest.mark.parametrize(("why", "statement", "public"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public(why: str, statement: dict[str, Any], public: bool) -> None:
    assert is_public(parse(doc(statement), B)) is public, why


# --- property: an explicit Deny covering the request is never outweighed

_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:Get*", "s3:*", "*"]
_KEYS = ["a", "a/b", "b/c", "k"]
_PRINCIPALS = [
    "*",
    {"AWS": "*"},
    {"AWS": "111111111111"},
    {"AWS": "arn:aws:iam::222222222222:root"},
    {"CanonicalUser": "a" * 64},
]
_CONDITIONS = [
    None,
    {"StringEquals": {"s3:x-amz-acl": "private"}},
    {"Null": {"s3:x-amz-acl": "true"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
]
_WHO = [
    None,
    Principal("111111111111", "a" * 64, "arn:aws:iam::111111111111:user/alice"),
    Principal("222222222222", "b" * 64, "arn:aws:iam::222222222222:user/bob"),
]

statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Principal": st.sampled_from(_PRINCIPALS),
        "Action": st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3),
        "Resource": st.lists(
            st.sampled_from(
                [OBJ, f"arn:aws:s3:::{B}/a*", f"arn:aws:s3:::{B}/?/*", f"arn:aws:s3:::{B}/k"]
            ),
            min_size=1,
            max_size=2,
        ),
    },
    optional={"Condition": st.sampled_from([c for c in _CONDITIONS if c is not None])},
)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "s3:x-amz-acl": st.sampled_from(["private", "public-read"]),
        "aws:securetransport": st.sampled_from(["true", "false"]),
        "aws:sourceip": st.sampled_from(["10.1.2.3", "192.0.2.1"]),
    },
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(statements, min_size=1, max_size=5),
    st.sampled_from(_WHO),
    st.sampled_from(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
    st.sampled_from(_KEYS),
    contexts,
)
def test_no_allow_outweighs_an_applicable_deny(
    raw: list[dict[str, Any]], who: Principal | None, action: str, key: str, context: dict[str, str]
) -> None:
    policy = parse(doc(*raw), B)
    request = Request(who, action, f"arn:aws:s3:::{B}/{key}", context.get)
    decision = policy.decide(request)
    deny_applies = any(s.effect == DENY and s.applies(request, True) for s in policy.statements)
    allow_applies = any(s.effect == ALLOW and s.applies(request, True) for s in policy.statements)
    if deny_applies:
        assert decision == DENY
    else:
        assert decision == (ALLOW if allow_applies else None)
    # the deny's own verdict, judged alone, agrees: a policy of only the deny statements
    denies = [s for s in raw if s["Effect"] == "Deny"]
    if denies and parse(doc(*denies), B).decide(request) == DENY:
        assert decision == DENY
