"""A server with a short lifecycle day (``lifecycle_day``, as conformance suites configure other
servers' debug interval) expires objects on the wall clock from its background thread, while
``x-amz-expiration`` keeps answering AWS's dates in real days."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import requests
from api_helpers import client_for

from fakes3.app import FakeS3
from fakes3.server import Server
from fakes3.settings import Settings


def test_one_second_days_expire_on_the_wall_clock() -> None:
    app = FakeS3(Settings(lifecycle_day=1))
    expired = threading.Event()
    app.lifecycle.listeners.append(lambda done: expired.set())
    with Server(app, port=0) as server:
        app.lifecycle.start()
        try:
            s3 = client_for(server.endpoint_url)
            s3.create_bucket(Bucket="short-days")
            s3.put_bucket_lifecycle_configuration(
                Bucket="short-days",
                LifecycleConfiguration={
                    "Rules": [
                        {
                            "ID": "r",
                            "Prefix": "expire1/",
                            "Status": "Enabled",
                            "Expiration": {"Days": 1},
                        }
                    ]
                },
            )
            put = s3.put_object(Bucket="short-days", Key="expire1/a", Body=b"a")
            s3.put_object(Bucket="short-days", Key="keep/a", Body=b"a")
            expiry = put["Expiration"].split('"')[1]
            days = (
                datetime.strptime(expiry, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=timezone.utc)
                - datetime.now(timezone.utc)
            ).days
            assert days == 1  # AWS's date: the midnight after a real day
            assert expired.wait(15), "no pass within 15 one-second days"
            listed = s3.list_objects_v2(Bucket="short-days")["Contents"]
            assert [item["Key"] for item in listed] == ["keep/a"]
        finally:
            app.lifecycle.stop()


def test_fakes3_serve_runs_passes_with_the_lifecycle_day_variable() -> None:
    """What a conformance run does: ``FAKES3_LIFECYCLE_DAY=1 fakes3 serve``, then waits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKES3_")}
    env["FAKES3_LIFECYCLE_DAY"] = "1"
    command = [sys.executable, "-m", "fakes3", "serve", "--port", "0", "--quiet"]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().split(" listening on ")[1].split()[0]
            assert requests.get(f"{url}/_fakes3/lifecycle", timeout=10).json()["day"] == 1
            s3 = client_for(url)
            s3.create_bucket(Bucket="served")
            s3.put_bucket_lifecycle_configuration(
                Bucket="served",
                LifecycleConfiguration={
                    "Rules": [
                        {
                            "ID": "r",
                            "Filter": {},
                            "Status": "Enabled",
                            "Expiration": {"Days": 1},
                        }
                    ]
                },
            )
            s3.put_object(Bucket="served", Key="k", Body=b"a")
            deadline = time.monotonic() + 15  # the object is due within 2 s
            while "Contents" in s3.list_objects_v2(Bucket="served"):
                assert time.monotonic() < deadline, "not expired within 15 one-second days"
                time.sleep(0.2)
            journal = requests.get(f"{url}/_fakes3/journal?method=SYSTEM", timeout=10).json()
            assert [e["operation"] for e in journal["entries"]] == ["S3.EXPIRE.OBJECT"]
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0  # the lifecycle thread stops with the server
        finally:
            if proc.poll() is None:
                proc.kill()
