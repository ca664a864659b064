"""The declare dialog says why each child of a group is in it, and starts a child that
joined other clients' incidents by wording alone unticked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey
from noc_console.services.correlation.reasons import DOUBTFUL_HINT
from tests.views.test_major_incident_board import outage_board
from tests.views.test_triage import started

#: A Microsoft 365 outage at three clients, and a fourth client's mail trouble that joins
#: it by wording alone ("email"): perhaps this event, perhaps not.
PLATFORM = [("rt", "5101", "northwind-bank", "Teams not loading"),
            ("connectwise", "5102", "litware-health", "Outlook cannot connect to Office 365"),
            ("halo", "5103", "fabrikam", "Users unable to log in to Office 365")]  # fmt: skip
STRAY = ("autotask", "T5104", "tailspin", "Email not sending")


def test_m_on_a_group_leaves_a_wording_only_member_of_another_client_unticked(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    board = outage_board(qtbot, store, clock, [*PLATFORM, STRAY])
    groups = board.groups
    for window in started(qtbot, board):
        qtbot.waitUntil(lambda: groups.topLevelItemCount() > 0, timeout=10_000)
        qtbot.keyClick(window.table, Qt.Key.Key_G)  # to the group rows
        for _ in range(groups.topLevelItemCount()):
            group = groups.current_group()
            if group is not None and IncidentKey("rt", "5101") in group.members:
                break
            qtbot.keyClick(groups, Qt.Key.Key_Down)
        qtbot.keyClick(groups, Qt.Key.Key_M)
        dialog = window.declare_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible, timeout=5000)
        items = [dialog.child_list.item(n) for n in range(dialog.child_list.count())]
        shown = {  # each child's line, found by the incident id it shows
            IncidentKey(source, ident): item
            for source, ident, *_ in [*PLATFORM, STRAY]
            for item in items
            if item is not None and f"{source}:{ident}  ·" in item.text()
        }
        stray = shown[IncidentKey(*STRAY[:2])]
        assert stray.checkState() == Qt.CheckState.Unchecked
        assert DOUBTFUL_HINT in stray.text()
        for source, ident, *_ in PLATFORM:
            item = shown[IncidentKey(source, ident)]
            assert item.checkState() == Qt.CheckState.Checked
            assert "same platform: Microsoft 365" in item.text()
        qtbot.keyClicks(dialog.comms_lead, "Ann Comms")
        qtbot.keyClick(dialog.comms_lead, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: len(store.major_incidents()) == 1, timeout=5000)
        declared = set(store.major_incidents()[0].child_keys)
        assert {IncidentKey(s, i) for s, i, *_ in PLATFORM} <= declared
        assert IncidentKey(*STRAY[:2]) not in declared
