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
    """A sample for every stopped clock of the `closed` rows (with their categories),
    read once and not kept (the cache yields 200,000 of them); `open_rows` count towards
    the queue the closed ones met when they arrived."""
    stopped: list[tuple[ClockKind, Priority, str, Tier, float, int]] = []
    arrivals: list[Arrival] = []
    for row, category in closed:
        for kind, clock in clocks(row):
            if clock is not None and clock.stopped_at is not None:
                took = max(business_seconds_used(clock, clock.stopped_at), 0.0)
                stopped.append((kind, row.priority, category, row.tier, took, len(arrivals)))
        arrivals.append(arrival(row))
    ahead = _ahead(arrivals, open_rows)
    return [Sample(kind, priority, category, tier, took, ahead[index])
            for kind, priority, category, tier, took, index in stopped]  # fmt: skip


#: When a closed incident arrived and left, and its tier: what its queue is counted from.
Arrival = tuple[Tier, float, float]


def arrival(row: BoardRow) -> Arrival:
    end = row.resolution.stopped_at if row.resolution is not None else None
    return row.tier, row.created_at.timestamp(), (end or row.updated_at).timestamp()


def arrivals_ahead(closed: Sequence[BoardRow], open_rows: Sequence[BoardRow]) -> list[int]:
    """For each of `closed`, how many incidents of its tier were open (arrived earlier, not
    yet resolved) when it arrived."""
    return _ahead([arrival(row) for row in closed], open_rows)


def _ahead(closed: Sequence[Arrival], open_rows: Sequence[BoardRow]) -> list[int]:
    """One sweep per tier in order of arrival, a heap of the departures still to come."""
    by_tier: dict[Tier, list[tuple[float, float, int]]] = defaultdict(list)
    never = float("inf")
    for index, (tier, created, ended) in enumerate(closed):
        by_tier[tier].append((created, ended, index))
    for row in open_rows:
        by_tier[row.tier].append((row.created_at.timestamp(), never, -1))
    result = [0] * len(closed)
    for arrivals in by_tier.values():
        arrivals.sort(key=lambda item: item[0])
        still_open: list[float] = []
        for arrived, ended, index in arrivals:
            while still_open and still_open[0] <= arrived:
                heapq.heappop(still_open)
            if index >= 0:
                result[index] = len(still_open)
            heapq.heappush(still_open, ended)
    return result
