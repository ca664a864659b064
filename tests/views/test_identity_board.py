"""Who I am on the board: T assigns my account in the row's PSA, actions carry my name,
and "Mine" (the queue and the search) is what is assigned to that account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.services.identity import Identity
from noc_console.views.board.model import ROW_ROLE
from noc_console.views.main_window import BoardWindow
from tests.views.test_triage import actions, demo_board, press, select_new_incident, started

#: My name to people, and my account on the demo feed's PSA.
ME = Identity("Sam Tech", {"demo": "stech"})


@pytest.fixture
def window(qtbot: QtBot, store: Store, clock: ManualClock) -> Iterator[BoardWindow]:
    yield from started(qtbot, demo_board(qtbot, store, clock, me=ME))


def shown_keys(window: BoardWindow) -> set[str]:
    model = window.model
    return {str(model.index(r, 0).data(ROW_ROLE).key) for r in range(model.rowCount())}


def test_take_assigns_my_psa_account_and_mine_shows_it(
    window: BoardWindow, store: Store, qtbot: QtBot
) -> None:
    row = select_new_incident(qtbot, window)
    press(qtbot, window, "t")
    (take,) = actions(store, qtbot, 1)
    assert take.action.payload == {"assignee": "stech"}  # my demo account, not my name
    assert take.action.author == "Sam Tech"
    # someone assigns another incident to "Sam Tech" — my name, but not my demo account
    other = next(r for r in window._live.rows() if r.key != row.key and r.assignee is None)
    window._controller.submit(Action(other.key, ActionKind.ASSIGN, {"assignee": "Sam Tech"},
                                     expected={"assignee": None}, author="Dana"))  # fmt: skip
    qtbot.waitUntil(
        lambda: all(q.state is ActionState.DELIVERED for q in store.outbox()), timeout=10_000
    )
    qtbot.waitUntil(lambda: window.queue_list.count_of("mine") == 1, timeout=10_000)
    window.queue_list.select("mine")
    qtbot.waitUntil(lambda: shown_keys(window) == {str(row.key)}, timeout=5000)

    window.queue_list.select("all")
    press(qtbot, window, "/")
    qtbot.keyClicks(window.search, "mine")
    qtbot.waitUntil(lambda: shown_keys(window) == {str(row.key)}, timeout=5000)
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)

    window.table.setFocus()
    for _ in range(window.model.rowCount()):  # back to my incident: taking it again says so
        if window.table.currentIndex().siblingAtColumn(0).data(ROW_ROLE).key == row.key:
            break
        press(qtbot, window, "j")
    with qtbot.waitSignal(window.triage.message, timeout=5000) as said:
        press(qtbot, window, "t")
    assert said.args == [f"{row.key} is already assigned to you"]


def test_an_alarm_acknowledged_on_one_desk_goes_quiet_on_the_other(
    qtbot: QtBot, store: Store, db_url: str, clock: ManualClock
) -> None:
    """Desk A (this board) and desk B (another console's alarms on its own connection to
    the same cache): Shift+A here is stored with my name and silences B; B's
    acknowledgement clears this board's alarm line at its next scan."""
    from noc_console.models.incident import Priority
    from noc_console.services.alarms import Alarms
    from noc_console.services.board.feed import BoardUpdate
    from noc_console.services.board.incident_detail import incident_detail
    from noc_console.views.board.detail_panel import render
    from tests.factories import incident

    window = demo_board(qtbot, store, clock, me=ME, alarm_ledger=store)
    window.show()
    other = Store.open(db_url)
    try:
        desk_b = Alarms(ledger=other, me="Dana")
        presenter = window.alarms
        presenter.scan()  # both learn the backlog
        desk_b.scan(other.open_rows(), clock.now())
        qtbot.waitUntil(lambda: presenter.alarms._known is not None, timeout=5000)

        def ring(number: int) -> None:
            p1 = incident(number, priority=Priority.P1, title=f"Core switch {number} down",
                          created_at=clock.now(), updated_at=clock.now())  # fmt: skip
            store.upsert_incidents([p1])
            window.model.apply(BoardUpdate(store.rows([p1.key]), []))
            presenter.scan()
            qtbot.waitUntil(lambda: f"switch {number} down" in window.alarm_label.text(),
                            timeout=5000)  # fmt: skip
            desk_b.scan(other.open_rows(), clock.now())

        ring(1)
        assert len(desk_b.active()) == 1
        qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
        assert window.alarm_label.text() == ""
        qtbot.waitUntil(lambda: len(other.alarm_acknowledgements()) == 1, timeout=5000)
        assert other.alarm_acknowledgements()[0].by == "Sam Tech"  # [me] name, not the login
        key = other.alarm_acknowledgements()[0].key
        detail = incident_detail(other, key, clock.now())  # desk B's detail panel says who
        assert detail is not None
        assert "P1 new alarm acknowledged <i>(Sam Tech)</i>" in render(detail, clock.now())
        desk_b.scan(other.open_rows(), clock.now())
        assert desk_b.active() == []

        ring(2)
        desk_b.record(desk_b.acknowledge(clock.now()))  # Dana acknowledges on desk B
        presenter.scan()
        qtbot.waitUntil(lambda: window.alarm_label.text() == "", timeout=5000)
        assert presenter.alarms.active() == []
    finally:
        window.close()
        other.close()
