"""A major incident declared over Autotask tickets, through the outbox to the Autotask
fake (real HTTP): every child gets its note, an Incident child becomes an incident of
the lead Problem ticket, and a child Autotask cannot link is one clear failed action."""

from __future__ import annotations

import random

from noc_console.models.actions import ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Priority
from noc_console.models.major_incident import UpdateCadence
from noc_console.services.config import parse_config
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration
from noc_console.services.major_incident.desk import MajorIncidentDesk, linking_sources
from noc_console.services.outbox import OutboxService
from tests.connectors.test_autotask import connector, sync
from tests.fakes.fake_autotask import FakeAutotask
from tests.fakes.http_fake import running


def test_declaring_links_autotask_incidents_to_the_lead_problem_ticket(
    store: Store, clock: ManualClock
) -> None:
    with running(FakeAutotask()) as at:
        made = [at.add_ticket(title, ticketType=kind, priority=4, companyID=company)["id"]
                for title, kind, company in (("Carrier outage at Oslo", 3, 174),
                                             ("No internet at Oslo office", 2, 175),
                                             ("Ping loss to Oslo POP", 5, 176))]  # fmt: skip
        lead, child, alert = made
        assert sync(at, store, clock).ok
        rows = {int(r.key.external_id): r for r in store.open_rows()}
        sources = linking_sources(parse_config(at.config_toml(), "noc.toml").connectors)
        desk = MajorIncidentDesk(store, UpdateCadence({}), clock, sources)
        children = tuple(rows[t] for t in made)  # the lead first
        desk.declare(Declaration("Carrier outage Oslo", Priority.P1, "Dana", "Sam", children),
                     Identity("Dana"))  # fmt: skip
        report = OutboxService(store, clock, random.Random(1)).deliver(connector(at))
        assert at.incidents_of(lead) == [child]
        assert sorted(n["ticketID"] for n in at.notes.values()) == made  # one note each
        assert (report.delivered, report.failed) == (4, 1)
        (failed,) = [q for q in store.outbox() if q.state is ActionState.FAILED]
        assert (failed.action.key.external_id, failed.action.kind) == (str(alert), ActionKind.LINK)
        assert f"ticket {alert} not linked to {lead}: it is an Alert ticket" in (
            failed.last_error or ""
        )
        assert at.tickets[alert]["ticketType"] == 5  # never retyped
