"""Functions compiled once per model shape and shared by every thread (XML readers, writers).

A shape is compiled under a reentrant lock, since its members compile inside its own
compilation; a recursive shape meets a placeholder that calls the finished function later.
Only the compiling thread can see placeholders: another thread racing to a shape's first use
waits for the lock instead of calling a placeholder whose target does not exist yet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

F = TypeVar("F")


class PerShape(Generic[F]):
    """``get(shape)``: the compiled function, compiling it on first use."""

    def __init__(
        self, compile: Callable[[str], F], placeholder: Callable[[Callable[[], F]], F]
    ) -> None:
        """``placeholder(finished)`` makes the stand-in for a shape still compiling; it must
        call ``finished()`` only when it is itself called."""
        self._compile = compile
        self._placeholder = placeholder
        self._done: dict[str, F] = {}  # compiled: what other threads may use
        self._compiling: dict[str, F] = {}  # placeholders while compiling (recursion)
        self._lock = threading.RLock()

    def get(self, shape_name: str) -> F:
        cached = self._done.get(shape_name)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._done.get(shape_name) or self._compiling.get(shape_name)
            if cached is None:
                done = self._done
                self._compiling[shape_name] = self._placeholder(lambda: done[shape_name])
                try:
                    cached = self._compile(shape_name)
                finally:
                    del self._compiling[shape_name]
                done[shape_name] = cached
            return cached
