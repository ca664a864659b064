"""BusinessCalendar: exact semantics, DST, holidays, and properties that must always hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noc_console.models.sla import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarError,
    office_hours,
)

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC"]
H = timedelta(hours=1)
US = timedelta(microseconds=1)


def local(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


# ------------------------------------------------------------------ worked examples
def test_friday_evening_rolls_to_monday_morning() -> None:
    london = BusinessCalendar("Europe/London", office_hours(time(8), time(18)))
    friday_5pm = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert london.add_business_time(friday_5pm, 2 * H) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert london.business_time_between(friday_5pm, datetime(2026, 11, 30, 9, tzinfo=UTC)) == 2 * H


def test_start_outside_hours_counts_from_the_next_opening() -> None:
    berlin = BusinessCalendar("Europe/Berlin", office_hours(time(9), time(17)))
    saturday = local(BERLIN, 2026, 11, 28, 12)
    assert berlin.add_business_time(saturday, timedelta(0)) == local(BERLIN, 2026, 11, 30, 9)
    assert berlin.add_business_time(saturday, 30 * timedelta(minutes=1)) == local(
        BERLIN, 2026, 11, 30, 9, 30
    )


def test_exactly_filling_a_day_ends_at_closing_time() -> None:
    berlin = BusinessCalendar("Europe/Berlin", office_hours(time(9), time(17)))
    monday_9 = local(BERLIN, 2026, 11, 30, 9)
    assert berlin.add_business_time(monday_9, 8 * H) == local(BERLIN, 2026, 11, 30, 17)
    assert berlin.add_business_time(monday_9, 8 * H + US) == local(BERLIN, 2026, 12, 1, 9) + US


def test_lunch_break_is_skipped() -> None:
    hours = {d: [(time(8), time(12)), (time(13), time(17))] for d in range(5)}
    cal = BusinessCalendar("Asia/Kolkata", hours)
    assert cal.add_business_time(local(KOLKATA, 2026, 12, 1, 11), 2 * H) == local(
        KOLKATA, 2026, 12, 1, 14
    )
    assert not cal.is_open(local(KOLKATA, 2026, 12, 1, 12, 30))


def test_explicit_holidays_close_the_day() -> None:
    cal = BusinessCalendar("Europe/Berlin", office_hours(time(9), time(17)), [date(2026, 12, 1)])
    assert cal.add_business_time(local(BERLIN, 2026, 11, 30, 16), 2 * H) == local(
        BERLIN, 2026, 12, 2, 10
    )


def test_public_holidays_from_the_holidays_package() -> None:
    cal = BusinessCalendar.with_public_holidays(
        "Europe/London", office_hours(), country="GB", subdivision="ENG"
    )
    assert cal.is_holiday(date(2026, 12, 25))
    assert cal.is_holiday(date(2026, 12, 28))  # Boxing Day, observed on Monday
    christmas_eve_5pm = datetime(2026, 12, 24, 17, tzinfo=UTC)
    assert cal.add_business_time(christmas_eve_5pm, 2 * H) == datetime(2026, 12, 29, 9, tzinfo=UTC)
    with pytest.raises(CalendarError):
        BusinessCalendar.with_public_holidays("UTC", office_hours(), country="XX")


def test_night_shift_crossing_midnight_belongs_to_its_start_day() -> None:
    nights = {d: [(time(22), time(6))] for d in range(7)}
    cal = BusinessCalendar("Europe/Berlin", nights, holidays=[date(2026, 12, 2)])
    assert cal.is_open(local(BERLIN, 2026, 12, 2, 3))  # the shift of 1 December
    assert not cal.is_open(local(BERLIN, 2026, 12, 2, 23))  # 2 December is a holiday
    assert cal.business_time_between(
        local(BERLIN, 2026, 12, 1, 0), local(BERLIN, 2026, 12, 4, 0)
    ) == 6 * H + 8 * H + 2 * H  # fmt: skip


# ------------------------------------------------------------------ DST
def test_24x7_local_calendar_measures_real_time_across_dst() -> None:
    always = BusinessCalendar("America/New_York", {d: [(time(0), time(0))] for d in range(7)})
    spring_day = always.business_time_between(local(NY, 2026, 3, 8), local(NY, 2026, 3, 9))
    autumn_day = always.business_time_between(local(NY, 2026, 11, 1), local(NY, 2026, 11, 2))
    assert (spring_day, autumn_day) == (23 * H, 25 * H)


def test_wall_clock_hours_keep_their_wall_times_after_a_change() -> None:
    berlin = BusinessCalendar("Europe/Berlin", office_hours(time(9), time(17)))
    friday_4pm = local(BERLIN, 2026, 3, 27, 16)  # clocks go forward on Sunday 29 March
    assert berlin.add_business_time(friday_4pm, 2 * H) == local(BERLIN, 2026, 3, 30, 10)
    assert berlin.add_business_time(friday_4pm, 2 * H).astimezone(UTC).hour == 8


def test_night_shift_over_the_skipped_hour_is_an_hour_shorter() -> None:
    nights = {5: [(time(22), time(6))]}  # Saturday night, into Sunday 8 March 2026
    cal = BusinessCalendar("America/New_York", nights)
    assert cal.business_time_between(local(NY, 2026, 3, 7), local(NY, 2026, 3, 9)) == 7 * H
    assert cal.add_business_time(local(NY, 2026, 3, 7, 22), 4 * H) == local(NY, 2026, 3, 8, 3)


def test_opening_inside_the_skipped_hour_opens_at_the_change() -> None:
    cal = BusinessCalendar("America/New_York", {6: [(time(2, 30), time(4))]})
    sunday = local(NY, 2026, 3, 8)
    assert cal.add_business_time(sunday, timedelta(0)) == local(NY, 2026, 3, 8, 3)
    assert cal.business_time_between(sunday, local(NY, 2026, 3, 9)) == H


def test_sydney_autumn_change_repeats_an_hour() -> None:
    nights = {5: [(time(22), time(6))]}  # Saturday night into Sunday 5 April 2026
    cal = BusinessCalendar("Australia/Sydney", nights)
    assert cal.business_time_between(
        local(SYDNEY, 2026, 4, 4), local(SYDNEY, 2026, 4, 6)
    ) == 9 * H  # fmt: skip


# ------------------------------------------------------------------ errors
def test_a_calendar_without_hours_is_refused() -> None:
    with pytest.raises(CalendarError, match="no business hours"):
        BusinessCalendar("UTC", {0: [], 3: []}, name="empty")


def test_unknown_zone_and_weekday_are_refused() -> None:
    with pytest.raises(CalendarError, match="Mars/Olympus"):
        BusinessCalendar("Mars/Olympus", office_hours())
    with pytest.raises(CalendarError, match="weekday 7"):
        BusinessCalendar("UTC", {7: [(time(9), time(17))]})


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        TWENTY_FOUR_SEVEN.add_business_time(datetime(2026, 1, 1), H)  # noqa: DTZ001


def test_a_calendar_that_never_opens_gives_up_clearly() -> None:
    every_day = [date(2026, 1, 1) + timedelta(days=n) for n in range(366 * 11)]
    cal = BusinessCalendar("UTC", {0: [(time(9), time(17))]}, holidays=every_day, name="closed")
    with pytest.raises(CalendarError, match="no opening within ten years"):
        cal.add_business_time(datetime(2026, 1, 1, tzinfo=UTC), H)


# ------------------------------------------------------------------ properties
quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    zone = draw(st.sampled_from(ZONES))
    hours: dict[int, list[tuple[time, time]]] = {}
    for day in range(7):
        intervals = draw(st.lists(st.tuples(quarter_hours, quarter_hours), max_size=2))
        hours[day] = [(a, b) for a, b in intervals if a != b]
    if not any(hours.values()):
        hours[draw(st.integers(0, 6))] = [(time(9), time(17))]
    holidays = draw(
        st.lists(st.dates(date(2026, 1, 1), date(2027, 6, 30)), max_size=20)
    )  # weekend holidays included: they must change nothing
    return BusinessCalendar(zone, hours, holidays)


# hypothesis takes naive bounds and attaches the zone itself
instants = st.datetimes(
    datetime(2026, 1, 1),  # noqa: DTZ001
    datetime(2027, 3, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
durations = st.integers(min_value=0, max_value=60 * 24 * 3600).map(lambda s: timedelta(seconds=s))
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(calendars(), instants, durations, durations)
def test_monotone_in_duration(
    cal: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    short, long = sorted((a, b))
    assert cal.add_business_time(start, short) <= cal.add_business_time(start, long)


@PROPERTY
@given(calendars(), instants, durations)
def test_between_inverts_add(cal: BusinessCalendar, start: datetime, d: timedelta) -> None:
    assert cal.business_time_between(start, cal.add_business_time(start, d)) == d


@PROPERTY
@given(calendars(), instants, durations, durations)
def test_additive(cal: BusinessCalendar, start: datetime, a: timedelta, b: timedelta) -> None:
    assert cal.add_business_time(cal.add_business_time(start, a), b) == cal.add_business_time(
        start, a + b
    )


@PROPERTY
@given(calendars(), instants, durations)
def test_results_lie_in_business_hours(
    cal: BusinessCalendar, start: datetime, d: timedelta
) -> None:
    result = cal.add_business_time(start, d)
    assert result >= start
    if d:
        assert cal.is_open(result - US)  # the last microsecond counted was business time
    else:
        assert cal.is_open(result)


@PROPERTY
@given(calendars(), instants, instants, instants)
def test_between_is_additive_over_splits(
    cal: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    assert cal.business_time_between(a, c) == cal.business_time_between(
        a, b
    ) + cal.business_time_between(b, c)
    assert cal.business_time_between(a, c) <= c - a


@PROPERTY
@given(instants, durations)
def test_24x7_is_real_time(start: datetime, d: timedelta) -> None:
    assert TWENTY_FOUR_SEVEN.add_business_time(start, d) == start + d


def test_a_sparse_calendar_can_be_due_years_away() -> None:
    """Found by hypothesis: 15 minutes a week and 16 days of business time is due in
    ~30 years — an answer, not "no opening within ten years"."""
    sparse = BusinessCalendar("America/New_York", {2: [(time(9), time(9, 15))]})
    start = datetime(2026, 1, 1, tzinfo=UTC)
    due = sparse.add_business_time(start, timedelta(seconds=1_409_401))
    assert due.year > 2050
    assert sparse.business_time_between(start, due) == timedelta(seconds=1_409_401)
