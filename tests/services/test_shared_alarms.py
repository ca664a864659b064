"""Alarm acknowledgements and snoozes shared through the store (issue 17, item 3):
acknowledged on one desk, quiet on every desk — two `Store`s on one SQLite file, and on
one PostgreSQL database — and on one desk, still acknowledged after a restart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine

from noc_console.models.board_row import BoardRow
from noc_console.models.cache import alarm_ack_table
from noc_console.models.cache.alarm_ack_table import AckKind
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.shared import ChangeFeed
from noc_console.models.cache.store import Store
from noc_console.models.incident import Client, IncidentKey, Priority
from noc_console.services.alarms import Alarms
from tests.conftest import T0
from tests.factories import incident

S = timedelta(seconds=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def two_desks(request: pytest.FixtureRequest, db_url: str) -> Iterator[tuple[Store, Store]]:
    """Two consoles' stores on one database (each its own engine and connections)."""
    url = db_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    if request.param == "postgresql":
        upgrade(url)  # a shared database is migrated by `db upgrade`, not by a console
    a, b = Store.open(url), Store.open(url)
    yield a, b
    a.close()
    b.close()


def board(store: Store, *numbers: int) -> list[BoardRow]:
    store.upsert_clients([Client("acme", "Acme", "Gold")])
    store.upsert_incidents([incident(n, priority=Priority.P1) for n in numbers])
    return store.open_rows()


def desks(store_a: Store, store_b: Store) -> tuple[Alarms, Alarms]:
    """Ann's desk and Bo's, both running (the backlog learnt) before any P1 comes in."""
    desk_a, desk_b = Alarms(ledger=store_a, me="Ann"), Alarms(ledger=store_b, me="Bo")
    for desk in (desk_a, desk_b):
        desk.scan([], T0)
    return desk_a, desk_b


def test_acknowledged_on_one_desk_is_quiet_on_the_other(two_desks: tuple[Store, Store]) -> None:
    store_a, store_b = two_desks
    desk_a, desk_b = desks(store_a, store_b)
    rows = board(store_a, 1, 2)
    assert len(desk_a.scan(rows, T0 + S)) == len(desk_b.scan(store_b.open_rows(), T0 + S)) == 2
    assert desk_b.sound_due(T0 + S)

    acks = desk_a.acknowledge(T0 + 2 * S, IncidentKey("test", "T-1"))
    desk_a.record(acks)
    (stored,) = store_b.alarm_acknowledgements()
    assert (stored.key, stored.reason, stored.priority, stored.kind, stored.by, stored.at) == (
        IncidentKey("test", "T-1"),
        "new",
        Priority.P1,
        AckKind.ACK,
        "Ann",
        T0 + 2 * S,
    )

    assert desk_b.scan(store_b.open_rows(), T0 + 3 * S) == []  # its next evaluation
    assert [a.key.external_id for a in desk_b.active()] == ["T-2"]
    ack = desk_b.acknowledged_by(IncidentKey("test", "T-1"))
    assert ack is not None
    assert ack.by == "Ann"

    desk_b.record(desk_b.acknowledge(T0 + 4 * S))  # Shift+A on desk B: the rest
    desk_a.scan(store_a.open_rows(), T0 + 5 * S)
    assert desk_a.active() == desk_b.active() == []
    assert not desk_a.sound_due(T0 + 5 * S)


def test_an_alarm_acknowledged_before_a_desk_raised_it_never_rings_there(
    two_desks: tuple[Store, Store],
) -> None:
    store_a, store_b = two_desks
    desk_a, desk_b = desks(store_a, store_b)
    rows = board(store_a, 1)
    desk_a.scan(rows, T0 + S)
    desk_a.record(desk_a.acknowledge(T0 + 2 * S))
    assert desk_b.scan(store_b.open_rows(), T0 + 3 * S) == []  # B scans only now
    assert not desk_b.sound_due(T0 + 3 * S)


def test_a_snooze_on_one_desk_quiets_every_desk_until_it_ends(
    two_desks: tuple[Store, Store],
) -> None:
    store_a, store_b = two_desks
    desk_a, desk_b = desks(store_a, store_b)
    rows = board(store_a, 1)
    desk_a.scan(rows, T0 + S)
    desk_b.scan(rows, T0 + S)
    (snooze,) = desk_a.snooze(T0 + 2 * S, minutes=10)
    desk_a.record([snooze])
    assert (snooze.kind, snooze.snoozed_until) == (AckKind.SNOOZE, T0 + 2 * S + 10 * 60 * S)
    desk_b.scan(store_b.open_rows(), T0 + 3 * S)
    assert not desk_b.sound_due(T0 + 9 * 60 * S)
    assert len(desk_b.active()) == 1  # listed still: snoozed, not acknowledged
    assert desk_b.sound_due(T0 + 2 * S + 10 * 60 * S)


def test_one_desk_keeps_its_acknowledgements_across_a_restart(db_url: str) -> None:
    store = Store.open(db_url)
    desk = Alarms(ledger=store, me="Ann")
    desk.scan([], T0)
    desk.scan(board(store, 1), T0 + S)
    desk.record(desk.acknowledge(T0 + 2 * S))
    store.close()

    store = Store.open(db_url)  # the console restarts
    try:
        again = Alarms(ledger=store, me="Ann")
        again.scan(store.open_rows(), T0 + 3 * S)
        ack = again.acknowledged_by(IncidentKey("test", "T-1"))
        assert ack is not None
        assert (ack.by, ack.at) == ("Ann", T0 + 2 * S)
    finally:
        store.close()


def test_a_row_committed_after_one_with_a_higher_id_is_still_read(pg_url: str) -> None:
    """On PostgreSQL an id is taken at insert, not at commit: desk A's transaction holds
    id 1 while desk C's row (id 2) commits and desk B reads it. When A commits, B's next
    scan still reads id 1."""
    upgrade(pg_url)
    store = Store.open(pg_url)
    engine = create_engine(pg_url)
    try:
        desk_a, desk_b = desks(store, store)
        rows = board(store, 1, 2)
        desk_a.scan(rows, T0 + S)
        desk_b.scan(rows, T0 + S)
        first, second = desk_a.acknowledge(T0 + 2 * S)
        with engine.connect() as slow, slow.begin():
            alarm_ack_table.append(slow, [first])  # takes id 1, not committed yet
            store.record_alarm_acknowledgements([second])  # id 2, committed
            desk_b.scan(rows, T0 + 3 * S)
            assert len(desk_b.active()) == 1
        assert [a.id for a in store.alarm_acknowledgements()] == [1, 2]
        desk_b.scan(rows, T0 + 4 * S)
        assert desk_b.active() == []
    finally:
        engine.dispose()
        store.close()


def test_an_acknowledgement_is_announced_to_listening_desks(pg_url: str) -> None:
    upgrade(pg_url)
    store = Store.open(pg_url)
    feed = ChangeFeed(pg_url)
    try:
        assert feed.wait(0.0) == []
        desk = Alarms(ledger=store, me="Ann")
        desk.scan([], T0)
        desk.scan(board(store, 1), T0 + S)
        feed.wait(0.5)  # the incidents' own announcements
        desk.record(desk.acknowledge(T0 + 2 * S))
        announced = set()
        for _ in range(20):
            announced |= {(c.table, c.source) for c in feed.wait(5.0)}
            if ("alarm_acknowledgements", "test") in announced:
                break
        assert ("alarm_acknowledgements", "test") in announced
    finally:
        feed.close()
        store.close()
