"""Ctrl+M on the board: the late client's ticket joins the major incident already
declared, by keyboard, and each mistake is said in the dialog or the status bar."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from noc_console.models.actions import ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import DEFAULT_CADENCE, EventKind
from noc_console.services.correlation import Group
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration
from noc_console.services.major_incident.desk import MajorIncidentDesk
from noc_console.views.board.group_list import GroupList
from noc_console.views.board.triage_dialogs import ResolveDialog
from noc_console.views.main_window import BoardWindow
from tests.views.test_major_incident_board import OUTAGE, outage_board
from tests.views.test_triage import current, demo_board, press, started

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    board = demo_board(qtbot, store, clock)
    board.attach_major_incidents(MajorIncidentDesk(store, DEFAULT_CADENCE, clock))
    yield from started(qtbot, board)


def test_ctrl_m_adds_the_current_row_to_the_open_major_incident(
    window: BoardWindow, store: Store, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")
    first = current(window)
    declaration = Declaration("Carrier outage", Priority.P1, "Dana", "Sam", (first,))
    record, _ = window.major_incidents.declare(declaration, Identity("Dana"))
    press(qtbot, window, "j")
    late = current(window)
    assert late.key != first.key
    notes = len(store.outbox())

    qtbot.keyClick(window.table, Qt.Key.Key_M, CTRL)
    qtbot.waitUntil(lambda: window.join_actions.dialog is not None, timeout=5000)
    dialog = window.join_actions.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.current_record() == record  # the only open one is chosen
    assert dialog.row_list.count() == 1
    assert dialog.row_list.item(0).text().startswith(f"{late.key} · ")
    qtbot.keyClick(dialog.record, Qt.Key.Key_Return, CTRL)

    qtbot.waitUntil(lambda: len(store.outbox()) == notes + 1, timeout=5000)
    stored = store.major_incident(record.id)
    assert stored is not None
    assert stored.child_keys == (first.key, late.key)
    assert late.client_id in stored.clients
    (note,) = [q.action for q in store.outbox()[notes:]]
    assert (note.key, note.kind) == (late.key, ActionKind.NOTE)
    assert record.reference in str(note.payload["text"])
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    said = window.statusBar().currentMessage()
    assert f"{record.reference}: 1 incident added — 2 incidents of" in said
    kinds = [e.kind for e in store.major_incident_events(record.id)]
    assert kinds == [EventKind.DECLARED, EventKind.CHILD_ADDED]

    qtbot.keyClick(window.table, Qt.Key.Key_M, CTRL)  # the same row again
    qtbot.waitUntil(lambda: window.join_actions.dialog is not dialog, timeout=5000)
    again = window.join_actions.dialog
    assert again is not None
    qtbot.keyClick(again.record, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: again.problem.text() != "", timeout=5000)
    assert again.problem.text() == f"not added: already in {record.reference}: nothing to add"
    assert again.isVisible()
    assert len(store.outbox()) == notes + 1


def test_ctrl_m_without_an_open_major_incident_says_declare_one(
    window: BoardWindow, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")
    qtbot.keyClick(window.table, Qt.Key.Key_M, CTRL)
    qtbot.waitUntil(
        lambda: "no open major incident: declare one with M" in window.statusBar().currentMessage(),
        timeout=5000,
    )
    assert window.join_actions.dialog is None


def _oslo_row(groups: GroupList) -> QTreeWidgetItem:
    """The carrier outage's group row as it is now (rows are rebuilt on each refresh)."""
    outage = {IncidentKey(s, i) for s, i, _c, _t in OUTAGE}
    return next(i for i in groups.group_rows() if outage <= set(_group(i).members))


def _group(item: QTreeWidgetItem) -> Group:
    group = item.data(0, Qt.ItemDataRole.UserRole + 2)
    assert isinstance(group, Group)
    return group


def test_a_group_declared_elsewhere_says_so_and_is_not_declared_twice(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    """Another desk declared the carrier outage: this board's group row names the major
    incident, and M on it is refused in the dialog, pointing at Ctrl+M."""
    board = outage_board(qtbot, store, clock)
    groups = board.groups
    running = started(qtbot, board)
    window = next(running)
    qtbot.waitUntil(lambda: groups.topLevelItemCount() > 0, timeout=10_000)
    oslo = _group(_oslo_row(groups))
    rows = {r.key: r for r in window._live.rows()}
    elsewhere = Declaration("Carrier outage", Priority.P1, "Ann", "Sam",
                            tuple(rows[k] for k in oslo.members))  # fmt: skip
    desk = MajorIncidentDesk(store, DEFAULT_CADENCE, clock)
    record, _ = desk.declare(elsewhere, Identity("Ann"))
    window.refresh_major_incidents()  # what the timer or the change feed does
    mark = f"⚑ {record.reference} · "
    qtbot.waitUntil(lambda: _oslo_row(groups).text(0).startswith(mark), timeout=5000)
    row = _oslo_row(groups)
    assert row.text(0) == mark + _group(row).summary
    members = [m for m in (row.child(n) for n in range(row.childCount())) if m is not None]
    marked = {groups.key_of(m) for m in members if m.text(0).startswith(mark)}
    assert marked == set(record.child_keys)  # members the demo added since are not marked
    assert "Ctrl+M adds the others" in row.toolTip(0)

    groups.setCurrentItem(row)
    groups.setFocus()
    qtbot.keyClick(groups, Qt.Key.Key_M)
    dialog = window.declare_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.keyClicks(dialog.comms_lead, "Sam")
    qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "already in" in dialog.problem.text(), timeout=5000)
    assert f"is already in {record.reference}: leave it out" in dialog.problem.text()
    assert len(store.major_incidents()) == 1
    next(running, None)  # closes the board


def test_resolving_a_natively_linked_lead_alone_warns_and_points_at_close_out(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    """ServiceNow resolves a parent's children with it, ConnectWise closes a bundle: R on
    the ticket the others are linked to warns before anyone resolves it alone."""
    board = demo_board(qtbot, store, clock)
    board.attach_major_incidents(MajorIncidentDesk(store, DEFAULT_CADENCE, clock,
                                                   native_links={"demo"}))  # fmt: skip
    running = started(qtbot, board)
    window = next(running)
    press(qtbot, window, "j")
    lead = current(window)
    press(qtbot, window, "j")
    other = current(window)
    declaration = Declaration("Carrier outage", Priority.P1, "Dana", "Sam", (lead, other))
    record, _ = window.major_incidents.declare(declaration, Identity("Dana"))
    window.refresh_major_incidents()
    qtbot.waitUntil(lambda: lead.key in window.triage.resolve_warnings, timeout=5000)

    press(qtbot, window, "k")  # back to the lead
    assert current(window).key == lead.key
    press(qtbot, window, "r")
    dialog = window.triage.dialog
    assert isinstance(dialog, ResolveDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.warning.isVisible()
    assert dialog.warning.text().startswith(f"⚠ {lead.key} is {record.reference}'s lead ticket")
    assert f"close out {record.reference} with Shift+R" in dialog.warning.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    press(qtbot, window, "j")  # a child that is not the lead: no warning
    press(qtbot, window, "r")
    plain_resolve = window.triage.dialog
    assert isinstance(plain_resolve, ResolveDialog)
    assert plain_resolve is not dialog
    qtbot.waitUntil(plain_resolve.isVisible, timeout=5000)
    assert not plain_resolve.warning.isVisible()
    assert plain_resolve.warning.text() == ""
    next(running, None)
