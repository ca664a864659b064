"""The wall display, driven by a ManualClock and keys: no sleeps."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from noc_console.connectors.demo.feed import CLIENTS, DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Client, Priority
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.wall.config import WallSettings
from noc_console.services.wall.scope import ClientScope
from noc_console.views.board.controller import BoardController
from noc_console.views.wall.pages import ListPage, OverviewPage
from noc_console.views.wall.placement import SETTINGS_KEY, WallPlacement, choose_screen
from noc_console.views.wall.scale import ROLE, WallScale
from noc_console.views.wall.window import WallWindow
from tests.conftest import T0
from tests.factories import incident
from tests.views.test_main_window import DownSource

PAGES = ("overview", "deadlines", "queue:breached")
SETTINGS = WallSettings(page_interval_s=20, pages=PAGES, stale_after_s=120)


def make_rig(
    qtbot: QtBot,
    store: Store,
    clock: ManualClock,
    source: object,
    scope: ClientScope | None = None,
    settings: WallSettings = SETTINGS,
) -> tuple[WallWindow, BoardController, SyncEngine]:
    connectors = [source]
    feed = BoardFeed(store, connectors)  # type: ignore[arg-type]
    engine = SyncEngine(store, connectors, clock, interval=timedelta(minutes=5))  # type: ignore[arg-type]
    live = LiveRows(clock.now())
    controller = BoardController(feed, engine, live, clock)
    wall = WallWindow(live, controller, clock, settings, scope)
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    with qtbot.waitSignals([controller.synced, wall.summarised], timeout=10_000):
        controller.start()
    qtbot.waitUntil(lambda: not wall._summarising and wall.summary is not None)
    controller.tick()
    return wall, controller, engine


def make_wall(*args: Any, **kwargs: Any) -> WallWindow:
    """`make_rig`'s wall alone."""
    return make_rig(*args, **kwargs)[0]


@pytest.fixture
def wall(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[WallWindow]:
    window = make_wall(qtbot, store, clock, DemoFeed(clock))
    yield window
    window.close()


def texts(root: QWidget) -> list[str]:
    """Every text the window holds, shown or not: labels, tooltips, titles."""
    found = [root.windowTitle(), root.toolTip()]
    for widget in root.findChildren(QWidget):
        found += [widget.toolTip(), widget.windowTitle(), widget.accessibleName()]
        if isinstance(widget, QLabel):
            found.append(widget.text())
    return [t for t in found if t]


def tick(wall: WallWindow, clock: ManualClock, seconds: float) -> None:
    clock.advance(timedelta(seconds=seconds))
    wall.tick()


# ------------------------------------------------------------------ rotation
def test_pages_rotate_on_the_interval(wall: WallWindow, clock: ManualClock, qtbot: QtBot) -> None:
    assert wall.current_page == "overview"
    assert wall.stack.currentWidget() is wall.pages["overview"]
    tick(wall, clock, 19)
    assert wall.current_page == "overview"
    with qtbot.waitSignal(wall.page_changed) as changed:
        tick(wall, clock, 1)
    assert changed.args == ["deadlines"]
    assert wall.stack.currentWidget() is wall.pages["deadlines"]
    assert wall.page_label.text() == "Next deadlines"
    assert wall.summary is not None
    shown = [p for p in PAGES[2:] if p not in wall.summary.empty_pages]  # empty pages: skipped
    for page in shown:
        tick(wall, clock, 20)
        assert wall.current_page == page
    tick(wall, clock, 20)
    assert wall.current_page == "overview"


def test_the_page_dots_count_only_the_pages_in_the_rotation(wall: WallWindow) -> None:
    assert wall.summary is not None
    shown = [p for p in PAGES if p not in wall.summary.empty_pages]
    assert len(shown) < len(PAGES)  # the demo's Breached page is empty at T0: skipped
    assert wall.dots.text().startswith(f"page 1/{len(shown)} ● ")
    assert wall.dots.text().count("○") == len(shown) - 1


def test_space_pauses_and_resumes(wall: WallWindow, clock: ManualClock, qtbot: QtBot) -> None:
    with qtbot.waitSignal(wall.paused_changed) as paused:
        qtbot.keyClick(wall, Qt.Key.Key_Space)
    assert paused.args == [True]
    assert wall.paused_label.isVisible()
    assert "PAUSED" in wall.paused_label.text()
    assert "paused" in wall.dots.text()
    tick(wall, clock, 600)
    assert wall.current_page == "overview"
    qtbot.keyClick(wall, Qt.Key.Key_Space)
    assert not wall.paused_label.isVisible()
    tick(wall, clock, 20)
    assert wall.current_page == "deadlines"


def test_other_keys_and_clicks_do_nothing(wall: WallWindow, qtbot: QtBot) -> None:
    before = texts(wall)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_A, Qt.Key.Key_Escape, Qt.Key.Key_Delete):
        qtbot.keyClick(wall, key)
    qtbot.mouseClick(wall, Qt.MouseButton.LeftButton)
    assert wall.isVisible()
    assert texts(wall) == before
    assert wall.cursor().shape() == Qt.CursorShape.BlankCursor
    assert not QApplication.activeModalWidget()


# ------------------------------------------------------------------ scaling
@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160), (1280, 720), (1024, 768)])
def test_text_scales_with_the_screen_and_stays_inside(
    wall: WallWindow, qtbot: QtBot, size: tuple[int, int]
) -> None:
    width, height = size
    wall.resize(width, height)
    qtbot.waitUntil(lambda: wall.size() == QSize(width, height))
    type_basis = WallScale.for_size(QSize(width, height)).type_basis  # the height up to 1080
    shown = [
        label
        for label in wall.findChildren(QLabel)
        if label.isVisibleTo(wall) and label.text() and label.property(ROLE)
    ]
    assert len(shown) > 30
    window = QRect(0, 0, width, height)
    for label in shown:
        assert label.font().pixelSize() >= 0.022 * type_basis, label.text()
        box = QRect(label.mapTo(wall, label.rect().topLeft()), label.size())
        assert window.contains(box), (label.text(), box, window)
        if type(label) is QLabel and "<" not in label.text():  # plain labels must fit
            assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width() + 2, (
                label.text()
            )
    body = wall.pages["deadlines"].lines[0].title.font().pixelSize()  # type: ignore[union-attr]
    assert body == round(type_basis * 0.032)


# ------------------------------------------------------------------ banner
def test_offline_source_raises_the_banner(qtbot: QtBot, store: Store, clock: ManualClock) -> None:
    wall = make_wall(qtbot, store, clock, DownSource())
    qtbot.waitUntil(lambda: wall.banner.isVisible())
    assert wall.banner.text().startswith("⚠ OFFLINE: Contoso PSA")
    assert "OFFLINE" in wall.status_label.text()
    wall.close()


def test_stale_data_raises_the_banner_and_fresh_data_clears_it(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    wall, controller, engine = make_rig(qtbot, store, clock, DemoFeed(clock))
    assert not wall.banner.isVisible()
    assert "data 0s old" in wall.status_label.text()
    tick(wall, clock, 119)
    assert not wall.banner.isVisible()
    tick(wall, clock, 2)
    assert wall.banner.isVisible()
    assert wall.banner.text() == "⚠ DATA STALE: last update 2m 01s ago"
    assert "data 2m 01s old" in wall.status_label.text()
    engine.run_once()  # the source answers again
    with qtbot.waitSignal(controller.feeds_changed):
        controller.refresh_feeds()
    wall.tick()
    assert not wall.banner.isVisible()
    assert "data 0s old" in wall.status_label.text()
    wall.close()


# ------------------------------------------------------------------ pulse
def test_breached_p1_pulses(qtbot: QtBot, store: Store, clock: ManualClock) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents(
        [incident(1, priority=Priority.P1, resolution_due=T0 - timedelta(minutes=3))]
    )
    wall = make_wall(qtbot, store, clock, DownSource())
    badge = wall.pages["overview"].oldest.badge  # type: ignore[union-attr]
    assert badge.text() == "P1"

    def colour() -> QColor:
        return badge.palette().color(QPalette.ColorRole.Window)

    first = colour()
    qtbot.waitUntil(lambda: colour() != first, timeout=3000)
    second = colour()
    qtbot.waitUntil(lambda: colour() != second, timeout=3000)
    tile = wall.pages["overview"].priority_tiles[Priority.P1]  # type: ignore[union-attr]
    for shade in (first, second, tile.palette().color(QPalette.ColorRole.Window)):
        assert shade.lightnessF() < 0.8, shade.name()  # it pulses, but never to white
    assert badge.lineWidth() > 0  # a P1 has its outline: a cue beside its colour
    assert "BREACHED" in wall.pages["overview"].oldest.clock_text  # type: ignore[union-attr]
    wall.close()


# ------------------------------------------------------------------ scoping
@pytest.mark.parametrize("chosen", ["northwind-bank,Fabrikam Manufacturing", "LITWARE-HEALTH"])
def test_a_scoped_wall_shows_nothing_of_other_clients(
    qtbot: QtBot, store: Store, clock: ManualClock, chosen: str
) -> None:
    wall = make_wall(qtbot, store, clock, DemoFeed(clock), ClientScope.parse(chosen))
    for _ in PAGES:  # every page, as the room would see it
        tick(wall, clock, 20)
    everything = "\n".join(texts(wall)).casefold()
    wanted = {n.casefold() for n in chosen.split(",")}
    others = [c for c, _ in CLIENTS if c.id not in wanted and c.name.casefold() not in wanted]
    assert len(others) >= 10
    for client in others:
        assert client.id.casefold() not in everything, client.id
        assert client.name.casefold() not in everything, client.name
    shown = [c for c, _ in CLIENTS if c not in others]
    assert all(c.name.casefold() in everything for c in shown)
    assert wall.summary is not None
    assert {t.client_id for t in wall.summary.tiles} == {c.id for c in shown}
    wall.close()


# ------------------------------------------------------------------ burn-in
def test_the_picture_shifts_a_few_pixels_every_few_minutes(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    settings = WallSettings(pixel_shift_px=3, pixel_shift_every_s=300)
    wall = make_wall(qtbot, store, clock, DemoFeed(clock), settings=settings)
    header = wall.scope_label  # the top-left text: the banner does not move it
    start = header.mapTo(wall, header.rect().topLeft())
    offsets = set()
    for _ in range(9):
        tick(wall, clock, 300)
        QApplication.processEvents()
        offsets.add(wall.shift)
    assert len(offsets) == 9
    assert all(abs(dx) <= 3 and abs(dy) <= 3 for dx, dy in offsets)
    tick(wall, clock, 150)
    QApplication.processEvents()
    moved = header.mapTo(wall, header.rect().topLeft())
    assert (moved - start).manhattanLength() == sum(map(abs, wall.shift))
    wall.close()


# ------------------------------------------------------------------ placement
@pytest.mark.parametrize(
    ("requested", "saved", "expected"),
    [
        (1, None, "HDMI-2"),
        (1, "HDMI-1", "HDMI-2"),  # --screen wins over the remembered one
        (None, "HDMI-2", "HDMI-2"),  # a restart returns to the remembered screen
        (None, "gone", "gone"),  # still wanted: it may come back from sleep
        (None, None, None),
        (7, "HDMI-2", None),  # no such screen: the primary one
    ],
)
def test_choose_screen(requested: int | None, saved: str | None, expected: str | None) -> None:
    assert choose_screen(["HDMI-1", "HDMI-2"], requested, saved) == expected


def test_the_wall_fills_its_screen_and_remembers_it(
    wall: WallWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    settings = QSettings(str(tmp_path / "wall.ini"), QSettings.Format.IniFormat)
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    WallPlacement(wall, 0, settings).place()
    qtbot.waitUntil(wall.isFullScreen)
    assert wall.geometry() == screen.geometry()
    assert settings.value(SETTINGS_KEY) == screen.name()
    again = WallPlacement(wall, None, settings)  # the next start, without --screen
    assert again.wanted == (screen.name() or None)  # offscreen: the screen has no name
    assert again.screen() is screen


# ------------------------------------------------------------------ clock words
def test_the_breached_page_says_breached_which_clock_and_by_how_much(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents(
        [incident(1, priority=Priority.P1, resolution_due=T0 - timedelta(minutes=3),
                  responded_at=T0 - timedelta(minutes=9))]
    )  # fmt: skip
    wall = make_wall(qtbot, store, clock, DownSource())
    tick(wall, clock, 20)
    tick(wall, clock, 20)
    assert wall.current_page == "queue:breached"
    shown = "\n".join(texts(wall.pages["queue:breached"]))
    assert "RESOLUTION BREACHED" in shown
    assert "▲ 3m 40s ago" in shown  # the two ticks moved the clock on 40 s
    wall.close()


# ------------------------------------------------------------------ filling the screen
def test_4k_shows_more_rows_of_about_the_same_type(
    wall: WallWindow, qtbot: QtBot, clock: ManualClock
) -> None:
    tick(wall, clock, 20)
    page = wall.pages["deadlines"]
    assert isinstance(page, ListPage)

    def shown_at(width: int, height: int) -> tuple[int, int]:
        wall.resize(width, height)
        qtbot.waitUntil(lambda: wall.size() == QSize(width, height))
        qtbot.waitUntil(lambda: sum(line.isVisibleTo(page) for line in page.lines) == page.capacity)
        return page.capacity, page.lines[0].title.font().pixelSize()

    rows_hd, type_hd = shown_at(1920, 1080)
    rows_uhd, type_uhd = shown_at(3840, 2160)
    assert rows_hd >= 8
    assert rows_uhd >= 1.3 * rows_hd  # the extra height goes into rows …
    assert type_hd <= type_uhd <= 1.5 * type_hd  # … not into type twice the size
    last = page.lines[page.capacity - 1]  # and they fill the page
    bottom = last.mapTo(page, last.rect().bottomLeft()).y()
    assert page.height() - bottom < 2 * last.height()


def test_a_page_with_nothing_to_show_is_skipped(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents([incident(1, priority=Priority.P3)])  # nothing breached
    wall = make_wall(qtbot, store, clock, DownSource())
    seen = []
    for _ in range(4):
        tick(wall, clock, 20)
        seen.append(wall.current_page)
    assert seen == ["deadlines", "overview", "deadlines", "overview"]
    overview = wall.pages["overview"]
    assert isinstance(overview, OverviewPage)
    assert overview.quiet.isVisibleTo(overview)
    assert "Nothing in Breached" in overview.quiet.text()
    wall.close()


def test_client_tiles_count_p1_and_p2_and_fill_the_overview(wall: WallWindow) -> None:
    overview = wall.pages["overview"]
    assert isinstance(overview, OverviewPage)
    assert wall.summary is not None
    shown = [v for v in overview.client_tiles if v.isVisibleTo(overview)]
    assert len(shown) == min(len(wall.summary.tiles), overview.tile_capacity)
    assert all(v.detail.text().startswith("P1 ") and " · P2 " in v.detail.text() for v in shown)
    last = shown[-1]
    bottom = last.mapTo(overview, last.rect().bottomLeft()).y()
    assert overview.height() - bottom < last.height()  # no empty lower fifth


def test_the_footer_never_waits_for_data_over_incidents_on_screen(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    store.upsert_incidents([incident(n) for n in range(1, 6)])  # in the cache, never synced
    wall = make_wall(qtbot, store, clock, DownSource())
    tick(wall, clock, 1)
    assert wall.summary is not None
    assert wall.summary.open_total == 5
    status = wall.status_label.text()
    assert "waiting for data" not in status
    assert "cached data" in status
    wall.close()


def test_the_overview_lists_the_active_groups(wall: WallWindow) -> None:
    """The demo opens on a carrier outage at Oslo: the overview names it."""
    overview = wall.pages["overview"]
    assert isinstance(overview, OverviewPage)
    assert any("Internet circuit down at Oslo" in text for text in overview.group_texts)
    shown = [line for line in overview.group_lines if line.isVisibleTo(wall)]
    assert len(shown) == len(overview.group_texts)
    assert any("Oslo" in line.text() for line in shown)
