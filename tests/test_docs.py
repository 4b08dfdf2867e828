"""The runnable examples in docs/*.md (pytest.md, in-process.md, consistency.md, faults.md,
and every feature page) pass as written.

Each ```python block that starts with ``# test_<name>.py`` is a test module: it is written to a
temporary directory and run with pytest (the installed plugin, no conftest).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# Imported here, not first inside an inner run (see tests/plugin/test_moto_dropin.py).
import responses  # noqa: F401

DOCS = Path(__file__).resolve().parent.parent / "docs"
QUIET = ("-p", "no:hypothesispytest", "-p", "no:benchmark", "-p", "no:cacheprovider")


def examples(page: str) -> list[tuple[str, str]]:
    text = (DOCS / page).read_text()
    blocks = re.findall(r"```python\n(# (test_\w+)\.py\n.*?)```", text, flags=re.DOTALL)
    return [(name, body) for body, name in blocks]


# Every page with an example is run; these must always have some.
REQUIRED = {"pytest.md", "in-process.md", "consistency.md", "faults.md"}
PAGES = tuple(sorted(path.name for path in DOCS.glob("*.md") if examples(path.name)))
CASES = [(page, name, body) for page in PAGES for name, body in examples(page)]


def test_every_page_has_examples() -> None:
    pages = {page for page, _, _ in CASES}
    assert REQUIRED <= pages == set(PAGES) and len(CASES) >= 12


@pytest.mark.parametrize(("page", "name", "body"), CASES, ids=[f"{p}:{n}" for p, n, _ in CASES])
def test_example_passes(pytester: pytest.Pytester, page: str, name: str, body: str) -> None:
    pytester.makepyfile(**{f"test_docs_{name}": body})  # unique: in-process runs share sys.modules
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=len(re.findall(r"^def test_", body, flags=re.M)))
