"""Business calendars: when the SLA clock runs.

A `BusinessCalendar` holds weekly opening hours as wall-clock intervals in an IANA
time zone, plus holidays. Its two questions — "when has this much business time
elapsed?" and "how much business time lies between these instants?" — are answered
exactly (to the microsecond) across DST changes, and fast: the calendar lazily builds
a table of its open intervals as UTC instants with a running total of business time,
so each answer is two binary searches rather than a walk over days.

Wall-clock rules, decided once here:
- An interval `[start, end)` is in local wall-clock time on its weekday; `time(0, 0)`
  as an end means midnight at the end of that day; an end earlier than the start
  crosses midnight into the next day (a night shift) and belongs to the day it starts
  on (a holiday on that day removes the whole shift).
- A wall time that does not exist (the hour skipped when clocks go forward) opens or
  closes at the moment of the change; a wall time that happens twice (clocks go back)
  means its first occurrence. So a 24×7 calendar always measures real elapsed time.
- Overlapping or touching intervals are merged.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from noc_console.models.clock import ensure_utc
from noc_console.models.wall_time import wall_to_utc_us

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MIDNIGHT = time(0)
_DAY_US = 86_400_000_000
_BUILD_AHEAD = timedelta(days=400)  # how far each table extension reaches
_BUILD_BEHIND = timedelta(days=45)  # how far before the first instant asked a table starts
_MAX_SEARCH = timedelta(days=366 * 10)  # no opening within ten years: give up
_MAX_SEARCH_US = _MAX_SEARCH // _US

WeeklyHours = Mapping[int, Sequence[tuple[time, time]]]


class CalendarError(ValueError):
    """A calendar that cannot work (unknown zone, no business hours, bad interval)."""


@dataclass(frozen=True, slots=True)
class _Table:
    """Open intervals as UTC microseconds with the business time at each end."""

    covered_from: int  # queries at or after this instant are exact …
    covered_to: int  # … and before this one
    first_day: date
    last_day: date  # exclusive
    starts: list[int]
    ends: list[int]
    cumulative: list[int]  # business microseconds from the first interval to each end


class BusinessCalendar:
    """Weekly business hours in a time zone, minus holidays. Immutable; thread-safe."""

    def __init__(
        self,
        timezone: str,
        weekly_hours: WeeklyHours,
        holidays: Iterable[date] = (),
        name: str = "",
    ) -> None:
        try:
            self._zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"unknown time zone {timezone!r}") from exc
        self.timezone = timezone
        self.name = name or timezone
        self._hours: dict[int, tuple[tuple[int, int], ...]] = {}
        for weekday, intervals in weekly_hours.items():
            if weekday not in range(7):
                raise CalendarError(f"weekday {weekday!r} is not 0 (Monday) … 6 (Sunday)")
            self._hours[weekday] = tuple(_seconds(start, end) for start, end in intervals)
        if not any(self._hours.values()):
            raise CalendarError(f"calendar {self.name!r} has no business hours at all")
        self._holidays: Container[date] = frozenset(holidays)
        self._extra_holidays: Container[date] | None = None
        self._always_open = timezone == "UTC" and all(
            self._hours.get(day) == ((0, 86_400),) for day in range(7)
        )
        self._lock = threading.Lock()
        self._table: _Table | None = None

    @classmethod
    def with_public_holidays(
        cls,
        timezone: str,
        weekly_hours: WeeklyHours,
        country: str,
        subdivision: str | None = None,
        holidays: Iterable[date] = (),
        name: str = "",
    ) -> BusinessCalendar:
        """A calendar closed on the public holidays of a country (and subdivision).

        Uses the `holidays` package, which knows every year on demand; `holidays` adds
        explicit dates (company shutdowns) on top.
        """
        import holidays as public_holidays

        try:
            public = public_holidays.country_holidays(country, subdiv=subdivision)
        except NotImplementedError as exc:
            raise CalendarError(str(exc)) from exc
        calendar = cls(timezone, weekly_hours, holidays, name)
        calendar._extra_holidays = public
        return calendar

    @classmethod
    def always_open(cls, name: str = "24x7") -> BusinessCalendar:
        """Every instant counts: business time is real elapsed time."""
        return cls("UTC", {day: [(time(0), time(0))] for day in range(7)}, name=name)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r}, {self.timezone!r})"

    # ------------------------------------------------------------ public API
    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which `duration` of business time has elapsed.

        A start outside business hours counts from the next opening; a zero duration
        returns the first business instant at or after `start`. Returns UTC.
        """
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        start = ensure_utc(start)
        if self._always_open:
            return start + duration
        at = (start - _EPOCH) // _US
        wanted = duration // _US
        while True:
            table = self._table_for(at)
            i = bisect_right(table.ends, at)
            if i < len(table.ends):
                if table.starts[i] - at > _MAX_SEARCH_US:
                    raise CalendarError(f"calendar {self.name!r} has no opening within ten years")
                begin = max(at, table.starts[i])
                target = table.cumulative[i] - (table.ends[i] - begin) + wanted
                j = bisect_left(table.cumulative, target, lo=i)
                if j < len(table.ends):
                    result = table.ends[j] - (table.cumulative[j] - target)
                    if result < table.covered_to:
                        return _EPOCH + timedelta(microseconds=result)
            elif table.covered_to - at > _MAX_SEARCH_US:
                raise CalendarError(f"calendar {self.name!r} has no opening within ten years")
            self._extend_to(table.covered_to + max(wanted, _DAY_US), at)

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Business time in `[a, b)`; zero when `b` is not after `a`."""
        a, b = ensure_utc(a), ensure_utc(b)
        if b <= a:
            return timedelta(0)
        if self._always_open:
            return b - a
        a_us = (a - _EPOCH) // _US
        b_us = (b - _EPOCH) // _US
        table = self._table_for(a_us)
        if b_us >= table.covered_to:
            self._extend_to(b_us, a_us)
            table = self._table_for(a_us)
        return timedelta(microseconds=_elapsed(table, b_us) - _elapsed(table, a_us))

    def is_open(self, when: datetime) -> bool:
        """Whether `when` falls inside business hours."""
        if self._always_open:
            return True
        at = (ensure_utc(when) - _EPOCH) // _US
        table = self._table_for(at)
        i = bisect_right(table.ends, at)
        return i < len(table.ends) and table.starts[i] <= at

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays or (
            self._extra_holidays is not None and day in self._extra_holidays
        )

    # ------------------------------------------------------------ the table
    def _table_for(self, at: int) -> _Table:
        table = self._table
        if table is not None and table.covered_from <= at < table.covered_to:
            return table
        self._extend_to(at, at)
        table = self._table
        assert table is not None
        return table

    def _extend_to(self, until: int, since: int) -> None:
        """Rebuild the table so it covers `[since, until]` with room to spare."""
        with self._lock:
            old = self._table
            lo = _EPOCH + timedelta(microseconds=min(since, until))
            hi = _EPOCH + timedelta(microseconds=max(since, until))
            first = lo.astimezone(self._zone).date() - timedelta(days=2)
            last = hi.astimezone(self._zone).date() + timedelta(days=2)
            span = timedelta(0)
            if old is not None:
                if old.covered_from <= since and until < old.covered_to:
                    return  # another thread extended it meanwhile
                span = old.last_day - old.first_day
                if first < old.first_day:  # an earlier instant: reach back as far again
                    first = min(first, old.first_day - max(_BUILD_BEHIND, span // 2))
                first = min(first, old.first_day)
                last = max(last, old.last_day)
            else:  # a board asks about due dates weeks back too: one build covers them
                first -= _BUILD_BEHIND
            if old is None or last > old.last_day:
                # Grow geometrically: a target years away costs a few rebuilds, not many.
                last = max(last, first + max(_BUILD_AHEAD, 2 * span))
            self._table = self._build(first, last)

    def _build(self, first: date, last: date) -> _Table:
        spans: list[tuple[int, int]] = []
        day = first
        while day < last:
            if not self.is_holiday(day):
                for open_s, close_s in self._hours.get(day.weekday(), ()):
                    begin = self._instant(day, open_s)
                    end = self._instant(day, close_s)
                    if end > begin:
                        spans.append((begin, end))
            day += timedelta(days=1)
        spans.sort()
        starts: list[int] = []
        ends: list[int] = []
        cumulative: list[int] = []
        total = 0
        for begin, end in spans:
            if ends and begin <= ends[-1]:
                if end > ends[-1]:
                    total += end - ends[-1]
                    ends[-1] = end
                    cumulative[-1] = total
                continue
            total += end - begin
            starts.append(begin)
            ends.append(end)
            cumulative.append(total)
        # Intervals of `first` may start the day before it in UTC, and night shifts of
        # the day before `first` may reach into it: trust only from the second day on.
        covered_from = self._instant(first + timedelta(days=1), 0)
        covered_to = self._instant(last, 0)
        return _Table(covered_from, covered_to, first, last, starts, ends, cumulative)

    def _instant(self, day: date, seconds: int) -> int:
        """UTC microseconds of a wall-clock time (seconds from midnight, may be ≥ 1 day)."""
        wall = datetime.combine(day, _MIDNIGHT) + timedelta(seconds=seconds)
        return wall_to_utc_us(wall, self._zone)


def _elapsed(table: _Table, at: int) -> int:
    """Business microseconds from the table's first interval up to `at`."""
    i = bisect_right(table.ends, at)
    if i == len(table.ends):
        return table.cumulative[-1] if table.cumulative else 0
    inside = max(0, at - table.starts[i])
    return table.cumulative[i] - (table.ends[i] - table.starts[i]) + inside


def _seconds(start: time, end: time) -> tuple[int, int]:
    """An interval as seconds from the start of its day; the end may pass midnight."""
    if start.tzinfo is not None or end.tzinfo is not None:
        raise CalendarError("business hours are wall-clock times without a zone")
    begin = start.hour * 3600 + start.minute * 60 + start.second
    finish = end.hour * 3600 + end.minute * 60 + end.second
    if finish <= begin:
        finish += 86_400  # time(0, 0) is midnight at the end; earlier ends cross midnight
    return begin, finish


def office_hours(
    start: time = time(8), end: time = time(18), weekdays: Iterable[int] = range(5)
) -> dict[int, list[tuple[time, time]]]:
    """Weekly hours with the same interval on each of `weekdays` (Monday = 0)."""
    return {day: [(start, end)] for day in weekdays}


TWENTY_FOUR_SEVEN = BusinessCalendar.always_open()
