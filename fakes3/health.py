"""``python -m fakes3.health``: exit 0 if the local fakes3 answers its health endpoint, else 1.

The container's HEALTHCHECK. It reads the same ``FAKES3_PORT`` / ``FAKES3_TLS_CERT`` variables
as the server, so a changed port or HTTPS needs no change to the check, and it imports only the
standard library: it runs every second, so it has to be cheap (~20 ms).
"""

from __future__ import annotations

import http.client
import os
import ssl
import sys
from collections.abc import Mapping, Sequence

__all__ = ["check", "main"]

PATH = "/_fakes3/health"


def check(environ: Mapping[str, str], timeout: float = 2.0) -> str | None:
    """None if healthy, else what went wrong."""
    port = int(environ.get("FAKES3_PORT") or 9000)
    connection: http.client.HTTPConnection
    if environ.get("FAKES3_TLS_CERT"):  # our own certificate: only liveness is checked here
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", PATH)
        response = connection.getresponse()
        body = response.read()
    except OSError as exc:
        return f"no answer on port {port}: {exc}"
    finally:
        connection.close()
    if response.status != 200:
        return f"{PATH} answered {response.status}: {body[:200]!r}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    problem = check(os.environ)
    if problem:
        print(f"fakes3 unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
