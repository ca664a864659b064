"""The ServiceNow connector against the ServiceNow fake (tests/fakes/fake_servicenow.py)
over real HTTP.

Reading (keyset paging, incremental in the user's zone, display values, task_sla due
dates), auth (basic, OAuth grants, refresh, 401s mid-sync, redaction), limits (a 429
storm from a per-user rule), every write-back action with conflicts and retries, the
bad input the issue names, and the connection test.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from noc_console.connectors.errors import (
    ActionRejected,
    AuthFailed,
    Conflict,
    NotFound,
    RateLimited,
)
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.servicenow.auth import ServiceNowToken
from noc_console.connectors.servicenow.connector import (
    DEFAULT_MAPPING,
    ServiceNowConnector,
    ServiceNowOptions,
    servicenow_client,
)
from noc_console.connectors.servicenow.probe import probe_servicenow
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.connectors.major_incident_steps import declare_and_deliver
from tests.connectors.token_clock import Seconds
from tests.connectors.triage_steps import every_kind
from tests.fakes.fake_servicenow import FakeServiceNow, sn_time
from tests.fakes.http_fake import running


@pytest.fixture
def sn() -> Iterator[FakeServiceNow]:
    """A ServiceNow fake with 30 incidents (INC0010001–INC0010030), on 127.0.0.1."""
    fake = FakeServiceNow()
    fake.seed(30)
    with running(fake) as server:
        yield server


def connector(
    sn: FakeServiceNow, *, auth: str = "basic", password: str | None = None,
    waits: list[float] | None = None, clock: Seconds | None = None, retries: int = 2,
    **options: Any,
) -> ServiceNowConnector:  # fmt: skip
    settings = HttpSettings(sn.url, read_timeout=10, retries=retries, backoff=0.0,
                            allow_insecure_http=True)  # fmt: skip
    secret = sn.password if password is None else password
    credentials: ServiceNowToken | tuple[str, str] = (sn.user, secret)
    if auth == "oauth_password":
        credentials = ServiceNowToken(sn.client_id, sn.client_secret, sn.user, secret,
                                      clock=clock or Seconds())  # fmt: skip
    elif auth == "oauth_client_credentials":
        credentials = ServiceNowToken(sn.client_id, secret, clock=clock or Seconds())
    http = servicenow_client("sn", settings, credentials, [secret, sn.client_secret],
                             sleep=(waits if waits is not None else []).append)  # fmt: skip
    options.setdefault("time_zone", "Europe/Amsterdam")
    return ServiceNowConnector("sn", http, ServiceNowOptions(**options), "ServiceNow")


def incidents(pages: Iterator[Any]) -> list[Incident]:
    return [i for page in pages for i in page.incidents]


def active(sn: FakeServiceNow) -> set[str]:
    return {r["number"] for r in sn.tables["incident"].values() if r["active"] == "true"}


def act(number: str, kind: ActionKind, payload: dict[str, Any] | None = None,
        **kw: Any) -> Action:  # fmt: skip
    return Action(IncidentKey("sn", number), kind, payload or {}, **kw)


# ---------------------------------------------------------------- reading
def test_a_full_sync_reads_every_active_incident_exactly_once(sn: FakeServiceNow) -> None:
    sn.seed(200, seed=2)
    seen = Counter(
        i.external_id for i in incidents(connector(sn, page_size=50).fetch_changed(None))
    )
    assert set(seen) == active(sn)
    assert max(seen.values()) == 1
    pages = -(-len(active(sn)) // 50)
    assert pages <= sn.count("GET", "/api/now/table/incident") <= pages + 1


def test_pages_walk_by_change_marker_so_an_edit_mid_sync_is_not_missed(
    sn: FakeServiceNow,
) -> None:
    pages = connector(sn, page_size=5).fetch_changed(None)
    first = next(pages)
    sn.advance(5)
    moved = first.incidents[0].external_id  # edited in ServiceNow while we read on
    sn.update_incident(moved, short_description="edited mid-sync")
    rest = incidents(pages)
    assert {i.external_id for i in [*first.incidents, *rest]} == active(sn)
    assert any(i.external_id == moved and i.title == "edited mid-sync" for i in rest)
    assert first.watermark is not None


def test_incremental_sync_asks_in_the_users_zone(sn: FakeServiceNow) -> None:
    source = connector(sn)
    list(source.fetch_changed(None))
    sn.update_incident("INC0010008", short_description="before the bound")
    sn.advance(600)  # read as Amsterdam time, a UTC bound would lie an hour early
    since = sn.now
    sn.update_incident("INC0010005", short_description="Disk full on FS01")
    added = sn.add_incident("New alert", company="Globex Corporation")
    changed = list(source.fetch_changed(since))
    assert sorted(i.external_id for i in incidents(iter(changed))) == [
        "INC0010005", added["number"]]  # fmt: skip
    assert changed[-1].watermark == since


def test_a_wrong_time_zone_misses_changes_and_the_probe_says_so(sn: FakeServiceNow) -> None:
    """The bound is sent as Tokyo wall time and read as the user's (Amsterdam): it lies
    eight hours late, and the change is missed; the probe names the fix."""
    source = connector(sn, time_zone="Asia/Tokyo")
    list(source.fetch_changed(None))
    sn.advance(600)
    since = sn.now
    sn.update_incident("INC0010005", short_description="Disk full on FS01")
    assert incidents(source.fetch_changed(since)) == []  # missed
    checks = {c.step: c for c in probe_servicenow(source)}
    assert checks["time zone"].ok is False
    assert "set time_zone = 'Europe/Amsterdam'" in checks["time zone"].detail


def test_fields_map_with_servicenow_due_dates(sn: FakeServiceNow) -> None:
    created = sn.now - timedelta(hours=1)
    record = sn.add_incident("Firewall down", created=created, state="3", hold_reason="1",
                             impact="1", urgency="2", company="Globex Corporation",
                             group="Network L2", assignee="Blair Jones")  # fmt: skip
    (found,) = [i for i in incidents(connector(sn).fetch_changed(None))
                if i.external_id == record["number"]]  # fmt: skip
    assert (found.status, found.source_status) == (Status.WAITING_CUSTOMER,
                                                   "On Hold/Awaiting Caller")  # fmt: skip
    assert (found.priority, found.impact, found.urgency) == (Priority.P2, 1, 2)
    assert (found.tier, found.assignee, found.client_id) == (Tier.L2, "Blair Jones",
                                                             "Globex Corporation")  # fmt: skip
    whole = created.replace(microsecond=0)
    assert found.created_at == whole
    assert found.response_due == whole + timedelta(hours=1)  # task_sla planned_end_time
    assert found.resolution_due == whole + timedelta(hours=8)
    assert found.version.startswith("0#")  # sys_mod_count


def test_an_sla_that_moves_changes_the_version(sn: FakeServiceNow) -> None:
    record = sn.add_incident("Firewall down")
    source = connector(sn)
    before = {i.external_id: i for i in incidents(source.list_open())}[record["number"]]
    sla = sn.sla(record["number"], "resolution")
    sla["planned_end_time"] = sn_time(sn.now + timedelta(days=2))  # paused and resumed
    after = {i.external_id: i for i in incidents(source.list_open())}[record["number"]]
    assert after.resolution_due == sn.now.replace(microsecond=0) + timedelta(days=2)
    assert after.version != before.version


def test_unreadable_task_sla_leaves_due_dates_to_our_engine(
    sn: FakeServiceNow, caplog: pytest.LogCaptureFixture
) -> None:
    sn.sla_readable = False
    found = incidents(connector(sn).fetch_changed(None))
    assert {i.external_id for i in found} == active(sn)
    assert all(i.response_due is None and i.resolution_due is None for i in found)
    assert caplog.text.count("task_sla cannot be read") == 1
    assert sn.count("GET", "/api/now/table/task_sla") == 1  # asked once, not per page


def test_clients_come_from_companies(sn: FakeServiceNow) -> None:
    names = {c.id for c in connector(sn).clients()}
    assert {"Acme Corp", "Globex Corporation"} <= names


# ---------------------------------------------------------------- auth
def test_oauth_password_grant_is_cached_and_renewed_by_refresh_token(
    sn: FakeServiceNow,
) -> None:
    clock = Seconds()
    source = connector(sn, auth="oauth_password", clock=clock)
    list(source.fetch_changed(None))
    list(source.list_open())
    assert sn.count("POST", "/oauth_token.do") == 1
    clock.now += sn.token_lifetime - 59  # in the last minute of its life: renew first
    list(source.list_open())
    assert sn.count("POST", "/oauth_token.do") == 2
    assert len(sn.refresh_tokens) == 2  # the second grant was a refresh


def test_a_token_that_expires_mid_sync_is_renewed_once(sn: FakeServiceNow) -> None:
    source = connector(sn, auth="oauth_password", page_size=5)
    pages = source.fetch_changed(None)
    first = next(pages)
    sn.advance(sn.token_lifetime)  # ServiceNow's clock: the token is dead, ours trusts it
    rest = incidents(pages)
    assert {i.external_id for i in [*first.incidents, *rest]} == active(sn)
    assert isinstance(source.http.authenticator, ServiceNowToken)
    assert source.http.authenticator.renewals == 2


def test_client_credentials_need_the_instance_to_allow_them(sn: FakeServiceNow) -> None:
    with pytest.raises(AuthFailed, match=r"client\.credential\.grant_type\.enabled"):
        list(connector(sn, auth="oauth_client_credentials", password=sn.client_secret)
             .fetch_changed(None))  # fmt: skip
    sn.client_credentials = True
    found = incidents(connector(sn, auth="oauth_client_credentials",
                                password=sn.client_secret).fetch_changed(None))  # fmt: skip
    assert {i.external_id for i in found} == active(sn)


def test_wrong_credentials_say_what_to_fix_and_never_show_the_secret(
    sn: FakeServiceNow,
) -> None:
    with pytest.raises(AuthFailed) as basic:
        list(connector(sn, password="hunter2-wrong").fetch_changed(None))
    assert "credentials refused (HTTP 401): User Not Authenticated" in str(basic.value)
    with pytest.raises(AuthFailed) as oauth:
        list(connector(sn, auth="oauth_password", password="hunter2-wrong").fetch_changed(None))
    assert "refused the OAuth password grant (access_denied)" in str(oauth.value)
    assert "hunter2-wrong" not in str(basic.value) + str(oauth.value)


def test_tokens_never_reach_a_log(sn: FakeServiceNow, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    source = connector(sn, auth="oauth_password", page_size=5)
    pages = source.fetch_changed(None)
    next(pages)
    sn.advance(sn.token_lifetime)
    list(pages)
    for token in [*sn.tokens, *sn.refresh_tokens]:
        logging.getLogger("noc_console.test").warning("leak? %s", source.http.redact(token))
        assert token not in caplog.text


# ---------------------------------------------------------------- limits
def test_a_short_429_is_waited_out(sn: FakeServiceNow) -> None:
    waits: list[float] = []
    sn.inject("429", "/api/now/table/incident", seconds=3)
    found = incidents(connector(sn, waits=waits).fetch_changed(None))
    assert {i.external_id for i in found} == active(sn)
    assert 3.0 in waits


def test_a_429_storm_from_a_rate_limit_rule_ends_the_sync_until_the_reset(
    sn: FakeServiceNow, store: Store, clock: ManualClock
) -> None:
    sn.rate_limit_per_hour = 3  # a per-user rule: the hour's budget is gone after 3
    result = SyncService(connector(sn, page_size=5), store, clock).sync_once()
    assert not result.ok
    wait = 3600 - int(sn.now.timestamp()) % 3600
    assert result.retry_at == clock.now() + timedelta(seconds=wait)
    assert "rate limited by the server (HTTP 429)" in (result.error or "")
    sn.advance(wait)
    sn.rate_limit_per_hour = None
    assert SyncService(connector(sn), store, clock).sync_once().ok
    sn.rate_limit_per_hour = 0
    with pytest.raises(RateLimited):
        list(connector(sn).list_open())


# ---------------------------------------------------------------- bad input
def test_bad_records_are_skipped_and_logged_with_their_number(
    sn: FakeServiceNow, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    sn.update_incident("INC0010003", state="2")
    sn.incident("INC0010003")["state"] = "42"  # a state the mapping does not know
    gone = sn.add("core_company", name="Gone Ltd")["sys_id"]
    sn.update_incident("INC0010004", state="2", company=gone)
    sn.update_incident("INC0010006", state="2", company=gone)
    del sn.tables["core_company"][gone]  # deleted since: the references dangle
    result = SyncService(connector(sn), store, clock).sync_once()
    assert result.ok
    assert result.changes.skipped == 3
    assert "skipped ServiceNow incident INC0010003: status '42' is not mapped" in caplog.text
    assert "skipped ServiceNow incident INC0010004: company" in caplog.text
    assert "no longer exists (set mapping.default_client" in caplog.text
    kept = connector(sn, mapping=DEFAULT_MAPPING.overridden({"default_client": "Unfiled"}))
    assert SyncService(kept, store, clock).sync_once().ok
    (row,) = store.rows([IncidentKey("sn", "INC0010004")])
    assert row.client_id == "Unfiled"
    assert "ServiceNow incident INC0010004: company" in caplog.text


# ---------------------------------------------------------------- writing
def test_every_action_kind_lands_in_servicenow_through_the_outbox(
    sn: FakeServiceNow, store: Store, clock: ManualClock
) -> None:
    number = sn.add_incident("Core switch flapping", state="1", group="Service Desk")["number"]
    assert SyncService(connector(sn), store, clock).sync_once().ok
    key = IncidentKey("sn", number)
    steps = every_kind(key, "waiting_vendor")
    outbox = OutboxService(store, clock, random.Random(1))
    for action in steps:
        outbox.submit(action)
    report = outbox.deliver(connector(sn))
    assert report.delivered == len(steps), store.outbox()
    after = sn.incident(number)
    assert (after["state"], after["impact"], after["urgency"], after["priority"]) == (
        "6", "1", "2", "2")  # fmt: skip
    assert after["assigned_to"] == sn.find("sys_user", name="Chris Nguyen")["sys_id"]
    assert after["assignment_group"] == sn.named("sys_user_group", "Server L3")
    assert after["close_code"] == "Solved Remotely (Permanently)"
    assert after["close_notes"].startswith("Replaced the SFP\n\n-- NOC Console ref ")
    notes = [(j["element"], j["value"].split("\n")[0]) for j in sn.journal(number)]
    assert notes == [("work_notes", "Looking at the uplinks"), ("comments", "We are on it")]
    held = [body for _, body in sn.writes if body.get("state") == "On Hold"]
    assert held == [{"state": "On Hold", "hold_reason": "Awaiting Vendor"}]
    assert after["sys_mod_count"] == str(len(sn.writes))
    assert [q.state for q in store.outbox()] == [ActionState.DELIVERED] * 8


def test_a_changed_field_is_a_conflict_unless_forced(sn: FakeServiceNow) -> None:
    source = connector(sn)
    sn.update_incident("INC0010002", state="3", hold_reason="1")  # someone put it on hold
    ack = act("INC0010002", ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    with pytest.raises(Conflict) as raised:
        source.apply(ack, retry=False)
    assert raised.value.theirs == {"status": Status.WAITING_CUSTOMER}
    assert sn.writes == []
    forced = act("INC0010002", ActionKind.ACKNOWLEDGE, expected={"status": "new"}, force=True)
    version = source.apply(forced, retry=False)
    assert sn.incident("INC0010002")["state"] == "2"
    assert version.startswith(sn.incident("INC0010002")["sys_mod_count"] + "#")


def test_a_retry_does_not_repeat_what_already_landed(sn: FakeServiceNow) -> None:
    source = connector(sn)
    sn.update_incident("INC0010006", state="1")
    ack = act("INC0010006", ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    source.apply(ack, retry=False)
    writes = len(sn.writes)
    source.apply(ack, retry=True)  # the answer was lost; the state is already there
    assert len(sn.writes) == writes
    note = act("INC0010006", ActionKind.NOTE, {"text": "Called the user"})
    source.apply(note, retry=False)
    source.apply(note, retry=True)
    assert [j["value"].split("\n")[0] for j in sn.journal("INC0010006")] == ["Called the user"]
    source.apply(note, retry=False)  # without retry it is sent again (as told)
    assert len(sn.journal("INC0010006")) == 2


def test_someone_writing_between_our_read_and_write_is_logged(
    sn: FakeServiceNow, caplog: pytest.LogCaptureFixture
) -> None:
    source = connector(sn)
    sn.update_incident("INC0010007", state="1")
    gate = sn.hold("/api/now/table/incident/")  # our PATCH waits at the door …

    def meanwhile() -> None:
        gate.arrived.wait(10)
        sn.update_incident("INC0010007", short_description="edited meanwhile")
        gate.release.set()

    import threading

    helper = threading.Thread(target=meanwhile)
    helper.start()
    source.apply(act("INC0010007", ActionKind.ACKNOWLEDGE, expected={"status": "new"}), False)
    helper.join()
    assert "INC0010007 was also changed by someone else" in caplog.text


def test_refusals_are_rejections_with_servicenows_words(sn: FakeServiceNow) -> None:
    source = connector(sn)
    with pytest.raises(NotFound, match="ServiceNow has no incident INC9999999"):
        source.apply(act("INC9999999", ActionKind.ASSIGN, {"assignee": None}), retry=False)
    sn.update_incident("INC0010001", state="1")
    stranger = act("INC0010001", ActionKind.ASSIGN, {"assignee": "Nobody Known"})
    with pytest.raises(
        ActionRejected, match=r"HTTP 400\): Invalid value: assigned_to: no sys_user 'Nobody Known'"
    ):
        source.apply(stranger, retry=False)
    no_code = connector(sn, close_code="")
    with pytest.raises(ActionRejected, match="Data Policy Exception"):
        no_code.apply(act("INC0010001", ActionKind.RESOLVE, {"text": "done"}), retry=False)
    assert sn.writes == []


def test_escalation_without_a_group_for_the_tier_names_the_mapping_key(
    sn: FakeServiceNow,
) -> None:
    del sn.tables["sys_user_group"][sn.named("sys_user_group", "Server L3")]
    with pytest.raises(ActionRejected) as raised:
        connector(sn).apply(act("INC0010001", ActionKind.TIER, {"tier": "L3"}), retry=False)
    assert 'set [connectors.mapping.tier] "<assignment group>" = "L3"' in str(raised.value)


# ---------------------------------------------------------------- major incidents
def link(number: str, lead: Any) -> Action:
    return act(number, ActionKind.LINK, {"refers_to": [lead], "reference": "MI-7"})


def test_a_major_incident_child_gets_the_lead_as_parent_and_a_retry_changes_nothing(
    sn: FakeServiceNow,
) -> None:
    lead, child = (sn.add_incident(f"Internet down at Oslo {n}")["number"] for n in (1, 2))
    source = connector(sn)
    version = source.apply(link(child, lead), retry=False)
    assert sn.incident(child)["parent_incident"] == sn.incident(lead)["sys_id"]
    assert version.startswith(sn.incident(child)["sys_mod_count"] + "#")
    assert sn.children(lead) == [child]
    writes = len(sn.writes)
    source.apply(link(child, lead), retry=True)  # the answer was lost; the link is there
    source.apply(link(child, lead), retry=False)  # read before writing, retry or not
    assert len(sn.writes) == writes


def test_a_link_servicenow_cannot_make_is_one_line_naming_the_incident(
    sn: FakeServiceNow,
) -> None:
    lead, child, other = (sn.add_incident(f"Internet down {n}")["number"] for n in (1, 2, 3))
    source = connector(sn)
    refusals = {
        r"sn: cannot make INC9999999 the parent incident of INC\d+: ServiceNow has no "
        r"incident INC9999999$": link(child, "INC9999999"),
        r"sn: INC\d+ cannot be its own parent incident$": link(child, child),
        r"sn: 'INC1\^active=true' is no ServiceNow incident number$": link(
            child, "INC1^active=true"
        ),
        r"sn: '\.\./sys_user' is no ServiceNow incident number$": link("../sys_user", lead),
        r"sn: nothing to link INC\d+ to$": act(child, ActionKind.LINK, {"refers_to": []}),
    }
    for message, action in refusals.items():
        with pytest.raises(ActionRejected, match=message):
            source.apply(action, retry=False)
    sn.update_incident(child, parent_incident=sn.incident(other)["sys_id"])
    with pytest.raises(
        ActionRejected,
        match=rf"sn: {child} already has parent incident {other} "
        r"in ServiceNow, not INC\d+: left as it is",
    ):
        source.apply(link(child, lead), retry=False)
    assert sn.writes == []
    sn.refuse_parents = True  # e.g. a business rule of the instance
    with pytest.raises(
        ActionRejected,
        match=rf"sn: ServiceNow refused the update of {lead} "
        r"\(HTTP 403\): Operation Failed",
    ):
        source.apply(link(lead, other), retry=False)
    assert sn.incident(lead)["parent_incident"] == ""


def test_the_parent_read_for_links_leaves_versions_as_they_were(sn: FakeServiceNow) -> None:
    number = sn.add_incident("Internet down at Oslo")["number"]

    def version() -> str:
        (found,) = [i for i in incidents(connector(sn).list_open()) if i.external_id == number]
        return found.version

    before = version()
    sn.incident(number)["parent_incident"] = sn.incident("INC0010001")["sys_id"]  # no counter
    assert version() == before  # nothing the board shows moved: no version churn on upgrade


def test_resolving_the_lead_resolves_its_children_so_their_resolve_sends_nothing(
    sn: FakeServiceNow,
) -> None:
    lead, child = (sn.add_incident(f"Internet down at Oslo {n}")["number"] for n in (1, 2))
    source = connector(sn)
    source.apply(link(child, lead), retry=False)
    source.apply(act(lead, ActionKind.RESOLVE, {"text": "Carrier replaced the line card"}), False)
    assert sn.incident(child)["state"] == "6"  # ServiceNow passed it on
    assert sn.incident(child)["close_notes"].startswith("Carrier replaced the line card")
    writes = len(sn.writes)
    source.apply(act(child, ActionKind.RESOLVE, {"text": "Carrier replaced the line card"}), False)
    assert len(sn.writes) == writes  # close-out's resolve of the child finds it resolved


def test_a_declared_major_incident_parents_its_servicenow_children_through_the_outbox(
    sn: FakeServiceNow, store: Store, clock: ManualClock
) -> None:
    numbers = [sn.add_incident(f"Internet down at Oslo {n}", company=c)["number"]
               for n, c in enumerate(("Acme Corp", "Globex Corporation", "Acme Corp"))]  # fmt: skip
    source = connector(sn)
    assert SyncService(source, store, clock).sync_once().ok
    record, actions = declare_and_deliver(store, clock, source, "servicenow", numbers)
    lead, *children = numbers
    linked = ["note delivered", "link delivered"]
    assert actions == {lead: ["note delivered"], children[0]: linked, children[1]: linked}
    assert sn.children(numbers[0]) == numbers[1:]  # each child under the lead, not a chain
    assert sn.incident(numbers[0])["parent_incident"] == ""
    assert all(record.reference in sn.journal(n)[0]["value"] for n in numbers)


# ---------------------------------------------------------------- connection test
def test_probe_walks_every_step(sn: FakeServiceNow) -> None:
    sn.rate_limit_per_hour = 1000
    checks = {c.step: c for c in probe_servicenow(connector(sn))}
    steps = ("reachable", "authenticated", "time zone", "can read incidents", "SLA data",
             "can write", "statuses", "priorities", "tiers", "escalation", "limits")  # fmt: skip
    assert list(checks) == list(steps)
    assert [checks[s].ok for s in steps] == [True] * len(steps), checks
    assert "role itil may update incidents" in checks["can write"].detail
    assert f"{len(active(sn))} active incidents" in checks["can read incidents"].detail
    assert "1000 requests/hour" in checks["limits"].detail
    refused = {c.step: c for c in probe_servicenow(connector(sn, password="nope"))}
    assert refused["reachable"].ok
    assert refused["authenticated"].ok is False
    sn.sla_readable = False
    sn.tables["sys_user_has_role"].clear()  # the API user lost its roles
    later = {c.step: c for c in probe_servicenow(connector(sn))}
    assert later["SLA data"].ok is None
    assert later["can write"].ok is False
    assert "give it itil" in later["can write"].detail
