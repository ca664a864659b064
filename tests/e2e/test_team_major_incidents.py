"""Issue 21 in team mode: a major incident declared, updated and closed out on console A
appears on console B's banner and on the wall through the shared database's change feed
(`services/team/follow.py`), not a re-read on a timer — the timers are set beyond the
test's reach here, so only the follower can tell B.

Each screen is built as the app builds it on a shared database (tests/e2e/
test_team_consoles.py `screen`); A's work goes through its desks, as its dialogs' do.
"""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.actions import ActionKind
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.models.comms_template import Phase, TemplateSet
from noc_console.models.incident import Priority
from noc_console.models.major_incident import DEFAULT_CADENCE
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.config import Config
from noc_console.services.identity import Identity
from noc_console.services.major_incident.comms_desk import CommsDesk
from noc_console.services.major_incident.declare import Declaration
from noc_console.services.major_incident.desk import MajorIncidentDesk, console_desk
from noc_console.services.runtime import build_runtime
from noc_console.services.team.follow import Follower
from noc_console.views import main_window
from noc_console.views.board.controller import BoardController
from noc_console.views.main_window import BoardWindow
from noc_console.views.wall import window as wall_window
from noc_console.views.wall.window import WallWindow
from tests.e2e.test_serve import Service, wait_for
from tests.e2e.test_team_consoles import LIMIT_MS, screen
from tests.factories import incident
from tests.peers.postgres import PgCluster

pytestmark = pytest.mark.e2e

NEVER_MS = 3_600_000  # a re-read timer that cannot fire within the test


def test_a_major_incident_made_on_one_console_follows_to_another_and_the_wall(
    qtbot: QtBot, pg_url: str, shared: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_window, "MAJOR_INCIDENT_REFRESH_MS", NEVER_MS)
    monkeypatch.setattr(wall_window, "SUMMARY_REFRESH_MS", NEVER_MS)
    clock = SystemClock()
    shared.upsert_incidents([incident(n, source="psa", client_id=f"client-{n}",
                                      priority=Priority.P1) for n in (1, 2)])  # fmt: skip
    a, b, w = (screen(pg_url, clock, tmp_path / desk) for desk in ("a", "b", "wall"))
    board = BoardWindow(b.live, b.controller, clock, me=Identity("bob"))
    board.attach_major_incidents(MajorIncidentDesk(b.store, DEFAULT_CADENCE, clock))
    qtbot.addWidget(board)
    wall = WallWindow(w.live, w.controller, clock)
    wall.attach_major_incidents(MajorIncidentDesk(w.store, DEFAULT_CADENCE, clock).clocks)
    qtbot.addWidget(wall)
    board.show()
    wall.show()
    banner, panel = board.mi_banner, wall.major_incidents
    assert panel is not None
    alice = Identity("alice")
    try:
        for console in (b, w):
            with qtbot.waitSignal(console.controller.loaded, timeout=LIMIT_MS):
                console.controller.start()
        qtbot.waitUntil(lambda: board.model.rowCount() == 2, timeout=LIMIT_MS)
        assert not banner.isVisible()

        children = tuple(a.store.open_rows())
        draft = Declaration("Internet circuit down at Oslo", Priority.P1, "alice", "sam",
                            children)  # fmt: skip
        record, _ = MajorIncidentDesk(a.store, DEFAULT_CADENCE, clock).declare(draft, alice)
        shown = f"⚑ {record.reference} P1: next client update in "
        qtbot.waitUntil(lambda: banner.text().startswith(shown), timeout=LIMIT_MS)
        assert banner.isVisible()
        qtbot.waitUntil(lambda: record.reference in panel.titles[0].text(), timeout=LIMIT_MS)

        comms = CommsDesk(a.store, DEFAULT_CADENCE, TemplateSet(), clock)
        texts = comms.compose(comms.context(), record, Phase.INVESTIGATING, "no internet")
        record, _ = comms.send(record, Phase.INVESTIGATING, texts, alice)
        after_update = re.compile(rf"⚑ {record.reference} P1: next client update in (2\d|30)m")
        qtbot.waitUntil(lambda: after_update.match(banner.text()) is not None, timeout=LIMIT_MS)

        comms.close_out(record, "The carrier spliced the fibre", True, alice)
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=LIMIT_MS)
        qtbot.waitUntil(lambda: not panel.isVisible(), timeout=LIMIT_MS)
    finally:
        board.close()
        wall.close()
        for console in (a, b, w):
            console.controller.stop()
            console.store.close()


def test_a_team_console_without_connectors_links_where_the_service_s_sources_can(
    pg_url: str, shared: Store, tmp_path: Path
) -> None:
    """The console lists no [[connectors]]; the service runs a Request Tracker (which
    links tickets) and a rest_json source (which cannot): the declaration links the RT
    children to their lead, and the others get notes only."""
    config = tmp_path / "service.toml"
    config.write_text(
        '[[connectors]]\nname = "tickets"\ntype = "rt"\nbase_url = "http://127.0.0.1:9/"\n\n'
        '[[connectors]]\nname = "psa"\ntype = "rest_json"\nbase_url = "http://127.0.0.1:9/"\n',
        encoding="utf-8",
    )
    sources = ("tickets", "psa", "tickets", "psa")
    shared.upsert_incidents([incident(n, source=s, client_id=f"client-{n}")
                             for n, s in enumerate(sources)])  # fmt: skip
    service = Service(tmp_path, config, pg_url)
    console = build_runtime(Config(), pg_url, desk=tmp_path / "console")
    try:
        wait_for(lambda: service.said("active: service"), "the service is active")
        assert not console.connectors
        desk = console_desk(console, Config(), demo=False)
        rows = tuple(sorted(console.store.open_rows(), key=lambda r: r.created_at))
        draft = Declaration("Carrier outage", Priority.P1, "alice", "sam", rows)
        record, _ = desk.declare(draft, Identity("alice"))
        links = [q.action for q in shared.outbox() if q.action.kind is ActionKind.LINK]
        lead, other = (c.key for c in record.children if c.key.source == "tickets")
        assert [(a.key, a.payload["refers_to"]) for a in links] == [(other, [lead.external_id])]
        notes = [q.action for q in shared.outbox() if q.action.kind is ActionKind.NOTE]
        assert sorted(n.key for n in notes) == sorted(r.key for r in rows)
    finally:
        console.close()
        service.stop()


def test_declaring_while_the_shared_database_is_down_says_so_in_one_line_and_keeps_the_dialog(
    qtbot: QtBot, pg_private_cluster: PgCluster, tmp_path: Path
) -> None:
    """Refused, not kept on the desk: one line in the dialog, which stays open with
    everything typed, nothing stored; once the database is back the same Ctrl+Enter
    declares it."""
    url = pg_private_cluster.new_database()
    upgrade(url)
    with closing(Store.open(url)) as store:
        store.upsert_incidents([incident(n, source="psa", client_id=f"client-{n}",
                                         priority=Priority.P1) for n in (1, 2)])  # fmt: skip
    clock = SystemClock()
    runtime = build_runtime(Config(), url, clock=clock, desk=tmp_path / "desk")
    live = LiveRows(clock.now())
    controller = BoardController(runtime.feed, runtime.engine, live, clock, follower=Follower(url))
    board = BoardWindow(live, controller, clock, me=Identity("alice"))
    board.attach_major_incidents(console_desk(runtime, Config(), demo=False))
    qtbot.addWidget(board)
    board.show()
    try:
        with qtbot.waitSignal(controller.loaded, timeout=LIMIT_MS):
            controller.start()
        qtbot.waitUntil(lambda: board.model.rowCount() == 2, timeout=LIMIT_MS)
        board.activateWindow()
        board.table.setFocus()
        qtbot.keyClicks(board.table, "j")
        qtbot.keyClick(board.table, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(board.table, "m")
        dialog = board.declare_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible, timeout=LIMIT_MS)
        dialog.title.selectAll()
        qtbot.keyClicks(dialog.title, "Carrier outage Oslo")
        qtbot.keyClicks(dialog.comms_lead, "Sam Okafor")

        pg_private_cluster.pause()
        qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: dialog.problem.text() != "", timeout=LIMIT_MS)
        problem = dialog.problem.text()
        assert problem.startswith("not declared (nothing stored, Ctrl+Enter tries again): ")
        assert "shared database" in problem or "cache" in problem  # what did not answer
        assert "\n" not in problem
        assert "Traceback" not in problem
        assert "internal error" not in problem
        assert dialog.isVisible()
        assert (dialog.title.text(), dialog.commander.text(), dialog.comms_lead.text()) == (
            "Carrier outage Oslo", "alice", "Sam Okafor",
        )  # fmt: skip
        assert len(dialog.declaration().children) == 2

        pg_private_cluster.resume()
        with closing(Store.open(url)) as store:
            assert store.major_incidents() == []  # nothing half-done
            assert store.outbox() == []
            dialog.activateWindow()
            qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return,
                           Qt.KeyboardModifier.ControlModifier)  # fmt: skip
            qtbot.waitUntil(lambda: len(store.major_incidents()) == 1, timeout=LIMIT_MS)
            assert store.major_incidents()[0].title == "Carrier outage Oslo"
    finally:
        board.close()
        controller.stop()
        runtime.store.close()
