"""The handover from the board: H opens it, the outgoing lead hands over with notes, the
board flags it until the incoming lead acknowledges it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from noc_console.cli import main
from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.shift import ShiftPlan
from noc_console.services.handover.desk import HandoverDesk
from noc_console.services.handover.document import render_handover_html
from noc_console.services.sla_config import SlaSettings
from noc_console.services.sync import SyncService
from noc_console.views.handover.paging import PagedDocument
from noc_console.views.handover.pdf import printed_width
from noc_console.views.handover.window import NOTE_COLUMN, HandoverWindow
from noc_console.views.main_window import BoardWindow
from noc_console.views.theme import apply_theme
from noc_console.views.worker import SerialWorker
from tests.views.table_cells import cell, cell_text
from tests.views.test_triage import demo_board


@pytest.fixture
def board(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    window = demo_board(qtbot, store, clock)
    window.attach_handover(HandoverDesk(store, ShiftPlan(), SlaSettings(), clock), "dana")
    window.show()
    with qtbot.waitSignal(window._controller.synced, timeout=10_000):
        window._controller.start()
    window.table.setFocus()
    yield window
    window.close()


def open_handover(qtbot: QtBot, board: BoardWindow) -> HandoverWindow:
    qtbot.keyClick(board.table, Qt.Key.Key_H)
    view = board.handover_window
    assert view is not None
    qtbot.waitUntil(lambda: view.notes.rowCount() > 0, timeout=10_000)
    return view


def test_hand_over_then_acknowledge(qtbot: QtBot, board: BoardWindow, store: Store) -> None:
    assert not board.handover_flag.isVisible()
    view = open_handover(qtbot, board)
    assert view.notes.rowCount() == store.open_count()
    assert "Current shift: Early" in view.list.item(0).text()  # 14:00 UTC

    # the outgoing lead notes the first incident and writes an overall note
    first = cell_text(view.notes, 0, 0).split()[1]
    view.notes.setCurrentCell(0, NOTE_COLUMN)
    view.notes.editItem(cell(view.notes, 0, NOTE_COLUMN))
    editor = view.notes.findChild(QLineEdit)
    assert editor is not None
    qtbot.keyClicks(editor, "Vendor ticket 4471, call back at 16:00")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(view.note, "Quiet apart from the P1s")
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.keyClick(view.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    (saved,) = store.handovers()
    assert (saved.author, saved.note) == ("dana", "Quiet apart from the P1s")
    assert {k.external_id: v for k, v in saved.notes.items()} == {
        first: "Vendor ticket 4471, call back at 16:00"
    }
    assert "Vendor ticket 4471" in saved.html
    qtbot.waitUntil(board.handover_flag.isVisible, timeout=10_000)
    assert "Early" in board.handover_flag.text()

    # the incoming lead opens it from the list and acknowledges
    qtbot.waitUntil(lambda: view.list.count() == 2, timeout=10_000)
    view.list.setCurrentRow(1)
    assert "Not yet acknowledged" in view.status.text()
    assert "Vendor ticket 4471" in view.document.toPlainText()
    qtbot.keyClicks(view.incoming, "Sam")
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.keyClick(view.incoming, Qt.Key.Key_Return)
    (saved,) = store.handovers()
    assert saved.acknowledged_by == "Sam"
    qtbot.waitUntil(lambda: not board.handover_flag.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: "Acknowledged by Sam" in view.status.text(), timeout=10_000)
    view.close()


def test_acknowledging_needs_a_name(qtbot: QtBot, board: BoardWindow, store: Store) -> None:
    view = open_handover(qtbot, board)
    qtbot.keyClicks(view.note, "Quiet shift")  # an empty note would be asked about first
    with qtbot.waitSignal(view.changed, timeout=10_000):
        view.hand_over()
    qtbot.waitUntil(lambda: view.list.count() == 2, timeout=10_000)
    view.list.setCurrentRow(1)
    qtbot.keyClick(view.incoming, Qt.Key.Key_Return)
    assert "Type your name" in view.status.text()
    assert not store.handovers()[0].acknowledged
    view.close()


def mid_word_breaks(document: QTextDocument) -> list[str]:
    """Every place the layout broke a line between two letters or digits, as
    "…before|after…" (a break at a space or after a hyphen is not one)."""
    found = []
    block = document.begin()
    while block.isValid():
        lines, text = block.layout(), block.text()
        for i in range(1, lines.lineCount()):
            at = lines.lineAt(i).textStart()
            if text[at - 1].isalnum() and text[at].isalnum():
                found.append(f"{text[max(at - 20, 0) : at]}|{text[at : at + 10]}")
        block = block.next()
    return found


def test_the_document_never_wraps_inside_a_word(qtbot: QtBot, board: BoardWindow) -> None:
    """ "Waiting custome r" was seen: the view laid the page out at its own width and Qt
    broke what did not fit anywhere. It shows the page at the paper's width instead."""
    view = open_handover(qtbot, board)
    qtbot.waitUntil(lambda: "Open incidents by queue" in view.document.toPlainText())
    for width in (1600, 1100):  # as opened, and narrower: a scroll bar, never a cut word
        view.resize(width, 900)
        qtbot.waitUntil(lambda w=width: view.width() == w)  # type: ignore[misc]
        assert mid_word_breaks(view.document.document()) == []
    view.close()


def test_handing_over_without_a_note_asks_first(
    qtbot: QtBot, board: BoardWindow, store: Store
) -> None:
    view = open_handover(qtbot, board)
    prompt = view.no_note_prompt
    for answer in (Qt.Key.Key_Escape, Qt.Key.Key_Return):  # Esc cancels; No is the default
        qtbot.keyClick(view.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(prompt.isVisible)
        assert "Hand over without a note?" in prompt.text()
        qtbot.keyClick(prompt, answer)
        qtbot.waitUntil(lambda: not prompt.isVisible())
        assert view.note.hasFocus()  # back to the note, to write one
    assert store.handovers() == []

    qtbot.keyClicks(view.note, "   ")  # blanks are no note either
    qtbot.keyClick(view.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(prompt.isVisible)
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.keyClick(prompt, Qt.Key.Key_Y)  # Yes: hand over all the same
    (saved,) = store.handovers()
    assert saved.note.strip() == ""
    view.close()


def export(qtbot: QtBot, view: HandoverWindow, path: Path) -> None:
    """Ctrl+E, the file's name typed in the save dialog (opened in its folder), Return."""
    dialog = view.export_dialog
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, to type in
    dialog.setDirectory(str(path.parent))
    view.activateWindow()  # as a person clicks into it: the shortcut is the window's
    qtbot.waitUntil(view.isActiveWindow)
    qtbot.keyClick(view.list, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.isVisible)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    qtbot.keyClicks(name, path.name)
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Saved" in view.status.text(), timeout=20_000)
    assert not dialog.isVisible()


def pdf_pages(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages]


def test_export_saves_what_the_command_writes(
    qtbot: QtBot, board: BoardWindow, clock: ManualClock, db_url: str, tmp_path: Path
) -> None:
    """The Export button writes the file `noc-console handover --out` writes for that
    shift (at the same instant), through the same code: HTML for the draft, PDF for
    the handover once stored and acknowledged."""
    config = tmp_path / "config.toml"
    config.write_text("")  # no sources: the demo feed, as the board runs it

    def command(*args: str) -> None:
        handover = ["--config", str(config), "--db", db_url, "handover", *args]
        assert main(handover, clock=clock) == 0

    view = open_handover(qtbot, board)
    export(qtbot, view, tmp_path / "draft.html")
    assert f"Saved {tmp_path / 'draft.html'}" in view.status.text()
    command("--format", "html", "--out", str(tmp_path / "cli.html"))
    saved = (tmp_path / "draft.html").read_text(encoding="utf-8")
    assert saved == (tmp_path / "cli.html").read_text(encoding="utf-8")
    assert "Draft, not handed over" in saved

    qtbot.keyClicks(view.note, "Watch the Leeds VPN")
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.keyClick(view.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.list.count() == 2, timeout=10_000)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Down)
    qtbot.keyClicks(view.incoming, "Sam")
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.keyClick(view.incoming, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Acknowledged by Sam" in view.status.text(), timeout=10_000)
    export(qtbot, view, tmp_path / "stored")  # no suffix: the type offered first, PDF
    command("--format", "pdf", "--out", str(tmp_path / "cli.pdf"), "--shift", "Early")
    pages = pdf_pages(tmp_path / "stored.pdf")
    assert pages == pdf_pages(tmp_path / "cli.pdf")
    assert "Watch the Leeds VPN" in pages[0]
    assert "acknowledged by Sam" in pages[0]
    view.close()


def test_export_says_when_the_file_cannot_be_written(
    qtbot: QtBot, board: BoardWindow, tmp_path: Path
) -> None:
    view = open_handover(qtbot, board)
    view.export_to(tmp_path / "no-such-folder" / "h.html")
    assert f"Cannot write {tmp_path / 'no-such-folder' / 'h.html'}" in view.status.text()
    assert not (tmp_path / "no-such-folder").exists()
    view.close()


def test_on_the_incoming_leads_desk_their_name_is_filled_in(
    qtbot: QtBot, board: BoardWindow, store: Store, db_url: str, clock: ManualClock
) -> None:
    """dana hands over on her desk (her own name is not offered to acknowledge it); on
    Sam's desk — another console on the same cache, `[me] name = "Sam"` — the
    acknowledgement is already signed Sam: Enter is enough."""
    view = open_handover(qtbot, board)
    qtbot.keyClicks(view.note, "Quiet shift")
    with qtbot.waitSignal(view.changed, timeout=10_000):
        view.hand_over()
    qtbot.waitUntil(lambda: view.list.count() == 2, timeout=10_000)
    view.list.setCurrentRow(1)
    assert view.incoming.text() == ""  # dana wrote it: not hers to acknowledge
    view.close()

    other = Store.open(db_url)
    try:
        desk = HandoverDesk(other, ShiftPlan(), SlaSettings(), clock)
        sams = HandoverWindow(desk, board._controller.run_in_background, "Sam")
        qtbot.addWidget(sams)
        sams.show()
        sams.refresh()
        qtbot.waitUntil(lambda: sams.list.count() == 2, timeout=10_000)
        sams.list.setCurrentRow(1)
        assert sams.incoming.text() == "Sam"
        with qtbot.waitSignal(sams.changed, timeout=10_000):
            qtbot.keyClick(sams.incoming, Qt.Key.Key_Return)
        assert store.handovers()[0].acknowledged_by == "Sam"
        sams.close()
    finally:
        other.close()


def lines(document: QTextDocument) -> list[list[str]]:
    """Each block's lines, as laid out."""
    found = []
    block = document.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        found.append([
            text[line.textStart() : line.textStart() + line.textLength()]
            for line in (layout.lineAt(i) for i in range(layout.lineCount()))
        ])  # fmt: skip
        block = block.next()
    return found


def test_the_preview_sets_the_paper_in_its_own_type(
    qtbot: QtBot, store: Store, clock: ManualClock, qapp: QApplication
) -> None:
    """The preview took the screen's type (the theme's UI size, 14 pt here): its lines
    broke elsewhere than on paper and the page ran longer. It lays the document out as
    the PDF does, at the screen's resolution: the same lines, the same height."""
    sync = SyncService(DemoFeed(clock, seed=3), store, clock)
    sync.sync_once()
    desk = HandoverDesk(store, ShiftPlan(), SlaSettings(), clock)
    before = qapp.font()
    worker = SerialWorker()
    try:
        apply_theme(qapp, "dark", point_size=14)
        view = HandoverWindow(desk, worker.run, "dana")
        qtbot.addWidget(view)
        view.show()
        qtbot.waitUntil(lambda: "Open incidents by queue" in view.document.toPlainText())
        preview = view.document.document()
        html = render_handover_html(desk.draft())
        paper = PagedDocument(html, view.document, printed_width(view.document), 10**6).document
        assert preview.toPlainText() == paper.toPlainText()
        assert lines(preview) == lines(paper)
        margins = 2 * preview.documentMargin()
        assert preview.size().height() - margins == paper.size().height()
        view.close()
    finally:
        worker.close()
        qapp.setFont(before)
        apply_theme(qapp, "dark")
        qapp.setFont(before)
