"""Frozen rows handed to the UI: everything a board cell needs, no ORM attached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from noc_console.models.breach_forecast import BreachForecast
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.models.sla_clock import SlaClock


@dataclass(frozen=True, slots=True)
class BoardRow:
    key: IncidentKey
    client_id: str
    client_name: str
    title: str
    status: Status
    priority: Priority
    tier: Tier
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    response: SlaClock | None
    resolution: SlaClock | None
    next_deadline: datetime | None
    impact: int
    urgency: int
    progress_at: datetime  # the last change of status or tier
    pending_actions: int = 0  # triage actions queued for delivery
    failed_actions: int = 0
    conflicted_actions: int = 0
    delivered_at: datetime | None = None  # when the latest triage action was delivered
    category: str = ""  # the source's category (correlation compares it)
    forecast: BreachForecast | None = None  # services/forecast/, attached by the board's feed

    @property
    def is_open(self) -> bool:
        return self.status.is_open


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What a mutation of the store changed, by incident key.

    `upserted` holds keys whose row is new or different (including incidents that
    closed: the board decides to drop them); `skipped` counts invalid records.
    """

    upserted: frozenset[IncidentKey] = frozenset()
    skipped: int = 0

    def __bool__(self) -> bool:
        return bool(self.upserted)

    def merge(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(self.upserted | other.upserted, self.skipped + other.skipped)
