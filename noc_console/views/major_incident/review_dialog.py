"""Write the post-incident review of a major incident: root cause, contributing
factors (one per line), actions with an owner and a due date, and "review closed".

The facts (times, timeline, children) are built from the events and shown in the
exported review (`noc-console pir`); this dialog holds what people write. Keyboard
first: Tab walks the fields, Ctrl+N adds an action row, Ctrl+Enter saves, Esc leaves.
Nothing talks to the engine here: `chosen` carries the `Review`, `show_problem` says
why saving failed, the dialog staying open.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.major_incident import MajorIncident
from noc_console.models.pir import PirAction, Review
from noc_console.views.major_incident.dialog_parts import buttons, problem_label, record_label

COLUMNS = ("Action", "Owner", "Due (YYYY-MM-DD)", "Done")


class ReviewDialog(QDialog):
    """Signals:
    chosen(object, object): the record and the `Review` to save, on Save.
    """

    chosen = Signal(object, object)

    def __init__(self, record: MajorIncident, review: Review, today: date,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("postIncidentReview")
        self.setWindowTitle(f"Post-incident review — {record_label(record)}")
        self.setMinimumSize(760, 560)
        self._record = record
        self._today = today
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.root_cause = QPlainTextEdit(review.root_cause)
        self.root_cause.setObjectName("pirRootCause")
        self.root_cause.setTabChangesFocus(True)
        self.root_cause.setFixedHeight(80)
        form.addRow("&Root cause", self.root_cause)
        self.factors = QPlainTextEdit("\n".join(review.contributing_factors))
        self.factors.setObjectName("pirFactors")
        self.factors.setTabChangesFocus(True)
        self.factors.setPlaceholderText("One contributing factor per line")
        self.factors.setFixedHeight(80)
        form.addRow("Contributing &factors", self.factors)
        layout.addLayout(form)
        layout.addWidget(QLabel("Actions (Ctrl+N adds one)"))
        self.action_table = QTableWidget(0, len(COLUMNS))
        self.action_table.setObjectName("pirActions")
        self.action_table.setHorizontalHeaderLabels(COLUMNS)
        self.action_table.horizontalHeader().setStretchLastSection(False)
        self.action_table.setColumnWidth(0, 340)
        for action in review.actions:
            self._add_row(action.text, action.owner, action.due.isoformat(), action.done)
        layout.addWidget(self.action_table, 1)
        self.closed = QCheckBox("Review &held and closed")
        self.closed.setObjectName("pirClosed")
        self.closed.setChecked(review.closed)
        layout.addWidget(self.closed)
        self.problem = problem_label("pirProblem")
        layout.addWidget(self.problem)
        self.buttons, self.save_button = buttons(
            self, "&Save review", "pirSave", QDialogButtonBox.StandardButton.Cancel,
            self._confirm,
        )  # fmt: skip
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.add_action)
        self.root_cause.setFocus()

    def add_action(self) -> None:
        """A new action row, due in a week; the cursor on its text."""
        self._add_row("", "", (self._today + timedelta(days=7)).isoformat(), False)
        row = self.action_table.rowCount() - 1
        self.action_table.setCurrentCell(row, 0)
        self.action_table.setFocus()

    def review(self) -> Review:
        """What the fields say; `ValueError` naming a due date that is not a date."""
        actions = []
        for row in range(self.action_table.rowCount()):
            text, owner, due = (self._cell(row, c) for c in range(3))
            if not (text or owner):
                continue  # an empty row added and left
            try:
                when = date.fromisoformat(due)
            except ValueError:
                raise ValueError(f"action {row + 1}: due {due!r} is not a date like "
                                 f"{self._today.isoformat()}") from None  # fmt: skip
            done = self.action_table.item(row, 3)
            checked = done is not None and done.checkState() == Qt.CheckState.Checked
            actions.append(PirAction(text, owner, when, checked))
        factors = tuple(line.strip() for line in self.factors.toPlainText().splitlines())
        return Review(self.root_cause.toPlainText().strip(), tuple(f for f in factors if f),
                      tuple(actions), self.closed.isChecked())  # fmt: skip

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.show()

    def _add_row(self, text: str, owner: str, due: str, done: bool) -> None:
        row = self.action_table.rowCount()
        self.action_table.insertRow(row)
        for column, value in enumerate((text, owner, due)):
            self.action_table.setItem(row, column, QTableWidgetItem(value))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                       | Qt.ItemFlag.ItemIsSelectable)  # fmt: skip
        check.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
        self.action_table.setItem(row, 3, check)

    def _cell(self, row: int, column: int) -> str:
        item = self.action_table.item(row, column)
        return "" if item is None else item.text().strip()

    def _confirm(self) -> None:
        try:
            review = self.review()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        problems = review.problems()
        if problems:
            self.problem.setText("; ".join(problems))
            return
        self.problem.setText("")
        self.chosen.emit(self._record, review)
