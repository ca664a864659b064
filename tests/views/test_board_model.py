import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, Priority, Status
from noc_console.models.sla_clock import ClockState
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardUpdate
from noc_console.services.board.live_rows import LiveRows
from noc_console.views.board.model import (
    PROGRESS_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    STATE_ROLE,
    BoardModel,
)
from noc_console.views.theme import PRIORITY_COLOURS
from tests.conftest import T0
from tests.factories import incident


def rows_of(store: Store, *incidents: object) -> list[BoardRow]:
    store.upsert_incidents(list(incidents))  # type: ignore[arg-type]
    return store.rows(i.key for i in incidents)  # type: ignore[attr-defined]


@pytest.fixture
def model(store: Store, qtmodeltester: ModelTester) -> BoardModel:
    board = BoardModel(LiveRows(T0))
    rows = rows_of(
        store, incident(1, priority=Priority.P1), incident(2), incident(3, priority=Priority.P4)
    )
    board.apply(BoardUpdate(rows, [], full=True))
    qtmodeltester.check(board)
    return board


def cell(
    model: BoardModel, row: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    return model.data(model.index(row, column), role)


def test_rows_and_texts(model: BoardModel) -> None:
    assert model.rowCount() == 3
    assert model.columnCount() == len(Column)
    assert cell(model, 0, Column.PRIORITY) == "P1"
    assert cell(model, 0, Column.TITLE) == "Incident 1"
    assert cell(model, 0, Column.STATUS) == "New"
    assert cell(model, 0, Column.ASSIGNEE) == "unassigned"
    assert cell(model, 0, Column.AGE) == "10m"
    assert cell(model, 1, Column.RESPONSE) == "50m 00s"  # Standard P2: 1 h, 10 min gone
    assert isinstance(cell(model, 0, Column.TITLE, ROW_ROLE), BoardRow)


def test_the_age_is_never_behind_what_it_shows(model: BoardModel) -> None:
    """Ages are re-read as the minute turns: an age in seconds would stand still for a
    minute while it claims the second."""
    for seconds in (1, 37, 59):
        model.tick(T0 + timedelta(seconds=seconds), range(model.rowCount()))
        assert cell(model, 0, Column.AGE) == "10m"
    model.tick(T0 + timedelta(seconds=61), range(model.rowCount()))
    assert cell(model, 0, Column.AGE) == "11m"


def test_priority_is_colour_and_text(model: BoardModel) -> None:
    for row, priority in enumerate([Priority.P1, Priority.P2, Priority.P4]):
        background = cell(model, row, Column.PRIORITY, Qt.ItemDataRole.BackgroundRole)
        assert background == QColor(PRIORITY_COLOURS[priority][0])
        assert cell(model, row, Column.PRIORITY) == priority.value
    assert cell(model, 0, Column.PRIORITY, SORT_ROLE) == 1


def test_countdowns_colour_by_state(model: BoardModel) -> None:
    model.tick(T0 + timedelta(minutes=35))  # P2 response: 45 of 60 minutes used
    assert cell(model, 1, Column.RESPONSE, STATE_ROLE) is ClockState.WARNING
    assert cell(model, 1, Column.RESPONSE, PROGRESS_ROLE) == 0.75  # the thin bar's length
    assert cell(model, 1, Column.SOURCE) == "test"
    assert cell(model, 1, Column.RESPONSE, Qt.ItemDataRole.BackgroundRole) is not None
    model.tick(T0 + timedelta(minutes=51))
    assert cell(model, 1, Column.RESPONSE, STATE_ROLE) is ClockState.BREACHED
    assert cell(model, 1, Column.RESPONSE) == "-1m 00s"
    assert cell(model, 2, Column.RESPONSE, STATE_ROLE) is ClockState.OK
    assert cell(model, 2, Column.RESPONSE, Qt.ItemDataRole.BackgroundRole) is None


def texts(model: BoardModel) -> dict[tuple[int, int], object]:
    """Every cell's text, read as a view's paint reads them."""
    return {(r, c): cell(model, r, c) for r in range(model.rowCount()) for c in Column}


def test_a_tick_repaints_the_visible_cells_whose_text_changed_and_no_others(
    model: BoardModel, qtbot: QtBot
) -> None:
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, roles=(): changes.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.tick(T0 + timedelta(seconds=1), [0, 1, 2])
    for second, visible in ((2, [0, 1, 2]), (3, [1]), (61, [0, 1, 2])):
        before = texts(model)
        changes.clear()
        with qtbot.assertNotEmitted(model.modelReset):
            model.tick(T0 + timedelta(seconds=second), visible)
        after = texts(model)
        emitted = {(r, c) for r, first, _r, last in changes for c in range(first, last + 1)}
        moved = {place for place, text in after.items() if text != before[place]}
        assert emitted == {(r, c) for r, c in moved if r in visible}
        assert emitted, second
        if second < 60:  # within a minute, only clocks showing seconds move
            assert len(emitted) < 2 * len(visible)
    assert {c for r, first, _r, last in changes for c in range(first, last + 1)} >= {
        Column.AGE
    }  # a new minute: ages move as well


def test_updates_use_narrow_notifications(model: BoardModel, store: Store, qtbot: QtBot) -> None:
    changed = rows_of(store, incident(2, title="Renamed", version="2"))
    closed = rows_of(store, incident(1, status=Status.CLOSED, version="2"))
    added = rows_of(store, incident(4), incident(5))
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    data: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda tl, br, roles=(): data.append((tl.row(), br.row())))
    with qtbot.assertNotEmitted(model.modelReset), qtbot.assertNotEmitted(model.layoutChanged):
        model.apply(BoardUpdate([*changed, *closed, *added], []))
    assert data == [(1, 1)]
    assert removed == [(0, 0)]
    assert inserted == [(1, 2)]  # in their places (P2s before the P4): no reorder needed
    assert [cell(model, r, Column.TITLE) for r in range(model.rowCount())] == [
        "Renamed",
        "Incident 4",
        "Incident 5",
        "Incident 3",
    ]


def test_sorting_is_the_models_and_keeps_persistent_indexes(
    model: BoardModel, qtbot: QtBot
) -> None:
    from PySide6.QtCore import QPersistentModelIndex

    p4 = QPersistentModelIndex(model.index(2, Column.TITLE))
    assert p4.data() == "Incident 3"
    with qtbot.waitSignal(model.layoutChanged):
        model.sort(Column.PRIORITY, Qt.SortOrder.DescendingOrder)
    assert [cell(model, r, Column.PRIORITY) for r in range(3)] == ["P4", "P2", "P1"]
    assert p4.row() == 0
    assert p4.data() == "Incident 3"
    model.sort(Column.DUE)
    assert [cell(model, r, Column.PRIORITY) for r in range(3)] == ["P1", "P2", "P4"]


def test_a_closed_incident_never_seen_is_ignored(model: BoardModel, store: Store) -> None:
    model.apply(BoardUpdate(rows_of(store, incident(9, status=Status.RESOLVED)), []))
    assert model.rowCount() == 3


def test_header_and_invalid_index(model: BoardModel) -> None:
    assert model.headerData(Column.RESPONSE, Qt.Orientation.Horizontal) == "Response"
    assert model.data(QModelIndex()) is None


def test_clocks_outside_business_hours_say_so(store: Store) -> None:
    store.upsert_clients([Client("acme", "Acme", "Bronze", "uk-office")])
    friday_5pm = datetime(2026, 11, 27, 17, tzinfo=UTC)
    rows = rows_of(store, incident(1, priority=Priority.P4, created_at=friday_5pm))
    board = BoardModel(LiveRows(friday_5pm + timedelta(hours=2)))
    board.apply(BoardUpdate(rows, [], full=True))
    assert cell(board, 0, Column.RESPONSE) == "☾ 23h 00m"  # 24 business hours, 1 used
    assert "not counting now" in str(cell(board, 0, Column.RESPONSE, Qt.ItemDataRole.ToolTipRole))
    board.tick(datetime(2026, 11, 30, 9, 30, tzinfo=UTC))  # Monday, open
    assert cell(board, 0, Column.RESPONSE) == "21h 30m"  # Friday 17-18 and Monday 8-9:30 used


def test_a_long_running_board_exits_cleanly() -> None:
    """A day of ticking must not corrupt the interpreter (PySide6 6.12.0 aborted at exit
    after ~100 dataChanged emits from Python; the dependency excludes it)."""
    script = (
        "import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from datetime import UTC, datetime, timedelta\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from noc_console.services.board.live_rows import LiveRows\n"
        "from noc_console.views.board.model import BoardModel\n"
        "app = QApplication([])\n"
        "now = datetime(2026, 11, 25, tzinfo=UTC)\n"
        "model = BoardModel(LiveRows(now))\n"
        "for second in range(2000):\n"
        "    model.dataChanged.emit(model.index(0, 0), model.index(0, 0))\n"
        "    model.tick(now + timedelta(seconds=second))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]


def test_queued_actions_mark_their_row_worst_first(model: BoardModel, store: Store) -> None:
    from noc_console.models.actions import Action, ActionKind

    key = incident(2).key
    first, _ = store.enqueue(Action(key, ActionKind.NOTE, {"text": "a"}), T0)
    store.enqueue(Action(key, ActionKind.NOTE, {"text": "b"}), T0)
    model.apply(BoardUpdate(store.rows([key]), []))
    assert cell(model, 1, Column.OUTBOX) == "↻2"
    assert cell(model, 0, Column.OUTBOX) is None
    store.mark_failed(first, "refused", retryable=False)
    model.apply(BoardUpdate(store.rows([key]), []))
    assert cell(model, 1, Column.OUTBOX) == "✗1"
    assert "1 failed" in str(cell(model, 1, Column.OUTBOX, Qt.ItemDataRole.ToolTipRole))
    assert cell(model, 1, Column.OUTBOX, SORT_ROLE) == 101


def test_the_model_holds_up_through_batches_that_insert_remove_and_reorder(
    qtmodeltester: ModelTester,
) -> None:
    """Random batches, filters and a sort through the thin model with Qt's model tester
    attached; after each, the model shows exactly what the live rows show."""
    import random

    from PySide6.QtCore import QPersistentModelIndex

    from tests.factories import board_row

    rng = random.Random(19)
    live = LiveRows(T0)
    model = BoardModel(live)
    qtmodeltester.check(model)
    model.apply(BoardUpdate([board_row(n, rng.randint(-60, 60)) for n in range(30)], [], True))
    for step in range(60):
        if step % 10 == 3:
            model.set_text(rng.choice(["", '"incident 1"', '"incident 2"', "(1"]))
        batch = [
            board_row(n, rng.randint(-60, 60), rng.choice([Status.NEW, Status.RESOLVED]),
                      title=f"Incident {n} ({step})")
            for n in rng.sample(range(45), rng.randint(1, 12))
        ]  # fmt: skip
        followed = QPersistentModelIndex(model.index(0, Column.TITLE)) if model.rowCount() else None
        key = model.row_at(0).key if followed is not None else None
        model.apply(BoardUpdate(batch, []))
        assert [e.key for e in live.shown()] == [r.key for r in model.rows()]
        if followed is not None and followed.isValid():
            assert model.row_at(followed.row()).key == key  # persistent indexes follow rows
        needle = live.filter.text.strip('"')  # a quoted phrase: one piece
        assert all(needle in f"{r.key.external_id} {r.title}".casefold() for r in model.rows())
        if step == 20:
            model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
