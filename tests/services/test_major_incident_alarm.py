"""An overdue client update of a major incident alarms in the existing alarm system:
it repeats until acknowledged (on every desk), snoozes, ends when the update is sent,
and the next update due rings again."""

from __future__ import annotations

from datetime import timedelta

from noc_console.models.cache.store import Store
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import (
    DEFAULT_CADENCE,
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
    UpdateClock,
    update_clocks,
)
from noc_console.services.alarms import AlarmKind, Alarms
from tests.conftest import T0

MIN = timedelta(minutes=1)


def declared(store: Store, severity: Priority = Priority.P1) -> MajorIncident:
    record = MajorIncident(
        "Carrier outage Oslo", severity, "Dana", "Sam", T0, "Dana", ("acme",),
        (MajorIncidentChild(IncidentKey("rt", "1"), "acme"),),
    )  # fmt: skip
    return store.declare_major_incident(record, [], T0)[0]


def clocks(store: Store, minutes: float) -> list[UpdateClock]:
    return update_clocks(store.major_incidents(), DEFAULT_CADENCE, T0 + minutes * MIN)


def test_an_overdue_update_alarms_once_repeats_and_stops_when_the_update_is_sent(
    store: Store,
) -> None:
    mi = declared(store)
    alarms = Alarms(ledger=store, me="Ann")
    assert alarms.scan([], T0 + 14 * MIN, clocks(store, 14)) == []  # due at 15 min
    (alarm,) = alarms.scan([], T0 + 15 * MIN, clocks(store, 15))  # owed: rings at once
    assert alarm.kind is AlarmKind.UPDATE_DUE
    assert alarm.text == f"P1 client update DUE: {mi.reference} — Carrier outage Oslo"
    assert alarms.scan([], T0 + 16 * MIN, clocks(store, 16)) == []  # once
    assert alarms.sound_due(T0 + 16 * MIN)
    assert alarms.sound_due(T0 + 17 * MIN)  # repeats every 30 s until acknowledged
    sent = MajorIncidentEvent(EventKind.UPDATE_SENT, T0 + 18 * MIN, "Sam")
    store.record_major_incident_event(mi.id, sent)
    assert alarms.scan([], T0 + 18 * MIN, clocks(store, 18)) == []
    assert alarms.active() == []  # the update went out: quiet
    (again,) = alarms.scan([], T0 + 48 * MIN, clocks(store, 48))  # 30 min later (P1)
    assert again.key != alarm.key


def test_acknowledged_on_one_desk_it_goes_quiet_on_the_other_and_snooze_holds(
    store: Store,
) -> None:
    declared(store)
    ann, bob = Alarms(ledger=store, me="Ann"), Alarms(ledger=store, me="Bob")
    for desk in (ann, bob):
        assert len(desk.scan([], T0 + 15 * MIN, clocks(store, 15))) == 1
    ann.record(ann.snooze(T0 + 15 * MIN, 10))
    bob.scan([], T0 + 16 * MIN, clocks(store, 16))
    assert not bob.sound_due(T0 + 16 * MIN)  # snoozed on every desk
    assert len(bob.active()) == 1  # still listed
    ann.record(ann.acknowledge(T0 + 17 * MIN))
    bob.scan([], T0 + 17 * MIN, clocks(store, 17))
    assert bob.active() == []


def test_a_p2_major_incident_notifies_without_sound(store: Store) -> None:
    declared(store, Priority.P2)
    alarms = Alarms()
    (alarm,) = alarms.scan([], T0 + 15 * MIN, clocks(store, 15))
    assert alarm.priority is Priority.P2
    assert not alarms.sound_due(T0 + 15 * MIN)
