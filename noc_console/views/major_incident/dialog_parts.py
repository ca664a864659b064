"""What the major incident's dialogs and their keys share: the line that says what is
wrong (and its text for a failed action), the buttons with Ctrl+Enter on the main one,
the picker of the record a dialog acts on, and a board key with its menu entry."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
)

from noc_console.models.major_incident import MajorIncident
from noc_console.models.text_limits import LINE, capped
from noc_console.views.plain_text import plain

PROBLEM_STYLE = "color: #e06c75; font-weight: bold;"


def record_label(record: MajorIncident) -> str:
    return f"{record.reference} · {record.severity.value} · {capped(record.title, LINE)}"


class RecordPicker(QComboBox):
    """The major incident a dialog acts on, one of `records` (`current` chosen first)."""

    def __init__(self, records: Sequence[MajorIncident], current: int | None = None) -> None:
        super().__init__()
        self.setObjectName("miRecord")
        self._records = list(records)
        for record in self._records:
            self.addItem(record_label(record), record.id)
        if current is not None:
            self.setCurrentIndex(max(0, self.findData(current)))

    def chosen(self) -> MajorIncident | None:
        number = self.currentData()
        return next((r for r in self._records if r.id == number), None)


def bind_key(table: QTableView, menu: QMenu, label: str, key: str,
             slot: Callable[[], None]) -> None:  # fmt: skip
    """`key` on the board's table, and a menu entry naming it, both run `slot`."""
    shortcut = QShortcut(QKeySequence(key), table)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(slot)
    action = QAction(f"{label}  ({key})", table)
    action.triggered.connect(slot)
    menu.addAction(action)


def failure_text(what: str, error: BaseException, expected: tuple[type[BaseException], ...]) -> str:
    """The one line a failed dialog action shows: what failed and why — the error's own
    words when it is one the action expects, else marked an internal error."""
    if isinstance(error, expected):
        return f"{what}: {error}"
    return f"{what}: internal error {error!r}"


def problem_label(name: str) -> QLabel:
    """The one line under the fields saying what to fix (plain text: it may quote PSAs)."""
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(PROBLEM_STYLE)
    label.setWordWrap(True)
    plain(label)
    return label


def buttons(
    dialog: QDialog, text: str, name: str, leave: QDialogButtonBox.StandardButton,
    confirm: Callable[[], None],
) -> tuple[QDialogButtonBox, QPushButton]:  # fmt: skip
    """`leave` (Cancel or Close) and the main button `text`, which Ctrl+Enter presses too."""
    box = QDialogButtonBox(leave)
    main = QPushButton(text)
    main.setObjectName(name)
    box.addButton(main, QDialogButtonBox.ButtonRole.AcceptRole)
    box.accepted.connect(confirm)
    box.rejected.connect(dialog.reject)
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        QShortcut(QKeySequence(keys), dialog).activated.connect(confirm)
    return box, main
