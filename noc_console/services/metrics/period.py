"""The span of time a metric covers: half-open, UTC, named the way people ask for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from noc_console.models.clock import ensure_utc

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Period:
    """`[start, end)` in UTC; days, weeks and months are UTC ones (docs/metrics.md)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", ensure_utc(self.start))
        object.__setattr__(self, "end", ensure_utc(self.end))
        if self.end <= self.start:
            raise ValueError(f"a period must end after it starts ({self.start} … {self.end})")

    @classmethod
    def month(cls, text: str) -> Period:
        """The calendar month `YYYY-MM`; ValueError naming the problem otherwise."""
        found = _MONTH.fullmatch(text.strip())
        if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1970:
            raise ValueError(f"period {text!r} is not a month written YYYY-MM (e.g. 2026-11)")
        year, month = int(found[1]), int(found[2])
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        return cls(start, end)

    @classmethod
    def day_of(cls, now: datetime) -> Period:
        """The UTC day `now` falls in."""
        start = datetime.combine(ensure_utc(now).date(), time(0), UTC)
        return cls(start, start + timedelta(days=1))

    @classmethod
    def last_days(cls, now: datetime, days: int) -> Period:
        """The `days` whole UTC days up to and including today."""
        today = cls.day_of(now)
        return cls(today.end - timedelta(days=days), today.end)

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def label(self) -> str:
        """`2026-11` for a calendar month, else `2026-11-01 … 2026-11-30` (inclusive days)."""
        if self == Period.month(self.start.strftime("%Y-%m")):
            return self.start.strftime("%Y-%m")
        last = (self.end - timedelta(microseconds=1)).date()
        return f"{self.start.date().isoformat()} … {last.isoformat()}"

    def previous(self) -> Period:
        """The span of the same length just before (last week for this week)."""
        return Period(self.start - self.length, self.start)

    def clipped(self, now: datetime) -> Period | None:
        """The part of the period before `now`; None when it has not begun."""
        now = ensure_utc(now)
        if now <= self.start:
            return None
        return Period(self.start, min(self.end, now))

    def is_future(self, now: datetime) -> bool:
        return ensure_utc(now) <= self.start

    def days(self) -> Iterator[date]:
        """Every UTC day the period touches."""
        day = self.start.date()
        while datetime.combine(day, time(0), UTC) < self.end:
            yield day
            day += timedelta(days=1)
