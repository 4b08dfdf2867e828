"""Configurations stored and returned: accelerate, request payment, replication, notifications."""

from __future__ import annotations

from fakes3.operations.context import Handler

HANDLERS: dict[str, Handler] = {}
