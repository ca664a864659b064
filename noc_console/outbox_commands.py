"""`noc-console outbox list [--format json] | retry ID | discard ID` (headless, no Qt).

A triage action that failed (refused for good, or credentials refused) or ran into a
conflict holds back every later action on its incident (a failed note or link: none)
until someone decides; these
commands are that decision on the command line. ID is the outbox number `list` shows,
or the action's id (its idempotency key; a unique prefix of at least six characters).

- `retry`: a failed action is queued again; a conflicting one is sent again with
  "apply mine" (it overrides the source's value).
- `discard`: the action is dropped and the source's value stands ("keep theirs").

Part of the command line (nothing imports it but cli.py). Exit 0 when done, 1 when the
action cannot be changed (already delivered, being delivered), 2 for an unknown ID.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from noc_console.models.actions import ActionState, QueuedAction
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.models.record_text import clean, is_number

#: The states `list` shows: everything not yet settled.
OPEN_STATES = (ActionState.PENDING, ActionState.FAILED, ActionState.CONFLICT)


def run_outbox_command(store: Store, clock: Clock, command: str, ident: str, fmt: str) -> int:
    if command == "list":
        return _list(store, fmt)
    found = _find(store, ident)
    if found is None:
        return 2
    if command == "retry":
        return _retry(store, clock, found)
    return _discard(store, clock, found)


def _list(store: Store, fmt: str) -> int:
    queued = store.outbox(OPEN_STATES)
    if fmt == "json":
        json.dump([_record(q) for q in queued], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not queued:
        print("the outbox is empty: every action was delivered or discarded")
        return 0
    print(f"{'#':>5}  {'state':9} {'action':11} {'incident':28} {'tries':>5}  problem")
    for q in queued:
        problem = _line(q.last_error or "")
        print(f"{q.seq:>5}  {q.state.value:9} {q.action.kind.value:11} "
              f"{_line(str(q.action.key)):28.28} {q.attempts:>5}  {problem}")  # fmt: skip
    return 0


def _record(q: QueuedAction) -> dict[str, Any]:
    a = q.action
    return {
        "seq": q.seq,
        "id": a.id,
        "state": q.state.value,
        "kind": a.kind.value,
        "source": a.key.source,
        "external_id": a.key.external_id,
        "payload": dict(a.payload),
        "author": a.author,
        "created_at": a.created_at.isoformat() if a.created_at else None,
        "attempts": q.attempts,
        "in_flight": q.in_flight,
        "last_error": q.last_error,
        "retryable": q.retryable,
        "theirs": dict(q.theirs),
    }


def _find(store: Store, ident: str) -> QueuedAction | None:
    queued = store.outbox()
    matches = [q for q in queued if is_number(ident) and q.seq == int(ident)]
    if not matches and len(ident) >= 6:  # an id may start with digits too
        matches = [q for q in queued if q.action.id.startswith(ident.lower())]
    if len(matches) == 1:
        return matches[0]
    why = "matches several actions" if matches else "is not in the outbox"
    print(f"noc-console: outbox action {ident!r} {why}; `noc-console outbox list` shows "
          "their numbers", file=sys.stderr)  # fmt: skip
    return None


def _retry(store: Store, clock: Clock, q: QueuedAction) -> int:
    if q.state is ActionState.FAILED:
        store.retry(q.seq, clock.now())
        print(f"outbox #{q.seq} ({q.action.kind.value} on {q.action.key}) queued again")
        return 0
    if q.state is ActionState.CONFLICT:
        store.apply_mine(q.seq, clock.now())
        print(f"outbox #{q.seq} ({q.action.kind.value} on {q.action.key}) will be sent again, "
              "overriding the source's value")  # fmt: skip
        return 0
    return _cannot(q, "retry")


def _discard(store: Store, clock: Clock, q: QueuedAction) -> int:
    if q.state in (ActionState.FAILED, ActionState.CONFLICT) or (
        q.state is ActionState.PENDING and not q.in_flight
    ):
        store.keep_theirs(q.seq, clock.now())
        print(f"outbox #{q.seq} ({q.action.kind.value} on {q.action.key}) discarded; "
              "the source's value stands")  # fmt: skip
        return 0
    return _cannot(q, "discard")


def _cannot(q: QueuedAction, what: str) -> int:
    why = {
        ActionState.PENDING: "it is queued or being delivered",
        ActionState.DELIVERED: "it was delivered",
        ActionState.DISCARDED: "it was discarded",
    }.get(q.state, q.state.value)
    print(f"noc-console: cannot {what} outbox #{q.seq}: {why}", file=sys.stderr)
    return 1


def _line(text: str) -> str:
    """Vendor text on a terminal: one line, no control characters (no escape codes)."""
    return clean(text, 300, one_line=True)
