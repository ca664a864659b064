"""The Zendesk connector against the Zendesk fake (tests/fakes/fake_zendesk.py) over
real HTTP.

Reading (the incremental export under its 10 requests/minute, the search export and
show_many for open tickets, mapping, SLA metrics), auth (API token, OAuth, a token
revoked mid-sync), limits (a 429 storm), every write-back action with safe_update
conflicts and retries, the bad input the issue names, and the connection test. The
export limiter's clock is a virtual one that moves the fake's clock as it "sleeps":
no test waits real minutes.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from noc_console.connectors.errors import ActionRejected, AuthFailed, Conflict, RateLimited
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.zendesk.connector import (
    DEFAULT_MAPPING,
    ZendeskConnector,
    ZendeskOptions,
    export_limiter,
    zendesk_client,
)
from noc_console.connectors.zendesk.probe import probe_zendesk
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.connectors.triage_steps import every_kind
from tests.fakes.fake_zendesk import FakeZendesk
from tests.fakes.http_fake import Gate, running


class Virtual:
    """The export limiter's clock and sleep: sleeping moves this clock and the fake's."""

    def __init__(self, zd: FakeZendesk) -> None:
        self.zd, self.now, self.slept = zd, 0.0, 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds
        self.zd.advance(seconds)


@pytest.fixture
def zd() -> Iterator[FakeZendesk]:
    """A Zendesk fake with 30 tickets (ids 101–130), on 127.0.0.1."""
    fake = FakeZendesk()
    fake.seed(30)
    with running(fake) as server:
        yield server


def connector(zd: FakeZendesk, *, secret: str | None = None, oauth: bool = False,
              waits: list[float] | None = None, virtual: Virtual | None = None,
              **options: Any) -> ZendeskConnector:  # fmt: skip
    settings = HttpSettings(zd.url, read_timeout=10, retries=2, backoff=0.0,
                            allow_insecure_http=True)  # fmt: skip
    http = zendesk_client("zd", settings, zd.email, zd.api_token if secret is None else secret,
                          oauth, sleep=(waits if waits is not None else []).append)  # fmt: skip
    virtual = virtual or Virtual(zd)
    return ZendeskConnector("zd", http, ZendeskOptions(**options), "Zendesk",
                            export_limiter(virtual.clock, virtual.sleep))  # fmt: skip


def incidents(pages: Iterator[Any]) -> list[Incident]:
    return [i for page in pages for i in page.incidents]


def unsolved(zd: FakeZendesk) -> set[str]:
    open_statuses = ("new", "open", "pending", "hold")
    return {str(t["id"]) for t in zd.tickets.values() if t["status"] in open_statuses}


def act(ticket: int, kind: ActionKind, payload: dict[str, Any] | None = None,
        **kw: Any) -> Action:  # fmt: skip
    return Action(IncidentKey("zd", str(ticket)), kind, payload or {}, **kw)


# ---------------------------------------------------------------- reading
def test_a_first_sync_reads_every_unsolved_ticket_once(zd: FakeZendesk) -> None:
    zd.seed(250, seed=2)
    pages = list(connector(zd, page_size=100).fetch_changed(None))
    found = [i.external_id for page in pages for i in page.incidents]
    assert sorted(found) == sorted(unsolved(zd))
    assert [p.watermark for p in pages[:-1]] == [None] * (len(pages) - 1)
    newest = max(t["updated_at"] for t in zd.tickets.values() if str(t["id"]) in found)
    assert pages[-1].watermark is not None
    assert pages[-1].watermark.strftime("%Y-%m-%dT%H:%M:%SZ") == newest
    assert zd.count("GET", "/api/v2/incremental") == 0  # not the 10/minute endpoint
    assert zd.count("GET", "/api/v2/tickets/show_many.json") == -(-len(found) // 100)


def test_the_export_keeps_under_ten_requests_a_minute(zd: FakeZendesk) -> None:
    zd.seed(60, seed=3)
    zd.advance(120)
    virtual = Virtual(zd)
    waits: list[float] = []
    source = connector(zd, page_size=5, virtual=virtual, waits=waits)
    found = incidents(source.fetch_changed(zd.now - timedelta(days=30)))
    requests = zd.count("GET", "/api/v2/incremental/tickets/cursor.json")
    assert {i.external_id for i in found} == {str(t) for t in zd.tickets}
    assert requests == 18  # 90 tickets, 5 a page; the last says end_of_stream
    assert virtual.slept == pytest.approx(6.0 * (requests - 1))  # one every 6 s
    assert waits == []  # Zendesk never had to refuse one (no 429 waited out)


def test_without_our_limiter_zendesk_refuses_the_eleventh_export(zd: FakeZendesk) -> None:
    zd.advance(120)
    source = connector(zd, page_size=2)
    source.exports.per_second = 0  # the limiter off: what a naive client does
    with pytest.raises(RateLimited):
        list(source.fetch_changed(zd.now - timedelta(days=30)))
    assert zd.count("GET", "/api/v2/incremental/tickets/cursor.json") >= 11


def test_incremental_sync_asks_only_for_changes(zd: FakeZendesk) -> None:
    source = connector(zd)
    since = zd.now
    zd.advance(10)
    zd.update_ticket(105, subject="Disk full on FS01")
    added = zd.add_ticket("New alert", organization_id=361)
    zd.advance(61)  # Zendesk leaves out the last minute
    changed = list(source.fetch_changed(since))
    assert sorted(i.external_id for i in incidents(iter(changed))) == ["105", str(added["id"])]
    assert changed[-1].watermark == (since + timedelta(seconds=10)).replace(microsecond=0)


def test_an_edit_during_the_export_is_read_by_the_next_one(zd: FakeZendesk) -> None:
    """An edit bumps the ticket's `generated_timestamp` past every page's watermark, so
    the export that resumes from the watermark reads it (Zendesk leaves out the last
    minute, so this one may not)."""
    zd.advance(120)
    source = connector(zd, page_size=10)
    pages = list(source.fetch_changed(zd.now - timedelta(days=30)))[:1]
    moved = int(pages[0].incidents[0].external_id)
    zd.update_ticket(moved, subject="edited mid-sync")
    pages += source.fetch_changed(zd.now - timedelta(days=30))  # the rest, as it goes on
    watermark = max(p.watermark for p in pages if p.watermark is not None)
    zd.advance(61)
    again = incidents(source.fetch_changed(watermark))
    assert (str(moved), "edited mid-sync") in [(i.external_id, i.title) for i in again]


def test_fields_map_with_zendesk_due_dates(zd: FakeZendesk) -> None:
    created = zd.now - timedelta(hours=1)
    ticket = zd.add_ticket("Firewall down", created=created, status="pending", priority="urgent",
                           assignee_id=702, group_id=92, organization_id=361)  # fmt: skip
    (found,) = [i for i in incidents(connector(zd).fetch_changed(None))
                if i.external_id == str(ticket["id"])]  # fmt: skip
    assert (found.status, found.source_status) == (Status.WAITING_CUSTOMER, "pending")
    assert (found.priority, found.tier, found.assignee) == (Priority.P1, Tier.L2, "Blair Jones")
    assert found.client_id == "Globex Corporation"
    whole = created.replace(microsecond=0)
    assert found.created_at == whole
    assert found.response_due == whole + timedelta(minutes=15)  # first_reply_time breach_at
    assert found.resolution_due == whole + timedelta(hours=4)  # requester_wait_time


def test_oauth_access_tokens_work_too(zd: FakeZendesk) -> None:
    found = incidents(connector(zd, secret=zd.issue_oauth_token(), oauth=True).list_open())
    assert {i.external_id for i in found} == unsolved(zd)


# ---------------------------------------------------------------- bad input and limits
def test_bad_records_are_skipped_and_logged_with_their_id(
    zd: FakeZendesk, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    zd.update_ticket(103, status="open")
    zd.tickets[103]["status"] = "archived"  # a status the mapping does not know
    zd.update_ticket(104, status="open", organization_id=999)  # deleted organization
    zd.update_ticket(106, status="open", organization_id=None)
    zd.update_ticket(109, status="open", group_id="abc")  # untrusted: not even a number
    result = SyncService(connector(zd), store, clock).sync_once()
    assert result.ok
    assert result.changes.skipped == 4
    assert "skipped Zendesk ticket 109: invalid literal" in caplog.text
    checks = {c.step: c for c in probe_zendesk(connector(zd))}  # the test does not crash
    assert checks["tiers"].ok is None  # … and names the odd group as unmapped
    assert "skipped Zendesk ticket 103: status 'archived' is not mapped" in caplog.text
    assert "skipped Zendesk ticket 104: organization 999 no longer exists" in caplog.text
    kept = connector(zd, mapping=DEFAULT_MAPPING.overridden({"default_client": "Unfiled"}))
    zd.advance(61)  # past the minute the export leaves out
    assert SyncService(kept, store, clock).sync_once().ok
    (row,) = store.rows([IncidentKey("zd", "104")])
    assert row.client_id == "Unfiled"


def test_a_deleted_ticket_closes_on_the_board(
    zd: FakeZendesk, store: Store, clock: ManualClock
) -> None:
    source = connector(zd)
    zd.update_ticket(107, status="open")
    assert SyncService(source, store, clock).sync_once().ok
    zd.advance(10)
    zd.delete_ticket(107)
    zd.advance(61)
    clock.advance(timedelta(seconds=71))
    assert SyncService(source, store, clock).sync_once().ok
    (row,) = store.rows([IncidentKey("zd", "107")])
    assert row.status == Status.CLOSED


def test_a_token_revoked_mid_sync_ends_that_sync_cleanly(
    zd: FakeZendesk, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    zd.seed(150, seed=4)
    source = connector(zd, page_size=100)
    assert SyncService(source, store, clock).sync_once().ok
    pages = source.list_open()
    first = next(pages)
    zd.revoke()  # an admin rotates the API token while we read
    with pytest.raises(AuthFailed, match="credentials refused"):
        list(pages)  # a typed failure, not a crash
    assert first.incidents
    result = SyncService(source, store, clock).sync_once()
    assert not result.ok
    assert "credentials refused (HTTP 401): Couldn't authenticate you" in (result.error or "")
    assert len(store.open_rows()) == len(unsolved(zd))  # the board keeps what it had


def test_a_429_storm_ends_the_sync_until_retry_after(
    zd: FakeZendesk, store: Store, clock: ManualClock
) -> None:
    source = connector(zd)
    assert SyncService(source, store, clock).sync_once().ok
    zd.inject("429", "/api/v2/incremental", seconds=60, times=5)
    clock.advance(timedelta(seconds=30))
    result = SyncService(source, store, clock).sync_once(reconcile=False)
    assert not result.ok
    assert result.retry_at == clock.now() + timedelta(seconds=60)
    assert len(store.open_rows()) == len(unsolved(zd))  # the board keeps what it had


# ---------------------------------------------------------------- writing
def test_every_action_kind_lands_in_zendesk_through_the_outbox(
    zd: FakeZendesk, store: Store, clock: ManualClock
) -> None:
    ticket = zd.add_ticket("Core switch flapping", status="new", priority="normal", group_id=91)
    assert SyncService(connector(zd), store, clock).sync_once().ok
    key = IncidentKey("zd", str(ticket["id"]))
    steps = every_kind(key, "waiting_vendor")
    outbox = OutboxService(store, clock, random.Random(1))
    for action in steps:
        outbox.submit(action)
    report = outbox.deliver(connector(zd))
    assert report.delivered == len(steps), store.outbox()
    after = zd.tickets[ticket["id"]]
    assert (after["status"], after["assignee_id"], after["priority"], after["group_id"]) == (
        "solved", 703, "high", 93)  # fmt: skip
    notes = [(c["body"].split("\n")[0], c["public"]) for c in zd.comments[ticket["id"]][1:]]
    assert notes == [("Looking at the uplinks", False), ("We are on it", True),
                     ("Replaced the SFP", False)]  # fmt: skip
    fields = [w for _, w in zd.writes if "comment" not in w or "status" in w]
    assert all(w["safe_update"] is True and w["updated_stamp"] for w in fields)
    assert [q.state for q in store.outbox()] == [ActionState.DELIVERED] * 8


def test_a_changed_field_is_a_conflict_unless_forced(zd: FakeZendesk) -> None:
    source = connector(zd)
    zd.update_ticket(102, status="hold")  # someone moved it in Zendesk
    ack = act(102, ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    with pytest.raises(Conflict) as raised:
        source.apply(ack, retry=False)
    assert raised.value.theirs == {"status": Status.WAITING_VENDOR}
    assert zd.writes == []
    forced = act(102, ActionKind.ACKNOWLEDGE, expected={"status": "new"}, force=True)
    version = source.apply(forced, retry=False)
    assert zd.tickets[102]["status"] == "open"
    assert version.startswith(zd.tickets[102]["updated_at"])


def test_safe_update_catches_an_edit_between_our_read_and_write(zd: FakeZendesk) -> None:
    """Zendesk's own lock: the PUT carries the `updated_at` we read; an edit in between
    makes Zendesk refuse it (409). The same field moved: a conflict. Another field: the
    update goes again with the new stamp."""
    source = connector(zd)
    for edit, outcome in (({"status": "hold"}, "conflict"), ({"subject": "renamed"}, "sent")):
        zd.update_ticket(108, status="new")
        zd.advance(1)
        puts = zd.count("PUT")
        read, write = zd.hold("/api/v2/tickets/108.json"), zd.hold("/api/v2/tickets/108.json")

        def meanwhile(read: Gate = read, write: Gate = write, fields: Any = edit) -> None:
            read.arrived.wait(10)
            read.release.set()  # our read gets the ticket as it is …
            write.arrived.wait(10)
            zd.advance(1)
            zd.update_ticket(108, **fields)  # … someone edits it before our PUT lands
            write.release.set()

        helper = threading.Thread(target=meanwhile)
        helper.start()
        ack = act(108, ActionKind.ACKNOWLEDGE, expected={"status": "new"})
        if outcome == "conflict":
            with pytest.raises(Conflict) as raised:
                source.apply(ack, retry=False)
            assert raised.value.theirs == {"status": Status.WAITING_VENDOR}
            assert zd.count("PUT") == puts + 1  # refused with 409, not sent again
        else:
            source.apply(ack, retry=False)
            assert zd.tickets[108]["status"] == "open"
            assert zd.count("PUT") == puts + 2  # 409, then again with the new stamp
        helper.join()


def test_a_retry_does_not_repeat_what_already_landed(zd: FakeZendesk) -> None:
    source = connector(zd)
    zd.update_ticket(106, status="new")
    ack = act(106, ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    source.apply(ack, retry=False)
    writes = len(zd.writes)
    source.apply(ack, retry=True)  # the answer was lost; the status is already there
    assert len(zd.writes) == writes
    note = act(106, ActionKind.NOTE, {"text": "Called the user"})
    source.apply(note, retry=False)
    source.apply(note, retry=True)
    assert [c["body"].split("\n")[0] for c in zd.comments[106][1:]] == ["Called the user"]
    source.apply(note, retry=False)  # without retry it is sent again (as told)
    assert len(zd.comments[106]) == 3


def test_refusals_are_rejections_with_zendesks_words(zd: FakeZendesk) -> None:
    source = connector(zd)
    zd.update_ticket(101, status="closed")
    with pytest.raises(ActionRejected, match="Status: closed prevents ticket update"):
        source.apply(act(101, ActionKind.ACKNOWLEDGE), retry=False)
    stranger = act(102, ActionKind.ASSIGN, {"assignee": "Nobody Known"})
    with pytest.raises(ActionRejected, match="Zendesk has no agent named 'Nobody Known'"):
        source.apply(stranger, retry=False)
    assert zd.writes == []


def test_escalation_without_a_group_for_the_tier_names_the_mapping_key(zd: FakeZendesk) -> None:
    del zd.groups[93]  # "Tier 3"
    with pytest.raises(ActionRejected) as raised:
        connector(zd).apply(act(101, ActionKind.TIER, {"tier": "L3"}), retry=False)
    assert 'set [connectors.mapping.tier] "<group>" = "L3"' in str(raised.value)


# ---------------------------------------------------------------- connection test
def test_probe_walks_every_step(zd: FakeZendesk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    checks = {c.step: c for c in probe_zendesk(connector(zd))}
    steps = ("reachable", "authenticated", "can read incidents", "SLA data", "can write",
             "statuses", "status targets", "priorities", "priority targets", "tiers",
             "escalation", "limits")  # fmt: skip
    assert list(checks) == list(steps)
    assert [checks[s].ok for s in steps] == [True] * len(steps), checks
    assert f"{len(unsolved(zd))} unsolved tickets" in checks["can read incidents"].detail
    assert "10 requests a minute" in checks["limits"].detail
    refused = {c.step: c for c in probe_zendesk(connector(zd, secret="nope"))}
    assert refused["reachable"].ok
    assert refused["authenticated"].ok is False
    assert "nope" not in caplog.text


def test_a_major_incident_link_is_refused_in_one_line_and_nothing_is_sent(
    zd: FakeZendesk,
) -> None:
    link = Action(IncidentKey("zd", "102"), ActionKind.LINK,
                  {"refers_to": ["101"], "reference": "MI-7"})  # fmt: skip
    with pytest.raises(ActionRejected) as refused:
        connector(zd).apply(link, retry=False)
    assert str(refused.value) == (
        "zd: not linked natively — Zendesk relates an incident only to a problem ticket "
        "(problem_id), which would make the lead a problem; the internal note names the "
        "major incident"
    )
    assert zd.count() == 0
