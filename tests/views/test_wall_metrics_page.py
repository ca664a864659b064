"""The wall's `metrics` page over the hand-computed November, seen on Tuesday
10 November at 20:00 (tests/services/test_wall_metrics.py has the sums)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.wall.config import WallSettings
from noc_console.services.wall.metrics_summary import WallMetrics, wall_metrics
from noc_console.services.wall.scope import ClientScope
from noc_console.views.board.controller import BoardController
from noc_console.views.wall.metrics_page import MetricsPage
from noc_console.views.wall.scale import ROLE, WallScale
from noc_console.views.wall.window import WallWindow
from tests.services import metrics_month
from tests.services.test_wall_metrics import TUESDAY
from tests.views.test_main_window import DownSource

READS: list[ClientScope] = []  # every read of the page's figures, by the wall's scope


def metrics_wall(
    qtbot: QtBot, store: Store, scope: ClientScope, clock: ManualClock | None = None
) -> Iterator[WallWindow]:
    metrics_month.fill(store)
    clock = clock or ManualClock(TUESDAY)
    READS.clear()

    def read(now: datetime, scope: ClientScope, tiles: int) -> WallMetrics:
        READS.append(scope)
        return wall_metrics(store, now, scope, tiles)

    connectors = [DownSource()]
    feed = BoardFeed(store, connectors)
    engine = SyncEngine(store, connectors, clock, interval=timedelta(minutes=5))
    controller = BoardController(feed, engine, LiveRows(clock.now()), clock)
    wall = WallWindow(
        controller.live, controller, clock, WallSettings(pages=("metrics", "overview")), scope,
        metrics=read,
    )  # fmt: skip
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    controller.load()
    page = wall.pages["metrics"]
    assert isinstance(page, MetricsPage)
    qtbot.waitUntil(lambda: page.metrics is not None, timeout=10_000)
    yield wall
    wall.close()


@pytest.fixture
def wall(qtbot: QtBot, store: Store) -> Iterator[WallWindow]:
    yield from metrics_wall(qtbot, store, ClientScope())


def page_of(wall: WallWindow) -> MetricsPage:
    page = wall.pages["metrics"]
    assert isinstance(page, MetricsPage)
    return page


def test_today_against_last_week_with_a_mark_beside_the_colour(wall: WallWindow) -> None:
    page = page_of(wall)
    assert wall.current_page == "metrics"
    assert wall.page_label.text() == "Service metrics"
    assert page.opened.number.text() == "1"
    assert page.resolved.number.text() == "2"
    assert page.mtta.number.text() == "▼ 5m 00s"  # faster than last week's 52m 30s
    assert page.mtta.caption.text() == "MTTA today · last week 52m 30s"
    assert page.mttr.number.text() == "▼ 1d 22h"
    assert page.mttr.caption.text() == "MTTR today · last week 2d 17h"


def test_a_tile_per_client_worst_first_with_its_sparkline(wall: WallWindow) -> None:
    page = page_of(wall)
    shown = [t for t in page.tiles if t.isVisibleTo(page)]
    assert [t.name.text() for t in shown] == ["Acme Ltd", "Beta GmbH"]
    acme, beta = shown
    assert acme.figure.text() == "▲ 66.7 %"
    assert acme.words.text() == "▲ below 75 % · 1 breached"
    assert beta.figure.text() == "✓ 100 %"
    assert beta.words.text() == "✓ on target"
    assert len(acme.spark.values) == 14
    assert acme.spark.values[-1] == 1.0
    assert acme.spark.guide == 0.9
    assert not page.more.isVisibleTo(page)


def test_every_text_on_the_page_is_wall_sized(wall: WallWindow) -> None:
    page = page_of(wall)
    smallest = WallScale.for_size(wall.size()).px("small")  # ~26 px at 1080p: read at 5 m
    labels = [w for w in page.findChildren(QLabel) if w.isVisibleTo(page)]
    assert labels
    assert all(w.property(ROLE) for w in labels)
    assert min(w.font().pixelSize() for w in labels) >= smallest >= 26


def test_a_scoped_wall_shows_only_its_clients(qtbot: QtBot, store: Store) -> None:
    for wall in metrics_wall(qtbot, store, ClientScope.parse("beta")):
        page = page_of(wall)
        assert [t.name.text() for t in page.tiles if t.isVisibleTo(page)] == ["Beta GmbH"]
        assert page.opened.number.text() == "0"
        assert page.resolved.number.text() == "1"


def test_figures_are_read_after_the_first_sync_then_at_most_once_a_minute(
    qtbot: QtBot, store: Store
) -> None:
    clock = ManualClock(TUESDAY)
    for wall in metrics_wall(qtbot, store, ClientScope(), clock):
        controller, idle = wall._controller, lambda w=wall: not w._metrics_reading
        qtbot.waitUntil(idle)
        assert len(READS) == 1  # the cache, as loaded
        controller.synced.emit()  # the first sync: read at once
        qtbot.waitUntil(lambda: len(READS) == 2)
        qtbot.waitUntil(idle)
        clock.advance(timedelta(seconds=30))
        controller.synced.emit()  # syncs every few seconds: not a read each
        qtbot.waitUntil(idle)  # (a read begun would be waited for here)
        assert len(READS) == 2
        clock.advance(timedelta(seconds=31))
        controller.synced.emit()
        qtbot.waitUntil(lambda: len(READS) == 3)
        qtbot.waitUntil(idle)  # shown before the wall closes
