"""The live pages: the request journal, the consistency timeline and fault rules.

The journal table is filled by ``static/console.js`` polling ``GET /_fakes3/journal``. The
buttons call the existing control endpoints (fakes3/realism.py) and appear only when the
server allows console actions (``--console-actions``); settling, moving the clock and
changing fault rules count as actions, since they change what the test under inspection sees.
"""

from __future__ import annotations

from typing import Any

from fakes3.console.markup import esc, pretty, table
from fakes3.faults import Faults
from fakes3.store.consistency import Change, History
from fakes3.store.consistency_control import Consistency

_READ_ONLY = (
    "<p class=note>Read-only: start the server with <code>--console-actions</code> "
    "(<code>FAKES3_CONSOLE_ACTIONS=1</code>) to enable these buttons.</p>"
)


def journal_page() -> str:
    return (
        "<form id=filters>"
        "<label>Operation <input id=f-operation placeholder=PutObject></label> "
        "<label>Status <input id=f-status size=4></label> "
        "<label>Error code <input id=f-error placeholder=NoSuchKey></label> "
        "<label>Bucket/key <input id=f-where></label> "
        "<label><input type=checkbox id=f-faults> faults only</label> "
        "<label><input type=checkbox id=f-control checked> hide control requests</label> "
        "<label><input type=checkbox id=f-live checked> live</label></form>"
        "<p id=journal-count>loading…</p>"
        + table(
            ("Time", "Operation", "Method", "Bucket/key", "Status", "Error code", "Latency (ms)")
            + ("Fault",),
            [],
            "journal",
        )
    )


def consistency_page(consistency: Consistency, actions: bool) -> str:
    """Every change a replica has not received yet, with when each replica gets it."""
    store = consistency.store
    with store.lock:
        now = consistency.clock.time()
        view = store.view
        tables: list[tuple[str, dict[Any, History]]] = []
        if view is not None:
            tables = [("Objects", view.keys), ("Buckets", view.buckets), ("Configs", view.configs)]
        rows = [
            _change_row(kind, name, change, now)
            for kind, histories in tables
            for name, history in histories.items()
            for change in history.changes
            if change.arrivals is not None and max(change.arrivals) > now
        ]
        summary = consistency.to_json()
    mode = f"Mode <strong id=preset>{esc(summary['preset'])}</strong>, seed {esc(summary['seed'])}"
    clock = "manual" if consistency.clock.manual else "wall"
    at = consistency.clock.now().isoformat()
    parts = [f"<p>{mode}; {clock} clock at <code id=clock>{esc(at)}</code> ({now:.3f})</p>"]
    if actions:
        parts.append(
            "<p class=actions><button id=settle>Settle now</button> "
            "<label>Advance the clock by <input id=advance-seconds value=1 size=5> s</label> "
            "<button id=advance>Advance</button> <span id=action-result></span></p>"
        )
    else:
        parts.append(_READ_ONLY)
    parts.append(
        f"<h2>Writes not yet visible everywhere</h2><p id=pending>{len(rows)} change(s)</p>"
    )
    headers = ("Kind", "Name", "Changed at", "New state", "Replicas")
    parts.append(table(headers, rows, "timeline"))
    if summary["findings"]:
        parts.append("<h2>Checker findings</h2>" + pretty(summary["findings"]))
    parts.append("<h2>Rules</h2>" + pretty(summary["rules"]))
    return "".join(parts)


def _change_row(kind: str, name: Any, change: Change, now: float) -> list[str]:
    where = "/".join(name) if isinstance(name, tuple) else str(name)
    replicas = "; ".join(
        f"#{number}: " + ("visible" if at <= now else f"in {at - now:.2f} s")
        for number, at in enumerate(change.arrivals or ())
    )
    return [esc(kind), f"<code>{esc(where)}</code>", esc(f"{change.at:.3f}")] + [
        esc(_state(change.state)),
        esc(replicas),
    ]


def _state(state: Any) -> str:
    if state is None:
        return "absent (deleted)"
    if getattr(state, "delete_marker", False):
        return "delete marker"
    etag = getattr(state, "etag", None)
    if etag is not None:
        return f"{state.size} bytes, ETag {etag}"
    versioning = getattr(state, "versioning", "")
    if versioning != "":
        return f"bucket (versioning {versioning or 'never enabled'})"
    return "configuration changed"


def faults_page(faults: Faults, actions: bool) -> str:
    rules = [rule.to_json() for rule in faults.rules]
    rows = []
    for rule in rules:
        shown = {name: value for name, value in rule.items() if value not in (None, "", [], {})}
        remove = f'<button class=remove data-id="{esc(rule["id"])}">Remove</button>'
        rows.append(
            [f"<code>{esc(rule['id'])}</code>", pretty(shown)] + ([remove] if actions else [])
        )
    headers = ("Id", "Rule") + (("",) if actions else ())
    parts = [f"<p id=rule-count>{len(rules)} rule(s)</p>", table(headers, rows, "rules")]
    if actions:
        example = '{"operation": "PutObject", "error": "SlowDown", "first": 1}'
        parts.append(
            "<h2>Add a rule</h2><p>The fields of docs/faults.md, as JSON "
            "(POST /_fakes3/faults).</p>"
            f"<textarea id=rule-json rows=4 cols=70>{esc(example)}</textarea><br>"
            "<button id=add-rule>Add</button> <span id=action-result></span>"
        )
    else:
        parts.append(_READ_ONLY)
    return "".join(parts)
