"""A team console whose shared database goes away (issue 17, item 4), driven as a person
would, against a private PostgreSQL the test stops and starts: the board keeps its rows
and ticks, a red banner names the database and since when, an acknowledgement made
meanwhile is counted as kept on this desk, and reaches the shared outbox once the
database is back; a handover written meanwhile is refused where it was written, with
every word kept, and hands over once the database is back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.actions import ActionKind
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.store import Store
from noc_console.models.shift import ShiftPlan
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.config import parse_config
from noc_console.services.handover.desk import HandoverDesk
from noc_console.services.identity import Identity
from noc_console.services.runtime import build_runtime
from noc_console.services.sla_config import SlaSettings
from noc_console.views.board.controller import BoardController
from noc_console.views.main_window import BoardWindow
from tests.factories import incident
from tests.peers.postgres import PgCluster

LIMIT_MS = 60_000  # generous, for a loaded machine; never a speed claim


def test_a_console_keeps_its_board_and_the_acknowledgement_made_while_the_database_is_down(
    qtbot: QtBot, pg_private_cluster: PgCluster, tmp_path: Path
) -> None:
    url = pg_private_cluster.new_database()
    upgrade(url)
    service = Store.open(url)  # what the sync service wrote
    service.upsert_incidents([incident(n, source="psa") for n in (1, 2, 3)])
    service.close()
    runtime = build_runtime(parse_config("", "config.toml"), url, desk=tmp_path)
    live = LiveRows(runtime.clock.now())
    controller = BoardController(runtime.feed, runtime.engine, live, runtime.clock)
    window = BoardWindow(live, controller, runtime.clock, me=Identity("sam.tech"))
    desk = HandoverDesk(runtime.store, ShiftPlan(), SlaSettings(), runtime.clock)
    window.attach_handover(desk, "dana")
    qtbot.addWidget(window)
    window.show()
    try:
        controller.start()
        qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=LIMIT_MS)
        window.table.setFocus()
        qtbot.keyClick(window.table, Qt.Key.Key_H)  # the handover, opened while it answers
        view = window.handover_window
        assert view is not None
        qtbot.waitUntil(lambda: view.notes.rowCount() == 3, timeout=LIMIT_MS)
        view.hide()  # back to the board

        pg_private_cluster.pause()
        qtbot.waitUntil(lambda: "unreachable since" in window.feed_label.text(), timeout=LIMIT_MS)
        assert "shared database unreachable since" in window.feed_label.text()
        assert "#a4161a" in window.feed_label.text()  # the red banner
        assert window.model.rowCount() == 3  # the last board stays
        with qtbot.waitSignal(controller.ticked, timeout=LIMIT_MS):
            pass  # and ticks

        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=LIMIT_MS)
        window.table.setFocus()
        qtbot.keyClicks(window.table, "j")
        qtbot.keyClicks(window.table, "a")  # acknowledge, while the database is down
        qtbot.waitUntil(
            lambda: "1 action kept on this desk" in window.feed_label.text(), timeout=LIMIT_MS
        )

        view.show()
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow, timeout=LIMIT_MS)
        qtbot.keyClicks(view.note, "Carrier fault at acme, ticket 7781")
        qtbot.keyClick(view.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "Not handed over" in view.status.text(), timeout=LIMIT_MS)
        assert "kept here" in view.status.text()
        assert view.note.toPlainText() == "Carrier fault at acme, ticket 7781"

        pg_private_cluster.resume()
        qtbot.waitUntil(lambda: "unreachable" not in window.feed_label.text(), timeout=LIMIT_MS)
        with qtbot.waitSignal(view.changed, timeout=LIMIT_MS):  # handed over now
            qtbot.keyClick(view.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        store = Store.open(url)
        try:
            [queued] = store.outbox()
            assert queued.action.kind is ActionKind.ACKNOWLEDGE
            assert queued.action.author == "sam.tech"
            [handover] = store.handovers()
            assert handover.note == "Carrier fault at acme, ticket 7781"
        finally:
            store.close()
    finally:
        window.close()
        controller.stop()
        runtime.close()
