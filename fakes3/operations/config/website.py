"""Website configuration: PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite.

The document is checked as S3 checks it (the codes and messages S3 answers) and stored whole;
``fakes3/website.py`` serves it on the website endpoint.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fakes3.errors import (
    InvalidArgument,
    InvalidRequest,
    MalformedXML,
    NoSuchWebsiteConfiguration,
)
from fakes3.operations.config.declaration import BucketConfig
from fakes3.operations.context import Context, Handler, Params
from fakes3.protocol.numbers import decimal

MAX_ROUTING_RULES = 50
_PROTOCOLS = ("http", "https")
_KNOWN_STATUS = frozenset(status.value for status in HTTPStatus)


def _text(value: Any) -> str | None:
    """An element's text; an element with children where text belongs is malformed."""
    if value is None or isinstance(value, str):
        return value
    raise MalformedXML()


def _member(container: Any, name: str) -> dict[str, Any] | None:
    value = container.get(name)
    if value is None:
        return None
    if value == "":
        return {}  # an empty element: present, with no children
    if not isinstance(value, dict):
        raise MalformedXML()
    return value


def _protocol(value: Any) -> str | None:
    protocol = _text(value)
    if protocol is not None and protocol not in _PROTOCOLS:
        raise InvalidRequest(
            "Invalid protocol, protocol can be http or https. "
            "If not defined the protocol will be selected automatically."
        )
    return protocol


def _status(value: Any, redirect: bool) -> str:
    """``HttpRedirectCode`` (3XX but 300) or ``HttpErrorCodeReturnedEquals`` (4XX/5XX)."""
    text = _text(value) or ""
    code = decimal(text)
    if code is None:
        raise MalformedXML()
    if redirect:
        valid, kind, allowed = 300 < code < 400, "redirect", "3XX except 300"
    else:
        valid, kind, allowed = 400 <= code < 600, "error", "4XX or 5XX"
    if not valid or code not in _KNOWN_STATUS:
        raise InvalidRequest(
            f"The provided HTTP {kind} code ({text}) is not valid. Valid codes are {allowed}."
        )
    return str(code)


def _redirect_all(target: dict[str, Any]) -> dict[str, Any]:
    host = _text(target.get("HostName"))
    if host is None:
        raise MalformedXML()
    if not host:
        raise InvalidRequest(
            'A host name must be provided to redirect all requests (e.g. "example.com").'
        )
    out = {"HostName": host}
    protocol = _protocol(target.get("Protocol"))
    if protocol is not None:
        out["Protocol"] = protocol
    return out


def _rule(rule: Any) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise MalformedXML()
    out: dict[str, Any] = {}
    condition = _member(rule, "Condition")
    if condition is not None:
        prefix = _text(condition.get("KeyPrefixEquals"))
        code = condition.get("HttpErrorCodeReturnedEquals")
        if prefix is None and code is None:
            raise InvalidRequest(
                "Condition cannot be empty. To redirect all requests without a condition, "
                "the condition element shouldn't be present."
            )
        checked: dict[str, str] = {}
        if prefix is not None:
            checked["KeyPrefixEquals"] = prefix
        if code is not None:
            checked["HttpErrorCodeReturnedEquals"] = _status(code, redirect=False)
        out["Condition"] = checked
    redirect = _member(rule, "Redirect")
    if redirect is None:
        raise MalformedXML()
    if "ReplaceKeyWith" in redirect and "ReplaceKeyPrefixWith" in redirect:
        raise InvalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
    target: dict[str, str] = {}
    for name in ("HostName", "ReplaceKeyPrefixWith", "ReplaceKeyWith"):
        value = _text(redirect.get(name))
        if value is not None:
            target[name] = value
    protocol = _protocol(redirect.get("Protocol"))
    if protocol is not None:
        target["Protocol"] = protocol
    if redirect.get("HttpRedirectCode") is not None:
        target["HttpRedirectCode"] = _status(redirect["HttpRedirectCode"], redirect=True)
    out["Redirect"] = target
    return out


def validate_website(_ctx: Context, _params: Params, document: Any) -> dict[str, Any]:
    """S3's rules for a website configuration; the value stored is the checked document.

    https://docs.aws.amazon.com/AmazonS3/latest/API/API_WebsiteConfiguration.html
    """
    if not isinstance(document, dict):
        raise MalformedXML()
    redirect_all = _member(document, "RedirectAllRequestsTo")
    if redirect_all is not None:
        if any(
            document.get(name) is not None for name in document if name != "RedirectAllRequestsTo"
        ):
            raise InvalidArgument(
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
                ArgumentName="RedirectAllRequestsTo",
                ArgumentValue="not null",
            )
        return {"RedirectAllRequestsTo": _redirect_all(redirect_all)}
    index = _member(document, "IndexDocument")
    if index is None:
        raise InvalidArgument(
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
            ArgumentName="IndexDocument",
            ArgumentValue="null",
        )
    suffix = _text(index.get("Suffix"))
    if not suffix or "/" in suffix:
        raise InvalidArgument(
            "The IndexDocument Suffix is not well formed",
            ArgumentName="IndexDocument",
            ArgumentValue=suffix or None,
        )
    out: dict[str, Any] = {"IndexDocument": {"Suffix": suffix}}
    error_document = _member(document, "ErrorDocument")
    if error_document is not None:
        key = _text(error_document.get("Key"))
        if key is None:
            raise MalformedXML()
        if not key:
            raise InvalidArgument(
                "The ErrorDocument Key is not well formed", ArgumentName="ErrorDocument"
            )
        out["ErrorDocument"] = {"Key": key}
    rules = document.get("RoutingRules")
    if rules is not None:
        if not isinstance(rules, list) or not rules:
            raise MalformedXML()
        if len(rules) > MAX_ROUTING_RULES:
            raise InvalidRequest(
                f"The number of routing rules must not exceed {MAX_ROUTING_RULES}."
            )
        out["RoutingRules"] = [_rule(rule) for rule in rules]
    return out


WEBSITE = BucketConfig(
    name="website",
    get="GetBucketWebsite",
    put="PutBucketWebsite",
    delete="DeleteBucketWebsite",
    missing=NoSuchWebsiteConfiguration,
    validate=validate_website,
)

HANDLERS: dict[str, Handler] = WEBSITE.handlers()
