"""Bucket tagging: PutBucketTagging, GetBucketTagging, DeleteBucketTagging.

The tag rules are shared with object tags (``operations/tagging.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fakes3.errors import BadRequest, InvalidTag, MalformedXML, NoSuchTagSet
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Context, Handler, Params

MAX_BUCKET_TAGS = 50
MAX_OBJECT_TAGS = 10
# Letters, digits and spaces in any script (Unicode's separators, \p{Z}: not tab, CR, LF and
# the other white-space controls Python's \s also matches), and + - = . _ : / @
_ALLOWED = re.compile(r"(?:[\w+\-=._:/@]|(?![\t\n\x0b\x0c\r\x1c-\x1f\x85])\s)*")
# What S3 says of an ``aws:`` key: on a bucket, and on an object (LocalStack's AWS-validated
# test_tagging_validation: put-bucket-tags-aws-prefixed, put-object-tags-aws-prefixed).
SYSTEM_TAGS = "System tags cannot be added/updated by requester"
OBJECT_SYSTEM_TAGS = "Your TagKey cannot be prefixed with aws:"


def is_tag_text(text: str) -> bool:
    """Whether ``text`` holds only the characters a tag key or value may."""
    return _ALLOWED.fullmatch(text) is not None


def check_tags(
    pairs: Iterable[tuple[str, str]], limit: int, what: str, system: str = SYSTEM_TAGS
) -> tuple[tuple[str, str], ...]:
    """S3's tag rules (``what``: ``Object`` or ``Bucket``); InvalidTag or BadRequest if broken.
    ``system`` is the message for an ``aws:`` key.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
    """
    tags = tuple(pairs)
    if len(tags) > limit:
        if what == "Object":
            raise BadRequest(f"Object tags cannot be greater than {limit}")
        raise InvalidTag(f"Bucket tag count cannot be greater than {limit}")
    seen: set[str] = set()
    for key, value in tags:
        if key in seen:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=key)
        seen.add(key)
        if key.lower().startswith("aws:"):
            raise InvalidTag(system, TagKey=key)
        if not key or not is_tag_text(key):
            raise InvalidTag("The TagKey you have provided is invalid", TagKey=key)
        if len(key) > 128:
            raise InvalidTag("The TagKey you have provided is too long, max 128", TagKey=key)
        if not is_tag_text(value):  # AWS names the value too (put-bucket-tags-invalid-value)
            invalid = "The TagValue you have provided is invalid"
            raise InvalidTag(invalid, TagKey=key, TagValue=value)
        if len(value) > 256:
            raise InvalidTag("The TagValue you have provided is too long, max 256", TagKey=key)
    return tags


def check_object_tags(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """An object's tags (PutObjectTagging, x-amz-tagging, a POST form's tagging document)."""
    return check_tags(pairs, MAX_OBJECT_TAGS, "Object", OBJECT_SYSTEM_TAGS)


def check_filter_tags(found: dict[str, Any]) -> None:
    """The tags of a configuration's filter (``Tag``, or ``And``'s ``Tags``) follow the tag
    rules: a key each (else MalformedXML), no ``aws:`` key, no key twice."""
    tags = [found["Tag"]] if found.get("Tag") is not None else []
    tags += (found.get("And") or {}).get("Tags") or []
    if any(not isinstance(tag, dict) or "Key" not in tag for tag in tags):
        raise MalformedXML()
    check_tags([(tag["Key"], tag.get("Value", "")) for tag in tags], MAX_BUCKET_TAGS, "Object")


def tag_pairs(tagging: dict[str, Any]) -> list[tuple[str, str]]:
    """``{"TagSet": [{"Key": .., "Value": ..}]}`` as pairs; a tag without Key or Value is
    refused. An empty ``<Tagging/>`` is an empty set, as AWS takes it (LocalStack's validated
    test_put_bucket_tagging_none_value and test_put_object_tagging_none_value); a document of
    unknown elements never gets here (the XML reader refuses it)."""
    pairs = []
    for tag in tagging.get("TagSet") or []:
        if "Key" not in tag or "Value" not in tag:
            raise InvalidTag("The TagKey you have provided is invalid")
        pairs.append((tag["Key"], tag["Value"]))
    return pairs


def _validate(_ctx: Context, _params: Params, tagging: dict[str, Any]) -> dict[str, Any] | None:
    """The tags to store; an empty TagSet deletes them, as on AWS, whose GetBucketTagging then
    answers NoSuchTagSet (LocalStack's validated test_bucket_tagging_crud)."""
    tags = check_tags(tag_pairs(tagging), MAX_BUCKET_TAGS, "Bucket")
    if not tags:
        return None
    return {"TagSet": [{"Key": key, "Value": value} for key, value in tags]}


TAGGING = BucketConfig(
    name="tagging",
    get="GetBucketTagging",
    put="PutBucketTagging",
    delete="DeleteBucketTagging",
    missing=NoSuchTagSet,
    validate=_validate,
    put_status=204,  # as S3 answers (the model names no status)
)

HANDLERS: dict[str, Handler] = TAGGING.handlers()
