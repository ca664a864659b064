"""The breach forecast on the board window (forecasts arrive after the first paint;
picking "Likely to breach" shows those rows, the likeliest first) and on the wall."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, Priority, Status, Tier
from noc_console.services.board.board_order import Order
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.forecast.service import ForecastService
from noc_console.services.wall.config import WallSettings
from noc_console.views.board.controller import BoardController
from noc_console.views.main_window import BoardWindow
from noc_console.views.wall.pages import OverviewPage
from noc_console.views.wall.window import WallWindow
from tests.conftest import T0
from tests.factories import incident

HOUR = timedelta(hours=1)


def closed(number: int, priority: Priority, took: timedelta) -> Incident:
    created = T0 - 10 * 24 * HOUR + number * HOUR
    return incident(number, priority=priority, tier=Tier.L1, status=Status.CLOSED,
                    created_at=created, updated_at=created + took, responded_at=created,
                    resolved_at=created + took)  # fmt: skip


def opened(number: int, priority: Priority, age: timedelta) -> Incident:
    created = T0 - age
    return incident(number, priority=priority, tier=Tier.L1, status=Status.IN_PROGRESS,
                    created_at=created, updated_at=created, responded_at=created)  # fmt: skip


def forecasting(store: Store, clock: ManualClock) -> tuple[LiveRows, BoardController]:
    """Live rows and their controller over `store`: no sources, the breach forecast on."""
    live = LiveRows(clock.now())
    feed = BoardFeed(store, [], forecasts=ForecastService(store, clock))
    return live, BoardController(feed, SyncEngine(store, [], clock), live, clock)


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    # P2s took three days to resolve (every one breached), P3s three hours; no P4 closed.
    history = [closed(n, Priority.P2, 72 * HOUR) for n in range(30)]
    history += [closed(100 + n, Priority.P3, 3 * HOUR) for n in range(30)]
    now_open = [opened(200, Priority.P2, 2 * HOUR), opened(201, Priority.P2, HOUR),
                opened(202, Priority.P3, HOUR / 2), opened(203, Priority.P4, HOUR)]  # fmt: skip
    store.upsert_incidents([*history, *now_open])
    live, controller = forecasting(store, clock)
    board = BoardWindow(live, controller, clock)
    qtbot.addWidget(board)
    board.show()
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.start()
    yield board
    controller.stop()
    board.close()


def test_forecasts_follow_the_first_paint_and_the_likely_queue_orders_by_them(
    window: BoardWindow, qtbot: QtBot
) -> None:
    live = window.model.live
    qtbot.waitUntil(lambda: all(row.forecast is not None for row in live.rows()), timeout=10_000)
    chances = {row.key.external_id: row.forecast.probability
               for row in live.rows() if row.forecast is not None}  # fmt: skip
    assert chances["T-203"] is None  # no P4 history: no forecast
    assert chances["T-202"] is not None
    assert chances["T-202"] < 0.5
    window.refresh_queues()
    qtbot.waitUntil(lambda: window.queue_list.count_of("likely") == 2, timeout=10_000)

    window.queue_list.select("likely")

    assert window.order.order is Order.LIKELY
    assert window.order.currentText() == "Likeliest breach first"
    shown = [row.key.external_id for row in window.model.rows()]
    assert sorted(shown) == ["T-200", "T-201"]
    shown_chances = [chances[key] for key in shown]
    assert shown_chances == sorted(shown_chances, reverse=True)  # type: ignore[type-var]


def test_the_wall_counts_the_likely_breaches_of_the_next_two_hours(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    # P1s (a 4 h resolution target, 24x7) took ten hours: every one breached.
    history = [closed(n, Priority.P1, 10 * HOUR) for n in range(30)]
    soon = opened(200, Priority.P1, 3 * HOUR)  # due in an hour
    later = opened(201, Priority.P1, HOUR / 2)  # due in three and a half
    store.upsert_incidents([*history, soon, later])
    live, controller = forecasting(store, clock)
    wall = WallWindow(live, controller, clock, WallSettings(pages=("overview",)))
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.start()
    overview = wall.pages["overview"]
    assert isinstance(overview, OverviewPage)

    qtbot.waitUntil(lambda: overview.likely.number.text() == "1", timeout=10_000)

    assert "likely breaches next 2 h" in overview.likely.caption.text()
    controller.stop()
    wall.close()
