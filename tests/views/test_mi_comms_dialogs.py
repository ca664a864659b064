"""The client update and close-out dialogs, driven by the keyboard as a person would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit, QTableWidgetItem
from pytestqt.qtbot import QtBot

from noc_console.models.actions import ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.comms_template import Phase, TemplateSet
from noc_console.models.incident import Client, Priority
from noc_console.models.major_incident import DEFAULT_CADENCE, MajorIncident, MajorIncidentChild
from noc_console.models.pir import PirAction, Review
from noc_console.services.identity import Identity
from noc_console.services.major_incident.close_out import ChildOutcome
from noc_console.services.major_incident.comms_desk import CommsDesk
from noc_console.views.major_incident.close_out_dialog import CloseOutDialog
from noc_console.views.major_incident.review_dialog import ReviewDialog
from noc_console.views.major_incident.update_dialog import UpdateDialog
from tests.factories import incident

SAM = Identity("Sam")
TEMPLATES = TemplateSet(clients={"globex": {Phase.IDENTIFIED: "Globex: {impact}"}})


@pytest.fixture
def desk(store: Store, clock: ManualClock) -> CommsDesk:
    store.upsert_clients([Client("acme", "Acme Corp", "Gold"), Client("globex", "Globex", "Gold")])
    store.upsert_incidents([incident(n, client_id="acme" if n < 3 else "globex",
                                     priority=Priority.P1) for n in range(1, 5)])  # fmt: skip
    rows = store.open_rows()
    store.declare_major_incident(
        MajorIncident("Carrier outage Oslo", Priority.P1, "Dana", "Sam", clock.now(), "Dana",
                      ("acme", "globex"),
                      tuple(MajorIncidentChild(r.key, r.client_id, r.title) for r in rows)),
        [], clock.now(),
    )  # fmt: skip
    return CommsDesk(store, DEFAULT_CADENCE, TEMPLATES, clock)


def shown(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """A key as a person presses it: to the widget with the focus."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, modifier)


def notes(store: Store) -> list[tuple[str, str, bool]]:
    return sorted((q.action.key.external_id, q.action.payload["text"], q.action.payload["internal"])
                  for q in store.outbox() if q.action.kind is ActionKind.NOTE)  # fmt: skip


def test_an_update_typed_picked_and_edited_by_keyboard_goes_to_every_child(
    qtbot: QtBot, desk: CommsDesk, store: Store, clock: ManualClock
) -> None:
    dialog = UpdateDialog(desk, desk.context())
    shown(qtbot, dialog)
    qtbot.keyClicks(dialog.impact, "no internet")
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # Identified
    assert dialog.phase() is Phase.IDENTIFIED
    globex = dialog.findChild(QPlainTextEdit, "text_globex")
    acme = dialog.findChild(QPlainTextEdit, "text_acme")
    assert globex is not None
    assert acme is not None
    assert globex.toPlainText() == "Globex: no internet"
    assert dialog.wording_of("globex") == "Globex — 2 tickets, its own wording"
    assert dialog.wording_of("acme") == "Acme Corp — 2 tickets, the NOC's wording"
    acme.selectAll()
    qtbot.keyClicks(acme, "Dear Acme, we found it.")
    qtbot.keyClicks(dialog.impact, " at Oslo")  # refilled: the hand-edited text is kept
    assert globex.toPlainText() == "Globex: no internet at Oslo"
    assert acme.toPlainText() == "Dear Acme, we found it."
    with qtbot.waitSignal(dialog.chosen) as sent:
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    record, phase, updates = sent.args
    desk.send(record, phase, updates, SAM)
    assert notes(store) == [
        ("T-1", "Dear Acme, we found it.", False),
        ("T-2", "Dear Acme, we found it.", False),
        ("T-3", "Globex: no internet at Oslo", False),
        ("T-4", "Globex: no internet at Oslo", False),
    ]


def test_an_emptied_text_is_refused_in_the_dialog(qtbot: QtBot, desk: CommsDesk) -> None:
    dialog = UpdateDialog(desk, desk.context())
    shown(qtbot, dialog)
    acme = dialog.findChild(QPlainTextEdit, "text_acme")
    assert acme is not None
    acme.clear()
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.problem.text() == "The update for Acme Corp has no text."
    assert dialog.isVisible()


def test_close_out_needs_the_check_then_shows_each_child(
    qtbot: QtBot, desk: CommsDesk, store: Store, clock: ManualClock
) -> None:
    context = desk.context()
    dialog = CloseOutDialog(context.records)
    shown(qtbot, dialog)
    qtbot.keyClicks(dialog.note, "Carrier fixed the line card")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "verified restored" in dialog.problem.text()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Tab)
    assert dialog.verified.hasFocus()
    qtbot.keyClick(dialog.verified, Qt.Key.Key_Space)
    with qtbot.waitSignal(dialog.chosen) as chosen:
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    record, note, verified = chosen.args
    clock.advance(timedelta(minutes=5))
    closed, _ = desk.close_out(record, note, verified, SAM)
    results = desk.outcomes(closed)
    assert {r.outcome for r in results} == {ChildOutcome.PENDING}
    dialog.show_outcomes(closed, results)
    assert dialog.children_list.count() == 4
    assert dialog.heading.text().startswith("MI-1 closed out — 0 failed, 4 waiting")
    assert not dialog.close_button.isEnabled()


def cell(dialog: ReviewDialog, column: int) -> QTableWidgetItem:
    """The first action's cell (typed in as a table cell editor would commit it)."""
    item = dialog.action_table.item(0, column)
    assert isinstance(item, QTableWidgetItem)
    return item


def test_a_review_written_by_keyboard_is_saved_with_its_actions(
    qtbot: QtBot, desk: CommsDesk, store: Store, clock: ManualClock
) -> None:
    (record,) = desk.context().records
    dialog = ReviewDialog(record, Review(), clock.now().date())
    shown(qtbot, dialog)
    qtbot.keyClicks(dialog.root_cause, "Line card failure at the Oslo POP")
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClicks(dialog.factors, "No diverse path")
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert dialog.action_table.rowCount() == 1
    cell(dialog, 0).setText("Order a diverse circuit")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.problem.text() == "action 1 has no owner: name who does it"
    cell(dialog, 1).setText("Dana")
    cell(dialog, 2).setText("soon")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.problem.text() == "action 1: due 'soon' is not a date like 2026-11-25"
    cell(dialog, 2).setText("2026-12-01")
    with qtbot.waitSignal(dialog.chosen) as chosen:
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    number, review = chosen.args[0].id, chosen.args[1]
    desk.save_review(number, review, SAM)
    saved = desk.review(number).review
    assert saved.root_cause == "Line card failure at the Oslo POP"
    assert saved.contributing_factors == ("No diverse path",)
    assert saved.actions == (PirAction("Order a diverse circuit", "Dana", date(2026, 12, 1)),)
