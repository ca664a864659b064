"""Between incidents and stored columns: pause bookkeeping, due dates, board rows.

Pure functions the store calls inside its transactions. Kept apart from the store so
the SLA arithmetic on write (what is due when, given the contract, the calendar and
the pause history) reads as one piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from noc_console.models.board_row import BoardRow
from noc_console.models.contract import ClientTerms, ClockTarget
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.models.pauses import RESOLVED_PAUSE, Pause, due_date
from noc_console.models.sla_clock import DueOrigin, SlaClock
from noc_console.models.symptom import symptom


@dataclass(frozen=True, slots=True)
class Previous:
    """What the store knew of an incident before this write."""

    version: str
    status: Status
    tier: Tier
    status_since: datetime
    tier_since: datetime


def next_pauses(
    incident: Incident,
    terms: ClientTerms,
    pauses: list[Pause],
    resolved_since: datetime | None = None,
) -> tuple[list[Pause], bool]:
    """The pause history after this change, and whether it changed.

    Entering a pausing status opens a pause at the change time; leaving it (to any
    other status, resolved included) closes the open one. `resolved_since` is when the
    stored incident was resolved (None: it was open, or is new): reopening it adds a
    closed pause for the time it spent resolved, so that time does not count against
    its clocks (docs/sla.md, "Reopened incidents").
    """
    when = incident.updated_at
    reopened = resolved_since is not None and incident.is_open
    if reopened and resolved_since is not None:
        start = min(resolved_since, when)
        pauses = [*pauses, Pause(start, when, RESOLVED_PAUSE)]
    pausing = incident.status in terms.contract.pausing_statuses
    current = pauses[-1] if pauses and pauses[-1].open else None
    if pausing and current is None:
        return [*pauses, Pause(when, None, incident.status.value)], True
    if not pausing and current is not None:
        closed = Pause(current.start, max(when, current.start), current.status)
        return [*pauses[:-1], closed], True
    return pauses, reopened


def columns(
    incident: Incident, previous: Previous | None, terms: ClientTerms, pauses: list[Pause]
) -> dict[str, Any]:
    """Every stored column of `incident` after this write."""
    target = terms.contract.target(incident.priority)
    response_due, response_s = _due(incident, incident.response_due, target.response, terms, pauses)
    resolution_due, resolution_s = _due(
        incident, incident.resolution_due, target.resolution, terms, pauses
    )
    deadlines = []
    if incident.is_open:
        if incident.responded_at is None:
            deadlines.append(response_due)
        if incident.resolved_at is None:
            deadlines.append(resolution_due)
    when = incident.updated_at
    status_since = when
    tier_since = when
    if previous is not None:
        status_since = previous.status_since if previous.status is incident.status else when
        tier_since = previous.tier_since if previous.tier is incident.tier else when
    open_pause = pauses[-1] if pauses and pauses[-1].open else None
    return {
        "source": incident.source,
        "external_id": incident.external_id,
        "client_id": incident.client_id,
        "title": incident.title,
        "description": incident.description,
        "category": incident.category,
        "status": incident.status.value,
        "source_status": incident.source_status,
        "priority": incident.priority.value,
        "impact": incident.impact,
        "urgency": incident.urgency,
        "tier": incident.tier.value,
        "assignee": incident.assignee,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "responded_at": incident.responded_at,
        "resolved_at": incident.resolved_at,
        "response_due": response_due,
        "resolution_due": resolution_due,
        "response_due_origin": _origin(incident.response_due),
        "resolution_due_origin": _origin(incident.resolution_due),
        "response_target_s": response_s,
        "resolution_target_s": resolution_s,
        "paused_since": open_pause.start if open_pause else None,
        "status_since": status_since,
        "tier_since": tier_since,
        "is_open": incident.is_open,
        "next_deadline": min(deadlines) if deadlines else None,
        "version": incident.version,
        "raw": incident.raw,
        "symptom": symptom(incident.title, incident.category),
        **metric_facts(incident, terms, pauses),
    }


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def metric_facts(
    incident: Incident, terms: ClientTerms | None, pauses: list[Pause]
) -> dict[str, Any]:
    """What the service metrics add up about an incident (docs/metrics.md), as whole
    seconds, so the metrics' SQL sums integers instead of parsing times: when it was
    raised (epoch), raised → answered (responded, else resolved), raised → resolved
    without paused time, and the same in the business time of its resolution clock
    (None without `terms`: a migration knows no calendars)."""
    created = incident.created_at
    answered = incident.responded_at or incident.resolved_at
    facts: dict[str, Any] = {
        "created_s": int((created - _EPOCH).total_seconds()),
        "response_wall_s": None if answered is None else _seconds(answered - created),
        "resolution_wall_s": None,
        "resolution_business_s": None,
    }
    resolved = incident.resolved_at
    if resolved is None:
        return facts
    spans = [(max(p.start, created), min(p.end or resolved, resolved)) for p in pauses]
    spans = [(a, b) for a, b in spans if b > a]
    paused = sum((b - a for a, b in spans), timedelta(0))
    facts["resolution_wall_s"] = _seconds(resolved - created - paused)
    if terms is not None:
        calendar = terms.calendar_for(terms.contract.target(incident.priority).resolution)
        business = calendar.business_time_between(created, resolved)
        business -= sum((calendar.business_time_between(a, b) for a, b in spans), timedelta(0))
        facts["resolution_business_s"] = _seconds(business)
    return facts


def _seconds(value: timedelta) -> int:
    return max(0, round(value.total_seconds()))


#: The stored columns a board row is made of, in the order `board_row` unpacks them.
ROW_FIELDS = (
    "source", "external_id", "client_id", "title", "status", "priority", "tier", "assignee",
    "created_at", "updated_at", "responded_at", "resolved_at", "response_due", "resolution_due",
    "response_due_origin", "resolution_due_origin", "response_target_s", "resolution_target_s",
    "paused_since", "next_deadline", "impact", "urgency", "status_since", "tier_since", "category",
)  # fmt: skip

# Stored text to member by dictionary: calling an enum class costs a microsecond, and the
# board's start-up makes 50,000 of them. Unknown text still raises the enum's ValueError.
_STATUSES: dict[str, Status] = {s.value: s for s in Status}
_PRIORITIES: dict[str, Priority] = {p.value: p for p in Priority}
_TIERS: dict[str, Tier] = {t.value: t for t in Tier}
_ORIGINS: dict[str, DueOrigin] = {o.value: o for o in DueOrigin}


def board_row(r: Sequence[Any], client_name: str, terms: ClientTerms) -> BoardRow:
    """A frozen board row from a stored record: a result row of the `ROW_FIELDS` columns,
    unpacked by position (reading a result row's attributes by name cost a microsecond
    each, half the time the board's start-up spent making its 10,000 rows)."""
    (source, external_id, client_id, title, status, priority, tier, assignee, created_at,
     updated_at, responded_at, resolved_at, response_due, resolution_due, response_origin,
     resolution_origin, response_s, resolution_s, paused_since, next_deadline, impact, urgency,
     status_since, tier_since, category) = r  # fmt: skip
    level = _PRIORITIES.get(priority) or Priority(priority)
    target = terms.contract.target(level)
    running = paused_since if resolved_at is None else None  # a stopped clock is not paused
    return BoardRow(
        IncidentKey(source, external_id),
        client_id,
        client_name,
        title,
        _STATUSES.get(status) or Status(status),
        level,
        _TIERS.get(tier) or Tier(tier),
        assignee,
        created_at,
        updated_at,
        None if response_due is None else SlaClock(
            response_due, _duration(response_s), _origin_of(response_origin), responded_at,
            paused_since if responded_at is None else None, terms.calendar_for(target.response),
        ),
        None if resolution_due is None else SlaClock(
            resolution_due, _duration(resolution_s), _origin_of(resolution_origin), resolved_at,
            running, terms.calendar_for(target.resolution),
        ),
        next_deadline,
        impact,
        urgency,
        max(status_since, tier_since),
        category=category,
    )  # fmt: skip


#: Targets as timedeltas by their seconds: a board's rows share a few dozen, and making
#: two per row was a tenth of making them. Bounded: due dates from a source give any.
_DURATIONS: dict[int, timedelta] = {}


def _duration(seconds: int) -> timedelta:
    found = _DURATIONS.get(seconds)
    if found is None:
        found = timedelta(seconds=seconds)
        if len(_DURATIONS) < 10_000:
            _DURATIONS[seconds] = found
    return found


def _origin_of(text: str) -> DueOrigin:
    return _ORIGINS.get(text) or DueOrigin(text)


def _due(
    incident: Incident,
    source_due: datetime | None,
    target: ClockTarget,
    terms: ClientTerms,
    pauses: list[Pause],
) -> tuple[datetime, int]:
    """The due date and the full target in business seconds of the clock's calendar."""
    calendar = terms.calendar_for(target)
    if source_due is not None:
        allowance = calendar.business_time_between(incident.created_at, source_due)
        return source_due, max(1, int(allowance.total_seconds()))
    due = due_date(incident.created_at, target.duration, calendar, pauses)
    return due, int(target.duration.total_seconds())


def _origin(source_due: datetime | None) -> str:
    return DueOrigin.SOURCE.value if source_due is not None else DueOrigin.COMPUTED.value
