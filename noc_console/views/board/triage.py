"""Keyboard triage on the board: one key per action, every action through the outbox.

J/K move, A acknowledge, T take, E escalate (with a reason), N note, W waiting on the
customer (with a reason), R resolve (note and "verified restored" required), P
priority through the impact × urgency matrix, / search, Esc back to the board. The
keys work while the table has focus, so typing in the search box types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QDialog, QTableView, QWidget

from noc_console.models.actions import Action, ActionKind
from noc_console.models.board_row import BoardRow
from noc_console.models.incident import Priority, Status, Tier
from noc_console.models.priority import PriorityMatrix
from noc_console.models.text_limits import capped
from noc_console.views.board.model import ROW_ROLE
from noc_console.views.board.triage_dialogs import (
    NoteDialog,
    PriorityDialog,
    ReasonDialog,
    ResolveDialog,
)

HINTS = (
    "J/K move · Enter detail · A acknowledge · T take · E escalate · N note · W waiting · "
    "R resolve · P priority · / search · Q queues · Esc board"
)


class Triage(QObject):
    """Binds the triage keys of a board table to actions.

    Signals: none; actions go to `submit`. `dialog` is the triage dialog open now.
    """

    def __init__(
        self,
        table: QTableView,
        submit: Callable[[Action], None],
        me: str,
        matrix: PriorityMatrix,
        search: QWidget,
        queues: QWidget | None = None,
    ) -> None:
        super().__init__(table)
        self._table = table
        self._submit = submit
        self._me = me
        self._matrix = matrix
        self._search = search
        self.dialog: QDialog | None = None
        keys: dict[str, Callable[[], None]] = {
            "J": lambda: self._move(+1),
            "K": lambda: self._move(-1),
            "A": self.acknowledge,
            "T": self.take,
            "E": self.escalate,
            "N": self.note,
            "W": self.waiting,
            "R": self.resolve,
            "P": self.priority,
            "/": self._search.setFocus,
        }
        if queues is not None:
            keys["Q"] = queues.setFocus
        for key, handler in keys.items():
            shortcut = QShortcut(QKeySequence(key), table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(handler)

    # ------------------------------------------------------------ actions
    def acknowledge(self) -> None:
        row = self._current()
        if row is not None and row.status is Status.NEW:
            self._send(row, ActionKind.ACKNOWLEDGE, {}, status=row.status.value)

    def take(self) -> None:
        row = self._current()
        if row is not None and row.assignee != self._me:
            self._send(row, ActionKind.ASSIGN, {"assignee": self._me}, assignee=row.assignee)

    def escalate(self) -> None:
        row = self._current()
        if row is None or row.tier is Tier.ENG:
            return
        to = row.tier.escalated()
        dialog = ReasonDialog(
            f"Escalate {capped(row.key.external_id)} to {to.value}",
            "Why does it need the next tier?",
            self._table,
        )
        dialog.chosen.connect(lambda reason: self._escalate(row, to, reason))
        self._open(dialog)

    def _escalate(self, row: BoardRow, to: Tier, reason: str) -> None:
        self._send(row, ActionKind.TIER, {"tier": to.value, "reason": reason}, tier=row.tier.value)
        self._send(
            row, ActionKind.NOTE, {"text": f"Escalated to {to.value}: {reason}", "internal": True}
        )

    def note(self) -> None:
        row = self._current()
        if row is None:
            return
        dialog = NoteDialog(self._table)
        dialog.chosen.connect(
            lambda result: self._send(
                row, ActionKind.NOTE, {"text": result[0], "internal": result[1]}
            )
        )
        self._open(dialog)

    def waiting(self) -> None:
        row = self._current()
        if row is None or row.status is Status.WAITING_CUSTOMER:
            return
        dialog = ReasonDialog(
            f"{capped(row.key.external_id)}: waiting on the customer",
            "What are we waiting for?",
            self._table,
        )
        dialog.chosen.connect(lambda reason: self._wait(row, reason))
        self._open(dialog)

    def _wait(self, row: BoardRow, reason: str) -> None:
        self._send(
            row,
            ActionKind.STATUS,
            {"status": Status.WAITING_CUSTOMER.value},
            status=row.status.value,
        )
        self._send(
            row, ActionKind.NOTE, {"text": f"Waiting on the customer: {reason}", "internal": False}
        )

    def resolve(self) -> None:
        row = self._current()
        if row is None:
            return
        dialog = ResolveDialog(self._table)
        dialog.chosen.connect(
            lambda text: self._send(
                row, ActionKind.RESOLVE, {"text": text}, status=row.status.value
            )
        )
        self._open(dialog)

    def priority(self) -> None:
        row = self._current()
        if row is None:
            return
        dialog = PriorityDialog(self._matrix, row.impact, row.urgency, self._table)
        dialog.chosen.connect(lambda choice: self._reprioritise(row, *choice))
        self._open(dialog)

    def _reprioritise(self, row: BoardRow, impact: int, urgency: int, priority: Priority) -> None:
        if (impact, urgency) != (row.impact, row.urgency):
            payload = {"impact": impact, "urgency": urgency, "priority": priority.value}
            self._send(row, ActionKind.PRIORITY, payload, priority=row.priority.value)

    # ------------------------------------------------------------ helpers
    def _send(self, row: BoardRow, kind: ActionKind, payload: dict[str, Any], **seen: Any) -> None:
        self._submit(Action(row.key, kind, payload, expected=seen, author=self._me))

    def _current(self) -> BoardRow | None:
        index = self._table.currentIndex()
        if not index.isValid():
            return None
        row = index.siblingAtColumn(0).data(ROW_ROLE)
        return row if isinstance(row, BoardRow) else None

    def _move(self, step: int) -> None:
        model = self._table.model()
        if model is None or model.rowCount() == 0:
            return
        current = self._table.currentIndex().row()
        target = max(0, min(model.rowCount() - 1, current + step if current >= 0 else 0))
        self._table.setCurrentIndex(model.index(target, 0))
        self._table.scrollTo(model.index(target, 0), QAbstractItemView.ScrollHint.EnsureVisible)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(self._closed)
        dialog.open()
        dialog.activateWindow()  # the keys typed next belong to the dialog

    def _closed(self) -> None:
        self.dialog = None
        self._table.window().activateWindow()  # not every window manager gives it back
        self._table.setFocus()
