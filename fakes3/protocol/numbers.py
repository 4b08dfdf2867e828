"""Whole numbers from client input, without the traps of ``int()``.

``str.isdigit()`` accepts ``²`` and other Unicode digits that ``int()`` refuses, ``\\d`` in a
regular expression matches Arabic-Indic digits, and ``int()`` refuses more than 4300 digits
(CPython's guard against quadratic conversion). S3 reads ASCII digits only, and a number too
large for any object size is simply large: ``decimal`` caps it at ``HUGE`` instead of raising.
"""

from __future__ import annotations

HUGE = 1 << 64  # larger than any size, offset, count or time S3 deals in
MAX_LONG = (1 << 63) - 1  # where S3 reads a 64-bit number, more is no number
_MAX_DIGITS = 19  # 10**19 - 1 < HUGE: shorter numbers convert exactly


def is_decimal(text: str) -> bool:
    """One or more ASCII digits and nothing else."""
    return text.isascii() and text.isdigit()


def decimal(text: str, cap: int = HUGE) -> int | None:
    """ASCII digits -> their value (at most ``cap``); None for anything else (signs too)."""
    if not is_decimal(text):
        return None
    significant = text.lstrip("0")
    if len(significant) > _MAX_DIGITS:
        return cap
    return min(int(significant or "0"), cap)


def signed_decimal(text: str, cap: int = HUGE) -> int | None:
    """An optional ``-`` then ASCII digits, capped at ``±cap``; None for anything else."""
    if text.startswith("-"):
        value = decimal(text[1:], cap)
        return None if value is None else -value
    return decimal(text, cap)


__all__ = ["HUGE", "MAX_LONG", "decimal", "is_decimal", "signed_decimal"]
