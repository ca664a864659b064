"""The small dialogs of keyboard triage: note, reason, resolve, priority matrix, and
settling a failed or conflicting action (mine vs theirs).

Each is opened non-modally with `open()` and emits `chosen` with what the technician
entered; Enter confirms, Esc cancels. Nothing here talks to the engine.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.actions import ActionState, QueuedAction
from noc_console.models.incident import Priority
from noc_console.models.priority import PriorityMatrix
from noc_console.models.text_limits import BLOCK, LINE, capped
from noc_console.services.outbox import Settlement
from noc_console.views.theme import PRIORITY_COLOURS


class _Dialog(QDialog):
    """Base: a title, a body, OK/Cancel.

    Signals:
        chosen(object): emitted on OK with the dialog's result.
    """

    chosen = Signal(object)

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # sends from any field, tick boxes too
            QShortcut(QKeySequence(keys), self).activated.connect(self._confirm)

    def _finish_layout(self) -> None:
        self.layout_.addWidget(self.buttons)

    def _send_on_ctrl_return(self, editor: QPlainTextEdit) -> None:
        """Ctrl+Enter in a multi-line editor confirms (plain Enter is a new line); Tab
        moves on to the tick boxes instead of typing a tab (no mouse needed)."""
        editor.setTabChangesFocus(True)
        editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self._confirm()
                return True
        return super().eventFilter(watched, event)

    def _confirm(self) -> None:
        if self.ok_button.isEnabled():
            self.chosen.emit(self.result_value())
            self.accept()

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def result_value(self) -> Any:  # overridden
        return None


class ReasonDialog(_Dialog):
    """One line of text that is required (escalation reason, waiting reason)."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.layout_.addWidget(QLabel(prompt))
        self.text = QLineEdit()
        self.text.setObjectName("reason")
        self.layout_.addWidget(self.text)
        self.text.textChanged.connect(lambda t: self.ok_button.setEnabled(bool(t.strip())))
        self.text.returnPressed.connect(self._confirm)
        self._finish_layout()
        self.ok_button.setEnabled(False)

    def result_value(self) -> str:
        return self.text.text().strip()


class NoteDialog(_Dialog):
    """A note, internal unless "visible to the client" is ticked (Ctrl+Enter sends)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add note", parent)
        self.text = QPlainTextEdit()
        self.text.setObjectName("note")
        self.text.setPlaceholderText("What you did or found…")
        self.client_visible = QCheckBox("&Visible to the client")
        self.layout_.addWidget(self.text)
        self.layout_.addWidget(self.client_visible)
        self.text.textChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.text.toPlainText().strip()))
        )
        self._finish_layout()
        self.ok_button.setEnabled(False)
        self._send_on_ctrl_return(self.text)

    def result_value(self) -> tuple[str, bool]:
        return self.text.toPlainText().strip(), not self.client_visible.isChecked()


class ResolveDialog(_Dialog):
    """A resolution note and the "verified restored" tick, both required."""

    def __init__(self, parent: QWidget | None = None, warning: str = "") -> None:
        super().__init__("Resolve", parent)
        self.warning = QLabel(warning)  # what resolving this ticket alone would also do
        self.warning.setObjectName("resolveWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet("color: #e5c07b; font-weight: bold;")
        self.warning.setVisible(bool(warning))
        self.layout_.addWidget(self.warning)
        self.text = QPlainTextEdit()
        self.text.setObjectName("resolution")
        self.text.setPlaceholderText("Resolution: cause and fix…")
        self.verified = QCheckBox("&Verified the service is restored")
        self.layout_.addWidget(self.text)
        self.layout_.addWidget(self.verified)
        self.text.textChanged.connect(self._update)
        self.verified.toggled.connect(self._update)
        self._finish_layout()
        self._send_on_ctrl_return(self.text)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(
            bool(self.text.toPlainText().strip()) and self.verified.isChecked()
        )

    def result_value(self) -> str:
        return self.text.toPlainText().strip()


IMPACT_WORDS = {
    1: "Impact 1 — outage, > 1,000 users",
    2: "Impact 2 — degraded, 100–1,000",
    3: "Impact 3 — few users, workaround",
}
URGENCY_WORDS = {1: "Urgency 1 — now", 2: "Urgency 2 — soon", 3: "Urgency 3 — can wait"}


class PriorityDialog(_Dialog):
    """Impact × urgency grid; the cell chosen gives the priority. Arrow keys move,
    Enter picks."""

    def __init__(
        self, matrix: PriorityMatrix, impact: int, urgency: int, parent: QWidget | None = None
    ) -> None:
        super().__init__("Priority: impact × urgency", parent)
        grid = QGridLayout()
        self.cells: dict[tuple[int, int], QPushButton] = {}
        for u in (1, 2, 3):
            grid.addWidget(QLabel(URGENCY_WORDS[u]), 0, u, Qt.AlignmentFlag.AlignCenter)
        for i in (1, 2, 3):
            grid.addWidget(QLabel(IMPACT_WORDS[i]), i, 0)
            for u in (1, 2, 3):
                priority = matrix[(i, u)]
                button = QPushButton(priority.value)
                button.setObjectName(f"cell_{i}_{u}")
                button.setCheckable(True)
                button.setMinimumSize(96, 48)
                bg, fg = PRIORITY_COLOURS[priority]
                button.setStyleSheet(
                    f"QPushButton {{ background: {bg}; color: {fg}; font-weight: bold; }}"
                    "QPushButton:checked, QPushButton:focus { border: 3px solid white; }"
                )
                button.clicked.connect(lambda _c=False, i=i, u=u: self._pick(i, u))
                grid.addWidget(button, i, u)
                self.cells[(i, u)] = button
        self.layout_.addLayout(grid)
        self._finish_layout()
        self._matrix = matrix
        self._choice = (impact, urgency)
        self.cells[self._choice].setChecked(True)
        self.cells[self._choice].setFocus()

    def _pick(self, impact: int, urgency: int) -> None:
        self._choice = (impact, urgency)
        self.chosen.emit(self.result_value())
        self.accept()

    def result_value(self) -> tuple[int, int, Priority]:
        impact, urgency = self._choice
        return impact, urgency, self._matrix[(impact, urgency)]


#: The buttons of `SettleDialog` per state: (settlement, label, key).
SETTLE_CHOICES: dict[ActionState, tuple[tuple[Settlement, str, str], ...]] = {
    ActionState.CONFLICT: (
        (Settlement.KEEP_THEIRS, "Keep &theirs", "T"),
        (Settlement.APPLY_MINE, "Apply &mine", "M"),
    ),
    ActionState.FAILED: (
        (Settlement.RETRY, "&Retry", "R"),
        (Settlement.DISCARD, "&Discard", "D"),
    ),
}


def _values(values: dict[str, object]) -> str:
    return ", ".join(f"{name} {value if value is not None else '(none)'}"
                     for name, value in values.items()) or "(no field)"  # fmt: skip


class SettleDialog(_Dialog):
    """A failed or conflicting action: what I sent, what the source has, why; one key
    decides (T keep theirs / M apply mine for a conflict, R retry / D discard for a
    failure), Esc leaves it for later. Emits `chosen` with the `Settlement`."""

    def __init__(self, incident: str, queued: QueuedAction, parent: QWidget | None = None) -> None:
        super().__init__(f"{incident}: action {queued.state.value}", parent)
        action = queued.action
        mine = _values(dict(action.changes())) if action.changes() else "a note"
        lines = [f"{capped(incident, LINE)} — {action.kind.value} by "
                 f"{capped(action.author or 'someone', LINE)}",
                 f"Mine: {capped(mine, LINE)}"]  # fmt: skip
        if queued.state is ActionState.CONFLICT:
            lines.append(f"Theirs (in the PSA now): {capped(_values(dict(queued.theirs)), LINE)}")
        lines.append(f"Why: {capped(queued.last_error or 'no reason given', BLOCK)}")
        self.summary = QLabel("\n".join(lines))
        self.summary.setObjectName("settleSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel)
        self.choices: dict[Settlement, QPushButton] = {}
        for how, label, key in SETTLE_CHOICES.get(queued.state, ()):
            button = self.buttons.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
            button.setObjectName(how.value)
            button.clicked.connect(lambda _c=False, how=how: self._settle(how))
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda how=how: self._settle(how))
            self.choices[how] = button
        self._finish_layout()

    def _settle(self, how: Settlement) -> None:
        self.chosen.emit(how)
        self.accept()

    def _confirm(self) -> None:  # Ctrl+Enter decides nothing here: one key per choice
        return
