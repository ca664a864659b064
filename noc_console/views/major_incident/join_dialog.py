"""Add the selected incidents to a major incident already declared (Ctrl+M).

Keyboard first: the major incident picker has focus (the one the rows' correlated group
is in is chosen), the rows to add are listed below it, Ctrl+Enter adds them, Esc leaves.
Nothing talks to the engine here: `chosen` carries the record and the rows,
`show_problem` says why the store refused and keeps the dialog open.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.board_row import BoardRow
from noc_console.models.major_incident import MajorIncident
from noc_console.models.text_limits import LINE, capped
from noc_console.views.major_incident.dialog_parts import RecordPicker, buttons, problem_label


class JoinDialog(QDialog):
    """Signals:
    chosen(object, list): the record and the rows to add, on Add.
    """

    chosen = Signal(object, list)

    def __init__(
        self,
        records: Sequence[MajorIncident],
        suggested: int | None,
        rows: Sequence[BoardRow],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("joinMajorIncident")
        self.setWindowTitle("Add to a major incident")
        self.setMinimumSize(620, 360)
        self._records = [r for r in records if r.is_open]
        self._rows = list(rows)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.record = RecordPicker(self._records, suggested)
        form.addRow("&Major incident", self.record)
        layout.addLayout(form)
        clients = len({r.client_id for r in self._rows})
        heading = QLabel(f"Add {len(self._rows)} incident{'s' if len(self._rows) != 1 else ''} "
                         f"of {clients} client{'s' if clients != 1 else ''} — each gets the "
                         "major incident's internal note; their clients get its next "
                         "client updates")  # fmt: skip
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.row_list = QListWidget()
        self.row_list.setObjectName("miJoinRows")
        for row in self._rows:  # PSA text: a list item shows it as plain text
            self.row_list.addItem(f"{row.key} · {capped(row.client_name, 40)} · "
                                  f"{capped(row.title, LINE)}")  # fmt: skip
        layout.addWidget(self.row_list, 1)
        self.problem = problem_label("miProblem")
        layout.addWidget(self.problem)
        self.buttons, self.add_button = buttons(
            self, "&Add to major incident", "miJoin",
            QDialogButtonBox.StandardButton.Cancel, self._confirm,
        )  # fmt: skip
        layout.addWidget(self.buttons)
        self.record.setFocus()

    def current_record(self) -> MajorIncident | None:
        return self.record.chosen()

    def show_problem(self, text: str) -> None:
        """Storing failed: say so and stay open."""
        self.problem.setText(text)
        self.show()

    def _confirm(self) -> None:
        record = self.current_record()
        if record is None:
            self.problem.setText("there is no open major incident: declare one with M")
            return
        self.problem.setText("")
        self.chosen.emit(record, list(self._rows))
