"""The root of the error tree: every S3 error is an ``S3Error`` with a code and a status."""

from __future__ import annotations

from typing import Any, ClassVar


class S3Error(Exception):
    """An S3 error response: ``code`` and ``status`` are fixed, the message may be overridden."""

    code: ClassVar[str] = "InternalError"
    status: ClassVar[int] = 500
    message: ClassVar[str] = "We encountered an internal error. Please try again."
    bodyless: ClassVar[bool] = False  # answered with its status and headers only

    def __init__(self, message: str | None = None, /, **fields: object) -> None:
        self.text = message if message is not None else self.message
        self.fields: dict[str, str] = {k: str(v) for k, v in fields.items() if v is not None}
        self.headers: dict[str, str] = {}
        self.members: dict[str, Any] = {}
        super().__init__(f"{self.code}: {self.text}")

    def with_headers(self, **headers: str) -> S3Error:
        """Attach response headers (e.g. ``x-amz-delete-marker``) and return self for ``raise``."""
        self.headers.update(headers)
        return self

    def with_members(self, **members: Any) -> S3Error:
        """Attach output members (model names: ``DeleteMarker``, ``VersionId``,
        ``LastModified``, ``ETag``) that the protocol layer sends as headers of this error, as
        GetObject's would be; layers below ``protocol/`` use this, never ``with_headers``."""
        self.members.update(members)
        return self
