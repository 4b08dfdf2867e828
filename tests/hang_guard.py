"""A test still running after pytest-timeout's ``timeout`` prints every thread's stack where
CI shows it, then ends its process.

pytest-timeout's own "thread" method ends the process too, but under pytest-xdist it writes
the stacks to the worker's standard output, which is xdist's channel, so CI showed only
"worker crashed" and nothing to act on. Here the capture is suspended and the stacks go to the
worker's standard error, which reaches the console; the timer covers setup, call and teardown,
so a fixture that never finishes tearing down ends too.
"""

from __future__ import annotations

import faulthandler
import os
import threading
from typing import Any

import pytest
import pytest_timeout

_TIMER = pytest.StashKey[threading.Timer]()


def _dump_and_exit(item: pytest.Item, settings: Any) -> None:
    if not settings.disable_debugger_detection and pytest_timeout.is_debugging():
        return  # someone is stepping through the test: pytest-timeout spares it too
    timeout = settings.timeout
    capture = item.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.suspend_global_capture(in_=True)
    title = f"\n+++ {item.nodeid}: still running after {timeout} s; every thread's stack +++\n"
    os.write(2, title.encode("utf-8", "replace"))
    faulthandler.dump_traceback(file=2, all_threads=True)
    os._exit(1)


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool:
    timer = threading.Timer(settings.timeout, _dump_and_exit, args=(item, settings))
    timer.daemon = True
    item.stash[_TIMER] = timer
    timer.start()
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> bool:
    timer = item.stash.get(_TIMER, None)
    if timer is not None:
        timer.cancel()
    return True
