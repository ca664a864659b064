"""The HaloPSA connector against the Halo fake (tests/fakes/fake_halo.py) over real HTTP.

Reading (paging, incremental, mapping, SLA dates), tokens (cache, renewal, 401s,
redaction), limits (429), Halo's error shapes, every write-back action with conflicts
and retries, the bad input the issue names, and the connection test.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from noc_console.connectors.errors import (
    ActionRejected,
    AuthFailed,
    Conflict,
    ConnectorUnavailable,
    RateLimited,
)
from noc_console.connectors.halo.auth import HaloToken
from noc_console.connectors.halo.connector import (
    DEFAULT_MAPPING,
    HaloConnector,
    HaloOptions,
    halo_client,
)
from noc_console.connectors.halo.declaration import HaloSettings
from noc_console.connectors.halo.probe import probe_halo
from noc_console.connectors.halo.records import halo_date
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.mapping.lines import as_toml
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.models.major_incident import MajorIncident
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import Declaration, declare
from noc_console.services.major_incident.desk import linking_sources
from noc_console.services.outbox import OutboxService
from noc_console.services.sources.config import ConnectorConfig
from noc_console.services.sync import SyncService
from tests.connectors.token_clock import Seconds
from tests.connectors.triage_steps import every_kind
from tests.factories import board_row
from tests.fakes.fake_halo import ERROR_SHAPES, FakeHalo, halo_time


def connector(
    halo: FakeHalo,
    *,
    secret: str = "s3cret",
    waits: list[float] | None = None,
    clock: Seconds | None = None,
    retries: int = 2,
    **options: Any,
) -> HaloConnector:
    settings = HttpSettings(halo.url, read_timeout=10, retries=retries, backoff=0.0,
                            allow_insecure_http=True)  # fmt: skip
    token = HaloToken(halo.client_id, secret, clock=clock or Seconds())
    http, token = halo_client("halo", settings, halo.client_id, secret, token=token,
                              sleep=(waits if waits is not None else []).append)  # fmt: skip
    return HaloConnector("halo", http, token, HaloOptions(**options), "HaloPSA")


def incidents(pages: Iterator[Any]) -> list[Incident]:
    return [i for page in pages for i in page.incidents]


def open_ids(halo: FakeHalo) -> set[str]:
    return {str(t["id"]) for t in halo.tickets.values() if t["status_id"] != 9}


def ack(ticket: int, **kw: Any) -> Action:
    return Action(IncidentKey("halo", str(ticket)), ActionKind.ACKNOWLEDGE, **kw)


# ---------------------------------------------------------------- reading
def test_a_full_sync_reads_every_open_ticket_exactly_once(halo: FakeHalo) -> None:
    halo.seed(220, seed=2)
    source = connector(halo, page_size=1000)  # the fake clamps to 100
    seen = Counter(i.external_id for i in incidents(source.fetch_changed(None)))
    assert set(seen) == open_ids(halo)
    assert max(seen.values()) == 1
    pages = -(-len(open_ids(halo)) // 100)
    assert pages <= halo.count("GET", "/api/Tickets") <= pages + 1  # +1 only on a tie


def test_pages_walk_by_change_marker_so_an_edit_mid_sync_is_not_missed(halo: FakeHalo) -> None:
    source = connector(halo, page_size=10)
    pages = source.fetch_changed(None)
    first = next(pages)
    halo.advance(5)
    moved = first.incidents[0].external_id  # edited in Halo while we read on
    halo.update_ticket(int(moved), summary="edited mid-sync")
    rest = incidents(pages)
    assert {i.external_id for i in [*first.incidents, *rest]} == open_ids(halo)
    assert any(i.external_id == moved and i.title == "edited mid-sync" for i in rest)
    assert first.watermark is not None  # each page may be resumed from


def test_incremental_sync_asks_only_for_changes(halo: FakeHalo) -> None:
    source = connector(halo)
    list(source.fetch_changed(None))
    halo.advance(600)
    since = halo.now
    halo.update_ticket(4005, summary="Disk full on FS01")
    halo.add_ticket("New alert", client_id=13)
    changed = list(source.fetch_changed(since - timedelta(seconds=1)))
    assert sorted(i.external_id for i in incidents(iter(changed))) == ["4005", "4031"]
    assert changed[-1].watermark == since


def test_fields_map_by_name_with_halo_due_dates(halo: FakeHalo) -> None:
    created = halo.now - timedelta(hours=1)
    ticket = halo.add_ticket("Firewall down", created=created, status_id=4, priority_id=1,
                             agent_id=3, team="2nd Line", client_id=13)  # fmt: skip
    (found,) = [i for i in incidents(connector(halo).fetch_changed(None))
                if i.external_id == str(ticket["id"])]  # fmt: skip
    assert (found.status, found.source_status) == (Status.WAITING_CUSTOMER, "Waiting on User")
    assert (found.priority, found.tier, found.assignee) == (Priority.P1, Tier.L2, "Blair Jones")
    assert found.client_id == "Globex Corporation"
    assert found.created_at == created.replace(microsecond=0)
    assert found.response_due == created.replace(microsecond=0) + timedelta(minutes=30)
    assert found.resolution_due == created.replace(microsecond=0) + timedelta(hours=4)
    assert found.responded_at is None  # 1900-01-01: not responded yet
    assert found.resolved_at is None
    assert found.created_at.tzinfo is UTC


def test_mapping_overrides_from_config_win(halo: FakeHalo) -> None:
    mapping = DEFAULT_MAPPING.overridden(
        {
            "status": {"Action Required": Status.WAITING_VENDOR},
            "client": {"Acme Corp": "acme"},
            "default_client": "other",
        }
    )
    halo.update_ticket(4001, status_id=3, client_id=12)
    halo.update_ticket(4002, status_id=2, client_id=14)
    source = connector(halo, mapping=mapping)
    found = {i.external_id: i for i in incidents(source.fetch_changed(None))}
    assert (found["4001"].status, found["4001"].client_id) == (Status.WAITING_VENDOR, "acme")
    assert found["4002"].client_id == "other"
    assert {c.id for c in source.clients()} == {"acme", "other"}


def test_clients_come_from_halo(halo: FakeHalo) -> None:
    names = {c.name for c in connector(halo).clients()}
    assert "Acme Corp" in names
    assert "Vandelay Industries" in names


def test_a_lookup_served_again_on_every_page_is_stopped(halo: FakeHalo) -> None:
    """Gained with paging.follow: Halo's lookups page by number until `record_count`
    is covered, so a server ignoring `page_no` was read page after page (the same
    clients each time) until the page cap; it is now stopped at the first repeat."""
    same = {"record_count": 1_000_000, "clients": [{"id": 12, "name": "Acme Corp"}]}
    halo.inject("200", "/api/Client", body=same, times=50)
    with pytest.raises(ConnectorUnavailable, match="holds the same records as the page before"):
        connector(halo).clients()
    assert halo.count("GET", "/api/Client") == 2


def test_open_tickets_served_again_on_every_page_stop_the_mapping_check(halo: FakeHalo) -> None:
    """Gained with paging.follow: the connection test's walk over the open tickets had
    its own loop, capped at 1,000 pages and without the listing's other limits."""
    source = connector(halo)
    source.lookups()
    same = {"record_count": 1_000_000, "tickets": [halo.tickets[4001]]}
    halo.inject("200", "/api/Tickets", body=same, times=50)
    checks = {c.step: c for c in probe_halo(source)}
    assert checks["mapping"].ok is False
    assert "holds the same records as the page before" in checks["mapping"].detail
    assert halo.count("GET", "/api/Tickets") == 3  # "can read incidents", then two pages


# ---------------------------------------------------------------- tokens
def test_the_token_is_cached_and_renewed_before_it_expires(halo: FakeHalo) -> None:
    clock = Seconds()
    source = connector(halo, clock=clock)
    list(source.fetch_changed(None))
    list(source.list_open())
    assert halo.count("POST", "/auth/token") == 1
    clock.now += 3600 - 59  # inside the last minute of its life: renew first
    list(source.list_open())
    assert halo.count("POST", "/auth/token") == 2
    assert source.token.renewals == 2


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_a_token_that_dies_mid_sync_is_renewed_once(halo: FakeHalo, how: str) -> None:
    source = connector(halo, page_size=10)
    pages = source.fetch_changed(None)
    first = next(pages)
    if how == "expired":
        halo.advance(3600)  # Halo's clock: the token is dead, ours still trusts it
    else:
        halo.new_token_revokes_old = True
        halo.tokens.clear()
    rest = incidents(pages)
    assert {i.external_id for i in [*first.incidents, *rest]} == open_ids(halo)
    assert source.token.renewals == 2


def test_a_second_401_is_auth_failed(halo: FakeHalo) -> None:
    source = connector(halo)
    source.lookups()
    halo.inject("401", "/api/Tickets", times=2)
    with pytest.raises(AuthFailed, match="credentials refused"):
        list(source.list_open())


def test_a_wrong_client_secret_says_what_to_fix_and_never_shows_it(halo: FakeHalo) -> None:
    with pytest.raises(AuthFailed) as raised:
        list(connector(halo, secret="hunter2-wrong").fetch_changed(None))
    message = str(raised.value)
    assert "Invalid client credentials" in message
    assert "client secret stored in the keyring" in message
    assert "hunter2-wrong" not in message


def test_tokens_never_reach_a_log(halo: FakeHalo, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    source = connector(halo, page_size=10)
    pages = source.fetch_changed(None)
    next(pages)
    halo.advance(3600)
    list(pages)
    tokens = list(halo.tokens)
    assert len(tokens) == 2
    for token in tokens:
        logging.getLogger("noc_console.test").warning("leak? %s", source.http.redact(token))
        assert token not in caplog.text


# ---------------------------------------------------------------- limits and errors
def test_a_short_429_is_waited_out(halo: FakeHalo) -> None:
    waits: list[float] = []
    source = connector(halo, waits=waits)
    halo.inject("429", "/api/Tickets", seconds=3)
    assert {i.external_id for i in incidents(source.fetch_changed(None))} == open_ids(halo)
    assert 3.0 in waits


def test_a_long_429_ends_the_sync_with_retry_after(
    halo: FakeHalo, store: Store, clock: ManualClock
) -> None:
    halo.inject("429", "/api/Tickets", seconds=300)
    result = SyncService(connector(halo), store, clock).sync_once()
    assert not result.ok
    assert result.retry_at == clock.now() + timedelta(seconds=300)
    halo.inject("429", "/api/Tickets", seconds=300)
    with pytest.raises(RateLimited):
        list(connector(halo).list_open())


@pytest.mark.parametrize("shape", sorted(ERROR_SHAPES))
def test_every_halo_error_shape_gives_a_clear_message(halo: FakeHalo, shape: str) -> None:
    source = connector(halo)
    source.lookups()
    expected = {"string": "An error occurred processing your request",
                "classname": "Object reference not set to an instance of an object.",
                "message": "The request is invalid.",
                "nested": "The request is invalid."}[shape]  # fmt: skip
    halo.inject_error(shape, "/api/Tickets")
    with pytest.raises(ConnectorUnavailable) as reading:  # a sync records it, never crashes
        list(source.list_open())
    assert f"refused (HTTP 400): {expected} — the server refused this read" in str(reading.value)
    halo.inject_error(shape, "/api/Actions")
    note = Action(IncidentKey("halo", "4001"), ActionKind.NOTE, {"text": "hi"})
    with pytest.raises(ActionRejected, match=expected.replace(".", r"\.")):
        source.apply(note, retry=False)


# ---------------------------------------------------------------- bad input
def test_bad_records_are_skipped_and_logged_with_their_id(
    halo: FakeHalo, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    halo.update_ticket(4003, status_id=77)  # a status Halo's /api/Status does not list
    halo.update_ticket(4004, status_id=2, client_id=13)
    halo.tickets[4004]["client_name"] = "Globex Corporation"
    halo.delete_client(13)  # the ticket keeps the name Halo printed on it
    result = SyncService(connector(halo), store, clock).sync_once()
    assert result.ok
    assert result.changes.skipped == 1
    assert "skipped Halo ticket 4003: status id 77 is not in Halo's /api/Status" in caplog.text
    assert "Halo ticket 4004: client 13 no longer exists" in caplog.text
    (row,) = store.rows([IncidentKey("halo", "4004")])
    assert row.client_id == "Globex Corporation"
    assert len(store.open_rows()) == len(open_ids(halo)) - 1


def test_an_unmapped_status_name_names_the_config_key(halo: FakeHalo) -> None:
    mapping = DEFAULT_MAPPING.overridden({})
    mapping = type(mapping)(status={"New": Status.NEW}, priority=mapping.priority)
    halo.update_ticket(4001, status_id=2)
    page = next(connector(halo, mapping=mapping).fetch_changed(None))
    assert "4001" in page.skipped
    assert any("'In Progress' is not mapped (add it under mapping.status)" in p
               for p in page.problems)  # fmt: skip


# ---------------------------------------------------------------- writing
def test_every_action_kind_lands_in_halo_through_the_outbox(
    halo: FakeHalo, store: Store, clock: ManualClock
) -> None:
    ticket = halo.add_ticket("Core switch flapping", status_id=1, priority_id=3, agent_id=1,
                             team="NOC")["id"]  # fmt: skip
    assert SyncService(connector(halo), store, clock).sync_once().ok
    key = IncidentKey("halo", str(ticket))
    steps = every_kind(key)
    outbox = OutboxService(store, clock, random.Random(1))
    for action in steps:
        outbox.submit(action)
    report = outbox.deliver(connector(halo))
    assert report.delivered == len(steps), store.outbox()
    after = halo.tickets[ticket]
    assert (after["status_id"], after["agent_id"], after["priority_id"], after["team"]) == (
        9, 4, 2, "3rd Line")  # fmt: skip
    notes = [(a["note"].split("\n")[0], a["hiddenfromuser"]) for a in halo.actions]
    assert notes == [("Looking at the uplinks", True), ("We are on it", False),
                     ("Replaced the SFP", True)]  # fmt: skip
    assert all(isinstance(body, list) and len(body) == 1 for _, _, body in halo.writes)
    resolve = halo.writes[-1]
    assert resolve[1] == "/api/Actions"
    assert resolve[2][0]["new_status"] == 9
    assert [s for s in (q.state for q in store.outbox())] == [ActionState.DELIVERED] * 8


def test_a_changed_field_is_a_conflict_unless_forced(halo: FakeHalo) -> None:
    source = connector(halo)
    halo.update_ticket(4002, status_id=4)  # someone moved it in Halo
    with pytest.raises(Conflict) as raised:
        source.apply(ack(4002, expected={"status": "new"}), retry=False)
    assert raised.value.theirs == {"status": Status.WAITING_CUSTOMER}
    assert halo.writes == []
    version = source.apply(ack(4002, expected={"status": "new"}, force=True), retry=False)
    assert halo.tickets[4002]["status_id"] == 2
    assert version.startswith(halo.tickets[4002]["last_update"])


def test_a_retry_does_not_repeat_what_already_landed(halo: FakeHalo) -> None:
    source = connector(halo)
    halo.update_ticket(4006, status_id=1)
    action = ack(4006, expected={"status": "new"})
    source.apply(action, retry=False)
    writes = len(halo.writes)
    source.apply(action, retry=True)  # the answer was lost; the status is already there
    assert len(halo.writes) == writes
    note = Action(IncidentKey("halo", "4006"), ActionKind.NOTE, {"text": "Called the user"})
    source.apply(note, retry=False)
    source.apply(note, retry=True)
    assert [a["note"].split("\n")[0] for a in halo.actions] == ["Called the user"]
    assert source.apply(note, retry=False)  # without retry it is sent again (as told)
    assert len(halo.actions) == 2


def escalate(ticket: int, tier: str = "L2") -> Action:
    return Action(IncidentKey("halo", str(ticket)), ActionKind.TIER, {"tier": tier},
                  expected={"tier": "L1"})  # fmt: skip


def test_escalation_writes_the_configured_team_not_a_default_the_tenant_lacks(
    halo: FakeHalo,
) -> None:
    """Issue 15: with "NOC L2" = "L2" configured, the default "2nd Line" was sent first."""
    halo.teams = ["NOC", "Service Desk", "NOC L2"]
    mapping = DEFAULT_MAPPING.overridden({"tier": {"NOC L2": Tier.L2}})
    halo.update_ticket(4001, team="NOC")
    connector(halo, mapping=mapping).apply(escalate(4001), retry=False)
    assert halo.tickets[4001]["team"] == "NOC L2"


def test_a_configured_team_wins_over_a_default_team_of_the_same_tier(halo: FakeHalo) -> None:
    halo.teams = ["NOC", "2nd Line", "NOC L2"]  # both exist: the configuration decides
    mapping = DEFAULT_MAPPING.overridden({"tier": {"NOC L2": Tier.L2}})
    halo.update_ticket(4001, team="NOC")
    connector(halo, mapping=mapping).apply(escalate(4001), retry=False)
    assert halo.tickets[4001]["team"] == "NOC L2"


def test_escalation_skips_mapped_teams_the_tenant_does_not_have(halo: FakeHalo) -> None:
    halo.teams = ["NOC", "Service Desk", "Tier Two"]
    mapping = DEFAULT_MAPPING.overridden({"tier": {"Gone Team": Tier.L2, "Tier Two": Tier.L2}})
    halo.update_ticket(4001, team="NOC")
    connector(halo, mapping=mapping).apply(escalate(4001), retry=False)
    assert halo.tickets[4001]["team"] == "Tier Two"


def test_escalation_without_a_team_for_the_tier_names_the_mapping_key_to_set(
    halo: FakeHalo,
) -> None:
    halo.teams = ["NOC", "Service Desk"]
    halo.update_ticket(4001, team="NOC")
    with pytest.raises(ActionRejected) as raised:
        connector(halo).apply(escalate(4001), retry=False)
    message = str(raised.value)
    assert "no HaloPSA team for tier L2 exists in this tenant" in message
    assert 'set [connectors.mapping.tier] "<team>" = "L2"' in message
    assert "'2nd Line'" in message  # what was tried
    assert "\n" not in message
    assert halo.writes == []


def test_a_failed_escalation_holds_back_later_actions_until_the_user_acts(
    halo: FakeHalo, store: Store, clock: ManualClock
) -> None:
    """The outbox's rule (docs/architecture.md): the failure is shown, not skipped over;
    discarding it (`Store.keep_theirs`) lets the next action of the ticket go."""
    halo.teams = ["NOC"]
    halo.update_ticket(4001, team="NOC", status_id=1)
    assert SyncService(connector(halo), store, clock).sync_once().ok
    key = IncidentKey("halo", "4001")
    outbox = OutboxService(store, clock, random.Random(1))
    outbox.submit(Action(key, ActionKind.TIER, {"tier": "L2"}, expected={"tier": "L1"}))
    outbox.submit(Action(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}))
    report = outbox.deliver(connector(halo))
    assert (report.failed, report.delivered) == (1, 0)
    failed, waiting = store.outbox(key=key)
    assert "no HaloPSA team for tier L2" in (failed.last_error or "")
    assert waiting.state is ActionState.PENDING
    store.keep_theirs(failed.seq, clock.now())
    assert outbox.deliver(connector(halo)).delivered == 1
    assert halo.tickets[4001]["status_id"] == 2


def test_refusals_are_rejections_with_halos_words(halo: FakeHalo) -> None:
    source = connector(halo)
    gone = Action(IncidentKey("halo", "99999"), ActionKind.ASSIGN, {"assignee": None})
    with pytest.raises(ActionRejected, match="Ticket 99999 not found"):
        source.apply(gone, retry=False)
    stranger = Action(IncidentKey("halo", "4001"), ActionKind.ASSIGN, {"assignee": "Nobody Known"})
    with pytest.raises(ActionRejected, match="no agent named 'Nobody Known'"):
        source.apply(stranger, retry=False)
    vendor = Action(IncidentKey("halo", "4001"), ActionKind.STATUS, {"status": "waiting_vendor"})
    with pytest.raises(ActionRejected, match="no status named 'With Supplier'"):
        source.apply(vendor, retry=False)
    assert halo.writes == []


# ---------------------------------------------------------------- major incidents: native links
def link(ticket: str, *lead: Any, reference: str = "MI-7") -> Action:
    """The link a declared major incident asks of a non-lead child (declare.child_actions)."""
    return Action(IncidentKey("halo", ticket), ActionKind.LINK,
                  {"refers_to": list(lead), "reference": reference})  # fmt: skip


def test_a_link_makes_the_child_a_child_of_the_lead_and_a_retry_changes_nothing(
    halo: FakeHalo,
) -> None:
    source = connector(halo)
    version = source.apply(link("4002", "4001"), retry=False)
    assert halo.tickets[4002]["parent_id"] == 4001
    assert halo.children_of(4001) == [4002]
    assert [(path, body) for _, path, body in halo.writes] == [
        ("/api/Tickets", [{"id": 4002, "parent_id": 4001}])]  # fmt: skip
    assert version.startswith(halo.tickets[4002]["last_update"])
    source.apply(link("4002", "4001"), retry=True)  # the answer was lost: it landed
    source.apply(link("4002", "4001"), retry=False)  # read before writing, whatever the flag
    assert len(halo.writes) == 1
    assert halo.children_of(4001) == [4002]


def test_a_link_halo_refuses_is_one_line_naming_the_ticket_and_halos_words(
    halo: FakeHalo,
) -> None:
    halo.delete_ticket(4001)  # the lead was deleted in Halo after the declaration
    with pytest.raises(ActionRejected) as raised:
        connector(halo).apply(link("4002", "4001"), retry=False)
    message = str(raised.value)
    assert message.startswith("halo: cannot make ticket 4002 a child of ticket 4001")
    assert "Parent ticket 4001 not found" in message
    assert "\n" not in message
    assert halo.tickets[4002]["parent_id"] == 0


def test_a_refusal_in_the_tenants_words_stays_one_printable_line(halo: FakeHalo) -> None:
    halo.update_ticket(4002, tickettype_id=7)
    halo.not_child_types = {7: "Project\nTask \x1b[2J" + "x" * 400}  # the tenant's text
    with pytest.raises(ActionRejected) as raised:
        connector(halo).apply(link("4002", "4001"), retry=False)
    message = str(raised.value)
    assert message.startswith(
        "halo: cannot make ticket 4002 a child of ticket 4001: Tickets of type 'Project Task"
    )
    assert message.isprintable()  # no line break, no terminal escape
    assert len(message) < 300


@pytest.mark.parametrize(
    ("reference", "named"),
    [("MI-7", "MI-7"), ("MI-7\n\x1b[2J", "the major incident"), (None, "the major incident")],
)
def test_a_child_of_another_parent_is_left_where_a_technician_put_it(
    halo: FakeHalo, reference: Any, named: str
) -> None:
    halo.update_ticket(4002, parent_id=4010)
    with pytest.raises(ActionRejected) as raised:
        connector(halo).apply(link("4002", "4001", reference=reference), retry=False)
    assert str(raised.value) == (
        "halo: ticket 4002 is already a child of ticket 4010 in Halo: not moved under "
        f"ticket 4001 (link it by hand if it belongs to {named})")  # fmt: skip
    assert (halo.tickets[4002]["parent_id"], halo.writes) == (4010, [])


def test_a_parent_halo_accepts_but_does_not_set_is_a_failed_link(halo: FakeHalo) -> None:
    halo.ignored_fields = {"parent_id"}  # answered 201, dropped
    with pytest.raises(ActionRejected) as raised:
        connector(halo).apply(link("4002", "4001"), retry=False)
    assert str(raised.value) == ("halo: cannot make ticket 4002 a child of ticket 4001: Halo "
                                 "accepted it but the ticket shows no such parent")  # fmt: skip
    assert halo.tickets[4002]["parent_id"] == 0


def test_a_parent_id_halo_sends_as_text_is_read_as_the_link(halo: FakeHalo) -> None:
    halo.update_ticket(4002, parent_id="4001")  # the spec says int; a tenant may differ
    connector(halo).apply(link("4002", "4001"), retry=True)
    assert halo.writes == []


@pytest.mark.parametrize(
    ("ticket", "lead", "message"),
    [
        ("4002", [], "no lead ticket to link ticket 4002 to"),
        ("4002", ["4001", "4003"], "a Halo ticket has one parent, not 2 (4001, 4003)"),
        ("4002", ["4002"], "ticket 4002 cannot be its own parent"),
        ("4002", ["../4001"], "'../4001' is no Halo ticket id"),
        ("4002", ["²"], "'²' is no Halo ticket id"),
        ("4002", [" 4001"], "' 4001' is no Halo ticket id"),
        ("4002", ["99999999999"], "'99999999999' is no Halo ticket id"),
        ("4002", [None], "None is no Halo ticket id"),
        ("²", ["4001"], "'²' is no Halo ticket id"),  # was a ValueError from int()
    ],
)
def test_untrusted_ids_in_a_link_are_refused_before_any_request(
    halo: FakeHalo, ticket: str, lead: list[Any], message: str
) -> None:
    with pytest.raises(ActionRejected) as raised:
        connector(halo).apply(link(ticket, *lead), retry=False)
    assert str(raised.value) == f"halo: {message}"
    assert halo.writes == []
    assert not [path for _, path in halo.hits if path.lower().startswith("/api/tickets")]


def declared_on_halo(halo: FakeHalo, store: Store, clock: ManualClock
                     ) -> tuple[list[int], MajorIncident, OutboxService]:  # fmt: skip
    """Three Halo tickets of three clients, synced and declared one major incident with
    the Halo source's links (as `app.py` builds the desk: `linking_sources` of the
    configuration); its notes and links are in the outbox, not yet delivered."""
    tickets = [halo.add_ticket(f"Internet down at Oslo office {n}", client_id=12 + n,
                               status_id=2)["id"] for n in range(3)]  # fmt: skip
    assert SyncService(connector(halo), store, clock).sync_once().ok
    config = ConnectorConfig(name="halo", type="halo",
                             settings=HaloSettings(base_url=halo.url, client_id="noc"))  # fmt: skip
    rows = tuple(board_row(n, key=IncidentKey("halo", str(t)), client_id=f"c{n}",
                           priority=Priority.P1) for n, t in enumerate(tickets))  # fmt: skip
    declared = Declaration("Carrier outage Oslo", Priority.P1, "Dana", "Sam", rows)
    record, actions = declare(declared, Identity("Dana"), clock.now(),
                              linking_sources([config]))  # fmt: skip
    stored, _ = store.declare_major_incident(record, actions, clock.now())
    return tickets, stored, OutboxService(store, clock, random.Random(1))


def test_a_declared_major_incident_links_its_halo_children_through_the_outbox(
    halo: FakeHalo, store: Store, clock: ManualClock
) -> None:
    """Issue 21 item 2, the whole path: a Halo source declares that it links, the
    declaration puts a note on every child and a link on every non-lead child in the
    outbox, and delivery leaves the lead with the others as its children in Halo."""
    tickets, stored, outbox = declared_on_halo(halo, store, clock)
    report = outbox.deliver(connector(halo))
    assert (report.delivered, report.failed) == (5, 0), store.outbox()  # 3 notes, 2 links
    lead, *others = tickets
    assert halo.children_of(lead) == others
    assert halo.tickets[lead]["parent_id"] == 0
    assert sorted(a["ticket_id"] for a in halo.actions) == tickets
    assert all(stored.reference in a["note"] for a in halo.actions)
    assert outbox.deliver(connector(halo)).delivered == 0  # nothing left to send


def test_a_lead_whose_type_closes_children_first_cannot_resolve_before_them(
    halo: FakeHalo,
) -> None:
    """What the link brings in a tenant whose ticket type sets
    `mustclosechildbeforeclosurebool` (docs/halo.md): resolving the lead while a child
    is open is refused — one line with Halo's words — and lands once they are closed."""
    halo.children_close_first = True
    for ticket in (4001, 4002, 4003):
        halo.update_ticket(ticket, status_id=2)
    source = connector(halo)
    for child in ("4002", "4003"):
        source.apply(link(child, "4001"), retry=False)
    resolve = Action(IncidentKey("halo", "4001"), ActionKind.RESOLVE,
                     {"text": "Carrier replaced the line card"})  # fmt: skip
    with pytest.raises(ActionRejected) as raised:
        source.apply(resolve, retry=False)
    assert str(raised.value).endswith(
        "Ticket 4001 has open child tickets (4002, 4003): close them first"
    )
    assert "\n" not in str(raised.value)
    assert halo.tickets[4001]["status_id"] == 2
    for closed in (4002, 4003):
        halo.update_ticket(closed, status_id=9)
    source.apply(resolve, retry=True)
    assert halo.tickets[4001]["status_id"] == 9


# ---------------------------------------------------------------- connection test
def test_probe_walks_every_step(halo: FakeHalo) -> None:
    checks = {c.step: c for c in probe_halo(connector(halo))}
    steps = ("reachable", "authenticated", "can read incidents", "can write", "statuses",
             "status targets", "priorities", "priority targets", "tiers", "escalation",
             "limits")  # fmt: skip
    assert list(checks) == list(steps)
    assert [checks[s].ok for s in steps] == [True] * len(steps), checks
    assert f"{len(open_ids(halo))} open tickets" in checks["can read incidents"].detail
    refused = {c.step: c for c in probe_halo(connector(halo, secret="nope"))}
    assert refused["reachable"].ok
    assert refused["authenticated"].ok is False
    assert "can read incidents" not in refused


def test_probe_names_unmapped_statuses(halo: FakeHalo) -> None:
    mapping = type(DEFAULT_MAPPING)(status={"New": Status.NEW}, priority=DEFAULT_MAPPING.priority)
    checks = {c.step: c for c in probe_halo(connector(halo, mapping=mapping))}
    assert checks["statuses"].ok is False
    assert "'In Progress' (" in checks["statuses"].detail


def test_probe_checks_teams_and_what_open_tickets_carry(halo: FakeHalo) -> None:
    """A tenant whose teams are not Halo's defaults: escalation would be refused
    ("Team '2nd Line' is not valid"); tickets of an unmapped team show as L1 without a
    word, and a ticket whose status id Halo no longer lists is skipped."""
    halo.teams = ["NOC", "NOC L2", "NOC L3", "Projects"]
    for _ in range(3):
        halo.add_ticket("Core switch", team="NOC L2")
    halo.add_ticket("Ghost status", status_id=77)
    checks = {c.step: c for c in probe_halo(connector(halo))}
    assert checks["unknown ids"].ok is False
    assert "status id 77 (1 open ticket)" in checks["unknown ids"].detail
    assert checks["tiers"].ok is None
    assert "'NOC L2' (3 open tickets)" in checks["tiers"].detail
    assert checks["escalation"].ok is False
    assert "L2 (mapped to it: '2nd Line')" in checks["escalation"].detail
    lines = as_toml(s for c in checks.values() for s in c.suggestions)
    assert lines == ["[connectors.mapping.tier]", '"NOC L2" = "L2"', '"NOC L3" = "L3"',
                     '"Projects" = "ENG"']  # fmt: skip
    tiers = {"tier": {"NOC L2": Tier.L2, "NOC L3": Tier.L3, "Projects": Tier.ENG}}
    pasted_mapping = DEFAULT_MAPPING.overridden(tiers)
    pasted = {c.step: c for c in probe_halo(connector(halo, mapping=pasted_mapping))}
    assert (pasted["tiers"].ok, pasted["escalation"].ok) == (True, True)


def test_halo_time_round_trip(halo: FakeHalo) -> None:
    """The connector reads the fake's naive dates as UTC (what docs/halo.md states)."""
    when = datetime(2026, 11, 25, 13, 5, 7, tzinfo=UTC)
    ticket = halo.add_ticket(created=when)
    (found,) = [i for i in incidents(connector(halo).fetch_changed(None))
                if i.external_id == str(ticket["id"])]  # fmt: skip
    assert halo_time(found.created_at) == ticket["dateoccurred"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-25T14:00:00", datetime(2026, 11, 25, 14, tzinfo=UTC)),  # naive: UTC
        ("2022-09-30T08:23:56.4214387Z", datetime(2022, 9, 30, 8, 23, 56, 421438, tzinfo=UTC)),
        ("2026-11-25T15:00:00+01:00", datetime(2026, 11, 25, 14, tzinfo=UTC)),
        ("1900-01-01T00:00:00", None),
        ("0001-01-01T00:00:00", None),
        ("", None),
    ],
)
def test_halo_dates_as_tenants_send_them(value: str, expected: datetime | None) -> None:
    """The fake serves naive UTC; a real tenant was seen sending `Z` and 7 digits."""
    assert halo_date(value) == expected
