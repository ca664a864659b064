"""Render the screenshots in docs/images/ from the demo feed (offscreen):
the board with its queue list and the detail panel (dark and light), the priority
matrix dialog, the board's group rows with the demo's carrier outage open, the board
likeliest breach first with the Breach column, and the wall's pages at 1920×1080 and
3840×2160.

    .venv/bin/python build_scripts/doc_screenshots.py [--wall-only | --groups-only |
        --forecast-only] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock, SystemClock
from noc_console.models.priority import DEFAULT_MATRIX
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.forecast.service import ForecastService
from noc_console.services.sources.connectivity import Connectivity
from noc_console.services.wall.config import WallSettings
from noc_console.services.wall.scope import ClientScope
from noc_console.views.board.controller import BoardController
from noc_console.views.board.triage_dialogs import PriorityDialog
from noc_console.views.main_window import BoardWindow
from noc_console.views.theme import apply_theme
from noc_console.views.wall.window import WallWindow

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
WALL_SIZES = {"1080p": (1920, 1080), "4k": (3840, 2160)}
WALL_PAGES = {"overview": "overview", "deadlines": "deadlines", "breached": "queue:breached"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wall-only", action="store_true")
    parser.add_argument("--groups-only", action="store_true")
    parser.add_argument("--forecast-only", action="store_true")
    parser.add_argument("--out", type=Path, default=IMAGES)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_theme(app, "dark")
    if args.groups_only:
        group_screenshot(app, args.out)
        return 0
    if args.forecast_only:
        forecast_screenshot(app, args.out)
        return 0
    wall_screenshots(app, args.out)
    if not args.wall_only:
        for theme, name in (("dark", "board-detail.png"), ("light", "board-light.png")):
            apply_theme(app, theme)
            board_screenshots(app, args.out, name, dialog=theme == "dark")
        apply_theme(app, "dark")
        group_screenshot(app, args.out)
        forecast_screenshot(app, args.out)
    return 0


def settle(app: QApplication, rounds: int = 50) -> None:
    """Let the worker deliver what it computes (counts, summaries, the detail)."""
    for _ in range(rounds):
        app.processEvents()
        QApplication.instance().thread().msleep(20)  # type: ignore[union-attr]


def demo_cache(folder: str, clock: SystemClock) -> tuple[Store, DemoFeed, SyncEngine]:
    """A cache in `folder` filled by one sync of the demo feed."""
    store = Store.open(f"sqlite:///{folder}/demo.sqlite3")
    demo = DemoFeed(clock)
    engine = SyncEngine(store, [demo], clock)
    engine.run_once()
    return store, demo, engine


def wall_screenshots(app: QApplication, out: Path) -> None:
    """Each page of the wall at 1080p and 4K; scoped and offline at 1080p."""
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        store, demo, engine = demo_cache(folder, clock)
        feed = BoardFeed(store, [demo], ForecastService(store, clock, background=False))
        rows = forecast_all(feed)
        shots = [
            (f"wall-{page}-{size}.png", size, ClientScope(), False, pages)
            for size in WALL_SIZES
            for page, pages in WALL_PAGES.items()
        ]
        scoped = ClientScope.parse("northwind-bank,Fabrikam Manufacturing")
        shots.append(("wall-scoped-1080p.png", "1080p", scoped, False, "overview"))
        shots.append(("wall-offline-1080p.png", "1080p", ClientScope(), True, "overview"))
        for name, size, scope, offline, page in shots:
            live = LiveRows(clock.now())
            controller = BoardController(feed, engine, live, clock)
            pace = ManualClock(clock.now())
            settings = WallSettings()  # the default pages: overview, deadlines, three queues
            wall = WallWindow(live, controller, clock, settings, scope, pace=pace)
            wall.resize(*WALL_SIZES[size])
            wall.show()
            live.apply(rows, full=True)
            feeds = feed.feeds()
            if offline:
                since = clock.now() - timedelta(minutes=5)
                feeds = [replace(f, state=Connectivity.OFFLINE, offline_since=since,
                                 last_success_at=since) for f in feeds]  # fmt: skip
            controller.feeds_changed.emit(feeds)
            wall.refresh()
            settle(app)
            while wall.current_page != page:
                pace.advance(timedelta(seconds=settings.page_interval_s))
                wall.tick()
            wall.tick()
            settle(app, 5)
            wall.grab().save(str(out / name))
            wall.close()
        store.close()


def forecast_all(feed: BoardFeed) -> list[BoardRow]:
    """Every open row with its breach forecast, as the board has it a moment after start."""
    assert feed.forecasts is not None
    return feed.forecasts.all_open(feed.snapshot().rows)


def forecast_screenshot(app: QApplication, out: Path) -> None:
    """Every open row likeliest breach first (as picking Likely to breach orders it), with
    the Breach column shown."""
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        store, demo, engine = demo_cache(folder, clock)
        feed = BoardFeed(store, [demo], ForecastService(store, clock, background=False))
        live = LiveRows(clock.now())
        controller = BoardController(feed, engine, live, clock)
        window = BoardWindow(live, controller, clock, me="sam.tech")
        window.show()
        window.resize(1920, 1080)  # after show: not fitted to the small offscreen screen
        live.apply(forecast_all(feed), full=True)
        window.set_columns((*window.columns(), Column.FORECAST.name))
        controller.feeds_changed.emit(feed.feeds())
        window.refresh_queues()
        settle(app)
        window.queue_list.select("likely")  # orders the board likeliest breach first
        window.queue_list.select("all")  # the order stays: every row, with its chance
        window.table.setCurrentIndex(window.model.index(0, Column.FORECAST))
        settle(app, 5)
        window.grab().save(str(out / "board-forecast.png"))
        window.close()
        store.close()


def board_screenshots(app: QApplication, out: Path, name: str, dialog: bool) -> None:
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        store, demo, engine = demo_cache(folder, clock)
        live = LiveRows(clock.now())
        controller = BoardController(BoardFeed(store, [demo]), engine, live, clock)
        window = BoardWindow(live, controller, clock, me="sam.tech")
        window.resize(1920, 1080)
        window.show()
        feed = BoardFeed(store, [demo])
        live.apply(feed.snapshot().rows, full=True)
        controller.feeds_changed.emit(feed.feeds())
        window.refresh_queues()
        window.table.setCurrentIndex(window.model.index(0, 0))
        window.toggle_detail()
        settle(app)
        window.grab().save(str(out / name))
        if dialog:
            row = live.at(0).row
            matrix = PriorityDialog(DEFAULT_MATRIX, row.impact, row.urgency, window)
            matrix.show()
            app.processEvents()
            matrix.grab().save(str(out / "priority-matrix.png"))
            matrix.close()
        window.close()
        store.close()


def group_screenshot(app: QApplication, out: Path) -> None:
    """The board at 1600×900 with the demo's carrier outage as an open group row."""
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        store, demo, engine = demo_cache(folder, clock)
        live = LiveRows(clock.now())
        feed = BoardFeed(store, [demo])
        controller = BoardController(feed, engine, live, clock)
        window = BoardWindow(live, controller, clock)
        window.resize(1600, 900)
        window.show()
        live.apply(feed.snapshot().rows, full=True)
        controller.feeds_changed.emit(feed.feeds())
        window.refresh_queues()
        window.refresh_groups()
        settle(app)
        groups = window.groups
        for item in groups.group_rows():
            if item.text(0).endswith("Internet circuit down at Oslo"):
                item.setExpanded(True)
                groups.setCurrentItem(item)
                break
        groups.setFocus()
        window.resize(1600, 900)  # after the first show, which fits the (offscreen) screen
        settle(app, 5)
        window.grab().save(str(out / "board-groups.png"))
        window.close()
        store.close()


if __name__ == "__main__":
    sys.exit(main())
