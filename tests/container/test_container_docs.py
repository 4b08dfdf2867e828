"""docs/container.md's testcontainers example, run as written against the built image."""

from __future__ import annotations

import os
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "container.md"


def test_testcontainers_example_runs() -> None:
    (example,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    image = os.environ["FAKES3_IMAGE"]
    namespace: dict[str, object] = {}
    exec(compile(example.replace('"fakes3:latest"', repr(image)), str(DOC), "exec"), namespace)
    environment = namespace["fakes3"].environment()  # type: ignore[attr-defined]
    assert environment["AWS_ENDPOINT_URL"].startswith("http://")
