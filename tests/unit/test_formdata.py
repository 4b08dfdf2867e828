"""The streamed multipart/form-data parser: fields, then the file part, at any read size."""

from __future__ import annotations

import io
import os

import pytest

from fakes3.errors import MalformedPOSTRequest, MaxPostPreDataLengthExceededError
from fakes3.protocol.formdata import FormData, boundary_of

BOUNDARY = "----form-boundary-1234"


class Trickle(io.BytesIO):
    """A stream that returns at most ``step`` bytes per read, as a slow socket might."""

    def __init__(self, data: bytes, step: int) -> None:
        super().__init__(data)
        self.step = step

    def read(self, size: int | None = -1) -> bytes:
        return super().read(self.step if size is None or size < 0 else min(size, self.step))


def form(fields: list[tuple[str, str]], file: bytes | None, after: bytes = b"") -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    if file is not None:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a b.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + file
            + b"\r\n"
        )
    return b"preamble\r\n" + b"".join(parts) + after + f"--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize("step", [1, 7, 100, 70000])
def test_fields_then_streamed_file(step: int) -> None:
    data = os.urandom(5000) + b"\r\n--" + BOUNDARY.encode()[:-1] + b"\r\n"
    body = form([("key", "k/${filename}"), ("x-amz-meta-a", "é")], data)
    parsed = FormData(Trickle(body, step), BOUNDARY.encode())
    parsed.read_fields()
    assert parsed.fields == [("key", "k/${filename}"), ("x-amz-meta-a", "é")]
    assert (parsed.has_file, parsed.filename, parsed.file_content_type) == (
        True,
        "a b.txt",
        "text/plain",
    )
    chunks = iter(lambda: parsed.read(1000), b"")
    assert b"".join(chunks) == data


def test_no_file() -> None:
    parsed = FormData(io.BytesIO(form([("key", "k")], None)), BOUNDARY.encode())
    parsed.read_fields()
    assert (parsed.fields, parsed.has_file, parsed.read()) == ([("key", "k")], False, b"")


def test_too_many_field_bytes() -> None:
    parsed = FormData(io.BytesIO(form([("big", "x" * 21000)], b"f")), BOUNDARY.encode())
    with pytest.raises(MaxPostPreDataLengthExceededError):
        parsed.read_fields()


@pytest.mark.parametrize("body", [b"", b"no boundary at all", f"--{BOUNDARY}\r\nbroken".encode()])
def test_malformed(body: bytes) -> None:
    with pytest.raises(MalformedPOSTRequest):
        FormData(io.BytesIO(body), BOUNDARY.encode()).read_fields()


def test_truncated_file() -> None:
    body = form([("key", "k")], b"data")[:-30]
    parsed = FormData(io.BytesIO(body), BOUNDARY.encode())
    parsed.read_fields()
    with pytest.raises(MalformedPOSTRequest):
        while parsed.read(10):
            pass


def test_boundary_of() -> None:
    assert boundary_of(f'multipart/form-data; boundary="{BOUNDARY}"') == BOUNDARY.encode()
    with pytest.raises(MalformedPOSTRequest):
        boundary_of("multipart/form-data")
