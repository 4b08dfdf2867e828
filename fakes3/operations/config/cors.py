"""CORS configuration: PutBucketCors, GetBucketCors, DeleteBucketCors (effects: fakes3/cors.py).

The document is stored as sent (model member names), once S3's rules accept it; the
preflight and the headers of actual requests read it at their seams.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html
"""

from __future__ import annotations

from typing import Any

from fakes3.errors import (
    InvalidArgument,
    InvalidRequest,
    MalformedXML,
    MaxMessageLengthExceeded,
    NoSuchCORSConfiguration,
)
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Context, Handler, Params

MAX_RULES = 100
MAX_DOCUMENT_BYTES = 64 * 1024  # "The document is limited to 64 KB in size."
MAX_ID_LENGTH = 255
METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
# The rule members, in the model's order, with the element each value travels in.
_ELEMENTS = (
    ("ID", "ID"),
    ("AllowedHeaders", "AllowedHeader"),
    ("AllowedMethods", "AllowedMethod"),
    ("AllowedOrigins", "AllowedOrigin"),
    ("ExposeHeaders", "ExposeHeader"),
    ("MaxAgeSeconds", "MaxAgeSeconds"),
)


def _values(rule: dict[str, Any], member: str) -> list[Any]:
    value = rule.get(member)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document_size(rules: list[dict[str, Any]]) -> int:
    """The configuration's size as S3 writes it back (tags and UTF-8 text, no declaration)."""
    size = len("<CORSConfiguration></CORSConfiguration>")
    for rule in rules:
        size += len("<CORSRule></CORSRule>")
        for member, element in _ELEMENTS:
            for value in _values(rule, member):
                size += 2 * len(element) + 5 + len(str(value).encode("utf-8"))
    return size


def _check_rule(rule: dict[str, Any]) -> None:
    """One rule, in the order S3 checks its elements; raises S3's error for the first fault."""
    methods, origins = _values(rule, "AllowedMethods"), _values(rule, "AllowedOrigins")
    if not methods or not origins:
        raise MalformedXML()  # "Each CORSRule must identify at least one origin and one method"
    for method in methods:
        if method not in METHODS:
            raise InvalidRequest(
                f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"
            )
    for origin in origins:
        if origin.count("*") > 1:
            raise InvalidRequest(f'AllowedOrigin "{origin}" can not have more than one wildcard.')
    if len(rule.get("ID") or "") > MAX_ID_LENGTH:
        raise InvalidArgument(f"ID length should not exceed allowed limit of {MAX_ID_LENGTH}")
    for header in _values(rule, "AllowedHeaders"):
        if header.count("*") > 1:
            raise InvalidRequest(f'AllowedHeader "{header}" can not have more than one wildcard.')
    max_age = rule.get("MaxAgeSeconds")
    if max_age is not None and max_age < 0:
        raise MalformedXML(f'MaxAgeSeconds "{max_age}" is not a valid value.')
    for header in _values(rule, "ExposeHeaders"):
        if "*" in header:
            raise InvalidRequest(
                f'ExposeHeader "{header}" contains wildcard. '
                "We currently do not support wildcard for ExposeHeader."
            )


def _validate(_ctx: Context, _params: Params, document: dict[str, Any]) -> dict[str, Any]:
    rules = document.get("CORSRules") or []
    if not rules:
        raise MalformedXML()  # a CORSConfiguration needs at least one CORSRule
    if len(rules) > MAX_RULES:
        raise InvalidRequest(
            f"The number of CORS rules should not exceed allowed limit of {MAX_RULES} rules."
        )
    if _document_size(rules) > MAX_DOCUMENT_BYTES:
        raise MaxMessageLengthExceeded()
    for rule in rules:
        _check_rule(rule)
    kept = [{m: rule[m] for m, _e in _ELEMENTS if rule.get(m) is not None} for rule in rules]
    return {"CORSRules": kept}


CORS = BucketConfig(
    name="cors",
    get="GetBucketCors",
    put="PutBucketCors",
    delete="DeleteBucketCors",
    missing=NoSuchCORSConfiguration,
    validate=_validate,
)

HANDLERS: dict[str, Handler] = CORS.handlers()
