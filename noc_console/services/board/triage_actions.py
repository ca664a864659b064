"""The triage actions a technician can take on a board row, as `Action`s — one place
for the keyboard (`views/board/triage.py`), bulk actions on a selection and
`noc-console act` (`act_commands.py`), so they all send the same thing.

Each builder returns the actions to submit, oldest first, or raises `CannotAct` with
one line saying why not (the row is already in that state), which the board shows in
the status bar and the command line prints. `me` is the `Identity` at this console:
its name is every action's author; "take" assigns its account on the row's source.
"""

from __future__ import annotations

from typing import Any

from noc_console.models.actions import Action, ActionKind
from noc_console.models.board_row import BoardRow
from noc_console.models.incident import Priority, Status, Tier
from noc_console.models.priority import DEFAULT_MATRIX, PriorityMatrix, impact_urgency_for
from noc_console.services.identity import Identity


class CannotAct(ValueError):
    """The action makes no sense on this row now; the message says why."""


def _action(row: BoardRow, kind: ActionKind, payload: dict[str, Any], me: Identity,
            **seen: Any) -> Action:  # fmt: skip
    return Action(row.key, kind, payload, expected=seen, author=me.name)


def acknowledge(row: BoardRow, me: Identity) -> list[Action]:
    if row.status is not Status.NEW:
        raise CannotAct(f"{row.key} is already {row.status.label.lower()}: nothing to acknowledge")
    return [_action(row, ActionKind.ACKNOWLEDGE, {}, me, status=row.status.value)]


def take(row: BoardRow, me: Identity) -> list[Action]:
    """Assign to my account in the row's PSA (`[me.identities]`, else my name)."""
    account = me.on(row.key.source)
    if not account:
        source = row.key.source
        raise CannotAct(f"who you are in {source} is not known: set [me] name, or {source} "
                        "under [me.identities], in the configuration")  # fmt: skip
    if me.owns(row):
        raise CannotAct(f"{row.key} is already assigned to you")
    return [_action(row, ActionKind.ASSIGN, {"assignee": account}, me, assignee=row.assignee)]


def note(row: BoardRow, text: str, internal: bool, me: Identity) -> list[Action]:
    text = text.strip()
    if not text:
        raise CannotAct("a note needs text")
    return [_action(row, ActionKind.NOTE, {"text": text, "internal": internal}, me)]


def escalate(row: BoardRow, reason: str, me: Identity, to: Tier | None = None) -> list[Action]:
    """To `to`, or the next tier; with an internal note saying why."""
    reason = reason.strip()
    if to is None:
        if row.tier is Tier.ENG:
            raise CannotAct(f"{row.key} is already with engineering (ENG): no tier above")
        to = row.tier.escalated()
    if to is row.tier:
        raise CannotAct(f"{row.key} is already at {to.value}")
    if not reason:
        raise CannotAct("an escalation needs a reason")
    tier = _action(row, ActionKind.TIER, {"tier": to.value, "reason": reason}, me,
                   tier=row.tier.value)  # fmt: skip
    text = f"Escalated to {to.value}: {reason}"
    return [tier, *note(row, text, True, me)]


def waiting(row: BoardRow, reason: str, me: Identity) -> list[Action]:
    if row.status is Status.WAITING_CUSTOMER:
        raise CannotAct(f"{row.key} is already waiting on the customer")
    status = _action(row, ActionKind.STATUS, {"status": Status.WAITING_CUSTOMER.value}, me,
                     status=row.status.value)  # fmt: skip
    return [status, *note(row, f"Waiting on the customer: {reason.strip()}", False, me)]


def resolve(row: BoardRow, text: str, verified: bool, me: Identity) -> list[Action]:
    if not text.strip():
        raise CannotAct("a resolution needs a note: cause and fix")
    if not verified:
        raise CannotAct("resolving needs confirmation that the service is restored")
    return [_action(row, ActionKind.RESOLVE, {"text": text.strip()}, me, status=row.status.value)]


def reprioritise(row: BoardRow, impact: int, urgency: int, priority: Priority,
                 me: Identity) -> list[Action]:  # fmt: skip
    if (impact, urgency) == (row.impact, row.urgency) and priority is row.priority:
        raise CannotAct(f"{row.key} is already {priority.value}")
    payload = {"impact": impact, "urgency": urgency, "priority": priority.value}
    return [_action(row, ActionKind.PRIORITY, payload, me, priority=row.priority.value)]


def set_priority(row: BoardRow, priority: Priority, me: Identity,
                 matrix: PriorityMatrix = DEFAULT_MATRIX) -> list[Action]:  # fmt: skip
    """A priority named directly (the command line): the matrix's most balanced cell."""
    if priority is row.priority:
        raise CannotAct(f"{row.key} is already {priority.value}")
    impact, urgency = impact_urgency_for(priority, matrix)
    return reprioritise(row, impact, urgency, priority, me)
