from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from noc_console.models.pauses import Pause, due_date, paused_business_time
from noc_console.models.sla import TWENTY_FOUR_SEVEN, BusinessCalendar, office_hours

H = timedelta(hours=1)
MONDAY_9 = datetime(2026, 11, 30, 9, tzinfo=UTC)
OFFICE = BusinessCalendar("UTC", office_hours(time(9), time(17)))


def at(hours: float) -> datetime:
    return MONDAY_9 + timedelta(hours=hours)


def test_without_pauses_the_due_date_is_the_target_in_business_time() -> None:
    assert due_date(MONDAY_9, 10 * H, OFFICE, []) == at(24 + 2)  # Tue 11:00


def test_a_pause_pushes_the_due_date_by_the_business_time_paused() -> None:
    pauses = [Pause(at(1), at(3))]  # Monday 10:00-12:00
    assert due_date(MONDAY_9, 4 * H, OFFICE, pauses) == at(6)


def test_a_pause_overnight_costs_only_business_hours() -> None:
    pauses = [Pause(at(7), at(25))]  # Monday 16:00 to Tuesday 10:00: 2 business hours
    assert due_date(MONDAY_9, 8 * H, OFFICE, pauses) == at(24 + 2)  # Tue 11:00


def test_many_pauses_add_up_exactly() -> None:
    pauses = [Pause(at(0.5), at(1)), Pause(at(2), at(2.25)), Pause(at(3), at(4))]
    assert due_date(MONDAY_9, 4 * H, OFFICE, pauses) == at(4 + 0.5 + 0.25 + 1)


def test_pausing_after_the_due_date_does_not_unbreach() -> None:
    pauses = [Pause(at(5), at(7))]
    assert due_date(MONDAY_9, 4 * H, OFFICE, pauses) == at(4)


def test_an_open_pause_leaves_exactly_the_remaining_time_after_it() -> None:
    due = due_date(MONDAY_9, 4 * H, OFFICE, [Pause(at(1), None)])
    assert OFFICE.business_time_between(at(1), due) == 3 * H


def test_pauses_before_the_start_are_ignored() -> None:
    pauses = [Pause(at(-30), at(-20))]
    assert due_date(MONDAY_9, 4 * H, OFFICE, pauses) == at(4)


def test_paused_business_time_counts_open_pauses_up_to_now() -> None:
    pauses = [Pause(at(1), at(2)), Pause(at(7), None)]
    assert paused_business_time(OFFICE, pauses, until=at(25)) == H + H + H  # 16-17, 9-10


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2000), st.integers(1, 600)), max_size=6
    ),  # (start, length) in minutes after the incident was raised
    st.integers(1, 3000),
)
def test_business_time_running_until_due_equals_the_target(
    spans: list[tuple[int, int]], target_minutes: int
) -> None:
    """Running time = elapsed business time − paused business time, whatever the pauses."""
    pauses: list[Pause] = []
    cursor = 0
    for start, length in spans:  # non-overlapping, in order, like real history
        begin = max(start, cursor)
        pauses.append(Pause(MONDAY_9 + timedelta(minutes=begin),
                            MONDAY_9 + timedelta(minutes=begin + length)))  # fmt: skip
        cursor = begin + length
    target = timedelta(minutes=target_minutes)
    for calendar in (OFFICE, TWENTY_FOUR_SEVEN):
        due = due_date(MONDAY_9, target, calendar, pauses)
        elapsed = calendar.business_time_between(MONDAY_9, due)
        paused = sum(
            (calendar.business_time_between(p.start, min(p.end or due, due)) for p in pauses
             if p.start < due),
            timedelta(0),
        )  # fmt: skip
        assert elapsed - paused == target
