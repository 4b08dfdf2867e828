"""The XML documents the model's operations carry as payloads: what the XML tests walk."""

from __future__ import annotations

from fakes3.protocol.model import load_model

MODEL = load_model()


def structure_payloads(direction: str) -> set[tuple[str, str]]:
    """(shape, root element) of every structure payload of a request (``direction`` "input")
    or a response ("output")."""
    shape_of = MODEL.input_shape if direction == "input" else MODEL.output_shape
    found: set[tuple[str, str]] = set()
    for operation in MODEL.operations:
        shape_name = shape_of(operation)
        if not shape_name:
            continue
        shape = MODEL.shape(shape_name)
        for member in MODEL.members(shape_name):
            if member.name == shape.get("payload") and member.type == "structure":
                spec = shape["members"][member.name]
                found.add((member.shape_name, spec.get("locationName", member.name)))
    return found


PAYLOADS = sorted(structure_payloads("input"))
"""(shape, root element) of every operation whose request body is an XML structure."""
