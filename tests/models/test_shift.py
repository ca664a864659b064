"""Shift arithmetic: which shift holds an instant, across midnight and DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noc_console.models.shift import DEFAULT_SHIFTS, Shift, ShiftError, ShiftPlan

LONDON = ShiftPlan(DEFAULT_SHIFTS, "Europe/London")
NEW_YORK = ShiftPlan(DEFAULT_SHIFTS, "America/New_York")
# A plan whose boundaries fall inside the skipped and repeated hours of US DST.
AWKWARD = ShiftPlan(
    (Shift("A", time(1, 30), time(2, 30)), Shift("B", time(2, 30), time(1, 30))),
    "America/New_York",
)
PLANS = st.sampled_from([LONDON, NEW_YORK, AWKWARD, ShiftPlan()])
# hypothesis takes naive bounds and attaches the zone itself
INSTANTS = st.datetimes(
    datetime(2024, 1, 1),  # noqa: DTZ001
    datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(PLANS, INSTANTS)
def test_every_instant_is_in_the_shift_found_for_it(plan: ShiftPlan, when: datetime) -> None:
    span = plan.span_at(when)
    assert span.start <= when < span.end
    assert span.start.tzinfo is UTC
    assert span.end.tzinfo is UTC


@given(PLANS, INSTANTS)
def test_shifts_follow_each_other_without_gap_or_overlap(plan: ShiftPlan, when: datetime) -> None:
    span = plan.span_at(when)
    after = plan.following(span)
    assert after.start == span.end
    assert plan.span_at(span.start - timedelta(microseconds=1)).end == span.start
    names = plan.names()
    assert names.index(after.name) == (names.index(span.name) + 1) % len(names)


@given(INSTANTS)
def test_an_eight_hour_shift_lasts_eight_real_hours_give_or_take_dst(when: datetime) -> None:
    span = LONDON.span_at(when)
    assert span.end - span.start in {timedelta(hours=h) for h in (7, 8, 9)}


@given(PLANS, INSTANTS, st.integers(0, 2))
def test_latest_occurrence_has_started_and_is_the_newest(
    plan: ShiftPlan, when: datetime, which: int
) -> None:
    name = plan.names()[which % len(plan.names())]
    span = plan.latest(name, when)
    assert span.name == name
    assert span.start <= when
    assert when < span.start + timedelta(days=1, hours=1)  # no newer one has started


def test_the_night_shift_crosses_midnight_and_belongs_to_its_first_day() -> None:
    span = LONDON.span_at(datetime(2026, 1, 15, 3, 0, tzinfo=UTC))  # 03:00 GMT
    assert (span.name, span.day.isoformat()) == ("Night", "2026-01-14")
    assert span.start == datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    assert span.end == datetime(2026, 1, 15, 7, 0, tzinfo=UTC)


def test_the_night_the_clocks_go_back_is_an_hour_longer() -> None:
    # 2026-10-25 02:00 BST becomes 01:00 GMT: the Night shift of the 24th runs 9 hours.
    span = LONDON.span_at(datetime(2026, 10, 25, 3, 0, tzinfo=UTC))
    assert span.name == "Night"
    assert span.start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # 23:00 BST
    assert span.end == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # 07:00 GMT
    assert span.end - span.start == timedelta(hours=9)


def test_a_boundary_in_the_skipped_hour_is_the_moment_of_the_change() -> None:
    # 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00 UTC): 02:30 does not exist.
    span = AWKWARD.span_at(datetime(2026, 3, 8, 6, 45, tzinfo=UTC))  # 01:45 EST
    assert span.name == "A"
    assert span.end == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_latest_by_name() -> None:
    at = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # 17:00 BST, in the Late shift
    early = LONDON.latest("Early", at)
    assert (early.start, early.end) == (
        datetime(2026, 6, 1, 6, 0, tzinfo=UTC),
        datetime(2026, 6, 1, 14, 0, tzinfo=UTC),
    )
    assert LONDON.latest("Night", at).day.isoformat() == "2026-05-31"
    with pytest.raises(ShiftError, match="no shift named 'Day'"):
        LONDON.latest("Day", at)


@pytest.mark.parametrize(
    ("shifts", "problem"),
    [
        ((Shift("A", time(7), time(15)), Shift("B", time(16), time(7))), "without gaps"),
        ((Shift("A", time(7), time(19)), Shift("B", time(15), time(7))), "without gaps"),
        ((Shift("A", time(7), time(19)), Shift("A", time(19), time(7))), "used twice"),
        ((), "at least one"),
    ],
)
def test_plans_that_do_not_tile_the_day_are_refused(
    shifts: tuple[Shift, ...], problem: str
) -> None:
    with pytest.raises(ShiftError, match=problem):
        ShiftPlan(shifts, "UTC")


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ShiftError, match="Mars/Olympus"):
        ShiftPlan(DEFAULT_SHIFTS, "Mars/Olympus")


def test_one_shift_may_cover_the_whole_day() -> None:
    plan = ShiftPlan((Shift("All day", time(6), time(6)),), "Europe/Berlin")
    span = plan.span_at(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    assert span.end - span.start == timedelta(days=1)
