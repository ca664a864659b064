"""The escalation queues of the board: named filters over the same rows.

Each queue is a predicate over a frozen `BoardRow` at an instant; the board shows them
in a side list with live counts (computed off the GUI thread) and filters its rows by
the one selected. Time-dependent queues (at risk, breached, should escalate) are
re-evaluated on a timer, not on every tick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.models.board_row import BoardRow
from noc_console.models.escalation import (
    EscalationPolicy,
    MajorIncidentCriteria,
    escalation_advice,
    major_incident_reason,
)
from noc_console.models.incident import IncidentKey, Status, Tier
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, ClockState, SlaThresholds
from noc_console.services.identity import Identity

Predicate = Callable[[BoardRow, datetime], bool]


@dataclass(frozen=True, slots=True)
class Queue:
    key: str
    label: str
    matches: Predicate


AT_RISK = frozenset({ClockState.WARNING, ClockState.CRITICAL})


def _states(row: BoardRow, now: datetime, thresholds: SlaThresholds) -> set[ClockState]:
    clocks = (row.response, row.resolution)
    return {clock.state(now, thresholds) for clock in clocks if clock is not None}


def _breaching(row: BoardRow, now: datetime, thresholds: SlaThresholds) -> bool:
    """A clock past its due time that is still open: something to act on now. A
    response made late is history (the board marks it quietly, the handover lists it
    among the shift's breaches), not a reason for the red queue or the wall's tile."""
    return any(
        clock.stopped_at is None and clock.state(now, thresholds) is ClockState.BREACHED
        for clock in (row.response, row.resolution)
        if clock is not None
    )


def queues(
    me: Identity | None,
    escalation: EscalationPolicy | None = None,
    major: MajorIncidentCriteria | None = None,
    thresholds: SlaThresholds = DEFAULT_THRESHOLDS,
) -> list[Queue]:
    """The board's queues, in the order the side list shows them. Pass the configured
    policies and thresholds: "at risk" must agree with the colours of the cells."""
    policy = escalation or EscalationPolicy()
    criteria = major or MajorIncidentCriteria()
    return [
        Queue("all", "All open", lambda r, n: True),
        Queue("unassigned", "Unassigned", lambda r, n: not r.assignee),
        Queue("l1", "L1", lambda r, n: r.tier is Tier.L1),
        Queue("l2", "L2", lambda r, n: r.tier is Tier.L2),
        Queue("l3", "L3", lambda r, n: r.tier is Tier.L3),
        Queue("eng", "Engineering", lambda r, n: r.tier is Tier.ENG),
        Queue("escalate", "Should escalate",
              lambda r, n: escalation_advice(r, n, policy) is not None),
        Queue("at_risk", "At risk",
              lambda r, n: bool(_states(r, n, thresholds) & AT_RISK)),
        Queue("breached", "Breached", lambda r, n: _breaching(r, n, thresholds)),
        Queue("likely", "Likely to breach",
              lambda r, n: r.forecast is not None and r.forecast.likely),
        Queue("waiting", "Waiting",
              lambda r, n: r.status in (Status.WAITING_CUSTOMER, Status.WAITING_VENDOR)),
        Queue("major", "Major candidates",
              lambda r, n: major_incident_reason(r, n, criteria) is not None),
        Queue("mine", "Mine", lambda r, n: me is not None and me.owns(r)),
    ]  # fmt: skip


def membership(
    all_queues: Sequence[Queue], rows: Iterable[BoardRow], now: datetime
) -> dict[str, frozenset[IncidentKey]]:
    """The incidents in each queue at `now` (10,000 rows: ~150 ms; run it off the GUI
    thread). Counts are the sizes; the board filters by these sets, so switching to a
    time-dependent queue costs a set lookup per row, not an SLA evaluation."""
    members: dict[str, set[IncidentKey]] = {q.key: set() for q in all_queues}
    for row in rows:
        for queue in all_queues:
            if queue.matches(row, now):
                members[queue.key].add(row.key)
    return {key: frozenset(keys) for key, keys in members.items()}
