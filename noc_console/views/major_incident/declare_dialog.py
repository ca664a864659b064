"""Declare a major incident (M on a row, a selection or a group): title, severity,
incident commander, communications lead, the affected clients and the children.

Each child of a correlated group says why it is in the group (its strongest link to
another member: "same circuit TN-88213"); one that joined other clients' incidents by
wording alone starts unticked and says so, since most strays join that way and a
technician declaring in a hurry keeps what is ticked. A selection's children are all
ticked: the technician chose them.

Keyboard first: the title field has focus, Tab walks the fields, Space ticks a child
in and out, Ctrl+Enter declares, Esc cancels. What cannot be declared is said in one
line under the fields, and the dialog stays open; nothing talks to the engine here:
`chosen` carries the declaration, and `failed` is shown (`show_problem`) when storing
it went wrong.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import Priority
from noc_console.models.text_limits import LINE, capped
from noc_console.services.correlation.reasons import DOUBTFUL_HINT
from noc_console.services.major_incident.declare import (
    SEVERITIES,
    CannotDeclare,
    Declaration,
    check,
)
from noc_console.views.plain_text import plain, tooltip


class DeclareDialog(QDialog):
    """Signals:
    chosen(object): the `Declaration` to store, on Declare (it passed `check`).
    """

    chosen = Signal(object)

    def __init__(self, draft: Declaration, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("declareMajorIncident")
        self.setWindowTitle("Declare a major incident")
        self.setMinimumWidth(760)
        self._draft = draft
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(draft.title)
        self.title.setObjectName("miTitle")
        self.title.setMaxLength(300)
        self.title.setPlaceholderText("What clients will read, e.g. Internet circuit down at Oslo")
        self.severity = QComboBox()
        self.severity.setObjectName("miSeverity")
        for severity in SEVERITIES:
            self.severity.addItem(severity.value, severity)
        self.severity.setCurrentIndex(max(0, self.severity.findData(draft.severity)))
        self.commander = QLineEdit(draft.commander)
        self.commander.setObjectName("miCommander")
        self.comms_lead = QLineEdit(draft.comms_lead)
        self.comms_lead.setObjectName("miCommsLead")
        for field in (self.commander, self.comms_lead):
            field.setMaxLength(200)
        form.addRow("&Title", self.title)
        form.addRow("&Severity", self.severity)
        form.addRow("Incident &commander", self.commander)
        form.addRow("Co&mms lead", self.comms_lead)
        self.clients = QLabel()
        self.clients.setObjectName("miClients")
        self.clients.setWordWrap(True)
        plain(self.clients)  # client names are the PSAs' text
        form.addRow("Affected clients", self.clients)
        layout.addLayout(form)
        children_label = QLabel("C&hildren (Space ticks one in or out)")
        layout.addWidget(children_label)
        self.child_list = QListWidget()
        children_label.setBuddy(self.child_list)
        self.child_list.setObjectName("miChildren")
        for row in draft.children:
            self.child_list.addItem(self._child_item(row))
        self.child_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.child_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.child_list.itemChanged.connect(lambda _item: self._refresh())
        layout.addWidget(self.child_list, 1)
        self.problem = QLabel()
        self.problem.setObjectName("miProblem")
        self.problem.setStyleSheet("color: #e06c75; font-weight: bold;")
        self.problem.setWordWrap(True)  # what a database said can be long: read it whole
        plain(self.problem)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.declare_button = QPushButton("&Declare")
        self.declare_button.setObjectName("miDeclare")
        self.buttons.addButton(self.declare_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self._confirm)
        self.title.returnPressed.connect(self.commander.setFocus)
        self.commander.returnPressed.connect(self.comms_lead.setFocus)
        self.comms_lead.returnPressed.connect(self._confirm)
        self._refresh()
        self.title.setFocus()

    def _child_item(self, row: BoardRow) -> QListWidgetItem:
        """ "P1  rt:48213  ·  Northwind  ·  its title", and under it why it is in the
        group: a line of its own, so that neither elides the other away."""
        reason = self._draft.reasons.get(row.key)
        why = "" if reason is None else DOUBTFUL_HINT if reason.doubtful else capped(reason.text)
        text = f"{row.priority.value}  {capped(str(row.key), LINE)}  ·  " \
               f"{capped(row.client_name, LINE)}  ·  {capped(row.title, LINE)}"  # fmt: skip
        item = QListWidgetItem(" ".join(text.split("\n")) + (f"\n      ↳ {why}" if why else ""))
        item.setToolTip(tooltip(why) if why else "")  # the whole reason, if elided
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        ticked = self._draft.starts_ticked(row)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        return item

    def declaration(self) -> Declaration:
        """What the fields say now."""
        ticked = tuple(
            row for n, row in enumerate(self._draft.children)
            if (item := self.child_list.item(n)) is not None
            and item.checkState() == Qt.CheckState.Checked
        )  # fmt: skip
        severity = self.severity.currentData()
        return replace(
            self._draft, title=self.title.text(), commander=self.commander.text(),
            comms_lead=self.comms_lead.text(), children=ticked,
            severity=severity if isinstance(severity, Priority) else Priority.P1,
        )  # fmt: skip

    def show_problem(self, text: str) -> None:
        """Storing the declaration failed (the database): say so and stay open."""
        self.problem.setText(text)
        self.show()

    def _refresh(self) -> None:
        d = self.declaration()
        names = ", ".join(d.client_names) or "none (tick at least one child)"
        self.clients.setText(f"{len(d.clients)}: {names}")

    def _confirm(self) -> None:
        declaration = self.declaration()
        try:
            check(declaration)
        except CannotDeclare as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        self.chosen.emit(declaration)
        self.accept()
