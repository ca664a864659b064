"""Pause history and due dates that honour it.

Clocks stop while an incident waits in a pausing status (on the customer, on a
vendor). Each pause is kept, so the due date after any number of pauses is exact, and
a change of priority re-targets from the original start with the same pauses — the
clock is never restarted and no paused time is forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from noc_console.models.sla import BusinessCalendar


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch of time in a pausing status; `end` is None while it lasts."""

    start: datetime
    end: datetime | None = None
    status: str = ""

    @property
    def open(self) -> bool:
        return self.end is None


def due_date(
    start: datetime, target: timedelta, calendar: BusinessCalendar, pauses: Iterable[Pause]
) -> datetime:
    """When `target` of business time will have run, not counting paused time.

    Pauses that begin after the clock has already run out change nothing (pausing a
    breached incident does not un-breach it). While a pause is open the result is
    provisional: the due date if the incident resumed at the moment it paused, so
    that the business time between the pause and this date is exactly what is left.
    """
    left = target
    cursor = start
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.end is not None and pause.end <= cursor:
            continue
        paused_at = max(pause.start, cursor)
        ran = calendar.business_time_between(cursor, paused_at)
        if ran >= left:
            break
        left -= ran
        if pause.end is None:
            return calendar.add_business_time(paused_at, left)
        cursor = pause.end
    return calendar.add_business_time(cursor, left)


#: The status of the pause a reopened incident gets for the time it spent resolved.
RESOLVED_PAUSE = "resolved"


def reopen_count(pauses: Iterable[Pause]) -> int:
    """How often the incident was reopened: each reopen leaves one pause for the time
    it spent resolved (kept for metrics: recurrence)."""
    return sum(1 for pause in pauses if pause.status == RESOLVED_PAUSE)


def paused_business_time(
    calendar: BusinessCalendar, pauses: Iterable[Pause], until: datetime
) -> timedelta:
    """Business time spent paused up to `until` (for the detail view and reports)."""
    total = timedelta(0)
    for pause in pauses:
        end = min(pause.end or until, until)
        total += calendar.business_time_between(pause.start, end)
    return total
