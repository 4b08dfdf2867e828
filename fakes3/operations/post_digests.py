"""The digests a POST upload's form may carry: ``Content-MD5`` and one ``x-amz-checksum-*``.

As on PutObject, S3 checks them against the file it received and stores nothing if one does
not match; the checksum's algorithm becomes the object's. Malformed values are refused before
any byte is read.
https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
"""

from __future__ import annotations

import hashlib
from typing import Any

from fakes3.errors import BadDigest, InvalidRequest
from fakes3.protocol import checksums
from fakes3.store.blobs import Readable


class FormDigests:
    """The form's digests; ``wrap(source)`` checks the file against them as it is read."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.checks: list[tuple[Any, bytes, str | None]] = []  # (hasher, expected, message)
        self.algorithm: str | None = None
        md5 = fields.get("content-md5")
        if md5 is not None:
            expected = checksums.decode_md5(md5)
            self.checks.append((hashlib.md5(), expected, None))  # BadDigest's own message
        sent = [
            (algorithm, value)
            for name, value in fields.items()
            if (algorithm := checksums.algorithm_from_header(name)) is not None
        ]
        if len(sent) > 1:
            raise InvalidRequest(
                "Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                "allowed."
            )
        if sent:
            algorithm, value = sent[0]
            expected = checksums.decode_value(algorithm, value)
            message = f"The {algorithm} you specified did not match the calculated checksum."
            self.checks.append((checksums.new_checksum(algorithm), expected, message))
            self.algorithm = algorithm

    def wrap(self, source: Readable) -> Readable:
        return _Checked(source, self.checks) if self.checks else source


class _Checked:
    """Reads through ``source``; at its end, BadDigest unless every digest matched."""

    def __init__(self, source: Readable, checks: list[tuple[Any, bytes, str | None]]) -> None:
        self._source = source
        self._checks = checks

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        if data:
            for hasher, _expected, _what in self._checks:
                hasher.update(data)
            return data
        for hasher, expected, message in self._checks:
            if hasher.digest() != expected:
                raise BadDigest(message) if message else BadDigest()
        return data
