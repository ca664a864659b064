"""The Jira Service Management connector against the JSM fake (tests/fakes/fake_jsm.py)
over real HTTP: search paging, minute-precision incremental sync, mapping, SLA, every
write-back action with conflicts and retries, the bad input the issue names, and the
connection test."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from noc_console.connectors.errors import ActionRejected, AuthFailed, Conflict, RateLimited
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.jira_service_management.adf import adf_text
from noc_console.connectors.jira_service_management.connector import (
    DEFAULT_MAPPING,
    JsmConnector,
    JsmOptions,
    jsm_client,
)
from noc_console.connectors.jira_service_management.probe import probe_jsm
from noc_console.connectors.jira_service_management.records import JsmFields
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.connectors.major_incident_steps import declare_and_deliver
from tests.fakes.fake_jsm import TIER_FIELD, FakeJsm, seeded
from tests.fakes.http_fake import running


@pytest.fixture
def jsm() -> Iterator[FakeJsm]:
    with seeded(30) as server:
        yield server


def connector(jsm: FakeJsm, *, token: str = "jsm-token", waits: list[float] | None = None,
              retries: int = 2, **options: Any) -> JsmConnector:  # fmt: skip
    settings = HttpSettings(jsm.url, read_timeout=10, retries=retries, backoff=0.0,
                            allow_insecure_http=True)  # fmt: skip
    http = jsm_client("jsm", settings, jsm.email, token,
                      sleep=(waits if waits is not None else []).append)  # fmt: skip
    options.setdefault("fields", JsmFields(tier_field=TIER_FIELD))
    return JsmConnector("jsm", http, JsmOptions(**options), "JSM")


def incidents(pages: Iterator[Any]) -> list[Incident]:
    return [i for page in pages for i in page.incidents]


def open_keys(jsm: FakeJsm) -> set[str]:
    return {k for k, i in jsm.issues.items() if jsm.statuses[i["status"]] != "done"}


def act(key: str, kind: ActionKind, payload: dict[str, Any] | None = None, **kw: Any) -> Action:
    return Action(IncidentKey("jsm", key), kind, payload or {}, **kw)


# ---------------------------------------------------------------- reading
def test_a_full_sync_reads_every_open_issue_once_by_page_token(jsm: FakeJsm) -> None:
    jsm.seed(230, seed=2)
    source = connector(jsm, page_size=100)
    seen = Counter(i.external_id for i in incidents(source.fetch_changed(None)))
    assert set(seen) == open_keys(jsm)
    assert max(seen.values()) == 1
    assert jsm.count("GET", "/rest/api/3/search/jql") == -(-len(open_keys(jsm)) // 100)
    assert jsm.count("GET", "/rest/servicedeskapi/request/") == len(open_keys(jsm))


def test_incremental_sync_asks_jql_by_minute_in_the_users_zone() -> None:
    fake = FakeJsm(user_zone="America/New_York")
    fake.seed(10)
    with running(fake) as server:
        source = connector(server, timezone="America/New_York")
        list(source.fetch_changed(None))
        server.advance(600)
        since = server.now + timedelta(seconds=50)  # later in the same minute
        server.update_issue("NOC-3", summary="edited at the start of the minute")
        changed = incidents(source.fetch_changed(since))
    assert [i.external_id for i in changed] == ["NOC-3"]  # the minute is re-read, not skipped
    assert source.jql_minute(datetime(2026, 11, 25, 14, 10, 50, tzinfo=UTC)) == "2026-11-25 09:10"


def test_fields_map_with_organisation_tier_and_jsm_sla(jsm: FakeJsm) -> None:
    created = jsm.now - timedelta(minutes=20)
    key = jsm.add_issue("Firewall down", created=created, priority="Highest",
                        organization="Globex Corporation", assignee="Blair Jones",
                        tier="NOC L2")["key"]  # fmt: skip
    (found,) = [i for i in incidents(connector(jsm).fetch_changed(None)) if i.external_id == key]
    assert (found.status, found.source_status) == (Status.NEW, "Waiting for support")
    assert (found.priority, found.tier, found.assignee) == (Priority.P1, Tier.L2, "Blair Jones")
    assert found.client_id == "Globex Corporation"
    assert found.created_at == created.replace(microsecond=0)
    assert found.description == "Firewall down (raised by monitoring)"
    assert found.response_due == created.replace(microsecond=0) + timedelta(minutes=30)
    assert found.resolution_due == created.replace(microsecond=0) + timedelta(hours=4)
    assert found.responded_at is None


def test_a_paused_sla_gives_no_due_time_and_a_completed_one_the_response(jsm: FakeJsm) -> None:
    key = jsm.add_issue("Printer", priority="High")["key"]
    jsm.advance(300)
    jsm.update_issue(key, status="Waiting for customer", paused_since=jsm.now, responded=jsm.now)
    (found,) = [i for i in incidents(connector(jsm).fetch_changed(None)) if i.external_id == key]
    assert found.status is Status.WAITING_CUSTOMER
    assert found.responded_at == jsm.now
    assert found.resolution_due is None  # paused in JSM: our engine keeps the clock


def test_sla_is_read_again_only_when_the_issue_changed(jsm: FakeJsm) -> None:
    source = connector(jsm)
    list(source.fetch_changed(None))
    before = jsm.count("GET", "/rest/servicedeskapi/request/")
    jsm.update_issue(sorted(open_keys(jsm))[0], summary="edited")
    list(source.list_open())
    assert jsm.count("GET", "/rest/servicedeskapi/request/") - before == 1


def test_clients_are_the_organisations(jsm: FakeJsm) -> None:
    names = {c.name for c in connector(jsm).clients()}
    assert {"Acme Corp", "Vandelay Industries"} <= names


# ---------------------------------------------------------------- bad input
def test_bad_issues_are_skipped_and_logged_with_their_key(
    jsm: FakeJsm, store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    jsm.statuses["Triage"] = "indeterminate"  # a status the mapping does not know
    odd = jsm.add_issue("Odd status", status="Triage")["key"]
    orphan = jsm.add_issue("Orphan", organization="Hooli Legal")["key"]
    jsm.delete_organization("Hooli Legal")
    result = SyncService(connector(jsm), store, clock).sync_once()
    assert result.ok
    assert f"skipped JSM issue {odd}: status 'Triage' is not mapped" in caplog.text
    assert f"skipped JSM issue {orphan}: no organisation in customfield_10002" in caplog.text
    kept_keys = {k for k in open_keys(jsm) if jsm.issues[k]["organization"] and k != odd}
    assert {r.key.external_id for r in store.open_rows()} == kept_keys
    assert result.changes.skipped == len(open_keys(jsm)) - len(kept_keys)
    kept = connector(jsm, mapping=DEFAULT_MAPPING.overridden({"default_client": "unsorted"}))
    found = {i.external_id: i for i in incidents(kept.fetch_changed(None))}
    assert found[orphan].client_id == "unsorted"


def test_a_token_revoked_mid_sync_fails_the_sync_not_the_console(
    jsm: FakeJsm, store: Store, clock: ManualClock
) -> None:
    jsm.seed(150, seed=4)
    pages = connector(jsm, page_size=50).fetch_changed(None)
    next(pages)
    jsm.token = "rotated"
    with pytest.raises(AuthFailed, match="credentials refused"):
        list(pages)
    result = SyncService(connector(jsm), store, clock).sync_once()
    assert "credentials refused (HTTP 401)" in (result.error or "")
    assert "jsm-token" not in (result.error or "")


def test_a_short_429_is_waited_out_and_a_storm_ends_the_sync(
    jsm: FakeJsm, store: Store, clock: ManualClock
) -> None:
    waits: list[float] = []
    jsm.inject("429", "/rest/api/3/search/jql", seconds=2)
    assert incidents(connector(jsm, waits=waits).fetch_changed(None))
    assert waits == [2.0]
    jsm.inject("429", "/rest/api/3/search/jql", seconds=120, times=5)
    with pytest.raises(RateLimited):
        list(connector(jsm).fetch_changed(None))
    jsm.inject("429", "/rest/", seconds=2, times=10)
    result = SyncService(connector(jsm), store, clock).sync_once()
    assert result.error == "jsm: rate limited by the server (HTTP 429)"


def test_an_issue_key_that_is_no_key_is_skipped_and_never_sent(
    jsm: FakeJsm, caplog: pytest.LogCaptureFixture
) -> None:
    issue = jsm.add_issue("Hostile")
    jsm.issues["../../myself?x=NOC-1"] = {**issue, "key": "../../myself?x=NOC-1"}
    found = {i.external_id for i in incidents(connector(jsm).fetch_changed(None))}
    assert "../../myself?x=NOC-1" not in found
    assert "'../../myself?x=NOC-1' is not a Jira issue key" in caplog.text
    assert jsm.count("GET", "/rest/servicedeskapi/request/..") == 0
    with pytest.raises(ActionRejected, match="is no Jira issue key"):
        connector(jsm).apply(act("../../myself", ActionKind.ACKNOWLEDGE), retry=False)


def test_the_legacy_search_answer_is_understood(jsm: FakeJsm) -> None:
    source = connector(jsm)
    answer = source.http.request("GET", "/rest/api/3/search", accept=(410,))
    assert answer.status_code == 410  # what a connector on the old endpoint would meet


# ---------------------------------------------------------------- writing
def test_every_action_kind_lands_in_jsm_through_the_outbox(
    jsm: FakeJsm, store: Store, clock: ManualClock
) -> None:
    key = jsm.add_issue("Core switch flapping", priority="Medium", tier="Service Desk")["key"]
    assert SyncService(connector(jsm), store, clock).sync_once().ok
    steps = [
        act(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}),
        act(key, ActionKind.ASSIGN, {"assignee": "Chris Nguyen"}, expected={"assignee": None}),
        act(key, ActionKind.NOTE, {"text": "Looking at the uplinks", "internal": True}),
        act(key, ActionKind.NOTE, {"text": "We are on it", "internal": False}),
        act(key, ActionKind.PRIORITY, {"impact": 1, "urgency": 2, "priority": "P2"},
            expected={"priority": "P3"}),
        act(key, ActionKind.TIER, {"tier": "L3"}, expected={"tier": "L1"}),
        act(key, ActionKind.STATUS, {"status": "waiting_customer"}),
        act(key, ActionKind.RESOLVE, {"text": "Replaced the SFP"}),
    ]  # fmt: skip
    outbox = OutboxService(store, clock, random.Random(1))
    for action in steps:
        outbox.submit(action)
    report = outbox.deliver(connector(jsm))
    assert report.delivered == len(steps), store.outbox()
    after = jsm.issues[key]
    assert (after["status"], after["assignee"]["displayName"], after["priority"],
            after["tier"]) == ("Resolved", "Chris Nguyen", "High", "Network L3")  # fmt: skip
    comments = [(adf_text(c["body"]).split("\n")[0], c["jsdPublic"]) for c in jsm.comments[key]]
    assert comments == [("Looking at the uplinks", False), ("We are on it", True),
                        ("Replaced the SFP", False)]  # fmt: skip
    assert all(c["body"]["type"] == "doc" for c in jsm.comments[key])
    assert [s for s in (q.state for q in store.outbox())] == [ActionState.DELIVERED] * 8


def test_transitions_are_chosen_by_the_status_they_lead_to(jsm: FakeJsm) -> None:
    pending = jsm.add_issue("VPN down", status="Pending")["key"]
    new = jsm.add_issue("VPN down too")["key"]
    source = connector(jsm)
    ids = []
    for key in (pending, new):
        offered = source.http.json("GET", f"/rest/api/3/issue/{key}/transitions")["transitions"]
        ids.append(next(t["id"] for t in offered if t["to"]["name"] == "In Progress"))
        source.apply(act(key, ActionKind.ACKNOWLEDGE), retry=False)
        assert jsm.issues[key]["status"] == "In Progress"
    posted = [body for method, path, body in jsm.writes if path.endswith("/transitions")]
    assert posted == [{"transition": {"id": i}} for i in ids]
    assert ids[0] != ids[1]  # the same step has another id from another status


def test_a_status_no_transition_leads_to_names_the_fix(jsm: FakeJsm) -> None:
    key = jsm.add_issue("VPN down")["key"]
    mapping = DEFAULT_MAPPING.overridden(
        {"status": {"Triaged": Status.ACKNOWLEDGED}, "status_out": {Status.ACKNOWLEDGED: "Triaged"}}
    )
    with pytest.raises(ActionRejected) as refused:
        connector(jsm, mapping=mapping).apply(act(key, ActionKind.ACKNOWLEDGE), retry=False)
    message = str(refused.value)
    assert "no transition from 'Waiting for support' leads to 'Triaged'" in message
    assert "[connectors.mapping.status_out]" in message
    assert jsm.writes == []


def test_a_changed_field_is_a_conflict_unless_forced(jsm: FakeJsm) -> None:
    key = jsm.add_issue("Disk full")["key"]
    jsm.update_issue(key, status="Waiting for customer")  # someone moved it in Jira
    source = connector(jsm)
    with pytest.raises(Conflict) as raised:
        source.apply(act(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}), retry=False)
    assert raised.value.theirs == {"status": Status.WAITING_CUSTOMER}
    assert jsm.writes == []
    source.apply(act(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"}, force=True),
                 retry=False)  # fmt: skip
    assert jsm.issues[key]["status"] == "In Progress"


def test_a_retry_does_not_repeat_what_already_landed(jsm: FakeJsm) -> None:
    key = jsm.add_issue("Disk full")["key"]
    source = connector(jsm)
    note = act(key, ActionKind.NOTE, {"text": "checked", "internal": True})
    source.apply(note, retry=False)
    source.apply(note, retry=True)  # the first answer was lost
    assert len(jsm.comments[key]) == 1
    ack = act(key, ActionKind.ACKNOWLEDGE, expected={"status": "new"})
    source.apply(ack, retry=False)
    writes = len(jsm.writes)
    source.apply(ack, retry=True)  # landed already: nothing is sent again
    assert len(jsm.writes) == writes


def test_refusals_name_what_jira_said(jsm: FakeJsm) -> None:
    key = jsm.add_issue("Disk full")["key"]
    with pytest.raises(ActionRejected, match="nobody named 'Nobody Known' can be assigned"):
        connector(jsm).apply(act(key, ActionKind.ASSIGN, {"assignee": "Nobody Known"}),
                             retry=False)  # fmt: skip
    no_tier = connector(jsm, fields=JsmFields())
    with pytest.raises(ActionRejected, match="no tier field is configured"):
        no_tier.apply(act(key, ActionKind.TIER, {"tier": "L2"}), retry=False)


# ---------------------------------------------------------------- connection test
# ---------------------------------------------------------------- major incidents
def link(key: str, lead: Any) -> Action:
    return act(key, ActionKind.LINK, {"refers_to": [lead], "reference": "MI-7"})


def links_of(jsm: FakeJsm, key: str) -> list[tuple[str, str]]:
    """(link type, the other issue) of every link `key` has in the fake."""
    return sorted((str(ln["type"]), ln["inward"] if ln["outward"] == key else ln["outward"])
                  for ln in jsm.links if key in (ln["inward"], ln["outward"]))  # fmt: skip


def test_a_major_incident_child_relates_to_the_lead_and_a_retry_changes_nothing(
    jsm: FakeJsm,
) -> None:
    source = connector(jsm)
    version = source.apply(link("NOC-2", "NOC-1"), retry=False)
    assert links_of(jsm, "NOC-2") == [("Relates", "NOC-1")]
    assert links_of(jsm, "NOC-1") == [("Relates", "NOC-2")]
    assert version
    posts = jsm.count("POST", "/rest/api/3/issueLink")
    source.apply(link("NOC-2", "NOC-1"), retry=True)  # the answer was lost; it is there
    source.apply(link("NOC-2", "NOC-1"), retry=False)  # read before writing, retry or not
    assert jsm.count("POST", "/rest/api/3/issueLink") == posts == 1
    jsm.links.clear()
    jsm.links.append({"id": "1", "type": "Relates", "outward": "NOC-1", "inward": "NOC-3"})
    source.apply(link("NOC-3", "NOC-1"), retry=False)  # linked by hand the other way round
    assert jsm.count("POST", "/rest/api/3/issueLink") == 1


def test_a_link_jira_refuses_is_one_line_naming_the_issue_and_what_jira_said(
    jsm: FakeJsm,
) -> None:
    source = connector(jsm)
    refusals = {
        r"jsm: Jira refused to link NOC-2 to NOC-999 \(Relates\): HTTP 404: Issue Does Not "
        r"Exist$": link("NOC-2", "NOC-999"),
        r"jsm: NOC-2 cannot be linked to itself$": link("NOC-2", "NOC-2"),
        r"jsm: 'NOC-1 OR project=X' is no Jira issue key$": link("NOC-2", "NOC-1 OR project=X"),
        r"jsm: '\.\./\.\./myself' is no Jira issue key$": link("../../myself", "NOC-1"),
        r"jsm: nothing to link NOC-2 to$": act("NOC-2", ActionKind.LINK, {"refers_to": []}),
    }
    for message, action in refusals.items():
        with pytest.raises(ActionRejected, match=message):
            source.apply(action, retry=False)
    del jsm.link_types["Relates"]  # an admin renamed or removed it
    with pytest.raises(
        ActionRejected,
        match=r"jsm: Jira refused to link NOC-2 to NOC-1 "
        r"\(Relates\): HTTP 404: No issue link type with name 'Relates' found",
    ):
        source.apply(link("NOC-2", "NOC-1"), retry=False)
    assert jsm.links == []


def test_a_declared_major_incident_links_its_jsm_children_through_the_outbox(
    jsm: FakeJsm, store: Store, clock: ManualClock
) -> None:
    keys = [jsm.add_issue(f"Internet down at Oslo {n}")["key"] for n in range(3)]
    source = connector(jsm)
    assert SyncService(source, store, clock).sync_once().ok
    record, actions = declare_and_deliver(store, clock, source, "jsm", keys)
    assert actions == {keys[0]: ["note delivered"], keys[1]: ["note delivered", "link delivered"],
                       keys[2]: ["note delivered", "link delivered"]}  # fmt: skip
    assert links_of(jsm, keys[0]) == [("Relates", keys[1]), ("Relates", keys[2])]
    assert all(record.reference in adf_text(jsm.comments[k][0]["body"]) for k in keys)


def test_probe_walks_every_step(jsm: FakeJsm) -> None:
    checks = {c.step: c for c in probe_jsm(connector(jsm))}
    steps = ("reachable", "authenticated", "can read incidents", "can write", "statuses",
             "status targets", "priorities", "priority targets", "tiers", "limits")  # fmt: skip
    assert list(checks) == list(steps), checks
    assert [checks[s].ok for s in steps] == [True] * len(steps), checks
    refused = {c.step: c for c in probe_jsm(connector(jsm, token="nope"))}
    assert refused["reachable"].ok
    assert refused["authenticated"].ok is False
    assert "can read incidents" not in refused


def test_probe_says_when_the_zone_or_rights_are_wrong(jsm: FakeJsm) -> None:
    jsm.denied = {"TRANSITION_ISSUES"}
    checks = {c.step: c for c in probe_jsm(connector(jsm, timezone="Europe/Paris"))}
    assert checks["time zone"].ok is False
    assert "set timezone = 'UTC'" in checks["time zone"].detail
    assert checks["can write"].ok is False
    assert "TRANSITION_ISSUES" in checks["can write"].detail
