"""The Handover window: the outgoing lead writes it, the incoming lead acknowledges it.

Left, the handovers: the current shift's draft first, then every stored one (newest
first, unacknowledged ones marked). Middle, the document as it will print. Right, for
the draft: a note per open incident, the overall note, the author and "Hand over";
for a stored, unacknowledged handover: the incoming lead's name and "Acknowledge".
All store work runs through `run_in_background` (the board's serial worker).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.errors import EnvironmentProblem
from noc_console.models.incident import IncidentKey
from noc_console.models.text_limits import capped
from noc_console.services.handover.desk import HandoverDesk, HandoverDocument
from noc_console.services.handover.document import handover_title, render_handover_html
from noc_console.services.handover.report import HandoverReport
from noc_console.views.handover.export import write_handover
from noc_console.views.handover.paging import BODY_PT
from noc_console.views.handover.pdf import printed_width
from noc_console.views.worker import Op, Runner

log = logging.getLogger(__name__)

NOTE_COLUMN = 2
EXPORT_FILTERS = {"PDF (*.pdf)": "pdf", "HTML (*.html *.htm)": "html"}  # the first is offered
PAPER = "QTextBrowser#handoverDocument { background: #ffffff; color: #111111; }"


class HandoverWindow(QWidget):
    """Signals:
    changed(): a handover was stored or acknowledged (the board re-checks its flag).
    """

    changed = Signal()

    def __init__(
        self,
        desk: HandoverDesk,
        run_in_background: Runner,
        me: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Shift handover")
        self._desk, self._run, self._me = desk, run_in_background, me
        self._report: HandoverReport | None = None
        self._stored: list[SavedHandover] = []
        self.list = QListWidget(self)
        self.list.setObjectName("handovers")
        self.list.currentRowChanged.connect(self._show)
        self.status = QLabel(self)
        self.status.setObjectName("handoverStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)  # bold on purpose; names escaped
        self.document = QTextBrowser(self)
        self.document.setObjectName("handoverDocument")
        self.document.setStyleSheet(PAPER)  # the page as it prints, whatever the theme
        # in the paper's type, not the screen's (the theme's UI size): the lines break
        # and the sections end where they do on paper
        paper_type = QFont(self.document.font())
        paper_type.setPointSizeF(BODY_PT)
        self.document.setFont(paper_type)
        # laid out at the paper's width, not the pane's: narrower, Qt broke a column's
        # text mid-word ("Waiting custome r"); the pane scrolls sideways instead. The
        # width holds the view's margins besides the text's
        self.document.setLineWrapMode(QTextEdit.LineWrapMode.FixedPixelWidth)
        margins = 2 * self.document.document().documentMargin()
        self.document.setLineWrapColumnOrWidth(round(printed_width(self.document) + margins))
        self.notes = QTableWidget(0, 3, self)
        self.notes.setObjectName("incidentNotes")
        self.notes.setHorizontalHeaderLabels(["Incident", "Client / title", "Handover note"])
        self.notes.horizontalHeader().setStretchLastSection(True)
        fit = QHeaderView.ResizeMode.ResizeToContents  # ids must read whole: one shift's rows
        self.notes.horizontalHeader().setSectionResizeMode(0, fit)
        self.notes.setColumnWidth(1, 230)
        self.notes.setWordWrap(False)
        self.notes.verticalHeader().setVisible(False)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("overallNote")
        self.note.setPlaceholderText("Overall note for the incoming lead")
        self.author = QLineEdit(me, self)
        self.author.setPlaceholderText("Your name (outgoing lead)")
        self.hand_over_button = QPushButton("Hand over  (Ctrl+S)", self)
        self.hand_over_button.clicked.connect(self.hand_over)
        self.no_note_prompt = _no_note_prompt(self)
        self.no_note_prompt.accepted.connect(self._store_draft)
        self.no_note_prompt.rejected.connect(self.note.setFocus)
        QShortcut(QKeySequence("Ctrl+S"), self, self.hand_over)
        for keys in ("Esc", "Ctrl+W"):  # closes (hides: the draft stays) as dialogs do
            QShortcut(QKeySequence(keys), self, self.close)
        self.export_button = QPushButton("Export…  (Ctrl+E)", self)
        self.export_button.setToolTip("Save the handover shown as PDF or HTML")
        self.export_button.clicked.connect(self.export)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export)
        self.export_dialog = _export_dialog(self)
        self.export_dialog.fileSelected.connect(lambda name: self.export_to(Path(name)))
        self.incoming = QLineEdit(self)
        self.incoming.setObjectName("incomingLead")
        self.incoming.setPlaceholderText("Your name (incoming lead)")
        self.acknowledge_button = QPushButton("Acknowledge", self)
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.incoming.returnPressed.connect(self.acknowledge)

        self.draft_panel = QWidget(self)
        draft = QVBoxLayout(self.draft_panel)
        draft.addWidget(QLabel("Notes per incident (double-click the note cell):", self))
        draft.addWidget(self.notes, 3)
        draft.addWidget(self.note, 1)
        row = QHBoxLayout()
        row.addWidget(self.author, 1)
        row.addWidget(self.hand_over_button)
        draft.addLayout(row)
        self.ack_panel = QWidget(self)
        ack = QHBoxLayout(self.ack_panel)
        ack.addWidget(self.incoming, 1)
        ack.addWidget(self.acknowledge_button)
        middle = QWidget(self)
        column = QVBoxLayout(middle)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.export_button)
        column.addLayout(top)
        column.addWidget(self.document, 1)
        column.addWidget(self.ack_panel)
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(middle)
        splitter.addWidget(self.draft_panel)
        splitter.setSizes([190, 1070, 540])  # the middle holds the page at its printed width
        QVBoxLayout(self).addWidget(splitter)
        self.resize(1800, 900)
        self.refresh()

    def refresh(self) -> None:
        """Draft the current shift and list the stored handovers (off the GUI thread)."""
        desk = self._desk
        Op(lambda: (desk.draft(), desk.handovers()), self._loaded).start(self._run)

    def hand_over(self) -> None:
        """Store the draft; with no overall note, only once the lead says so."""
        if self._report is None or self.list.currentRow() != 0:
            return
        if self.no_note_prompt.isVisible():
            return
        if not self.note.toPlainText().strip():
            self.no_note_prompt.open()
            return
        self._store_draft()

    def _store_draft(self) -> None:
        report = self._report
        if report is None:
            return
        notes, author, text = self._notes(), self.author.text(), self.note.toPlainText()
        desk = self._desk
        Op(
            lambda: desk.hand_over(report, author, text, notes), self._stored_one, self._refused
        ).start(self._run)

    def export(self) -> None:
        """Ask where to save the handover shown (PDF or HTML, by the name's suffix or
        the chosen type)."""
        if self._report is not None and self.list.currentRow() >= 0:
            self.export_dialog.open()

    def export_to(self, path: Path) -> None:
        """Save the handover shown to `path`: the draft as shown, notes typed so far
        included; a stored one as `noc-console handover --shift` writes it."""
        report, row = self._report, self.list.currentRow()
        if report is None or row < 0:
            return
        path, fmt = _with_format(path, self.export_dialog.selectedNameFilter())
        if row == 0:
            shown = render_handover_html(report, None, self._notes(), self.note.toPlainText())
            self._write(HandoverDocument(shown, handover_title(report)), fmt, path)
            return
        saved, desk = self._stored[row - 1], self._desk
        Op(
            lambda: desk.stored_document(saved),
            lambda document: self._write(document, fmt, path),
        ).start(self._run)

    def _write(self, document: HandoverDocument, fmt: str, path: Path) -> None:
        try:
            write_handover(document.html, document.title, fmt, path)
        except OSError as exc:
            self.status.setText(html.escape(f"Cannot write {path}: {exc.strerror or exc}"))
            return
        self.status.setText(html.escape(f"Saved {path}"))

    def acknowledge(self) -> None:
        row = self.list.currentRow()
        if row < 1 or self._stored[row - 1].acknowledged:
            return
        number, name, desk = self._stored[row - 1].id, self.incoming.text(), self._desk
        if not name.strip():
            self.status.setText("Type your name to acknowledge the handover.")
            return
        Op(lambda: desk.acknowledge(number, name), self._stored_one).start(self._run)

    # ------------------------------------------------------------ results
    def _loaded(self, result: tuple[HandoverReport, Sequence[SavedHandover]]) -> None:
        report, stored = result
        self._report, self._stored = report, list(stored)
        current = max(self.list.currentRow(), 0)
        self.list.blockSignals(True)
        self.list.clear()
        shift = report.shift
        self.list.addItem(QListWidgetItem(f"Current shift: {shift.name} (draft)"))
        for saved in self._stored:
            mark = (
                "✓ taken by " + capped(saved.acknowledged_by or "")
                if saved.acknowledged
                else ("⚑ NOT ACKNOWLEDGED")
            )
            self.list.addItem(f"{saved.shift_name} {_local(saved.shift_start, report)}\n  {mark}")
        self.list.blockSignals(False)
        self._fill_notes(report)
        self.list.setCurrentRow(min(current, self.list.count() - 1))
        self._show(self.list.currentRow())

    def _refused(self, error: BaseException) -> None:
        """Not stored (the shared database does not answer, the shift's handover was
        acknowledged meanwhile): say so here, where the lead is, and keep every word
        typed — the draft stays as it is, to hand over again."""
        reason = str(error)
        if not isinstance(error, EnvironmentProblem):
            log.error("storing the handover failed", exc_info=error)
            reason = f"internal error: {error!r} (details in the log)"
        self.status.setText(
            f"<b>Not handed over:</b> {html.escape(capped(reason))}. "
            "Your notes are kept here: hand over again when that is fixed."
        )

    def _stored_one(self, _saved: SavedHandover) -> None:
        self.changed.emit()
        self.refresh()

    def _show(self, row: int) -> None:
        report = self._report
        if report is None or row < 0:
            return
        self.draft_panel.setVisible(row == 0)
        if row == 0:
            self.ack_panel.hide()
            self.status.setText(
                f"Draft for {html.escape(report.shift.name)}: write notes, then hand over."
            )
            self.document.setHtml(
                render_handover_html(report, None, self._notes(), self.note.toPlainText())
            )
            return
        saved = self._stored[row - 1]
        self.ack_panel.setVisible(not saved.acknowledged)
        if saved.acknowledged:
            self.status.setText(
                f"Acknowledged by {html.escape(capped(saved.acknowledged_by or ''))} at "
                f"{_local(saved.acknowledged_at, report)}."
            )
        else:
            self.status.setText(
                "<b>Not yet acknowledged.</b> Incoming lead: read it, then "
                "type your name and press Acknowledge."
            )
            if not self.incoming.text() and self._me and self._me != saved.author:
                self.incoming.setText(self._me)  # `[me] name`: I am not the one who wrote it
        self.document.setHtml(saved.html)

    def _fill_notes(self, report: HandoverReport) -> None:
        if self.notes.state() is QAbstractItemView.State.EditingState:
            return  # refilling would close the editor and lose what is being typed
        kept = self._notes()
        self.notes.setRowCount(len(report.open_incidents))
        for i, row in enumerate(report.open_incidents):
            ident = QTableWidgetItem(f"{row.priority.value} {capped(row.key.external_id)}")
            ident.setData(Qt.ItemDataRole.UserRole, row.key)
            title = QTableWidgetItem(f"{capped(row.client_name)} — {capped(row.title)}")
            for item in (ident, title):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.notes.setItem(i, 0, ident)
            self.notes.setItem(i, 1, title)
            self.notes.setItem(i, NOTE_COLUMN, QTableWidgetItem(kept.get(row.key, "")))

    def _notes(self) -> dict[IncidentKey, str]:
        """The notes typed so far, the cell still being edited included (Ctrl+S while
        typing must not lose it)."""
        editor = self.notes.indexWidget(self.notes.currentIndex())
        if editor is not None:
            self.notes.commitData(editor)
        notes = {}
        for i in range(self.notes.rowCount()):
            ident, note = self.notes.item(i, 0), self.notes.item(i, NOTE_COLUMN)
            if ident is not None and note is not None and note.text().strip():
                notes[ident.data(Qt.ItemDataRole.UserRole)] = note.text()
        return notes


def _export_dialog(parent: QWidget) -> QFileDialog:
    dialog = QFileDialog(parent, "Export handover")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(list(EXPORT_FILTERS))
    return dialog


def _with_format(path: Path, name_filter: str) -> tuple[Path, str]:
    """The format a name's suffix says; without one, the chosen type's, suffix added."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return path, "html"
    if suffix == ".pdf":
        return path, "pdf"
    fmt = EXPORT_FILTERS.get(name_filter, "pdf")
    return path.with_name(f"{path.name}.{fmt}"), fmt


def _no_note_prompt(parent: QWidget) -> QMessageBox:
    """The question before a handover without an overall note: the incoming lead's
    first read. No is the default (Return) and Esc cancels; Yes hands over."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Shift handover",
        "Hand over without a note?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setInformativeText("The overall note is what the incoming lead reads first.")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    return box


def _local(when: datetime | None, report: HandoverReport) -> str:
    return when.astimezone(ZoneInfo(report.timezone)).strftime("%d %b %H:%M") if when else ""
