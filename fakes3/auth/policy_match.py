"""Matching inside a policy: ``*``/``?`` wildcards, policy variables, condition operators.

Pure functions over strings, written from the IAM reference pages:

- wildcards: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
- variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
- operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache

Value = str | tuple[str, ...]
Lookup = Callable[[str], Value | None]
"""A request context: lower-cased key -> its value(s), or None when the request lacks it."""

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


@lru_cache(maxsize=4096)
def _parts(pattern: str, variables: bool) -> tuple[tuple[str, str, str | None], ...]:
    """``("lit", text, None)`` and ``("var", key, default)`` pieces of a pattern."""
    if not variables or "${" not in pattern:
        return (("lit", pattern, None),)
    parts: list[tuple[str, str, str | None]] = []
    position = 0
    for found in _VARIABLE.finditer(pattern):
        if found.start() > position:
            parts.append(("lit", pattern[position : found.start()], None))
        inner = found.group(1).strip()
        if inner in _LITERALS:
            parts.append(("char", _LITERALS[inner], None))
        else:
            key, comma, default = inner.partition(",")
            fallback = default.strip().strip("'") if comma else None
            parts.append(("var", key.strip().lower(), fallback))
        position = found.end()
    if position < len(pattern):
        parts.append(("lit", pattern[position:], None))
    return tuple(parts)


def _wild(text: str) -> str:
    """Regex text of a literal piece: ``*`` any run, ``?`` one character."""
    out = []
    for char in text:
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return "".join(out)


@lru_cache(maxsize=4096)
def _compiled(regex: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def substitute(pattern: str, lookup: Lookup, variables: bool, wildcards: bool) -> str | None:
    """The regex ``pattern`` stands for once its variables are replaced (their values taken
    literally); None when a variable has no value and no default (nothing matches)."""
    pieces = []
    for kind, text, default in _parts(pattern, variables):
        if kind == "lit":
            pieces.append(_wild(text) if wildcards else re.escape(text))
        elif kind == "char":
            pieces.append(re.escape(text))
        else:
            value = lookup(text)
            if isinstance(value, tuple):
                value = None  # only single-valued keys are variables
            if value is None:
                if default is None:
                    return None
                value = default
            pieces.append(re.escape(value))
    return "".join(pieces)


@lru_cache(maxsize=4096)
def _static(pattern: str, wildcards: bool, ignore_case: bool) -> re.Pattern[str]:
    """A pattern without variables, compiled once."""
    return _compiled(_wild(pattern) if wildcards else re.escape(pattern), ignore_case)


def wildcard_match(
    pattern: str, text: str, lookup: Lookup | None = None, ignore_case: bool = False
) -> bool:
    """``pattern`` (``*``, ``?``, and ``${…}`` variables when ``lookup`` is given) matches
    all of ``text``."""
    if lookup is None or "${" not in pattern:
        return _static(pattern, True, ignore_case).fullmatch(text) is not None
    regex = substitute(pattern, lookup, True, wildcards=True)
    return regex is not None and _compiled(regex, ignore_case).fullmatch(text) is not None


def _equals(pattern: str, text: str, lookup: Lookup | None, ignore_case: bool) -> bool:
    if lookup is None or "${" not in pattern:
        if not ignore_case:
            return pattern == text
        return _static(pattern, False, True).fullmatch(text) is not None
    regex = substitute(pattern, lookup, True, wildcards=False)
    return regex is not None and _compiled(regex, ignore_case).fullmatch(text) is not None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_date(text: str) -> float | None:
    """Epoch seconds of an ISO 8601 date (or an epoch number), None if it is neither."""
    number = _number(text)
    if number is not None:
        return number
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A CIDR (a bare address is /32 or /128), None if it is not one."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _in_network(value: str, cidr: str) -> bool:
    network = parse_network(cidr)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return network is not None and address.version == network.version and address in network


def _arn_like(pattern: str, arn: str, lookup: Lookup | None) -> bool:
    """Each of the six colon-separated parts matched on its own; the last takes the rest."""
    want = pattern.split(":", 5)
    have = arn.split(":", 5)
    if len(want) != 6 or len(have) != 6:
        return False
    return all(wildcard_match(w, h, lookup) for w, h in zip(want, have, strict=True))


def _compare(test: Callable[[float, float], bool], parse: Callable[[str], float | None]) -> Test:
    def run(policy: str, request: str, _lookup: Lookup | None) -> bool:
        want, have = parse(policy), parse(request)
        return want is not None and have is not None and test(have, want)

    return run


Test = Callable[[str, str, Lookup | None], bool]
"""``(policy value, request value, variables) -> bool``: one positive comparison."""


def _bool(policy: str, request: str, _lookup: Lookup | None) -> bool:
    return policy.lower() == request.lower()


def _binary(policy: str, request: str, _lookup: Lookup | None) -> bool:
    try:
        return base64.b64decode(policy) == base64.b64decode(request)
    except ValueError:
        return False


# base operator -> (positive test, negated)
OPERATORS: dict[str, tuple[Test, bool]] = {
    "StringEquals": (lambda p, r, v: _equals(p, r, v, False), False),
    "StringNotEquals": (lambda p, r, v: _equals(p, r, v, False), True),
    "StringEqualsIgnoreCase": (lambda p, r, v: _equals(p, r, v, True), False),
    "StringNotEqualsIgnoreCase": (lambda p, r, v: _equals(p, r, v, True), True),
    "StringLike": (lambda p, r, v: wildcard_match(p, r, v), False),
    "StringNotLike": (lambda p, r, v: wildcard_match(p, r, v), True),
    "NumericEquals": (_compare(lambda h, w: h == w, _number), False),
    "NumericNotEquals": (_compare(lambda h, w: h == w, _number), True),
    "NumericLessThan": (_compare(lambda h, w: h < w, _number), False),
    "NumericLessThanEquals": (_compare(lambda h, w: h <= w, _number), False),
    "NumericGreaterThan": (_compare(lambda h, w: h > w, _number), False),
    "NumericGreaterThanEquals": (_compare(lambda h, w: h >= w, _number), False),
    "DateEquals": (_compare(lambda h, w: h == w, parse_date), False),
    "DateNotEquals": (_compare(lambda h, w: h == w, parse_date), True),
    "DateLessThan": (_compare(lambda h, w: h < w, parse_date), False),
    "DateLessThanEquals": (_compare(lambda h, w: h <= w, parse_date), False),
    "DateGreaterThan": (_compare(lambda h, w: h > w, parse_date), False),
    "DateGreaterThanEquals": (_compare(lambda h, w: h >= w, parse_date), False),
    "Bool": (_bool, False),
    "BinaryEquals": (_binary, False),
    "IpAddress": (lambda p, r, _v: _in_network(r, p), False),
    "NotIpAddress": (lambda p, r, _v: _in_network(r, p), True),
    "ArnEquals": (_arn_like, False),
    "ArnLike": (_arn_like, False),
    "ArnNotEquals": (_arn_like, True),
    "ArnNotLike": (_arn_like, True),
}
STRING_OPERATORS = frozenset(name for name in OPERATORS if name.startswith(("String", "Arn")))
FOR_ALL, FOR_ANY = "ForAllValues", "ForAnyValue"


def split_operator(name: str) -> tuple[str | None, str, bool] | None:
    """``ForAnyValue:StringLikeIfExists`` -> (``ForAnyValue``, ``StringLike``, True); None if
    S3 does not know it (operator names are case-sensitive)."""
    set_op, colon, rest = name.partition(":")
    if not colon:
        set_op, rest = "", name
    elif set_op not in (FOR_ALL, FOR_ANY):
        return None
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest[: -len("IfExists")] if if_exists else rest
    if base == "Null":
        return (None, base, False) if not set_op and not if_exists else None
    if base not in OPERATORS:
        return None
    return (set_op or None, base, if_exists)


def condition_holds(
    set_op: str | None,
    base: str,
    if_exists: bool,
    key: str,
    values: tuple[str, ...],
    lookup: Lookup,
    variables: bool,
) -> bool:
    """One operator on one key, as IAM evaluates it (values ORed; negations NORed)."""
    found = lookup(key)
    if base == "Null":
        absent = found is None or found == ()
        return any((value.lower() == "true") == absent for value in values)
    if found is None:
        if if_exists or set_op == FOR_ALL:
            return True
        if set_op == FOR_ANY:
            return False
        return OPERATORS[base][1]  # a missing key matches only a negated operator
    test, negated = OPERATORS[base]
    scope = lookup if variables and base in STRING_OPERATORS else None

    def one(request_value: str) -> bool:
        hit = any(test(value, request_value, scope) for value in values)
        return not hit if negated else hit

    request_values = found if isinstance(found, tuple) else (found,)
    if set_op == FOR_ALL:
        return all(one(value) for value in request_values)
    if set_op == FOR_ANY:
        return any(one(value) for value in request_values)
    if not request_values:
        return negated
    return any(one(value) for value in request_values)
