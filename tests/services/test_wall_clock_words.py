"""What a wall line says about an incident's SLA: which clock, its state in words, how
much, and a mark beside the colour."""

from datetime import time, timedelta

from noc_console.models.sla import BusinessCalendar, office_hours
from noc_console.models.sla_clock import ClockState, SlaClock
from noc_console.services.wall.clock_words import clock_words, day_time
from tests.conftest import T0
from tests.factories import board_row

HOUR = timedelta(hours=1)


def clock(minutes_left: float, **fields: object) -> SlaClock:
    return SlaClock(due_at=T0 + timedelta(minutes=minutes_left), target=2 * HOUR, **fields)  # type: ignore[arg-type]


def test_a_running_breach_says_which_clock_and_how_long_ago() -> None:
    row = board_row(1, response=clock(-22), resolution=clock(46))
    words = clock_words(row, T0)
    assert words.text == "▲ RESPONSE BREACHED 22m 00s ago"
    assert words.state is ClockState.BREACHED


def test_a_breach_is_told_before_the_next_running_clock() -> None:
    row = board_row(1, response=clock(5), resolution=clock(-3))  # response due first
    assert clock_words(row, T0).text == "▲ RESOLUTION BREACHED 3m 00s ago"


def test_a_clock_stopped_late_says_by_how_much() -> None:
    late = clock(-30, stopped_at=T0 - timedelta(minutes=8))
    row = board_row(1, response=late, resolution=clock(200))
    assert clock_words(row, T0).text == "▲ RESPONSE BREACHED by 22m 00s"


def test_running_clocks_name_themselves_and_their_state() -> None:
    assert clock_words(board_row(1, resolution=clock(46)), T0).text == "resolution 46m 00s left"
    at_risk = clock_words(board_row(1, resolution=clock(25)), T0)  # 79 % used
    assert at_risk.text == "◇ resolution AT RISK 25m 00s left"
    critical = clock_words(board_row(1, response=clock(4), resolution=clock(90)), T0)
    assert critical.text == "◆ response CRITICAL 4m 00s left"


def test_a_paused_clock_says_paused() -> None:
    row = board_row(1, resolution=clock(9, paused_since=T0 - HOUR))  # frozen an hour ago
    assert clock_words(row, T0).text == "❚❚ resolution paused 1h 09m left"


def test_a_clock_outside_business_hours_says_until_when() -> None:
    weekdays = BusinessCalendar("UTC", office_hours(time(5, 30), time(13, 30)), name="office")
    saturday = T0 + timedelta(days=3)  # T0 is a Wednesday 14:00
    due = weekdays.add_business_time(saturday, timedelta(hours=8))
    row = board_row(1, resolution=SlaClock(due_at=due, target=8 * HOUR, calendar=weekdays))
    words = clock_words(row, saturday)
    monday = saturday.replace(hour=5, minute=30) + timedelta(days=2)
    assert words.text == f"☾ resolution paused until {day_time(monday, saturday)} 8h 00m left"
    assert day_time(monday, saturday).startswith("Mon ")


def test_no_sla_says_so() -> None:
    assert clock_words(board_row(1, due_minutes=None), T0).text == "no SLA"
