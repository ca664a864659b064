"""`connectors test` against a real Request Tracker 5 (tests/peers/request_tracker.py):
the open tickets' statuses and priorities against the mapping, and the queues whose
tickets lack the tier custom field that escalation writes (issue 15, item 3)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.mapping.lines import as_toml
from noc_console.connectors.request_tracker.connector import DEFAULT_MAPPING
from noc_console.connectors.request_tracker.probe import probe_rt
from noc_console.models.incident import Status
from tests.connectors.test_request_tracker import connector
from tests.peers.request_tracker import RtServer

FIELD = "Escalation Tier"  # a tier field of this module's own, applied to one queue only


def apply_to_queue(rt: RtServer, field: str, queue: str) -> None:
    """Create a one-value ticket custom field applied to `queue` alone (REST2 cannot
    apply custom fields; RT's Perl API can)."""
    body = {"Name": field, "Type": "Freeform", "MaxValues": 1,
            "LookupType": "RT::Queue-RT::Ticket"}  # fmt: skip
    response = rt.api("POST", "/customfield", json=body)
    response.raise_for_status()
    script = (
        "use strict; use RT; RT::LoadConfig(); RT::Init();"
        "my $cf = RT::CustomField->new(RT->SystemUser); $cf->Load($ARGV[0]) or die 'no cf';"
        "my $q = RT::Queue->new(RT->SystemUser); $q->Load($ARGV[1]) or die 'no queue';"
        "my ($ok, $msg) = $cf->AddToObject($q); die $msg unless $ok;"
    )
    rt._perl(script, str(response.json()["id"]), queue)


@pytest.fixture(scope="module")
def queues(rt_server: RtServer) -> Iterator[tuple[str, str]]:
    """Two queues of this module: the first has the tier field, the second has not.
    Their tickets are resolved afterwards: the session's RT is shared, and other tests
    count what is open."""
    tiered, untiered = f"Tiered {uuid.uuid4().hex[:6]}", f"Untiered {uuid.uuid4().hex[:6]}"
    rt_server.create_queue(tiered, "Tiered Ltd")
    rt_server.create_queue(untiered, "Untiered plc")
    apply_to_queue(rt_server, FIELD, tiered)
    yield tiered, untiered
    for queue in (tiered, untiered):
        found = rt_server.api("GET", "/tickets", params={"query": f"Queue = '{queue}'",
                                                         "per_page": 100}).json()  # fmt: skip
        for ticket in found["items"]:
            rt_server.api("PUT", f"/ticket/{ticket['id']}", json={"Status": "resolved"})


def test_a_queue_without_the_tier_field_cannot_be_escalated_and_odd_values_are_named(
    rt_server: RtServer, queues: tuple[str, str]
) -> None:
    tiered, untiered = queues
    rt_server.create_ticket(tiered, "Core switch", CustomFields={FIELD: "Level 2"})
    rt_server.create_ticket(tiered, "Edge router", CustomFields={FIELD: "L2"})
    for _ in range(2):
        rt_server.create_ticket(untiered, "Printer offline")
    checks = {c.step: c for c in probe_rt(connector(rt_server, tier_field=FIELD))}
    escalation = checks["escalation"]
    assert escalation.ok is False
    assert f"{untiered!r} (2 open tickets)" in escalation.detail
    assert repr(tiered) not in escalation.detail
    assert f"Admin › Custom Fields › {FIELD} › Applies to" in escalation.detail
    assert checks["tier values"].ok is None
    assert "'Level 2' (1)" in checks["tier values"].detail
    assert checks["statuses"].ok is True


def test_an_open_ticket_status_the_mapping_lacks_is_named_with_a_placeholder(
    rt_server: RtServer, queues: tuple[str, str]
) -> None:
    tiered, _ = queues
    ticket = rt_server.create_ticket(tiered, "Being worked")
    rt_server.api("PUT", f"/ticket/{ticket}", json={"Status": "open"}).raise_for_status()
    no_open = FieldMapping(status={s: v for s, v in DEFAULT_MAPPING.status.items()
                                   if s != "open"}, priority=DEFAULT_MAPPING.priority)  # fmt: skip
    checks = {c.step: c for c in probe_rt(connector(rt_server, mapping=no_open))}
    assert checks["statuses"].ok is False
    assert "not mapped, so their tickets are skipped: 'open' (" in checks["statuses"].detail
    lines = as_toml(checks["statuses"].suggestions)
    assert lines[0] == "[connectors.mapping.status]"
    assert lines[1].startswith('# "open" = "?"')  # "open" could mean several: not guessed
    assert Status.IN_PROGRESS.value in lines[1]
