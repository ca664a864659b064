"""Send a client update of a major incident (U): the phase, what clients see, and the
words each affected client will get — editable before they go.

Keyboard first: the impact field has focus; Alt+1…4 pick the phase, Tab reaches each
client's text, Ctrl+Enter sends, Esc cancels. The texts are filled from the phase's
template (the client's own wording where it has one, said beside its name) and filled
again when the phase, the impact or the major incident changes — a text already edited
by hand is kept. Nothing talks to the engine here: `chosen` carries the update, and
`show_problem` says why storing it failed, the dialog staying open.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.comms_template import Phase, TemplateError
from noc_console.models.major_incident import MajorIncident
from noc_console.models.text_limits import LINE, capped
from noc_console.services.major_incident.comms_desk import CommsContext, CommsDesk
from noc_console.services.major_incident.updates import ClientUpdate
from noc_console.views.major_incident.dialog_parts import RecordPicker, buttons, problem_label
from noc_console.views.plain_text import plain


def _wording(update: ClientUpdate) -> str:
    wording = "its own wording" if update.own_template else "the NOC's wording"
    tickets = len(update.children)
    plural = "s" if tickets != 1 else ""
    return f"{capped(update.client_name, LINE)} — {tickets} ticket{plural}, {wording}"


class UpdateDialog(QDialog):
    """Signals:
    chosen(object, object, object): the record, the `Phase` and the `ClientUpdate`s to
        send, on Send (none has an empty text).
    """

    chosen = Signal(object, object, object)

    def __init__(self, desk: CommsDesk, context: CommsContext, current: int | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("clientUpdate")
        self.setWindowTitle("Send a client update")
        self.setMinimumSize(720, 520)
        self._desk = desk
        self._context = context
        self._updates: list[ClientUpdate] = []
        self._edits: list[QPlainTextEdit] = []
        self._labels: list[QLabel] = []
        self._filled: list[str] = []
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.record = RecordPicker(context.records, current)
        form.addRow("&Major incident", self.record)
        phases = QHBoxLayout()
        self.phase_group = QButtonGroup(self)
        for number, phase in enumerate(Phase, 1):
            button = QRadioButton(f"{number} {phase.label}  (Alt+{number})")
            button.setObjectName(f"phase_{phase.value}")
            self.phase_group.addButton(button, number - 1)
            phases.addWidget(button)
            key = QShortcut(QKeySequence(f"Alt+{number}"), self)  # not every platform
            key.activated.connect(button.click)  # gives radio buttons their mnemonics
        self.phase_group.button(self._first_phase()).setChecked(True)
        form.addRow("Phase", phases)
        self.impact = QLineEdit()
        self.impact.setObjectName("miImpact")
        self.impact.setMaxLength(500)
        self.impact.setPlaceholderText("What clients see, e.g. no internet at the Oslo office")
        form.addRow("&Impact", self.impact)
        layout.addLayout(form)
        self.texts = QWidget()
        self.texts_layout = QVBoxLayout(self.texts)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.texts)
        layout.addWidget(scroll, 1)
        self.problem = problem_label("miProblem")
        layout.addWidget(self.problem)
        self.buttons, self.send_button = buttons(
            self, "&Send to every child ticket", "miSend",
            QDialogButtonBox.StandardButton.Cancel, self._confirm,
        )  # fmt: skip
        layout.addWidget(self.buttons)
        self.record.currentIndexChanged.connect(lambda _i: self._fill())
        self.phase_group.idToggled.connect(lambda _i, on: self._fill() if on else None)
        self.impact.textChanged.connect(lambda _t: self._fill())
        self._fill()
        self.impact.setFocus()

    def current_record(self) -> MajorIncident | None:
        return self.record.chosen()

    def phase(self) -> Phase:
        return list(Phase)[max(0, self.phase_group.checkedId())]

    def client_updates(self) -> list[ClientUpdate]:
        """The updates with the texts as they stand in the fields now."""
        return [replace(u, text=edit.toPlainText())
                for u, edit in zip(self._updates, self._edits, strict=True)]  # fmt: skip

    def wording_of(self, client_id: str) -> str:
        """The line above a client's text: its name, tickets and whose wording."""
        found = [label.text() for u, label in zip(self._updates, self._labels, strict=True)
                 if u.client_id == client_id]  # fmt: skip
        return found[0] if found else ""

    def show_problem(self, text: str) -> None:
        """Storing the update failed: say so and stay open."""
        self.problem.setText(text)
        self.show()

    def _first_phase(self) -> int:
        """Investigating before any update went out, else Identified."""
        record = self.current_record()
        return 0 if record is None or record.first_update_at is None else 1

    def _fill(self) -> None:
        record = self.current_record()
        if record is None:
            self._show([], "There is no open major incident to update.")
            return
        try:
            composed = self._desk.compose(self._context, record, self.phase(), self.impact.text())
        except TemplateError as exc:
            self._show([], str(exc))
            return
        edited = {u.client_id: e.toPlainText() for u, e, f
                  in zip(self._updates, self._edits, self._filled, strict=True)
                  if e.toPlainText() != f}  # fmt: skip
        self._show(composed, "")
        for update, edit in zip(self._updates, self._edits, strict=True):
            if update.client_id in edited:
                edit.setPlainText(edited[update.client_id])

    def _show(self, composed: list[ClientUpdate], problem: str) -> None:
        if len(composed) != len(self._updates) or any(
            a.client_id != b.client_id for a, b in zip(composed, self._updates, strict=False)
        ):
            self._rebuild(composed)
        self._updates = composed
        self._filled = [u.text for u in composed]
        for update, edit, label in zip(composed, self._edits, self._labels, strict=True):
            edit.setPlainText(update.text)
            label.setText(_wording(update))  # whose wording changes with the phase
        self.problem.setText(problem)
        self.send_button.setEnabled(bool(composed))

    def _rebuild(self, composed: list[ClientUpdate]) -> None:
        while self.texts_layout.count():
            item = self.texts_layout.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        self._edits = []
        self._labels = []
        for update in composed:
            label = QLabel()
            plain(label)
            edit = QPlainTextEdit()
            edit.setObjectName(f"text_{update.client_id}")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(70)
            self.texts_layout.addWidget(label)
            self.texts_layout.addWidget(edit)
            self._labels.append(label)
            self._edits.append(edit)
        self.texts_layout.addStretch(1)

    def _confirm(self) -> None:
        record = self.current_record()
        if record is None or not self._updates:
            return
        updates = self.client_updates()
        empty = [u.client_name for u in updates if not u.text.strip()]
        if empty:
            self.problem.setText(f"The update for {', '.join(empty)} has no text.")
            return
        self.problem.setText("")
        self.chosen.emit(record, self.phase(), updates)
        self.accept()
