"""The web console at ``/_fakes3/console/``: server-rendered pages over the app's state.

``router`` answers the paths, ``pages`` renders buckets, keys and objects, ``live`` the
journal, consistency timeline and fault rules, ``markup`` escapes and lays out, and
``static/`` holds the one script and style sheet (no build step). See docs/console.md.
"""

from fakes3.console.router import Console

CONSOLE_PATH = "/_fakes3/console/"  # its requests are not journaled (they only look)

__all__ = ["CONSOLE_PATH", "Console"]
