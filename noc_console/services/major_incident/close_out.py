"""Close out a major incident: every child resolved with the resolution note, the
service verified restored, in one action; then, per child, how its resolve fared.

The resolves go through the outbox like any triage resolve (`triage_actions.resolve`,
so the same checks: a note, the "verified restored" confirmation), in the same
transaction as the "resolved" event that stamps the record's resolution time. A child
already resolved in its PSA gets no second resolve. Each source's lead child is resolved
after the others of its source (`leads_last`). A PSA that refuses one shows on
that child (`close_out_outcomes`), with the outbox's reason, and can be retried there
(`noc-console outbox retry`); the others are not held back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from noc_console.models.actions import ActionState
from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
)
from noc_console.services.board import triage_actions
from noc_console.services.board.triage_actions import CannotAct
from noc_console.services.identity import Identity


class CannotCloseOut(ValueError):
    """The close-out cannot go ahead; the message says why (nothing was written)."""


class ChildOutcome(StrEnum):
    PENDING = "pending"  # in the outbox, not delivered yet
    RESOLVED = "resolved"  # the PSA took the resolve
    ALREADY_RESOLVED = "already resolved"  # resolved in its PSA before the close-out
    FAILED = "failed"  # the PSA refused it (reason given); retry from the outbox
    CONFLICT = "conflict"  # someone changed the ticket's status meanwhile


@dataclass(frozen=True, slots=True)
class ChildResult:
    key: IncidentKey
    client_id: str
    outcome: ChildOutcome
    reason: str = ""


def close_out(
    store: Store, record: MajorIncident, note: str, verified: bool, me: Identity, now: datetime
) -> tuple[MajorIncident, ChangeSet]:
    """Resolve every open child of `record` and mark it resolved, all or nothing."""
    if not record.is_open:
        raise CannotCloseOut(f"{record.reference} is already resolved")
    rows = {row.key: row for row in store.rows(list(record.child_keys))}
    actions = []
    already = []
    try:
        for child in leads_last(record):
            row = rows.get(child.key)
            if row is None or not row.is_open:
                already.append(str(child.key))
                continue
            actions += triage_actions.resolve(row, note, verified, me)
    except CannotAct as exc:
        raise CannotCloseOut(str(exc)) from None
    if not note.strip():  # every child already resolved: the record still needs a note
        raise CannotCloseOut("a resolution needs a note: cause and fix")
    if not verified:
        raise CannotCloseOut("resolving needs confirmation that the service is restored")
    detail = {
        "verified": True,
        "actions": {str(a.key): a.id for a in actions},
        "already_resolved": already,
    }
    event = MajorIncidentEvent(EventKind.RESOLVED, now, me.name, note.strip(), detail)
    return store.act_on_major_incident(record.id, event, actions, now)


def leads_last(record: MajorIncident) -> list[MajorIncidentChild]:
    """The children in the order their resolves go out: each source's lead child (the
    one the others are linked to natively, `declare.child_actions`) after the rest of its
    source — a PSA may refuse to close a parent ticket while a child is open (HaloPSA's
    "children must close first"), and closing a ConnectWise parent closes its bundle
    with the parent's status instead of each child's resolution note."""
    leads: dict[str, IncidentKey] = {}
    for child in record.children:
        leads.setdefault(child.key.source, child.key)
    lead_keys = set(leads.values())
    return [c for c in record.children if c.key not in lead_keys] + [
        c for c in record.children if c.key in lead_keys
    ]


def close_out_outcomes(store: Store, record: MajorIncident) -> list[ChildResult]:
    """How each child's resolve fared, from the latest close-out on the timeline (empty
    before one)."""
    closing = [e for e in store.major_incident_events(record.id) if e.kind is EventKind.RESOLVED]
    if not closing:
        return []
    detail = closing[-1].detail
    ids = detail.get("actions") or {}
    already = set(detail.get("already_resolved") or [])
    results = []
    for child in record.children:
        name = str(child.key)
        if name in already:
            results.append(ChildResult(child.key, child.client_id, ChildOutcome.ALREADY_RESOLVED))
            continue
        queued = [q for q in store.outbox(key=child.key) if q.action.id == ids.get(name)]
        if not queued:
            results.append(ChildResult(child.key, child.client_id, ChildOutcome.FAILED,
                                       "its resolve is no longer in the outbox"))  # fmt: skip
            continue
        q = queued[0]
        outcome = {
            ActionState.DELIVERED: ChildOutcome.RESOLVED,
            ActionState.FAILED: ChildOutcome.FAILED,
            ActionState.CONFLICT: ChildOutcome.CONFLICT,
            ActionState.DISCARDED: ChildOutcome.FAILED,
        }.get(q.state, ChildOutcome.PENDING)
        reason = q.last_error or ("discarded" if q.state is ActionState.DISCARDED else "")
        results.append(ChildResult(child.key, child.client_id, outcome, reason))
    return results
