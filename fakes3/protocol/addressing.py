"""Undo S3 addressing: which bucket and key a request names, path or virtual-host style.

Virtual-host style puts the bucket in the Host header: ``bucket.localhost:9000``,
``bucket.s3.<base domain>``, ``bucket.s3.us-west-2.amazonaws.com``. Anything else — an IP
address, the base domain itself, an unknown name such as a container's service name — is path
style: ``/bucket/key``. Keys are taken from the raw request URI so ``%2F``, ``//`` and a
trailing ``/`` survive exactly.
"""

from __future__ import annotations

import functools
import ipaddress
from urllib.parse import unquote_to_bytes

from fakes3.errors import InvalidURI


def hostname(host: str) -> str:
    """The Host header without its port, lower-cased (IPv6 brackets removed)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=1024)  # a pure function of a few distinct Host values
def bucket_from_host(name: str, base_domain: str) -> str | None:
    """The bucket a virtual-host-style Host names, or None for path style."""
    if not name or _is_ip(name):
        return None
    if name.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        labels = name.split(".")
        for index in range(len(labels) - 1, -1, -1):
            label = labels[index]
            if label == "s3" or label.startswith("s3-"):
                return ".".join(labels[:index]) or None
        return None
    base = base_domain.lower()
    if name == base or not name.endswith("." + base):
        return None
    prefix = name[: -len(base) - 1]
    if prefix == "s3":
        return None
    return prefix[:-3] if prefix.endswith(".s3") else prefix


@functools.lru_cache(maxsize=256)
def region_from_host(name: str) -> str | None:
    """The region an AWS S3 endpoint host stands for (``s3.eu-west-1.amazonaws.com``,
    ``bucket.s3-eu-west-1.amazonaws.com``; ``s3.amazonaws.com`` is us-east-1), else None."""
    suffix = ".amazonaws.com.cn" if name.endswith(".amazonaws.com.cn") else ".amazonaws.com"
    if not name.endswith(suffix):
        return None
    labels = name[: -len(suffix)].split(".")
    for index in range(len(labels) - 1, -1, -1):
        label = labels[index]
        if label.startswith("s3-"):
            return "us-east-1" if label == "s3-external-1" else label[3:]
        if label == "s3":
            named = [part for part in labels[index + 1 :] if part not in ("dualstack", "fips")]
            return named[0] if named else "us-east-1"
    return None


def decode_path(raw_path: str) -> str:
    """Percent-decode a raw URI path as UTF-8; InvalidURI if it is not valid UTF-8."""
    try:
        return unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidURI() from exc


def raw_path_of(request_uri: str) -> str:
    """The path part of a request-target, which may be in absolute form."""
    path = request_uri.partition("?")[0]
    if "://" in path[:10]:
        rest = path.partition("://")[2]
        slash = rest.find("/")
        path = rest[slash:] if slash >= 0 else "/"
    return path or "/"


def resolve(host: str, path: str, base_domain: str) -> tuple[str | None, str | None]:
    """``(bucket, key)`` named by a Host header and a decoded path; either may be None."""
    return _split(bucket_from_host(hostname(host), base_domain), path)


class Addressed:
    """One request's addressing, worked out once when first asked (authentication asks for
    the bucket's region and SigV2 for the Host's bucket; the app then for both names)."""

    __slots__ = ("_host", "_raw_path", "_base_domain", "_host_bucket", "_names")

    def __init__(self, host: str, raw_path: str, base_domain: str) -> None:
        self._host, self._raw_path, self._base_domain = host, raw_path, base_domain
        self._host_bucket: tuple[str | None] | None = None
        self._names: tuple[str | None, str | None] | None = None

    def host_bucket(self) -> str | None:
        """The bucket a virtual-host-style Host names (None for path style)."""
        if self._host_bucket is None:
            self._host_bucket = (bucket_from_host(hostname(self._host), self._base_domain),)
        return self._host_bucket[0]

    def names(self) -> tuple[str | None, str | None]:
        """``(bucket, key)``, as ``resolve``; InvalidURI if the path is not UTF-8."""
        if self._names is None:
            self._names = _split(self.host_bucket(), decode_path(self._raw_path))
        return self._names


def _split(bucket: str | None, path: str) -> tuple[str | None, str | None]:
    if bucket is not None:
        key = path[1:] if path.startswith("/") else path
        return bucket, key or None
    trimmed = path[1:] if path.startswith("/") else path
    if not trimmed:
        return None, None
    name, slash, key = trimmed.partition("/")
    return name, (key or None) if slash else None


def climbs_out(key: str) -> bool:
    """Whether ``..`` segments in ``key`` climb above it, as URL dot-segment removal would
    (``../x``, ``a/../../x``, ``..``); ``a/../b`` stays inside and is a key like any other."""
    if ".." not in key:
        return False
    depth = 0
    for segment in key.split("/"):
        if segment == "..":
            depth -= 1
            if depth < 0:
                return True
        elif segment != ".":
            depth += 1
    return False
