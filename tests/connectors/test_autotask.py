"""The Autotask connector against the Autotask fake (tests/fakes/fake_autotask.py) over
real HTTP: sync and paging, incremental sync, limits, write-back and bad input."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from noc_console.connectors.autotask.connector import DEFAULT_MAPPING, AtOptions, AutotaskConnector
from noc_console.connectors.autotask.probe import probe_autotask
from noc_console.connectors.autotask.records import at_date
from noc_console.connectors.autotask.session import AutotaskSession, at_client
from noc_console.connectors.errors import ActionRejected, AuthFailed, Conflict, RateLimited
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.mapping.lines import as_toml
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.at_query import at_time
from tests.fakes.fake_autotask import DENIED, FakeAutotask
from tests.fakes.http_fake import running

FAST = 1_000_000.0  # requests per minute: tests do not wait for the hourly budget


@pytest.fixture
def at() -> Iterator[FakeAutotask]:
    with running(FakeAutotask()) as fake:
        yield fake


def connector(at: FakeAutotask, *, secret: str = "", rpm: float = FAST,
              integration_code: str = "", **options: Any) -> AutotaskConnector:  # fmt: skip
    settings = HttpSettings(f"{at.url}/atservicesrest/v1.0", retries=2, backoff=0.0,
                            requests_per_minute=rpm, allow_insecure_http=True)  # fmt: skip
    http = at_client("autotask", settings, at.username, integration_code or at.integration_code,
                     secret or at.secret)  # fmt: skip
    return AutotaskConnector("autotask", AutotaskSession(http, at.username), AtOptions(**options))


def sync(at: FakeAutotask, store: Store, clock: ManualClock, **options: Any) -> Any:
    clock.set(clock.now() + timedelta(minutes=1))
    return SyncService(connector(at, **options), store, clock).sync_once(reconcile=True)


def row(store: Store, ticket: int) -> Any:
    found = store.details(IncidentKey("autotask", str(ticket)))
    assert found is not None, f"ticket {ticket} not in the cache"
    return found[0]


def open_ids(store: Store) -> set[int]:
    return {int(r.key.external_id) for r in store.open_rows()}


def test_a_full_sync_pages_through_every_open_ticket_once(
    at: FakeAutotask, store: Store, clock: ManualClock
) -> None:
    at.seed(23)
    source = connector(at, page_size=5)
    seen: list[str] = []
    for page in source.fetch_changed(None):
        seen.extend(i.external_id for i in page.incidents)
        assert not page.skipped
    expected = sorted(t for t, v in at.tickets.items() if v["status"] != 5)
    assert sorted(map(int, seen)) == expected  # every open ticket, exactly once
    assert at.count("POST", "/zone5/ATServicesRest/v1.0/Tickets/query") == 1
    assert (
        at.count("GET", "/zone5/ATServicesRest/V1.0/Tickets/query/next") == (len(expected) - 1) // 5
    )
    result = SyncService(connector(at), store, clock).sync_once(reconcile=True)
    assert result.ok, result.error
    assert open_ids(store) == set(expected)


def test_fields_map_through_the_tenants_picklists_and_due_dates_come_from_autotask(
    at: FakeAutotask, store: Store, clock: ManualClock
) -> None:
    ticket = at.add_ticket("VPN down at HQ", status=8, priority=4, queueID=29683481,
                           companyID=175, assignedResourceID=29682901)  # fmt: skip
    assert sync(at, store, clock).ok
    got = row(store, ticket["id"])
    assert (got["client_id"], got["status"], got["priority"]) == (
        "Globex Corporation",
        "in_progress",
        "P1",
    )
    assert (got["tier"], got["assignee"], got["source_status"]) == ("L1", "bjones", "In Progress")
    assert got["category"] == "Level I"
    assert got["response_due"] == at_date(ticket["firstResponseDueDateTime"])
    assert got["resolution_due"] is not None
    assert got["response_due_origin"] == "source"
    names = {c.name for c in connector(at).clients()}
    assert {"Acme Corp", "Vandelay Industries"} <= names


def test_incremental_sync_catches_edits_and_notes_and_nothing_else(
    at: FakeAutotask, store: Store, clock: ManualClock
) -> None:
    at.seed(12)
    assert sync(at, store, clock).ok
    edited, noted = sorted(t for t, v in at.tickets.items() if v["status"] != 5)[:2]
    at.advance(600)
    at.update_ticket(edited, priority=4)
    at.notes[1] = {"id": 1, "ticketID": noted}
    at.tickets[noted]["lastActivityDate"] = at_time(at.now)  # a customer note: activity only
    source = connector(at)
    since = at.now - timedelta(minutes=1)
    changed = {i.external_id for p in source.fetch_changed(since) for i in p.incidents}
    assert changed == {str(edited), str(noted)}
    sent = [b for m, _, b in at.writes]  # nothing written while reading
    assert not sent
    assert sync(at, store, clock).ok
    assert row(store, edited)["priority"] == "P1"


def test_write_back_of_every_action_kind(
    at: FakeAutotask, store: Store, clock: ManualClock
) -> None:
    ticket = at.add_ticket("Core switch flapping", status=1, priority=2, queueID=29683354)["id"]
    at.picklists["queueID"][29683500] = "Level II"  # this tenant has a second-line queue
    assert sync(at, store, clock).ok
    outbox = OutboxService(store, clock, random.Random(1))
    key = IncidentKey("autotask", str(ticket))
    steps = [
        Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}),
        Action(key, ActionKind.ASSIGN, {"assignee": "cnguyen"}, expected={"assignee": None}),
        Action(key, ActionKind.NOTE, {"text": "Looking at the uplinks", "internal": True}),
        Action(key, ActionKind.NOTE, {"text": "We are on it", "internal": False}),
        Action(key, ActionKind.PRIORITY, {"impact": 1, "urgency": 1, "priority": "P1"},
               expected={"priority": "P3"}),
        Action(key, ActionKind.TIER, {"tier": "L2"}, expected={"tier": "L1"}),
        Action(key, ActionKind.STATUS, {"status": "waiting_customer"}),
        Action(key, ActionKind.RESOLVE, {"text": "Replaced the SFP; link stable"}),
    ]  # fmt: skip
    for action in steps:
        outbox.submit(action)
    report = outbox.deliver(connector(at))
    assert report.delivered == len(steps), [q.last_error for q in store.outbox() if q.last_error]
    after = at.tickets[ticket]
    assert (after["status"], after["priority"], after["queueID"]) == (5, 4, 29683500)
    assert (after["assignedResourceID"], after["assignedResourceRoleID"]) == (29682902, 29682885)
    assert after["resolution"] == "Replaced the SFP; link stable"
    patches = [(path, body) for method, path, body in at.writes if method == "PATCH"]
    assert all(path.endswith("/Tickets") and body["id"] == ticket for path, body in patches)
    assert patches[0][1] == {"id": ticket, "status": 8}  # acknowledged = In Progress
    notes = sorted(at.notes.values(), key=lambda n: n["id"])
    assert [(n["publish"], n["noteType"]) for n in notes] == [(2, 13), (1, 1)]
    assert notes[0]["description"].startswith("Looking at the uplinks")
    assert "NOC Console ref" in notes[1]["description"]
    assert sync(at, store, clock).ok
    final = row(store, ticket)
    assert (final["status"], final["tier"], final["priority"]) == ("resolved", "L2", "P1")


def test_a_field_changed_in_autotask_meanwhile_is_a_conflict(
    at: FakeAutotask, store: Store, clock: ManualClock
) -> None:
    ticket = at.add_ticket("Backup job failed", status=1)["id"]
    assert sync(at, store, clock).ok
    at.update_ticket(ticket, status=5)  # someone completed it in Autotask
    outbox = OutboxService(store, clock, random.Random(1))
    key = IncidentKey("autotask", str(ticket))
    outbox.submit(Action(key, ActionKind.STATUS, {"status": "waiting_customer"},
                         expected={"status": "new"}))  # fmt: skip
    assert outbox.deliver(connector(at)).conflicts == 1
    (queued,) = store.outbox(key=key)
    assert queued.state is ActionState.CONFLICT
    assert queued.theirs == {"status": "resolved"}
    assert at.tickets[ticket]["status"] == 5
    assert not at.writes
    forced = Action(key, ActionKind.STATUS, {"status": "waiting_customer"},
                    expected={"status": "new"}, force=True)  # fmt: skip
    connector(at).apply(forced, retry=False)
    assert at.tickets[ticket]["status"] == 7


def test_retries_do_not_write_twice(at: FakeAutotask) -> None:
    ticket = at.add_ticket("Mail queue growing", status=1)["id"]
    source = connector(at)
    key = IncidentKey("autotask", str(ticket))
    note = Action(key, ActionKind.NOTE, {"text": "Flushed the queue"})
    source.apply(note, retry=False)
    source.apply(note, retry=True)  # as after a crash mid-request
    assert len(at.notes) == 1
    source.apply(Action(key, ActionKind.NOTE, {"text": "Never arrived"}), retry=True)
    assert len(at.notes) == 2
    ack = Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    first = source.apply(ack, retry=False)
    again = source.apply(ack, retry=True)  # landed already: found by comparison, not resent
    assert first == again
    assert sum(1 for m, _, _ in at.writes if m == "PATCH") == 1


def test_a_permission_error_answered_as_500_is_a_rejection_with_the_vendors_words(
    at: FakeAutotask, store: Store, clock: ManualClock
) -> None:
    ticket = at.add_ticket("Firewall CPU high", status=1)["id"]
    assert sync(at, store, clock).ok
    at.read_only = True
    outbox = OutboxService(store, clock, random.Random(1))
    key = IncidentKey("autotask", str(ticket))
    outbox.submit(Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}))
    assert outbox.deliver(connector(at)).failed == 1
    (queued,) = store.outbox(key=key)
    assert queued.state is ActionState.FAILED
    assert DENIED in (queued.last_error or "")
    assert "server error" not in (queued.last_error or "")
    assert not queued.retryable
    with pytest.raises(ActionRejected, match="adequate permissions"):
        connector(at).apply(Action(key, ActionKind.NOTE, {"text": "hello"}), retry=False)


def test_a_zone_move_is_followed_once_and_a_refusal_after_it_is_auth_failed(
    at: FakeAutotask, caplog: pytest.LogCaptureFixture
) -> None:
    at.seed(30)
    source = connector(at, page_size=3)
    pages = source.fetch_changed(None)
    first = next(pages)
    at.move_zone(12)  # between two pages: the next-page URL points at the old zone
    with caplog.at_level(logging.WARNING):
        rest = [i for p in pages for i in p.incidents]
    assert len(first.incidents) + len(rest) == sum(1 for t in at.tickets.values()
                                                    if t["status"] != 5)  # fmt: skip
    assert source.session.zone_url == f"{at.url}/zone12/ATServicesRest/v1.0/"
    assert "moved from" in caplog.text
    wrong = connector(at, secret="not-the-secret")
    with pytest.raises(AuthFailed, match="credentials refused"):
        wrong.clients()
    assert at.count("GET", "/atservicesrest/v1.0/zoneInformation") >= 3
    assert "not-the-secret" not in caplog.text


def test_a_tenant_with_its_own_picklists_unknown_ids_and_deleted_companies_still_syncs(
    at: FakeAutotask, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    at.picklists["status"] = {1: "New", 5: "Complete", 21: "Awaiting Parts", 30: "Triage"}
    at.picklists["priority"] = {1: "High", 2: "Medium", 3: "Low", 6: "P1 - Outage"}
    renamed = at.add_ticket("Outage", status=21, priority=6)["id"]
    ghost = at.add_ticket("Old status", status=99)["id"]  # id gone from the picklist
    unmapped = at.add_ticket("Triage me", status=30)["id"]  # label nobody mapped
    gone = at.add_company("Defunct Ltd")
    orphan = at.add_ticket("Orphan", companyID=gone["id"])["id"]
    at.delete_company(gone["id"])
    mapping = DEFAULT_MAPPING.overridden({"status": {"Awaiting Parts": Status.WAITING_VENDOR},
                                          "priority": {"P1 - Outage": Priority.P1}})  # fmt: skip
    with caplog.at_level(logging.WARNING):
        result = sync(at, store, clock, mapping=mapping)
    assert result.ok, result.error
    assert (row(store, renamed)["status"], row(store, renamed)["priority"]) == (
        "waiting_vendor",
        "P1",
    )
    assert row(store, orphan)["client_id"] == f"Autotask company {gone['id']}"
    assert f"Autotask ticket {orphan}: company {gone['id']} no longer exists" in caplog.text
    for skipped in (ghost, unmapped):
        assert store.details(IncidentKey("autotask", str(skipped))) is None
    assert f"skipped Autotask ticket {ghost}: status id 99 is not in" in caplog.text
    assert f"skipped Autotask ticket {unmapped}: status 'Triage' is not mapped" in caplog.text
    state = store.sync_state("autotask")
    assert state.skipped == 2
    assert "status id 99 is not in this tenant's picklist" in (state.skip_note or "")


def test_the_hourly_budget_is_a_client_side_limit_and_429_is_rate_limited(
    at: FakeAutotask, store: Store, clock: ManualClock
) -> None:
    budget = connector(at, rpm=0.0).session.http.limiter
    assert round(budget.per_second * 3600) == 2_500  # a quarter of the tenant's 10,000/h
    assert connector(at, rpm=60.0).session.http.limiter.per_second == 1.0
    at.seed(5)
    at.inject("429", "/zone5/ATServicesRest/v1.0/Tickets/query", seconds=0)
    assert sync(at, store, clock).ok  # one 429 waited out and retried
    at.hourly_limit = len(at.window) + 1  # the tenant's hour is nearly spent
    with pytest.raises(RateLimited):
        list(connector(at).fetch_changed(None))
    result = SyncService(connector(at), store, clock).sync_once()
    assert not result.ok
    assert "rate limited" in (result.error or "")


def test_the_probe_reports_each_step_and_the_headroom(at: FakeAutotask) -> None:
    at.seed(10)
    checks = {c.step: c for c in probe_autotask(connector(at))}
    assert checks["reachable"].ok
    assert "America East 5" in checks["reachable"].detail
    assert checks["authenticated"].ok
    assert checks["can read incidents"].ok
    assert checks["can write"].ok is None
    assert [checks[s].ok for s in ("statuses", "status targets", "priorities",
                                   "priority targets")] == [True] * 4  # fmt: skip
    assert checks["limits"].ok
    assert " of 10,000 requests used this hour" in checks["limits"].detail
    at.picklists["status"][30] = "Triage"
    checks = {c.step: c for c in probe_autotask(connector(at, secret="wrong"))}
    assert checks["authenticated"].ok is False
    statuses = next(c for c in probe_autotask(connector(at)) if c.step == "statuses")
    assert statuses.ok is False
    assert "'Triage' (no open ticket)" in statuses.detail


def test_the_probe_checks_queues_picklists_and_what_open_tickets_carry(at: FakeAutotask
                                                                      ) -> None:  # fmt: skip
    """Queue labels as tiers ("Level I" is a guess at the tenant's wording), picklist ids
    the tenant deleted, and the lines that fix what can be fixed (issue 15, 3 and 4)."""
    at.seed(20)
    at.picklists["queueID"] |= {29683600: "Level II Support", 29683601: "Tier 3"}
    at.picklists["status"][31] = "Waiting on Vendor"
    at.add_ticket("Escalated firewall", queueID=29683600, status=31)
    at.add_ticket("Old status", status=99)  # its status id is gone from the picklist
    monitoring = sum(1 for t in at.tickets.values() if t["queueID"] == 29683354
                     and t["status"] != 5)  # fmt: skip
    checks = {c.step: c for c in probe_autotask(connector(at))}
    assert "status id 99 (1 open ticket)" in checks["unknown ids"].detail
    assert "'Waiting on Vendor' (1 open ticket)" in checks["statuses"].detail
    assert checks["tiers"].ok is None
    assert f"'Monitoring Alert' ({monitoring} open tickets)" in checks["tiers"].detail
    assert "L2 (mapped to it: 'Level II')" in checks["escalation"].detail
    lines = as_toml(s for c in checks.values() for s in c.suggestions)
    for line in ('"Waiting on Vendor" = "waiting_vendor"', '"Monitoring Alert" = "L1"',
                 '"Level II Support" = "L2"', '"Tier 3" = "L3"',
                 '# "<queue>" = "ENG"   (no queue of this tenant looks like ENG)'):  # fmt: skip
        assert line in lines
    assert not [line for line in lines if "status id 99" in line]  # no mapping can fix it


def test_concurrent_readers_stay_within_three_threads_per_endpoint(at: FakeAutotask) -> None:
    from concurrent.futures import ThreadPoolExecutor

    at.seed(6)
    at.latency = 0.05
    source = connector(at)
    source.directory()
    with ThreadPoolExecutor(6) as pool:
        counts = list(pool.map(lambda _: sum(len(p.incidents) for p in source.list_open()),
                               range(6)))  # fmt: skip
    assert len(set(counts)) == 1  # no thread-limit 429 reached anyone
    assert counts[0] > 0


def test_tiers_come_from_queues_by_mapping(at: FakeAutotask) -> None:
    at.picklists["queueID"][29683500] = "Network Team"
    at.picklists["queueID"][29683501] = "Level II"
    ticket = at.add_ticket("Switch port flapping", queueID=29683500)["id"]
    mapping = DEFAULT_MAPPING.overridden({"tier": {"Network Team": Tier.L3}})
    (page,) = list(connector(at, mapping=mapping).fetch_changed(None))
    (incident,) = [i for i in page.incidents if i.external_id == str(ticket)]
    assert incident.tier is Tier.L3
    with pytest.raises(Conflict):
        connector(at, mapping=mapping).apply(
            Action(IncidentKey("autotask", str(ticket)), ActionKind.TIER, {"tier": "L2"},
                   expected={"tier": "L1"}), retry=False)  # fmt: skip


def test_escalation_takes_the_configured_queue_before_a_default_one(at: FakeAutotask) -> None:
    """Issue 15: overrides came after the defaults, so "Level II" won over the tenant's."""
    at.picklists["queueID"][29683501] = "Level II"
    at.picklists["queueID"][29683502] = "NOC Tier 2"
    ticket = at.add_ticket("Switch port flapping", queueID=29683481)["id"]
    mapping = DEFAULT_MAPPING.overridden({"tier": {"NOC Tier 2": Tier.L2}})
    connector(at, mapping=mapping).apply(
        Action(IncidentKey("autotask", str(ticket)), ActionKind.TIER, {"tier": "L2"},
               expected={"tier": "L1"}), retry=False)  # fmt: skip
    assert at.tickets[ticket]["queueID"] == 29683502


def test_escalation_to_a_queue_added_since_the_lists_were_read(at: FakeAutotask) -> None:
    ticket = at.add_ticket("Switch port flapping", queueID=29683481)["id"]
    source = connector(at)
    source.directory()  # cached without "Level II"
    at.picklists["queueID"][29683501] = "Level II"
    escalate = Action(IncidentKey("autotask", str(ticket)), ActionKind.TIER, {"tier": "L2"})
    source.apply(escalate, retry=False)
    assert at.tickets[ticket]["queueID"] == 29683501
    with pytest.raises(ActionRejected, match=r"no Autotask queue for tier L3 exists in this "
                       r'tenant .*; set \[connectors.mapping.tier\] "<queue>" = "L3"'):  # fmt: skip
        source.apply(Action(IncidentKey("autotask", str(ticket)), ActionKind.TIER,
                            {"tier": "L3"}), retry=False)  # fmt: skip


def link(child: int, *refers_to: object) -> Action:
    """A major incident's link of `child` to its source's lead ticket (declare.py)."""
    return Action(IncidentKey("autotask", str(child)), ActionKind.LINK,
                  {"refers_to": list(refers_to), "reference": "MI-7"})  # fmt: skip


def test_a_major_incident_link_makes_the_child_an_incident_of_the_lead_problem(
    at: FakeAutotask,
) -> None:
    lead = at.add_ticket("Carrier outage at Oslo", ticketType=3)["id"]
    child = at.add_ticket("No internet at Oslo office", ticketType=2, status=8)["id"]
    source = connector(at)
    version = source.apply(link(child, str(lead)), retry=False)
    assert at.incidents_of(lead) == [child]
    assert at.tickets[child]["status"] == 8  # nothing else about the child changes
    written = list(at.writes)
    assert [(m, b) for m, _, b in written] == [("PATCH", {"id": child, "problemTicketId": lead})]
    again = source.apply(link(child, str(lead)), retry=True)  # as after a crash mid-request
    source.apply(link(child, str(lead)), retry=False)  # read before writing, retry or not
    assert at.writes == written
    assert again == version


@pytest.mark.parametrize(
    ("setup", "refers_to", "message"),
    [
        (
            {"lead": 5},
            None,
            r"^autotask: ticket \d+ not linked to \d+: \d+ is an Alert ticket, "
            r"and Autotask links incidents to a Problem ticket only",
        ),
        (
            {"child": 5},
            None,
            r"^autotask: ticket \d+ not linked to \d+: it is an Alert ticket, "
            r"and only an Incident ticket can have a problem ticket",
        ),
        ({"child": 1}, None, r"it is a Service Request ticket"),
        (
            {"elsewhere": True},
            None,
            r"^autotask: ticket \d+ not linked to \d+: it is an incident "
            r"of problem ticket \d+ already",
        ),
        (
            {"deleted": True},
            None,
            r"^autotask: ticket \d+ not linked to \d+: Autotask has no "
            r"ticket \d+",
        ),
        (
            {},
            ["7001/../Companies"],
            r"^autotask: ticket \d+ not linked: '7001/\.\./Companies' is "
            r"not an Autotask ticket id$",
        ),
        (
            {},
            ["7001", "7002"],
            r"not linked: Autotask gives a ticket one problem ticket, "
            r"not 2$",
        ),
        ({}, [], r"not linked: Autotask gives a ticket one problem ticket, not 0$"),
        ({}, "self", r"^autotask: ticket \d+ not linked: it cannot be its own problem ticket$"),
    ],
)
def test_a_link_autotask_cannot_make_is_refused_in_one_line_and_nothing_is_written(
    at: FakeAutotask, setup: dict[str, Any], refers_to: Any, message: str
) -> None:
    lead = at.add_ticket("Carrier outage at Oslo", ticketType=setup.get("lead", 3))["id"]
    child = at.add_ticket("No internet at Oslo office", ticketType=setup.get("child", 2))["id"]
    if setup.get("elsewhere"):
        other = at.add_ticket("Core router fault", ticketType=3)["id"]
        at.update_ticket(child, problemTicketId=other)  # someone linked it in Autotask
    if setup.get("deleted"):
        at.delete_ticket(lead)
    refers = (
        [str(lead)] if refers_to is None else [str(child)] if refers_to == "self" else refers_to
    )
    before = at.count()
    with pytest.raises(ActionRejected, match=message) as refused:
        connector(at).apply(link(child, *refers), retry=False)
    assert "\n" not in str(refused.value)
    assert not at.writes
    assert not any("Companies" in path and ".." in path for _, path in at.hits)
    if refers_to is not None:
        assert at.count() == before  # a bad id is refused before any request
