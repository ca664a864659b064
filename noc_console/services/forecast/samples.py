"""The closed history as samples: how much business time each stopped clock ran, and how
many older incidents were open in its tier when it arrived.

Business time is the SLA engine's: the clock's target less what it had left when it
stopped, so nights, weekends, holidays and (where the contract pauses) waiting time do
not count, exactly as they did not count against its due date.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.models.board_row import BoardRow
from noc_console.models.breach_forecast import ClockKind
from noc_console.models.incident import Priority, Tier
from noc_console.models.sla_clock import SlaClock


@dataclass(frozen=True, slots=True)
class Sample:
    """One stopped clock of one closed incident (its final priority, category and tier)."""

    kind: ClockKind
    priority: Priority
    category: str
    tier: Tier
    took: float  # business seconds from start to stop
    ahead: int  # older incidents open in its tier when it arrived


def business_seconds_used(clock: SlaClock, at: datetime) -> float:
    """Business seconds `clock` has run by `at` (by its stop, if it stopped)."""
    return (clock.target - clock.remaining(at)).total_seconds()


def clocks(row: BoardRow) -> tuple[tuple[ClockKind, SlaClock | None], ...]:
    return ((ClockKind.RESPONSE, row.response), (ClockKind.RESOLUTION, row.resolution))


def samples(
    closed: Iterable[tuple[BoardRow, str]], open_rows: Sequence[BoardRow] = ()
) -> list[Sample]:
    """A sample for every stopped clock of the `closed` rows (with their categories);
    `open_rows` count towards the queue the closed ones met when they arrived."""
    history = list(closed)
    ahead = arrivals_ahead([row for row, _ in history], open_rows)
    found: list[Sample] = []
    for (row, category), queued in zip(history, ahead, strict=True):
        for kind, clock in clocks(row):
            if clock is None or clock.stopped_at is None:
                continue
            took = business_seconds_used(clock, clock.stopped_at)
            found.append(Sample(kind, row.priority, category, row.tier, max(took, 0.0), queued))
    return found


def arrivals_ahead(closed: Sequence[BoardRow], open_rows: Sequence[BoardRow]) -> list[int]:
    """For each of `closed`, how many incidents of its tier were open (arrived earlier, not
    yet resolved) when it arrived — one sweep per tier in order of arrival."""
    by_tier: dict[Tier, list[tuple[datetime, float, int]]] = defaultdict(list)
    never = float("inf")
    for index, row in enumerate(closed):
        end = row.resolution.stopped_at if row.resolution is not None else None
        ended = (end or row.updated_at).timestamp()
        by_tier[row.tier].append((row.created_at, ended, index))
    for row in open_rows:
        by_tier[row.tier].append((row.created_at, never, -1))
    result = [0] * len(closed)
    for arrivals in by_tier.values():
        arrivals.sort(key=lambda item: item[0])
        still_open: list[float] = []
        for created, ended, index in arrivals:
            arrived = created.timestamp()
            while still_open and still_open[0] <= arrived:
                heapq.heappop(still_open)
            if index >= 0:
                result[index] = len(still_open)
            heapq.heappush(still_open, ended)
    return result
