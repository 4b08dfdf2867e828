"""Fault injection: rules that make chosen requests fail the ways S3 and networks fail.

A rule matches requests by operation (the model's name, ``PutObject``), bucket, key (a
glob) and method, and when it fires it does one thing: answer an S3 error (``SlowDown``,
``InternalError``, any code of ``fakes3.errors``, or a code of your own with a status), add
latency (a real sleep in the server thread), reset the connection without an answer, or cut
the response body after N bytes. ``first=N`` fires for the first N matches, ``every=N`` for
every Nth, ``probability=p`` at random from the seeded generator. Rules are added and removed
while the server runs; each fault is written into the journal entry (``Entry.fault``).

The app calls ``Faults.before`` once the operation is known (``FakeS3._dispatch``), and only
when there are rules: with none, a request pays one attribute check.
"""

from __future__ import annotations

import fnmatch
import itertools
import math
import random
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from fakes3 import errors
from fakes3.errors import InvalidArgument, S3Error
from fakes3.protocol.model import load_model
from fakes3.protocol.serializing import WireResponse

__all__ = ["DropConnection", "FaultRule", "Faults", "error_class"]


class DropConnection(Exception):  # noqa: N818 - it is an instruction to the server, not a bug
    """Raised from a response body: the server closes the connection at once (a reset)."""

    def __init__(self, after: int = 0) -> None:
        super().__init__(f"fakes3 fault: connection dropped after {after} body bytes")
        self.after = after


# Statuses whose answers carry no body (RFC 9110): an error document sent with one would be
# read as the start of the next answer on the connection. 1xx are interim answers.
_BODILESS = frozenset({204, 205, 304})


def error_class(code: str, status: int | None = None) -> type[S3Error]:
    """The ``fakes3.errors`` class for an S3 code, or a new one (``status`` required)."""
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, S3Error) and value.code == code:
            if status is None or status == value.status:
                return value
    if status is None:
        raise InvalidArgument(
            f"fakes3 has no error {code!r}: give its HTTP status too", ArgumentName="error"
        )
    return type(code, (S3Error,), {"code": code, "status": status, "message": code})


_ids = itertools.count(1)


@dataclass
class FaultRule:
    """One rule. Matching fields left None match everything."""

    operation: str | None = None  # e.g. "PutObject"; a list in JSON means any of them
    bucket: str | None = None
    key: str | None = None  # a glob: "logs/*"
    method: str | None = None  # "PUT"
    error: str | None = None  # an S3 error code: "SlowDown", "InternalError" …
    status: int | None = None  # for a code fakes3 does not know
    message: str | None = None
    latency: float = 0.0  # seconds slept before answering (alone, or before the error)
    reset: bool = False  # close the connection without an answer
    break_after: int | None = None  # send this many body bytes, then close the connection
    probability: float = 1.0
    first: int | None = None  # fire for the first N matches only
    every: int | None = None  # fire on every Nth match
    id: str = field(default_factory=lambda: f"fault-{next(_ids)}")
    matched: int = 0  # requests that matched so far
    fired: int = 0  # of which the rule acted on

    def __post_init__(self) -> None:
        _check_types(self)
        actions = [self.error is not None, self.reset, self.break_after is not None]
        if sum(actions) > 1:
            raise InvalidArgument("a fault rule does one of: error, reset, break_after")
        if not any(actions) and not self.latency:
            raise InvalidArgument(
                "a fault rule needs an action: error, latency, reset or break_after"
            )
        if self.error is not None:
            error_class(self.error, self.status)  # unknown without a status: refused now
        if not 0.0 <= self.probability <= 1.0:
            raise InvalidArgument(f"probability must be between 0 and 1, not {self.probability}")
        for name in ("first", "every", "break_after"):
            value = getattr(self, name)
            if value is not None and (
                not isinstance(value, int) or value < (0 if name == "break_after" else 1)
            ):
                raise InvalidArgument(f"{name} must be a positive whole number, not {value!r}")
        if self.method is not None:
            self.method = self.method.upper()

    def matches(
        self, method: str, operation: str | None, bucket: str | None, key: str | None
    ) -> bool:
        if self.operation is not None and operation not in _names(self.operation):
            return False
        if self.method is not None and method != self.method:
            return False
        if self.bucket is not None and bucket != self.bucket:
            return False
        return self.key is None or (key is not None and fnmatch.fnmatchcase(key, self.key))

    def describe(self) -> str:
        if self.error is not None:
            return f"{self.id}: {self.error}"
        if self.reset:
            return f"{self.id}: reset"
        if self.break_after is not None:
            return f"{self.id}: body cut after {self.break_after} bytes"
        return f"{self.id}: latency {self.latency}s"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


MAX_LATENCY = 600.0  # seconds: longer is a hung test, not a slow S3
_TEXT_FIELDS = ("id", "bucket", "key", "method", "error", "message")


def finite(value: Any) -> bool:
    """A real number (not a bool, not NaN or infinite)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_types(rule: FaultRule) -> None:
    """Every field of the right type before the rule is added: a rule that cannot fire (an
    operation S3 does not have) or would break the request it fires on is refused now."""
    for name in _TEXT_FIELDS:
        value = getattr(rule, name)
        if value is not None and not isinstance(value, str):
            raise InvalidArgument(f"{name} must be a string, not {value!r}")
    if rule.operation is not None:
        names = _names(rule.operation) if isinstance(rule.operation, (str, tuple, list)) else ()
        if not names or not all(isinstance(name, str) for name in names):
            raise InvalidArgument(
                f"operation must be an operation name or a list of them, not {rule.operation!r}"
            )
        known = load_model().operations
        unknown = [name for name in names if name not in known]
        if unknown:
            raise InvalidArgument(f"no S3 operation is named {', '.join(unknown)}")
    if rule.status is not None and (
        not isinstance(rule.status, int)
        or isinstance(rule.status, bool)
        or not 200 <= rule.status <= 599
        or rule.status in _BODILESS
    ):
        raise InvalidArgument(
            "status must be an HTTP status an error body can go with (200-599 but not 204, "
            f"205 or 304), not {rule.status!r}"
        )
    if not finite(rule.latency) or not 0 <= rule.latency <= MAX_LATENCY:
        raise InvalidArgument(f"latency must be 0 to {MAX_LATENCY:g} seconds, not {rule.latency!r}")
    if not finite(rule.probability):
        raise InvalidArgument(f"probability must be between 0 and 1, not {rule.probability!r}")
    if not isinstance(rule.reset, bool):
        raise InvalidArgument(f"reset must be true or false, not {rule.reset!r}")
    for name in ("first", "every", "break_after"):
        value = getattr(rule, name)
        if isinstance(value, bool):
            raise InvalidArgument(f"{name} must be a positive whole number, not {value!r}")


def _names(operation: Any) -> tuple[str, ...]:
    return (operation,) if isinstance(operation, str) else tuple(operation)


class Faults:
    """The fault rules of one app, in the order added; the first that fires acts."""

    def __init__(self, seed: int = 0) -> None:
        self.rules: list[FaultRule] = []  # the app checks ``if faults.rules`` on each request
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def add(self, rule: FaultRule | None = None, /, **fields: Any) -> FaultRule:
        """Add a rule (a ``FaultRule`` or its fields): ``add(operation="PutObject",
        error="SlowDown", first=2)``. Returns it; ``remove(rule.id)`` takes it out."""
        if rule is None:
            rule = from_json(fields)
        with self._lock:
            self.rules = [*self.rules, rule]
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            kept = [rule for rule in self.rules if rule.id != rule_id]
            found = len(kept) != len(self.rules)
            self.rules = kept
        return found

    def clear(self, seed: int | None = None) -> None:
        with self._lock:
            self.rules = []
            if seed is not None:
                self._rng.seed(seed)

    def seed(self, seed: int) -> None:
        with self._lock:
            self._rng.seed(seed)

    def _firing(
        self, method: str, operation: str | None, bucket: str | None, key: str | None
    ) -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, operation, bucket, key):
                    continue
                rule.matched += 1
                if rule.first is not None and rule.matched > rule.first:
                    continue
                if rule.every is not None and rule.matched % rule.every:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                return rule
        return None

    def before(
        self,
        environ: dict[str, Any],
        method: str,
        operation: str | None,
        bucket: str | None,
        key: str | None,
    ) -> WireResponse | None:
        """Act on the first rule that fires: sleep, raise its S3 error, answer a reset (the
        response to return instead of running the operation), or mark the body to be cut.
        The fault is recorded in ``environ["fakes3.fault"]`` for the journal."""
        rule = self._firing(method, operation, bucket, key)
        if rule is None:
            return None
        environ["fakes3.fault"] = rule.describe()
        if rule.latency:
            time.sleep(rule.latency)
        if rule.error is not None:
            error = error_class(rule.error, rule.status)
            raise error(rule.message) if rule.message else error()
        if rule.reset:
            environ["fakes3.fault.reset"] = True  # for in-process callers (fakes3/mock.py)
            return WireResponse(500, [], _CutBody((), 0, environ.get("fakes3.drop")))
        if rule.break_after is not None:
            environ["fakes3.fault.cut"] = rule.break_after
        return None


def shape(response: WireResponse, environ: Mapping[str, Any]) -> WireResponse:
    """The response to send for a request a ``break_after`` rule fired on."""
    after = environ.get("fakes3.fault.cut")
    if after is None or response.status >= 300:
        return response
    body = response.body
    chunks: Iterable[bytes] = [body] if isinstance(body, bytes) else body
    cut = _CutBody(chunks, after, environ.get("fakes3.drop"))
    return WireResponse(response.status, response.headers, cut)


class _CutBody:
    """Yields the first ``after`` bytes, then makes the server drop the connection.

    ``drop`` is the server's hook (``environ["fakes3.drop"]``, fakes3/server.py): it stops
    the server from sending anything more, headers included, before the exception unwinds.
    """

    def __init__(self, body: Iterable[bytes], after: int, drop: Any = None) -> None:
        self._body = body
        self._after = after
        self._drop = drop
        # Sends nothing at all, so it must run even for HEAD (whose bodies are not sent).
        self.drops_at_once = after == 0

    def __iter__(self) -> Iterator[bytes]:
        left = self._after
        if left:
            for chunk in self._body:
                if len(chunk) >= left:
                    yield chunk[:left]
                    break
                left -= len(chunk)
                yield chunk
        if self._drop is not None:
            self._drop(self._after)
        raise DropConnection(self._after)

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


_FIELDS = frozenset(FaultRule.__dataclass_fields__) - {"id", "matched", "fired"}


def from_json(document: Mapping[str, Any]) -> FaultRule:
    """A rule from a JSON object (the control endpoint's body) or keyword arguments."""
    unknown = set(document) - _FIELDS - {"id"}
    if unknown:
        raise InvalidArgument(f"unknown fault rule field(s): {', '.join(sorted(unknown))}")
    values = dict(document)
    if isinstance(values.get("operation"), list):
        values["operation"] = tuple(values["operation"])
    try:
        return FaultRule(**values)
    except TypeError as exc:
        raise InvalidArgument(str(exc)) from exc
