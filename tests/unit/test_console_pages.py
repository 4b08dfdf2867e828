"""Console pages over a store: a page of keys reads a page of the index, never the bucket,
and pages read the truth without drawing from the consistency view's generator."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from fakes3.console import pages
from fakes3.store.consistency_control import Consistency
from fakes3.store.store import NewObject, Store, open_store

KEYS = {"memory": 10_000, "directory": 2_000}  # the directory backend syncs every write


@pytest.fixture(scope="module", params=["memory", "directory"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Store:
    data_dir = str(tmp_path_factory.mktemp("console")) if request.param == "directory" else None
    opened = open_store(data_dir)
    opened.create_bucket("big", "us-east-1")
    for number in range(KEYS[request.param]):
        opened.put_object("big", f"d{number % 10}/k{number:05d}", io.BytesIO(b""), NewObject())
    return opened


def _counting(store: Store) -> list[int]:
    """Rows the index hands back, per scan call."""
    rows: list[int] = []
    scan: Callable[..., list[Any]] = type(store.index).scan

    def counted(*args: Any) -> list[Any]:
        found = scan(store.index, *args)
        rows.append(len(found))
        return found

    store.index.scan = counted  # type: ignore[method-assign]
    return rows


@pytest.mark.parametrize(
    "params",
    [
        {"name": "big", "delimiter": "/"},  # the top level: ten common prefixes
        {"name": "big"},  # flat: the first hundred keys
        {"name": "big", "prefix": "d7/", "size": "100"},
        {"name": "big", "prefix": "d7/", "after": "d7/k01007", "size": "25"},
        {"name": "big", "delimiter": "", "after": "d9/k01009", "size": "1000"},
    ],
)
def test_a_key_page_reads_about_a_page(store: Store, params: dict[str, str]) -> None:
    rows = _counting(store)
    try:
        html = pages.bucket_page(store, params)
    finally:
        del store.index.scan  # back to the class's method
    size = int(params.get("size", "100"))
    assert "id=keys" in html or 'id="keys"' in html
    assert 0 < sum(rows) <= size + 30, rows  # seeks past prefixes read 2 rows each


def test_pages_follow_after_and_stay_in_the_prefix(store: Store) -> None:
    html = pages.bucket_page(store, {"name": "big", "prefix": "d3/", "after": "d3/k01983"})
    assert "d3/k01993" in html and "d3/k01983" not in html and "d4/" not in html


def test_pages_read_past_the_consistency_view() -> None:
    store = open_store(None)
    store.create_bucket("big", "us-east-1")
    consistency = Consistency(store, "eventual", 5)
    store.put_object("big", "new-key", io.BytesIO(b"x"), NewObject())
    view = store.view
    state = consistency.store.view.rng.getstate()  # type: ignore[union-attr]
    html = pages.bucket_page(store, {"name": "big", "prefix": "new"})
    assert "new-key" in html  # the truth, although no replica lists it yet
    page = pages.object_page(store, {"bucket": "big", "key": "new-key"})
    assert "id=download" in page
    assert consistency.store.view.rng.getstate() == state  # type: ignore[union-attr]
    assert store.view is view and consistency.to_json()["pending"] == 1  # still lagging


def test_console_actions_flag_and_variable() -> None:
    from fakes3.cli import build_parser, settings_from_args

    def settings(argv: list[str], environ: dict[str, str]) -> bool:
        args = build_parser().parse_args(["serve", *argv])
        return settings_from_args(args, environ).console_actions

    assert settings([], {}) is False  # read-only unless asked
    assert settings(["--console-actions"], {}) is True
    assert settings([], {"FAKES3_CONSOLE_ACTIONS": "1"}) is True
    assert settings(["--no-console-actions"], {"FAKES3_CONSOLE_ACTIONS": "1"}) is False
