"""Sums and counts of incidents over a period: what the service metrics are made of.

The cache adds these up in SQL (`models/cache/tally_query.py`); the metrics engine
(`services/metrics/`) turns them into means and rates. A tally holds only sums and
counts, never a mean, so tallies of parts add up to the tally of the whole: a month is
the sum of its days, all clients the sum of each.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum


class Grouping(StrEnum):
    """What a set of tallies is split by. `DAY` is the UTC day of each measure's own
    time (opened: created, resolved: resolved …), as ISO date text."""

    CLIENT = "client"
    CONTRACT = "contract"
    PRIORITY = "priority"
    TIER = "tier"
    SOURCE = "source"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts and sums of one group's incidents in one period (see docs/metrics.md).

    Times are seconds. A response or resolution clock is *decided* in the period when
    it stopped there (responded / resolved) or ran out there while still running.
    """

    opened: int = 0  # created in the period
    recurred: int = 0  # … of which repeat the same client + symptom within 30 days
    responded: int = 0  # responded in the period
    response_s: float = 0.0  # sum of created → responded (wall-clock)
    response_met: int = 0  # response clocks decided in the period and met
    response_breached: int = 0  # … and breached (late, or unanswered past due)
    resolved: int = 0  # resolved in the period
    resolution_s: float = 0.0  # sum of created → resolved, wall-clock, pauses excluded
    resolution_business_s: float = 0.0  # the same in the contract's business time …
    resolution_business_n: int = 0  # … over these many (caches before 0012 lack some)
    resolution_met: int = 0  # resolution clocks decided in the period and met
    resolution_breached: int = 0  # … and breached (late, or unresolved past due)
    first_contact: int = 0  # resolved at L1, never escalated
    escalated: int = 0  # resolved, and moved up a tier while the console watched
    reopened: int = 0  # went from resolved/closed back to open in the period

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


EMPTY = Tally()
