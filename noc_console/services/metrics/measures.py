"""The figures of one group in one period, from its tally: means and rates.

Every formula is in docs/metrics.md; this module is where they are computed, once.
A mean or rate with nothing to divide by is None (shown as "—"), never zero: a client
with no incidents did not respond in zero minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from noc_console.models.tally import EMPTY, Tally


@dataclass(frozen=True, slots=True)
class Measures:
    tally: Tally = EMPTY

    @property
    def opened(self) -> int:
        return self.tally.opened

    @property
    def resolved(self) -> int:
        return self.tally.resolved

    @property
    def breaches(self) -> int:
        """Response and resolution clocks breached in the period."""
        return self.tally.response_breached + self.tally.resolution_breached

    @property
    def mtta(self) -> timedelta | None:
        """Mean time from created to responded (acknowledged), wall-clock."""
        return _mean(self.tally.response_s, self.tally.responded)

    @property
    def mttr(self) -> timedelta | None:
        """Mean time from created to resolved, wall-clock, paused time excluded."""
        return _mean(self.tally.resolution_s, self.tally.resolved)

    @property
    def mttr_business(self) -> timedelta | None:
        """The same in the business time of each incident's resolution clock."""
        return _mean(self.tally.resolution_business_s, self.tally.resolution_business_n)

    @property
    def response_compliance(self) -> float | None:
        t = self.tally
        return _share(t.response_met, t.response_met + t.response_breached)

    @property
    def resolution_compliance(self) -> float | None:
        t = self.tally
        return _share(t.resolution_met, t.resolution_met + t.resolution_breached)

    @property
    def compliance(self) -> float | None:
        """Both clocks together: met ÷ decided."""
        t = self.tally
        met = t.response_met + t.resolution_met
        return _share(met, met + self.breaches)

    @property
    def first_contact_rate(self) -> float | None:
        return _share(self.tally.first_contact, self.tally.resolved)

    @property
    def escalation_rate(self) -> float | None:
        return _share(self.tally.escalated, self.tally.resolved)

    @property
    def reopen_rate(self) -> float | None:
        return _share(self.tally.reopened, self.tally.resolved)

    @property
    def recurrence_rate(self) -> float | None:
        return _share(self.tally.recurred, self.tally.opened)


def _mean(total_s: float, count: int) -> timedelta | None:
    # SQLite measures time as fractional days: a difference is off by ~10 µs; ms are exact.
    return timedelta(seconds=round(total_s / count, 3)) if count else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
