"""What a consistency mode is: the presets and every knob, as one frozen value.

A ``Rules`` says which changes lag (anomaly switches, a key filter, a probability), for how
long (a fixed or uniform lag), and over how many replicas. ``strong`` lags nothing. The view in
``fakes3.store.consistency`` applies them; this module only describes them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from fakes3.errors import InvalidArgument

__all__ = ["PRESETS", "Rules", "make_rules"]

SWITCHES = (
    "list_after_write",
    "read_after_write",
    "read_after_overwrite",
    "read_after_delete",
    "negative_caching",
    "bucket_config",
)


@dataclass(frozen=True)
class Rules:
    """A consistency mode. ``lag`` is ``(min, max)`` seconds: equal means a fixed lag."""

    preset: str = "strong"
    lag: tuple[float, float] = (1.0, 5.0)
    probability: float = 1.0  # chance that a change lags at all
    keys: str | None = None  # only keys matching this glob lag; no wildcard: a prefix
    list_after_write: bool = False  # listings miss new keys, show replaced / deleted ones
    read_after_write: bool = False  # GET/HEAD of a new key is 404 for a while
    read_after_overwrite: bool = False  # GET/HEAD after an overwrite returns the old object
    read_after_delete: bool = False  # GET/HEAD after a delete still returns the object
    negative_caching: bool = False  # a 404 before a PUT keeps answering 404 for a while
    bucket_config: bool = False  # versioning and bucket deletion apply after a lag
    replicas: int = 3
    check: str | None = None  # checker: the preset whose anomalies are recorded

    @property
    def strong(self) -> bool:
        """Nothing lags and nothing is checked: reads are the store's own."""
        return self.check is None and not any(getattr(self, name) for name in SWITCHES)

    @property
    def checking(self) -> Rules | None:
        """For the checker: the weaker rules whose answers are compared with strong ones."""
        if self.check is None:
            return None
        return make_rules(
            self.check,
            lag=self.lag,
            probability=self.probability,
            keys=self.keys,
            replicas=self.replicas,
        )

    def covers(self, key: str) -> bool:
        pattern = self.keys
        if pattern is None:
            return True
        if any(char in pattern for char in "*?["):
            return fnmatch.fnmatchcase(key, pattern)
        return key.startswith(pattern)

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["lag"] = list(self.lag)
        return document


PRESETS: dict[str, Rules] = {
    "strong": Rules(),
    # S3 before December 2020: new keys readable at once unless a 404 was seen first; stale
    # reads after overwrite and delete; listings lag.
    "aws-2020": Rules(
        "aws-2020",
        lag=(0.5, 3.0),
        list_after_write=True,
        read_after_overwrite=True,
        read_after_delete=True,
        negative_caching=True,
    ),
    # Every change lags, new keys included, and bucket configuration too.
    "eventual": Rules(
        "eventual",
        lag=(1.0, 10.0),
        list_after_write=True,
        read_after_write=True,
        read_after_overwrite=True,
        read_after_delete=True,
        negative_caching=True,
        bucket_config=True,
    ),
    # S3 today: objects are strong, bucket-level changes take a while to apply everywhere.
    "bucket-config-lag": Rules("bucket-config-lag", lag=(5.0, 30.0), bucket_config=True),
    # Strong answers, recording every read aws-2020 could have answered differently.
    "checker": Rules("checker", lag=(0.5, 3.0), check="aws-2020"),
}

_KNOBS = frozenset(field.name for field in fields(Rules)) - {"preset"}


def make_rules(preset: str = "strong", **knobs: Any) -> Rules:
    """A preset with knobs on top; a bad preset or knob is InvalidArgument (400)."""
    base = PRESETS.get(preset)
    if base is None:
        raise InvalidArgument(
            f"unknown consistency preset {preset!r}; one of {', '.join(PRESETS)}",
            ArgumentName="consistency",
            ArgumentValue=preset,
        )
    unknown = set(knobs) - _KNOBS
    if unknown:
        raise InvalidArgument(f"unknown consistency knob(s): {', '.join(sorted(unknown))}")
    given = {name: value for name, value in knobs.items() if value is not None}
    if "lag" in given:
        given["lag"] = _lag(given["lag"])
    rules = replace(base, **given)
    if not 0.0 <= rules.probability <= 1.0:
        raise InvalidArgument(f"probability must be between 0 and 1, not {rules.probability}")
    if rules.replicas < 1:
        raise InvalidArgument(f"replicas must be at least 1, not {rules.replicas}")
    if rules.check is not None and rules.check not in PRESETS:
        raise InvalidArgument(f"the checker cannot check unknown preset {rules.check!r}")
    return rules


def _lag(value: Any) -> tuple[float, float]:
    """``2`` (fixed) or ``(1, 5)`` / ``[1, 5]`` (uniform between)."""
    if isinstance(value, (int, float)):
        low = high = float(value)
    else:
        low, high = (float(part) for part in value)
    if not 0.0 <= low <= high:
        raise InvalidArgument(f"a lag is 0 <= min <= max seconds, not {value!r}")
    return low, high
