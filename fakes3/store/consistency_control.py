"""The switch tests turn: which consistency mode a server, a bucket or a request runs in.

``Consistency`` installs a ``View`` on the store when some mode other than ``strong`` is in
force (and removes it when everything is strong again), keeps the seed, the manual clock and
the checker's findings. The app, the control endpoints, the pytest handle and ``mock_s3``
all drive this one object (``app.consistency``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from fakes3.store.clock import Clock, ManualClock
from fakes3.store.consistency import Finding, View, request_scope
from fakes3.store.consistency_rules import Rules, make_rules

if TYPE_CHECKING:
    from fakes3.store.store import Store

__all__ = ["HEADER", "Consistency", "ConsistencyError"]

HEADER = "x-fakes3-consistency"  # per-request mode (lower case: the app's header map)


class ConsistencyError(AssertionError):
    """The checker found reads that relied on strong consistency."""


class Consistency:
    """Consistency mode, seed, clock and checker report for one store."""

    def __init__(self, store: Store, preset: str = "strong", seed: int = 0) -> None:
        self.store = store
        self.seed = seed
        self.rules = self._initial = make_rules(preset)
        self.scopes: dict[str, Rules] = {}  # per bucket
        self.active = False  # the app's hot-path check: True once a view is installed
        self._requested = False  # a request asked for a weaker mode: keep the view
        self._findings: list[Finding] = []
        self.served: dict[str, int] = {}  # anomalies the views served (fakes3/metrics.py)
        self._wall: Clock = store.clock
        self._apply()

    # Modes ---------------------------------------------------------------------------------

    def set(
        self,
        preset: str = "strong",
        *,
        bucket: str | None = None,
        seed: int | None = None,
        **knobs: Any,
    ) -> Rules:
        """Run the server (or one ``bucket``) in ``preset`` with ``knobs`` on top.

        ``seed`` restarts the generator that picks lags and replicas, so the same seed and
        the same requests give the same anomalies.
        """
        rules = make_rules(preset, **knobs)
        if bucket is None:
            self.rules = rules
        else:
            self.scopes[bucket] = rules
        if seed is not None:
            self.seed = seed
            with self.store.lock:
                if self.store.view is not None:
                    self.store.view.rng.seed(seed)
        self._apply()
        return rules

    def get(self, bucket: str | None = None) -> Rules:
        """The rules a request for ``bucket`` (or the server) runs under."""
        if bucket is not None and bucket in self.scopes:
            return self.scopes[bucket]
        return self.rules

    def unset(self, bucket: str) -> None:
        """Let ``bucket`` follow the server's mode again."""
        self.scopes.pop(bucket, None)
        self._apply()

    def _rules_for(self, bucket: str | None) -> Rules:
        if bucket is not None:
            scoped = self.scopes.get(bucket)
            if scoped is not None:
                return scoped
        return self.rules

    def _apply(self) -> None:
        """Install the view if anything is weaker than strong; remove it if nothing is."""
        store = self.store
        needed = (
            self._requested
            or not self.rules.strong
            or any(not rules.strong for rules in self.scopes.values())
        )
        with store.lock:
            if needed and store.view is None:
                store.view = View(store, self._rules_for, self.seed, self._findings)
                store.view.served = self.served
            elif not needed and store.view is not None:
                store.view.settle()
                store.view = None
            self.active = store.view is not None

    @contextmanager
    def request(self, operation: str, headers: Mapping[str, str]) -> Iterator[None]:
        """Run one request under the ``x-fakes3-consistency`` mode it asks for, if any."""
        value = headers.get(HEADER)
        rules = None
        if value is not None:
            rules = make_rules(value.strip())
            if not rules.strong and not self._requested:
                self._requested = True  # the view stays until reset
                self._apply()
        token = request_scope.set((operation, rules))
        try:
            yield
        finally:
            request_scope.reset(token)

    # Time ----------------------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self.store.clock

    def manual_clock(self) -> ManualClock:
        """The store's clock as a ``ManualClock`` (installed, at the current time, if the
        store runs on the wall clock)."""
        clock = self.store.clock
        if not isinstance(clock, ManualClock):
            clock = ManualClock(clock.time(), getattr(clock, "listeners", None))
            self.store.clock = clock
        return clock

    def advance(self, seconds: float) -> float:
        """Step the manual clock (installing one if needed); returns the new time."""
        return self.manual_clock().advance(seconds)

    def settle(self) -> None:
        """Every change reaches every replica now."""
        with self.store.lock:  # every reader of store.view holds the lock (console/pages.py)
            view = self.store.view
            if view is not None:
                view.settle()

    # Checker -------------------------------------------------------------------------------

    @property
    def findings(self) -> list[Finding]:
        return list(self._findings)

    def report(self) -> str:
        """The checker's findings, one line each ('' if none)."""
        return "\n".join(finding.describe() for finding in self.findings)

    def assert_consistent(self) -> None:
        """Raise ``ConsistencyError`` naming every read that relied on strong consistency."""
        __tracebackhide__ = True
        findings = self.findings
        if findings:
            lines = "\n".join(f"  {finding.describe()}" for finding in findings)
            raise ConsistencyError(
                f"{len(findings)} read(s) relied on strong consistency:\n{lines}"
            )

    def clear_findings(self) -> None:
        self._findings.clear()

    # Whole ---------------------------------------------------------------------------------

    def reset(self, seed: int = 0) -> None:
        """Everything settled, the mode the server started in (strong unless ``--consistency``
        said otherwise), no bucket modes, no findings, the wall clock back, a fresh seed."""
        self.settle()
        self.rules = self._initial
        self.scopes.clear()
        self.seed = seed
        self._requested = False
        self._findings.clear()
        self.served.clear()
        self._apply()
        with self.store.lock:
            if self.store.view is not None:
                self.store.view.rng.seed(seed)
        self.store.clock = self._wall

    def to_json(self) -> dict[str, Any]:
        with self.store.lock:
            view = self.store.view
            pending = 0 if view is None else len(view.keys) + len(view.buckets) + len(view.configs)
        return {
            "preset": self.rules.preset,
            "rules": self.rules.to_json(),
            "buckets": {name: rules.to_json() for name, rules in self.scopes.items()},
            "seed": self.seed,
            "clock": {"manual": self.clock.manual, "time": self.clock.time()},
            "pending": pending,
            "findings": [finding.__dict__ for finding in self.findings],
        }
