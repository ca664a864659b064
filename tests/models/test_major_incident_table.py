"""Stored major incidents (schema 0013): declared whole or not at all, the timeline sets
the record's times, and a shared database announces every change."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.database import upgrade
from noc_console.models.cache.major_incident_table import MajorIncidentError
from noc_console.models.cache.shared import ChangeFeed
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
    MajorIncidentState,
)
from tests.conftest import T0
from tests.factories import incident

MIN = timedelta(minutes=1)
K1, K2 = IncidentKey("test", "T-1"), IncidentKey("test", "T-2")


def record(*keys: IncidentKey) -> MajorIncident:
    children = tuple(MajorIncidentChild(k, "acme" if k == K1 else "globex", f"Down {k}")
                     for k in keys)  # fmt: skip
    return MajorIncident(
        title="Carrier outage Oslo", severity=Priority.P1, commander="Dana", comms_lead="Sam",
        declared_at=T0, declared_by="Dana", clients=("acme", "globex"), children=children,
        detected_at=T0 - 10 * MIN,
    )  # fmt: skip


def notes(*keys: IncidentKey) -> list[Action]:
    return [Action(k, ActionKind.NOTE, {"text": "Part of MI", "internal": True}, author="Dana")
            for k in keys]  # fmt: skip


def test_a_declaration_stores_record_children_event_and_notes_together(store: Store) -> None:
    store.upsert_incidents([incident(1), incident(2, client_id="globex")])
    stored, changes = store.declare_major_incident(record(K1, K2), notes(K1, K2), T0)
    assert stored.id > 0
    assert stored.reference == f"MI-{stored.id}"
    assert replace(stored, id=0, children=record(K1, K2).children) == record(K1, K2)
    assert [c.key for c in stored.children] == [K1, K2]
    assert all(c.added_at == T0 for c in stored.children)
    assert changes.upserted == {K1, K2}
    assert [(q.action.key, q.state) for q in store.outbox()] == [
        (K1, ActionState.PENDING), (K2, ActionState.PENDING)]  # fmt: skip
    (declared,) = store.major_incident_events(stored.id)
    assert (declared.kind, declared.by, declared.detail) == (
        EventKind.DECLARED, "Dana", {"children": ["test:T-1", "test:T-2"]})  # fmt: skip
    assert store.major_incidents() == [stored]
    assert store.major_incident(stored.id) == stored
    assert store.major_incidents_of([K1, K2, IncidentKey("test", "T-9")]) == {
        K1: stored.id, K2: stored.id}  # fmt: skip


def test_declaring_without_children_stores_nothing(store: Store) -> None:
    with pytest.raises(MajorIncidentError, match="needs at least one incident"):
        store.declare_major_incident(record(), notes(K1), T0)
    assert store.major_incidents(open_only=False) == []
    assert store.outbox() == []


def test_events_set_the_records_times_and_state(store: Store) -> None:
    stored, _ = store.declare_major_incident(record(K1), [], T0)
    number = stored.id

    def event(kind: EventKind, minutes: int) -> MajorIncident:
        return store.record_major_incident_event(
            number, MajorIncidentEvent(kind, T0 + minutes * MIN, "Sam", kind.value)
        )

    assert event(EventKind.UPDATE_SENT, 10).first_update_at == T0 + 10 * MIN
    after = event(EventKind.UPDATE_SENT, 40)
    assert (after.first_update_at, after.last_update_at) == (T0 + 10 * MIN, T0 + 40 * MIN)
    assert event(EventKind.MITIGATED, 50).mitigated_at == T0 + 50 * MIN
    resolved = event(EventKind.RESOLVED, 60)
    assert (resolved.state, resolved.resolved_at) == (MajorIncidentState.RESOLVED, T0 + 60 * MIN)
    assert store.major_incident(number) == resolved
    assert store.major_incidents() == []  # resolved: not open
    assert store.major_incidents(open_only=False) == [resolved]
    assert store.major_incidents_of([K1]) == {}
    reopened = event(EventKind.REOPENED, 70)
    assert (reopened.state, reopened.resolved_at) == (MajorIncidentState.OPEN, None)
    kinds = [e.kind for e in store.major_incident_events(number)]
    assert kinds == [EventKind.DECLARED, EventKind.UPDATE_SENT, EventKind.UPDATE_SENT,
                     EventKind.MITIGATED, EventKind.RESOLVED, EventKind.REOPENED]  # fmt: skip


def test_an_event_for_an_unknown_record_is_refused(store: Store) -> None:
    with pytest.raises(MajorIncidentError, match="no major incident MI-42"):
        store.record_major_incident_event(42, MajorIncidentEvent(EventKind.NOTE, T0, "Sam"))


def test_untrusted_text_is_cut_to_its_column(store: Store) -> None:
    long = replace(record(K1), title="x" * 5000, commander="é" * 900)
    stored, _ = store.declare_major_incident(long, [], T0)
    assert (len(stored.title), len(stored.commander)) == (300, 200)


def test_a_shared_database_announces_a_declaration(pg_url: str) -> None:
    upgrade(pg_url)
    store = Store.open(pg_url)
    feed = ChangeFeed(pg_url)
    try:
        assert feed.wait(0.0) == []
        stored, _ = store.declare_major_incident(record(K1, K2), [], T0)
        assert store.major_incident(stored.id) == stored
        announced: set[str] = set()
        for _ in range(20):
            announced |= {c.table for c in feed.wait(5.0)}
            if {"major_incidents", "major_incident_children"} <= announced:
                break
        assert {"major_incidents", "major_incident_children", "major_incident_events"} <= announced
    finally:
        feed.close()
        store.close()
