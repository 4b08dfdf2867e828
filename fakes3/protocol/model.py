"""Load botocore's S3 service model once and give typed access to its shapes.

The model (``botocore/data/s3/2006-03-01/service-2.json``) is the single source of truth for the
wire format: routes, which member is a header, query parameter, URI label or XML element, and
every XML name. Everything in ``fakes3.protocol`` is compiled from it at first use.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
from dataclasses import dataclass
from typing import Any

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"

Shape = dict[str, Any]


@dataclass(frozen=True)
class Member:
    """One member of a structure shape, with where it travels on the wire."""

    name: str
    shape_name: str
    type: str
    location: str | None  # "uri" | "querystring" | "header" | "headers" | "statusCode" | None
    wire_name: str  # header / query / label name, or the XML element name
    flattened: bool
    xml_attribute: bool
    timestamp_format: str | None
    streaming: bool


class ServiceModel:
    """The parts of the S3 model fakes3 needs, with members resolved once per shape."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.metadata: dict[str, Any] = raw["metadata"]
        self.operations: dict[str, dict[str, Any]] = raw["operations"]
        self.shapes: dict[str, Shape] = raw["shapes"]
        self._members: dict[str, tuple[Member, ...]] = {}

    def shape(self, name: str) -> Shape:
        return self.shapes[name]

    def members(self, shape_name: str) -> tuple[Member, ...]:
        """The members of a structure, in model order, resolved (cached)."""
        cached = self._members.get(shape_name)
        if cached is None:
            shape = self.shapes[shape_name]
            cached = tuple(
                self._member(name, spec) for name, spec in shape.get("members", {}).items()
            )
            self._members[shape_name] = cached
        return cached

    def _member(self, name: str, spec: dict[str, Any]) -> Member:
        target = self.shapes[spec["shape"]]
        return Member(
            name=name,
            shape_name=spec["shape"],
            type=target["type"],
            location=spec.get("location"),
            wire_name=spec.get("locationName", name),
            flattened=bool(spec.get("flattened") or target.get("flattened", False)),
            xml_attribute=bool(spec.get("xmlAttribute", False)),
            timestamp_format=spec.get("timestampFormat") or target.get("timestampFormat"),
            streaming=bool(spec.get("streaming") or target.get("streaming")),
        )

    def input_shape(self, operation: str) -> str | None:
        spec = self.operations[operation].get("input")
        return spec["shape"] if spec else None

    def output_shape(self, operation: str) -> str | None:
        spec = self.operations[operation].get("output")
        return spec["shape"] if spec else None


def model_path() -> str:
    """Where botocore keeps the S3 model on this machine."""
    import botocore

    base = os.path.join(os.path.dirname(botocore.__file__), "data", "s3", "2006-03-01")
    return os.path.join(base, "service-2.json.gz")


@functools.cache
def load_model() -> ServiceModel:
    """Read and parse the model (about 30 ms); every later call returns the same object."""
    path = model_path()
    if os.path.exists(path):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return ServiceModel(json.load(fh))
    with open(path[: -len(".gz")], encoding="utf-8") as fh:
        return ServiceModel(json.load(fh))
