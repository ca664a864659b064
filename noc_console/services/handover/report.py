"""Shift handover assembly: what the outgoing lead hands to the incoming one.

GUI-free and read-only; `assemble_handover` gathers, from the store, for one shift:
the open incidents by priority and queue (tier); what changed during the shift —
new, escalated, resolved, breached, reopened — from the incident history the store
keeps (`models/cache/history_table.py`); major incidents in progress with the time of the
last client-visible note; triage actions still queued, failed or in conflict; and the
running clocks that fall due during the next shift; and each incident's address in
its PSA where the source gives one. The window for changes is the
shift up to `now` (a handover written before the shift ends covers the shift so far);
open incidents and clocks are as they stand at `now`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from noc_console.models.actions import ActionKind, ActionState, QueuedAction
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.history_table import IncidentEvent
from noc_console.models.cache.store import Store
from noc_console.models.escalation import major_incident_reason
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.models.major_incident import UpdateClock, update_clocks
from noc_console.models.shift import ShiftPlan, ShiftSpan
from noc_console.models.sla_clock import ClockState
from noc_console.services.major_incident.pir import OpenReview, open_reviews
from noc_console.services.major_incident.updates import SentUpdate, updates_sent
from noc_console.services.sla_config import SlaSettings

UNSETTLED = (ActionState.PENDING, ActionState.FAILED, ActionState.CONFLICT)
_TIER_ORDER = {tier: i for i, tier in enumerate(Tier)}


@dataclass(frozen=True, slots=True)
class Change:
    """One incident in a "what changed" section: when, and what in words."""

    row: BoardRow
    at: datetime
    what: str


@dataclass(frozen=True, slots=True)
class MajorIncident:
    row: BoardRow
    reason: str
    last_client_update: datetime | None  # the last note the client could see, if any


@dataclass(frozen=True, slots=True)
class OutboxItem:
    queued: QueuedAction
    row: BoardRow | None  # None when the incident is no longer in the cache


@dataclass(frozen=True, slots=True)
class HandoverReport:
    shift: ShiftSpan
    next_shift: ShiftSpan
    generated_at: datetime
    timezone: str
    open_incidents: Sequence[BoardRow]  # priority, then tier, then nearest deadline
    new: Sequence[Change]
    escalated: Sequence[Change]
    resolved: Sequence[Change]
    breached: Sequence[Change]
    reopened: Sequence[Change]
    majors: Sequence[MajorIncident]
    declared: Sequence[UpdateClock]  # declared major incidents, next client update due
    outbox: Sequence[OutboxItem]
    next_breaches: Sequence[Change]  # `at` is the due time, in the next shift
    links: Mapping[IncidentKey, str] = field(default_factory=dict)  # PSA addresses, untrusted
    client_updates: Sequence[SentUpdate] = ()  # major incidents' updates sent this shift
    reviews: Sequence[OpenReview] = ()  # post-incident reviews not closed, overdue actions


def assemble_handover(
    store: Store, plan: ShiftPlan, shift: ShiftSpan, now: datetime, sla: SlaSettings | None = None
) -> HandoverReport:
    sla = sla or SlaSettings()
    until = min(shift.end, now)
    following = plan.following(shift)
    open_rows = sorted(store.open_rows(), key=_board_order)
    events = store.history(shift.start, until)
    rows = {r.key: r for r in open_rows}
    missing = {e.key for e in events} - rows.keys()
    rows.update((r.key, r) for r in store.rows(missing))
    created = store.rows_between(shift.start, until, ["created_at"])
    due = store.rows_between(shift.start, until, ["response_due", "resolution_due"])
    queued = store.outbox(UNSETTLED)
    rows.update((r.key, r) for r in store.rows({q.action.key for q in queued} - rows.keys()))
    created_keys = {r.key for r in created} | {r.key for r in due}
    return HandoverReport(
        shift=shift,
        next_shift=following,
        generated_at=now,
        timezone=plan.timezone,
        open_incidents=open_rows,
        new=[Change(r, r.created_at, r.status.label) for r in sorted(created, key=_by_created)],
        escalated=_grouped(events, rows, _escalation),
        resolved=_resolved(events, rows, store.rows_between(shift.start, until, ["resolved_at"])),
        breached=_breaches(due, shift.start, until),
        reopened=_grouped(events, rows, _status_change(opened=True)),
        majors=[
            MajorIncident(row, reason, _last_client_update(store, row.key))
            for row in open_rows
            if (reason := major_incident_reason(row, now, sla.major_incident)) is not None
        ],
        declared=update_clocks(store.major_incidents(), sla.cadence, now),
        outbox=[OutboxItem(q, rows.get(q.action.key)) for q in queued],
        next_breaches=_breaches(open_rows, following.start, following.end, running_only=True),
        links=store.links(rows.keys() | created_keys),
        client_updates=updates_sent(store, shift.start, until),
        reviews=open_reviews(store, now.date()),
    )


def _board_order(row: BoardRow) -> tuple[int, int, bool, datetime]:
    deadline = row.next_deadline or row.created_at
    return (row.priority.rank, _TIER_ORDER[row.tier], row.next_deadline is None, deadline)


def _by_created(row: BoardRow) -> tuple[datetime, IncidentKey]:
    return (row.created_at, row.key)


def _escalation(event: IncidentEvent) -> bool:
    if event.field == "tier":
        return _TIER_ORDER[Tier(event.new)] > _TIER_ORDER[Tier(event.old)]
    if event.field == "priority":
        return Priority(event.new).rank < Priority(event.old).rank
    return False


def _status_change(opened: bool) -> Callable[[IncidentEvent], bool]:
    def matches(event: IncidentEvent) -> bool:
        if event.field != "status":
            return False
        was, now = Status(event.old).is_open, Status(event.new).is_open
        return (not was and now) if opened else (was and not now)

    return matches


def _grouped(
    events: Iterable[IncidentEvent],
    rows: dict[IncidentKey, BoardRow],
    wanted: Callable[[IncidentEvent], bool],
) -> list[Change]:
    """One line per incident: the matching events' values in order, at the last one."""
    steps: dict[IncidentKey, list[IncidentEvent]] = {}
    for event in events:
        if wanted(event) and event.key in rows:
            steps.setdefault(event.key, []).append(event)
    changes = []
    for key, found in steps.items():
        chain = [found[0].old, *(e.new for e in found)]
        words = " → ".join(_label(found[0].field, value) for value in chain)
        changes.append(Change(rows[key], found[-1].at, words))
    return sorted(changes, key=lambda c: (c.at, c.row.key))


def _resolved(
    events: Iterable[IncidentEvent], rows: dict[IncidentKey, BoardRow], closed: Iterable[BoardRow]
) -> list[Change]:
    """Incidents that closed during the shift: seen closing, or first seen closed (both
    can happen between two syncs) with their resolution time in the shift."""
    changes = {c.row.key: c for c in _grouped(events, rows, _status_change(opened=False))}
    for row in closed:
        if not row.is_open and row.key not in changes and row.resolution is not None:
            when = row.resolution.stopped_at or row.updated_at
            changes[row.key] = Change(row, when, row.status.label)
    return sorted(changes.values(), key=lambda c: (c.at, c.row.key))


def _label(field: str, value: str) -> str:
    return Status(value).label if field == "status" else value


def _breaches(
    rows: Iterable[BoardRow], start: datetime, end: datetime, running_only: bool = False
) -> list[Change]:
    """Clocks due in `[start, end)`: breached by `end`, or (running_only) still running."""
    changes = []
    for row in rows:
        for name, clock in (("Response", row.response), ("Resolution", row.resolution)):
            if clock is None or not start <= clock.due_at < end:
                continue
            if running_only and clock.running:
                changes.append(Change(row, clock.due_at, f"{name} due"))
            elif not running_only and clock.state(end) is ClockState.BREACHED:
                changes.append(Change(row, clock.due_at, f"{name} SLA breached"))
    return sorted(changes, key=lambda c: (c.at, c.row.key))


def _last_client_update(store: Store, key: IncidentKey) -> datetime | None:
    notes = [
        q.action.created_at
        for q in store.outbox(key=key)
        if q.action.kind is ActionKind.NOTE
        and not q.action.payload.get("internal", True)
        and q.action.created_at is not None
    ]
    return max(notes, default=None)
