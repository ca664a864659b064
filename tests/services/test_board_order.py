"""The board's named orders: what needs a person comes first (docs/board.md)."""

from __future__ import annotations

from datetime import timedelta

from noc_console.models.incident import Priority, Status
from noc_console.models.sla_clock import DEFAULT_THRESHOLDS, SlaClock
from noc_console.services.board.board_order import Order, order_named
from noc_console.services.board.columns import COLUMNS, MET_LATE, Column, Look, Moment
from noc_console.services.board.live_rows import LiveRows
from tests.conftest import T0
from tests.factories import board_row as row

HOUR = timedelta(hours=1)


def keys(live: LiveRows) -> list[str]:
    return [e.key.external_id for e in live.shown()]


def test_an_unhandled_p1_tops_the_board_and_a_stopped_p1_stays_above_sixty_p3s() -> None:
    # 60 P3/P4 rows due within the next ten hours, a P1 open two hours whose clock is
    # stopped out of hours until tomorrow morning (due in 15 h), and a brand-new P1.
    calm = [row(n, 10 + n * 10, priority=Priority.P3 if n % 2 else Priority.P4)
            for n in range(60)]  # fmt: skip
    stopped_p1 = row(100, 15 * 60, priority=Priority.P1)
    new_p1 = row(101, 14, Status.NEW, priority=Priority.P1)
    live = LiveRows(T0)
    live.apply([*calm, stopped_p1, new_p1], full=True)

    assert keys(live).index("T-100") > 60  # by deadline (the old default) it sank
    live.arrange(Order.NEEDS_ME)

    assert keys(live)[:2] == ["T-101", "T-100"]


def test_needs_me_first_puts_breaching_before_calm_and_paused_last() -> None:
    breaching_p3 = row(1, -30, priority=Priority.P3)
    calm_p2 = row(2, 10 * 60, priority=Priority.P2)
    paused = row(3, 5, priority=Priority.P1, resolution=SlaClock(
        due_at=T0 + timedelta(minutes=5), target=2 * HOUR, paused_since=T0 - HOUR))  # fmt: skip
    acknowledged_p1 = row(4, 4 * 60, Status.ACKNOWLEDGED, priority=Priority.P1)
    live = LiveRows(T0)
    live.apply([paused, calm_p2, breaching_p3, acknowledged_p1], full=True)
    live.arrange(Order.NEEDS_ME)
    assert keys(live) == ["T-4", "T-1", "T-2", "T-3"]


def test_a_clock_that_breached_before_it_paused_still_needs_me() -> None:
    """Waiting on the customer after the response was due does not make it less late:
    the board shows it red, so it ranks with the breaching rows, not with the paused."""
    paused_at = T0 - timedelta(minutes=5)
    late_then_paused = row(
        1, 60, Status.WAITING_CUSTOMER, priority=Priority.P1,
        response=SlaClock(due_at=T0 - timedelta(minutes=22), target=HOUR, paused_since=paused_at),
        resolution=SlaClock(due_at=T0 + HOUR, target=4 * HOUR, paused_since=paused_at),
    )  # fmt: skip
    calm = [row(n, 30 + n * 10, priority=Priority.P3) for n in range(2, 12)]
    live = LiveRows(T0)
    live.apply([*calm, late_then_paused], full=True)
    live.arrange(Order.NEEDS_ME)
    assert keys(live)[0] == "T-1"


def test_each_order_keeps_itself_when_rows_change() -> None:
    live = LiveRows(T0)
    rows = [row(n, 30 * n, priority=Priority(f"P{1 + n % 4}"), client_name=f"C{9 - n}")
            for n in range(8)]  # fmt: skip
    live.apply(rows, full=True)
    live.arrange(Order.PRIORITY)
    assert [e.row.priority.value for e in live.shown()] == sorted(r.priority.value for r in rows)
    live.arrange(Order.CLIENT)
    assert [e.row.client_name for e in live.shown()] == sorted(r.client_name for r in rows)
    live.apply([row(3, 30 * 3, priority=Priority.P4, client_name="C0")])  # moves to the top
    assert keys(live)[0] == "T-3"
    live.arrange(Order.DEADLINE)
    assert keys(live) == [f"T-{n}" for n in range(8)]
    assert live.order is Order.DEADLINE
    live.sort(Column.TITLE)
    assert live.order is None


def test_an_unknown_saved_order_falls_back_to_needs_me_first() -> None:
    assert order_named("by_moon_phase") is Order.NEEDS_ME
    assert order_named("client") is Order.CLIENT


def test_a_response_met_late_is_quiet_and_the_tip_says_how_late() -> None:
    late = SlaClock(due_at=T0 - HOUR, target=HOUR, stopped_at=T0 - HOUR + timedelta(seconds=12))
    r = row(1, 30, response=late)
    at = Moment(T0, DEFAULT_THRESHOLDS)
    cell = COLUMNS[Column.RESPONSE].cell(r, at)
    assert cell == (MET_LATE, Look.MET, None)
    tip = COLUMNS[Column.RESPONSE].tip
    assert tip is not None
    assert "Met late: 12s after it was due" in (tip(r, at) or "")
    breaching = SlaClock(due_at=T0 - HOUR, target=HOUR)
    assert COLUMNS[Column.RESPONSE].cell(row(2, response=breaching), at).look is Look.BREACHED
