"""The realism controls over HTTP: consistency modes, the clock, settling and fault rules.

Served by ``fakes3.control.Control`` under ``/_fakes3/`` (JSON in, JSON out), so tests in any
language and a CI service container drive what ``app.consistency`` and ``app.faults`` do:

- ``GET /_fakes3/consistency``: the mode, seed, per-bucket modes, clock, checker findings.
- ``PUT /_fakes3/consistency`` ``{"preset": "aws-2020", "seed": 7, "bucket": "b", "lag": [1, 5] …}``
- ``POST /_fakes3/consistency/settle``: every change visible everywhere now.
- ``GET /_fakes3/clock``; ``POST /_fakes3/clock/advance`` ``{"seconds": 5}`` (switches the
  server to a manual clock first if it runs on the wall clock).
- ``GET /_fakes3/faults``; ``POST /_fakes3/faults`` (a rule's fields) answers 201 and the rule
  with its ``id``; ``DELETE /_fakes3/faults/<id>``; ``DELETE /_fakes3/faults`` removes all.
- ``GET /_fakes3/access-logs``: records waiting and the interval; ``POST
  /_fakes3/access-logs/flush`` delivers them now and lists the log objects written.
- ``GET /_fakes3/lifecycle``: the day length and passes run; ``POST /_fakes3/lifecycle/run``
  runs a lifecycle pass now (at the store's clock) and lists what it did (docs/lifecycle.md).
- ``GET /_fakes3/notifications``: the events sent and webhook counters; ``PUT
  /_fakes3/notifications/webhooks`` ``{ARN: URL}``; ``POST /_fakes3/notifications/flush``
  waits for delivery (docs/notifications.md).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fakes3.access_logs import AccessLogs
from fakes3.errors import S3Error
from fakes3.faults import Faults, finite
from fakes3.protocol.serializing import WireResponse
from fakes3.store.consistency_control import Consistency

if TYPE_CHECKING:
    from fakes3.notifications import Notifications
    from fakes3.store.lifecycle import Lifecycle

__all__ = ["Realism"]

_JSON = [("Content-Type", "application/json")]


def _json(status: int, document: Any) -> WireResponse:
    return WireResponse(status, list(_JSON), json.dumps(document).encode())


MAX_ADVANCE = 100 * 366 * 86400.0  # a century: more is a typo, and soon past year 9999
LAST_SECOND = 253402300799.0  # 9999-12-31T23:59:59Z, the last time a datetime can hold
_SWITCHES = frozenset(
    {
        "list_after_write",
        "read_after_write",
        "read_after_overwrite",
        "read_after_delete",
        "negative_caching",
        "bucket_config",
    }
)


def _seconds(document: dict[str, Any], now: float) -> float:
    """``{"seconds": N}``: a finite, non-negative number that keeps the clock in the calendar."""
    unknown = set(document) - {"seconds"}
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}; expected seconds")
    seconds = document.get("seconds", 0)
    if not finite(seconds) or not 0 <= seconds <= MAX_ADVANCE:
        raise ValueError(f"seconds must be a number from 0 to {MAX_ADVANCE:.0f}, not {seconds!r}")
    if now + seconds > LAST_SECOND:
        raise ValueError("seconds would move the clock past the year 9999")
    return float(seconds)


def _check_consistency(document: dict[str, Any]) -> None:
    """Types first, so a bad knob changes nothing (make_rules checks the values)."""
    for name, value in document.items():
        if value is None:
            continue
        if name in ("preset", "bucket", "keys", "check"):
            ok = isinstance(value, str)
        elif name in _SWITCHES:
            ok = isinstance(value, bool)
        elif name in ("seed", "replicas"):
            ok = isinstance(value, int) and not isinstance(value, bool)
            ok = ok and (name == "seed" or 1 <= value <= 1000)
        elif name == "probability":
            ok = finite(value)
        elif name == "lag":
            parts = value if isinstance(value, list) and len(value) == 2 else [value]
            ok = all(finite(part) and 0 <= part <= MAX_ADVANCE for part in parts)
        else:
            ok = True  # an unknown knob: make_rules names it
        if not ok:
            raise ValueError(f"{name} has the wrong type or range: {value!r}")


class Realism:
    """Answers the realism control paths; None for a path it does not own."""

    def __init__(
        self,
        consistency: Consistency,
        faults: Faults,
        access_logs: AccessLogs,
        lifecycle: Lifecycle | None = None,
        notifications: Notifications | None = None,
    ) -> None:
        self.consistency = consistency
        self.faults = faults
        self.access_logs = access_logs
        self.lifecycle = lifecycle
        self.notifications = notifications

    def handle(self, method: str, name: str, body: bytes) -> WireResponse | None:
        route = name.split("/")
        if route[0] == "access-logs":
            return _access_logs(self.access_logs, method, route)
        if route[0] == "lifecycle" and self.lifecycle is not None:
            return _lifecycle(self.lifecycle, method, route)
        if route[0] == "notifications" and self.notifications is not None:
            return self.notifications.control(method, route, body)  # docs/notifications.md
        if route[0] not in ("consistency", "clock", "faults"):
            return None
        try:
            document = json.loads(body) if body.strip() else {}
        except (ValueError, RecursionError) as exc:  # RecursionError: [[[[… nested too deep
            return _json(400, {"error": f"the body is not JSON: {exc}"})
        if not isinstance(document, dict):
            return _json(400, {"error": "the body must be a JSON object"})
        try:
            return self._route(method, route, document)
        except S3Error as error:
            return _json(error.status, {"error": error.text, "code": error.code})
        except (TypeError, ValueError) as exc:
            return _json(400, {"error": str(exc)})

    def _route(self, method: str, route: list[str], document: dict[str, Any]) -> WireResponse:
        consistency, faults = self.consistency, self.faults
        if route == ["consistency"]:
            if method in ("GET", "HEAD"):
                return _json(200, consistency.to_json())
            if method in ("PUT", "POST"):
                _check_consistency(document)
                preset = document.pop("preset", "strong")
                consistency.set(preset, **document)
                return _json(200, consistency.to_json())
        elif route == ["consistency", "settle"] and method == "POST":
            consistency.settle()
            return _json(200, {"status": "settled"})
        elif route == ["clock"] and method in ("GET", "HEAD"):
            return _json(200, self._clock())
        elif route == ["clock", "advance"] and method == "POST":
            consistency.advance(_seconds(document, consistency.clock.time()))
            return _json(200, self._clock())
        elif route == ["faults"]:
            if method in ("GET", "HEAD"):
                return _json(200, {"rules": [rule.to_json() for rule in faults.rules]})
            if method == "POST":
                return _json(201, {"rule": faults.add(**document).to_json()})
            if method == "DELETE":
                faults.clear()
                return _json(200, {"status": "cleared"})
        elif len(route) == 2 and route[0] == "faults" and method == "DELETE":
            if faults.remove(route[1]):
                return _json(200, {"status": "removed"})
            return _json(404, {"error": f"no fault rule {route[1]}"})
        else:
            return _json(404, {"error": f"no control endpoint /_fakes3/{'/'.join(route)}"})
        return _json(405, {"error": f"{method} is not allowed on /_fakes3/{'/'.join(route)}"})

    def _clock(self) -> dict[str, Any]:
        clock = self.consistency.clock
        return {"manual": clock.manual, "time": clock.time(), "now": clock.now().isoformat()}


def _access_logs(logs: AccessLogs, method: str, route: list[str]) -> WireResponse:
    """Server access logs (fakes3/access_logs.py): what waits, and delivery on demand."""
    if route == ["access-logs"] and method in ("GET", "HEAD"):
        return _json(200, {"pending": logs.pending, "interval": logs.interval})
    if route == ["access-logs", "flush"] and method == "POST":
        written = logs.flush()
        return _json(200, {"delivered": [{"bucket": b, "key": k} for b, k in written]})
    if route not in (["access-logs"], ["access-logs", "flush"]):
        return _json(404, {"error": f"no control endpoint /_fakes3/{'/'.join(route)}"})
    return _json(405, {"error": f"{method} is not allowed on /_fakes3/{'/'.join(route)}"})


def _lifecycle(lifecycle: Lifecycle, method: str, route: list[str]) -> WireResponse:
    """Lifecycle passes (fakes3/store/lifecycle.py): the day length, and a pass on demand."""
    if route == ["lifecycle"] and method in ("GET", "HEAD"):
        return _json(200, {"day": lifecycle.day, "passes": lifecycle.passes})
    if route == ["lifecycle", "run"] and method == "POST":
        report = lifecycle.run()
        actions = [done.__dict__ for done in report.actions]
        return _json(200, {"time": report.time, "actions": actions})
    if route not in (["lifecycle"], ["lifecycle", "run"]):
        return _json(404, {"error": f"no control endpoint /_fakes3/{'/'.join(route)}"})
    return _json(405, {"error": f"{method} is not allowed on /_fakes3/{'/'.join(route)}"})
