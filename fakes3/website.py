"""The website endpoint: ``BUCKET.s3-website.<base-domain>`` serves a bucket as web pages.

Not yet served: requests to a website host answer NotImplemented.
"""

from __future__ import annotations

from collections.abc import Mapping

from fakes3.errors import NotImplementedByFakeS3
from fakes3.protocol.serializing import WireResponse
from fakes3.store import Store


def website_bucket(host: str, base_domain: str) -> str | None:
    """The bucket a website-endpoint host names, or None for an S3 REST host."""
    return None


def serve(
    store: Store, method: str, bucket: str, raw_path: str, headers: Mapping[str, str]
) -> WireResponse:
    """A website request: index and error documents, redirects, routing rules."""
    raise NotImplementedByFakeS3("fakes3 does not serve website endpoints yet.")
