"""The bucket-policy evaluator, table-driven: each case names the AWS documentation rule it pins.

Pages (IAM User Guide unless noted):
- EVAL: reference_policies_evaluation-logic.html (deny wins; else allow; else implicit deny)
- PRINCIPAL: reference_policies_elements_principal.html
- NOTPRINCIPAL: reference_policies_elements_notprincipal.html
- ACTION / NOTACTION: reference_policies_elements_action.html, ..._notaction.html
- RESOURCE / NOTRESOURCE: reference_policies_elements_resource.html, ..._notresource.html
- OPS: reference_policies_elements_condition_operators.html
- MULTI: reference_policies_condition-single-vs-multi-valued-context-keys.html
- VARS: reference_policies_variables.html; VERSION: reference_policies_elements_version.html
- COND: reference_policies_elements_condition.html (operators ANDed, values ORed)
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest

from fakes3.auth.policy import ALLOW, DENY, Principal, Request, parse
from fakes3.auth.policy_match import Value

B = "bucket"
ALICE = Principal("111111111111", "a" * 64, "arn:aws:iam::111111111111:user/alice")
BOB = Principal("222222222222", "b" * 64, "arn:aws:iam::222222222222:user/bob")
OBJ = f"arn:aws:s3:::{B}/*"
BKT = f"arn:aws:s3:::{B}"


def st(
    effect: str = "Allow",
    principal: Any = "*",
    action: Any = "s3:GetObject",
    resource: Any = OBJ,
    condition: dict[str, Any] | None = None,
    not_principal: Any = None,
    not_action: Any = None,
    not_resource: Any = None,
) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect}
    if not_principal is not None:
        statement["NotPrincipal"] = not_principal
    else:
        statement["Principal"] = principal
    if not_action is not None:
        statement["NotAction"] = not_action
    else:
        statement["Action"] = action
    if not_resource is not None:
        statement["NotResource"] = not_resource
    else:
        statement["Resource"] = resource
    if condition is not None:
        statement["Condition"] = condition
    return statement


class Case(NamedTuple):
    rule: str
    statements: list[dict[str, Any]]
    expected: str | None
    principal: Principal | None = ALICE
    action: str = "s3:GetObject"
    key: str | None = "k"
    context: dict[str, Value] = {}
    version: str = "2012-10-17"


def cond(operator: str, key: str, values: Any) -> dict[str, Any]:
    return {operator: {key: values}}


def allow_if(operator: str, key: str, values: Any) -> list[dict[str, Any]]:
    return [st(condition=cond(operator, key, values))]


CASES: list[Case] = [
    # --- evaluation order
    Case("EVAL: no statement applies -> implicit deny (None)", [st(action="s3:PutObject")], None),
    Case("EVAL: an applicable Allow allows", [st()], ALLOW),
    Case("EVAL: an applicable Deny denies", [st("Deny")], DENY),
    Case("EVAL: explicit deny overrides an allow after it", [st("Deny"), st()], DENY),
    Case("EVAL: explicit deny overrides an allow before it", [st(), st("Deny")], DENY),
    Case(
        "EVAL: a deny that does not apply leaves the allow",
        [st(), st("Deny", action="s3:PutObject")],
        ALLOW,
    ),
    Case("EVAL: a Deny applies to anonymous callers too", [st("Deny")], DENY, principal=None),
    # --- principals
    Case("PRINCIPAL: '*' includes anonymous users", [st()], ALLOW, principal=None),
    Case("PRINCIPAL: {'AWS': '*'} equals '*'", [st(principal={"AWS": "*"})], ALLOW, principal=None),
    Case("PRINCIPAL: {'AWS': ['*']} equals '*'", [st(principal={"AWS": ["*"]})], ALLOW, BOB),
    Case(
        "PRINCIPAL: an account id names the account", [st(principal={"AWS": "111111111111"})], ALLOW
    ),
    Case(
        "PRINCIPAL: an account id does not name another account",
        [st(principal={"AWS": "111111111111"})],
        None,
        BOB,
    ),
    Case(
        "PRINCIPAL: arn:...:root delegates to the whole account",
        [st(principal={"AWS": "arn:aws:iam::111111111111:root"})],
        ALLOW,
    ),
    Case(
        "PRINCIPAL: arn:...:root of another account",
        [st(principal={"AWS": "arn:aws:iam::111111111111:root"})],
        None,
        BOB,
    ),
    Case(
        "PRINCIPAL: an IAM user ARN names that user",
        [st(principal={"AWS": "arn:aws:iam::111111111111:user/alice"})],
        ALLOW,
    ),
    Case(
        "PRINCIPAL: another user's ARN in the same account does not match",
        [st(principal={"AWS": "arn:aws:iam::111111111111:user/carol"})],
        None,
    ),
    Case(
        "PRINCIPAL: a list of principals is an OR",
        [st(principal={"AWS": ["333333333333", "222222222222"]})],
        ALLOW,
        BOB,
    ),
    Case(
        "PRINCIPAL: S3 CanonicalUser names the account by canonical id",
        [st(principal={"CanonicalUser": "b" * 64})],
        ALLOW,
        BOB,
    ),
    Case(
        "PRINCIPAL: CanonicalUser of another account",
        [st(principal={"CanonicalUser": "b" * 64})],
        None,
    ),
    Case(
        "PRINCIPAL: a named principal never matches anonymous",
        [st(principal={"AWS": "111111111111"})],
        None,
        None,
    ),
    Case(
        "PRINCIPAL: a service principal is not an account",
        [st(principal={"Service": "cloudfront.amazonaws.com"})],
        None,
    ),
    Case(
        "PRINCIPAL: several principal types are ORed",
        [st(principal={"Service": "logging.s3.amazonaws.com", "AWS": "222222222222"})],
        ALLOW,
        BOB,
    ),
    # --- NotPrincipal (Deny only)
    Case(
        "NOTPRINCIPAL: Deny applies to everyone not listed",
        [st("Deny", not_principal={"AWS": "111111111111"}), st()],
        DENY,
        BOB,
    ),
    Case(
        "NOTPRINCIPAL: the listed principal is exempt",
        [st("Deny", not_principal={"AWS": "111111111111"}), st()],
        ALLOW,
    ),
    Case(
        "NOTPRINCIPAL: anonymous is never listed, so denied",
        [st("Deny", not_principal={"AWS": "111111111111"}), st()],
        DENY,
        None,
    ),
    Case(
        "NOTPRINCIPAL: NotPrincipal '*' excludes everyone",
        [st("Deny", not_principal="*"), st()],
        ALLOW,
        None,
    ),
    # --- actions
    Case("ACTION: exact action", [st(action="s3:GetObject")], ALLOW),
    Case("ACTION: the name is case-insensitive", [st(action="s3:getobject")], ALLOW),
    Case("ACTION: the prefix is case-insensitive", [st(action="S3:GetObject")], ALLOW),
    Case("ACTION: s3:* matches every S3 action", [st(action="s3:*")], ALLOW),
    Case("ACTION: '*' matches every action", [st(action="*")], ALLOW),
    Case("ACTION: * inside the name", [st(action="s3:Get*")], ALLOW),
    Case("ACTION: * not matching", [st(action="s3:Put*")], None),
    Case("ACTION: ? is exactly one character", [st(action="s3:GetObjec?")], ALLOW),
    Case("ACTION: ? needs exactly one more character", [st(action="s3:GetObjectAc?")], None),
    Case("ACTION: a list is an OR", [st(action=["s3:PutObject", "s3:GetObject"])], ALLOW),
    Case("ACTION: another action does not match", [st(action="s3:GetObjectAcl")], None),
    Case(
        "ACTION: versioned reads are a different action",
        [st(action="s3:GetObject")],
        None,
        action="s3:GetObjectVersion",
    ),
    # --- NotAction
    Case("NOTACTION: matches actions not listed", [st(not_action="s3:PutObject")], ALLOW),
    Case("NOTACTION: does not match a listed action", [st(not_action="s3:GetObject")], None),
    Case("NOTACTION: wildcards in the list", [st(not_action="s3:Get*")], None),
    Case(
        "NOTACTION: Deny everything but listed",
        [st(), st("Deny", not_action=["s3:GetObject"])],
        ALLOW,
    ),
    Case(
        "NOTACTION: Deny everything but listed, for another action",
        [st(action="s3:*"), st("Deny", not_action=["s3:GetObject"])],
        DENY,
        action="s3:DeleteObject",
    ),
    # --- resources
    Case("RESOURCE: bucket/* matches a key", [st()], ALLOW, key="a/b/c"),
    Case("RESOURCE: * spans slashes", [st(resource=f"{BKT}/a/*")], ALLOW, key="a/b/c"),
    Case("RESOURCE: prefix mismatch", [st(resource=f"{BKT}/a/*")], None, key="b/c"),
    Case("RESOURCE: exact key", [st(resource=f"{BKT}/k")], ALLOW),
    Case("RESOURCE: keys are case-sensitive", [st(resource=f"{BKT}/K")], None),
    Case("RESOURCE: ? is one character", [st(resource=f"{BKT}/?")], ALLOW),
    Case("RESOURCE: ? needs a character", [st(resource=f"{BKT}/k?")], None),
    Case(
        "RESOURCE: */test/* example from the IAM page",
        [st(resource=f"{BKT}/*/test/*")],
        ALLOW,
        key="1///test///object.jpg",
    ),
    Case(
        "RESOURCE: */test/* does not match 1-test/object.jpg",
        [st(resource=f"{BKT}/*/test/*")],
        None,
        key="1-test/object.jpg",
    ),
    Case(
        "RESOURCE: the bucket ARN is not its objects",
        [st(resource=BKT, action="s3:ListBucket")],
        None,
        action="s3:ListBucket",
    ),
    Case(
        "RESOURCE: bucket ARN for a bucket action",
        [st(resource=BKT, action="s3:ListBucket")],
        ALLOW,
        action="s3:ListBucket",
        key=None,
    ),
    Case(
        "RESOURCE: arn:aws:s3:::* covers any bucket",
        [st(resource="arn:aws:s3:::*", action="s3:ListBucket")],
        ALLOW,
        action="s3:ListBucket",
        key=None,
    ),
    Case("RESOURCE: a list is an OR", [st(resource=[f"{BKT}/x", f"{BKT}/k"])], ALLOW),
    Case("RESOURCE: a key with a colon", [st(resource=f"{BKT}/a:*")], ALLOW, key="a:b"),
    # --- NotResource
    Case("NOTRESOURCE: matches resources not listed", [st(not_resource=f"{BKT}/x")], ALLOW),
    Case("NOTRESOURCE: does not match a listed one", [st(not_resource=f"{BKT}/k")], None),
    Case(
        "NOTRESOURCE: Deny outside a prefix",
        [st(), st("Deny", not_resource=f"{BKT}/public/*")],
        DENY,
        key="private/x",
    ),
    Case(
        "NOTRESOURCE: inside the prefix stays allowed",
        [st(), st("Deny", not_resource=f"{BKT}/public/*")],
        ALLOW,
        key="public/x",
    ),
]

# --- condition operators: (rule, operator, key, policy values, request value, expected)
OPS: list[tuple[str, str, str, Any, Value | None, str | None]] = [
    ("OPS: StringEquals exact", "StringEquals", "s3:x-amz-acl", "private", "private", ALLOW),
    (
        "OPS: StringEquals is case-sensitive",
        "StringEquals",
        "s3:x-amz-acl",
        "Private",
        "private",
        None,
    ),
    (
        "OPS: StringEquals values are ORed",
        "StringEquals",
        "s3:x-amz-acl",
        ["a", "private"],
        "private",
        ALLOW,
    ),
    ("OPS: StringEquals has no wildcards", "StringEquals", "s3:x-amz-acl", "pri*", "private", None),
    ("OPS: StringNotEquals", "StringNotEquals", "s3:x-amz-acl", "public-read", "private", ALLOW),
    (
        "OPS: StringNotEquals values are NORed",
        "StringNotEquals",
        "s3:x-amz-acl",
        ["x", "private"],
        "private",
        None,
    ),
    (
        "OPS: StringEqualsIgnoreCase",
        "StringEqualsIgnoreCase",
        "s3:x-amz-acl",
        "PRIVATE",
        "private",
        ALLOW,
    ),
    (
        "OPS: StringNotEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "s3:x-amz-acl",
        "PRIVATE",
        "private",
        None,
    ),
    ("OPS: StringLike *", "StringLike", "s3:x-amz-acl", "public*", "public-read", ALLOW),
    ("OPS: StringLike ?", "StringLike", "s3:x-amz-acl", "privat?", "private", ALLOW),
    (
        "OPS: StringLike is case-sensitive",
        "StringLike",
        "s3:x-amz-acl",
        "PUBLIC*",
        "public-read",
        None,
    ),
    ("OPS: StringLike whole value", "StringLike", "s3:x-amz-acl", "public", "public-read", None),
    ("OPS: StringNotLike", "StringNotLike", "s3:x-amz-acl", "public*", "private", ALLOW),
    (
        "OPS: StringNotLike matching",
        "StringNotLike",
        "s3:x-amz-acl",
        "public*",
        "public-read",
        None,
    ),
    ("OPS: NumericEquals", "NumericEquals", "s3:max-keys", "10", "10", ALLOW),
    ("OPS: NumericEquals decimals", "NumericEquals", "s3:max-keys", "10.0", "10", ALLOW),
    ("OPS: NumericNotEquals", "NumericNotEquals", "s3:max-keys", "10", "11", ALLOW),
    ("OPS: NumericLessThan", "NumericLessThan", "s3:max-keys", "10", "9", ALLOW),
    ("OPS: NumericLessThan equal is not less", "NumericLessThan", "s3:max-keys", "10", "10", None),
    ("OPS: NumericLessThanEquals", "NumericLessThanEquals", "s3:max-keys", "10", "10", ALLOW),
    ("OPS: NumericGreaterThan", "NumericGreaterThan", "s3:max-keys", "10", "11", ALLOW),
    ("OPS: NumericGreaterThanEquals", "NumericGreaterThanEquals", "s3:max-keys", "10", "9", None),
    (
        "OPS: Numeric with a number in JSON",
        "NumericLessThanEquals",
        "s3:max-keys",
        100,
        "50",
        ALLOW,
    ),
    ("OPS: Numeric with a non-number request", "NumericEquals", "s3:max-keys", "1", "one", None),
    (
        "OPS: DateLessThan ISO 8601",
        "DateLessThan",
        "aws:CurrentTime",
        "2030-01-01T00:00:00Z",
        "2026-12-06T00:00:00Z",
        ALLOW,
    ),
    (
        "OPS: DateGreaterThan ISO 8601",
        "DateGreaterThan",
        "aws:CurrentTime",
        "2030-01-01T00:00:00Z",
        "2026-12-06T00:00:00Z",
        None,
    ),
    (
        "OPS: DateEquals",
        "DateEquals",
        "aws:CurrentTime",
        "2026-12-06T00:00:00Z",
        "2026-12-06T00:00:00Z",
        ALLOW,
    ),
    (
        "OPS: DateNotEquals",
        "DateNotEquals",
        "aws:CurrentTime",
        "2026-12-06T00:00:00Z",
        "2026-12-07T00:00:00Z",
        ALLOW,
    ),
    (
        "OPS: Date in epoch seconds",
        "DateGreaterThanEquals",
        "aws:CurrentTime",
        "0",
        "2026-12-06T00:00:00Z",
        ALLOW,
    ),
    (
        "OPS: DateLessThanEquals a date only",
        "DateLessThanEquals",
        "aws:CurrentTime",
        "2026-12-06",
        "2026-12-06T00:00:00Z",
        ALLOW,
    ),
    ("OPS: Bool true", "Bool", "aws:SecureTransport", "true", "true", ALLOW),
    ("OPS: Bool false", "Bool", "aws:SecureTransport", "false", "true", None),
    ("OPS: Bool JSON boolean", "Bool", "aws:SecureTransport", False, "false", ALLOW),
    ("OPS: Bool case-insensitive", "Bool", "aws:SecureTransport", "TRUE", "true", ALLOW),
    ("OPS: BinaryEquals base64", "BinaryEquals", "aws:userid", "QUJD", "QUJD", ALLOW),
    ("OPS: IpAddress CIDR", "IpAddress", "aws:SourceIp", "192.0.2.0/24", "192.0.2.7", ALLOW),
    ("OPS: IpAddress outside", "IpAddress", "aws:SourceIp", "192.0.2.0/24", "198.51.100.1", None),
    (
        "OPS: IpAddress bare address is /32",
        "IpAddress",
        "aws:SourceIp",
        "192.0.2.7",
        "192.0.2.7",
        ALLOW,
    ),
    (
        "OPS: IpAddress bare address /32 only",
        "IpAddress",
        "aws:SourceIp",
        "192.0.2.7",
        "192.0.2.8",
        None,
    ),
    ("OPS: IpAddress IPv6", "IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db8::1", ALLOW),
    (
        "OPS: IpAddress v4 range never matches v6",
        "IpAddress",
        "aws:SourceIp",
        "0.0.0.0/0",
        "2001:db8::1",
        None,
    ),
    ("OPS: NotIpAddress", "NotIpAddress", "aws:SourceIp", "192.0.2.0/24", "198.51.100.1", ALLOW),
    ("OPS: NotIpAddress inside", "NotIpAddress", "aws:SourceIp", "192.0.2.0/24", "192.0.2.1", None),
    (
        "OPS: ArnEquals",
        "ArnEquals",
        "aws:SourceArn",
        "arn:aws:sns:us-east-1:123456789012:t",
        "arn:aws:sns:us-east-1:123456789012:t",
        ALLOW,
    ),
    (
        "OPS: ArnLike per segment",
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:sns:*:123456789012:*",
        "arn:aws:sns:eu-west-1:123456789012:topic",
        ALLOW,
    ),
    (
        "OPS: ArnLike account differs",
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:sns:*:123456789012:*",
        "arn:aws:sns:eu-west-1:999999999999:topic",
        None,
    ),
    (
        "OPS: ArnLike is case-sensitive",
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:SNS:*:*:*",
        "arn:aws:sns:us-east-1:1:t",
        None,
    ),
    (
        "OPS: ArnNotLike",
        "ArnNotLike",
        "aws:SourceArn",
        "arn:aws:sns:*:1:*",
        "arn:aws:sns:us-east-1:2:t",
        ALLOW,
    ),
    (
        "OPS: ArnNotEquals",
        "ArnNotEquals",
        "aws:SourceArn",
        "arn:aws:sns:r:1:t",
        "arn:aws:sns:r:1:t",
        None,
    ),
    (
        "OPS: a missing key fails a positive operator",
        "StringEquals",
        "s3:x-amz-acl",
        "private",
        None,
        None,
    ),
    (
        "OPS: a missing key satisfies a negated operator",
        "StringNotEquals",
        "s3:x-amz-acl",
        "private",
        None,
        ALLOW,
    ),
    (
        "OPS: a missing key satisfies StringNotLike",
        "StringNotLike",
        "s3:x-amz-acl",
        "p*",
        None,
        ALLOW,
    ),
    ("OPS: a missing key fails IpAddress", "IpAddress", "aws:SourceIp", "0.0.0.0/0", None, None),
    (
        "OPS: a missing key satisfies NotIpAddress",
        "NotIpAddress",
        "aws:SourceIp",
        "10.0.0.0/8",
        None,
        ALLOW,
    ),
    (
        "OPS: ...IfExists with the key absent is true",
        "StringEqualsIfExists",
        "s3:x-amz-acl",
        "private",
        None,
        ALLOW,
    ),
    (
        "OPS: ...IfExists with the key present compares",
        "StringEqualsIfExists",
        "s3:x-amz-acl",
        "private",
        "public-read",
        None,
    ),
    (
        "OPS: ...IfExists present and equal",
        "StringEqualsIfExists",
        "s3:x-amz-acl",
        "private",
        "private",
        ALLOW,
    ),
    (
        "OPS: NumericLessThanIfExists absent",
        "NumericLessThanIfExists",
        "s3:max-keys",
        "5",
        None,
        ALLOW,
    ),
    (
        "OPS: Null true: the key is absent",
        "Null",
        "s3:x-amz-server-side-encryption",
        "true",
        None,
        ALLOW,
    ),
    (
        "OPS: Null true with the key present",
        "Null",
        "s3:x-amz-server-side-encryption",
        "true",
        "AES256",
        None,
    ),
    (
        "OPS: Null false: the key is present",
        "Null",
        "s3:x-amz-server-side-encryption",
        "false",
        "AES256",
        ALLOW,
    ),
    (
        "OPS: Null false with the key absent",
        "Null",
        "s3:x-amz-server-side-encryption",
        "false",
        None,
        None,
    ),
    ("OPS: Null with a JSON boolean", "Null", "s3:x-amz-server-side-encryption", True, None, ALLOW),
    (
        "COND: condition key names are case-insensitive",
        "StringEquals",
        "S3:X-AMZ-ACL",
        "private",
        "private",
        ALLOW,
    ),
    (
        "MULTI: ForAnyValue one of the request values",
        "ForAnyValue:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a", "b"],
        ("b", "c"),
        ALLOW,
    ),
    (
        "MULTI: ForAnyValue none of them",
        "ForAnyValue:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a"],
        ("b", "c"),
        None,
    ),
    (
        "MULTI: ForAnyValue with the key absent is false",
        "ForAnyValue:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a"],
        None,
        None,
    ),
    (
        "MULTI: ForAnyValue with no values is false",
        "ForAnyValue:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a"],
        (),
        None,
    ),
    (
        "MULTI: ForAllValues every value listed",
        "ForAllValues:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a", "b", "c"],
        ("b", "c"),
        ALLOW,
    ),
    (
        "MULTI: ForAllValues one value not listed",
        "ForAllValues:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a", "b"],
        ("b", "c"),
        None,
    ),
    (
        "MULTI: ForAllValues with the key absent is true",
        "ForAllValues:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a"],
        None,
        ALLOW,
    ),
    (
        "MULTI: ForAllValues with no values is true",
        "ForAllValues:StringEquals",
        "s3:RequestObjectTagKeys",
        ["a"],
        (),
        ALLOW,
    ),
    (
        "MULTI: ForAllValues:StringLike",
        "ForAllValues:StringLike",
        "s3:RequestObjectTagKeys",
        ["team-*"],
        ("team-a", "team-b"),
        ALLOW,
    ),
    (
        "MULTI: ForAnyValue:StringNotEquals",
        "ForAnyValue:StringNotEquals",
        "s3:RequestObjectTagKeys",
        ["a"],
        ("a", "b"),
        ALLOW,
    ),
    (
        "MULTI: ForAllValues:StringNotEquals",
        "ForAllValues:StringNotEquals",
        "s3:RequestObjectTagKeys",
        ["a"],
        ("a", "b"),
        None,
    ),
]


def _op_case(
    rule: str, op: str, key: str, values: Any, request: Value | None, expected: str | None
) -> Case:
    context = {} if request is None else {key.lower(): request}
    return Case(rule, allow_if(op, key, values), expected, context=context)


CASES += [_op_case(*row) for row in OPS]

VARS_CONTEXT: dict[str, Value] = {
    "aws:username": "alice",
    "aws:principalaccount": "111111111111",
    "aws:userid": "AIDA1",
}
CASES += [
    Case(
        "VARS: ${aws:username} in a Resource",
        [st(resource=f"{BKT}/home/${{aws:username}}/*")],
        ALLOW,
        key="home/alice/x",
        context=VARS_CONTEXT,
    ),
    Case(
        "VARS: ${aws:username} is another user's folder",
        [st(resource=f"{BKT}/home/${{aws:username}}/*")],
        None,
        key="home/bob/x",
        context=VARS_CONTEXT,
    ),
    Case(
        "VARS: a variable with no value matches no resource",
        [st(resource=f"{BKT}/home/${{aws:username}}/*")],
        None,
        key="home//x",
        principal=None,
    ),
    Case(
        "VARS: key names in variables are case-insensitive",
        [st(resource=f"{BKT}/${{AWS:UserName}}/*")],
        ALLOW,
        key="alice/x",
        context=VARS_CONTEXT,
    ),
    Case(
        "VARS: ${aws:PrincipalAccount} in a condition",
        allow_if("StringLike", "s3:prefix", "${aws:PrincipalAccount}/*"),
        ALLOW,
        context={**VARS_CONTEXT, "s3:prefix": "111111111111/logs"},
    ),
    Case(
        "VARS: ${aws:userid} in StringEquals",
        allow_if("StringEquals", "s3:prefix", "${aws:userid}"),
        ALLOW,
        context={**VARS_CONTEXT, "s3:prefix": "AIDA1"},
    ),
    Case(
        "VARS: a missing variable in StringEquals does not match",
        allow_if("StringEquals", "s3:prefix", "${aws:username}"),
        None,
        context={"s3:prefix": ""},
    ),
    Case(
        "VARS: a missing variable in StringNotEquals matches",
        allow_if("StringNotEquals", "s3:prefix", "${aws:username}"),
        ALLOW,
        context={"s3:prefix": "x"},
    ),
    Case(
        "VARS: a default value stands in for a missing key",
        [st(resource=f"{BKT}/${{aws:username, 'guest'}}/*")],
        ALLOW,
        key="guest/x",
        principal=None,
    ),
    Case(
        "VARS: ${*} is a literal asterisk",
        [st(resource=f"{BKT}/a${{*}}b")],
        ALLOW,
        key="a*b",
    ),
    Case(
        "VARS: ${*} is not a wildcard",
        [st(resource=f"{BKT}/a${{*}}b")],
        None,
        key="axxb",
    ),
    Case(
        "VARS: a variable's value is literal, not a wildcard",
        [st(resource=f"{BKT}/home/${{aws:username}}")],
        None,
        key="home/alice",
        context={"aws:username": "al*"},
    ),
    Case(
        "VERSION: under 2008-10-17 ${...} is a literal string",
        [st(resource=f"{BKT}/home/${{aws:username}}/*")],
        ALLOW,
        key="home/${aws:username}/x",
        context=VARS_CONTEXT,
        version="2008-10-17",
    ),
    Case(
        "VERSION: under 2008-10-17 no substitution happens",
        [st(resource=f"{BKT}/home/${{aws:username}}/*")],
        None,
        key="home/alice/x",
        context=VARS_CONTEXT,
        version="2008-10-17",
    ),
    Case(
        "COND: several operators are ANDed (one fails)",
        [
            st(
                condition={
                    "StringEquals": {"s3:x-amz-acl": "private"},
                    "Bool": {"aws:SecureTransport": "true"},
                }
            )
        ],
        None,
        context={"s3:x-amz-acl": "private", "aws:securetransport": "false"},
    ),
    Case(
        "COND: several operators are ANDed (all hold)",
        [
            st(
                condition={
                    "StringEquals": {"s3:x-amz-acl": "private"},
                    "Bool": {"aws:SecureTransport": "true"},
                }
            )
        ],
        ALLOW,
        context={"s3:x-amz-acl": "private", "aws:securetransport": "true"},
    ),
    Case(
        "COND: several keys under one operator are ANDed",
        [st(condition={"StringEquals": {"s3:x-amz-acl": "private", "s3:prefix": "a"}})],
        None,
        context={"s3:x-amz-acl": "private", "s3:prefix": "b"},
    ),
    Case(
        "COND: a conditional Deny denies only when it holds",
        [st(), st("Deny", condition=cond("Bool", "aws:SecureTransport", "false"))],
        ALLOW,
        context={"aws:securetransport": "true"},
    ),
    Case(
        "COND: a conditional Deny that holds",
        [st(), st("Deny", condition=cond("Bool", "aws:SecureTransport", "false"))],
        DENY,
        context={"aws:securetransport": "false"},
    ),
    Case(
        "COND: deny unencrypted uploads (S3 user guide example)",
        [
            st(action="s3:PutObject"),
            st(
                "Deny",
                action="s3:PutObject",
                condition=cond("Null", "s3:x-amz-server-side-encryption", "true"),
            ),
        ],
        DENY,
        action="s3:PutObject",
    ),
    Case(
        "COND: deny unencrypted uploads lets an encrypted one through",
        [
            st(action="s3:PutObject"),
            st(
                "Deny",
                action="s3:PutObject",
                condition=cond("Null", "s3:x-amz-server-side-encryption", "true"),
            ),
        ],
        ALLOW,
        action="s3:PutObject",
        context={"s3:x-amz-server-side-encryption": "AES256"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
def test_policy_decision(case: Case) -> None:
    document = json.dumps({"Version": case.version, "Statement": case.statements})
    policy = parse(document, B)
    resource = BKT if case.key is None else f"{BKT}/{case.key}"
    context = {k.lower(): v for k, v in case.context.items()}
    request = Request(case.principal, case.action, resource, context.get)
    assert policy.decide(request) == case.expected, case.rule


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 100
    assert len({case.rule for case in CASES}) == len(CASES)  # every rule named once
