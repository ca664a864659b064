"""The ConnectWise PSA connector against the ConnectWise fake (tests/fakes/fake_connectwise.py)
over real HTTP: reading, paging, incremental sync, limits, write-back through the outbox,
conflicts, retries, and the bad input a real tenant produces."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest

from noc_console.connectors.connectwise.connector import (
    DEFAULT_MAPPING,
    ConnectWiseConnector,
    CwOptions,
)
from noc_console.connectors.connectwise.declaration import CwSettings
from noc_console.connectors.connectwise.probe import probe_connectwise
from noc_console.connectors.connectwise.session import ConnectWiseHttp
from noc_console.connectors.errors import (
    ActionRejected,
    AuthFailed,
    Conflict,
    NotFound,
    RateLimited,
)
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.mapping.lines import as_toml
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.models.major_incident import DEFAULT_CADENCE
from noc_console.services.identity import Identity
from noc_console.services.major_incident.close_out import (
    ChildOutcome,
    close_out,
    close_out_outcomes,
)
from noc_console.services.major_incident.declare import Declaration
from noc_console.services.major_incident.desk import MajorIncidentDesk, linking_sources
from noc_console.services.outbox import OutboxService
from noc_console.services.sources.config import ConnectorConfig
from noc_console.services.sync import SyncService
from tests.fakes.fake_connectwise import FakeConnectWise
from tests.fakes.http_fake import running


@pytest.fixture
def cw() -> Iterator[FakeConnectWise]:
    with running(FakeConnectWise()) as fake:
        yield fake


def connector(cw: FakeConnectWise, *, private_key: str = "", overrides: dict[str, Any] | None
              = None, page_size: int = 1000, sleeps: list[float] | None = None,
              base_url: str = "", company: str = "", client_id: str = ""
              ) -> ConnectWiseConnector:  # fmt: skip
    settings = HttpSettings(base_url or cw.url, retries=2, backoff=0.01, max_retry_after=5,
                            allow_insecure_http=True)  # fmt: skip
    waits = sleeps if sleeps is not None else []
    http = ConnectWiseHttp("cw", settings, company or cw.company, cw.public_key,
                           client_id or cw.client_id, private_key or cw.private_key,
                           sleep=waits.append)  # fmt: skip
    mapping = DEFAULT_MAPPING.overridden(overrides or {})
    return ConnectWiseConnector("cw", http, CwOptions(mapping, page_size), "ConnectWise")


def synced(cw: FakeConnectWise, store: Store, clock: ManualClock, source: Any = None) -> Any:
    clock.set(clock.now() + timedelta(minutes=1))
    cw.advance(60)
    result = SyncService(source or connector(cw), store, clock).sync_once(reconcile=True)
    assert result.ok, result.error
    return result


def row(store: Store, ticket: int) -> Any:
    (found,) = store.rows([IncidentKey("cw", str(ticket))])
    return found


def open_ids(cw: FakeConnectWise) -> set[str]:
    return {str(i) for i, t in cw.tickets.items() if not t["closedFlag"]}


# ------------------------------------------------------------------ reading
def test_a_full_sync_reads_every_open_ticket_exactly_once(cw: FakeConnectWise) -> None:
    cw.seed(230)
    source = connector(cw, page_size=50)
    pages = list(source.fetch_changed(None))
    ids = [i.external_id for p in pages for i in p.incidents]
    assert sorted(ids) == sorted(open_ids(cw))  # each open ticket once, no closed ones
    assert cw.count("GET", "/v2025_1/apis/3.0/service/tickets") == len(pages) - 1  # 50 a page
    assert all(p.watermark is None for p in pages[:-1])  # resume only once all are stored
    newest = max(t["_info"]["lastUpdated"] for t in cw.tickets.values() if not t["closedFlag"])
    assert pages[-1].watermark is not None
    assert pages[-1].watermark.strftime("%Y-%m-%dT%H:%M:%SZ") == newest


def sent_urls(source: ConnectWiseConnector) -> list[str]:
    """The URLs the connector's session requests from now on (a requests hook)."""
    urls: list[str] = []
    source.http.session.hooks["response"].append(lambda r, *_, **__: urls.append(r.url))
    return urls


def test_a_page_size_above_1000_is_capped(cw: FakeConnectWise) -> None:
    cw.seed(30)
    source = connector(cw, page_size=5000)
    urls = sent_urls(source)
    list(source.fetch_changed(None))
    (tickets,) = [u for u in urls if "/service/tickets?" in u]
    assert "pageSize=1000" in tickets


def test_tickets_map_board_status_priority_company_and_owner(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    alert = cw.add_ticket("Firewall down", board=2, status=22, priority=1, company=251, owner=100)
    desk = cw.add_ticket("Printer jam", board=1, status=13, priority=4, company=252)
    synced(cw, store, clock)
    a, d = row(store, alert["id"]), row(store, desk["id"])
    assert (a.client_id, a.status, a.priority, a.assignee) == (
        "Globex",
        Status.ACKNOWLEDGED,
        Priority.P1,
        "asmith",
    )
    assert (d.client_id, d.status, d.priority, d.assignee) == (
        "Initech",
        Status.WAITING_CUSTOMER,
        Priority.P4,
        None,
    )
    assert (a.tier, d.tier) == (Tier.L1, Tier.L1)
    assert store.client("Globex").name == "Globex Corporation"  # type: ignore[union-attr]
    # ConnectWise has no due dates: ours, computed by the SLA engine from the contract.
    incident = connector(cw).records.incident(cw.tickets[alert["id"]])
    assert (incident.response_due, incident.resolution_due) == (None, None)
    columns = store.details(IncidentKey("cw", str(alert["id"])))[0]  # type: ignore[index]
    assert columns["response_due"] is not None
    assert columns["resolution_due"] is not None
    assert a.next_deadline is not None
    assert incident.source_status == "Acknowledged"


def test_incremental_sync_asks_for_changes_since_the_watermark(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    cw.seed(40)
    source = connector(cw)
    synced(cw, store, clock, source)
    urls = sent_urls(source)
    changed = next(t for t in cw.tickets.values() if not t["closedFlag"] and t["board"]["id"] == 1)
    cw.advance(30)
    cw.update_ticket(changed["id"], status=12)
    closed = next(t for t in cw.tickets.values() if not t["closedFlag"] and t is not changed)
    cw.update_ticket(closed["id"], status=15 if closed["board"]["id"] == 1 else 23)
    pages = list(source.fetch_changed(store.sync_state("cw").watermark))
    got = {i.external_id: i.status for p in pages for i in p.incidents}
    assert got[str(changed["id"])] is Status.IN_PROGRESS
    assert got[str(closed["id"])] in (Status.CLOSED, Status.RESOLVED)
    assert len(got) < 10  # only what changed (and the overlap), not all 40
    (query,) = [unquote(u) for u in urls if "/service/tickets?" in u]
    assert "conditions=lastUpdated>=[2026-11-25T" in query
    assert "pageId" not in query  # one page: nothing to follow


def test_a_change_in_the_same_second_as_the_watermark_is_not_missed(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    first = cw.add_ticket("Disk full", status=11)
    source = connector(cw)
    synced(cw, store, clock, source)
    watermark = store.sync_state("cw").watermark
    assert watermark is not None
    second = cw.add_ticket("Disk full again", status=11, entered=watermark)  # same second
    pages = list(source.fetch_changed(watermark))  # no overlap at all: >= keeps it
    assert {str(first["id"]), str(second["id"])} <= {i.external_id for p in pages
                                                     for i in p.incidents}  # fmt: skip


# ------------------------------------------------------------------ limits
def test_a_short_429_is_waited_out_and_a_long_one_backs_the_sync_off(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    cw.seed(10)
    sleeps: list[float] = []
    cw.inject("429", "/v2025_1/apis/3.0/service/tickets", seconds=2)
    pages = list(connector(cw, sleeps=sleeps).fetch_changed(None))
    assert sleeps == [2.0]
    assert sum(len(p.incidents) for p in pages) == len(open_ids(cw))
    cw.inject("429", "/v2025_1/apis/3.0/service/tickets", seconds=120)
    result = SyncService(connector(cw), store, clock).sync_once()
    assert not result.ok
    assert result.retry_at == clock.now() + timedelta(seconds=120)
    cw.inject("429", "/v2025_1/apis/3.0/service/tickets", seconds=120)
    with pytest.raises(RateLimited):
        list(connector(cw).list_open())


# ------------------------------------------------------------------ writing
def deliver(cw: FakeConnectWise, store: Store, clock: ManualClock, *actions: Action,
            source: Any = None) -> Any:  # fmt: skip
    outbox = OutboxService(store, clock, random.Random(1))
    for action in actions:
        outbox.submit(action)
    return outbox.deliver(source or connector(cw))


def test_every_action_lands_in_connectwise_in_its_own_shape(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    tier2 = cw.add_board("Tier 2", [("New", False), ("In Progress", False), ("Resolved", True)])
    ticket = cw.add_ticket("Core switch flapping", board=2, status=21, priority=3)
    synced(cw, store, clock)
    key = IncidentKey("cw", str(ticket["id"]))
    steps = [
        Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}),
        Action(key, ActionKind.ASSIGN, {"assignee": "bjones"}, expected={"assignee": None}),
        Action(key, ActionKind.NOTE, {"text": "Looking at the uplinks", "internal": True}),
        Action(key, ActionKind.NOTE, {"text": "We are on it", "internal": False}),
        Action(key, ActionKind.PRIORITY, {"impact": 1, "urgency": 2, "priority": "P2"},
               expected={"priority": "P3"}),
        Action(key, ActionKind.TIER, {"tier": "L2"}, expected={"tier": "L1"}),
        Action(key, ActionKind.STATUS, {"status": "in_progress"}),
        Action(key, ActionKind.ASSIGN, {"assignee": None}),
        Action(key, ActionKind.RESOLVE, {"text": "Replaced the SFP; link stable"}),
    ]  # fmt: skip
    report = deliver(cw, store, clock, *steps)
    assert report.delivered == len(steps), store.outbox(key=key)
    patches = [body for method, _, body in cw.writes if method == "PATCH"]
    assert patches[0] == [{"op": "replace", "path": "status", "value": {"id": 22}}]  # board 2
    assert patches[1] == [{"op": "replace", "path": "owner", "value": {"id": 101}}]
    assert patches[2] == [{"op": "replace", "path": "priority", "value": {"id": 2}}]
    assert patches[3] == [  # escalation: to the L2 board, the status along by meaning
        {"op": "replace", "path": "board", "value": {"id": tier2["id"]}},
        {"op": "replace", "path": "status",
         "value": {"id": cw.status_id(tier2["id"], "In Progress")}},
    ]  # fmt: skip
    # "in progress" needed no PATCH: the escalation already took the status along
    assert patches[4] == [{"op": "remove", "path": "owner"}]
    assert patches[5] == [{"op": "replace", "path": "status",
                           "value": {"id": cw.status_id(tier2["id"], "Resolved")}}]  # fmt: skip
    assert len(patches) == 6
    final = cw.tickets[ticket["id"]]
    assert final["status"]["name"] == "Resolved"
    assert final["closedFlag"]
    assert final["board"]["name"] == "Tier 2"
    assert "owner" not in final
    notes = cw.notes[ticket["id"]]
    flags = [(n["internalAnalysisFlag"], n["detailDescriptionFlag"], n["resolutionFlag"])
             for n in notes]  # fmt: skip
    assert flags == [(True, False, False), (False, True, False), (False, False, True)]
    assert "Looking at the uplinks" in notes[0]["text"]
    assert "NOC Console ref" in notes[0]["text"]
    synced(cw, store, clock)
    after = row(store, ticket["id"])
    assert (after.status, after.tier, after.priority) == (Status.RESOLVED, Tier.L2, Priority.P2)


def test_acknowledge_on_a_board_without_that_status_takes_the_nearest(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    ticket = cw.add_ticket("VPN down", board=1, status=11)  # Service Desk: no "Acknowledged"
    synced(cw, store, clock)
    key = IncidentKey("cw", str(ticket["id"]))
    assert deliver(cw, store, clock, Action(key, ActionKind.ACKNOWLEDGE)).delivered == 1
    assert cw.tickets[ticket["id"]]["status"] == {"id": 12, "name": "In Progress"}


def test_a_field_changed_in_connectwise_meanwhile_is_a_conflict(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    ticket = cw.add_ticket("Backup job failed", board=1, status=11)
    synced(cw, store, clock)
    cw.update_ticket(ticket["id"], status=14)  # someone resolved it in ConnectWise
    key = IncidentKey("cw", str(ticket["id"]))
    action = Action(key, ActionKind.STATUS, {"status": "waiting_customer"},
                    expected={"status": "new"})  # fmt: skip
    assert deliver(cw, store, clock, action).conflicts == 1
    (queued,) = store.outbox(key=key)
    assert queued.state is ActionState.CONFLICT
    assert queued.theirs == {"status": "resolved"}
    assert cw.tickets[ticket["id"]]["status"]["id"] == 14
    assert not cw.writes
    with pytest.raises(Conflict):
        connector(cw).apply(action, retry=False)
    forced = Action(key, ActionKind.STATUS, {"status": "waiting_customer"},
                    expected={"status": "new"}, force=True)  # fmt: skip
    connector(cw).apply(forced, retry=False)  # "apply mine"
    assert cw.tickets[ticket["id"]]["status"]["id"] == 13


def test_configured_boards_and_statuses_win_over_the_defaults_when_writing(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    """Issue 15: overrides came after the defaults, so writes took the default names."""
    cw.add_board("Tier 2", [("New", False), ("Triaged", False), ("Acknowledged", False)])
    ours = cw.add_board("NOC Escalations", [("New", False), ("Triaged", False),
                                            ("Acknowledged", False)])  # fmt: skip
    ticket = cw.add_ticket("Core switch flapping", board=2, status=21, priority=3)
    tenant = connector(cw, overrides={"tier": {"NOC Escalations": Tier.L2},
                                      "status": {"Triaged": Status.ACKNOWLEDGED}})  # fmt: skip
    synced(cw, store, clock, tenant)
    key = IncidentKey("cw", str(ticket["id"]))
    escalate = Action(key, ActionKind.TIER, {"tier": "L2"}, expected={"tier": "L1"})
    acknowledge = Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    assert deliver(cw, store, clock, escalate, acknowledge, source=tenant).delivered == 2
    final = cw.tickets[ticket["id"]]
    assert final["board"] == {"id": ours["id"], "name": "NOC Escalations"}
    assert final["status"]["name"] == "Triaged"


def test_escalation_without_a_board_for_the_tier_names_the_mapping_key(
    cw: FakeConnectWise,
) -> None:
    ticket = cw.add_ticket("Core switch flapping", board=2, status=21)
    escalate = Action(IncidentKey("cw", str(ticket["id"])), ActionKind.TIER, {"tier": "L3"})
    with pytest.raises(ActionRejected) as raised:
        connector(cw).apply(escalate, retry=False)
    assert "no ConnectWise board for tier L3 exists in this tenant" in str(raised.value)
    assert 'set [connectors.mapping.tier] "<board>" = "L3"' in str(raised.value)
    assert cw.writes == []


def test_retries_never_duplicate_what_already_landed(cw: FakeConnectWise) -> None:
    ticket = cw.add_ticket("Mail queue growing", status=11)
    source, key = connector(cw), IncidentKey("cw", str(ticket["id"]))
    note = Action(key, ActionKind.NOTE, {"text": "Flushed the queue"})
    source.apply(note, retry=False)
    source.apply(note, retry=True)  # as after a crash mid-request
    assert len(cw.notes[ticket["id"]]) == 1
    fresh = Action(key, ActionKind.NOTE, {"text": "Never arrived"})
    source.apply(fresh, retry=True)  # a retry of an action that never landed sends it
    assert len(cw.notes[ticket["id"]]) == 2
    status = Action(key, ActionKind.STATUS, {"status": "waiting_customer"},
                    expected={"status": "new"})  # fmt: skip
    first_version = source.apply(status, retry=False)
    patches = len(cw.writes)
    assert source.apply(status, retry=True) == first_version  # landed: nothing sent again
    assert len(cw.writes) == patches


def test_an_action_on_a_deleted_ticket_is_not_found(cw: FakeConnectWise) -> None:
    ticket = cw.add_ticket("Gone", status=11)
    cw.delete_ticket(ticket["id"])
    with pytest.raises(NotFound):
        connector(cw).apply(Action(IncidentKey("cw", str(ticket["id"])), ActionKind.ACKNOWLEDGE),
                            retry=False)  # fmt: skip


# ------------------------------------------------------------------ major incidents: bundling
def link(child: int, *lead: Any) -> Action:
    payload = {"refers_to": [str(i) for i in lead], "reference": "MI-7"}
    return Action(IncidentKey("cw", str(child)), ActionKind.LINK, payload)


def test_a_major_incident_link_bundles_the_child_under_the_lead_once(
    cw: FakeConnectWise,
) -> None:
    lead, child = (cw.add_ticket(f"Internet down at Oslo {n}")["id"] for n in range(2))
    source = connector(cw)
    version = source.apply(link(child, lead), retry=False)
    assert cw.children_of(lead) == [child]
    assert cw.tickets[lead]["hasChildTicket"] is True
    assert [(m, p.rsplit("/", 2)[-2:]) for m, p, _ in cw.writes] == [
        ("POST", [str(lead), "attachChildren"])
    ]
    assert cw.writes[0][2] == {"childTicketIds": [child]}
    cw.advance(60)
    for retry in (True, False):  # after a crash mid-request, or sent twice: read, not written
        assert source.apply(link(child, lead), retry=retry) == version
    assert len(cw.writes) == 1
    assert cw.children_of(lead) == [child]


def test_links_connectwise_refuses_fail_in_one_line_naming_the_tickets(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    lead, child, other, nested = (cw.add_ticket(f"Internet down {n}")["id"] for n in range(4))
    connector(cw).apply(link(nested, other), retry=False)  # bundled elsewhere meanwhile
    refused = [
        (link(child, 999999),
         rf"^cw: ConnectWise has no ticket 999999 to bundle ticket {child} under"),
        (link(child, child),
         rf"^cw: ConnectWise refused to bundle ticket {child} under ticket {child} "
         rf"\(HTTP 400\): Ticket {child} cannot be its own parent$"),
        (link(child, nested),
         rf"^cw: ConnectWise refused to bundle ticket {child} under ticket {nested} "
         rf"\(HTTP 400\): Ticket {nested} is a child of ticket {other} and cannot be a parent$"),
        (link(nested, lead),
         rf"^cw: ticket {nested} is already a child of ticket {other} in ConnectWise: not "
         rf"moved under ticket {lead} \(MI-7\)"),
    ]  # fmt: skip
    for action, message in refused:
        with pytest.raises(ActionRejected, match=message):
            connector(cw).apply(action, retry=False)
    assert cw.children_of(lead) == []
    assert cw.children_of(other) == [nested]
    report = deliver(cw, store, clock, link(child, 999999))  # through the outbox
    assert report.failed == 1
    (failed,) = store.outbox(key=IncidentKey("cw", str(child)))
    assert failed.state is ActionState.FAILED
    assert failed.last_error is not None
    assert "\n" not in failed.last_error
    assert "999999" in failed.last_error


def test_an_answer_that_did_not_bundle_is_a_failed_link(cw: FakeConnectWise) -> None:
    lead, child = (cw.add_ticket(f"Internet down {n}")["id"] for n in range(2))
    path = f"/{cw.codebase}apis/3.0/service/tickets/{lead}/attachChildren"
    cw.inject("200", path, body={"success": False, "message": "Bundling is\nnot allowed"})
    with pytest.raises(ActionRejected, match=rf"under ticket {lead} \(HTTP 200\): Bundling is "
                                             r"not allowed$"):  # fmt: skip
        connector(cw).apply(link(child, lead), retry=False)
    cw.inject("200", path, body={"success": True})  # said yes, did nothing
    said_yes = rf"accepted bundling ticket {child} under ticket {lead}, but the ticket's parent"
    with pytest.raises(ActionRejected, match=said_yes + " is None$"):
        connector(cw).apply(link(child, lead), retry=False)
    assert cw.children_of(lead) == []


@pytest.mark.parametrize(
    "lead",
    [["1001 or 1=1"], ["../../system/members"], ["１２"], [], ["1001", "1002"], [None]],
)
def test_untrusted_lead_ids_never_reach_a_url(cw: FakeConnectWise, lead: list[Any]) -> None:
    child = cw.add_ticket("Internet down")["id"]
    before = cw.requests
    action = Action(IncidentKey("cw", str(child)), ActionKind.LINK, {"refers_to": lead})
    with pytest.raises(ActionRejected, match=rf"^cw: cannot bundle ticket {child} under "):
        connector(cw).apply(action, retry=False)
    assert cw.requests == before  # refused before anything was sent
    assert cw.writes == []


def test_a_declared_major_incident_bundles_its_connectwise_tickets_and_closes_them_out(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    tickets = [cw.add_ticket(f"Internet down at Oslo {n}", company=250 + n)["id"]
               for n in range(3)]  # fmt: skip
    synced(cw, store, clock)
    config = ConnectorConfig(name="cw", type="connectwise", settings=CwSettings(cw.url))
    desk = MajorIncidentDesk(store, DEFAULT_CADENCE, clock, linking_sources([config]))
    rows = sorted(store.open_rows(), key=lambda r: int(r.key.external_id))
    declaration = Declaration("Carrier outage Oslo", Priority.P1, "Dana", "Sam", tuple(rows))
    record, _ = desk.declare(declaration, Identity("Dana"))
    report = deliver(cw, store, clock)
    assert report.delivered == 5  # three notes, two links
    lead, *others = tickets
    assert cw.children_of(lead) == others
    assert all(len(cw.notes[t]) == 1 for t in tickets)
    assert f"Major incident {record.reference}" in cw.notes[lead][0]["text"]
    # close-out: each child is resolved with its own status and note, the lead last —
    # the lead's resolve would otherwise close its bundle with the lead's status
    close_out(store, record, "Carrier replaced the line card", True, Identity("Dana"),
              clock.now())  # fmt: skip
    deliver(cw, store, clock)
    assert [p for m, p, _ in cw.writes if m == "PATCH"] == [
        f"/{cw.codebase}apis/3.0/service/tickets/{t}" for t in (*others, lead)
    ]
    outcomes = {r.key.external_id: r.outcome for r in close_out_outcomes(store, record)}
    assert outcomes == {str(t): ChildOutcome.RESOLVED for t in tickets}
    assert all(cw.tickets[t]["status"]["name"] == "Resolved" for t in tickets)
    assert all([n["resolutionFlag"] for n in cw.notes[t]] == [False, True] for t in tickets)


# ------------------------------------------------------------------ bad input
def test_a_tenant_with_its_own_boards_and_statuses(
    cw: FakeConnectWise, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    board = cw.add_board("Network Ops", [("Dispatched", False), ("Fixed", True)])
    odd = cw.add_ticket("Core router CPU", board=board["id"],
                        status=cw.status_id(board["id"], "Dispatched"))  # fmt: skip
    fine = cw.add_ticket("Printer jam", board=1, status=11)
    with caplog.at_level(logging.WARNING):
        synced(cw, store, clock)
    assert row(store, fine["id"]).status is Status.NEW  # the rest syncs
    assert not store.rows([IncidentKey("cw", str(odd["id"]))])
    assert f"skipped ConnectWise ticket {odd['id']}: status 'Dispatched' is not mapped" in (
        caplog.text
    )
    assert "mapping.status" in (store.sync_state("cw").skip_note or "")

    overrides = {"status": {"Dispatched": Status.ACKNOWLEDGED, "Fixed": Status.RESOLVED},
                 "tier": {"Network Ops": Tier.L3}}  # fmt: skip
    tenant = connector(cw, overrides=overrides)
    synced(cw, store, clock, tenant)
    got = row(store, odd["id"])
    assert (got.status, got.tier) == (Status.ACKNOWLEDGED, Tier.L3)
    key = IncidentKey("cw", str(odd["id"]))
    assert deliver(cw, store, clock, Action(key, ActionKind.RESOLVE), source=tenant).delivered
    assert cw.tickets[odd["id"]]["status"]["id"] == cw.status_id(board["id"], "Fixed")


def test_a_closed_ticket_with_an_unknown_status_is_closed_not_skipped(cw: FakeConnectWise
                                                                     ) -> None:  # fmt: skip
    board = cw.add_board("Projects", [("Open", False), ("Done and dusted", True)])
    cw.add_ticket(board=board["id"], status=cw.status_id(board["id"], "Done and dusted"))
    (incident,) = [i for p in connector(cw).fetch_changed(ticket_since(cw)) for i in p.incidents]
    assert incident.status is Status.CLOSED


def ticket_since(cw: FakeConnectWise) -> Any:
    return cw.now - timedelta(minutes=1)


def test_a_ticket_whose_company_was_deleted(
    cw: FakeConnectWise, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    dangling = cw.add_ticket("Old client's server", company=257)
    cw.delete_company(257)  # the ticket still names it
    orphan = cw.add_ticket("No company at all")
    del cw.tickets[orphan["id"]]["company"]
    with caplog.at_level(logging.WARNING):
        synced(cw, store, clock)
    assert row(store, dangling["id"]).client_id == "Vandelay"
    assert f"skipped ConnectWise ticket {orphan['id']}: the ticket has no company" in caplog.text
    synced(cw, store, clock, connector(cw, overrides={"default_client": "Unassigned"}))
    assert row(store, orphan["id"]).client_id == "Unassigned"


def test_bad_credentials_answered_with_404_are_credentials_refused(
    cw: FakeConnectWise, store: Store, clock: ManualClock
) -> None:
    cw.add_ticket()
    wrong = connector(cw, private_key="not-the-key")
    with pytest.raises(AuthFailed, match="credentials refused"):
        list(wrong.fetch_changed(None))
    result = SyncService(wrong, store, clock).sync_once()
    assert not result.ok
    assert "credentials refused" in (result.error or "")
    assert "not-the-key" not in (result.error or "")
    with pytest.raises(AuthFailed, match="credentials refused"):  # writes too, not NotFound
        wrong.apply(Action(IncidentKey("cw", "1001"), ActionKind.ACKNOWLEDGE), retry=False)
    with pytest.raises(AuthFailed, match="company 'nocmps' is not known"):  # a typo
        connector(cw, company="nocmps").clients()


def test_keys_refused_on_premise_name_the_fields_connectwise_has() -> None:
    with (
        running(FakeConnectWise(cloud=False)) as on_premise,
        pytest.raises(AuthFailed, match="credentials refused") as refused,
    ):
        connector(on_premise, private_key="not-the-key").clients()
    message = str(refused.value)
    assert "check company and public_key in the configuration" in message
    assert "private key stored in the keyring" in message
    assert "user name" not in message  # ConnectWise has none


def test_a_moved_codebase_is_discovered_again(cw: FakeConnectWise) -> None:
    cw.seed(5)
    source = connector(cw)
    assert source.clients()
    cw.move_codebase("v2026_1/")
    assert len(list(source.list_open())) >= 1
    assert source.http.base.endswith("/v2026_1/apis/3.0/")


def test_the_connection_test_names_each_step(cw: FakeConnectWise) -> None:
    cw.seed(20)
    checks = {c.step: c for c in probe_connectwise(connector(cw))}
    assert [checks[s].ok for s in ("reachable", "authenticated", "can read incidents")] == [
        True, True, True]  # fmt: skip
    assert "codebase v2025_1" in checks["reachable"].detail
    assert [checks[s].ok for s in ("statuses", "priorities", "priority targets", "tiers")] == [
        True] * 4  # fmt: skip
    assert checks["limits"].ok is True
    cw.add_board("Network Ops", [("Dispatched", False)])
    checks = {c.step: c for c in probe_connectwise(connector(cw))}
    assert checks["statuses"].ok is False
    assert "'Dispatched' (no open ticket, board 'Network Ops')" in checks["statuses"].detail
    wrong = {c.step: c for c in probe_connectwise(connector(cw, private_key="nope"))}
    assert wrong["reachable"].ok is True
    assert wrong["authenticated"].ok is False
    assert "credentials refused" in wrong["authenticated"].detail


def test_the_connection_test_checks_every_mapping_target_per_board(cw: FakeConnectWise) -> None:
    """Statuses per board, priorities, boards as tiers: against the tenant and against
    what open tickets carry, with the mapping lines that fix each (issue 15, 3 and 4)."""
    ops = cw.add_board("Network Ops", [("Dispatched", False), ("Waiting Customer", False),
                                       ("Fixed", True)])  # fmt: skip
    for _ in range(3):
        cw.add_ticket("Core router CPU", board=ops["id"],
                      status=cw.status_id(ops["id"], "Dispatched"))  # fmt: skip
    cw.add_board("NOC L2", [("New", False), ("Waiting Customer", False),
                            ("Acknowledged", False), ("Resolved", True)])  # fmt: skip
    checks = {c.step: c for c in probe_connectwise(connector(cw))}
    assert checks["statuses"].ok is False
    assert ("not mapped, so their tickets are skipped: 'Dispatched' (3 open tickets, board "
            "'Network Ops')") in checks["statuses"].detail  # fmt: skip
    targets = checks["status targets"]
    assert targets.ok is False
    for missing in ("acknowledged on board 'Network Ops'", "resolved on board 'Network Ops'",
                    "waiting_customer on board 'NOC Alerts'"):  # fmt: skip
        assert missing in targets.detail
    assert "on board 'NOC L2'" not in targets.detail
    assert checks["tiers"].ok is None  # shown as L1: meant or not, the test cannot tell
    assert "'Network Ops' (3 open tickets)" in checks["tiers"].detail
    assert checks["escalation"].ok is False
    assert "L2 (mapped to it: 'Tier 2', 'Escalations')" in checks["escalation"].detail
    lines = as_toml(s for c in checks.values() for s in c.suggestions)
    assert lines[:3] == ["[connectors.mapping.status]", '"Dispatched" = "in_progress"',
                         '"Fixed" = "resolved"']  # fmt: skip
    assert ("# no status on board 'NOC Alerts' looks like waiting_customer: map the one to "
            'write ("<status>" = "waiting_customer"), or add one in the PSA') in lines  # fmt: skip
    assert '# "Network Ops" = "?"   (unsure: one of L1, L2, L3, ENG)' in lines
    assert '"NOC L2" = "L2"' in lines

    pasted = connector(cw, overrides={
        "status": {"Dispatched": Status.IN_PROGRESS, "Fixed": Status.RESOLVED},
        "tier": {"Network Ops": Tier.L1, "NOC L2": Tier.L2}})  # fmt: skip
    after = {c.step: c for c in probe_connectwise(pasted)}
    assert (after["statuses"].ok, after["tiers"].ok) == (True, True)
    assert "board 'Network Ops'" not in after["status targets"].detail
    assert "L2" not in after["escalation"].detail  # L3 and ENG still have no board here
