"""The website endpoint: a bucket with a website configuration served as web pages.

A request is for the website endpoint when its Host names one —
``BUCKET.s3-website.<base-domain>``, ``BUCKET.s3-website-<region>.<base-domain>``,
``BUCKET.s3-website.<region>.<base-domain>`` or the same under ``amazonaws.com`` — or when its
path is the local form ``/_fakes3/website/BUCKET/<key>``, which needs no DNS. ``website_bucket``
decides that on every request with a few string operations; ``serve`` answers it as S3's
website endpoint does: no signature, GET and HEAD only, index documents, error documents,
redirects and routing rules (``website_rules.py``), and HTML error pages.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes3.errors import (
    InvalidRequest,
    MethodNotAllowed,
    NoSuchKey,
    NoSuchWebsiteConfiguration,
    S3Error,
)
from fakes3.operations.attributes import representation
from fakes3.operations.conditions import check_read_conditions, parse_range
from fakes3.operations.restore import check_readable
from fakes3.protocol.addressing import decode_path, hostname
from fakes3.protocol.dates import parse_http_date
from fakes3.protocol.serializing import STATUS, WireResponse, default_serializer
from fakes3.store import Store
from fakes3.store.records import ObjectRecord
from fakes3.website_rules import (
    ErrorDocumentMissing,
    Redirect,
    error_page,
    location,
    redirect_all,
    rule_for,
)

PATH_PREFIX = "/_fakes3/website/"
_MARK = "s3-website"
_AWS_DOMAINS = ("amazonaws.com", "amazonaws.com.cn")
_SSEC_MESSAGE = (
    "The object was stored using a form of Server Side Encryption. "
    "The correct parameters must be provided to retrieve the object."
)


@dataclass(frozen=True)
class Site:
    """A website request: the bucket, and the path prefix its keys follow (``/`` for a
    website host, ``/_fakes3/website/BUCKET/`` for the path form)."""

    bucket: str
    prefix: str


def _ours(domain: str, base_domain: str) -> bool:
    return domain == base_domain or domain in _AWS_DOMAINS


def _host_bucket(name: str, base_domain: str) -> str | None:
    """``BUCKET`` of ``BUCKET.s3-website[-.]<region>.<domain>`` or ``BUCKET.s3-website.<dom>``."""
    index = name.find("." + _MARK)
    if index <= 0:
        return None
    base = base_domain.lower()
    rest = name[index + 1 + len(_MARK) :]
    if rest.startswith("-"):  # s3-website-<region>.<domain>
        region, _, domain = rest[1:].partition(".")
        ours = bool(region) and _ours(domain, base)
    elif rest.startswith("."):  # s3-website.<domain> or s3-website.<region>.<domain>
        domain = rest[1:]
        ours = _ours(domain, base) or _ours(domain.partition(".")[2], base)
    else:
        ours = False
    return name[:index] if ours else None


def website_bucket(host: str, base_domain: str, raw_path: str) -> Site | None:
    """The website request a Host and raw path name, or None for an S3 REST request.

    Runs on every request: a substring test and a prefix test answer None for the rest.
    """
    if _MARK in host.lower():  # Host names are case-insensitive
        bucket = _host_bucket(hostname(host), base_domain)
        if bucket is not None:
            return Site(bucket, "/")
    if raw_path.startswith(PATH_PREFIX):
        bucket, slash, _ = raw_path[len(PATH_PREFIX) :].partition("/")
        if bucket:
            return Site(bucket, f"{PATH_PREFIX}{bucket}/" if slash else f"{PATH_PREFIX}{bucket}")
    return None


def serve(
    store: Store,
    method: str,
    site: Site,
    raw_path: str,
    headers: Mapping[str, str],
    request_id: str = "",
    host_id: str = "",
) -> WireResponse:
    """A website request: index and error documents, redirects, routing rules.

    Every error is an HTML page, as the website endpoint writes them, never S3's XML.
    """
    try:
        if method not in ("GET", "HEAD"):
            raise MethodNotAllowed(Method=method, ResourceType="OBJECT")
        return _Request(store, method, site, raw_path, headers).answer()
    except Redirect as redirect:
        return WireResponse(redirect.status, [("Location", redirect.location)], b"")
    except S3Error as error:
        if error.status == 304:
            members = default_serializer().header_members("GetObject", error.members)
            return WireResponse(304, members, b"")
        return error_page(error, request_id, host_id)


class _Request:
    """One website request, answered in S3's order: redirect-all, prefix rules, the object
    (or the folder's index document), then error-code rules and the error document."""

    def __init__(
        self,
        store: Store,
        method: str,
        site: Site,
        raw_path: str,
        headers: Mapping[str, str],
    ) -> None:
        self.store = store
        self.head = method == "HEAD"
        self.site = site
        self.headers = headers
        self.raw_key = raw_path[len(site.prefix) :] if raw_path.startswith(site.prefix) else ""
        self.key = decode_path(self.raw_key)
        self.host = headers.get("host", "")
        self.range: tuple[int, int] | None = None  # the bytes a Range header chose

    def answer(self) -> WireResponse:
        bucket = self.site.bucket
        self.store.get_bucket(bucket)  # NoSuchBucket first
        config: dict[str, Any] | None = self.store.configs.get(bucket, "website")
        if config is None:
            raise NoSuchWebsiteConfiguration(BucketName=bucket)
        if "RedirectAllRequestsTo" in config:
            raise redirect_all(config["RedirectAllRequestsTo"], self.raw_key)
        rules: list[dict[str, Any]] = config.get("RoutingRules") or []
        rule = rule_for(rules, self.key, None)
        if rule is not None:
            raise self._redirect(rule)
        suffix = config["IndexDocument"]["Suffix"]
        folder = not self.key or self.key.endswith("/")
        target = self.key + suffix if folder else self.key
        try:
            return self._object(target, self._span)
        except NoSuchKey as missing:
            if not folder and self._exists(f"{self.key}/{suffix}"):
                raise Redirect(302, self.site.prefix + self.raw_key + "/") from None
            rule = rule_for(rules, self.key, missing.status)
            if rule is not None:
                raise self._redirect(rule) from None
            error_key = (config.get("ErrorDocument") or {}).get("Key")
            if error_key is None:
                raise NoSuchKey(Key=target) from None
            return self._error_document(error_key, target, missing.status)

    def _redirect(self, rule: dict[str, Any]) -> Redirect:
        return location(rule, self.key, self.host, self.site.prefix)

    def _exists(self, key: str) -> bool:
        try:
            self.store.head_object(self.site.bucket, key)
        except NoSuchKey:
            return False
        return True

    def _error_document(self, error_key: str, target: str, status: int) -> WireResponse:
        """The error document with the error's status; S3's page if it is missing too."""
        try:
            return self._object(error_key, lambda record: (0, record.size), status)
        except NoSuchKey:
            raise ErrorDocumentMissing(target, error_key) from None

    def _span(self, record: ObjectRecord) -> tuple[int, int]:
        """Conditional headers and Range, as the REST GET honours them."""
        params: dict[str, Any] = {
            "IfMatch": self.headers.get("if-match"),
            "IfNoneMatch": self.headers.get("if-none-match"),
            "IfModifiedSince": _date(self.headers.get("if-modified-since")),
            "IfUnmodifiedSince": _date(self.headers.get("if-unmodified-since")),
        }
        check_read_conditions(params, record, self.store.clock.now)
        chosen = (
            parse_range(self.headers["range"], record.size) if "range" in self.headers else None
        )
        self.range = chosen
        return (chosen[0], chosen[1] + 1) if chosen else (0, record.size)

    def _object(
        self,
        key: str,
        span: Callable[[ObjectRecord], tuple[int, int]],
        status: int = 200,
    ) -> WireResponse:
        """The object at ``key`` streamed with GetObject's headers, or its redirect (301)."""
        self.range = None

        def checked(record: ObjectRecord) -> tuple[int, int]:
            target = record.headers.get("WebsiteRedirectLocation")
            if target:
                raise Redirect(301, target)
            if "SSECustomerAlgorithm" in record.encryption:  # no key can be sent here
                raise InvalidRequest(_SSEC_MESSAGE)
            if not self.head:  # an archived object's bytes are not served until restored
                check_readable(record, self.store.clock)
            return span(record)

        if self.head:
            record = self.store.head_object(self.site.bucket, key)
            checked(record)
            reader = None
        else:
            record, reader = self.store.read_object(self.site.bucket, key, checked)
        output = representation(record)
        output.pop("WebsiteRedirectLocation", None)
        if self.range is not None:
            first, last = self.range
            output[STATUS] = 206
            output["ContentLength"] = last - first + 1
            output["ContentRange"] = f"bytes {first}-{last}/{record.size}"
        elif status != 200:
            output[STATUS] = status
        if reader is not None:
            output["Body"] = reader
        return default_serializer().serialize("GetObject", output)


def _date(value: str | None) -> datetime | None:
    """An HTTP date header, or None when absent or unreadable (then it is ignored)."""
    return parse_http_date(value)


__all__ = ["PATH_PREFIX", "Site", "serve", "website_bucket"]
