"""Hostile ticket text on screen (issue 14, items 8, 9, 16, 19).

A title, client name, id or assignee is shown as the literal text it is — never parsed
as markup, which drew a local image in the status bar; the detail panel links only to
the web, in the system browser; absurdly long text is capped before Qt lays it out.
Each check looks at what Qt would put on screen, through the widgets themselves.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6 import QtGui
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel, QTextBrowser
from pytestqt.qtbot import QtBot

from noc_console.connectors.base import Page
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Client, Priority
from noc_console.models.shift import ShiftPlan
from noc_console.models.sla_clock import ClockState
from noc_console.models.text_limits import ELLIPSIS, LINE
from noc_console.services.alarms import Alarm, AlarmKind
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardUpdate
from noc_console.services.board.incident_detail import IncidentDetail
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.handover.document import handover_title, render_handover_html
from noc_console.services.handover.report import assemble_handover
from noc_console.services.wall.summary import ClientTile
from noc_console.views.alarms.notifier import DesktopNotifier
from noc_console.views.board.client_filter import ClientFilter
from noc_console.views.board.detail_panel import DetailPanel
from noc_console.views.board.model import BoardModel
from noc_console.views.handover.pdf import write_handover_pdf
from noc_console.views.main_window import BoardWindow
from noc_console.views.wall.pages import ClientTileView
from noc_console.views.wall.widgets import IncidentLine
from tests.factories import incident
from tests.fakes.hostile_text import HUGE, HUGE_LINES, MARKUP, hostile_report, hostile_row
from tests.views.table_cells import cell_text
from tests.views.test_main_window import DownSource, make_window
from tests.views.test_triage import demo_board

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="notify-send is Linux's")


def shown(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """The characters Qt puts on screen for `text` in a label or tooltip of `text_format`
    (tooltips are AutoText: Qt parses them as HTML when they look like it)."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def label_shows(label: QLabel) -> str:
    return shown(label.text(), label.textFormat())


@pytest.fixture
def row(store: Store) -> BoardRow:
    """A stored incident's row, as the board gets it."""
    store.upsert_incidents([incident(1)])
    return store.rows([incident(1).key])[0]


def open_handover(qtbot: QtBot, board: BoardWindow) -> None:
    """H on the board, as the lead presses it."""
    board.show()
    with qtbot.waitSignal(board._controller.synced, timeout=10_000):
        board._controller.start()
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_H)


def detail_of(row: BoardRow, link: str | None = None, **fields: object) -> IncidentDetail:
    return IncidentDetail(row, dict(fields), (), (), (), link)


# ------------------------------------------------------------------ rich text (item 8)
def test_the_alarm_line_shows_a_hostile_title_and_client_as_text(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    window = demo_board(qtbot, store, clock)
    presenter = window.alarms
    presenter.scan()  # learns the (empty) backlog
    qtbot.waitUntil(lambda: presenter.alarms._known is not None, timeout=5000)
    store.upsert_clients([Client("acme", MARKUP)])
    now = clock.now()
    store.upsert_incidents(
        [incident(1, priority=Priority.P1, title=MARKUP, created_at=now, updated_at=now)]
    )
    window.model.apply(BoardUpdate(store.rows([incident(1).key]), []))
    presenter.scan()
    qtbot.waitUntil(lambda: "PWNED" in window.alarm_label.text(), timeout=5000)
    assert f"{MARKUP} — {MARKUP}" in label_shows(window.alarm_label)
    window.close()


def test_the_title_tooltip_shows_a_tagged_id_and_title_as_text(row: BoardRow) -> None:
    model = BoardModel(LiveRows(row.created_at))
    bad = hostile_row(row)
    model.apply(BoardUpdate([bad], [], full=True))
    tip = model.index(0, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert shown(tip).split("\n") == [str(bad.key), MARKUP]


def test_a_hostile_server_message_in_the_status_bar_is_text(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    class HostileDown(DownSource):
        label = MARKUP

        def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
            from noc_console.connectors.errors import ConnectorUnavailable

            raise ConnectorUnavailable(f"psa.example said {MARKUP}")

    window = make_window(qtbot, store, clock, HostileDown())
    assert f"{MARKUP}: OFFLINE" in label_shows(window.feed_label)
    assert f"psa.example said {MARKUP}" in label_shows(window.feed_label)
    window.close()


@linux_only
def test_notify_send_gets_no_markup(notify_send: Path, qtbot: QtBot, row: BoardRow) -> None:
    alarm = Alarm(row.key, AlarmKind.NEW, Priority.P1, MARKUP, MARKUP, row.created_at)
    assert DesktopNotifier(tray=None).notify("NOC Console", alarm.text, True) == "notify-send"
    qtbot.waitUntil(notify_send.exists, timeout=5000)
    body = notify_send.read_text().splitlines()[-1]
    assert "<" not in body  # the notification service parses a subset of HTML in the body
    assert html.unescape(body) == alarm.text  # and shows exactly this


def test_the_detail_panel_shows_hostile_fields_as_text(qtbot: QtBot, row: BoardRow) -> None:
    panel = DetailPanel()
    qtbot.addWidget(panel)
    bad = hostile_row(row)
    panel.show_detail(detail_of(bad, description=MARKUP, category=MARKUP), row.created_at)
    text = panel.toPlainText()
    assert text.count(MARKUP) >= 5  # id, client, title, description, category, assignee
    assert "\N{OBJECT REPLACEMENT CHARACTER}" not in text  # no image was placed


def test_wall_lines_and_tiles_show_hostile_text_as_text(qtbot: QtBot, row: BoardRow) -> None:
    line = IncidentLine()
    tile = ClientTileView()
    for widget in (line, tile):
        qtbot.addWidget(widget)
    line.set_row(hostile_row(row))
    tile.set_tile(ClientTile("acme", MARKUP, 3, 1, ClockState.BREACHED), row.created_at)
    for label in (line.client, line.title, tile.name):
        assert label_shows(label) == MARKUP
    assert label_shows(line.owner).endswith(MARKUP)


def test_a_client_name_is_not_a_keyboard_shortcut_nor_markup(qtbot: QtBot) -> None:
    clients = ClientFilter()
    qtbot.addWidget(clients)
    name = f"R&D {MARKUP}"
    clients.set_clients({"rd": name})
    assert clients.list.item(0).text() == name
    clients.list.item(0).setCheckState(Qt.CheckState.Checked)
    assert QKeySequence.mnemonic(clients.text()).isEmpty()  # "&D" must not become Alt+D
    assert clients.text().replace("&&", "&") == name


def test_the_handover_status_names_a_hostile_lead_as_text(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    from noc_console.models.cache.handover_table import SavedHandover
    from noc_console.services.handover.desk import HandoverDesk
    from noc_console.services.sla_config import SlaSettings

    plan = ShiftPlan()
    span = plan.span_at(clock.now())
    saved = store.save_handover(
        SavedHandover(span.name, span.start, span.end, span.start, MARKUP, note="ok")
    )
    store.acknowledge_handover(saved.id, MARKUP, span.start)
    board = demo_board(qtbot, store, clock)
    board.attach_handover(HandoverDesk(store, plan, SlaSettings(), clock), "dana")
    open_handover(qtbot, board)
    view = board.handover_window
    assert view is not None
    qtbot.waitUntil(lambda: view.list.count() == 2, timeout=10_000)
    view.list.setCurrentRow(1)
    assert f"Acknowledged by {MARKUP} at" in label_shows(view.status)
    board.close()


def test_a_hostile_test_connection_message_is_text_in_its_tooltip(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from noc_console.services.config import load_config
    from noc_console.services.secrets import SecretStore
    from noc_console.views.settings.connectors import ConnectorSettingsDialog
    from tests.fakes.scripted_server import serving

    with serving() as server:
        server.answer(403, {"message": MARKUP}, times=5)
        path = tmp_path / "config.toml"
        path.write_text(
            f'[[connectors]]\nname = "psa"\ntype = "rest_json"\nbase_url = "{server.url}"\n',
            encoding="utf-8",
        )
        dialog = ConnectorSettingsDialog(load_config(path), path, SecretStore())
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitSignal(dialog.tested, timeout=30_000):
            qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    tips = [dialog.results.item(i).toolTip() for i in range(dialog.results.count())]
    assert any(MARKUP in shown(tip) for tip in tips), tips


# ------------------------------------------------------------------ links (item 9)
class Opened(QObject):
    """What `QDesktopServices.openUrl` was asked to open (Qt's own seam for handlers)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened() -> Iterator[Opened]:
    catcher = Opened()
    schemes = ("http", "https", "file", "javascript", "data", "smb", "noc-evil")
    for scheme in schemes:
        # PySide6's stub types the method name as bytes, but only a str works (bytes
        # raises ValueError: "called with wrong argument values").
        QDesktopServices.setUrlHandler(scheme, catcher, "open")  # type: ignore[arg-type]
    yield catcher
    for scheme in schemes:
        QDesktopServices.unsetUrlHandler(scheme)


def anchors(document: QTextDocument) -> list[str]:
    found = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor():
                found.append(fragment.charFormat().anchorHref())
            it += 1
        block = block.next()
    return found


def click_text(qtbot: QtBot, browser: QTextBrowser, needle: str) -> None:
    """Click in the middle of the first `needle` shown, as a person would."""
    found = browser.document().find(needle)
    assert not found.isNull(), f"{needle!r} is not shown"
    cursor = QTextCursor(browser.document())
    cursor.setPosition((found.selectionStart() + found.selectionEnd()) // 2)
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    centre = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(centre))


@pytest.fixture
def panel(qtbot: QtBot) -> DetailPanel:
    widget = DetailPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


NOT_WEB = [
    "file://{secret}",
    "javascript:alert(document.title)",
    "data:text/html,<b>hello</b>",
    "smb://fileserver/share/secret.txt",
    "noc-evil://run?cmd=calc",
    "https:no-host-here",
    "localsecret.txt",  # relative: would resolve against the panel's own source
    "https://psa.example/ticket 1 javascript:x",  # whitespace: not one address
]


@pytest.mark.parametrize("link", NOT_WEB)
@pytest.mark.qt_log_ignore("not accepted by receiving widget")  # a click on plain text
def test_a_link_that_is_not_to_the_web_is_shown_but_opens_nothing(
    link: str, panel: DetailPanel, opened: Opened, row: BoardRow, qtbot: QtBot, tmp_path: Path
) -> None:
    secret = tmp_path / "localsecret.txt"
    secret.write_text("the NOC's private notes", encoding="utf-8")
    link = link.format(secret=secret)
    panel.show_detail(detail_of(row, link=link), row.created_at)
    before = panel.toPlainText()
    assert anchors(panel.document()) == []  # not a link at all
    assert link in before  # the text is there for a person to judge
    assert "not opened" in before
    for needle in ("Open in", link):
        click_text(qtbot, panel, needle)
        qtbot.wait(50)  # a navigation would have replaced the document by now
        assert panel.toPlainText() == before
        assert opened.urls == []


@pytest.mark.parametrize("link", ["https://psa.example.com/ticket/1", "HTTP://psa.example/t?1"])
def test_a_web_link_opens_in_the_browser_and_the_panel_stays(
    link: str, panel: DetailPanel, opened: Opened, row: BoardRow, qtbot: QtBot
) -> None:
    panel.show_detail(detail_of(row, link=link), row.created_at)
    before = panel.toPlainText()
    click_text(qtbot, panel, "Open in")
    qtbot.waitUntil(lambda: len(opened.urls) == 1, timeout=3000)
    assert QUrl(opened.urls[0]) == QUrl(link)
    assert panel.toPlainText() == before


def test_a_quote_in_a_web_link_cannot_add_markup(
    panel: DetailPanel, opened: Opened, row: BoardRow, qtbot: QtBot
) -> None:
    # no whitespace: an address with a space is not linked at all (models/web_link.py)
    link = "https://psa.example/t/1'><img/src='file:///tmp/probe.png'><a/href='file:///etc"
    panel.show_detail(detail_of(row, link=link), row.created_at)
    assert [QUrl(a).scheme() for a in anchors(panel.document())] == ["https"]
    assert "\N{OBJECT REPLACEMENT CHARACTER}" not in panel.toPlainText()


# ------------------------------------------------------------------ layout caps (item 16)
def test_the_detail_panel_caps_a_1mb_title_and_description(qtbot: QtBot, row: BoardRow) -> None:
    panel = DetailPanel()
    qtbot.addWidget(panel)
    bad = hostile_row(row, HUGE)
    panel.show_detail(detail_of(bad, description=HUGE_LINES), row.created_at)
    text = panel.toPlainText()
    assert len(text) < 60_000  # the fields, capped; not megabytes for Qt to lay out
    assert HUGE[: LINE - 1] + ELLIPSIS in text


def test_wall_labels_and_board_cells_get_capped_text(qtbot: QtBot, row: BoardRow) -> None:
    line = IncidentLine()
    qtbot.addWidget(line)
    bad = hostile_row(row, HUGE)
    line.set_row(bad)
    for label in (line.client, line.title, line.owner):
        assert len(label.text()) <= LINE + 20
        assert label.text().endswith(ELLIPSIS)
    model = BoardModel(LiveRows(row.created_at))
    model.apply(BoardUpdate([bad], [], full=True))
    for column in (Column.CLIENT, Column.TITLE, Column.ASSIGNEE):
        assert len(model.index(0, column).data()) <= LINE
    tip = model.index(0, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert len(tip) < 30_000
    assert ELLIPSIS in shown(tip)


@linux_only
def test_a_1mb_title_still_reaches_notify_send_capped(
    notify_send: Path, qtbot: QtBot, row: BoardRow
) -> None:
    alarm = Alarm(row.key, AlarmKind.NEW, Priority.P1, HUGE, HUGE, row.created_at)
    assert DesktopNotifier(tray=None).notify("NOC Console", alarm.text, True) == "notify-send"
    qtbot.waitUntil(notify_send.exists, timeout=5000)
    body = notify_send.read_text().splitlines()[-1]
    assert len(body) <= 3 * LINE
    assert body.endswith(ELLIPSIS)


def test_a_handover_with_a_1mb_title_prints_to_pdf(
    store: Store, clock: ManualClock, tmp_path: Path, qapp: object
) -> None:
    store.upsert_incidents([incident(1, description=HUGE_LINES)])
    plan = ShiftPlan()
    now = clock.now()
    report = hostile_report(assemble_handover(store, plan, plan.span_at(now), now), HUGE)
    page_html = render_handover_html(report)
    assert len(page_html) < 100_000  # built from capped text: checked before any layout
    path = tmp_path / "handover.pdf"
    pages = write_handover_pdf(page_html, path, handover_title(report))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)
    assert 1 <= pages <= 5
    assert "Server is down!" in text
    assert ELLIPSIS in text


def test_the_handover_view_caps_its_note_rows(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    from noc_console.services.handover.desk import HandoverDesk
    from noc_console.services.sla_config import SlaSettings

    store.upsert_incidents([incident(1, title=HUGE, created_at=clock.now() - timedelta(hours=1))])
    board = demo_board(qtbot, store, clock)
    board.attach_handover(HandoverDesk(store, ShiftPlan(), SlaSettings(), clock), "dana")
    open_handover(qtbot, board)
    view = board.handover_window
    assert view is not None
    qtbot.waitUntil(lambda: view.notes.rowCount() > 0, timeout=10_000)
    cells = [cell_text(view.notes, i, 1) for i in range(view.notes.rowCount())]
    assert all(len(cell) <= 2 * LINE + 5 for cell in cells)
    assert len(view.document.toPlainText()) < 60_000
    board.close()


# ------------------------------------------------------------------ PDF errors (item 19)
def test_an_unwritable_pdf_target_raises_without_a_qt_warning(tmp_path: Path, qapp: object) -> None:
    """pytest-qt fails the test on any Qt warning ("QPainter::begin(): Returned false")."""
    folder_is_a_file = tmp_path / "not-a-folder"
    folder_is_a_file.write_text("", encoding="utf-8")
    with pytest.raises(OSError, match="Not a directory"):
        write_handover_pdf("<p>hello</p>", folder_is_a_file / "h.pdf", "Handover")
