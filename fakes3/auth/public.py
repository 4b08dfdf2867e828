"""Whether a bucket policy is public, as Block Public Access defines it.

"Amazon S3 begins by assuming that the policy is public": an Allow statement is non-public only
if it grants to fixed principals, or is narrowed by a condition on fixed values of one of the
keys S3 names (aws:SourceIp with a CIDR no broader than /8 (IPv4) or /32 (IPv6),
aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:userid,
s3:DataAccessPointArn, s3:DataAccessPointAccount, and the principal's own keys).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
"""

from __future__ import annotations

from fakes3.auth.policy import ALLOW, Condition, Policy, Statement
from fakes3.auth.policy_match import parse_network

_FIXED_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceIp",
        "aws:SourceArn",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceOwner",
        "aws:SourceAccount",
        "aws:userid",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "s3:DataAccessPointArn",
        "s3:DataAccessPointAccount",
    )
)
_NARROWING = frozenset(("StringEquals", "StringEqualsIgnoreCase", "StringLike"))
_NARROWING_ARN = frozenset(("ArnEquals", "ArnLike"))


def _fixed(value: str) -> bool:
    return not any(mark in value for mark in ("*", "?", "${"))


def _narrows(condition: Condition) -> bool:
    """A condition that limits the statement to fixed callers (negations never do)."""
    if condition.if_exists or condition.set_op is not None or condition.key not in _FIXED_KEYS:
        return False
    if condition.base == "IpAddress" and condition.key == "aws:sourceip":
        for value in condition.values:
            network = parse_network(value)
            if network is None:
                return False
            limit = 8 if network.version == 4 else 32
            if network.prefixlen < limit and not network.is_private:
                return False
        return True
    if condition.key == "aws:userid" and any(v.endswith(":*") for v in condition.values):
        return False
    if condition.base in _NARROWING or condition.base in _NARROWING_ARN:
        return all(_fixed(value) for value in condition.values)
    return False


def statement_is_public(statement: Statement) -> bool:
    if statement.effect != ALLOW:
        return False
    wildcard = statement.not_principal or any(
        kind == "*" or (kind == "AWS" and value == "*") for kind, value in statement.principals
    )
    return wildcard and not any(_narrows(c) for c in statement.conditions)


def is_public(policy: Policy) -> bool:
    """GetBucketPolicyStatus's ``IsPublic``; what BlockPublicPolicy refuses."""
    return any(statement_is_public(s) for s in policy.statements)
