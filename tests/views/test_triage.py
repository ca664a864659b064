"""A technician triaging the demo feed from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.actions import ActionKind, ActionState, QueuedAction
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Status
from noc_console.services.alarms import AlarmLedger
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.identity import Identity
from noc_console.views.board.controller import BoardController
from noc_console.views.board.model import ROW_ROLE
from noc_console.views.board.triage_dialogs import (
    NoteDialog,
    PriorityDialog,
    ReasonDialog,
    ResolveDialog,
)
from noc_console.views.main_window import BoardWindow

ME = "sam.tech"  # my name, and my account on the demo feed (no [me.identities])


def demo_board(
    qtbot: QtBot, store: Store, clock: ManualClock, settings: object = None,
    me: Identity | None = None, alarm_ledger: AlarmLedger | None = None,
) -> BoardWindow:  # fmt: skip
    """A board on the demo feed, as the app builds it (not started); `me`: who sits at
    it (default: `ME`, with no PSA account of its own); `alarm_ledger`: where alarm
    acknowledgements are shared (default: nowhere)."""
    demo = DemoFeed(clock)
    engine = SyncEngine(store, [demo], clock, interval=timedelta(minutes=5))
    live = LiveRows(clock.now())
    controller = BoardController(BoardFeed(store, [demo]), engine, live, clock)
    board = BoardWindow(live, controller, clock, me=me or Identity(ME),
                        settings=settings, alarm_ledger=alarm_ledger)  # type: ignore[arg-type]  # fmt: skip
    qtbot.addWidget(board)
    return board


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    yield from started(qtbot, demo_board(qtbot, store, clock))


def started(qtbot: QtBot, board: BoardWindow) -> Iterator[BoardWindow]:
    """`board` shown, its first sync done and the table focused; closed afterwards."""
    board.show()
    with qtbot.waitSignal(board._controller.synced, timeout=10_000):
        board._controller.start()
    board.table.setFocus()
    yield board
    board.close()


def press(qtbot: QtBot, window: BoardWindow, key: str) -> None:
    qtbot.keyClicks(window.table, key)


def current(window: BoardWindow) -> BoardRow:
    row = window.table.currentIndex().siblingAtColumn(0).data(ROW_ROLE)
    assert isinstance(row, BoardRow), f"no incident selected: {row!r}"
    return row


def actions(store: Store, qtbot: QtBot, count: int) -> list[QueuedAction]:
    qtbot.waitUntil(lambda: len(store.outbox()) >= count, timeout=5000)
    return store.outbox()


def select_new_incident(qtbot: QtBot, window: BoardWindow) -> BoardRow:
    press(qtbot, window, "j")
    for _ in range(window.model.rowCount()):
        row = current(window)
        if row.status is Status.NEW:
            return row
        press(qtbot, window, "j")
    pytest.fail("no new incident on the board")


def test_move_acknowledge_and_take(window: BoardWindow, store: Store, qtbot: QtBot) -> None:
    row = select_new_incident(qtbot, window)
    press(qtbot, window, "a")
    press(qtbot, window, "t")
    ack, take = actions(store, qtbot, 2)
    assert ack.action.key == row.key
    assert ack.action.kind is ActionKind.ACKNOWLEDGE
    assert take.action.payload == {"assignee": ME}
    assert take.action.expected == {"assignee": None}
    qtbot.waitUntil(lambda: all(q.state is ActionState.DELIVERED for q in store.outbox()))
    (shown,) = store.rows([row.key])
    assert (shown.status, shown.assignee) == (Status.ACKNOWLEDGED, ME)


def test_escalate_with_a_reason(window: BoardWindow, store: Store, qtbot: QtBot) -> None:
    press(qtbot, window, "j")
    row = current(window)
    press(qtbot, window, "e")
    dialog = window.triage.dialog
    assert isinstance(dialog, ReasonDialog)
    qtbot.keyClicks(dialog.text, "needs a network engineer")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    tier, note = actions(store, qtbot, 2)
    assert tier.action.kind is ActionKind.TIER
    assert tier.action.payload["tier"] == row.tier.escalated().value
    assert "needs a network engineer" in note.action.payload["text"]
    assert window.triage.dialog is None


def test_note_internal_by_default(window: BoardWindow, store: Store, qtbot: QtBot) -> None:
    press(qtbot, window, "j")
    press(qtbot, window, "n")
    dialog = window.triage.dialog
    assert isinstance(dialog, NoteDialog)
    qtbot.keyClicks(dialog.text, "rebooted the firewall")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (note,) = actions(store, qtbot, 1)
    assert note.action.payload == {"text": "rebooted the firewall", "internal": True}


def test_resolve_needs_a_note_and_the_verified_tick(
    window: BoardWindow, store: Store, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")
    press(qtbot, window, "r")
    dialog = window.triage.dialog
    assert isinstance(dialog, ResolveDialog)
    qtbot.keyClicks(dialog.text, "replaced the PSU")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.outbox() == []  # not verified yet: nothing sent
    dialog.verified.setFocus()
    qtbot.keyClick(dialog.verified, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (resolve,) = actions(store, qtbot, 1)
    assert resolve.action.kind is ActionKind.RESOLVE
    assert resolve.action.payload == {"text": "replaced the PSU"}


def test_priority_through_the_matrix(window: BoardWindow, store: Store, qtbot: QtBot) -> None:
    press(qtbot, window, "j")
    row = current(window)
    press(qtbot, window, "p")
    dialog = window.triage.dialog
    assert isinstance(dialog, PriorityDialog)
    target = (1, 1) if (row.impact, row.urgency) != (1, 1) else (3, 3)
    cell = dialog.cells[target]
    cell.setFocus()
    qtbot.keyClick(cell, Qt.Key.Key_Space)
    (change,) = actions(store, qtbot, 1)
    assert change.action.payload["impact"] == target[0]
    assert change.action.payload["priority"] == ("P1" if target == (1, 1) else "P4")


def test_search_and_queues_filter_the_board(window: BoardWindow, qtbot: QtBot) -> None:
    press(qtbot, window, "/")
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "vpn")
    titles = [window.model.index(r, Column.TITLE).data() for r in range(window.model.rowCount())]
    assert titles
    assert all("vpn" in t.casefold() for t in titles)
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    qtbot.waitUntil(lambda: window.queue_list.count_of("unassigned") > 0, timeout=5000)
    window.queue_list.select("unassigned")
    shown = [window.model.index(r, 0).data(ROW_ROLE) for r in range(window.model.rowCount())]
    assert len(shown) == window.queue_list.count_of("unassigned")
    assert all(row.assignee is None for row in shown)


def test_enter_shows_the_incident_in_full(window: BoardWindow, store: Store, qtbot: QtBot) -> None:
    press(qtbot, window, "j")
    row = current(window)
    press(qtbot, window, "n")
    dialog = window.triage.dialog
    assert isinstance(dialog, NoteDialog)
    qtbot.keyClicks(dialog.text, "called the branch manager")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    actions(store, qtbot, 1)
    assert not window.detail.isVisible()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert window.detail.isVisible()
    text = window.detail.toPlainText
    qtbot.waitUntil(lambda: row.key.external_id in text(), timeout=5000)
    for part in ("SLA", "Response", "Resolution", "Timeline", "Raised",
                 "note — called the branch manager"):  # fmt: skip
        assert part in text(), part
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert not window.detail.isVisible()


def test_a_new_p1_alarms_until_acknowledged(
    window: BoardWindow, store: Store, clock: ManualClock, qtbot: QtBot
) -> None:
    from noc_console.models.incident import Priority
    from noc_console.services.board.feed import BoardUpdate
    from tests.factories import incident

    presenter = window.alarms
    presenter.scan()  # learns the backlog
    qtbot.waitUntil(lambda: presenter.alarms._known is not None, timeout=5000)
    store.upsert_incidents([incident(1, priority=Priority.P1, title="Core switch down",
                                     created_at=clock.now(), updated_at=clock.now())])  # fmt: skip
    window.model.apply(BoardUpdate(store.rows([incident(1).key]), []))
    presenter.scan()
    qtbot.waitUntil(lambda: "Core switch down" in window.alarm_label.text(), timeout=5000)
    assert window.alarm_label.text().startswith("⚠ P1 new:")
    assert presenter.beeps == 1
    qtbot.waitUntil(lambda: len(presenter.notified) == 1, timeout=5000)  # one notification
    presenter.scan()
    qtbot.wait(200)
    assert len(presenter.notified) == 1  # not again on the next scan
    clock.advance(timedelta(seconds=31))
    presenter._maybe_sound()
    assert presenter.beeps == 2  # repeats until acknowledged
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert window.alarm_label.text() == ""
    clock.advance(timedelta(seconds=31))
    presenter._maybe_sound()
    assert presenter.beeps == 2


def test_layout_and_filters_survive_a_restart(
    qtbot: QtBot, store: Store, clock: ManualClock, tmp_path: object
) -> None:
    from PySide6.QtCore import QSettings

    path = str(tmp_path) + "/settings.ini"  # never the developer's own settings

    def open_board() -> BoardWindow:
        settings = QSettings(path, QSettings.Format.IniFormat)
        return demo_board(qtbot, store, clock, settings)

    first = open_board()
    first.queue_list.select("waiting")
    first.search.setText("vpn")
    first.table.horizontalHeader().resizeSection(Column.CLIENT, 321)
    first.close()
    second = open_board()
    assert second.queue_list.current_key == "waiting"
    assert second.search.text() == "vpn"
    assert second.table.horizontalHeader().sectionSize(Column.CLIENT) == 321
    second.close()


def test_queues_by_keyboard(window: BoardWindow, qtbot: QtBot) -> None:
    press(qtbot, window, "q")
    qtbot.waitUntil(lambda: window.queue_list.count_of("unassigned") > 0, timeout=5000)
    qtbot.keyClick(window.queue_list, Qt.Key.Key_Down)  # All open -> Unassigned
    assert window.queue_list.current_key == "unassigned"
    shown = [window.model.index(r, 0).data(ROW_ROLE) for r in range(window.model.rowCount())]
    assert shown
    assert all(row.assignee is None for row in shown)


def test_client_filter_lists_board_clients_and_filters(window: BoardWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.clients.list.count() >= 10, timeout=5000)
    window.clients.search.setText("northwind")
    visible = [window.clients.list.item(i) for i in range(window.clients.list.count())]
    assert [i.text() for i in visible if not i.isHidden()] == ["Northwind Bank"]
    window.clients.choose({"northwind-bank"})
    assert window.clients.text() == "Northwind Bank"
    shown = [window.model.index(r, 0).data(ROW_ROLE) for r in range(window.model.rowCount())]
    assert shown
    assert {row.client_id for row in shown} == {"northwind-bank"}


def test_saved_views_bring_back_queue_search_and_clients(window: BoardWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.clients.list.count() >= 10, timeout=5000)
    window.queue_list.select("waiting")
    window.search.setText("vpn")
    window.clients.choose({"northwind-bank"})
    window.views.ask_name()
    dialog = window.views.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.text, "Northwind VPN waits")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    assert window.views.names == ["Northwind VPN waits"]
    window.queue_list.select("all")
    window.search.clear()
    window.clients.choose(set())
    window.views.choose("Northwind VPN waits")
    assert window.queue_list.current_key == "waiting"
    assert window.search.text() == "vpn"
    assert window.clients.chosen == {"northwind-bank"}


def test_tray_icon_shows_the_worst_priority_and_the_count(qapp: object) -> None:
    from PySide6.QtGui import QColor

    from noc_console.models.incident import IncidentKey, Priority
    from noc_console.services.alarms import Alarm, AlarmKind
    from noc_console.views.alarms.presenter import tray_icon
    from noc_console.views.theme import PRIORITY_COLOURS
    from tests.conftest import T0

    alarm = Alarm(IncidentKey("t", "1"), AlarmKind.NEW, Priority.P1, "x", "Acme", T0)
    image = tray_icon([alarm, alarm]).pixmap(64, 64).toImage()
    assert image.pixelColor(8, 32) == QColor(PRIORITY_COLOURS[Priority.P1][0])
    quiet = tray_icon([]).pixmap(64, 64).toImage()
    assert quiet.pixelColor(8, 32) == QColor("#2e7d32")
