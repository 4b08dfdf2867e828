"""Bucket policies and Block Public Access: the configurations the access decision reads.

- PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy: the policy stored as sent (S3 gives
  back the text), after ``fakes3.auth.policy.parse`` accepts it; refused with AccessDenied
  when BlockPublicPolicy is on and the policy is public.
- GetBucketPolicyStatus: ``IsPublic`` as Block Public Access defines public.
- Put/Get/DeletePublicAccessBlock: the four switches. A bucket never configured answers all
  four on (S3's default for new buckets since April 2023); after DeletePublicAccessBlock it
  answers ``NoSuchPublicAccessBlockConfiguration`` and nothing is blocked.

Who may call these is decided before the handler (``fakes3/auth/authorize.py``).
"""

from __future__ import annotations

from typing import Any

from fakes3.auth.authorize import (
    BLOCK_SWITCHES,
    NEW_BUCKET_BLOCK,
    POLICY,
    PUBLIC_ACCESS_BLOCK,
    public_access_block,
)
from fakes3.auth.policy import cached, parse
from fakes3.auth.public import is_public
from fakes3.errors import (
    AccessDenied,
    InvalidRequest,
    MalformedPolicy,
    MalformedXML,
    NoSuchBucketPolicy,
    NoSuchPublicAccessBlockConfiguration,
)
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Context, Handler, Output, Params


def _policy_text(document: Any) -> str:
    if isinstance(document, bytes):
        try:
            return document.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedPolicy("This policy contains invalid Json") from None
    return str(document)


def _validate(ctx: Context, params: Params, document: Any) -> dict[str, Any]:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html"""
    bucket = params["Bucket"]
    text = _policy_text(document)
    policy = parse(text, bucket)
    if public_access_block(ctx.store, bucket).get("BlockPublicPolicy") and is_public(policy):
        account = ctx.account or ctx.accounts.default
        raise AccessDenied(
            f"User: arn:aws:iam::{account.account_id}:user/{account.display_name} is not "
            f'authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::{bucket}" '
            "because public policies are blocked by the BlockPublicPolicy block public access "
            "setting."
        )
    return {"Text": text, "ConfirmRemoveSelf": bool(params.get("ConfirmRemoveSelfBucketAccess"))}


_POLICY = BucketConfig(
    name=POLICY,
    get="GetBucketPolicy",
    put="PutBucketPolicy",
    delete="DeleteBucketPolicy",
    missing=NoSuchBucketPolicy,
    validate=_validate,
    empty=MalformedPolicy,
    put_status=204,  # as S3 answers (the model names no status)
)
_POLICY_HANDLERS = _POLICY.handlers()


def get_bucket_policy(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html"""
    stored = _POLICY.read(ctx, params["Bucket"])
    if stored is None:
        raise NoSuchBucketPolicy(BucketName=params["Bucket"])
    return {"Policy": stored["Text"]}


def get_bucket_policy_status(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicyStatus.html

    Without a policy S3 answers NoSuchBucketPolicy.
    """
    bucket = params["Bucket"]
    stored = _POLICY.read(ctx, bucket)
    if stored is None:
        raise NoSuchBucketPolicy(BucketName=bucket)
    return {"PolicyStatus": {"IsPublic": is_public(cached(stored["Text"], bucket))}}


def _validate_block(_ctx: Context, _params: Params, document: Any) -> dict[str, bool]:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html: a
    switch left out is off, but a configuration naming none is refused (S3 answers
    InvalidRequest, as moto's AWS-checked tests and aws-sdk-rust#819 saw it)."""
    if document is None or document == {}:
        raise InvalidRequest("Must specify at least one configuration.")
    if not isinstance(document, dict):
        raise MalformedXML()
    if not any(name in document for name in BLOCK_SWITCHES):
        raise InvalidRequest("Must specify at least one configuration.")
    return {name: bool(document.get(name, False)) for name in BLOCK_SWITCHES}


_BLOCK = BucketConfig(
    name=PUBLIC_ACCESS_BLOCK,
    get="GetPublicAccessBlock",
    put="PutPublicAccessBlock",
    delete="DeletePublicAccessBlock",
    validate=_validate_block,
)
_BLOCK_HANDLERS = _BLOCK.handlers()


def get_public_access_block(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html"""
    bucket = params["Bucket"]
    stored = _BLOCK.read(ctx, bucket)
    if stored is None:
        stored = NEW_BUCKET_BLOCK
    if not stored:
        raise NoSuchPublicAccessBlockConfiguration(BucketName=bucket)
    return {"PublicAccessBlockConfiguration": dict(stored)}


def delete_public_access_block(ctx: Context, params: Params) -> Output:
    """https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html

    Stored as an empty document: "no configuration", unlike a bucket never configured.
    """
    bucket = params["Bucket"]
    ctx.store.get_bucket(bucket)
    ctx.store.configs.put(bucket, PUBLIC_ACCESS_BLOCK, {})
    return {}


HANDLERS: dict[str, Handler] = {
    **_POLICY_HANDLERS,
    "GetBucketPolicy": get_bucket_policy,
    "GetBucketPolicyStatus": get_bucket_policy_status,
    **_BLOCK_HANDLERS,
    "GetPublicAccessBlock": get_public_access_block,
    "DeletePublicAccessBlock": delete_public_access_block,
}
