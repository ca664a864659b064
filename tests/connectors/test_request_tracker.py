"""The Request Tracker connector against a real RT 5 server (tests/peers/request_tracker.py).

Tickets are created in RT through its REST2 API, synced into the cache, triaged
through the console's outbox, and read back from RT.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta
from typing import Any

import pytest

from noc_console.connectors.errors import ActionRejected, AuthFailed, Conflict
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.request_tracker.connector import (
    DEFAULT_MAPPING,
    RequestTrackerConnector,
    RtOptions,
    rt_client,
)
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority, Status, Tier
from noc_console.services.engine import SyncEngine
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.http_fake import running
from tests.fakes.interposer import Interposer
from tests.peers.request_tracker import ROOT, RtServer, comments


def connector(
    rt: RtServer, *, user: tuple[str, str] = ROOT, url: str = "", name: str = "rt", **options: Any
) -> RequestTrackerConnector:
    settings = HttpSettings(url or rt.url, read_timeout=30, retries=0, allow_insecure_http=True)
    http = rt_client(name, settings, "basic", user[0], user[1])
    return RequestTrackerConnector(name, http, RtOptions(**options), "Request Tracker")


@pytest.fixture(scope="module")
def rt(rt_server: RtServer) -> RtServer:
    """The session's RT with what these tests need: a client queue, a tier field, a user."""
    if not rt_server.api("GET", "/queue/Acme").ok:
        rt_server.create_queue("Acme", "Acme Corp")
        rt_server.create_custom_field("Tier")
        rt_server.create_custom_field("Level", applied=False)  # on no queue: writes ignored
        rt_server.create_user("tech1", "tech1pass")
        rt_server.grant("tech1", "Acme", "ShowTicket", "SeeQueue")  # may look, not touch
    return rt_server


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def synced(store: Store, rt: RtServer, clock: ManualClock, **options: Any) -> Any:
    clock.set(clock.now() + timedelta(minutes=1))
    return SyncService(connector(rt, **options), store, clock).sync_once(reconcile=True)


def row(store: Store, ticket: str) -> Any:
    (found,) = store.rows([IncidentKey("rt", ticket)])
    return found


def stored(store: Store, ticket: str) -> dict[str, Any]:
    found = store.details(IncidentKey("rt", ticket))
    assert found is not None
    return found[0]


def test_tickets_sync_with_their_queue_as_client_and_mapped_fields(
    rt: RtServer, store: Store, clock: ManualClock
) -> None:
    urgent = rt.create_ticket("Acme", unique("VPN down at HQ"), Priority=100)
    routine = rt.create_ticket("General", unique("Printer toner low"))
    result = synced(store, rt, clock)
    assert result.ok, result.error
    hot, calm = row(store, urgent), row(store, routine)
    assert (hot.client_id, hot.priority, hot.status) == ("Acme", Priority.P1, Status.NEW)
    assert hot.assignee is None
    assert (calm.client_id, calm.priority) == ("General", Priority.P4)
    assert store.client("Acme").name == "Acme Corp"  # type: ignore[union-attr]
    assert stored(store, urgent)["source_status"] == "new"

    rt.api("PUT", f"/ticket/{urgent}", json={"Status": "open", "Owner": "root"})
    assert synced(store, rt, clock).ok
    moved = row(store, urgent)
    assert (moved.status, moved.assignee) == (Status.IN_PROGRESS, "root")
    assert stored(store, urgent)["responded_at"] is not None  # RT's Started: left "new"


def test_a_sync_pages_through_every_ticket(rt: RtServer, store: Store, clock: ManualClock) -> None:
    created = {rt.create_ticket("General", unique("Disk alert")) for _ in range(7)}
    source = connector(rt, page_size=3)
    result = SyncService(source, store, clock).sync_once()
    assert result.ok
    assert created <= {r.key.external_id for r in store.open_rows()}
    assert source.http.requests_made >= 3  # at least three pages of three


def test_triage_from_the_outbox_lands_in_rt(rt: RtServer, store: Store, clock: ManualClock) -> None:
    ticket = rt.create_ticket("Acme", unique("Core switch flapping"), Priority=50)
    assert synced(store, rt, clock).ok
    outbox = OutboxService(store, clock, random.Random(1))
    key = IncidentKey("rt", ticket)
    steps = [
        Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}),
        Action(key, ActionKind.ASSIGN, {"assignee": "root"}, expected={"assignee": None}),
        Action(key, ActionKind.NOTE, {"text": "Looking at the uplinks", "internal": True}),
        Action(key, ActionKind.NOTE, {"text": "We are on it", "internal": False}),
        Action(key, ActionKind.PRIORITY, {"impact": 1, "urgency": 2, "priority": "P2"},
               expected={"priority": "P3"}),
        Action(key, ActionKind.TIER, {"tier": "L2", "reason": "needs network"},
               expected={"tier": "L1"}),
        Action(key, ActionKind.STATUS, {"status": "waiting_customer"}),
        Action(key, ActionKind.RESOLVE, {"text": "Replaced the SFP; link stable"}),
    ]  # fmt: skip
    for action in steps:
        outbox.submit(action)
    report = outbox.deliver(connector(rt))
    assert report.delivered == len(steps), store.outbox()
    after = rt.ticket(ticket)
    assert after["Status"] == "resolved"
    assert after["Owner"]["id"] == "root"  # type: ignore[index]
    assert after["Priority"] == "75"
    tier = {cf["name"]: cf["values"] for cf in after["CustomFields"]}  # type: ignore[attr-defined]
    assert tier["Tier"] == ["L2"]
    notes = comments(rt, ticket)
    assert [kind for kind, _ in notes] == ["Comment", "Correspond", "Comment"]
    assert "Looking at the uplinks" in notes[0][1]
    assert "We are on it" in notes[1][1]
    assert "Replaced the SFP" in notes[2][1]
    assert synced(store, rt, clock).ok
    final = row(store, ticket)
    assert (final.status, final.tier, final.priority) == (Status.RESOLVED, Tier.L2, Priority.P2)


def test_a_field_changed_in_rt_meanwhile_is_a_conflict(
    rt: RtServer, store: Store, clock: ManualClock
) -> None:
    ticket = rt.create_ticket("Acme", unique("Backup job failed"))
    assert synced(store, rt, clock).ok
    rt.api("PUT", f"/ticket/{ticket}", json={"Status": "resolved"})  # someone closed it in RT
    outbox = OutboxService(store, clock, random.Random(1))
    outbox.submit(
        Action(
            IncidentKey("rt", ticket),
            ActionKind.STATUS,
            {"status": "waiting_customer"},
            expected={"status": "new"},
        )
    )
    report = outbox.deliver(connector(rt))
    assert report.conflicts == 1
    (queued,) = store.outbox(key=IncidentKey("rt", ticket))
    assert queued.state is ActionState.CONFLICT
    assert queued.theirs == {"status": "resolved"}
    assert rt.ticket(ticket)["Status"] == "resolved"  # RT keeps its value until the user decides


def test_a_denied_update_answered_with_200_is_a_failure(
    rt: RtServer, store: Store, clock: ManualClock
) -> None:
    ticket = rt.create_ticket("Acme", unique("Firewall CPU high"))
    assert synced(store, rt, clock).ok
    outbox = OutboxService(store, clock, random.Random(1))
    outbox.submit(Action(IncidentKey("rt", ticket), ActionKind.ACKNOWLEDGE,
                         expected={"status": "new"}))  # fmt: skip
    report = outbox.deliver(connector(rt, user=("tech1", "tech1pass")))
    assert report.failed == 1
    (queued,) = store.outbox(key=IncidentKey("rt", ticket))
    assert queued.state is ActionState.FAILED
    assert "Permission Denied" in (queued.last_error or "")
    assert not queued.retryable
    assert rt.ticket(ticket)["Status"] == "new"


def test_a_write_rt_ignores_says_in_words_what_did_not_change_and_what_to_check(
    rt: RtServer,
) -> None:
    """Issue 15: this was "RT did not apply {'CustomFields': …} (now {'tier': <Tier.L1…>})"."""
    ticket = rt.create_ticket("Acme", unique("Core switch flapping"))
    escalate = Action(IncidentKey("rt", ticket), ActionKind.TIER, {"tier": "L2"})
    with pytest.raises(ActionRejected) as raised:
        connector(rt, tier_field="Level").apply(escalate, retry=False)
    assert str(raised.value) == (
        f"rt: RT did not change Level to L2 on ticket {ticket} (it is still L1) — check that "
        "the Level custom field is applied to the queue and the API user may modify it"
    )


def priority_change(ticket: str) -> Action:
    change = {"impact": 1, "urgency": 1, "priority": "P1"}
    return Action(IncidentKey("rt", ticket), ActionKind.PRIORITY, change,
                  expected={"priority": "P3"})  # fmt: skip


def test_an_if_match_clash_reports_only_the_fields_that_differ(rt: RtServer) -> None:
    """Issue 15: a priority-only clash reported status, assignee, priority and tier."""
    ticket = rt.create_ticket("Acme", unique("Disk latency"), Priority=50)
    with running(Interposer(rt.url)) as proxy:
        proxy.before("PUT", f"/ticket/{ticket}",  # someone raises it between read and write
                     lambda: rt.api("PUT", f"/ticket/{ticket}", json={"Priority": 75}))  # fmt: skip
        with pytest.raises(Conflict) as raised:
            connector(rt, url=proxy.url).apply(priority_change(ticket), retry=False)
    assert proxy.count("PUT") == 1
    assert raised.value.theirs == {"priority": Priority.P2}
    assert rt.ticket(ticket)["Priority"] == "75"


def test_an_if_match_clash_on_fields_the_action_leaves_alone_is_no_conflict(
    rt: RtServer,
) -> None:
    ticket = rt.create_ticket("Acme", unique("Disk latency"), Priority=50)
    with running(Interposer(rt.url)) as proxy:
        take = {"Owner": "root"}  # someone takes it between our read and our write
        proxy.before("PUT", f"/ticket/{ticket}",
                     lambda: rt.api("PUT", f"/ticket/{ticket}", json=take))  # fmt: skip
        connector(rt, url=proxy.url).apply(priority_change(ticket), retry=False)
    assert proxy.count("PUT") == 2  # the first met 412; the second carried the new ETag
    after = rt.ticket(ticket)
    assert (after["Priority"], after["Owner"]["id"]) == ("100", "root")  # type: ignore[index]


def test_a_retried_note_is_not_posted_twice(rt: RtServer) -> None:
    ticket = rt.create_ticket("General", unique("Mail queue growing"))
    source = connector(rt)
    note = Action(IncidentKey("rt", ticket), ActionKind.NOTE, {"text": "Flushed the queue"})
    source.apply(note, retry=False)
    source.apply(note, retry=True)  # as after a crash mid-request
    assert len(comments(rt, ticket)) == 1
    fresh = Action(IncidentKey("rt", ticket), ActionKind.NOTE, {"text": "Never arrived"})
    source.apply(fresh, retry=True)  # a retry of an action that never landed sends it
    assert len(comments(rt, ticket)) == 2


def test_token_auth_works_and_a_wrong_token_is_refused(rt: RtServer) -> None:
    token = rt.create_token("root")
    settings = HttpSettings(rt.url, retries=0, allow_insecure_http=True)
    good = rt_client("rt", settings, "token", "", token)
    assert RequestTrackerConnector("rt", good, RtOptions()).clients()
    bad = rt_client("rt", settings, "token", "", "1-14-0000")
    with pytest.raises(AuthFailed, match="credentials refused"):
        RequestTrackerConnector("rt", bad, RtOptions()).clients()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/REST/2.0", "nothing is answering at http://127.0.0.1:9/REST/2.0/"),
        ("{root}/", "HTML page, not JSON"),
    ],
)
def test_a_wrong_url_says_what_is_wrong(
    rt: RtServer, store: Store, clock: ManualClock, url: str, message: str
) -> None:
    root = rt.url.removesuffix("/REST/2.0")
    result = SyncService(connector(rt, url=url.format(root=root)), store, clock).sync_once()
    assert not result.ok
    assert message in (result.error or "")


def test_a_queue_the_mapping_does_not_know_is_skipped_and_named(
    rt: RtServer, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    mapped = rt.create_ticket("Acme", unique("UPS on battery"))
    unmapped = rt.create_ticket("General", unique("Unmapped queue ticket"))
    mapping = DEFAULT_MAPPING.overridden({"client": {"Acme": "acme"}})
    with caplog.at_level(logging.WARNING):
        result = synced(store, rt, clock, mapping=mapping)
    assert result.ok
    assert row(store, mapped).client_id == "acme"
    assert not store.rows([IncidentKey("rt", unmapped)])
    assert f"skipped RT ticket {unmapped}: queue 'General' is not mapped" in caplog.text
    state = store.sync_state("rt")  # what the status bar shows
    assert state.skipped >= 1
    assert "queue 'General' is not mapped to a client" in (state.skip_note or "")


def test_one_broken_connector_does_not_stop_the_others(
    rt: RtServer, store: Store, clock: ManualClock
) -> None:
    ticket = rt.create_ticket("Acme", unique("Link down"))
    broken = connector(rt, user=("root", "wrong"), name="rt-old")
    engine = SyncEngine(store, [broken, connector(rt)], clock)
    events = {e.connector: e for e in engine.run_once()}
    good, failed = events["rt"].synced, events["rt-old"].synced
    assert good is not None
    assert good.ok
    assert failed is not None
    assert "credentials refused" in (failed.error or "")
    assert row(store, ticket).status is Status.NEW


def test_a_major_incident_link_is_rt_refers_to_and_a_retry_adds_nothing(rt: RtServer) -> None:
    lead = rt.create_ticket("Acme", unique("Internet circuit down at Oslo"))
    child = rt.create_ticket("General", unique("No internet at Oslo office"))
    source = connector(rt)
    link = Action(IncidentKey("rt", child), ActionKind.LINK,
                  {"refers_to": [lead], "reference": "MI-1"})  # fmt: skip
    source.apply(link, retry=False)
    source.apply(link, retry=True)  # as after a crash mid-request: "Link already exists"

    def refers_to(ticket: str) -> list[str]:
        links: list[dict[str, Any]] = rt.ticket(ticket)["_hyperlinks"]  # type: ignore[assignment]
        return [str(h["id"]) for h in links if h.get("ref") == "refers-to"]

    assert refers_to(child) == [lead]
    missing = Action(IncidentKey("rt", child), ActionKind.LINK, {"refers_to": ["999999"]})
    with pytest.raises(ActionRejected, match=r"RT refused to link ticket \d+ to 999999"):
        source.apply(missing, retry=False)
