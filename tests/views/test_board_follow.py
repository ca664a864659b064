"""What the board does with news of changes made elsewhere (team mode's follower feeds
it): changed incidents are read and shown, and a reload applies only what differs — no
model reset, so the technician's selection stays where it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Status
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.views.board.controller import BoardController
from noc_console.views.board.model import ROW_ROLE
from noc_console.views.main_window import BoardWindow
from tests.factories import incident

LIMIT_MS = 30_000


@pytest.fixture
def board(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> Iterator[tuple[BoardWindow, BoardController]]:
    store.upsert_incidents([incident(n) for n in range(1, 6)])
    engine = SyncEngine(store, [], clock, interval=timedelta(minutes=5))  # as in team mode
    live = LiveRows(clock.now())
    controller = BoardController(BoardFeed(store, []), engine, live, clock)
    window = BoardWindow(live, controller, clock)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(controller.loaded, timeout=LIMIT_MS):
        controller.start()
    yield window, controller
    window.close()
    controller.stop()


def shown(window: BoardWindow, number: int) -> object:
    for r in range(window.model.rowCount()):
        row = window.model.index(r, 0).data(ROW_ROLE)
        if row.key == IncidentKey("test", f"T-{number}"):
            return row
    return None


def test_changed_incidents_are_read_again_and_a_reload_keeps_the_selection(
    qtbot: QtBot, board: tuple[BoardWindow, BoardController], store: Store
) -> None:
    window, controller = board
    store.upsert_incidents([incident(2, title="Changed on another desk", version="2")])
    controller.incidents_changed([IncidentKey("test", "T-2")])
    qtbot.waitUntil(lambda: getattr(shown(window, 2), "title", "") == "Changed on another desk",
                    timeout=LIMIT_MS)  # fmt: skip

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    selected = window.table.currentIndex().data(ROW_ROLE).key
    others = [n for n in range(1, 6) if IncidentKey("test", f"T-{n}") != selected]
    resolved, renamed = others[0], others[1:]
    store.upsert_incidents(
        [incident(resolved, status=Status.RESOLVED, version="3")]
        + [incident(n, title=f"Renamed {n}", version="3") for n in renamed]
    )
    resets: list[object] = []
    window.model.modelAboutToBeReset.connect(lambda: resets.append(True))
    controller.reload()  # changes nobody announced (a lost notification)
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=LIMIT_MS)
    titles = {window.model.index(r, 0).data(ROW_ROLE).title for r in range(4)}
    assert {f"Renamed {n}" for n in renamed} <= titles
    assert not resets
    assert window.table.currentIndex().data(ROW_ROLE).key == selected


def test_the_queues_and_groups_follow_changes_made_elsewhere(
    qtbot: QtBot, board: tuple[BoardWindow, BoardController], store: Store
) -> None:
    """A team console syncs nothing itself: the changes it follows are its syncs, so
    what is recounted after a sync (queue counts, groups, a cleared error) follows them."""
    window, controller = board
    qtbot.waitUntil(lambda: window.queue_list.count_of("unassigned") == 5, timeout=LIMIT_MS)
    store.upsert_incidents([incident(3, assignee="Ann Lee", version="2")])
    with qtbot.waitSignal(controller.synced, timeout=LIMIT_MS):
        controller.incidents_changed([IncidentKey("test", "T-3")])
    qtbot.waitUntil(lambda: window.queue_list.count_of("unassigned") == 4, timeout=LIMIT_MS)
    store.upsert_incidents([incident(4, assignee="Ann Lee", version="2")])
    with qtbot.waitSignal(controller.synced, timeout=LIMIT_MS):
        controller.reload()
    qtbot.waitUntil(lambda: window.queue_list.count_of("unassigned") == 3, timeout=LIMIT_MS)
