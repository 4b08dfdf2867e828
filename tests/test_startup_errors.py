"""``fakes3 serve`` start-up errors: one clear line on stderr, no traceback, exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import trustme

ROOT = Path(__file__).resolve().parent.parent


def _serve(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FAKES3_")}
    full_env["PYTHONPATH"] = str(ROOT)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fakes3", "serve", "--quiet", "--port", "0", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _one_line(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""  # never got as far as "listening"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fakes3: error: "), result.stderr
    for part in parts:
        assert part in lines[0], lines[0]


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "plain-file"
    path.write_text("x")
    _one_line(_serve(["--data-dir", str(path)]), "--data-dir", str(path), "not a directory")


def test_data_dir_that_cannot_be_made(tmp_path: Path) -> None:
    path = tmp_path / "file" / "sub"
    (tmp_path / "file").write_text("x")
    _one_line(_serve(["--data-dir", str(path)]), "--data-dir", str(path))


@pytest.mark.parametrize("missing", ["cert", "key"])
def test_missing_tls_file_is_not_a_port_problem(tmp_path: Path, missing: str) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.private_key_pem.write_to_path(tmp_path / "key.pem")
    cert.cert_chain_pems[0].write_to_path(tmp_path / "cert.pem")
    (tmp_path / f"{missing}.pem").unlink()
    result = _serve(
        ["--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem")]
    )
    _one_line(result, "TLS", "No such file or directory")
    assert "cannot listen" not in result.stderr


def test_tls_file_that_is_not_pem(tmp_path: Path) -> None:
    (tmp_path / "x.pem").write_text("not a certificate")
    result = _serve(["--tls-cert", str(tmp_path / "x.pem"), "--tls-key", str(tmp_path / "x.pem")])
    _one_line(result, "TLS", "not a PEM certificate")


@pytest.mark.parametrize("name", ["FAKES3_PORT", "FAKES3_THREADS", "FAKES3_SEED"])
def test_malformed_number_variable_is_named(name: str) -> None:
    _one_line(_serve([], {name: "abc"}), name, "'abc'")
