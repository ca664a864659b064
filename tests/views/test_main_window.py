import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from pytestqt.qtbot import QtBot

from noc_console.connectors.base import Page
from noc_console.connectors.demo.feed import DemoFeed
from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Client, IncidentKey
from noc_console.services.board.board_order import Order, needs_me
from noc_console.services.board.columns import Column, one_line
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.views.board.controller import BoardController
from noc_console.views.board.model import ROW_ROLE, SORT_ROLE
from noc_console.views.board.saved_views import SavedViews
from noc_console.views.main_window import BoardWindow
from tests.factories import incident
from tests.fakes.fake_psa import FakePsa, running


class DownSource:
    name = "psa"
    label = "Contoso PSA"

    def clients(self) -> Sequence[Client]:
        return []

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        raise ConnectorUnavailable("psa.example: connection refused")

    def list_open(self) -> Iterator[Page]:
        raise ConnectorUnavailable("psa.example: connection refused")

    def apply(self, action: object, retry: bool) -> str:
        raise ConnectorUnavailable("psa.example: connection refused")


def make_window(qtbot: QtBot, store: Store, clock: ManualClock, source: object) -> BoardWindow:
    connectors = [source]
    feed = BoardFeed(store, connectors)  # type: ignore[arg-type]
    engine = SyncEngine(store, connectors, clock, interval=timedelta(minutes=5))  # type: ignore[arg-type]
    live = LiveRows(clock.now())
    controller = BoardController(feed, engine, live, clock)
    window = BoardWindow(live, controller, clock)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(controller.synced, timeout=10_000):
        controller.start()
    return window


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    board = make_window(qtbot, store, clock, DemoFeed(clock))
    yield board
    board.close()


def column_values(window: BoardWindow, column: Column) -> list[object]:
    board = window.model
    return [board.index(r, column).data(SORT_ROLE) for r in range(board.rowCount())]


def test_board_fills_from_the_demo_feed_needs_me_first(
    window: BoardWindow, store: Store, qtbot: QtBot
) -> None:
    assert window.model.rowCount() == store.open_count() > 20
    ranks = [needs_me(row) for row in window.model.rows()]
    assert ranks == sorted(ranks)
    assert window.order.currentText() == "Needs me first"
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_O)  # O: the next order, by deadline
    assert window.order.currentText() == "By deadline"
    dues = column_values(window, Column.DUE)
    assert dues == sorted(dues)  # type: ignore[type-var]
    assert "online" in window.feed_label.text()
    assert window.age_label.text() == "data 0s old"
    assert window.count_label.text() == f"{store.open_count()} open"


def test_clicking_a_header_sorts_by_it(window: BoardWindow, qtbot: QtBot) -> None:
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.PRIORITY) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    ranks = column_values(window, Column.PRIORITY)
    assert ranks in (sorted(ranks), sorted(ranks, reverse=True))  # type: ignore[type-var]
    assert len(set(ranks)) > 1
    assert window.order.currentIndex() == -1  # the chooser says "By column"
    window.order.setCurrentIndex(window.order.findText("By priority"))
    assert header.sortIndicatorSection() == -1


def test_old_data_is_called_stale(window: BoardWindow, clock: ManualClock) -> None:
    clock.advance(timedelta(minutes=5))
    window._controller.tick()  # the once-a-second timer's slot
    assert window.age_label.text() == "STALE: data 5m 00s old"


def test_a_source_that_is_down_is_shown_offline(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    window = make_window(qtbot, store, clock, DownSource())
    text = window.feed_label.text()
    assert "Contoso PSA: OFFLINE since" in text
    assert "connection refused" in text
    assert window.age_label.text() == "no data yet"
    window.close()


def test_cached_incidents_from_a_source_never_synced_say_so_not_no_data(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    store.upsert_incidents([incident(n, source="psa") for n in (1, 2)])
    window = make_window(qtbot, store, clock, DownSource())
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    window._controller.tick()  # the once-a-second timer's slot
    assert window.age_label.text() == "cached data · Contoso PSA not synced yet"
    window.close()


def test_countdowns_tick_on_screen(window: BoardWindow, clock: ManualClock, qtbot: QtBot) -> None:
    board = window.model
    running = next(
        r for r in range(board.rowCount()) if board.index(r, 0).data(ROW_ROLE).resolution.running
    )
    key = board.index(running, 0).data(ROW_ROLE).key

    def countdown() -> object:
        row = next(
            r for r in range(board.rowCount()) if board.index(r, 0).data(ROW_ROLE).key == key
        )
        return board.index(row, Column.RESOLUTION).data()

    before = countdown()
    clock.advance(timedelta(seconds=7))
    qtbot.waitUntil(lambda: countdown() != before, timeout=3000)  # the 1-second timer ticked


def test_queued_actions_are_marked_on_their_row_and_counted(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    fake = FakePsa(start=clock.now())
    fake.add(1)
    with running(fake) as psa:
        window = make_window(qtbot, store, clock, RestJsonConnector("psa", psa.url, "Fake PSA"))
        psa.stop()  # the PSA goes down; the technician carries on
        action = Action(IncidentKey("psa", "INC-1"), ActionKind.NOTE, {"text": "rebooted"})
        window._controller.submit(action)
        qtbot.waitUntil(lambda: window.model.index(0, Column.OUTBOX).data() == "↻1", timeout=5000)
        window._controller.refresh_feeds()
        qtbot.waitUntil(lambda: "1 action queued" in window.feed_label.text(), timeout=5000)
        window.close()


def test_records_a_source_sent_that_could_not_be_mapped_are_named_in_the_status_bar(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    fake = FakePsa(start=clock.now())
    fake.add(1)
    fake.add(2, status="on_fire")  # a status NOC Console does not know
    with running(fake) as psa:
        window = make_window(qtbot, store, clock, RestJsonConnector("psa", psa.url, "Fake PSA"))
        window._controller.refresh_feeds()
        qtbot.waitUntil(lambda: "1 skipped" in window.feed_label.text(), timeout=5000)
        assert "record INC-2: " in window.feed_label.text()
        assert "on_fire" in window.feed_label.text()
        window.close()


def test_only_the_priority_cell_wears_the_priority_colour(window: BoardWindow) -> None:
    """Cells are painted from one multiData call each; a role one cell leaves unset
    must not carry over the previous cell's value (the P1 orange once bled over rows)."""
    from PySide6.QtGui import QColor

    from noc_console.views.theme import PRIORITY_COLOURS

    badges = {QColor(bg).rgb() for bg, _ in PRIORITY_COLOURS.values()}
    table = window.table
    image = table.viewport().grab().toImage()
    checked = 0
    for row in range(1, min(8, window.model.rowCount())):  # row 0 is selected
        y = table.rowViewportPosition(row) + table.rowHeight(row) // 2
        for column in (Column.PRIORITY, Column.CLIENT, Column.TITLE, Column.STATUS):
            x = table.columnViewportPosition(column) + 3  # the cell's own background
            colour = image.pixel(x, y)
            if column == Column.PRIORITY:
                assert colour in badges
            else:
                assert colour not in badges, (row, column)
            checked += 1
    assert checked >= 8


def test_a_board_built_after_the_cache_read_began_shows_the_cached_rows(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    """The console reads the cache while it builds the window: the window still sees
    `loaded` with every cached row."""
    connectors = [DownSource()]  # the cache holds incidents; their source is down
    demo = DemoFeed(clock)
    store.upsert_clients(demo.clients())
    for page in demo.fetch_changed(None):
        store.upsert_incidents(page.incidents)
    feed = BoardFeed(store, connectors)
    engine = SyncEngine(store, connectors, clock, interval=timedelta(minutes=5))
    live = LiveRows(clock.now())
    controller = BoardController(feed, engine, live, clock)
    controller.load()
    window = BoardWindow(live, controller, clock)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.start()
    assert window.model.rowCount() == store.open_count() > 20
    controller.stop()
    window.close()


def test_a_saved_view_keeps_its_order(window: BoardWindow, tmp_path: Path) -> None:
    window.order.choose(Order.CLIENT)
    window.views.save("by client")
    window.order.choose(Order.PRIORITY)
    window.views.choose("by client")
    assert window.order.order is Order.CLIENT
    clients = [one_line(row.client_name).casefold() for row in window.model.rows()]
    assert clients == sorted(clients)
    # A view saved before orders existed opens in the default order.
    settings = QSettings(str(tmp_path / "views.ini"), QSettings.Format.IniFormat)
    settings.setValue("views/saved", json.dumps({"old": {"queue": "all", "search": "",
                                                         "clients": []}}))  # fmt: skip
    views = SavedViews(window._current_view, settings, window)
    views.view_chosen.connect(window.apply_view)
    views.choose("old")
    assert window.order.currentData() == Order.NEEDS_ME.value


def test_a_search_that_finds_nothing_says_so_and_the_count_says_what_shows(
    window: BoardWindow, qtbot: QtBot, store: Store
) -> None:
    total = store.open_count()
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "p1")
    p1 = sum(1 for r in window.model.rows() if r.priority.value == "P1")
    assert 0 < p1 == window.model.rowCount() < total
    assert window.count_label.text() == f"{p1} shown of {total} open"
    assert not window.empty.isVisible()
    qtbot.keyClicks(window.search, ' "no such thing" foo:bar')
    assert window.model.rowCount() == 0
    assert window.count_label.text() == f"0 shown of {total} open"
    assert window.empty.isVisible()
    notice = window.empty.text()
    assert '“p1 "no such thing" foo:bar”' in notice
    assert "foo: is not a search field" in notice
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert window.table.hasFocus()
    assert window.count_label.text() == f"{total} open"
    assert not window.empty.isVisible()
