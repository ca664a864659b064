"""Close out a major incident: the resolution note and "service verified restored",
then every child resolved in one action — and how each child's resolve fared.

Keyboard first: the note has focus, Tab reaches the check (Space ticks it), Ctrl+Enter
closes out, Esc leaves. Once stored, the dialog stays open on the children's outcomes
(pending, resolved, already resolved, failed with the PSA's reason); F5 reads them
again. Nothing talks to the engine here: `chosen` carries the close-out,
`refresh_requested` asks for the outcomes, `show_outcomes`/`show_problem` answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.major_incident import MajorIncident
from noc_console.models.text_limits import LINE, capped
from noc_console.services.major_incident.close_out import ChildOutcome, ChildResult
from noc_console.views.major_incident.dialog_parts import RecordPicker, buttons, problem_label

_INK = {ChildOutcome.FAILED: "#e06c75", ChildOutcome.CONFLICT: "#e5c07b",
        ChildOutcome.RESOLVED: "#98c379"}  # fmt: skip


class CloseOutDialog(QDialog):
    """Signals:
    chosen(object, str, bool): the record, the resolution note and the verified check,
        on Close out.
    refresh_requested(object): the record whose children's outcomes to read again.
    """

    chosen = Signal(object, str, bool)
    refresh_requested = Signal(object)

    def __init__(self, records: Sequence[MajorIncident], current: int | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("closeOut")
        self.setWindowTitle("Close out a major incident")
        self.setMinimumSize(640, 460)
        self._records = list(records)
        self._closed: MajorIncident | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.record = RecordPicker(self._records, current)
        form.addRow("&Major incident", self.record)
        self.note = QPlainTextEdit()
        self.note.setObjectName("miResolution")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Cause and fix: what clients' tickets are resolved with")
        self.note.setFixedHeight(90)
        form.addRow("&Resolution note", self.note)
        self.verified = QCheckBox("Service &verified restored for every client")
        self.verified.setObjectName("miVerified")
        form.addRow("", self.verified)
        layout.addLayout(form)
        self.heading = QLabel("Children")
        layout.addWidget(self.heading)
        self.children_list = QListWidget()
        self.children_list.setObjectName("miOutcomes")
        layout.addWidget(self.children_list, 1)
        self.problem = problem_label("miProblem")
        layout.addWidget(self.problem)
        self.buttons, self.close_button = buttons(
            self, "Close &out: resolve every child", "miCloseOut",
            QDialogButtonBox.StandardButton.Close, self._confirm,
        )  # fmt: skip
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("F5"), self).activated.connect(self._refresh)
        self.record.currentIndexChanged.connect(lambda _i: self._list_children())
        self._list_children()
        self.note.setFocus()

    def current_record(self) -> MajorIncident | None:
        return self.record.chosen()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.show()

    def show_outcomes(self, record: MajorIncident, results: Sequence[ChildResult]) -> None:
        """The close-out is stored: show each child's outcome (and keep showing them)."""
        self._closed = record
        for widget in (self.record, self.note, self.verified, self.close_button):
            widget.setEnabled(False)
        failed = sum(1 for r in results if r.outcome is ChildOutcome.FAILED)
        pending = sum(1 for r in results if r.outcome is ChildOutcome.PENDING)
        self.heading.setText(f"{record.reference} closed out — {failed} failed, {pending} "
                             "waiting to be delivered (F5 reads them again)")  # fmt: skip
        self.children_list.clear()
        for result in results:
            reason = f" — {capped(result.reason, LINE)}" if result.reason else ""
            item = QListWidgetItem(f"{result.outcome.value.upper()}  {result.key}  ·  "
                                   f"{capped(result.client_id, LINE)}{reason}")  # fmt: skip
            ink = _INK.get(result.outcome)
            if ink is not None:
                item.setForeground(QColor(ink))
            self.children_list.addItem(item)
        self.problem.setText("")
        self.show()

    def _list_children(self) -> None:
        self.children_list.clear()
        record = self.current_record()
        self.close_button.setEnabled(record is not None)
        if record is None:
            self.problem.setText("There is no open major incident to close out.")
            return
        for child in record.children:
            text = (
                f"{child.key}  ·  {capped(child.client_id, LINE)}  ·  {capped(child.title, LINE)}"
            )
            self.children_list.addItem(" ".join(text.split("\n")))
        self.heading.setText(f"Children resolved by the close-out ({len(record.children)})")

    def _refresh(self) -> None:
        if self._closed is not None:
            self.refresh_requested.emit(self._closed)

    def _confirm(self) -> None:
        record = self.current_record()
        if record is None or self._closed is not None:
            return
        note = self.note.toPlainText()
        if not note.strip():
            self.problem.setText("A resolution needs a note: cause and fix.")
            return
        if not self.verified.isChecked():
            self.problem.setText("Tick “Service verified restored” first: close-out resolves "
                                 "every child ticket.")  # fmt: skip
            return
        self.problem.setText("")
        self.chosen.emit(record, note, True)
