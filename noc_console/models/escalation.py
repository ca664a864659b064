"""Escalation rules and major-incident criteria: "should escalate, because …".

Two kinds of escalation: time without progress in a tier (per priority and tier,
e.g. P1 at L1 for 15 minutes moves to L2), and breach-driven (an SLA clock breached
while the incident is below Engineering). Both give an `EscalationAdvice` with the
reason in words, for the board's "Should escalate" queue. Times without progress run
in real time: an untouched P1 is urgent at 3 a.m. too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import Priority, Tier
from noc_console.models.sla_clock import ClockState


def _minutes(**by_tier: int) -> dict[Tier, timedelta]:
    return {Tier[name]: timedelta(minutes=m) for name, m in by_tier.items()}


DEFAULT_RULES: Mapping[Priority, Mapping[Tier, timedelta]] = {
    Priority.P1: _minutes(L1=15, L2=30, L3=60),
    Priority.P2: _minutes(L1=30, L2=60, L3=120),
    Priority.P3: _minutes(L1=120, L2=240, L3=480),
    Priority.P4: _minutes(L1=480, L2=960, L3=1440),
}


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Time allowed without progress per priority and tier; escalate on breach or not."""

    rules: Mapping[Priority, Mapping[Tier, timedelta]] = field(
        default_factory=lambda: DEFAULT_RULES
    )
    on_breach: bool = True


@dataclass(frozen=True, slots=True)
class EscalationAdvice:
    to: Tier
    reason: str


@dataclass(frozen=True, slots=True)
class MajorIncidentCriteria:
    """A candidate major incident: at least `priority`, impact at least `impact`
    (1 = widest), open for `open_for` or longer."""

    priority: Priority = Priority.P1
    impact: int = 1
    open_for: timedelta = timedelta(minutes=15)


def escalation_advice(
    row: BoardRow, now: datetime, policy: EscalationPolicy | None = None
) -> EscalationAdvice | None:
    """Whether `row` should move up a tier now, and why; None when it should not."""
    policy = policy or EscalationPolicy()
    if not row.is_open or row.tier is Tier.ENG:
        return None
    to = row.tier.escalated()
    allowed = policy.rules.get(row.priority, {}).get(row.tier)
    idle = now - row.progress_at
    if allowed is not None and idle >= allowed:
        return EscalationAdvice(
            to,
            f"{row.priority.value} at {row.tier.value} without progress for "
            f"{_words(idle)} (rule: {_words(allowed)})",
        )
    if policy.on_breach:
        for name, clock in (("response", row.response), ("resolution", row.resolution)):
            if clock is not None and clock.state(now) is ClockState.BREACHED and clock.running:
                return EscalationAdvice(to, f"{name} SLA breached at {row.tier.value}")
    return None


def major_incident_reason(
    row: BoardRow, now: datetime, criteria: MajorIncidentCriteria | None = None
) -> str | None:
    """Why `row` is a candidate major incident, or None."""
    criteria = criteria or MajorIncidentCriteria()
    if not row.is_open or row.priority.rank > criteria.priority.rank:
        return None
    if row.impact > criteria.impact:
        return None
    age = now - row.created_at
    if age < criteria.open_for:
        return None
    return f"{row.priority.value} with impact {row.impact} open for {_words(age)}"


def _words(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"
