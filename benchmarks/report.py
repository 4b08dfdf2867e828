"""The benchmark's numbers: metrics, targets, the printed table and run-to-run comparison.

``benchmarks/bench.py`` measures and fills ``Metric`` objects; this module turns them into what
a reader sees (and what ``--json`` saves), so either can change without the other.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from typing import Any

SUBJECTS = ("memory", "directory", "null")
FAKES3 = ("memory", "directory")
SMALL_OPS = ("put", "get", "head", "copy", "delete")
SMALL_OP_MIN = 0.8  # fakes3 request rate >= 0.8 x the null app's
LIST_FULL_MAX = 1.2  # full 10k listing time <= 1.2 x the null app's
DELETE_OBJECTS_MAX = 1.25  # DeleteObjects of 1000 keys <= 1.25 x the null app's (issue 11)
PAGE_TOLERANCE = 0.2  # a page in the big bucket costs what it does in the 1k one, +-20 %


@dataclass
class Metric:
    name: str
    label: str
    unit: str
    higher_is_better: bool
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, subject: str, value: float) -> None:
        self.values.setdefault(subject, []).append(value)

    @property
    def best_of_rounds(self) -> bool:
        """App-only timings: noise only ever adds time there, so the fastest round counts."""
        return self.name.startswith("direct_")

    def median(self, subject: str) -> float | None:
        """The number reported: the median over rounds (the best round for app-only ones)."""
        values = self.values.get(subject)
        if not values:
            return None
        return min(values) if self.best_of_rounds else statistics.median(values)

    def spread(self, subject: str) -> float | None:
        values = self.values.get(subject)
        if not values or len(values) < 2:
            return None
        mid = statistics.median(values)
        return (max(values) - min(values)) / mid if mid else None


def make_metrics(big: int) -> dict[str, Metric]:
    big_label = f"{big // 1000}k"
    specs = [
        ("put", "PUT 1 KiB", "req/s", True),
        ("get", "GET 1 KiB", "req/s", True),
        ("head", "HEAD", "req/s", True),
        ("copy", "CopyObject 1 KiB", "req/s", True),
        ("delete", "DELETE", "req/s", True),
        ("delete_objects", "DeleteObjects 1000 keys", "ms", False),
        ("list_full", "full listing 10k keys", "ms", False),
        ("page_flat_1k", "1 page 1000 keys, 1k bucket", "ms", False),
        ("page_flat_big", f"1 page 1000 keys, {big_label} bucket", "ms", False),
        ("page_delim_1k", "1 page 1000 prefixes, 1k bucket", "ms", False),
        ("page_delim_big", f"1 page 1000 prefixes, {big_label}", "ms", False),
        ("direct_put", "app only: PUT 1 KiB", "µs", False),
        ("direct_get", "app only: GET 1 KiB", "µs", False),
        ("direct_head", "app only: HEAD", "µs", False),
        ("direct_copy", "app only: CopyObject 1 KiB", "µs", False),
        ("direct_list", f"app only: list page, {big_label}", "µs", False),
        ("direct_list_delim", f"app only: prefix page, {big_label}", "µs", False),
        ("direct_delete_objects", "app only: DeleteObjects 1000 keys", "µs", False),
        ("direct_cold_put", "app only, cold: PUT 1 KiB", "µs", False),
        ("direct_cold_get", "app only, cold: GET 1 KiB", "µs", False),
        ("direct_cold_head", "app only, cold: HEAD", "µs", False),
        ("direct_cold_copy", "app only, cold: CopyObject 1 KiB", "µs", False),
    ]
    return {name: Metric(name, label, unit, better) for name, label, unit, better in specs}


TARGET_LABELS = {
    "put": "PUT rate",
    "get": "GET rate",
    "head": "HEAD rate",
    "copy": "CopyObject rate",
    "delete": "DELETE rate",
    "list_full": "full 10k listing time",
    "delete_objects": "DeleteObjects time",
    "page_flat": "page of 1000 keys",
    "page_delim": "page of 1000 prefixes",
}


def _ratios(top: Metric, top_subject: str, bottom: Metric, bottom_subject: str) -> list[float]:
    """Round by round ratios (rounds measured the two side by side)."""
    tops, bottoms = top.values.get(top_subject, []), bottom.values.get(bottom_subject, [])
    return [a / b for a, b in zip(tops, bottoms, strict=False) if b]


def targets(metrics: dict[str, Metric], big: int) -> list[dict[str, Any]]:
    """Each target, per fakes3 backend: the ratio of the medians, each round's, PASS or FAIL."""
    found = []

    def check(name: str, backend: str, top: Metric, bottom: Metric, other: str) -> None:
        mine, base = top.median(backend), bottom.median(other)
        if not mine or not base:
            return
        ratio = mine / base
        if name == "list_full":
            ok, rule = ratio <= LIST_FULL_MAX, f"time <= {LIST_FULL_MAX} x null's"
        elif name == "delete_objects":
            ok, rule = ratio <= DELETE_OBJECTS_MAX, f"time <= {DELETE_OBJECTS_MAX} x null's"
        elif name.startswith("page_"):
            ok = abs(ratio - 1) <= PAGE_TOLERANCE
            rule = f"time in {big // 1000}k bucket / in 1k bucket = 1 +- {PAGE_TOLERANCE}"
        else:
            ok, rule = ratio >= SMALL_OP_MIN, f"rate >= {SMALL_OP_MIN} x null's"
        found.append(
            {
                "target": name,
                "backend": backend,
                "ratio": ratio,
                "round_ratios": _ratios(top, backend, bottom, other),
                "rule": rule,
                "pass": ok,
            }
        )

    for backend in FAKES3:
        for op in (*SMALL_OPS, "list_full", "delete_objects"):
            check(op, backend, metrics[op], metrics[op], "null")
        for kind in ("flat", "delim"):
            big_page, small_page = metrics[f"page_{kind}_big"], metrics[f"page_{kind}_1k"]
            check(f"page_{kind}", backend, big_page, small_page, backend)
    return found


def print_targets(found: list[dict[str, Any]]) -> None:
    print(f"{'target':24}{'backend':>10}{'ratio':>7}  {'rounds':14}  rule")
    for t in found:
        rounds = t["round_ratios"]
        span = f"{min(rounds):.2f}..{max(rounds):.2f}" if rounds else ""
        print(
            f"{TARGET_LABELS[t['target']]:24}{t['backend']:>10}{t['ratio']:>7.3f}  {span:14}"
            f"  {t['rule']}: {'PASS' if t['pass'] else 'FAIL'}"
        )


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "req/s" or value >= 100:
        return f"{value:.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def print_table(metrics: dict[str, Metric]) -> None:
    header = (
        f"{'':34}{'unit':>6}{'memory':>9}{'':6}{'directory':>10}{'':6}{'null':>8}{'':6}"
        f"{'mem/null':>9}{'dir/null':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, metric in metrics.items():
        if not metric.values:
            continue
        cells = f"{metric.label:34}{metric.unit:>6}"
        for subject in SUBJECTS:
            width = 10 if subject == "directory" else 9 if subject == "memory" else 8
            cells += f"{_fmt(metric.median(subject), metric.unit):>{width}}"
            cells += f"{_pct(metric.spread(subject)):>6}"
        null = metric.median("null")
        for backend in FAKES3:
            mine = metric.median(backend)
            direct = name.startswith("direct_")  # a ratio to a canned answer means nothing
            cells += f"{mine / null:>9.2f}" if mine and null and not direct else f"{'-':>9}"
        print(cells)


def compare(first: str, second: str) -> None:
    """Print the two runs' medians side by side and how far apart they are."""
    runs: list[dict[str, Any]] = []
    for path in (first, second):
        with open(path, encoding="utf-8") as fh:
            runs.append(json.load(fh))
    a, b = (run["results"] for run in runs)
    print(f"{'':34}{'subject':>10}{'run 1':>10}{'run 2':>10}{'diff':>8}")
    worst = 0.0
    for name in a:
        if name not in b:
            continue
        for subject in SUBJECTS:
            x, y = a[name].get(subject, {}).get("median"), b[name].get(subject, {}).get("median")
            if x is None or y is None:
                continue
            diff = (y - x) / ((x + y) / 2)
            worst = max(worst, abs(diff))
            unit = a[name]["unit"]
            print(
                f"{a[name]['label']:34}{subject:>10}{_fmt(x, unit):>10}{_fmt(y, unit):>10}"
                f"{100 * diff:>+7.1f}%"
            )
    print(f"largest difference between the runs: {100 * worst:.1f}%")
    print()
    print(f"{'target':14}{'backend':>10}{'run 1':>8}{'run 2':>8}  rule")
    later = {(t["target"], t["backend"]): t for t in runs[1].get("targets", [])}
    for t in runs[0].get("targets", []):
        other = later.get((t["target"], t["backend"]))
        if other is None:
            continue
        marks = "/".join("PASS" if v["pass"] else "FAIL" for v in (t, other))
        print(
            f"{t['target']:14}{t['backend']:>10}{t['ratio']:>8.2f}{other['ratio']:>8.2f}"
            f"  {t['rule']}: {marks}"
        )
