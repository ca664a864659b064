"""LiveRows without Qt: order, diffs that replay, cells that change only when shown."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey, Priority, Status
from noc_console.models.sla_clock import ClockState, SlaClock
from noc_console.services.board.columns import COLUMNS, Column, Look
from noc_console.services.board.live_rows import LiveRows, RowDiff
from noc_console.services.board.row_filter import RowFilter
from tests.conftest import T0
from tests.factories import board_row as row

HOUR = timedelta(hours=1)


def keys(live: LiveRows) -> list[IncidentKey]:
    return [e.key for e in live.shown()]


def replay(shown: list[IncidentKey], diff: RowDiff) -> list[tuple[int, int]] | None:
    """Replay `diff` on a plain list as a model would; the changed spans it names (None
    for a layout change, which repaints everything)."""
    if diff.layout is not None:
        assert (diff.changed, diff.removed, diff.inserted) == ((), (), ())
        shown[:] = [entry.key for entry in diff.layout]
        return None
    for first, last in reversed(diff.removed):
        del shown[first : last + 1]
    for position, run in diff.inserted:
        shown[position:position] = [entry.key for entry in run]
    return list(diff.changed)


def oracle(rows: dict[IncidentKey, BoardRow], column: Column, descending: bool,
           needle: str) -> list[IncidentKey]:  # fmt: skip
    """What a board must show: a full sort of the open rows, then the text filter."""
    ordered = sorted(rows.values(), key=lambda r: (COLUMNS[column].sort(r), r.key),
                     reverse=descending)  # fmt: skip
    needle = needle.strip('"')  # a quoted phrase: one piece, as typed
    return [r.key for r in ordered if needle in f"{r.key.external_id} {r.client_name} "
            f"{r.title} {r.assignee or ''}".casefold()]  # fmt: skip


# A batch: (incident number, deadline in minutes or None, still open?)
batches = st.lists(
    st.tuples(
        st.lists(
            st.tuples(st.integers(0, 40), st.none() | st.integers(-60, 60), st.booleans()),
            max_size=25,
        ),
        st.none()
        | st.sampled_from(["", '"incident 1"', "(1", "t-2", '"client 1"']),  # phrases: quoted,
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.none() | st.integers(-60, 60)), max_size=30),
    batches,
    st.sampled_from([Column.DUE, Column.TITLE, Column.RESPONSE]),
    st.booleans(),
)
def test_after_any_batches_the_order_is_a_full_sort_and_the_diffs_replay(
    start: list[tuple[int, int | None]],
    changes: list[tuple[list[tuple[int, int | None, bool]], str | None]],
    column: Column,
    descending: bool,
) -> None:
    live = LiveRows(T0)
    live.sort(column, descending)
    assert live.apply([row(n, due) for n, due in start], full=True).reset
    shown = keys(live)
    current = {r.key: r for r in live.rows()}
    for batch, text in changes:
        if text is not None:  # someone types in the search box
            replay(shown, live.set_filter(RowFilter(text=text)))
            assert shown == keys(live)
        incoming = [row(n, due, Status.IN_PROGRESS if open_ else Status.RESOLVED,
                        title=f"Incident {n} ({due})")
                    for n, due, open_ in batch]  # fmt: skip
        latest = {r.key: r for r in incoming}
        before = list(shown)
        spans = replay(shown, live.apply(incoming))
        assert shown == keys(live)  # the diff replayed on a plain list gives our list
        for r in latest.values():
            if r.is_open:
                current[r.key] = r
            else:
                current.pop(r.key, None)
        # the order equals a full sort (of the rows the filter shows)
        assert shown == oracle(current, column, descending, live.filter.text)
        assert [r.key for r in live.rows()] == oracle(current, column, descending, "")
        if spans is not None:  # the changed runs name exactly the changed rows still shown
            named = {before[p] for first, last in spans for p in range(first, last + 1)}
            assert named == {k for k, r in latest.items()
                             if r.is_open and k in before and k in shown}  # fmt: skip


def test_a_new_row_is_inserted_in_its_place_without_a_reorder() -> None:
    live = LiveRows(T0)
    live.apply([row(1, 10), row(2, 30), row(3, 50)], full=True)
    diff = live.apply([row(4, 40)])
    assert [(position, [e.key.external_id for e in run]) for position, run in diff.inserted] == [
        (2, ["T-4"])
    ]
    assert diff.layout is None
    assert [k.external_id for k in keys(live)] == ["T-1", "T-2", "T-4", "T-3"]


def test_a_row_whose_deadline_moves_reorders_once() -> None:
    live = LiveRows(T0)
    live.apply([row(1, 10), row(2, 30), row(3, 50)], full=True)
    diff = live.apply([row(1, 60)])
    assert diff.layout is not None
    assert [e.key.external_id for e in diff.layout] == ["T-2", "T-3", "T-1"]
    unchanged = live.apply([row(2, 31)])  # still between its neighbours
    assert unchanged.changed == ((0, 0),)
    assert unchanged.layout is None


def test_a_keystroke_that_hides_scattered_rows_is_one_layout_change() -> None:
    live = LiveRows(T0)
    live.apply([row(n, n) for n in range(40)], full=True)
    many = live.set_filter(RowFilter(clients=frozenset({"client-1"})))  # every third row
    assert many.layout is not None
    assert [e.row.client_id for e in many.layout] == ["client-1"] * 13
    live.set_filter(RowFilter())
    few = live.set_filter(RowFilter(text='"incident 3"'))  # 3, 30-39: two runs go
    assert few.layout is None
    assert few.removed == ((0, 2), (4, 29))


def test_listeners_get_every_diff_and_nothing_for_nothing() -> None:
    live = LiveRows(T0)
    seen: list[RowDiff] = []
    live.subscribe(seen.append)
    live.apply([row(1)], full=True)
    live.apply([row(9, status=Status.CLOSED)])  # closed and never seen: nothing
    live.apply([row(1, status=Status.CLOSED)])
    assert [d.reset for d in seen] == [True, False]
    assert seen[1].removed == ((0, 0),)
    assert len(live) == 0


def test_cells_are_the_column_table_at_the_last_tick() -> None:
    live = LiveRows(T0)
    live.apply([row(1, 90, priority=Priority.P1, assignee=None)], full=True)
    cells = live.cells(live.at(0))
    assert cells[Column.PRIORITY] == ("P1", Look.P1, None)
    assert cells[Column.ASSIGNEE].text == "unassigned"
    assert cells[Column.AGE].text == "1h 00m"
    assert cells[Column.RESOLUTION].text == "1h 30m"
    assert cells[Column.RESOLUTION].look is Look.OK
    assert cells[Column.RESOLUTION].bar == 0.25
    assert cells[Column.RESPONSE] == ("—", Look.PLAIN, None)


def test_a_tick_reports_only_visible_cells_whose_text_changed() -> None:
    live = LiveRows(T0)
    paused = SlaClock(T0 + HOUR, 2 * HOUR, paused_since=T0 - HOUR)
    far = SlaClock(T0 + timedelta(hours=10, seconds=30), 12 * HOUR)  # "10h 00m" for 31 s
    live.apply([row(1, 30), row(2, 600, resolution=far), row(3, 45, resolution=paused)],
               full=True)  # fmt: skip
    for position in range(3):
        live.cells(live.at(position))  # painted
    assert live.tick(T0 + timedelta(seconds=1), visible=[0, 1, 2]) == [(0, Column.RESOLUTION)]
    # 30m 00s → 29m 59s on row 0; row 1 is paused; "10h 00m" on row 2 did not move yet.
    assert live.cells(live.at(0))[Column.RESOLUTION].text == "29m 59s"
    assert live.tick(T0 + timedelta(seconds=2), visible=[1, 2]) == []  # row 0 not shown
    assert live.cells(live.at(0))[Column.RESOLUTION].text == "29m 58s"  # on its next paint
    minute = live.tick(T0 + timedelta(seconds=61), visible=[0, 1, 2])
    assert (2, Column.RESOLUTION) in minute  # 10h 00m → 9h 59m
    assert (0, Column.AGE) in minute  # ages move by the minute
    assert (2, Column.AGE) in minute
    assert all(column != Column.PRIORITY for _p, column in minute)


def test_a_clock_turning_breached_changes_look_and_bar() -> None:
    live = LiveRows(T0)
    live.apply([row(1, 1)], full=True)
    live.cells(live.at(0))
    live.tick(T0 + timedelta(minutes=2), visible=[0])
    cell = live.cells(live.at(0))[Column.RESOLUTION]
    assert (cell.text, cell.look, cell.bar) == ("-1m 00s", Look.BREACHED, 1.0)


def test_each_filter_shows_what_it_says() -> None:
    live = LiveRows(T0)
    rows = [row(n, n, assignee="Ann Lee" if n % 2 else None) for n in range(12)]
    live.apply(rows, full=True)
    in_queue = frozenset(IncidentKey("test", f"T-{n}") for n in (1, 2, 3, 5, 8))
    for row_filter, wanted in (
        (RowFilter(text="ann"), {1, 3, 5, 7, 9, 11}),
        (RowFilter(clients=frozenset({"client-1"})), {1, 4, 7, 10}),
        (RowFilter(text="incident 1", members=in_queue), {1}),
        (RowFilter(predicate=lambda r: r.title.endswith("3")), {3}),
        (RowFilter(), set(range(12))),
    ):
        live.set_filter(row_filter)
        assert {int(e.key.external_id[2:]) for e in live.shown()} == wanted
        assert len(live) == 12  # every open row, shown or not
    assert not live.set_filter(live.filter)  # the same filter again: nothing


def test_thresholds_colour_the_cells() -> None:
    from noc_console.models.sla_clock import SlaThresholds

    at_80 = T0 + timedelta(minutes=96)  # 96 of 120 minutes used
    late = LiveRows(at_80, SlaThresholds(warning_at=0.85, critical_at=0.95))
    early = LiveRows(at_80)
    for live in (late, early):
        live.apply([row(1, 120)], full=True)  # 24 minutes left at at_80
    assert late.cells(late.at(0))[Column.RESOLUTION].look is Look.OK
    assert early.cells(early.at(0))[Column.RESOLUTION].look == ClockState.WARNING.value


def test_changing_a_row_drops_its_cells() -> None:
    live = LiveRows(T0)
    live.apply([row(1)], full=True)
    assert live.cells(live.at(0))[Column.TITLE].text == "Incident 1"
    live.apply([replace(live.at(0).row, title="Renamed")])
    assert live.cells(live.at(0))[Column.TITLE].text == "Renamed"
