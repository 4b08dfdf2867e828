"""Bucket policies: parsed and checked as PutBucketPolicy does, evaluated as IAM does.

Pure: no store, no HTTP. ``parse(text, bucket)`` raises ``MalformedPolicy`` with S3's messages
or returns a ``Policy``; ``Policy.decide(request)`` answers ``DENY``, ``ALLOW`` or None (no
statement applies: an implicit deny, unless the caller's own account allows it).

- grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- principals: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fakes3.auth.actions import ACTION_KINDS, BUCKET, OBJECT, known_condition_key
from fakes3.auth.policy_match import (
    Lookup,
    condition_holds,
    parse_network,
    split_operator,
    wildcard_match,
)
from fakes3.errors import MalformedPolicy

MAX_SIZE = 20 * 1024  # "Bucket policies are limited to 20 KB in size", normalized
ALLOW, DENY = "Allow", "Deny"
VERSIONS = ("2008-10-17", "2012-10-17")
_ACCOUNT_ID = re.compile(r"\d{12}")
_IAM_ARN = re.compile(r"arn:aws[\w-]*:(iam|sts)::(\d{12}):(root|[\w+=,.@/-]+)")
_PRINCIPAL_TYPES = ("AWS", "CanonicalUser", "Service", "Federated")
_STATEMENT_FIELDS = frozenset(
    "Sid Effect Principal NotPrincipal Action NotAction Resource NotResource Condition".split()
)
_POLICY_FIELDS = frozenset(("Version", "Id", "Statement"))


@dataclass(frozen=True)
class Principal:
    """Who asks: an account (its id, canonical id and user ARN). Anonymous is None."""

    account_id: str
    canonical_id: str
    arn: str


@dataclass(frozen=True)
class Request:
    """One decision's inputs: who, which action, which resource, and the request context."""

    principal: Principal | None
    action: str  # "s3:GetObject"
    resource: str  # "arn:aws:s3:::bucket/key"
    context: Lookup


@dataclass(frozen=True)
class Condition:
    set_op: str | None
    base: str
    if_exists: bool
    key: str  # lower case
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    effect: str
    principals: tuple[tuple[str, str], ...]  # ("*", "*") is everyone
    not_principal: bool
    actions: tuple[re.Pattern[str], ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    conditions: tuple[Condition, ...]

    def applies(self, request: Request, variables: bool) -> bool:
        """Principal, action, resource and every condition match."""
        if self.not_principal == _principal_matches(self.principals, request.principal):
            return False
        if self.not_action == any(p.fullmatch(request.action) for p in self.actions):
            return False
        lookup = request.context if variables else None
        hit = any(wildcard_match(r, request.resource, lookup) for r in self.resources)
        if self.not_resource == hit:
            return False
        context = request.context
        return all(
            condition_holds(c.set_op, c.base, c.if_exists, c.key, c.values, context, variables)
            for c in self.conditions
        )


@dataclass(frozen=True)
class Policy:
    """A parsed bucket policy."""

    version: str
    statements: tuple[Statement, ...]

    def decide(self, request: Request) -> str | None:
        """``DENY`` if any applicable statement denies; else ``ALLOW`` if one allows; else
        None. Explicit deny always wins, whatever the order of statements."""
        variables = self.version == "2012-10-17"  # 2008-10-17 reads ${…} literally
        allowed = False
        for statement in self.statements:
            if statement.applies(request, variables):
                if statement.effect == DENY:
                    return DENY
                allowed = True
        return ALLOW if allowed else None

    def may_apply(self, effect: str, action: str) -> bool:
        """Whether a statement of ``effect`` could apply to ``action`` on some resource."""
        for statement in self.statements:
            if statement.effect != effect:
                continue
            if statement.not_action != any(p.fullmatch(action) for p in statement.actions):
                return True
        return False


def _principal_matches(principals: tuple[tuple[str, str], ...], who: Principal | None) -> bool:
    for kind, value in principals:
        if kind == "*" or (kind == "AWS" and value == "*"):
            return True
        if who is None:
            continue
        if kind == "AWS" and value in (who.account_id, who.arn):
            return True
        if kind == "AWS" and value.endswith(":root") and value.split(":")[4] == who.account_id:
            return True
        if kind == "CanonicalUser" and value == who.canonical_id:
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    if not items or any(not isinstance(item, str) for item in items):
        raise MalformedPolicy("Invalid policy syntax.")
    return items


def _principals(value: Any) -> tuple[tuple[str, str], ...]:
    if value == "*":
        return (("*", "*"),)
    if not isinstance(value, dict) or not value:
        raise MalformedPolicy("Invalid principal in policy")
    found: list[tuple[str, str]] = []
    for kind, ids in value.items():
        if kind not in _PRINCIPAL_TYPES:
            raise MalformedPolicy("Invalid principal in policy")
        for entry in ids if isinstance(ids, list) else [ids]:
            if not isinstance(entry, str) or not entry.strip():
                raise MalformedPolicy("Invalid principal in policy")
            entry = entry.strip()
            if kind == "AWS" and entry != "*":
                if not _ACCOUNT_ID.fullmatch(entry) and not _IAM_ARN.fullmatch(entry):
                    raise MalformedPolicy("Invalid principal in policy")
            if kind == "Service" and (entry == "*" or "." not in entry):
                raise MalformedPolicy("Invalid principal in policy")
            if kind == "CanonicalUser" and ":" in entry:
                raise MalformedPolicy("Invalid principal in policy")
            found.append((kind, entry))
    return tuple(found)


@lru_cache(maxsize=1024)
def _action_pattern(action: str) -> re.Pattern[str]:
    text = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in action)
    return re.compile(text, re.IGNORECASE | re.DOTALL)


def _actions(names: list[str]) -> tuple[tuple[re.Pattern[str], ...], set[str]]:
    """Compiled action patterns and the resource kinds of the actions they name."""
    patterns: list[re.Pattern[str]] = []
    kinds: set[str] = set()
    for name in names:
        if name == "*":
            patterns.append(_action_pattern("*"))
            kinds.add("*")
            continue
        service, colon, action = name.partition(":")
        if not colon or service.lower() != "s3" or not action:
            raise MalformedPolicy("Policy has invalid action")
        pattern = _action_pattern(action)
        matched = [kind for known, kind in ACTION_KINDS.items() if pattern.fullmatch(known)]
        if not matched:
            raise MalformedPolicy("Policy has invalid action")
        kinds.update(matched if "*" not in action and "?" not in action else ["*"])
        patterns.append(_action_pattern("s3:" + action))
    return tuple(patterns), kinds


def _resources(names: list[str], bucket: str) -> tuple[tuple[str, ...], set[str]]:
    """The resource patterns (each must be able to name this bucket or its objects) and which
    kinds they cover."""
    kinds: set[str] = set()
    for name in names:
        prefix = "arn:aws:s3:::"
        if not name.startswith(prefix) or len(name) == len(prefix):
            raise MalformedPolicy("Policy has invalid resource")
        bucket_part, slash, _ = name[len(prefix) :].partition("/")
        if not wildcard_match(
            bucket_part.split("${")[0] + ("*" if "${" in bucket_part else ""), bucket
        ):
            raise MalformedPolicy("Policy has invalid resource")
        if slash:
            kinds.add(OBJECT)
        else:
            kinds.add(BUCKET)
            if bucket_part.endswith("*"):
                kinds.add(OBJECT)
    return tuple(names), kinds


def _conditions(value: Any) -> tuple[Condition, ...]:
    if not isinstance(value, dict):
        raise MalformedPolicy("Invalid policy syntax.")
    found: list[Condition] = []
    for operator, block in value.items():
        parts = split_operator(operator)
        if parts is None:
            raise MalformedPolicy(f"Invalid Condition type : {operator}")
        if not isinstance(block, dict) or not block:
            raise MalformedPolicy("Invalid policy syntax.")
        set_op, base, if_exists = parts
        for key, raw in block.items():
            if not known_condition_key(key):
                raise MalformedPolicy("Policy has an invalid condition key")
            values = tuple(
                _condition_value(item) for item in (raw if isinstance(raw, list) else [raw])
            )
            if not values:
                raise MalformedPolicy("Invalid policy syntax.")
            if base in ("IpAddress", "NotIpAddress") and any(
                parse_network(v) is None for v in values
            ):
                raise MalformedPolicy("Invalid IP address in Conditions")
            found.append(Condition(set_op, base, if_exists, key.lower(), values))
    return tuple(found)


def _condition_value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (str, int, float)):
        return str(item)
    raise MalformedPolicy("Invalid policy syntax.")


def _statement(raw: Any, bucket: str) -> Statement:
    if not isinstance(raw, dict):
        raise MalformedPolicy("Invalid policy syntax.")
    for field in raw:
        if field not in _STATEMENT_FIELDS:
            raise MalformedPolicy(f"Unknown field {field}")
    for one, other in (("Principal", "NotPrincipal"), ("Action", "NotAction")):
        if one in raw and other in raw:
            raise MalformedPolicy("Invalid policy syntax.")
    if "Resource" in raw and "NotResource" in raw:
        raise MalformedPolicy("Invalid policy syntax.")
    if "Effect" not in raw:
        raise MalformedPolicy("Missing required field Effect")
    effect = raw["Effect"]
    if effect not in (ALLOW, DENY):
        raise MalformedPolicy(f"Invalid effect: {effect}")
    if "Principal" not in raw and "NotPrincipal" not in raw:
        raise MalformedPolicy("Missing required field Principal")
    if "Action" not in raw and "NotAction" not in raw:
        raise MalformedPolicy("Missing required field Action")
    if "Resource" not in raw and "NotResource" not in raw:
        raise MalformedPolicy("Missing required field Resource")
    not_principal = "NotPrincipal" in raw
    if not_principal and effect == ALLOW:
        raise MalformedPolicy("Invalid principal in policy")  # NotPrincipal needs Deny
    principals = _principals(raw["NotPrincipal" if not_principal else "Principal"])
    not_action = "NotAction" in raw
    actions, action_kinds = _actions(_as_list(raw["NotAction" if not_action else "Action"]))
    not_resource = "NotResource" in raw
    resources, resource_kinds = _resources(
        _as_list(raw["NotResource" if not_resource else "Resource"]), bucket
    )
    if not not_action and not not_resource and "*" not in action_kinds:
        if any(kind not in resource_kinds for kind in action_kinds):
            raise MalformedPolicy("Action does not apply to any resource(s) in statement")
    conditions = _conditions(raw["Condition"]) if "Condition" in raw else ()
    return Statement(
        effect, principals, not_principal, actions, not_action, resources, not_resource, conditions
    )


def parse(text: str, bucket: str) -> Policy:
    """The policy ``text`` stands for on ``bucket``, or MalformedPolicy as S3 answers it."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        raise MalformedPolicy()
    try:
        document = json.loads(stripped)
        if not isinstance(document, dict):
            raise MalformedPolicy()
        # A lone surrogate (``"\ud800"``) is valid JSON syntax but no Unicode text.
        size = len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        raise MalformedPolicy("This policy contains invalid Json") from None
    if size > MAX_SIZE:
        raise MalformedPolicy(
            f"Normalized policy document exceeds the maximum allowed size of {MAX_SIZE} bytes"
        )
    for field in document:
        if field not in _POLICY_FIELDS:
            raise MalformedPolicy(f"Unknown field {field}")
    version = document.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise MalformedPolicy("The policy must contain a valid version string")
    if "Statement" not in document:
        raise MalformedPolicy("Missing required field Statement")
    raw = document["Statement"]
    statements = raw if isinstance(raw, list) else [raw]
    if not statements:
        raise MalformedPolicy("Could not parse the policy: Statement is empty!")
    return Policy(version, tuple(_statement(item, bucket) for item in statements))


@lru_cache(maxsize=256)
def cached(text: str, bucket: str) -> Policy:
    """``parse`` remembered: a stored policy is parsed once, not on every request."""
    return parse(text, bucket)
