"""A bucket configuration as a declaration, and the Get/Put/Delete handlers made from it.

Most of S3's bucket sub-resources are a document stored whole: PutBucketCors stores a CORS
configuration, GetBucketCors answers it or ``NoSuchCORSConfiguration``, DeleteBucketCors
forgets it. A feature module declares that once::

    CORS = BucketConfig(
        name="cors",
        get="GetBucketCors", put="PutBucketCors", delete="DeleteBucketCors",
        missing=NoSuchCORSConfiguration,
        validate=validate_cors,
    )
    HANDLERS = CORS.handlers()

and gets three handlers (four with ``keyed=True``, the Id-keyed families: List too, see
``keyed_handlers.py``): the model says which member carries the document (the Put input's
payload; the Get output's payload, or its members when it has none), the store's
configuration port (``fakes3.store.bucket_configs``) keeps it, and bad documents raise the
validator's S3 error before anything is stored, so the previous configuration stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakes3.errors import MalformedXML, S3Error
from fakes3.operations.config.keyed_handlers import (
    check_body_id,
    check_id,
    check_room,
    list_handler,
)
from fakes3.operations.context import Context, Handler, Output, Params
from fakes3.protocol.model import load_model
from fakes3.protocol.serializing import STATUS

Validator = Callable[[Context, Params, Any], Any]
"""``(ctx, params, document) -> value to store``; raises S3's error for a bad document."""


def _as_sent(_ctx: Context, _params: Params, document: Any) -> Any:
    return document


def _payload(shape_name: str | None) -> str | None:
    if shape_name is None:
        return None
    payload = load_model().shape(shape_name).get("payload")
    return str(payload) if payload else None


@dataclass(frozen=True)
class BucketConfig:
    """One bucket configuration: its store name, its model operations, its rules.

    - ``name``: the store's name for it (``"cors"``); with ``keyed`` the store name is
      ``"<name>/<Id>"`` and the operations take S3's ``id`` query parameter.
    - ``missing``: the error GetX raises when nothing is stored, called with the bucket name
      (``BucketName`` field); None to answer ``default`` instead.
    - ``default``: what GetX answers when nothing is stored (S3's defaults, e.g. SSE-S3
      encryption for every bucket since 2023), given the context and bucket name.
    - ``validate``: checks PutX's document and returns the value to store; None when the
      document clears the configuration (an empty TagSet deletes the bucket's tags).
    - ``empty``: the error for a PutX without a document.

    Id-keyed families only (``keyed=True``; AWS's analytics, inventory, metrics and
    intelligent-tiering configurations):

    - ``list``: the ListX operation, answered in pages of ``page_size`` sorted by Id, with an
      opaque ``ContinuationToken``;
    - ``max_count``: how many Ids a bucket may hold (``TooManyConfigurations`` for a new one
      past it; replacing an existing Id is always allowed);
    - ``id_pattern``: the Ids PutX accepts (``InvalidArgument`` otherwise);
    - ``id_mismatch``: the error when the document's ``Id`` is not the request's ``id``;
    - a DeleteX of an absent Id answers ``missing`` as GetX does (S3 does not treat it as done).
    """

    name: str
    get: str
    put: str
    delete: str | None = None
    missing: Callable[..., S3Error] | None = None
    default: Callable[[Context, str], Any] | None = None
    validate: Validator = _as_sent
    empty: Callable[[], S3Error] = MalformedXML
    put_status: int | None = None  # S3's status for PutX when the model says none (204)
    keyed: bool = False
    list: str | None = None
    page_size: int = 100
    max_count: int | None = None
    id_pattern: re.Pattern[str] | None = None
    id_mismatch: Callable[[], S3Error] = MalformedXML

    def store_name(self, params: Params) -> str:
        """``name``, or ``name/<Id>`` for a keyed family (the ``id`` query parameter)."""
        if not self.keyed:
            return self.name
        config_id = params["Id"]
        return f"{self.name}/{config_id}"

    def read(self, ctx: Context, bucket: str, params: Params | None = None) -> Any | None:
        """The stored value (as the consistency view serves it), or None: for the seams."""
        name = self.store_name(params or {}) if self.keyed else self.name
        return ctx.store.configs.get(bucket, name)

    def _missing(self, bucket: str) -> S3Error:
        """The missing-configuration error; the Id-keyed families' NoSuchConfiguration names no
        bucket (AWS: LocalStack's validated test_put_bucket_metrics_configuration)."""
        missing = self.missing
        if missing is None:
            raise TypeError(f"{self.name} answers a default, not an error")
        return missing() if self.keyed else missing(BucketName=bucket)

    def handlers(self) -> dict[str, Handler]:
        model = load_model()
        put_member = _payload(model.input_shape(self.put))
        get_member = _payload(model.output_shape(self.get))
        if put_member is None:
            raise ValueError(f"{self.put} has no payload member to store")

        def get_handler(ctx: Context, params: Params) -> Output:
            bucket = params["Bucket"]
            value = ctx.store.configs.get(bucket, self.store_name(params))
            if value is None:
                if self.missing is not None:
                    raise self._missing(bucket)
                value = self.default(ctx, bucket) if self.default is not None else {}
            return {get_member: value} if get_member else dict(value)

        def put_handler(ctx: Context, params: Params) -> Output:
            bucket = params["Bucket"]
            ctx.store.get_bucket(bucket)  # NoSuchBucket before a bad document
            document = params.get(put_member)
            if document is None:
                raise self.empty()
            if self.keyed:
                check_id(self, params)
            value = self.validate(ctx, params, document)
            if self.keyed:
                check_body_id(self, params, document)
                check_room(self, ctx, bucket, params)
            if value is None:
                ctx.store.configs.delete(bucket, self.store_name(params))
            else:
                ctx.store.configs.put(bucket, self.store_name(params), value)
            return {STATUS: self.put_status} if self.put_status else {}

        def delete_handler(ctx: Context, params: Params) -> Output:
            bucket = params["Bucket"]
            removed = ctx.store.configs.delete(bucket, self.store_name(params))
            if not removed and self.keyed and self.missing is not None:
                raise self._missing(bucket)
            return {}

        for handler, operation in (
            (get_handler, self.get),
            (put_handler, self.put),
            (delete_handler, self.delete),
        ):
            handler.__name__ = handler.__qualname__ = _snake(operation or "")
            handler.__doc__ = (
                f"https://docs.aws.amazon.com/AmazonS3/latest/API/API_{operation}.html"
            )
        found: dict[str, Handler] = {self.get: get_handler, self.put: put_handler}
        if self.delete is not None:
            found[self.delete] = delete_handler
        if self.list is not None:
            found[self.list] = list_handler(self)
        return found


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
