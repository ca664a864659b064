"""Prometheus Alertmanager over its API v2 (docs/alertmanager.md).

Reading: `GET /api/v2/alerts` answers every firing alert in one unpaged list (a
resolved alert is no longer listed). Alertmanager has no "changed since" filter, so
every sync reads the whole list — one request, however many alerts — and the connector
says so (`lists_all_open`): the sync service then closes, at every sync, the cached
alerts the list no longer has (resolved, or expired because nothing re-sent them).

Writing: an alert has no owner, priority or notes in Alertmanager; what a NOC does to
one is silence it. Acknowledge creates a silence (`POST /api/v2/silences`) matching the
alert's whole label set, for `silence_hours`, with the author and a comment carrying a
reference to the action's key (a retry looks for that silence before creating
another); setting the status back to new expires the silences made for this alert
alone (`DELETE /api/v2/silence/{id}`) and refuses, naming them, when a broader silence
(a maintenance window) still mutes it. Every other action is refused with the reason
(`REFUSED`): the board keeps them as failed, saying why, so nobody thinks an alert was
assigned or re-prioritised upstream. Before writing, the alert is read again and its
state compared with what the technician saw (`Conflict` when someone silenced or
un-silenced it meanwhile).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from noc_console.connectors.alertmanager.records import (
    AlertLabels,
    AlertRecords,
    alert_values,
    am_time,
    label_set,
    silences_of,
    state_of,
    version_of,
)
from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import (
    ActionRejected,
    ConnectorUnavailable,
    NotFound,
    not_linked,
)
from noc_console.connectors.http.client import HttpClient, HttpSettings, reading
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import RECORD_ERRORS, check_conflict, note_mark, shown
from noc_console.models.actions import Action, ActionKind
from noc_console.models.clock import Clock, SystemClock
from noc_console.models.incident import Client, Priority, Status, Tier

DEFAULT_SILENCE_HOURS = 4.0
#: Seconds the alerts `clients()` read stay good for the listing that follows it.
KEEP_LISTING = 2.0

DEFAULT_MAPPING = FieldMapping(
    status={
        "active": Status.NEW,
        "unprocessed": Status.NEW,
        "silenced": Status.ACKNOWLEDGED,
        "inhibited": Status.ACKNOWLEDGED,
    },
    priority={
        "critical": Priority.P1,
        "page": Priority.P1,
        "error": Priority.P2,
        "major": Priority.P2,
        "high": Priority.P2,
        "warning": Priority.P3,
        "minor": Priority.P3,
        "": Priority.P3,  # the alert has no severity label
        "info": Priority.P4,
        "low": Priority.P4,
        "none": Priority.P4,
    },
    tier={"noc": Tier.L1, "ops": Tier.L2, "sre": Tier.L3, "engineering": Tier.ENG},
)

#: Why each action an alert cannot take is refused (one line, for the outbox).
REFUSED = {
    ActionKind.ASSIGN: "an alert has no assignee in Alertmanager; take the incident on "
    "the board, or assign the ticket raised for it in the PSA",
    ActionKind.PRIORITY: "an alert's priority comes from its severity label, which the "
    "alerting rule sets; change the rule or mapping.priority",
    ActionKind.TIER: "an alert's tier comes from its team label, which the alerting "
    "rule sets; change the rule or mapping.tier",
    ActionKind.NOTE: "Alertmanager keeps no notes on alerts; the acknowledgement's "
    "silence carries its author and a comment",
    ActionKind.RESOLVE: "an alert resolves when its condition clears in Prometheus; "
    "acknowledge it (a silence) or fix the cause",
}


@dataclass(frozen=True, slots=True)
class AlertmanagerOptions:
    """What the connector needs besides HTTP (from `[[connectors]]`, type "alertmanager")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    labels: AlertLabels = field(default_factory=AlertLabels)
    silence_hours: float = DEFAULT_SILENCE_HOURS
    silence_author: str = "NOC Console"  # when an action carries no author
    receiver: str = ""  # regex: only alerts routed to matching receivers ("": all)


class AlertmanagerConnector(NamedSource):
    #: Every `fetch_changed` lists every open alert: the sync closes what it lacks.
    lists_all_open = True

    def __init__(self, name: str, http: HttpClient, options: AlertmanagerOptions,
                 label: str = "", clock: Clock | None = None) -> None:  # fmt: skip
        super().__init__(name, label)
        self.http = http
        self.options = options
        self.records = AlertRecords(name, options.mapping, options.labels)
        self._clock = clock or SystemClock()
        self._kept: tuple[float, list[Any]] | None = None  # (when, alerts) read by clients()

    # ------------------------------------------------------------ reading
    def alerts(self) -> list[Any]:
        """Every firing alert as Alertmanager sends it (silenced and inhibited too),
        of the receivers `options.receiver` matches."""
        params = {"active": "true", "silenced": "true", "inhibited": "true",
                  "unprocessed": "true"}  # fmt: skip
        if self.options.receiver:
            params["receiver"] = self.options.receiver
        with reading():
            body = self.http.json("GET", "/api/v2/alerts", params=params)
        if not isinstance(body, list):
            raise ConnectorUnavailable(f"{self._name}: /api/v2/alerts answered "
                                       f"{type(body).__name__}, not a list of alerts")  # fmt: skip
        return body

    def clients(self) -> Sequence[Client]:
        """The clients the firing alerts name. A sync asks for them just before the
        listing, so the alerts read here are kept for it (`KEEP_LISTING` seconds): one
        request per sync, not two."""
        alerts = self.alerts()
        self._kept = (time.monotonic(), alerts)
        found: dict[str, Client] = {}
        for alert in alerts:
            try:
                client = self.records.client_of(alert)
            except RECORD_ERRORS:
                continue  # its alert is skipped, and logged, by the listing
            found.setdefault(client, Client(client, client))
        return list(found.values())

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        return self.list_open()

    def list_open(self) -> Iterator[Page]:
        kept, self._kept = self._kept, None
        fresh = kept is not None and time.monotonic() - kept[0] < KEEP_LISTING
        alerts = kept[1] if kept is not None and fresh else self.alerts()
        incidents, skipped, problems = self.records.page(alerts)
        yield Page(incidents, None, skipped, problems)

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        kind = action.kind
        if kind is ActionKind.LINK:
            raise not_linked(self._name, "Alertmanager has no links between alerts; the major "
                             "incident holds them together on the board")  # fmt: skip
        if kind in REFUSED:
            raise ActionRejected(f"{self._name}: {REFUSED[kind]}")
        wanted = Status(action.changes()["status"])
        alert = self._alert(action.key.external_id)
        current = self._values(alert)
        if wanted is Status.NEW:
            return self._unsilence(action, alert, current)
        if wanted is not Status.ACKNOWLEDGED:
            raise ActionRejected(f"{self._name}: an alert can be acknowledged (silenced) or "
                                 f"set back to new, not {wanted.value}")  # fmt: skip
        if current["status"] is Status.ACKNOWLEDGED and silences_of(alert):
            return version_of(alert)  # silenced already: by us (an earlier attempt) or anyone
        check_conflict(action, current, f"{self._name}: alert {action.key.external_id} "
                       "changed in Alertmanager")  # fmt: skip
        if not (retry and self._our_silence(alert, action)):
            self._silence(alert, action)
        return self._settled(action.key.external_id, Status.ACKNOWLEDGED)

    def _unsilence(self, action: Action, alert: dict[str, Any], current: dict[str, Any]) -> str:
        if not silences_of(alert):
            return version_of(alert)  # loud already
        check_conflict(action, current, f"{self._name}: alert {action.key.external_id} "
                       "changed in Alertmanager")  # fmt: skip
        mine = set(label_set(alert).items())
        broader = []
        for silence_id in silences_of(alert):
            silence = self._get_silence(silence_id)
            matchers = silence.get("matchers") if isinstance(silence, dict) else None
            if _exactly(matchers, mine):
                self.http.request("DELETE", f"/api/v2/silence/{silence_id}", idempotent=True)
            else:
                broader.append(silence)
        if broader:
            named = "; ".join(f"{s.get('id')} by {shown(s.get('createdBy'), 40)}: "
                              f"{shown(s.get('comment'), 60)}" for s in broader)  # fmt: skip
            raise ActionRejected(f"{self._name}: alert {action.key.external_id} is still "
                                 f"muted by a silence that covers other alerts too ({named}) "
                                 "— expire it in Alertmanager if that is meant")  # fmt: skip
        return self._settled(action.key.external_id, Status.NEW)

    def _alert(self, fingerprint: str) -> dict[str, Any]:
        for alert in self.alerts():
            if isinstance(alert, dict) and alert.get("fingerprint") == fingerprint:
                return alert
        raise NotFound(f"{self._name}: alert {shown(fingerprint)} is no longer firing in "
                       "Alertmanager (resolved)")  # fmt: skip

    def _values(self, alert: dict[str, Any]) -> dict[str, Any]:
        try:
            return alert_values(alert, self.options.mapping, self.options.labels)
        except RECORD_ERRORS as exc:
            raise ActionRejected(f"{self._name}: alert {alert.get('fingerprint')}: {exc}") from None

    def _silence(self, alert: dict[str, Any], action: Action) -> None:
        now = self._clock.now()
        body = {
            "matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True}
                         for k, v in sorted(label_set(alert).items())],
            "startsAt": am_time(now),
            "endsAt": am_time(now + timedelta(hours=self.options.silence_hours)),
            "createdBy": action.author or self.options.silence_author,
            "comment": f"Acknowledged in NOC Console ({note_mark(action)})",
        }  # fmt: skip
        answer = self.http.json("POST", "/api/v2/silences", json=body)
        if not isinstance(answer, dict) or not answer.get("silenceID"):
            raise ConnectorUnavailable(f"{self._name}: Alertmanager answered no silenceID")

    def _our_silence(self, alert: dict[str, Any], action: Action) -> bool:
        """Whether an active silence made by an earlier attempt of `action` exists."""
        mark = note_mark(action)
        silences = self.http.json("GET", "/api/v2/silences")
        return any(isinstance(s, dict) and mark in str(s.get("comment", ""))
                   and (s.get("status") or {}).get("state") == "active"
                   for s in (silences if isinstance(silences, list) else []))  # fmt: skip

    def _get_silence(self, silence_id: str) -> Any:
        return self.http.json("GET", f"/api/v2/silence/{silence_id}")

    def _settled(self, fingerprint: str, wanted: Status) -> str:
        """The alert's version once Alertmanager shows `wanted` (it applies silences
        when the alert is next read, so this read tells whether it took)."""
        alert = self._alert(fingerprint)
        status = self._values(alert)["status"]
        if status is not wanted:
            raise ActionRejected(f"{self._name}: alert {fingerprint} is {state_of(alert)} in "
                                 f"Alertmanager, not {wanted.value}")  # fmt: skip
        return version_of(alert)


def _exactly(matchers: Any, labels: set[tuple[str, str]]) -> bool:
    """Whether a silence's matchers are exactly this alert's labels, each an equality."""
    if not isinstance(matchers, list):
        return False
    found = set()
    for m in matchers:
        if not isinstance(m, dict) or m.get("isRegex") or m.get("isEqual") is False:
            return False
        found.add((str(m.get("name")), str(m.get("value"))))
    return found == labels


def am_client(name: str, settings: HttpSettings, auth: str, username: str, secret: str, *,
              sleep: Callable[[float], None] = time.sleep) -> HttpClient:  # fmt: skip
    """The HTTP client: basic auth (Alertmanager's own `basic_auth_users`, or a proxy
    in front of it) or a bearer token (an authenticating proxy); the secret redacted."""
    if auth == "bearer":
        return HttpClient(name, settings, headers={"Authorization": f"Bearer {secret}"},
                          secrets=[secret], sleep=sleep)  # fmt: skip
    return HttpClient(name, settings, auth=(username, secret), secrets=[secret], sleep=sleep)
