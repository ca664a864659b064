"""Client updates of a major incident: templates per phase and client, one client-visible
note per child per update at the fake PSA, the timeline says who sent what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.comms_template import Phase, TemplateSet, render, template_problem
from noc_console.models.errors import ConfigError
from noc_console.models.incident import IncidentKey
from noc_console.models.major_incident import (
    DEFAULT_CADENCE,
    EventKind,
    MajorIncident,
)
from noc_console.services.config import parse_config
from noc_console.services.major_incident.updates import CannotSend, compose_update, send_update
from noc_console.services.outbox import OutboxService
from tests.fakes.fake_psa import FakePsa
from tests.services.major_incident.conftest import SAM, client_names

MIN = timedelta(minutes=1)


def test_each_update_puts_exactly_one_client_visible_note_on_every_child(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident,
    connector: RestJsonConnector, psa: FakePsa,
) -> None:  # fmt: skip
    templates = TemplateSet(clients={"globex": {Phase.INVESTIGATING: "Globex: {impact}"}})
    for phase in (Phase.INVESTIGATING, Phase.IDENTIFIED):
        clock.advance(10 * MIN)
        updates = compose_update(record, phase, "no internet at Oslo", templates,
                                 DEFAULT_CADENCE, client_names(store), clock.now())  # fmt: skip
        record, _ = send_update(store, record, phase, updates, SAM, clock.now())
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
        ("Sam", "Investigating", clock.now() - 10 * MIN),
        ("Sam", "Identified", clock.now()),
    ]
    assert record.first_update_at == clock.now() - 10 * MIN
    assert record.last_update_at == clock.now()


def test_a_monitoring_update_records_the_mitigation_time(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident
) -> None:
    clock.advance(5 * MIN)
    updates = compose_update(record, Phase.MONITORING, "", TemplateSet(), DEFAULT_CADENCE,
                             client_names(store), clock.now())  # fmt: skip
    record, _ = send_update(store, record, Phase.MONITORING, updates, SAM, clock.now())
    assert record.mitigated_at == clock.now()
    assert "Impact for Acme Ltd: under assessment" in updates[0].text


def test_a_note_the_psa_refuses_fails_on_that_child_only(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident,
    connector: RestJsonConnector, psa: FakePsa,
) -> None:  # fmt: skip
    psa.remove("INC-3")  # gone from the PSA: the note is refused (404)
    updates = compose_update(record, Phase.INVESTIGATING, "down", TemplateSet(),
                             DEFAULT_CADENCE, client_names(store), clock.now())  # fmt: skip
    send_update(store, record, Phase.INVESTIGATING, updates, SAM, clock.now())
    outbox.deliver(connector)
    assert len(psa.notes) == 6
    (failed,) = [q for q in store.outbox() if q.last_error]
    assert failed.action.key == IncidentKey("psa", "INC-3")


def test_nothing_is_sent_for_an_empty_text_or_a_resolved_record(
    store: Store, clock: ManualClock, outbox: OutboxService, record: MajorIncident
) -> None:
    updates = compose_update(record, Phase.INVESTIGATING, "down", TemplateSet(),
                             DEFAULT_CADENCE, client_names(store), clock.now())  # fmt: skip
    blank = [updates[0].__class__(u.client_id, u.client_name, " ", u.own_template, u.children)
             if u.client_id == "acme" else u for u in updates]  # fmt: skip
    with pytest.raises(CannotSend, match="the update for Acme Ltd has no text"):
        send_update(store, record, Phase.INVESTIGATING, blank, SAM, clock.now())
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


def test_psa_text_in_a_variable_is_never_read_as_a_template() -> None:
    text = render("{client}: {title}", {"client": "{title} {{x}} {0.__class__}", "title": "T"})
    assert text == "{title} {{x}} {0.__class__}: T"
