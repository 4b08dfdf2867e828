"""The AWS SDK for JavaScript v3, with its default configuration, against a real server on both
backends: tests/js/s3_flow.mjs runs a user's flow (default CRC32 uploads, lib-storage
multipart, presigned URLs and a presigned POST form fetched as a browser would, errors by name)
and asserts each answer.

The SDK comes from npm, pinned, installed once into a cache directory shared by the test
workers (a lock file keeps two from installing at once). Node.js and npm come from the
machine: .ci/run installs Debian's where they are missing, as it does chromium.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from api_helpers import unique_bucket_name

SDK_VERSION = "3.1178.0"
PACKAGES = ("client-s3", "lib-storage", "s3-request-presigner", "s3-presigned-post")
FLOW = Path(__file__).resolve().parents[1] / "js" / "s3_flow.mjs"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fakes3-tests"


@pytest.fixture(scope="session")
def js_sdk() -> Path:
    """A directory whose node_modules holds the pinned SDK (installed on first use)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    assert npm and node, "Node.js and npm are needed (.ci/run installs Debian's)"
    wanted = [f"@aws-sdk/{name}@{SDK_VERSION}" for name in PACKAGES]
    home = CACHE / ("js-sdk-" + hashlib.sha256(" ".join(wanted).encode()).hexdigest()[:16])
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home / "installed").exists():
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--prefix", str(home), *wanted],
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            (home / "installed").write_text(SDK_VERSION)
    return home


def test_a_js_sdk_flow(js_sdk: Path, endpoint: str) -> None:
    bucket = unique_bucket_name("js-sdk")
    script = js_sdk / f"{bucket}.mjs"  # beside node_modules, where an ES module finds them
    shutil.copyfile(FLOW, script)
    done = subprocess.run(
        [str(shutil.which("node")), str(script), endpoint, bucket],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1"},
    )
    script.unlink()
    assert done.returncode == 0, done.stderr[-4000:]
    steps = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(steps) == FLOW.read_text().count("\nawait step(") == 15, steps
