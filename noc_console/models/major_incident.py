"""A major incident: one event that many clients' tickets are part of, and ours to run.

The record lives in our cache (shared in team mode), not in any PSA: its children are
tickets in several PSAs, each told of it by an internal note (and a native link where
the PSA has one). It names an incident commander and a communications lead, the
affected clients and its children, and keeps a timeline of events (`MajorIncidentEvent`)
from which its times are derived: the first client update, the last one, mitigation and
resolution. The next client update is due on a cadence per severity
(`UpdateCadence`, from `[major_incident]` in the configuration): the first within
`first_update_within` of the declaration, then `update_every[severity]` after the last.

Other features build on these types (communications, close-out, the post-incident
review); the store's methods are `Store.declare_major_incident`,
`Store.major_incidents`, `Store.major_incident`, `Store.record_major_incident_event`
and `Store.major_incident_events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from noc_console.models.clock_text import duration
from noc_console.models.incident import IncidentKey, Priority


class MajorIncidentState(StrEnum):
    OPEN = "open"  # declared, being worked; the update cadence runs
    RESOLVED = "resolved"  # closed out: every child resolved; no more updates due


class EventKind(StrEnum):
    """What happened to a major incident. Some kinds set the record's times
    (`TIMED_BY`); the rest are the timeline only."""

    DECLARED = "declared"
    CHILD_ADDED = "child_added"
    UPDATE_SENT = "update_sent"  # a client update went out (sets first/last update)
    MITIGATED = "mitigated"  # service restored, fix not yet verified
    RESOLVED = "resolved"  # closed out (the record's state becomes resolved)
    REOPENED = "reopened"  # resolved, then open again
    NOTE = "note"  # anything else worth the timeline (an escalation, a handover remark)
    REVIEW = "review"  # the post-incident review as saved (models/pir.py): the latest wins


@dataclass(frozen=True, slots=True)
class MajorIncidentChild:
    """One ticket that is part of the major incident, in its own PSA."""

    key: IncidentKey
    client_id: str
    title: str = ""  # as the board showed it when linked (untrusted text)
    added_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MajorIncidentEvent:
    """One line of the timeline; `detail` holds what the kind needs (JSON values)."""

    kind: EventKind
    at: datetime
    by: str
    text: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)
    major_incident_id: int = 0
    id: int = 0  # 0 until stored


@dataclass(frozen=True, slots=True)
class MajorIncident:
    """The record. `id` is 0 until stored; `reference` is how people name it."""

    title: str
    severity: Priority
    commander: str
    comms_lead: str
    declared_at: datetime
    declared_by: str
    clients: tuple[str, ...] = ()  # client ids, in the order shown
    children: tuple[MajorIncidentChild, ...] = ()
    state: MajorIncidentState = MajorIncidentState.OPEN
    detected_at: datetime | None = None  # the earliest child's creation
    first_update_at: datetime | None = None
    last_update_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    id: int = 0

    @property
    def reference(self) -> str:
        return f"MI-{self.id}" if self.id else "MI-(new)"

    @property
    def is_open(self) -> bool:
        return self.state is MajorIncidentState.OPEN

    @property
    def child_keys(self) -> tuple[IncidentKey, ...]:
        return tuple(c.key for c in self.children)


#: The record's time each event kind sets (first update: only while it has none).
TIMED_BY: Mapping[EventKind, str] = {
    EventKind.UPDATE_SENT: "last_update_at",
    EventKind.MITIGATED: "mitigated_at",
    EventKind.RESOLVED: "resolved_at",
}


def after_event(record: MajorIncident, event: MajorIncidentEvent) -> MajorIncident:
    """`record` once `event` has happened: its times and state (the store writes this)."""
    changes: dict[str, Any] = {}
    name = TIMED_BY.get(event.kind)
    if name is not None:
        changes[name] = event.at
    if event.kind is EventKind.UPDATE_SENT and record.first_update_at is None:
        changes["first_update_at"] = event.at
    if event.kind is EventKind.RESOLVED:
        changes["state"] = MajorIncidentState.RESOLVED
    if event.kind is EventKind.REOPENED:
        changes.update(state=MajorIncidentState.OPEN, resolved_at=None)
    return replace(record, **changes) if changes else record


@dataclass(frozen=True, slots=True)
class UpdateCadence:
    """How often clients hear from us during a major incident, per severity."""

    every: Mapping[Priority, timedelta]
    first_within: timedelta = timedelta(minutes=15)

    def interval(self, severity: Priority) -> timedelta:
        """The cadence of `severity` (a severity not configured: the slowest one)."""
        found = self.every.get(severity)
        if found is not None:
            return found
        return max(self.every.values(), default=timedelta(hours=1))

    def next_update_due(self, record: MajorIncident) -> datetime | None:
        """When the next client update is due; None once the record is resolved."""
        if not record.is_open:
            return None
        if record.last_update_at is None:
            return record.declared_at + self.first_within
        return record.last_update_at + self.interval(record.severity)


DEFAULT_CADENCE = UpdateCadence(
    {Priority.P1: timedelta(minutes=30), Priority.P2: timedelta(minutes=60)}
)


@dataclass(frozen=True, slots=True)
class UpdateClock:
    """Where a major incident stands against its cadence at one instant (what the board,
    the wall, the handover and the alarm show)."""

    record: MajorIncident
    due_at: datetime | None
    now: datetime

    @property
    def remaining(self) -> timedelta | None:
        """Time to the next update (negative: overdue by that much)."""
        return None if self.due_at is None else self.due_at - self.now

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.now >= self.due_at

    @property
    def words(self) -> str:
        """ "next client update in 12m 30s", "client update OVERDUE by 2m 10s" (the board's
        banner, the wall's panel and the handover say the same)."""
        remaining = self.remaining
        if remaining is None:
            return "no client update due"
        if self.overdue:
            return f"client update OVERDUE by {duration(remaining)}"
        return f"next client update in {duration(remaining)}"

    @property
    def summary(self) -> str:
        """MI-3 P1 Carrier outage Oslo · 5 incidents · 3 clients · IC Dana · comms Sam."""
        r = self.record
        return f"{r.reference} {r.severity.value} {r.title} · {self.details}"

    @property
    def details(self) -> str:
        """5 incidents · 3 clients · IC Dana · comms Sam."""
        r = self.record
        clients = len(r.clients)
        return (f"{len(r.children)} incidents · {clients} client{'s' if clients != 1 else ''} · "
                f"IC {r.commander} · comms {r.comms_lead}")  # fmt: skip


def update_clocks(
    records: list[MajorIncident], cadence: UpdateCadence, now: datetime
) -> list[UpdateClock]:
    """The open records' clocks, the soonest due first."""
    clocks = [UpdateClock(r, cadence.next_update_due(r), now) for r in records if r.is_open]
    return sorted(clocks, key=lambda c: (c.due_at or now, c.record.id))
