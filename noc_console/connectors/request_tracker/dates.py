"""How Request Tracker reads a date literal, and the literal to send so it reads right.

RT reads TicketSQL date literals (`LastUpdated >= '2026-03-08 04:30:00'`) as wall time
in the API user's zone, and it garbles explicit offsets, so the literal must be local.
But RT 5.0.3 (`RT::Date::ParseByTimeParseDate`) parses the wall time *as if UTC*, then
subtracts the zone's offset at *that* instant — not at the instant the wall time
means. The two lie the zone's UTC offset apart; when a change of offset falls between
them, RT is off by the size of the change. For New York's spring-forward (07:00 UTC)
that is 03:00–07:00 local, read an hour late; for Zurich's fall-back (01:00 UTC),
01:00–03:00 local, also an hour late. A search starting an hour late misses that
hour's changes (until reconciliation, which then shows a ticket resolved meanwhile
as "closed or deleted upstream").

So the incremental search starts earlier by the size of any offset change within the
danger window of `since`: from `since` to its wall time read as UTC, plus an hour each
way for safety (`widening`). Nothing changes on the other days of the year. Reading a
few more tickets twice is harmless: the sync tolerates duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SAFETY = timedelta(hours=1)  # the danger window is widened by this much each way
STEP = timedelta(minutes=30)  # offsets are compared this often across the window


def local_literal(when: datetime, zone: ZoneInfo) -> str:
    """`when` as the local wall time RT expects in TicketSQL (whole seconds)."""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def since_literal(since: datetime, zone: ZoneInfo) -> str:
    """The literal for "changed at or after `since`" that RT 5.0.3 does not read late."""
    return local_literal(since - widening(since, zone), zone)


def danger_window(since: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants whose UTC offset RT may apply to the literal of `since`."""
    offset = since.astimezone(zone).utcoffset() or timedelta(0)
    early, late = sorted((since, since + offset))
    return early - SAFETY, late + SAFETY


def widening(since: datetime, zone: ZoneInfo) -> timedelta:
    """How much earlier to start: the largest difference between the zone's UTC
    offsets within the danger window (an hour across an ordinary DST change), zero
    when the offset is the same throughout."""
    offsets = [_offset(t, zone) for t in _steps(*danger_window(since, zone))]
    return max(offsets) - min(offsets)


def _offset(when: datetime, zone: ZoneInfo) -> timedelta:
    return when.astimezone(zone).utcoffset() or timedelta(0)


def _steps(start: datetime, end: datetime) -> Iterator[datetime]:
    """`start`, every `STEP` after it, and `end`."""
    at = start
    while at < end:
        yield at
        at += STEP
    yield end
