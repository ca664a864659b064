"""One SLA clock (response or resolution) of one incident, evaluated at an instant.

A clock is a frozen value built by the store from stored timestamps and the calendar
it runs on; evaluating it is two binary searches in that calendar, cheap enough for
every visible cell once a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from noc_console.models.sla import TWENTY_FOUR_SEVEN, BusinessCalendar


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
class SlaThresholds:
    """Shares of the target used at which a clock turns warning and critical."""

    warning_at: float = 0.75
    critical_at: float = 0.90

    def __post_init__(self) -> None:
        if not 0 < self.warning_at <= self.critical_at <= 1:
            raise ValueError("thresholds need 0 < warning ≤ critical ≤ 1")


DEFAULT_THRESHOLDS = SlaThresholds()


@dataclass(frozen=True, slots=True)
class SlaClock:
    """A countdown towards `due_at` that stops at `stopped_at` and freezes while paused.

    `target` is the full allowance in business time of `calendar`; remaining time and
    the share used are measured in that calendar, so a clock on office hours does not
    run down overnight.
    """

    due_at: datetime
    target: timedelta
    origin: DueOrigin = DueOrigin.COMPUTED
    stopped_at: datetime | None = None
    paused_since: datetime | None = None
    calendar: BusinessCalendar = TWENTY_FOUR_SEVEN

    def remaining(self, now: datetime) -> timedelta:
        """Business time left at `now`; negative once breached; frozen when paused/stopped."""
        reference = self.stopped_at or self.paused_since or now
        if reference <= self.due_at:
            return self.calendar.business_time_between(reference, self.due_at)
        return -self.calendar.business_time_between(self.due_at, reference)

    def fraction_used(self, now: datetime) -> float:
        """Share of the target used at `now` (0.0 … above 1.0 once breached)."""
        return self._share(self.remaining(now))

    def state(self, now: datetime, thresholds: SlaThresholds = DEFAULT_THRESHOLDS) -> ClockState:
        return self._state(now, thresholds, None)

    def reading(
        self, now: datetime, thresholds: SlaThresholds = DEFAULT_THRESHOLDS
    ) -> tuple[timedelta, ClockState, float]:
        """Remaining time, state and share used at `now`, with the calendar consulted
        once (a board cell needs all three every second)."""
        remaining = self.remaining(now)
        used = self._share(remaining)
        return remaining, self._state(now, thresholds, used), used

    def _share(self, remaining: timedelta) -> float:
        total = self.target.total_seconds()
        return 1.0 if total <= 0 else 1.0 - remaining.total_seconds() / total

    def _state(self, now: datetime, thresholds: SlaThresholds, used: float | None) -> ClockState:
        reference = self.stopped_at or self.paused_since or now
        breached = reference > self.due_at or (self.stopped_at is None and reference == self.due_at)
        if self.stopped_at is not None:
            return ClockState.BREACHED if breached else ClockState.MET
        if breached:
            return ClockState.BREACHED
        if self.paused_since is not None:
            return ClockState.PAUSED
        if used is None:
            used = self.fraction_used(now)
        if used >= thresholds.critical_at:
            return ClockState.CRITICAL
        if used >= thresholds.warning_at:
            return ClockState.WARNING
        return ClockState.OK

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.paused_since is None
