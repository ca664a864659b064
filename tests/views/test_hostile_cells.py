"""Ticket text an attacker writes, painted by the cell delegate: as the characters it
is (never rich text), capped before layout, and pixel for pixel what Qt's own delegate
paints for the same cell."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.text_limits import LINE
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardUpdate
from noc_console.services.board.live_rows import LiveRows
from noc_console.views.board.cell_delegate import CellDelegate
from noc_console.views.board.model import BoardModel
from tests.conftest import T0
from tests.factories import incident
from tests.fakes.hostile_text import HUGE, MARKUP, hostile_row
from tests.views.test_cell_delegate import RolesDelegate, grab, table

TEXTS = {
    "markup": MARKUP,
    "huge": HUGE,
    "bidi override": "\u202eexe.suoicilam\u202c invoice",
    "zero width and joiners": "r\u200bo\u200do\u2060t \ufeffdown",
    "emoji and combining": "🔥🔥 server on fire e\u0301e\u0301 " * 3,
    "controls": "tab\there\nnew line\rreturn\x07bell",
}


@pytest.mark.parametrize("text", list(TEXTS.values()), ids=list(TEXTS))
def test_hostile_text_is_painted_as_qt_paints_plain_text(
    store: Store, qtbot: QtBot, text: str
) -> None:
    store.upsert_incidents([incident(1), incident(2)])
    rows = store.open_rows()
    live = LiveRows(T0 + timedelta(minutes=5))
    model = BoardModel(live)
    model.apply(BoardUpdate([hostile_row(rows[0], text), rows[1]], [], full=True))
    for column in (Column.CLIENT, Column.TITLE, Column.ASSIGNEE):
        assert len(model.cell(0, column).text) <= LINE  # capped before any layout
    ours = table(model, qtbot, CellDelegate(model))
    theirs = table(model, qtbot, RolesDelegate(model))
    assert grab(ours) == grab(theirs)
