"""Issue 18: every key says when it cannot act, a conflict is settled by keyboard, and
several selected rows are triaged at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Status
from noc_console.views.board.triage_dialogs import NoteDialog, SettleDialog
from noc_console.views.main_window import BoardWindow
from tests.views.test_triage import ME, actions, current, press
from tests.views.test_triage import window as window  # the started demo board fixture


def test_a_on_an_incident_already_in_progress_says_so(window: BoardWindow, qtbot: QtBot) -> None:
    press(qtbot, window, "j")
    for _ in range(window.model.rowCount()):
        if current(window).status is not Status.NEW:
            break
        press(qtbot, window, "j")
    row = current(window)
    press(qtbot, window, "a")
    message = window.statusBar().currentMessage()
    assert str(row.key) in message
    assert f"already {row.status.label.lower()}" in message


def test_a_conflict_is_settled_from_the_board_by_keyboard(
    window: BoardWindow, store: Store, clock: ManualClock, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")
    row = current(window)
    clash = Action(row.key, ActionKind.ASSIGN, {"assignee": ME}, expected={"assignee": "x"})
    seq, _ = store.enqueue(clash, clock.now())
    store.mark_conflict(seq, "the PSA changed the assignee", {"assignee": "zed"})
    window._controller._on_changes(ChangeSet(frozenset({row.key})))  # as the engine tells it
    qtbot.waitUntil(lambda: window.model.cell(window.table.currentIndex().row(), 1).text == "⚠1")
    press(qtbot, window, "f")
    qtbot.waitUntil(lambda: isinstance(window.triage.dialog, SettleDialog), timeout=5000)
    dialog = window.triage.dialog
    assert isinstance(dialog, SettleDialog)
    assert "Theirs (in the PSA now): assignee zed" in dialog.summary.text()
    assert f"Mine: assignee {ME}" in dialog.summary.text()
    qtbot.keyClick(dialog, Qt.Key.Key_T)  # keep theirs
    qtbot.waitUntil(lambda: store.outbox(key=row.key)[0].state is ActionState.DISCARDED)
    assert window.triage.dialog is None


def test_bulk_acknowledge_and_note_on_a_selection(
    window: BoardWindow, store: Store, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")
    qtbot.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    chosen = [window.model.row_at(i.row()) for i in window.table.selectionModel().selectedRows()]
    assert len(chosen) == 3
    press(qtbot, window, "n")
    dialog = window.triage.dialog
    assert isinstance(dialog, NoteDialog)
    assert dialog.windowTitle() == "Add note to 3 incidents"
    qtbot.keyClicks(dialog.text, "maintenance window tonight")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    notes = actions(store, qtbot, 3)
    assert {q.action.key for q in notes} == {r.key for r in chosen}
    assert {q.action.payload["text"] for q in notes} == {"maintenance window tonight"}
