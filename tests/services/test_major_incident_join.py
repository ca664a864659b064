"""Adding incidents to a major incident already declared: the late client's ticket joins
the record with the same note (and native link) every child got, its client joins the
affected clients, and every mistake is one line with nothing stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from noc_console.models.actions import Action, ActionKind
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.major_incident_table import MajorIncidentError
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Client, IncidentKey, Priority, Status
from noc_console.models.major_incident import (
    DEFAULT_CADENCE,
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
)
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration
from noc_console.services.major_incident.desk import MajorIncidentDesk
from noc_console.services.major_incident.join import CannotJoin, joining, suggested
from tests.conftest import T0
from tests.factories import board_row, incident
from tests.services.test_major_incident_declare import groups_of, outage_row

ME = Identity("Dana Lead")
MIN = timedelta(minutes=1)


FIRST = [outage_row(1, "Acme", "rt", 0), outage_row(2, "Globex", "cw", 2)]
LATE = outage_row(3, "Initech", "rt", 14)  # rings after the declaration
PRINTER = board_row(9, key=IncidentKey("rt", "9"), client_id="acme", client_name="Acme",
                    title="Printer jammed on floor 3", created_at=T0 + 3 * MIN)  # fmt: skip


@pytest.fixture
def desk(store: Store, clock: ManualClock) -> MajorIncidentDesk:
    rows = [*FIRST, LATE, PRINTER]
    store.upsert_clients(Client(r.client_id, r.client_name) for r in rows)
    store.upsert_incidents([
        incident(n, source=r.key.source, external_id=r.key.external_id, client_id=r.client_id)
        for n, r in enumerate(rows)
    ])  # fmt: skip
    return MajorIncidentDesk(store, DEFAULT_CADENCE, clock, native_links={"rt"})


def declared(desk: MajorIncidentDesk) -> int:
    made = Declaration("Carrier outage Oslo", Priority.P1, "Dana Lead", "Sam", tuple(FIRST))
    return desk.declare(made, ME)[0].id


def test_a_late_ticket_joins_with_its_note_and_link_and_its_client(
    desk: MajorIncidentDesk, store: Store, clock: ManualClock
) -> None:
    number = declared(desk)
    before = {q.seq for q in store.outbox()}
    clock.advance(25 * MIN)
    record, changes = desk.join(number, [LATE], ME)
    assert record.child_keys == (FIRST[0].key, FIRST[1].key, LATE.key)
    assert record.clients == ("acme", "globex", "initech")
    new = [q.action for q in store.outbox() if q.seq not in before]
    assert [(a.key, a.kind) for a in new] == [(LATE.key, ActionKind.NOTE),
                                              (LATE.key, ActionKind.LINK)]  # fmt: skip
    assert new[1].payload["refers_to"] == ["1"]  # rt's lead child, declared first
    text = str(new[0].payload["text"])
    assert text.startswith(f"Major incident {record.reference} (P1): Carrier outage Oslo")
    assert "one of 3 linked incidents across 3 clients" in text
    assert "rt:1 (Acme), cw:2 (Globex)" in text
    assert LATE.key in changes.upserted
    (event,) = [e for e in store.major_incident_events(number) if e.kind is EventKind.CHILD_ADDED]
    assert (event.by, event.at, event.detail["children"]) == ("Dana Lead", clock.now(), ["rt:3"])


def test_the_first_ticket_of_a_source_is_its_lead_and_gets_no_link(
    desk: MajorIncidentDesk, store: Store
) -> None:
    made = Declaration("Carrier outage Oslo", Priority.P1, "Dana Lead", "Sam", (FIRST[1],))
    number = desk.declare(made, ME)[0].id  # cw only: no rt child yet
    before = {q.seq for q in store.outbox()}
    desk.join(number, [LATE], ME)
    assert [q.action.kind for q in store.outbox() if q.seq not in before] == [ActionKind.NOTE]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([FIRST[0]], r"^already in MI-1: nothing to add$"),
        ([replace(LATE, status=Status.CLOSED)], r"^rt:3 is closed: leave it out$"),
    ],
)
def test_what_cannot_join_says_why_and_stores_nothing(
    desk: MajorIncidentDesk, store: Store, rows: list[BoardRow], message: str
) -> None:
    number = declared(desk)
    outbox = len(store.outbox())
    with pytest.raises(CannotJoin, match=message):
        desk.join(number, rows, ME)
    assert len(store.outbox()) == outbox
    assert len(store.major_incident(number).children) == 2  # type: ignore[union-attr]


def test_a_ticket_of_another_major_incident_or_a_resolved_one_cannot_join(
    desk: MajorIncidentDesk, store: Store, clock: ManualClock
) -> None:
    first = declared(desk)
    other = desk.declare(Declaration("Printers", Priority.P2, "Dana", "Sam", (PRINTER,)), ME)[0]
    with pytest.raises(CannotJoin, match=r"^rt:9 is already in MI-2: one major incident"):
        desk.join(first, [PRINTER], ME)
    resolved = MajorIncidentEvent(EventKind.RESOLVED, clock.now(), "Dana")
    store.record_major_incident_event(other.id, resolved)
    with pytest.raises(CannotJoin, match=r"^MI-2 is resolved: declare a new major incident"):
        desk.join(other.id, [LATE], ME)
    with pytest.raises(CannotJoin, match=r"^there is no major incident MI-7$"):
        desk.join(7, [LATE], ME)


def test_a_ticket_added_by_another_desk_meanwhile_gets_nothing_twice(
    desk: MajorIncidentDesk, store: Store, clock: ManualClock
) -> None:
    number = declared(desk)
    stale = store.major_incident(number)
    assert stale is not None
    desk.join(number, [LATE], ME)  # another desk, a moment earlier
    outbox = len(store.outbox())
    plan = joining(stale, [LATE], {}, ME, clock.now())  # this desk still saw two children
    asked: list[list[MajorIncidentChild]] = []

    def actions(_record: MajorIncident, added: list[MajorIncidentChild]) -> list[Action]:
        asked.append(added)
        return []

    record, _ = store.join_major_incident(number, plan.children, plan.event, actions,
                                          clock.now())  # fmt: skip
    assert asked == [[]]  # nothing was added, so no note or link is made
    assert len(record.children) == 3
    assert len(store.outbox()) == outbox
    events = store.major_incident_events(number)
    assert sum(e.kind is EventKind.CHILD_ADDED for e in events) == 1


def test_a_resolved_record_refuses_in_the_same_transaction(
    desk: MajorIncidentDesk, store: Store, clock: ManualClock
) -> None:
    number = declared(desk)
    stale = store.major_incident(number)
    assert stale is not None
    store.record_major_incident_event(number, MajorIncidentEvent(EventKind.RESOLVED,
                                                                 clock.now(), "Dana"))  # fmt: skip
    plan = joining(stale, [LATE], {}, ME, clock.now())  # read while it was open
    with pytest.raises(MajorIncidentError, match="was resolved meanwhile: nothing added"):
        store.join_major_incident(number, plan.children, plan.event, lambda _r, _a: [],
                                  clock.now())  # fmt: skip
    assert len(store.major_incident(number).children) == 2  # type: ignore[union-attr]


def test_the_suggested_record_is_the_one_holding_the_rows_group(
    desk: MajorIncidentDesk, store: Store
) -> None:
    oslo = declared(desk)
    printers = desk.declare(Declaration("Printers", Priority.P2, "Dana", "Sam", (PRINTER,)), ME)
    records = store.major_incidents()
    assert records[0].id == printers[0].id  # the newest first
    shown = groups_of([*FIRST, LATE, PRINTER])  # what the board shows
    assert suggested(records, [LATE], shown) == oslo  # LATE's group
    assert suggested(records, [LATE], groups_of([LATE])) == printers[0].id  # none: the newest
    assert suggested([], [LATE], shown) is None


def test_a_ticket_of_an_open_major_incident_is_not_declared_again(
    desk: MajorIncidentDesk, store: Store
) -> None:
    """Two desks see the same group: the second declaration would tell every PSA ticket
    twice and split the client updates. It is refused whole, pointing at Ctrl+M."""
    number = declared(desk)
    outbox = len(store.outbox())
    again = Declaration("Oslo outage", Priority.P1, "Ann", "Sam", (LATE, *FIRST))  # LATE: new
    with pytest.raises(MajorIncidentError, match=rf"^rt:1 \(and 1 more\) is already in "
                       rf"MI-{number}: leave it out, or add the other incidents to "
                       rf"MI-{number} with Ctrl\+M$"):  # fmt: skip
        desk.declare(again, ME)
    assert len(store.outbox()) == outbox
    assert [r.id for r in store.major_incidents()] == [number]
    store.record_major_incident_event(number, MajorIncidentEvent(EventKind.RESOLVED,
                                                                 T0, "Dana"))  # fmt: skip
    assert desk.declare(again, ME)[0].id != number  # once it is resolved, a new one may be
