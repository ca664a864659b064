"""Declaring a major incident from the board by keyboard (M), the banner's countdown to
the next client update, and the alarm when it is overdue."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.actions import ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import DEFAULT_CADENCE
from noc_console.services.major_incident.desk import MajorIncidentDesk
from noc_console.views.main_window import BoardWindow
from tests.factories import incident
from tests.views.test_triage import current, demo_board, press, started

MIN = timedelta(minutes=1)


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    board = demo_board(qtbot, store, clock, alarm_ledger=store)
    board.attach_major_incidents(MajorIncidentDesk(store, DEFAULT_CADENCE, clock))
    yield from started(qtbot, board)


def test_m_declares_the_selected_rows_and_every_child_gets_one_note(
    window: BoardWindow, store: Store, clock: ManualClock, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")
    first = current(window)
    qtbot.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    second = current(window)
    press(qtbot, window, "m")
    dialog = window.declare_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.child_list.count() == 2
    assert dialog.commander.text() == "sam.tech"  # I am the commander, unless I say
    dialog.title.selectAll()
    qtbot.keyClicks(dialog.title, "Carrier outage Oslo")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # on to the commander
    qtbot.keyClick(dialog.commander, Qt.Key.Key_Return)  # on to the comms lead
    qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return)  # empty: not declared
    assert dialog.problem.text() == "name the communications lead"
    assert store.major_incidents() == []
    qtbot.keyClicks(dialog.comms_lead, "Ann Comms")
    qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(store.major_incidents()) == 1, timeout=5000)
    (mi,) = store.major_incidents()
    assert (mi.title, mi.commander, mi.comms_lead) == (
        "Carrier outage Oslo",
        "sam.tech",
        "Ann Comms",
    )
    assert set(mi.child_keys) == {first.key, second.key}
    notes = [q.action for q in store.outbox() if q.action.kind is ActionKind.NOTE]
    assert sorted(n.key for n in notes) == sorted([first.key, second.key])  # one each
    assert all(mi.reference in str(n.payload["text"]) for n in notes)

    banner = window.mi_banner
    qtbot.waitUntil(lambda: banner.isVisible() and mi.reference in banner.text(), timeout=5000)
    assert banner.text().startswith(
        f"⚑ {mi.reference} {mi.severity.value}: next client update in 15m 00s · "
    )
    clock.advance(16 * MIN)
    window._controller.tick()
    assert (
        f"{mi.reference} {mi.severity.value}: client update OVERDUE by 1m 00s ⚠ · Carrier"
        in banner.text()
    )

    window.alarms.scan()
    qtbot.waitUntil(lambda: "client update DUE" in window.alarm_label.text(), timeout=5000)
    assert mi.reference in window.alarm_label.text()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert window.alarm_label.text() == ""
    qtbot.waitUntil(lambda: len(store.alarm_acknowledgements()) == 1, timeout=5000)


def test_m_with_nothing_selected_says_what_to_do(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    board = demo_board(qtbot, store, clock)
    board.attach_major_incidents(MajorIncidentDesk(store, DEFAULT_CADENCE, clock))
    board.show()
    qtbot.waitExposed(board)
    board.activateWindow()
    board.table.setFocus()
    qtbot.waitUntil(board.table.hasFocus, timeout=5000)
    press(qtbot, board, "m")  # the board has no rows before its first sync
    assert board.declare_dialog is None
    assert "select the rows of the major incident" in board.statusBar().currentMessage()
    board.close()


#: A carrier outage at Oslo hitting four clients in four PSAs (one correlated group).
OUTAGE = [("rt", "48213", "northwind-bank", "Internet circuit down at Oslo office"),
          ("connectwise", "771204", "litware-health", "Internet circuit down at Oslo branch"),
          ("halo", "30917", "fabrikam", "Oslo office internet circuit down - no WAN"),
          ("autotask", "T0042", "tailspin", "Internet circuit down at Oslo depot")]  # fmt: skip


def outage_board(
    qtbot: QtBot, store: Store, clock: ManualClock, outage: Sequence[tuple[str, ...]] = OUTAGE
) -> BoardWindow:
    """A board (not started) over the demo feed and `outage` (source, id, client, title;
    two minutes apart), declaring on `store`."""
    store.upsert_incidents([
        incident(n, source=s, external_id=i, client_id=c, title=t, category="Network",
                 priority=Priority.P1, created_at=clock.now() - (8 - 2 * n) * MIN)
        for n, (s, i, c, t) in enumerate(outage)
    ])  # fmt: skip
    board = demo_board(qtbot, store, clock)
    board.attach_major_incidents(MajorIncidentDesk(store, DEFAULT_CADENCE, clock))
    return board


def test_m_on_one_row_of_a_carrier_outage_brings_its_whole_group(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    board = outage_board(qtbot, store, clock)
    groups = board.groups
    for window in started(qtbot, board):
        qtbot.waitUntil(lambda: groups.topLevelItemCount() > 0, timeout=10_000)
        for _ in range(window.model.rowCount()):
            press(qtbot, window, "j")
            if current(window).key.source == "halo":
                break
        press(qtbot, window, "m")
        dialog = window.declare_dialog
        assert dialog is not None
        keys = {r.key for r in dialog.declaration().children}
        assert {IncidentKey(s, i) for s, i, _c, _t in OUTAGE} <= keys
        assert "Oslo" in dialog.title.text()  # the group's label
        assert dialog.clients.text().startswith(f"{len(dialog.declaration().clients)}: ")
        qtbot.keyClicks(dialog.comms_lead, "Ann Comms")
        qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(store.major_incidents()) == 1, timeout=5000)
        assert set(store.major_incidents()[0].child_keys) == keys


def test_m_on_a_group_row_declares_that_group_with_its_incidents_ticked(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    board = outage_board(qtbot, store, clock)
    groups = board.groups
    for window in started(qtbot, board):
        qtbot.waitUntil(lambda: groups.topLevelItemCount() > 0, timeout=10_000)
        qtbot.keyClick(window.table, Qt.Key.Key_G)  # to the group rows
        assert groups.hasFocus()
        item = groups.currentItem()
        assert item is not None
        assert item.parent() is None  # a group row, not a member
        group = groups.current_group()
        assert group is not None
        qtbot.keyClick(groups, Qt.Key.Key_M)
        dialog = window.declare_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible, timeout=5000)
        shown = [dialog.child_list.item(n) for n in range(dialog.child_list.count())]
        assert all(i is not None and i.checkState() == Qt.CheckState.Checked for i in shown)
        assert [r.key for r in dialog.declaration().children] == list(group.members)
        assert dialog.title.text() == group.label
        qtbot.keyClicks(dialog.comms_lead, "Ann Comms")
        qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: len(store.major_incidents()) == 1, timeout=5000)
        assert store.major_incidents()[0].child_keys == group.members
