"""Id-keyed configuration families: analytics, inventory, metrics, intelligent-tiering."""

from __future__ import annotations

from fakes3.operations.context import Handler

HANDLERS: dict[str, Handler] = {}
