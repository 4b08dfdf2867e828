"""Tests of the container image: run by scripts/container-check.sh with FAKES3_IMAGE set.

They need a container runtime and the built image, so the default test run does not collect
them; the script says clearly when no runtime exists (docs/container.md).
"""

from __future__ import annotations

import os

if not os.environ.get("FAKES3_IMAGE"):
    collect_ignore_glob = ["test_*.py"]
