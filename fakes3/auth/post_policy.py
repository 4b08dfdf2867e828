"""POST upload policies: the signed, base64 JSON document a browser form carries.

The policy has an ``expiration`` and a list of ``conditions`` every form field must meet:
``{"field": "value"}`` or ``["eq", "$field", "value"]`` (exact), ``["starts-with", "$field",
"prefix"]`` and ``["content-length-range", min, max]``. Each field of the form needs a
condition, except the signature fields, ``policy``, ``file`` and ``x-ignore-*``. The policy
is signed as it was sent (the base64 text): SigV4 with the ``x-amz-credential`` scope's
signing key, or SigV2 with HMAC-SHA1 of the secret.
Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes3.auth import sigv2, sigv4
from fakes3.errors import (
    AccessDenied,
    EntityTooLarge,
    EntityTooSmall,
    InvalidArgument,
    InvalidPolicyDocument,
    SignatureDoesNotMatch,
)
from fakes3.protocol.dates import utc

# The policy's expiration, as S3 reads it: ISO 8601 with a "T", seconds and a zone
# ("2026-12-06T12:00:00.000Z"); Python's fromisoformat alone would take "2026-12-06 12:00".
_ISO8601 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")

MAX_POLICY_BYTES = 20 * 1024  # S3's cap on a POST policy document
MAX_POLICY_DEPTH = 16  # a policy is an object of a list of lists: deeper is no policy
# Form fields that need no policy condition (lower case).
EXEMPT = frozenset({"awsaccesskeyid", "signature", "x-amz-signature", "policy", "file"})


def _condition_failed(condition: Any) -> AccessDenied:
    text = json.dumps(condition, separators=(", ", ": "))
    return AccessDenied(f"Invalid according to Policy: Policy Condition failed: {text}")


@dataclass
class Policy:
    """A decoded policy: when it expires, its conditions, the length range it allows."""

    text: str  # the base64 form, which is what gets signed
    expiration: datetime
    conditions: list[Any]
    length_range: tuple[int, int] | None

    @classmethod
    def decode(cls, text: str) -> Policy:
        try:
            decoded = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.") from None
        if len(decoded) > MAX_POLICY_BYTES or _depth(decoded) > MAX_POLICY_DEPTH:
            raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.")
        try:
            document = json.loads(decoded)
        except (ValueError, RecursionError):
            raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.") from None
        if not isinstance(document, dict):
            raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.")
        expiration_text = document.get("expiration")
        if not isinstance(expiration_text, str):
            raise InvalidPolicyDocument("Invalid Policy: Policy missing expiration.")
        try:
            if not _ISO8601.fullmatch(expiration_text):
                raise ValueError(expiration_text)
            expiration = utc(datetime.fromisoformat(expiration_text.replace("Z", "+00:00")))
        except ValueError:
            raise InvalidPolicyDocument(
                f"Invalid Policy: Invalid 'expiration' value: '{expiration_text}'"
            ) from None
        conditions = document.get("conditions")
        if not isinstance(conditions, list):
            raise InvalidPolicyDocument("Invalid Policy: Policy missing conditions.")
        length_range = None
        for condition in conditions:
            if isinstance(condition, list) and condition and condition[0] == "content-length-range":
                # numbers, or strings (a non-number fails the condition, as on AWS: LocalStack's
                # validated test_post_object_policy_validation_size); true and false are no
                # lengths (bool is an int to Python)
                if len(condition) != 3 or not all(type(v) in (int, str) for v in condition[1:]):
                    raise InvalidPolicyDocument(
                        "Invalid Policy: Invalid content-length-range condition."
                    )
                bounds = [_length(value) for value in condition[1:]]
                if bounds[0] is None or bounds[1] is None:
                    raise _condition_failed(condition)
                length_range = (bounds[0], bounds[1])
            elif isinstance(condition, dict) and len(condition) > 1:
                raise InvalidPolicyDocument(
                    "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have "
                    "exactly one property specified."
                )
            elif not _well_formed(condition):
                raise InvalidPolicyDocument(
                    f"Invalid Policy: Invalid Condition: {json.dumps(condition)}"
                )
        return cls(text, expiration, conditions, length_range)

    def check_time(self, now: float) -> None:
        if now > self.expiration.timestamp():
            raise AccessDenied("Invalid according to Policy: Policy expired.")

    def check_fields(self, fields: Mapping[str, str]) -> None:
        """Every condition holds and every field is covered; ``fields`` has lower-case names
        (plus ``bucket``)."""
        covered = set()
        for condition in self.conditions:
            if isinstance(condition, dict):
                for name, expected in condition.items():
                    covered.add(name.lower())
                    if fields.get(name.lower()) != expected:
                        raise _condition_failed(["eq", "$" + name, expected])
                continue
            operator, name, expected = condition
            if operator == "content-length-range":
                continue
            if not name.startswith("$"):  # names no field: never holds (AWS: LocalStack's
                raise _condition_failed(condition)  # validated ..._conditions_validation_eq)
            field = name[1:].lower()
            covered.add(field)
            value = fields.get(field)
            if operator.lower() == "eq":
                ok = value == expected
            else:
                ok = value is not None and value.startswith(expected)
                if field == "content-type" and value is not None:  # a list of types
                    ok = all(part.strip().startswith(expected) for part in value.split(","))
            if not ok and not (value is None and operator.lower() != "eq" and expected == ""):
                # starts-with "" allows any value, none included
                raise _condition_failed(condition)
        extra = [
            name
            for name in fields
            if name not in covered
            and name not in EXEMPT
            and not name.startswith("x-ignore-")
            and name != "bucket"
        ]
        if extra:
            raise AccessDenied(
                "Invalid according to Policy: Extra input fields: " + ", ".join(extra)
            )

    def check_length(self, size: int, final: bool) -> None:
        """content-length-range: raised as soon as too much arrived, or at the end if too few."""
        if self.length_range is None:
            return
        low, high = self.length_range
        if size > high:
            raise EntityTooLarge(ProposedSize=size, MaxSizeAllowed=high)
        if final and size < low:
            raise EntityTooSmall(ProposedSize=size, MinSizeAllowed=low)


def _depth(document: bytes) -> int:
    """How deeply ``[`` and ``{`` nest (outside strings), found without recursion so a
    ``[`` x 6000 document never reaches the recursive JSON decoder."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in document:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _well_formed(condition: Any) -> bool:
    if isinstance(condition, dict):
        return bool(condition) and all(isinstance(v, str) for v in condition.values())
    if not isinstance(condition, list) or len(condition) != 3:
        return False
    operator, name, value = condition
    return (
        isinstance(operator, str)
        and operator.lower() in ("eq", "starts-with")
        and isinstance(name, str)
        and isinstance(value, str)
    )


def _length(value: int | str) -> int | None:
    """A content-length-range bound: a JSON number or a string of digits."""
    if isinstance(value, int):
        return value
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


@dataclass(frozen=True)
class PolicySignature:
    """Who signed a policy and how: the access key, and a way to check it with a secret."""

    access_key: str
    version: int  # 2 or 4
    signature: str
    credential: sigv4.Credential | None = None
    amz_date: str = ""

    def check_region(self, region: str | None) -> None:
        """A SigV4 credential's region must be the bucket's, and its date x-amz-date's, as
        for presigned URLs; SigV2 is taken only in the regions that take it."""
        if self.version == 2:
            sigv2.check_region(region)
        elif self.credential is not None and region is not None:
            scoped = sigv4.SignedRequest(self.credential, self.amz_date, (), "", "", presigned=True)
            sigv4.check_scope(scoped, region)

    def verify(self, secret: str, policy: str) -> None:
        if self.version == 2:
            expected = sigv2.sign(secret, policy)
        else:
            assert self.credential is not None
            c = self.credential
            expected = sigv4.sign(sigv4.signing_key(secret, c.date, c.region, c.service), policy)
        if not sigv4.same_signature(expected, self.signature):
            raise SignatureDoesNotMatch(
                AWSAccessKeyId=self.access_key,
                StringToSign=policy,
                SignatureProvided=self.signature,
                StringToSignBytes=sigv4.spaced_hex(policy),
            )


# How S3 names a signature field it misses (LocalStack's validated TestS3PresignedPost):
# its documented spelling, whatever case the form used.
_FIELD_NAMES = {
    "awsaccesskeyid": "AWSAccessKeyId",
    "signature": "Signature",
    "x-amz-algorithm": "X-Amz-Algorithm",
    "x-amz-credential": "X-Amz-Credential",
    "x-amz-date": "X-Amz-Date",
    "x-amz-signature": "X-Amz-Signature",
}


def _missing_field(name: str) -> InvalidArgument:
    named = _FIELD_NAMES[name]
    return InvalidArgument(
        f"Bucket POST must contain a field named '{named}'.  If it is specified, please check "
        "the order of the fields.",
        ArgumentName=named,
        ArgumentValue="",
    )


def policy_signature(fields: Mapping[str, str]) -> PolicySignature | None:
    """The signature fields of a form (lower-case names); None if it carries none."""
    if "x-amz-signature" in fields or "x-amz-credential" in fields:
        for name in ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"):
            if name not in fields:
                raise _missing_field(name)
        if fields["x-amz-algorithm"] != sigv4.ALGORITHM:
            raise InvalidArgument(
                "Unsupported algorithm",
                ArgumentName="x-amz-algorithm",
                ArgumentValue=fields["x-amz-algorithm"],
            )
        credential = sigv4.parse_credential(fields["x-amz-credential"], query=True)
        return PolicySignature(
            credential.access_key,
            4,
            fields["x-amz-signature"],
            credential,
            fields["x-amz-date"],
        )
    if "awsaccesskeyid" in fields or "signature" in fields:
        for name in ("awsaccesskeyid", "signature"):
            if name not in fields:
                raise _missing_field(name)
        return PolicySignature(fields["awsaccesskeyid"], 2, fields["signature"])
    return None
