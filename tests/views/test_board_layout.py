"""The board on a small screen, its columns and its keys: fitted to the available
geometry, the title taking the spare room, the detail panel open at 1366 px, a column
chooser by keyboard that saved views keep, Home/End, the hint bar, the handover's Esc."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.shift import ShiftPlan
from noc_console.services.board.columns import Column
from noc_console.services.handover.desk import HandoverDesk
from noc_console.services.sla_config import SlaSettings
from noc_console.views.board.saved_views import SavedViews
from noc_console.views.main_window import BoardWindow
from tests.views.test_triage import demo_board

SMALL = QRect(0, 0, 1366, 728)  # 1366×768 less a 40 px task bar


def started(qtbot: QtBot, board: BoardWindow) -> BoardWindow:
    board.show()
    with qtbot.waitSignal(board._controller.synced, timeout=10_000):
        board._controller.start()
    board.table.setFocus()
    return board


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    board = started(qtbot, demo_board(qtbot, store, clock))
    yield board
    board.close()


def inside(window: BoardWindow, area: QRect) -> bool:
    return area.contains(window.frameGeometry())


def test_the_window_opens_within_the_screens_available_room(window: BoardWindow) -> None:
    screen = window.screen()
    assert inside(window, screen.availableGeometry())
    window.resize(1600, 900)
    window.move(400, 300)
    window.fit_within(SMALL)
    assert inside(window, SMALL)
    assert window.statusBar().geometry().bottom() < SMALL.height()


def test_a_restored_geometry_is_fitted_too(
    qtbot: QtBot, store: Store, clock: ManualClock, tmp_path: object
) -> None:
    path = str(tmp_path) + "/settings.ini"
    first = demo_board(qtbot, store, clock, QSettings(path, QSettings.Format.IniFormat))
    first.show()
    first.resize(2500, 1400)  # saved on a larger screen, far to the right
    first.move(3000, 1200)
    first.close()
    second = demo_board(qtbot, store, clock, QSettings(path, QSettings.Format.IniFormat))
    second.show()
    assert inside(second, second.screen().availableGeometry())
    second.close()


def test_at_1366_the_title_takes_the_spare_room(window: BoardWindow, qtbot: QtBot) -> None:
    window.set_columns([*window.columns(), "SOURCE"])
    window.resize(1366, 728)
    header = window.table.horizontalHeader()
    qtbot.waitUntil(lambda: window.table.viewport().width() < 1366 - 240)

    def width(column: Column) -> int:
        return header.sectionSize(column)

    assert width(Column.TITLE) > width(Column.CLIENT) > width(Column.SOURCE)
    assert width(Column.TITLE) >= 150  # twenty-odd characters, with every column shown
    window.resize(1920, 1040)  # wide again: every column as wide as it likes
    qtbot.waitUntil(lambda: width(Column.CLIENT) == 170)


def test_the_detail_panel_opens_at_1366_wide(window: BoardWindow, qtbot: QtBot) -> None:
    window.resize(1366, 728)
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert window.detail.isVisible()
    QApplication.processEvents()
    assert window.width() == 1366
    assert window.minimumSizeHint().width() <= 1366
    assert window.detail.width() >= 320
    assert window.table.horizontalHeader().sectionSize(Column.TITLE) >= 150
    assert window.splitter.sizes()[0] == 0  # the queue list gave its room
    qtbot.keyClick(window.table, Qt.Key.Key_Q)  # and comes back for Q
    assert window.splitter.sizes()[0] > 0
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert not window.detail.isVisible()


def test_the_column_chooser_by_keyboard_and_saved_views_keep_the_columns(
    qtbot: QtBot, store: Store, clock: ManualClock, tmp_path: object
) -> None:
    settings = QSettings(str(tmp_path) + "/settings.ini", QSettings.Format.IniFormat)
    window = started(qtbot, demo_board(qtbot, store, clock, settings))
    default = window.columns()
    assert "ID" in default
    assert "SOURCE" not in default
    qtbot.keyClick(window.table, Qt.Key.Key_C)
    chooser = window.column_chooser
    assert chooser is not None
    listing = chooser.list
    qtbot.waitUntil(listing.hasFocus)  # a person waits for the chooser before typing
    qtbot.keyClick(listing, Qt.Key.Key_End)  # the hidden ones last: Source, Breach forecast
    qtbot.keyClick(listing, Qt.Key.Key_Up)  # Source
    qtbot.keyClick(listing, Qt.Key.Key_Space)  # show it
    qtbot.keyClick(listing, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # before Next due
    qtbot.keyClick(listing, Qt.Key.Key_Home)  # Priority
    qtbot.keyClick(listing, Qt.Key.Key_Down)  # Outbox
    qtbot.keyClick(listing, Qt.Key.Key_Space)  # hide it
    qtbot.keyClick(listing, Qt.Key.Key_Return)
    chosen = window.columns()
    assert chosen[-2:] == ("SOURCE", "DUE")
    assert "OUTBOX" not in chosen
    header = window.table.horizontalHeader()
    assert header.isSectionHidden(Column.OUTBOX)
    assert header.visualIndex(Column.SOURCE) < header.visualIndex(Column.DUE)

    window.views.save("slim")
    window.set_columns(default)
    window.views.choose("slim")
    assert window.columns() == chosen
    again = SavedViews(window._current_view, settings, None)  # read back from the settings
    assert again._views["slim"].columns == chosen
    window.close()


def test_the_header_menu_hides_a_column(window: BoardWindow, qtbot: QtBot) -> None:
    from noc_console.views.board.column_chooser import ColumnMenu

    header = window.table.horizontalHeader()
    menu = ColumnMenu(header, window.set_columns, window.choose_columns)
    client = next(a for a in menu.actions() if a.text() == "Client")
    client.trigger()
    assert header.isSectionHidden(Column.CLIENT)
    title = next(a for a in menu.actions() if a.text() == "Title")
    assert not title.isEnabled()


def test_home_and_end_go_to_the_first_and_last_row(window: BoardWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.keyClick(window.table, Qt.Key.Key_End)
    assert window.table.currentIndex().row() == window.model.rowCount() - 1
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    assert window.table.currentIndex().row() == 0


def test_the_hint_bar_names_every_key_and_wraps_at_1366(window: BoardWindow) -> None:
    text = window.hints.text().replace("\u00a0", " ")
    for hint in ("H handover", "Shift+A", "Shift+S", "Ctrl+, settings", "C columns"):
        assert hint in text
    assert window.hints.minimumSizeHint().width() < 600


def test_the_handover_window_closes_on_esc_and_ctrl_w(
    window: BoardWindow, qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    window.attach_handover(HandoverDesk(store, ShiftPlan(), SlaSettings(), clock), "dana")
    for keys in ((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                 (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)):  # fmt: skip
        window.table.setFocus()
        qtbot.keyClick(window.table, Qt.Key.Key_H)
        view = window.handover_window
        assert view is not None
        qtbot.waitUntil(
            lambda: (
                window.handover_window is not None and window.handover_window.notes.rowCount() > 0
            ),
            timeout=10_000,
        )
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        qtbot.keyClick(view.list, *keys)
        assert not view.isVisible()
