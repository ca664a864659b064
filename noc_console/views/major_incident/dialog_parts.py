"""What the major incident's comms dialogs share: the line that says what is wrong, the
buttons with Ctrl+Enter on the main one, and how a record is named in a picker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton

from noc_console.models.major_incident import MajorIncident
from noc_console.models.text_limits import LINE, capped
from noc_console.views.plain_text import plain

PROBLEM_STYLE = "color: #e06c75; font-weight: bold;"


def record_label(record: MajorIncident) -> str:
    return f"{record.reference} · {record.severity.value} · {capped(record.title, LINE)}"


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
