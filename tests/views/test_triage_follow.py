"""Issue 18: what the board shows after an action — the detail panel follows its
incident, the cursor goes on to the next row to triage, the ✓ after delivery (for a
minute), the alarm line after A, and bulk A/T/E on a Shift+J selection. By keyboard."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from noc_console.models.actions import ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardUpdate
from noc_console.views.board.triage_dialogs import ReasonDialog
from noc_console.views.main_window import BoardWindow
from tests.factories import incident
from tests.views.test_triage import ME, current, press
from tests.views.test_triage import window as window  # the started demo board fixture


def shift(qtbot: QtBot, window: BoardWindow, key: Qt.Key) -> None:
    qtbot.keyClick(window.table, key, Qt.KeyboardModifier.ShiftModifier)


def escalate(qtbot: QtBot, window: BoardWindow, reason: str) -> None:
    press(qtbot, window, "e")
    dialog = window.triage.dialog
    assert isinstance(dialog, ReasonDialog)
    qtbot.keyClicks(dialog.text, reason)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.triage.dialog is None, timeout=5000)


def delivered(store: Store, key: IncidentKey, count: int) -> bool:
    queued = store.outbox(key=key)
    return len(queued) >= count and all(q.state is ActionState.DELIVERED for q in queued)


def test_the_detail_panel_follows_a_t_and_e_on_its_incident(
    window: BoardWindow, store: Store, qtbot: QtBot
) -> None:
    newest = max(
        (window.model.row_at(r) for r in range(window.model.rowCount())),
        key=lambda row: int(row.key.external_id.rsplit("-", 1)[1]),
    )
    assert newest.status is Status.NEW, "the demo's newest incident is untouched"
    press(qtbot, window, "/")  # the board down to that one incident: A cannot move it
    qtbot.keyClicks(window.search, newest.key.external_id)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.table.hasFocus()
    assert window.model.rowCount() == 1
    press(qtbot, window, "j")
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    text = window.detail.toPlainText
    qtbot.waitUntil(lambda: newest.key.external_id in text(), timeout=5000)
    assert "Assignee\nunassigned" in text()

    press(qtbot, window, "a")
    qtbot.waitUntil(lambda: "Status\nAcknowledged" in text(), timeout=5000)
    press(qtbot, window, "t")
    qtbot.waitUntil(lambda: f"Assignee\n{ME}" in text(), timeout=5000)
    escalate(qtbot, window, "needs the network team")
    qtbot.waitUntil(lambda: f"Tier\n{newest.tier.escalated().value}" in text(), timeout=5000)
    # Delivered: the timeline says so for each.
    qtbot.waitUntil(lambda: delivered(store, newest.key, 4), timeout=10_000)
    qtbot.waitUntil(lambda: text().count("delivered") >= 4, timeout=5000)
    for entry in ("acknowledge — status acknowledged", f"assign — assignee {ME}",
                  "tier — tier", "needs the network team"):  # fmt: skip
        assert entry in text(), entry
    assert current(window).key == newest.key  # the selection never moved


def test_after_a_moves_the_row_the_cursor_is_on_the_next_one_to_triage(
    window: BoardWindow, store: Store, clock: ManualClock, qtbot: QtBot
) -> None:
    # Two P1s raised 14 minutes ago, nobody on them: first in "needs me first" (before the
    # demo's carrier outage, 12 minutes old); A moves one down.
    raised = clock.now() - timedelta(minutes=14)
    fresh = [incident(n, priority=Priority.P1, created_at=raised, updated_at=raised)
             for n in (1, 2)]  # fmt: skip
    store.upsert_incidents(fresh)
    window.model.apply(BoardUpdate(store.rows([i.key for i in fresh]), []))
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    row = current(window)
    assert row.key in {i.key for i in fresh}
    following = window.model.row_at(1).key
    press(qtbot, window, "a")
    qtbot.waitUntil(lambda: window.model.position_of(row.key) != 0, timeout=5000)
    assert current(window).key == following
    press(qtbot, window, "j")  # J goes on from there, not from where the row went
    assert current(window).key == window.model.row_at(1).key
    assert current(window).key != row.key


def test_a_tick_shows_after_delivery_for_a_minute(
    window: BoardWindow, store: Store, clock: ManualClock, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")
    row = current(window)

    def mark() -> str:
        position = window.model.position_of(row.key)
        assert position is not None
        return window.model.cell(position, Column.OUTBOX).text

    assert mark() == ""
    press(qtbot, window, "t")
    qtbot.waitUntil(lambda: delivered(store, row.key, 1), timeout=10_000)
    qtbot.waitUntil(lambda: mark() == "✓", timeout=5000)
    clock.advance(timedelta(seconds=30))
    window.model.tick(clock.now(), range(window.model.rowCount()))
    assert mark() == "✓"  # still within its minute
    clock.advance(timedelta(minutes=2))
    qtbot.waitUntil(lambda: mark() == "", timeout=5000)  # the board's own tick clears it


def test_a_silences_that_incidents_alarm_and_shift_a_every_alarm(
    window: BoardWindow, store: Store, clock: ManualClock, qtbot: QtBot
) -> None:
    presenter = window.alarms
    presenter.scan()  # learns the backlog
    qtbot.waitUntil(lambda: presenter.alarms._known is not None, timeout=5000)
    fresh = [incident(n, priority=Priority.P1, title=title, created_at=clock.now(),
                      updated_at=clock.now())
             for n, title in ((1, "Core switch down"), (2, "Firewall HA lost"))]  # fmt: skip
    store.upsert_incidents(fresh)
    window.model.apply(BoardUpdate(store.rows([i.key for i in fresh]), []))
    presenter.scan()
    label = window.alarm_label.text
    qtbot.waitUntil(lambda: "(+1 more)" in label(), timeout=5000)
    shown = label()
    first = next(i for i in fresh if i.title in shown)
    other = next(i for i in fresh if i is not first)

    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    for _ in range(window.model.rowCount()):
        if current(window).key == first.key:
            break
        press(qtbot, window, "j")
    press(qtbot, window, "a")
    assert other.title in label()  # the other incident still alarms
    assert first.title not in label()
    assert "more" not in label()
    shift(qtbot, window, Qt.Key.Key_A)
    assert label() == ""


def test_bulk_a_t_and_e_on_a_shift_j_selection_each_through_the_outbox(
    window: BoardWindow, store: Store, qtbot: QtBot
) -> None:
    press(qtbot, window, "j")  # the top of "needs me first": unhandled P1/P2 rows
    shift(qtbot, window, Qt.Key.Key_J)
    shift(qtbot, window, Qt.Key.Key_J)

    def chosen() -> set[IncidentKey]:
        rows = window.table.selectionModel().selectedRows()
        return {window.model.row_at(i.row()).key for i in rows}

    picked = chosen()
    assert len(picked) == 3
    rows = {r.key: r for r in store.rows(list(picked))}
    press(qtbot, window, "a")
    qtbot.waitUntil(lambda: len(store.outbox()) >= sum(
        r.status is Status.NEW for r in rows.values()), timeout=5000)  # fmt: skip
    assert chosen() == picked  # the rows moved; the selection went with them
    press(qtbot, window, "t")
    escalate(qtbot, window, "core network")
    engineering = {k for k, r in rows.items() if r.tier is Tier.ENG}

    def kinds(kind: ActionKind) -> set[IncidentKey]:
        return {q.action.key for q in store.outbox() if q.action.kind is kind}

    qtbot.waitUntil(lambda: kinds(ActionKind.TIER) == picked - engineering, timeout=5000)
    assert kinds(ActionKind.ACKNOWLEDGE) == {k for k, r in rows.items() if r.status is Status.NEW}
    assert kinds(ActionKind.ASSIGN) == {k for k, r in rows.items() if r.assignee != ME}
    queued = store.outbox()  # one snapshot: the last escalation's note may land meanwhile
    assert len(queued) == len({q.action.id for q in queued})  # one each
    qtbot.waitUntil(
        lambda: all(q.state is ActionState.DELIVERED for q in store.outbox()), timeout=15_000
    )
    for row in store.rows(list(picked)):
        assert row.assignee == ME
        assert row.status is not Status.NEW
