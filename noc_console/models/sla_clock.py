"""One SLA clock (response or resolution) of one incident, evaluated at an instant.

A clock is a frozen value built by the store from stored timestamps; evaluating it is
pure arithmetic, cheap enough to run for every visible cell once a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

WARNING_AT = 0.75
CRITICAL_AT = 0.90


class ClockState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


class DueOrigin(StrEnum):
    """Where a due date came from: the source system's own SLA, or our engine."""

    SOURCE = "source"
    COMPUTED = "computed"


@dataclass(frozen=True, slots=True)
class SlaClock:
    """A countdown towards `due_at` that stops at `stopped_at` and freezes while paused.

    `target` is the full allowance; the percentage used is measured against it.
    """

    due_at: datetime
    target: timedelta
    origin: DueOrigin = DueOrigin.COMPUTED
    stopped_at: datetime | None = None
    paused_since: datetime | None = None

    def remaining(self, now: datetime) -> timedelta:
        """Time left at `now`; negative once breached; frozen while paused or stopped."""
        reference = self.stopped_at or self.paused_since or now
        return self.due_at - reference

    def fraction_used(self, now: datetime) -> float:
        """Share of the target used at `now` (0.0 … above 1.0 once breached)."""
        total = self.target.total_seconds()
        if total <= 0:
            return 1.0
        return 1.0 - self.remaining(now).total_seconds() / total

    def state(
        self, now: datetime, warning_at: float = WARNING_AT, critical_at: float = CRITICAL_AT
    ) -> ClockState:
        remaining = self.remaining(now)
        if self.stopped_at is not None:
            return ClockState.MET if remaining >= timedelta(0) else ClockState.BREACHED
        if remaining <= timedelta(0):
            return ClockState.BREACHED
        if self.paused_since is not None:
            return ClockState.PAUSED
        used = self.fraction_used(now)
        if used >= critical_at:
            return ClockState.CRITICAL
        if used >= warning_at:
            return ClockState.WARNING
        return ClockState.OK

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.paused_since is None
