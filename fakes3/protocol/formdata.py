"""``multipart/form-data`` request bodies (browser POST uploads), parsed as they stream in.

S3's POST object form puts every field before the ``file`` part and ignores what follows it,
so the parser reads the fields into memory (bounded: S3 allows 20 KB of them) and then hands
out the file part as a stream that ends at the next boundary; the file is never held whole.
Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
"""

from __future__ import annotations

from email.message import Message
from typing import Protocol

from fakes3.errors import MalformedPOSTRequest, MaxPostPreDataLengthExceededError

MAX_FIELDS_BYTES = 20 * 1024
MAX_PART_HEADER = 8 * 1024
_READ = 64 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def boundary_of(content_type: str) -> bytes:
    """The ``boundary`` parameter of a multipart/form-data Content-Type."""
    message = Message()
    message["content-type"] = content_type
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary or len(boundary) > 200:
        raise MalformedPOSTRequest()
    return boundary.encode("latin-1")


def _disposition(headers: bytes) -> tuple[str, str | None, str | None]:
    """(field name, filename or None, part Content-Type or None) of one part's headers."""
    message = Message()
    for line in headers.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if colon:
            message[name.decode("latin-1").strip()] = value.decode("utf-8", "replace").strip()
    field = message.get_param("name", header="content-disposition")
    if not isinstance(field, str):
        raise MalformedPOSTRequest()
    filename = message.get_param("filename", header="content-disposition")
    return field, filename if isinstance(filename, str) else None, message.get("content-type")


class FormData:
    """Reads ``fields`` up to the file part, then ``file`` streams the file's bytes."""

    def __init__(self, source: Readable, boundary: bytes) -> None:
        self._source = source
        self._delimiter = b"\r\n--" + boundary
        self._buffer = b"\r\n"  # so the first boundary looks like every other one
        self._eof = False
        self._part_done = False
        self.fields: list[tuple[str, str]] = []
        self.filename: str | None = None
        self.file_content_type: str | None = None
        self.has_file = False

    # -- buffer --------------------------------------------------------------------------------

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._source.read(_READ)
        if not data:
            self._eof = True
            return False
        self._buffer += data
        return True

    def _skip_to_boundary(self) -> None:
        """Discard the preamble (or the rest of a part) up to and including a delimiter."""
        while True:
            index = self._buffer.find(self._delimiter)
            if index >= 0:
                self._buffer = self._buffer[index + len(self._delimiter) :]
                return
            self._buffer = self._buffer[-len(self._delimiter) :]
            if not self._fill():
                raise MalformedPOSTRequest()

    def _next_part(self) -> bytes | None:
        """After a delimiter: the next part's headers, or None at the closing ``--``."""
        while len(self._buffer) < 2:
            if not self._fill():
                raise MalformedPOSTRequest()
        if self._buffer.startswith(b"--"):
            return None
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end >= 0:
                headers = self._buffer[:end]
                self._buffer = self._buffer[end + 4 :]
                if headers.startswith(b"\r\n"):
                    headers = headers[2:]
                return headers
            if len(self._buffer) > MAX_PART_HEADER or not self._fill():
                raise MalformedPOSTRequest()

    # -- parts ---------------------------------------------------------------------------------

    def read_fields(self) -> None:
        """Every field before the file part (or all of them if there is none)."""
        self._skip_to_boundary()
        total = 0
        while (headers := self._next_part()) is not None:
            name, filename, content_type = _disposition(headers)
            if name.lower() == "file":
                self.has_file = True
                self.filename = filename or ""
                self.file_content_type = content_type
                return
            value = self._read_value(MAX_FIELDS_BYTES - total)
            total += len(name) + len(value)
            self.fields.append((name, value.decode("utf-8", "replace")))

    def _read_value(self, limit: int) -> bytes:
        while True:
            index = self._buffer.find(self._delimiter)
            if index >= 0:
                value = self._buffer[:index]
                self._buffer = self._buffer[index + len(self._delimiter) :]
                if len(value) > limit:
                    raise MaxPostPreDataLengthExceededError()
                return value
            if len(self._buffer) > limit + len(self._delimiter) or limit <= 0:
                raise MaxPostPreDataLengthExceededError()
            if not self._fill():
                raise MalformedPOSTRequest()

    def read(self, size: int = -1) -> bytes:
        """The file part's bytes, up to ``size``; ``b""`` at its closing boundary."""
        if self._part_done or not self.has_file:
            return b""
        size = _READ if size is None or size < 0 else size
        keep = len(self._delimiter) - 1
        while True:
            index = self._buffer.find(self._delimiter)
            if index >= 0:
                if index == 0:
                    self._buffer = self._buffer[len(self._delimiter) :]
                    self._part_done = True
                    return b""
                take = min(index, size)
            else:
                take = min(len(self._buffer) - keep, size)
            if take > 0:
                data = self._buffer[:take]
                self._buffer = self._buffer[take:]
                return data
            if not self._fill():
                raise MalformedPOSTRequest()
