"""What an Id-keyed declaration adds to Get/Put/Delete: the List handler and S3's Id checks.

AWS's analytics, inventory, metrics and intelligent-tiering configurations are many per
bucket, each named by the ``id`` query parameter and stored as ``"<family>/<Id>"``. S3 checks
the Id's syntax, that the document names the same Id, and a per-bucket count; ListX answers
them sorted by Id, ``page_size`` at a time, with an opaque continuation token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes3.errors import InvalidArgument, MalformedXML, TooManyConfigurations
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.operations.tokens import decode_token, encode_token
from fakes3.protocol.model import load_model

if TYPE_CHECKING:
    from fakes3.operations.config.declaration import BucketConfig


def check_id(config: BucketConfig, params: Params) -> None:
    """The request's ``id`` must be a valid configuration Id."""
    config_id = params.get("Id")
    if config_id is None:
        raise InvalidArgument("Configuration ID is required", ArgumentName="id")
    if config.id_pattern is not None and not config.id_pattern.fullmatch(config_id):
        raise InvalidArgument(
            "The configuration ID is not valid: it may have 1 to 64 letters, digits, "
            "periods, dashes and underscores",
            ArgumentName="id",
            ArgumentValue=config_id,
        )


def check_body_id(config: BucketConfig, params: Params, document: Any) -> None:
    """The document's ``Id`` (required by the model) must be the request's ``id``."""
    body_id = document.get("Id") if isinstance(document, dict) else None
    if body_id is None:
        raise MalformedXML()
    if body_id != params["Id"]:
        raise config.id_mismatch()


def check_room(config: BucketConfig, ctx: Context, bucket: str, params: Params) -> None:
    """A new Id past ``max_count`` is TooManyConfigurations; replacing one never is."""
    if config.max_count is None:
        return
    if ctx.store.configs.get(bucket, config.store_name(params)) is not None:
        return  # a replacement (the store caches single documents: no listing needed)
    if len(ctx.store.configs.list(bucket, config.name + "/")) >= config.max_count:
        raise TooManyConfigurations()


def _list_member(operation: str) -> str:
    """The output member holding the configurations (``InventoryConfigurationList``…)."""
    model = load_model()
    shape_name = model.output_shape(operation)
    if shape_name is None:
        raise ValueError(f"{operation} has no output")
    for member in model.members(shape_name):
        if member.type == "list":
            return member.name
    raise ValueError(f"{operation} has no list member")


def list_handler(config: BucketConfig) -> Handler:
    """ListX: the family's configurations sorted by Id, ``config.page_size`` per page."""
    operation = config.list or ""
    member = _list_member(operation)
    prefix = config.name + "/"

    def handler(ctx: Context, params: Params) -> Output:
        stored = ctx.store.configs.list(params["Bucket"], prefix)
        token = params.get("ContinuationToken")
        if token is not None:
            after = decode_token(token)
            stored = [(name, value) for name, value in stored if name[len(prefix) :] > after]
        page = stored[: config.page_size]
        truncated = len(stored) > len(page)
        output: Output = {"IsTruncated": truncated, member: [value for _, value in page]}
        if token is not None:
            output["ContinuationToken"] = token
        if truncated:
            output["NextContinuationToken"] = encode_token(page[-1][0][len(prefix) :])
        return output

    handler.__name__ = handler.__qualname__ = "".join(
        "_" + c.lower() if c.isupper() else c for c in operation
    ).lstrip("_")
    handler.__doc__ = f"https://docs.aws.amazon.com/AmazonS3/latest/API/API_{operation}.html"
    return handler
