"""Shifts: which shift holds an instant, and when that shift starts and ends.

A `ShiftPlan` is a day cut into named shifts by wall-clock times in the NOC's IANA
zone (07:00–15:00, 15:00–23:00, 23:00–07:00 by default). The shifts tile the day: each
ends where the next begins, so every instant belongs to exactly one `ShiftSpan`. A
shift whose end is not after its start crosses midnight and belongs to the day it
starts on. Local times are placed on the UTC time line by `wall_time.wall_to_utc`, the
rule the business calendars use: across DST a shift is an hour shorter or longer,
never gapped or overlapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from noc_console.models.clock import ensure_utc
from noc_console.models.wall_time import wall_to_utc


class ShiftError(ValueError):
    """A shift plan that cannot work (unknown zone, gaps, overlaps, duplicate names)."""


@dataclass(frozen=True, slots=True)
class Shift:
    """A named wall-clock interval of the day; `end <= start` crosses midnight."""

    name: str
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class ShiftSpan:
    """One occurrence of a shift: `[start, end)` as aware UTC instants."""

    name: str
    start: datetime
    end: datetime
    day: date  # the local date the shift starts on

    def __contains__(self, when: object) -> bool:
        return isinstance(when, datetime) and self.start <= when < self.end


DEFAULT_SHIFTS = (
    Shift("Early", time(7), time(15)),
    Shift("Late", time(15), time(23)),
    Shift("Night", time(23), time(7)),
)


@dataclass(frozen=True, slots=True)
class ShiftPlan:
    """The NOC's shifts in its time zone; checked on construction (`ShiftError`)."""

    shifts: Sequence[Shift] = DEFAULT_SHIFTS
    timezone: str = "UTC"
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ShiftError(f"unknown time zone {self.timezone!r}") from exc
        object.__setattr__(self, "shifts", tuple(sorted(self.shifts, key=lambda s: s.start)))
        _check_tiling(self.shifts)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def names(self) -> list[str]:
        return [s.name for s in self.shifts]

    def span_at(self, when: datetime) -> ShiftSpan:
        """The shift occurrence that contains `when`."""
        when = ensure_utc(when)
        local_day = when.astimezone(self._zone).date()
        for offset in (-1, 0, 1):
            for shift in self.shifts:
                span = self.occurrence(shift, local_day + timedelta(days=offset))
                if when in span:
                    return span
        raise AssertionError("shifts tile the day; every instant is in one")  # pragma: no cover

    def following(self, span: ShiftSpan) -> ShiftSpan:
        """The shift after `span` (the one the incoming lead works)."""
        return self.span_at(span.end)

    def latest(self, name: str, at: datetime) -> ShiftSpan:
        """The most recent occurrence of shift `name` that has started by `at`."""
        shift = next((s for s in self.shifts if s.name == name), None)
        if shift is None:
            raise ShiftError(f"no shift named {name!r} (shifts: {', '.join(self.names())})")
        at = ensure_utc(at)
        day = at.astimezone(self._zone).date() + timedelta(days=1)
        while True:
            span = self.occurrence(shift, day)
            if span.start <= at:
                return span
            day -= timedelta(days=1)

    def occurrence(self, shift: Shift, day: date) -> ShiftSpan:
        """`shift` as it starts on local date `day`."""
        end_day = day if shift.end > shift.start else day + timedelta(days=1)
        start = wall_to_utc(datetime.combine(day, shift.start), self._zone)
        end = wall_to_utc(datetime.combine(end_day, shift.end), self._zone)
        return ShiftSpan(shift.name, start, end, day)


def _check_tiling(shifts: Sequence[Shift]) -> None:
    """Each shift must end where the next (by start time) begins, around the clock."""
    if not shifts:
        raise ShiftError("at least one shift is needed")
    names = [s.name for s in shifts]
    for name in names:
        if not name.strip():
            raise ShiftError("a shift needs a name")
        if names.count(name) > 1:
            raise ShiftError(f"shift name {name!r} is used twice")
    for i, shift in enumerate(shifts):
        following = shifts[(i + 1) % len(shifts)]
        if shift.end != following.start:
            raise ShiftError(
                f"shift {shift.name!r} ends at {shift.end:%H:%M} but the next one, "
                f"{following.name!r}, starts at {following.start:%H:%M}: shifts must cover "
                "the day without gaps or overlaps"
            )
        if len(shifts) > 1 and shift.start == shift.end:
            raise ShiftError(f"shift {shift.name!r} starts and ends at {shift.start:%H:%M}")
