"""Client updates of a major incident: templates per phase and client, one client-visible
note per child per update at the fake PSA, the timeline says who sent what."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

import pytest

from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.errors import ConfigError
from noc_console.models.comms_template import Phase, TemplateSet, template_problem
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import (
    DEFAULT_CADENCE,
    EventKind,
    MajorIncident,
    MajorIncidentChild,
)
from noc_console.services.major_incident.updates import CannotSend, compose_update, send_update
from noc_console.services.config import parse_config
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.fake_psa import FakePsa, running

MIN = timedelta(minutes=1)
CLIENTS = ("acme", "globex", "initech", "umbrella")


@pytest.fixture
def psa() -> Iterator[FakePsa]:
    fake = FakePsa()
    fake.clients = [{"id": c, "name": c.capitalize() + " Ltd", "contract": "Gold"}
                    for c in CLIENTS]  # fmt: skip
    for number in range(1, 8):  # acme has two tickets, the others one or two
        fake.add(number, client=CLIENTS[number % 4], title="Internet down at Oslo office",
                 priority="P1", impact=1)  # fmt: skip
    with running(fake) as server:
        yield server


@pytest.fixture
def connector(psa: FakePsa) -> RestJsonConnector:
    return RestJsonConnector("psa", HttpSettings(psa.url, 1.0, 1.0, retries=0), "Fake PSA")


@pytest.fixture
def outbox(store: Store, clock: ManualClock, connector: RestJsonConnector) -> OutboxService:
    SyncService(connector, store, clock).sync_once()
    return OutboxService(store, clock, random.Random(1))


def declared(store: Store, clock: ManualClock) -> MajorIncident:
    rows = store.open_rows()
    children = tuple(MajorIncidentChild(r.key, r.client_id, r.title) for r in rows)
    record = MajorIncident(
        title="Carrier outage Oslo", severity=Priority.P1, commander="Dana", comms_lead="Sam",
        declared_at=clock.now(), declared_by="Dana", clients=CLIENTS, children=children,
        detected_at=min(r.created_at for r in rows),
    )  # fmt: skip
    stored, _ = store.declare_major_incident(record, [], clock.now())
    return stored


def names(store: Store) -> dict[str, str]:
    return {c: (found.name if (found := store.client(c)) else c) for c in CLIENTS}


def test_each_update_puts_exactly_one_client_visible_note_on_every_child(
    store: Store, clock: ManualClock, outbox: OutboxService, connector: RestJsonConnector,
    psa: FakePsa,
) -> None:  # fmt: skip
    record = declared(store, clock)
    templates = TemplateSet(clients={"globex": {Phase.INVESTIGATING: "Globex: {impact}"}})
    for phase in (Phase.INVESTIGATING, Phase.IDENTIFIED):
        clock.advance(10 * MIN)
        updates = compose_update(record, phase, "no internet at Oslo", templates,
                                 DEFAULT_CADENCE, names(store), clock.now())  # fmt: skip
        record, _ = send_update(store, record, phase, updates, "Sam", clock.now())
        outbox.deliver(connector)
    assert sorted(psa.notes) == sorted(f"INC-{n}" for n in range(1, 8))
    for incident_id, notes in psa.notes.items():
        assert len(notes) == 2, incident_id  # one per update
    assert psa.notes["INC-1"][0] == "Globex: no internet at Oslo"  # 1 % 4 → globex
    acme = psa.notes["INC-4"][0]
    assert acme.startswith("[MI-1] We are investigating: Carrier outage Oslo. Impact for Acme Ltd")
    assert "Next update by 2026-11-25 14:40 UTC" in acme  # sent 14:10, P1 every 30 min
    sent = [e for e in store.major_incident_events(record.id) if e.kind is EventKind.UPDATE_SENT]
    assert [(e.by, e.text, e.at) for e in sent] == [
        ("Sam", "Investigating", clock.now() - 10 * MIN), ("Sam", "Identified", clock.now())
    ]
    assert record.first_update_at == clock.now() - 10 * MIN
    assert record.last_update_at == clock.now()


def test_a_monitoring_update_records_the_mitigation_time(
    store: Store, clock: ManualClock, outbox: OutboxService
) -> None:
    record = declared(store, clock)
    clock.advance(5 * MIN)
    updates = compose_update(record, Phase.MONITORING, "", TemplateSet(), DEFAULT_CADENCE,
                             names(store), clock.now())  # fmt: skip
    record, _ = send_update(store, record, Phase.MONITORING, updates, "Sam", clock.now())
    assert record.mitigated_at == clock.now()
    assert "Impact for Acme Ltd: under assessment" in updates[0].text


def test_a_note_the_psa_refuses_fails_on_that_child_only(
    store: Store, clock: ManualClock, outbox: OutboxService, connector: RestJsonConnector,
    psa: FakePsa,
) -> None:  # fmt: skip
    record = declared(store, clock)
    psa.remove("INC-3")  # gone from the PSA: the note is refused (404)
    updates = compose_update(record, Phase.INVESTIGATING, "down", TemplateSet(),
                             DEFAULT_CADENCE, names(store), clock.now())  # fmt: skip
    send_update(store, record, Phase.INVESTIGATING, updates, "Sam", clock.now())
    outbox.deliver(connector)
    assert len(psa.notes) == 6
    (failed,) = [q for q in store.outbox() if q.last_error]
    assert failed.action.key == IncidentKey("psa", "INC-3")


def test_nothing_is_sent_for_an_empty_text_or_a_resolved_record(
    store: Store, clock: ManualClock, outbox: OutboxService
) -> None:
    record = declared(store, clock)
    updates = compose_update(record, Phase.INVESTIGATING, "down", TemplateSet(),
                             DEFAULT_CADENCE, names(store), clock.now())  # fmt: skip
    blank = [updates[0].__class__(u.client_id, u.client_name, " ", u.own_template, u.children)
             if u.client_id == "acme" else u for u in updates]  # fmt: skip
    with pytest.raises(CannotSend, match="the update for Acme Ltd has no text"):
        send_update(store, record, Phase.INVESTIGATING, blank, "Sam", clock.now())
    assert store.outbox() == []
    assert [e.kind for e in store.major_incident_events(record.id)] == [EventKind.DECLARED]


def test_a_template_names_only_known_variables() -> None:
    assert template_problem("Hi {client}, {{literal}}") is None
    assert template_problem("Hi {customer}") == (
        "uses {customer}, which is not a variable (use client, title, impact, start, "
        "next_update, reference, phase)"
    )
    assert template_problem("Hi {client") == "has an unmatched brace (write {{ or }} for a brace)"
    assert template_problem("  ") is not None


def test_templates_come_from_the_configuration_per_client() -> None:
    text = (
        '[communications.templates]\ninvestigating = "We look at {title}."\n'
        '[communications.clients.acme]\nresolved = "Done, {client}."\n'
    )
    templates = parse_config(text, "config.toml").communications.template_set()
    assert templates.text_for("globex", Phase.INVESTIGATING) == "We look at {title}."
    assert templates.text_for("acme", Phase.RESOLVED) == "Done, {client}."
    assert templates.text_for("globex", Phase.RESOLVED).startswith("[{reference}] Resolved")
    assert templates.has_own("acme", Phase.RESOLVED)
    assert not templates.has_own("acme", Phase.INVESTIGATING)


def test_a_template_with_an_unknown_variable_names_its_key() -> None:
    text = '[communications.clients.acme]\nresolved = "Done, {customer}."\n'
    with pytest.raises(ConfigError, match=r"config.toml: communications.clients.acme.resolved: "
                       r"uses \{customer\}, which is not a variable"):  # fmt: skip
        parse_config(text, "config.toml")
