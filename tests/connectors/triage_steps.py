"""One triage action of every kind on one incident, as a technician sends them in turn:
what each vendor's "every action kind lands through the outbox" test delivers."""

from __future__ import annotations

from noc_console.models.actions import Action, ActionKind
from noc_console.models.incident import IncidentKey


def every_kind(key: IncidentKey, waiting: str = "waiting_customer") -> list[Action]:
    """Acknowledge, assign Chris Nguyen, an internal and a public note, P3 → P2, L1 → L3,
    a `waiting` status, resolve with a note."""
    return [
        Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}),
        Action(key, ActionKind.ASSIGN, {"assignee": "Chris Nguyen"}, expected={"assignee": None}),
        Action(key, ActionKind.NOTE, {"text": "Looking at the uplinks", "internal": True}),
        Action(key, ActionKind.NOTE, {"text": "We are on it", "internal": False}),
        Action(key, ActionKind.PRIORITY, {"impact": 1, "urgency": 2, "priority": "P2"},
               expected={"priority": "P3"}),
        Action(key, ActionKind.TIER, {"tier": "L3"}, expected={"tier": "L1"}),
        Action(key, ActionKind.STATUS, {"status": waiting}),
        Action(key, ActionKind.RESOLVE, {"text": "Replaced the SFP"}),
    ]  # fmt: skip
