"""What a successful response says a request changed, for event notifications: the version
a header names, the key a browser form upload wrote, the keys a DeleteObjects removed."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from fakes3.errors import S3Error
from fakes3.protocol.parsing import read_document
from fakes3.protocol.serializing import WireResponse


def header(response: WireResponse, name: str) -> str | None:
    for each, value in response.headers:
        if each.lower() == name:
            return value
    return None


def query_version(query: Any) -> str | None:
    value = query.get("versionId") if hasattr(query, "get") else None
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def posted_key(response: WireResponse, bucket: str, path: str) -> str | None:
    """The key a form upload wrote, from its ``Location`` (or the redirect's ``key=``)."""
    location = header(response, "location")
    if location is None:
        return None
    parts = urlsplit(location)
    if response.status == 303:
        keys = parse_qs(parts.query).get("key")
        return keys[-1] if keys else None
    key_path = parts.path
    if path.rstrip("/") == f"/{bucket}":  # path-style: /bucket/key
        key_path = key_path.removeprefix(f"/{bucket}")
    return unquote(key_path.removeprefix("/"))


def batch_deleted(response: WireResponse, bucket: str) -> list[tuple[str, str, str, str | None]]:
    """(event, bucket, key, version) of each key a DeleteObjects answer reports deleted."""
    if not isinstance(response.body, bytes):
        return []
    try:
        result = read_document("DeleteObjectsOutput", response.body, "DeleteResult")
    except S3Error:
        return []
    entries = result.get("Deleted") or []
    found: list[tuple[str, str, str, str | None]] = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("Key"):
            continue
        marker = str(entry.get("DeleteMarker", "")).lower() == "true"
        if marker and entry.get("VersionId") is None:
            name = "s3:ObjectRemoved:DeleteMarkerCreated"
            version = entry.get("DeleteMarkerVersionId")
        else:
            name, version = "s3:ObjectRemoved:Delete", entry.get("VersionId")
        found.append((name, bucket, str(entry["Key"]), version))
    return found
