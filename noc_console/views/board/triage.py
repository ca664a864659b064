"""Keyboard triage on the board: one key per action, every action through the outbox.

J/K move, Home/End first/last, A acknowledge (and silence that incident's alarm), T
take, E escalate (with a reason), N note, W waiting on the customer (with a reason), R
resolve (note and "verified restored" required), P priority through the impact ×
urgency matrix, F settle a failed or conflicting action (keep theirs / apply mine /
retry / discard), / search, Esc back to the board. A, T, N and E act on every selected
row (Shift/Ctrl+click or Shift+J/K extend the selection); one dialog's text goes to
all. A key that cannot act says why in the status bar (`message`). After an action
moves the current row away (the board's order changed), the cursor goes to the row
that was next, so J keeps walking the untriaged ones. The keys work while the table
has focus, so typing in the search box types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QDialog, QTableView, QWidget

from noc_console.models.actions import Action, ActionState, QueuedAction
from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.priority import PriorityMatrix
from noc_console.models.text_limits import capped
from noc_console.services.board import triage_actions as act
from noc_console.services.board.triage_actions import CannotAct
from noc_console.services.identity import Identity
from noc_console.services.outbox import Settlement
from noc_console.views.board.model import ROW_ROLE, BoardModel
from noc_console.views.board.triage_dialogs import (
    NoteDialog,
    PriorityDialog,
    ReasonDialog,
    ResolveDialog,
    SettleDialog,
)

HINTS = (
    "J/K move · Enter detail · A acknowledge · T take · E escalate · N note · W waiting · "
    "R resolve · P priority · F fix failed/conflict · O order · / search · Q queues · Esc board"
)
Build = Callable[[BoardRow], list[Action]]


class Outbox(Protocol):
    """What triage needs of the controller (`BoardController` is one): submit an action,
    settle a stuck one, list an incident's actions."""

    def submit(self, action: Action) -> None: ...
    def settle(self, seq: int, how: Settlement) -> None: ...
    def actions_of(self, key: IncidentKey, done: Callable[[list[QueuedAction]], None]) -> None: ...


class Triage(QObject):
    """Binds the triage keys of a board table to actions.

    Signals:
        message(str): what a key did to several rows, or why it could not act.
    `dialog` is the triage dialog open now.
    """

    message = Signal(str)

    def __init__(
        self,
        table: QTableView,
        outbox: Outbox,
        me: Identity,
        matrix: PriorityMatrix,
        search: QWidget,
        queues: QWidget | None = None,
        silence: Callable[[IncidentKey], None] | None = None,
    ) -> None:
        super().__init__(table)
        self._table = table
        self._outbox = outbox
        self._me = me
        self._matrix = matrix
        self._search = search
        self._silence = silence
        self._follow: tuple[frozenset[IncidentKey], IncidentKey | None, int] | None = None
        self.dialog: QDialog | None = None
        #: Incident → what resolving it alone would also do (a major incident's natively
        #: linked lead: its PSA may close the linked tickets with it); the board sets it.
        self.resolve_warnings: Mapping[IncidentKey, str] = {}
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        keys: dict[str, Callable[[], None]] = {
            "J": lambda: self._move(+1),
            "K": lambda: self._move(-1),
            "Shift+J": lambda: self._move(+1, extend=True),
            "Shift+K": lambda: self._move(-1, extend=True),
            "Home": lambda: self._move(-(10**9)),
            "End": lambda: self._move(10**9),
            "A": self.acknowledge,
            "T": self.take,
            "E": self.escalate,
            "N": self.note,
            "W": self.waiting,
            "R": self.resolve,
            "P": self.priority,
            "F": self.settle,
            "/": self._search.setFocus,
        }
        if queues is not None:
            keys["Q"] = queues.setFocus
        for key, handler in keys.items():
            shortcut = QShortcut(QKeySequence(key), table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(handler)
        model = table.model()
        for signal in (model.layoutChanged, model.rowsRemoved, model.modelReset):
            signal.connect(self._keep_place)

    # ------------------------------------------------------------ actions
    def acknowledge(self) -> None:
        rows = self._act("acknowledge", lambda row: act.acknowledge(row, self._me))
        if self._silence is not None:
            for row in rows:
                self._silence(row.key)  # one "acknowledge": the alarm line goes too

    def take(self) -> None:
        self._act("take", lambda row: act.take(row, self._me))

    def escalate(self) -> None:
        rows = self._targets()
        if not rows:
            return
        if len(rows) == 1:
            row = rows[0]
            try:
                to = act.escalate(row, "-", self._me)[0].payload["tier"]
            except CannotAct as exc:
                self.message.emit(str(exc))
                return
            title = f"Escalate {capped(row.key.external_id)} to {to}"
        else:
            title = f"Escalate {len(rows)} incidents one tier up"
        dialog = ReasonDialog(title, "Why does it need the next tier?", self._table)
        dialog.chosen.connect(
            lambda reason: self._act("escalate", lambda r: act.escalate(r, reason, self._me), rows)
        )
        self._open(dialog)

    def note(self) -> None:
        rows = self._targets()
        if not rows:
            return
        dialog = NoteDialog(self._table)
        dialog.setWindowTitle(_title("Add note to", rows))
        dialog.chosen.connect(
            lambda result: self._act(
                "note", lambda r: act.note(r, result[0], result[1], self._me), rows
            )
        )
        self._open(dialog)

    def waiting(self) -> None:
        row = self._current()
        if row is None:
            return
        try:
            act.waiting(row, "-", self._me)
        except CannotAct as exc:
            self.message.emit(str(exc))
            return
        dialog = ReasonDialog(
            f"{capped(row.key.external_id)}: waiting on the customer",
            "What are we waiting for?",
            self._table,
        )
        dialog.chosen.connect(
            lambda reason: self._act("wait", lambda r: act.waiting(r, reason, self._me), [row])
        )
        self._open(dialog)

    def resolve(self) -> None:
        row = self._current()
        if row is None:
            return
        dialog = ResolveDialog(self._table, self.resolve_warnings.get(row.key, ""))
        dialog.setWindowTitle(_title("Resolve", [row]))
        dialog.chosen.connect(
            lambda text: self._act("resolve", lambda r: act.resolve(r, text, True, self._me), [row])
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
            build: Build = lambda r: act.reprioritise(r, impact, urgency, priority, self._me)  # noqa: E731
            self._act("priority", build, [row])

    def settle(self) -> None:
        """F: the oldest failed or conflicting action of the current row, mine vs theirs."""
        row = self._current()
        if row is None:
            return
        if not (row.failed_actions or row.conflicted_actions):
            self.message.emit(f"{row.key}: no failed or conflicting action to settle")
            return
        self._outbox.actions_of(row.key, lambda queued: self._ask_settle(row, queued))

    def _ask_settle(self, row: BoardRow, queued: list[QueuedAction]) -> None:
        stuck = [q for q in queued if q.state in (ActionState.FAILED, ActionState.CONFLICT)]
        if not stuck:
            self.message.emit(f"{row.key}: settled meanwhile")
            return
        head = stuck[0]
        dialog = SettleDialog(str(row.key), head, self._table)
        dialog.chosen.connect(lambda how: self._outbox.settle(head.seq, how))
        self._open(dialog)

    # ------------------------------------------------------------ helpers
    def _act(
        self, verb: str, build: Build, rows: Sequence[BoardRow] | None = None
    ) -> list[BoardRow]:
        """Submit what `build` makes of each row; say why rows were skipped. The rows
        acted on."""
        rows = self._targets() if rows is None else rows
        done: list[BoardRow] = []
        refused: list[str] = []
        for row in rows:
            try:
                actions = build(row)
            except CannotAct as exc:
                refused.append(str(exc))
                continue
            for action in actions:
                self._outbox.submit(action)
            done.append(row)
        if done:
            self._remember_next(done)
        if len(rows) == 1 and refused:
            self.message.emit(refused[0])
        elif len(rows) > 1:
            skipped = f"; {len(refused)} skipped ({refused[0]})" if refused else ""
            self.message.emit(f"{verb}: {len(done)} of {len(rows)} incidents{skipped}")
        return done

    def selected(self) -> list[BoardRow]:
        """The rows a key acts on: the selected ones, else the current one (M declares a
        major incident of them)."""
        return self._targets()

    def open_dialog(self, dialog: QDialog) -> None:
        """Open `dialog` for the board's keys (non-modal; the table gets focus back)."""
        self._open(dialog)

    def _targets(self) -> list[BoardRow]:
        """The selected rows when several are; else the current one."""
        selection = self._table.selectionModel()
        picked = sorted(index.row() for index in selection.selectedRows()) if selection else []
        if len(picked) > 1:
            model = self._table.model()
            rows = [model.index(r, 0).data(ROW_ROLE) for r in picked]
            return [r for r in rows if isinstance(r, BoardRow)]
        row = self._current()
        return [row] if row is not None else []

    def _current(self) -> BoardRow | None:
        index = self._table.currentIndex()
        if not index.isValid():
            return None
        row = index.siblingAtColumn(0).data(ROW_ROLE)
        return row if isinstance(row, BoardRow) else None

    def _move(self, step: int, extend: bool = False) -> None:
        self._follow = None  # the technician moves on: nothing to follow
        model = self._table.model()
        if model is None or model.rowCount() == 0:
            return
        current = self._table.currentIndex().row()
        target = max(0, min(model.rowCount() - 1, current + step if current >= 0 else 0))
        self._go(target, extend)

    def _go(self, position: int, extend: bool = False) -> None:
        model = self._table.model()
        index = model.index(position, 0)
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select
            if extend
            else QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self._table.selectionModel().setCurrentIndex(index, flags)
        self._table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _remember_next(self, acted: list[BoardRow]) -> None:
        """The row after the current one that was not acted on: where the cursor goes
        if the action moves the current row away."""
        model = self._table.model()
        current = self._table.currentIndex().row()
        keys = frozenset(row.key for row in acted)
        following: IncidentKey | None = None
        for position in [*range(current + 1, model.rowCount()), *range(current - 1, -1, -1)]:
            row = model.index(position, 0).data(ROW_ROLE)
            if isinstance(row, BoardRow) and row.key not in keys:
                following = row.key
                break
        self._follow = (keys, following, current)

    def _keep_place(self) -> None:
        if self._follow is None:
            return
        acted, following, was = self._follow
        row = self._current()
        if row is not None and (row.key not in acted or self._table.currentIndex().row() == was):
            return  # not moved (yet)
        self._follow = None
        model = self._table.model()
        position = model.position_of(following) if isinstance(model, BoardModel) else None
        if following is not None and position is not None:
            self._go(position)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(self._closed)
        dialog.open()
        dialog.activateWindow()  # the keys typed next belong to the dialog

    def _closed(self) -> None:
        self.dialog = None
        self._table.window().activateWindow()  # not every window manager gives it back
        self._table.setFocus()


def _title(verb: str, rows: Sequence[BoardRow]) -> str:
    """A dialog's title naming the incident (or how many)."""
    if len(rows) == 1:
        row = rows[0]
        return f"{verb} {capped(row.key.external_id)} · {capped(row.client_name)}"
    return f"{verb} {len(rows)} incidents"
