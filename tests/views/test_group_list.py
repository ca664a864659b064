"""The board's group rows: correlated incidents shown as one row that opens by key or mouse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.correlation import Arrival, correlate
from noc_console.views.board.group_list import GroupList
from noc_console.views.board.model import ROW_ROLE
from noc_console.views.main_window import BoardWindow
from tests.factories import board_row
from tests.fakes.hostile_text import MARKUP
from tests.views.test_hostile_views import shown
from tests.views.test_main_window import make_window


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    board = make_window(qtbot, store, clock, DemoFeed(clock))  # opens on a carrier outage
    qtbot.waitUntil(lambda: board.groups.topLevelItemCount() > 0, timeout=10_000)
    yield board
    board.close()


def test_the_demo_outage_is_one_group_row_that_says_how_many_and_what(
    window: BoardWindow,
) -> None:
    groups = window.groups
    assert groups.isVisible()
    rows = groups.group_rows()
    [item] = [row for row in rows if row.text(0).endswith("Internet circuit down at Oslo")]
    incidents, clients = (int(part.split()[0]) for part in item.text(0).split(" · ")[:2])
    assert incidents >= 4
    assert clients >= 3
    assert item.childCount() == incidents
    assert not item.isExpanded()


def test_g_then_arrows_and_enter_open_close_and_choose_a_member(
    window: BoardWindow, qtbot: QtBot
) -> None:
    groups = window.groups
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_G)  # G: to the group rows
    assert groups.hasFocus()
    item = groups.group_rows()[0]
    assert groups.currentItem() is item
    qtbot.keyClick(groups, Qt.Key.Key_Right)
    assert item.isExpanded()
    qtbot.keyClick(groups, Qt.Key.Key_Left)
    assert not item.isExpanded()
    qtbot.keyClick(groups, Qt.Key.Key_Return)  # Enter opens a group too …
    assert item.isExpanded()
    qtbot.keyClick(groups, Qt.Key.Key_Down)
    member = groups.currentItem()
    assert member is not None
    assert member.parent() is item
    qtbot.keyClick(groups, Qt.Key.Key_Return)  # … and on a member, shows it on the board
    assert window.table.hasFocus()
    chosen = window.table.currentIndex().data(ROW_ROLE)
    assert chosen.key == groups.key_of(member)
    assert member.text(0).startswith(str(chosen.key.external_id))
    qtbot.keyClick(window.table, Qt.Key.Key_G)
    qtbot.keyClick(groups, Qt.Key.Key_Up)
    qtbot.keyClick(groups, Qt.Key.Key_Return)  # Enter on the open group closes it
    assert not item.isExpanded()
    group = groups.current_group()
    assert group is not None
    first = item.child(0)
    assert first is not None
    assert group.members[0] == groups.key_of(first)


def test_a_double_click_opens_and_closes_a_group(window: BoardWindow, qtbot: QtBot) -> None:
    groups = window.groups
    item = groups.group_rows()[0]
    where = groups.visualItemRect(item).center()
    for opened in (True, False):  # a person's double-click: a click, then the second one
        qtbot.mouseClick(groups.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(groups.viewport(), Qt.MouseButton.LeftButton, pos=where)
        assert item.isExpanded() is opened


def test_each_member_line_ends_with_why_it_is_in_the_group(
    window: BoardWindow, qtbot: QtBot
) -> None:
    groups = window.groups
    [item] = [row for row in groups.group_rows() if row.text(0).endswith("down at Oslo")]
    groups.setCurrentItem(item)
    group = groups.current_group()
    assert group is not None
    qtbot.keyClick(groups, Qt.Key.Key_Right)
    lines = [item.child(n) for n in range(item.childCount())]
    ends = [line.text(0).rsplit("  —  ", 1)[-1] for line in lines if line is not None]
    assert set(ends) == {"same site: Oslo (Internet, circuit)", "same circuit TN-88213"}
    assert len(ends) == len(group.members)


def test_a_group_labelled_by_a_hostile_title_shows_it_as_text_in_its_tooltip(
    qtbot: QtBot,
) -> None:
    """A group whose members name no object we know is labelled by its first title."""
    rows: list[BoardRow] = [
        replace(board_row(n), client_id=client, client_name=client, title=f"{MARKUP} hv-cluster-02")
        for n, client in enumerate(("acme", "globex"), start=1)
    ]
    groups = GroupList()
    qtbot.addWidget(groups)
    groups.set_groups(correlate(Arrival.of_row(r) for r in rows), {r.key: r for r in rows})
    [item] = groups.group_rows()
    assert MARKUP in shown(item.toolTip(0))
