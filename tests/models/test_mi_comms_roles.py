"""Team mode: a console (role noc_console, docs/team.md) sends a major incident's client
update, closes it out and saves its review on the shared PostgreSQL."""

from __future__ import annotations

from noc_console.models.actions import ActionKind
from noc_console.models.cache.store import Store
from noc_console.models.comms_template import Phase, TemplateSet
from noc_console.models.incident import Client, IncidentKey, Priority
from noc_console.models.major_incident import DEFAULT_CADENCE, MajorIncident, MajorIncidentChild
from noc_console.models.pir import Review
from noc_console.services.identity import Identity
from noc_console.services.major_incident.close_out import close_out
from noc_console.services.major_incident.pir import build_review, save_review
from noc_console.services.major_incident.updates import compose_update, send_update
from tests.conftest import T0
from tests.models.test_roles import as_role, service, service_url  # noqa: F401  (fixtures)

SAM = Identity("Sam")


def test_a_console_sends_updates_closes_out_and_reviews(service: Store, service_url: str) -> None:  # noqa: F811
    service.upsert_clients([Client("acme", "Acme Corp", "Gold")])
    keys = (IncidentKey("test", "T-1"), IncidentKey("test", "T-2"))
    console = Store.open(as_role(service_url, "noc_console"), overlays=False)
    try:
        record, _ = console.declare_major_incident(
            MajorIncident("Carrier outage", Priority.P1, "Dana", "Sam", T0, "Dana", ("acme",),
                          tuple(MajorIncidentChild(k, "acme", "Down") for k in keys)),
            [], T0,
        )  # fmt: skip
        updates = compose_update(record, Phase.INVESTIGATING, "down", TemplateSet(),
                                 DEFAULT_CADENCE, {"acme": "Acme Corp"}, T0)  # fmt: skip
        record, changes = send_update(console, record, Phase.INVESTIGATING, updates, SAM, T0)
        assert not changes  # a console lays nothing over the incidents: the service does
        assert record.first_update_at == T0
        closed, _ = close_out(console, record, "Fixed upstream", True, SAM, T0)
        assert not closed.is_open
        save_review(console, record.id, Review("Line card"), SAM, T0)
        assert build_review(console, record.id, T0).review.root_cause == "Line card"
        kinds = sorted(q.action.kind.value for q in console.outbox())
        assert kinds == [ActionKind.NOTE.value] * 2 + [ActionKind.RESOLVE.value] * 2
    finally:
        console.close()
