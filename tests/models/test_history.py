"""The store's incident history and time-window reads, which the handover relies on."""

from __future__ import annotations

from datetime import timedelta

from noc_console.models.actions import Action, ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from tests.conftest import T0
from tests.factories import incident

MIN = timedelta(minutes=1)
KEY = IncidentKey("test", "T-1")


def test_a_source_change_is_recorded_at_the_sources_change_time(store: Store) -> None:
    store.upsert_incidents([incident(1)])
    assert store.history(T0 - timedelta(days=1), T0 + timedelta(days=1)) == []  # first sight
    changed = incident(
        1, status=Status.RESOLVED, tier=Tier.L2, resolved_at=T0, updated_at=T0, version="2"
    )
    store.upsert_incidents([changed])
    events = store.history(T0 - MIN, T0 + MIN)
    assert {(e.key, e.at, e.field, e.old, e.new) for e in events} == {
        (KEY, T0, "status", "new", "resolved"),
        (KEY, T0, "tier", "L1", "L2"),
    }


def test_the_same_version_again_records_nothing(store: Store) -> None:
    store.upsert_incidents([incident(1, updated_at=T0, version="2")])
    store.upsert_incidents([incident(1, updated_at=T0, version="2", status=Status.RESOLVED)])
    assert store.history(T0 - timedelta(days=1), T0 + timedelta(days=1)) == []


def test_a_triage_action_is_recorded_when_it_was_taken_and_only_once(store: Store) -> None:
    store.upsert_incidents([incident(1)])
    taken = T0 + 5 * MIN
    escalate = Action(KEY, ActionKind.TIER, {"tier": "L2"}, created_at=taken)
    seq, _ = store.enqueue(escalate, taken)
    store.mark_delivered(seq, "2", taken + MIN)
    # the source then reports the escalation itself: the board shows nothing new
    store.upsert_incidents([incident(1, tier=Tier.L2, updated_at=taken + MIN, version="2")])
    events = store.history(T0, T0 + timedelta(hours=1))
    assert [(e.at, e.field, e.old, e.new) for e in events] == [(taken, "tier", "L1", "L2")]


def test_the_window_is_half_open(store: Store) -> None:
    store.upsert_incidents([incident(1)])
    store.upsert_incidents([incident(1, priority=Priority.P1, updated_at=T0, version="2")])
    assert len(store.history(T0, T0 + MIN)) == 1
    assert store.history(T0 - MIN, T0) == []


def test_rows_between_finds_incidents_by_any_named_time(store: Store) -> None:
    store.upsert_incidents(
        [
            incident(1, created_at=T0 - timedelta(hours=9)),  # before the window
            incident(2, created_at=T0 - timedelta(hours=2)),  # in it
            incident(3, created_at=T0),  # at its end: outside
        ]
    )
    start, end = T0 - timedelta(hours=8), T0
    created = store.rows_between(start, end, ["created_at"])
    assert [r.key.external_id for r in created] == ["T-2"]
    # a P2 on the default (Standard) contract is due for response within the window
    due = store.rows_between(start, end, ["response_due"])
    assert {r.key.external_id for r in due} == {
        r.key.external_id
        for r in store.rows([IncidentKey("test", f"T-{n}") for n in (1, 2, 3)])
        if r.response is not None and start <= r.response.due_at < end
    }
