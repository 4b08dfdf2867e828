"""Run one function on many threads at once and collect what they raised."""

from __future__ import annotations

import threading
from collections.abc import Callable


def in_threads(
    work: Callable[[int], None], count: int, timeout: float = 120
) -> list[BaseException]:
    """``work(0)`` … ``work(count - 1)`` on their own threads, released together by a barrier;
    the exceptions they raised (an empty list when all went well). A thread still running
    after ``timeout`` seconds is a failure too, never a wait for ever."""
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(turn: int) -> None:
        try:
            barrier.wait(timeout)
            work(turn)
        except BaseException as failure:  # noqa: BLE001 - handed to the caller
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(turn,), daemon=True) for turn in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        if thread.is_alive():
            failures.append(TimeoutError(f"{thread.name} still running after {timeout} s"))
    return failures
