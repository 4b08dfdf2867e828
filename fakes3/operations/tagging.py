"""Object tagging: GetObjectTagging, PutObjectTagging, DeleteObjectTagging.

Tags are a version's sub-resource: a change rewrites that version's record through
``Store.rewrite_object`` (its bytes, id and date stay). The tag rules are shared with bucket
tags (``operations/config/tagging.py``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fakes3.errors import MalformedXML, NoSuchKey
from fakes3.operations.config.tagging import (
    check_object_tags,
    tag_pairs,
)
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.markers import refused_on_markers
from fakes3.store.records import ObjectRecord


def _answer(record: ObjectRecord, output: Output) -> Output:
    if record.version_id is not None:
        output["VersionId"] = record.version_id
    return output


def get_object_tagging(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html

    A missing key's ``NoSuchKey`` names it as ``bucket/key``, as AWS's does here (LocalStack's
    validated test_object_tagging_exc; PutObjectTagging and DeleteObjectTagging name the key
    alone)."""
    try:
        with refused_on_markers():
            record = ctx.store.head_object(params["Bucket"], params["Key"], params.get("VersionId"))
    except NoSuchKey as missing:
        missing.fields["Key"] = f"{params['Bucket']}/{params['Key']}"
        raise
    tag_set = [{"Key": key, "Value": value} for key, value in record.tags]
    return _answer(record, {"TagSet": tag_set})


def _set_tags(ctx: Context, params: Params, tags: tuple[tuple[str, str], ...]) -> ObjectRecord:
    def change(record: ObjectRecord) -> ObjectRecord:
        return replace(record, tags=tags)

    with refused_on_markers():
        return ctx.store.rewrite_object(
            params["Bucket"], params["Key"], params.get("VersionId"), change
        )


def put_object_tagging(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html

    Replaces the whole tag set of the current version, or of ``versionId``.
    """
    tagging: dict[str, Any] | None = params.get("Tagging")
    if tagging is None:
        raise MalformedXML()
    tags = check_object_tags(tag_pairs(tagging))
    return _answer(_set_tags(ctx, params, tags), {})


def delete_object_tagging(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html"""
    return _answer(_set_tags(ctx, params, ()), {})


HANDLERS: dict[str, Handler] = {
    "GetObjectTagging": get_object_tagging,
    "PutObjectTagging": put_object_tagging,
    "DeleteObjectTagging": delete_object_tagging,
}
