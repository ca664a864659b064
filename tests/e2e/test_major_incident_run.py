"""The issue's scripted run (ManualClock): a carrier outage hits four clients; the group
is found, declared by keyboard, client updates go out on cadence (the fake PSA gets
exactly one note per child per update), an overdue update alarms, the close-out
resolves every child, and the post-incident review exports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from noc_console.cli import main
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.comms_template import TemplateSet
from noc_console.models.major_incident import DEFAULT_CADENCE
from noc_console.services.board.feed import BoardFeed
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.engine import SyncEngine
from noc_console.services.identity import Identity
from noc_console.services.major_incident.comms_desk import CommsDesk
from noc_console.services.major_incident.desk import MajorIncidentDesk
from noc_console.views.board.controller import BoardController
from noc_console.views.main_window import BoardWindow
from noc_console.views.major_incident.close_out_dialog import CloseOutDialog
from noc_console.views.major_incident.update_dialog import UpdateDialog
from tests.fakes.fake_psa import FakePsa, running

MIN = timedelta(minutes=1)
CLIENTS = ("acme", "globex", "initech", "umbrella")
TICKETS = [f"INC-{n}" for n in range(1, 9)]


@pytest.fixture
def psa(clock: ManualClock) -> Iterator[FakePsa]:
    fake = FakePsa(clock.now())
    fake.clients = [{"id": c, "name": c.capitalize(), "contract": "Gold"} for c in CLIENTS]
    for n in range(1, 9):  # eight tickets in ten minutes, two per client
        fake.add(n, client=CLIENTS[n % 4], title="Internet circuit down at Oslo office",
                 priority="P1", impact=1, created=clock.now() - (12 - n) * MIN)  # fmt: skip
    fake.add(9, client="acme", title="Printer jam on floor 3", priority="P4", impact=3)
    with running(fake) as server:
        yield server


@pytest.fixture
def board(qtbot: QtBot, store: Store, clock: ManualClock, psa: FakePsa) -> Iterator[BoardWindow]:
    connector = RestJsonConnector("psa", HttpSettings(psa.url, 2.0, 2.0, retries=0), "PSA")
    engine = SyncEngine(store, [connector], clock, interval=timedelta(minutes=5))
    live = LiveRows(clock.now())
    controller = BoardController(BoardFeed(store, [connector]), engine, live, clock)
    window = BoardWindow(live, controller, clock, me=Identity("Dana"), alarm_ledger=store)
    qtbot.addWidget(window)
    window.attach_major_incidents(MajorIncidentDesk(store, DEFAULT_CADENCE, clock,
                                                    wake=engine.wake))  # fmt: skip
    window.attach_comms(CommsDesk(store, DEFAULT_CADENCE, TemplateSet(), clock, engine.wake))
    window.show()
    with qtbot.waitSignal(controller.synced, timeout=10_000):
        controller.start()
    window.table.setFocus()
    yield window
    window.close()


def key(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
        ) -> None:  # fmt: skip
    """A key as a person presses it: to whatever has the focus."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, modifier)


def phase_notes(psa: FakePsa, prefix: str) -> dict[str, int]:
    with psa.lock:
        return {t: sum(1 for n in psa.notes.get(t, []) if n.startswith(prefix)) for t in TICKETS}


def one_each(psa: FakePsa, prefix: str) -> Callable[[], bool]:
    """Whether every child has exactly one note of the update starting with `prefix`."""
    return lambda: set(phase_notes(psa, prefix).values()) == {1}


def test_a_carrier_outage_from_group_to_review(
    board: BoardWindow, store: Store, clock: ManualClock, psa: FakePsa, qtbot: QtBot,
    db_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    # The group is found: one row of it brings its seven siblings into the declaration.
    qtbot.waitUntil(lambda: board.groups.topLevelItemCount() > 0, timeout=10_000)  # shown
    qtbot.keyClicks(board.table, "j")
    declare = None
    for _ in range(board.model.rowCount()):
        qtbot.keyClicks(board.table, "m")
        declare = board.declare_dialog
        assert declare is not None
        qtbot.waitUntil(declare.isVisible, timeout=5000)
        if declare.child_list.count() == 8:
            break
        declare.reject()
        board.table.setFocus()
        qtbot.keyClicks(board.table, "j")
    assert declare is not None
    assert declare.child_list.count() == 8  # the group: four clients, not the printer
    qtbot.keyClicks(declare.comms_lead, "Sam")
    qtbot.keyClick(declare.comms_lead, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(store.major_incidents()) == 1, timeout=5000)
    (record,) = store.major_incidents()
    assert set(record.clients) == set(CLIENTS)

    # First update within the cadence: U, the impact, Ctrl+Enter.
    ref = record.reference
    steps = ((10, Qt.Key.Key_1, f"[{ref}] We are inv"), (31, Qt.Key.Key_2, f"[{ref}] Cause id"))
    for gap, phase_key, prefix in steps:
        clock.advance(gap * MIN)
        if gap > 30:  # the cadence (P1: 30 min) ran out: the banner and the alarm say so
            board._controller.tick()
            assert "OVERDUE" in board.mi_banner.text()
            board.alarms.scan()
            qtbot.waitUntil(lambda: "client update DUE" in board.alarm_label.text(), timeout=5000)
        board.table.setFocus()
        qtbot.keyClicks(board.table, "u")
        qtbot.waitUntil(lambda: isinstance(board.comms.dialog, UpdateDialog)
                        and board.comms.dialog.isVisible(), timeout=5000)  # fmt: skip
        dialog = board.comms.dialog
        assert isinstance(dialog, UpdateDialog)
        qtbot.keyClicks(dialog.impact, "no internet at the Oslo office")
        key(qtbot, phase_key, Qt.KeyboardModifier.AltModifier)
        key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(one_each(psa, prefix), timeout=10_000)
    assert set(phase_notes(psa, f"[{record.reference}] We are inv").values()) == {1}

    # Close-out: Shift+R, the note, Tab, Space (verified), Ctrl+Enter.
    clock.advance(20 * MIN)
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(board.comms.dialog, CloseOutDialog)
                    and board.comms.dialog.isVisible(), timeout=5000)  # fmt: skip
    closing = board.comms.dialog
    assert isinstance(closing, CloseOutDialog)
    qtbot.keyClicks(closing.note, "Carrier replaced a line card at the Oslo POP")
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Space)
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    def all_resolved() -> bool:
        with psa.lock:
            return all(psa.incidents[t]["status"] == "resolved" for t in TICKETS)

    qtbot.waitUntil(all_resolved, timeout=10_000)
    assert psa.incidents["INC-9"]["status"] == "new"  # the printer is not part of it
    qtbot.waitUntil(lambda: "closed out" in closing.heading.text(), timeout=5000)
    stored = store.major_incident(record.id)
    assert stored is not None
    assert not stored.is_open
    assert stored.resolved_at == clock.now()

    out = tmp_path / "pir.md"
    assert main(["--db", db_url, "pir", "--id", record.reference, "--format", "md",
                 "--out", str(out)], clock) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "- **Client updates sent:** 2" in text
    assert "Closed out: Carrier replaced a line card at the Oslo POP" in text
