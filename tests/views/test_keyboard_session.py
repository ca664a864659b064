"""Ten minutes of a technician's shift on the demo feed, keyboard only.

Every key goes to whatever widget has the focus at that moment — as on a real
keyboard — so the test fails if any step (a dialog closing, a queue switch, a search)
leaves the focus where the next key would be lost, or needs the mouse to get back.
Simulated time moves a minute between rounds and the feed keeps syncing. Along the
way the technician settles a conflict (F, then T keeps theirs or M applies mine) and
notes several rows at once (Shift+J).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Status, Tier
from noc_console.services.board.columns import Column
from noc_console.views.board.model import ROW_ROLE
from noc_console.views.board.triage_dialogs import SettleDialog
from noc_console.views.main_window import BoardWindow
from tests.views.test_triage import ME, demo_board

MINUTES = 10


@pytest.fixture
def board(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    window = demo_board(qtbot, store, clock)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    with qtbot.waitSignal(window._controller.synced, timeout=10_000):
        window._controller.start()
    window.table.setFocus()
    yield window
    window.close()


class Keyboard:
    """Types into whatever has the focus, like the real thing."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.presses = 0

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "the focus was lost: the next key would go nowhere"
        return widget

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
            ) -> None:  # fmt: skip
        self.qtbot.keyClick(self.focused(), key, modifier)
        self.presses += 1

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focused(), text)
        self.presses += len(text)


def test_ten_minutes_of_triage_without_the_mouse(
    board: BoardWindow, store: Store, clock: ManualClock, qtbot: QtBot
) -> None:
    keys = Keyboard(qtbot)

    def on_board() -> None:
        qtbot.waitUntil(lambda: board.triage.dialog is None, timeout=5000)
        qtbot.waitUntil(board.isActiveWindow, timeout=5000)  # the board is back in front
        assert keys.focused() is board.table, f"focus is on {keys.focused()!r}"

    def dialog_key(key: Qt.Key) -> None:
        """A key that opens a dialog; a person waits until it is up before typing."""
        keys.key(key)
        qtbot.waitUntil(lambda: board.triage.dialog is not None, timeout=5000)
        dialog = board.triage.dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        assert keys.focused().window() is dialog  # typing goes to the dialog

    def current_row() -> object:
        return board.table.currentIndex().siblingAtColumn(0).data(ROW_ROLE)

    def settled() -> bool:  # delivered or dropped, or waiting for the technician's decision
        queued = store.outbox()
        blocked = {q.action.key for q in queued if q.state is ActionState.CONFLICT}
        done = (ActionState.DELIVERED, ActionState.DISCARDED, ActionState.CONFLICT)
        return all(q.state in done
                   or q.action.key in blocked for q in queued)  # fmt: skip

    def clash_on_current_row() -> Action:
        """My T made against an assignee the PSA no longer has (someone changed it
        meanwhile): the feed answers with a conflict. On a row nobody has acted on yet:
        behind an earlier conflict of its incident the action would wait for that one,
        and an incident resolved earlier may leave the board (how many of either the
        demo's moves cause depends on timing)."""
        for _ in range(board.model.rowCount()):
            if not store.outbox(key=current_row().key):  # type: ignore[attr-defined]
                break
            keys.key(Qt.Key.Key_J)
        row = current_row()
        stale = f"not {row.assignee}"  # type: ignore[attr-defined]
        mine = Action(row.key, ActionKind.ASSIGN, {"assignee": ME}, expected={"assignee": stale})  # type: ignore[attr-defined]
        board._controller.submit(mine)  # as T does, with what I saw then
        return mine

    def settle(clash: Action, key: Qt.Key) -> None:
        """Home, J down to the ⚠ row, F, then T (keep theirs) or M (apply mine)."""

        def marked() -> bool:
            position = board.model.position_of(clash.key)
            return position is not None and "⚠" in board.model.cell(position, Column.OUTBOX).text

        qtbot.waitUntil(marked, timeout=60_000)  # once the feed answered
        keys.key(Qt.Key.Key_Home)
        for _ in range(board.model.rowCount()):
            if current_row().key == clash.key:  # type: ignore[attr-defined]
                break
            keys.key(Qt.Key.Key_J)
        dialog_key(Qt.Key.Key_F)
        assert isinstance(board.triage.dialog, SettleDialog)
        keys.key(key)
        on_board()
        (settled_action,) = [q for q in store.outbox(key=clash.key) if q.action.id == clash.id]
        assert settled_action.state is not ActionState.CONFLICT

    sent: list[ActionKind] = []
    settled_by: dict[Qt.Key, Action] = {}
    for minute in range(MINUTES):
        # The queue of unassigned work: Q, down to "Unassigned", back to the board.
        keys.key(Qt.Key.Key_Q)
        assert keys.focused() is board.queue_list
        keys.key(Qt.Key.Key_Home)
        keys.key(Qt.Key.Key_Down)
        keys.key(Qt.Key.Key_Escape)
        on_board()
        keys.key(Qt.Key.Key_J)
        row = current_row()
        if row is not None and row.status is Status.NEW:  # type: ignore[attr-defined]
            keys.key(Qt.Key.Key_A)
            sent.append(ActionKind.ACKNOWLEDGE)
        if row is not None and row.assignee != ME:  # type: ignore[attr-defined]
            keys.key(Qt.Key.Key_T)
            sent.append(ActionKind.ASSIGN)
        on_board()
        # Back to every open incident (taking it moved it out of "Unassigned").
        keys.key(Qt.Key.Key_Q)
        keys.key(Qt.Key.Key_Home)
        keys.key(Qt.Key.Key_Escape)
        on_board()
        keys.key(Qt.Key.Key_J)
        assert current_row() is not None
        # A note, then the detail panel to read the timeline, and back.
        dialog_key(Qt.Key.Key_N)
        keys.type(f"minute {minute}: checked monitoring")
        keys.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        sent.append(ActionKind.NOTE)
        on_board()
        keys.key(Qt.Key.Key_Return)
        assert board.detail.isVisible()
        keys.key(Qt.Key.Key_Return)
        on_board()
        if minute in (3, 7):  # a conflict, settled by keyboard: keep theirs, then mine
            how = Qt.Key.Key_T if minute == 3 else Qt.Key.Key_M
            settled_by[how] = clash_on_current_row()
            settle(settled_by[how], how)
        if minute % 4 == 1:  # one note on three rows: Shift+J twice, N
            keys.key(Qt.Key.Key_J)
            keys.key(Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
            keys.key(Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
            chosen = len(board.table.selectionModel().selectedRows())
            assert chosen == 3
            dialog_key(Qt.Key.Key_N)
            keys.type(f"minute {minute}: maintenance window tonight")
            keys.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            sent += [ActionKind.NOTE] * chosen
            on_board()
            keys.key(Qt.Key.Key_J)  # one row again
            assert len(board.table.selectionModel().selectedRows()) == 1
        at_top = current_row().tier is Tier.ENG  # type: ignore[attr-defined]
        if minute % 3 == 0 and not at_top:  # escalate with a reason (ENG is the last tier)
            dialog_key(Qt.Key.Key_E)
            keys.type("needs the network team")
            keys.key(Qt.Key.Key_Return)
            sent += [ActionKind.TIER, ActionKind.NOTE]
            on_board()
        if minute % 3 == 1:  # priority through the matrix: arrows and space
            row = current_row()
            top = (row.impact, row.urgency) == (1, 1)  # type: ignore[attr-defined]
            dialog_key(Qt.Key.Key_P)  # to the far corner of the matrix: a real change
            for arrow in (
                (Qt.Key.Key_Down, Qt.Key.Key_Right) if top else (Qt.Key.Key_Up, Qt.Key.Key_Left)
            ):
                keys.key(arrow)
                keys.key(arrow)
            keys.key(Qt.Key.Key_Space)
            on_board()
        if minute % 3 == 2:  # resolve: note, tab to "verified restored", tick, send
            dialog_key(Qt.Key.Key_R)
            keys.type("service restored, verified with the client")
            keys.key(Qt.Key.Key_Tab)
            keys.key(Qt.Key.Key_Space)
            keys.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            sent.append(ActionKind.RESOLVE)
            on_board()
        # Search for something, then back to the whole board.
        keys.key(Qt.Key.Key_Slash)
        keys.type("vpn")
        assert board.search.text() == "vpn"  # the letters went to the search box
        found = [board.model.index(r, 0).data(ROW_ROLE) for r in range(board.model.rowCount())]
        assert all("vpn" in f"{r.title} {r.client_name}".casefold() for r in found)
        keys.key(Qt.Key.Key_Escape)
        keys.key(Qt.Key.Key_Escape)
        on_board()
        assert board.search.text() == ""
        assert board.model.rowCount() == len(board._live)  # the whole board again
        keys.key(Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)  # silence any alarm
        # The minute ends when this minute's actions reached the feed: how far delivery
        # lags behind the keys depends on the machine, and the feed moves on each minute.
        qtbot.waitUntil(settled, timeout=20_000)
        clock.advance(timedelta(minutes=1))

    queued = store.outbox()
    kinds = [q.action.kind for q in queued]
    for kind in set(sent):
        assert kinds.count(kind) >= sent.count(kind), kind
    assert ActionKind.PRIORITY in kinds
    bulk = [q for q in queued if "maintenance window tonight" in q.action.payload.get("text", "")]
    assert len(bulk) == 3 * len(range(1, MINUTES, 4))  # one action per selected row
    assert (
        len({q.action.key for q in bulk if q.action.payload["text"].startswith("minute 1:")}) == 3
    )
    outcome = {q.action.id: q.state for q in queued}
    assert outcome[settled_by[Qt.Key.Key_T].id] is ActionState.DISCARDED  # theirs kept
    assert outcome[settled_by[Qt.Key.Key_M].id] is ActionState.DELIVERED  # mine applied
    assert not [q for q in queued if q.state is ActionState.FAILED]
    delivered = [q for q in queued if q.state is ActionState.DELIVERED]
    assert len(delivered) >= 0.7 * len(queued)  # conflicts: rows the feed changed since a sync
    assert keys.presses > 300
