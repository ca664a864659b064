"""The Alertmanager connector against a real Prometheus Alertmanager (tests/peers/
alertmanager.py) over real HTTP: firing alerts as incidents, labels through the mapping,
resolved alerts closing, acknowledgement as a silence and back, the actions an alert
refuses, bad input, and the connection test."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from noc_console.connectors.alertmanager.connector import (
    DEFAULT_MAPPING,
    AlertmanagerConnector,
    AlertmanagerOptions,
    am_client,
)
from noc_console.connectors.alertmanager.probe import probe_alertmanager
from noc_console.connectors.alertmanager.records import AlertLabels, am_date
from noc_console.connectors.errors import ActionRejected, AuthFailed, Conflict, NotFound
from noc_console.connectors.http.client import HttpSettings
from noc_console.models.actions import Action, ActionKind, ActionState
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Incident, IncidentKey, Priority, Status, Tier
from noc_console.services.board.incident_detail import incident_detail
from noc_console.services.outbox import OutboxService
from noc_console.services.sync import SyncService
from tests.fakes.scripted_server import ScriptedServer, serving
from tests.peers.alertmanager import PASSWORD, USER, AlertmanagerServer, alert


def connector(am: AlertmanagerServer, *, secret: str = PASSWORD, **options: Any
              ) -> AlertmanagerConnector:  # fmt: skip
    settings = HttpSettings(am.url, read_timeout=10, retries=1, backoff=0.0,
                            allow_insecure_http=True)  # fmt: skip
    http = am_client("am", settings, "basic", USER, secret)
    return AlertmanagerConnector("am", http, AlertmanagerOptions(**options), "Alertmanager")


def incidents(source: AlertmanagerConnector) -> dict[str, Incident]:
    return {i.title: i for page in source.fetch_changed(None) for i in page.incidents}


def fingerprint(am: AlertmanagerServer, name: str) -> str:
    (found,) = [a["fingerprint"] for a in am.alerts() if a["labels"]["alertname"] == name]
    return str(found)


def ack(fp: str, **kw: Any) -> Action:
    return Action(IncidentKey("am", fp), ActionKind.ACKNOWLEDGE, **kw)


def unack(fp: str, **kw: Any) -> Action:
    return Action(IncidentKey("am", fp), ActionKind.STATUS, {"status": "new"}, **kw)


# ---------------------------------------------------------------- reading
def test_firing_alerts_are_incidents_mapped_from_their_labels(am_server: AlertmanagerServer
                                                              ) -> None:  # fmt: skip
    fired = alert("DiskFull", "acme", "critical", instance="fs01", team="sre")
    fired["startsAt"] = "2026-11-28T09:30:00.250Z"
    am_server.fire(fired, alert("HighLatency", "globex", "warning", instance="web1"))
    found = incidents(connector(am_server))
    disk = found["DiskFull on fs01"]
    assert disk.external_id == fingerprint(am_server, "DiskFull")
    assert (disk.client_id, disk.priority, disk.tier, disk.status) == (
        "acme", Priority.P1, Tier.L3, Status.NEW)  # fmt: skip
    assert (disk.source_status, disk.category, disk.description) == (
        "active", "DiskFull", "DiskFull fired")  # fmt: skip
    assert disk.created_at.isoformat() == "2026-11-28T09:30:00.250000+00:00"
    assert disk.raw["generatorURL"] == "http://prometheus.example:9090/graph?g0.expr=DiskFull"
    latency = found["HighLatency on web1"]
    assert (latency.client_id, latency.priority, latency.tier) == ("globex", Priority.P3, Tier.L1)


def test_the_mapping_and_label_names_are_configuration(am_server: AlertmanagerServer) -> None:
    am_server.fire(alert("Down", customer=None, severity=None, tenant="Acme Corp", sev="sev1",
                         instance="r1"))  # fmt: skip
    mapping = DEFAULT_MAPPING.overridden({"priority": {"sev1": Priority.P1},
                                          "client": {"Acme Corp": "acme"}})  # fmt: skip
    source = connector(
        am_server, mapping=mapping, labels=AlertLabels(client="tenant", severity="sev", tier="")
    )
    (found,) = incidents(source).values()
    assert (found.client_id, found.priority) == ("acme", Priority.P1)
    assert [c.id for c in source.clients()] == ["acme"]


def test_only_the_receivers_configured_are_read(am_server: AlertmanagerServer) -> None:
    am_server.fire(alert("DiskFull", instance="fs01"))
    assert len(incidents(connector(am_server, receiver="no.*"))) == 1  # routed to "noc"
    assert incidents(connector(am_server, receiver="db-team")) == {}


def test_a_sync_stores_alerts_and_closes_the_resolved_ones_at_once(
    am_server: AlertmanagerServer, store: Store, clock: ManualClock
) -> None:
    disk, cpu = alert("DiskFull", instance="fs01"), alert("CpuHot", instance="db1")
    am_server.fire(disk, cpu)
    sync = SyncService(connector(am_server), store, clock)
    assert sync.sync_once().ok
    assert {r.title for r in store.open_rows()} == {"DiskFull on fs01", "CpuHot on db1"}
    am_server.resolve(disk)
    result = sync.sync_once()  # no reconciliation asked for: the list is always whole
    assert result.ok
    assert {r.title for r in store.open_rows()} == {"CpuHot on db1"}


def test_an_unchanged_alert_is_not_written_again(
    am_server: AlertmanagerServer, store: Store, clock: ManualClock
) -> None:
    am_server.fire(alert("DiskFull", instance="fs01"))
    sync = SyncService(connector(am_server), store, clock)
    assert sync.sync_once().changes.upserted
    am_server.fire(alert("DiskFull", instance="fs01"))  # Prometheus re-sends every evaluation
    assert not sync.sync_once().changes.upserted


def test_the_detail_links_to_the_graph_the_alert_came_from(
    am_server: AlertmanagerServer, store: Store, clock: ManualClock
) -> None:
    am_server.fire(alert("DiskFull", instance="fs01"))
    assert SyncService(connector(am_server), store, clock).sync_once().ok
    detail = incident_detail(store, IncidentKey("am", fingerprint(am_server, "DiskFull")),
                             clock.now())  # fmt: skip
    assert detail is not None
    assert detail.link == "http://prometheus.example:9090/graph?g0.expr=DiskFull"


# ---------------------------------------------------------------- bad input
def test_alerts_that_cannot_be_mapped_are_skipped_and_logged_with_their_fingerprint(
    am_server: AlertmanagerServer, store: Store, clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    am_server.fire(alert("NoCustomer", customer=None, instance="a"),
                   alert("OddSeverity", severity="catastrophic", instance="b"),
                   alert("Fine", instance="c"))  # fmt: skip
    result = SyncService(connector(am_server), store, clock).sync_once()
    assert result.ok
    assert result.changes.skipped == 2
    lost = fingerprint(am_server, "NoCustomer")
    odd = fingerprint(am_server, "OddSeverity")
    assert f"skipped alert {lost}: no 'customer' label to tell its client" in caplog.text
    assert (f"skipped alert {odd}: priority 'catastrophic' is not mapped (add it under "
            "mapping.priority)") in caplog.text  # fmt: skip
    assert [r.title for r in store.open_rows()] == ["Fine on c"]
    kept = DEFAULT_MAPPING.overridden({"default_client": "unsorted"})
    found = incidents(connector(am_server, mapping=kept))
    assert found["NoCustomer on a"].client_id == "unsorted"


def test_a_wrong_password_is_auth_failed_and_never_shown(am_server: AlertmanagerServer) -> None:
    with pytest.raises(AuthFailed) as refused:
        list(connector(am_server, secret="wrong-password").fetch_changed(None))
    assert "credentials refused (HTTP 401)" in str(refused.value)
    assert "wrong-password" not in str(refused.value)


# ---------------------------------------------------------------- writing
def test_acknowledge_silences_the_alert_and_new_expires_the_silence(
    am_server: AlertmanagerServer, store: Store, clock: ManualClock
) -> None:
    am_server.fire(alert("DiskFull", instance="fs01"), alert("DiskFull", instance="fs02"))
    source = connector(am_server, silence_hours=2.0)
    assert SyncService(source, store, clock).sync_once().ok
    fp = next(a["fingerprint"] for a in am_server.alerts() if a["labels"]["instance"] == "fs01")
    outbox = OutboxService(store, clock, random.Random(1))
    outbox.submit(ack(fp, expected={"status": "new"}, author="Dana at the NOC"))
    assert outbox.deliver(source).delivered == 1
    (silence,) = am_server.silences()
    assert silence["createdBy"] == "Dana at the NOC"
    assert "NOC Console ref" in silence["comment"]
    assert {(m["name"], m["value"]) for m in silence["matchers"]} == {
        ("alertname", "DiskFull"), ("customer", "acme"), ("severity", "critical"),
        ("instance", "fs01")}  # fmt: skip
    hours = _hours(silence["startsAt"], silence["endsAt"])
    assert 1.99 < hours < 2.01
    states = {a["labels"]["instance"]: a["status"]["state"] for a in am_server.alerts()}
    assert states == {"fs01": "suppressed", "fs02": "active"}  # the other host stays loud
    assert SyncService(source, store, clock).sync_once().ok
    (row,) = store.rows([IncidentKey("am", fp)])
    assert row.status is Status.ACKNOWLEDGED

    outbox.submit(unack(fp, expected={"status": "acknowledged"}))
    assert outbox.deliver(source).delivered == 1
    assert am_server.silences() == []
    assert {a["status"]["state"] for a in am_server.alerts()} == {"active"}
    assert [q.state for q in store.outbox()] == [ActionState.DELIVERED] * 2


def test_a_retried_acknowledgement_makes_one_silence(am_server: AlertmanagerServer) -> None:
    am_server.fire(alert("DiskFull", instance="fs01"))
    fp = fingerprint(am_server, "DiskFull")
    source = connector(am_server)
    action = ack(fp, expected={"status": "new"})
    source.apply(action, retry=False)
    source.apply(action, retry=True)  # the first answer was lost
    assert len(am_server.silences()) == 1


def test_someone_silenced_it_meanwhile_is_a_conflict_for_un_acknowledge_only(
    am_server: AlertmanagerServer,
) -> None:
    fired = alert("DiskFull", instance="fs01")
    am_server.fire(fired)
    fp = fingerprint(am_server, "DiskFull")
    am_server.silence(fired["labels"], comment="on it", by="Sam")
    source = connector(am_server)
    version = source.apply(ack(fp, expected={"status": "new"}), retry=False)  # landed already
    assert version
    assert len(am_server.silences()) == 1
    am_server.reset()
    am_server.fire(fired)
    am_server.silence(fired["labels"])
    with pytest.raises(Conflict) as raised:  # it was loud when the technician looked
        source.apply(unack(fp, expected={"status": "new"}), retry=False)
    assert raised.value.theirs == {"status": Status.ACKNOWLEDGED}
    assert len(am_server.silences()) == 1


def test_un_acknowledge_leaves_a_broader_silence_and_says_so(am_server: AlertmanagerServer
                                                             ) -> None:  # fmt: skip
    am_server.fire(alert("DiskFull", instance="fs01"))
    fp = fingerprint(am_server, "DiskFull")
    source = connector(am_server)
    source.apply(ack(fp), retry=False)
    am_server.silence({"customer": "acme"}, comment="acme maintenance\nwindow", by="Lee")
    with pytest.raises(ActionRejected) as refused:
        source.apply(unack(fp), retry=False)
    message = str(refused.value)
    assert "muted by a silence that covers other alerts too" in message
    assert "by Lee: acme maintenance\\nwindow" in message
    assert [s["comment"] for s in am_server.silences()] == ["acme maintenance\nwindow"]


@pytest.mark.parametrize(("kind", "payload", "reason"), [
    (ActionKind.ASSIGN, {"assignee": "Dana"}, "an alert has no assignee in Alertmanager"),
    (ActionKind.PRIORITY, {"priority": "P1", "impact": 1, "urgency": 1}, "severity label"),
    (ActionKind.TIER, {"tier": "L2"}, "team label"),
    (ActionKind.NOTE, {"text": "x", "internal": True}, "keeps no notes"),
    (ActionKind.RESOLVE, {"text": "fixed"}, "resolves when its condition clears"),
    (ActionKind.STATUS, {"status": "waiting_vendor"}, "not waiting_vendor"),
])  # fmt: skip
def test_actions_an_alert_cannot_take_are_refused_with_the_reason(
    am_server: AlertmanagerServer, kind: ActionKind, payload: dict[str, Any], reason: str
) -> None:
    am_server.fire(alert("DiskFull", instance="fs01"))
    fp = fingerprint(am_server, "DiskFull")
    with pytest.raises(ActionRejected) as refused:
        connector(am_server).apply(Action(IncidentKey("am", fp), kind, payload), retry=False)
    assert reason in str(refused.value)
    assert am_server.silences() == []


def test_acknowledging_a_resolved_alert_is_not_found(am_server: AlertmanagerServer) -> None:
    with pytest.raises(NotFound, match="no longer firing"):
        connector(am_server).apply(ack("0123456789abcdef"), retry=False)


# ---------------------------------------------------------------- connection test
def test_probe_walks_every_step(am_server: AlertmanagerServer) -> None:
    am_server.fire(alert("DiskFull", instance="fs01", team="noc"))
    checks = {c.step: c for c in probe_alertmanager(connector(am_server))}
    steps = ("reachable", "authenticated", "can read incidents", "can write", "labels",
             "statuses", "priorities", "tiers")  # fmt: skip
    assert list(checks) == list(steps), checks
    assert all(checks[s].ok for s in steps), checks
    assert "Alertmanager 0." in checks["authenticated"].detail
    assert "1 firing alerts" in checks["can read incidents"].detail
    refused = {c.step: c for c in probe_alertmanager(connector(am_server, secret="nope"))}
    assert refused["reachable"].ok
    assert refused["authenticated"].ok is False
    assert "can read incidents" not in refused


def test_probe_names_missing_labels_and_unmapped_severities(am_server: AlertmanagerServer
                                                            ) -> None:  # fmt: skip
    am_server.fire(alert("A", customer=None, instance="a"),
                   alert("B", severity="sev9", instance="b"))  # fmt: skip
    checks = {c.step: c for c in probe_alertmanager(connector(am_server))}
    assert checks["labels"].ok is False
    assert "1 firing alert(s) have no 'customer' label" in checks["labels"].detail
    assert checks["priorities"].ok is False
    assert "'sev9'" in checks["priorities"].detail


def _hours(start: str, end: str) -> float:
    return (am_date(end) - am_date(start)).total_seconds() / 3600


# ---------------------------------------------------------------- hostile answers
GOOD = {"fingerprint": "00000000000000aa", "labels": {"alertname": "Up", "customer": "acme"},
        "annotations": {}, "startsAt": "2026-11-28T10:00:00.000Z",
        "updatedAt": "2026-11-28T10:00:00.000Z", "status": {"state": "active"}}  # fmt: skip


def scripted(server: ScriptedServer) -> AlertmanagerConnector:
    settings = HttpSettings(server.url, read_timeout=5, retries=1, backoff=0.0,
                            max_retry_after=0.0, allow_insecure_http=True)  # fmt: skip
    http = am_client("am", settings, "basic", USER, PASSWORD, sleep=lambda _: None)
    return AlertmanagerConnector("am", http, AlertmanagerOptions(), "Alertmanager")


def test_malformed_alerts_are_skipped_one_by_one(caplog: pytest.LogCaptureFixture) -> None:
    garbage = [
        "not an alert",
        {**GOOD, "fingerprint": "00000000000000bb", "startsAt": "yesterday"},
        {**GOOD, "fingerprint": "00000000000000cc", "labels": ["alertname"]},
        {**GOOD, "fingerprint": "00000000000000dd", "status": None},
        {**GOOD, "fingerprint": None},
        GOOD,
    ]
    with serving() as server:
        server.answer(body=garbage)
        (page,) = scripted(server).list_open()
    assert [i.external_id for i in page.incidents] == ["00000000000000aa"]
    assert page.skipped == ["#1 of its page", "00000000000000bb", "00000000000000cc",
                            "00000000000000dd", "#5 of its page"]  # fmt: skip
    assert "skipped alert 00000000000000bb" in caplog.text


def test_an_answer_that_is_no_list_says_what_came(store: Store, clock: ManualClock) -> None:
    with serving() as server:
        server.answer(body={"alerts": []}, times=2)
        result = SyncService(scripted(server), store, clock).sync_once()
    assert result.error == "am: /api/v2/alerts answered dict, not a list of alerts"


def test_a_429_storm_ends_the_sync_with_retry_after_and_keeps_the_board(
    store: Store, clock: ManualClock
) -> None:
    with serving() as server:
        server.answer(body=[GOOD])
        assert SyncService(scripted(server), store, clock).sync_once().ok
        server.answer(429, {"message": "slow down"}, {"Retry-After": "30"}, times=4)
        result = SyncService(scripted(server), store, clock).sync_once()
    assert result.error == "am: rate limited by the server (HTTP 429)"
    assert result.retry_at == clock.now() + timedelta(seconds=30)
    assert [r.key.external_id for r in store.open_rows()] == ["00000000000000aa"]


def test_a_major_incident_link_is_refused_in_one_line_and_nothing_is_sent() -> None:
    link = Action(IncidentKey("am", "00000000000000bb"), ActionKind.LINK,
                  {"refers_to": ["00000000000000aa"], "reference": "MI-7"})  # fmt: skip
    with serving() as server:
        with pytest.raises(ActionRejected) as refused:
            scripted(server).apply(link, retry=False)
        assert server.requests == []
    assert str(refused.value) == (
        "am: not linked natively — Alertmanager has no links between alerts; the major "
        "incident holds them together on the board"
    )
