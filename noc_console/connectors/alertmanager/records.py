"""Alertmanager alert JSON (API v2 `gettableAlert`) → normalised incidents.

An alert has no ticket fields, only labels and annotations, so everything a NOC board
needs is read from labels the alerting rules set — which ones is configuration
(`AlertLabels`: `customer`, `severity` and `team` by default) and their values go
through the connector's mapping like any PSA's names:

- the `fingerprint` (a hash of the label set) is the incident id;
- the client label's value → `mapping.client` (empty table: each value is a client);
  an alert without it is filed under `mapping.default_client`, else skipped (logged);
- the severity label's value → `mapping.priority` ("" stands for "no such label");
- the tier label's value → `mapping.tier` (else `default_tier`);
- the state → `mapping.status`: `active` (and `unprocessed`) firing and loud,
  `silenced` (suppressed by a silence: someone acknowledged it), `inhibited`
  (suppressed by a firing alert that covers it);
- `startsAt` is when it was created, `updatedAt` when Alertmanager last heard of it,
  `annotations.summary` (else the alert name) the title, `annotations.description`
  the description, `generatorURL` the link back (kept in the raw payload).

Alertmanager stamps times as RFC 3339 UTC with milliseconds; the API lists firing
alerts only (an alert whose `endsAt` has passed is resolved and no longer listed), so
there is no resolved time to read: the sync closes what vanished.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import aware_utc, page_of, shown
from noc_console.connectors.records import version_of as marked_version
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Incident
from noc_console.models.priority import impact_urgency_for

log = logging.getLogger(__name__)

ACTIVE, SILENCED, INHIBITED = "active", "silenced", "inhibited"


@dataclass(frozen=True, slots=True)
class AlertLabels:
    """Which alert labels carry the client, the severity and the tier ("" for none)."""

    client: str = "customer"
    severity: str = "severity"
    tier: str = "team"


class AlertRecords:
    def __init__(self, source: str, mapping: FieldMapping, labels: AlertLabels) -> None:
        self.source = source
        self.mapping = mapping
        self.labels = labels

    def page(self, items: Iterable[Any]) -> tuple[list[Incident], list[str], list[str]]:
        """The incidents of one listing, the fingerprints of alerts skipped, and why."""
        keyed = ({**a, "id": a.get("fingerprint")} if isinstance(a, dict) else a for a in items)
        return page_of(keyed, self.incident, self.source, "alert", log)

    def incident(self, alert: dict[str, Any]) -> Incident:
        fingerprint = alert.get("fingerprint")
        if not isinstance(fingerprint, str) or not fingerprint:
            raise InvalidRecord("no fingerprint")
        labels = label_set(alert)
        values = alert_values(alert, self.mapping, self.labels)
        impact, urgency = impact_urgency_for(values["priority"])
        annotations = alert.get("annotations") or {}
        if not isinstance(annotations, dict):
            raise InvalidRecord("annotations are not an object")
        created = am_date(alert.get("startsAt"))
        title = annotations.get("summary") or labels.get("alertname") or "(unnamed alert)"
        raw = {k: v for k, v in alert.items() if k != "id"}
        return Incident(
            source=self.source,
            external_id=fingerprint,
            client_id=self._client(labels),
            title=str(title),
            description=str(annotations.get("description") or ""),
            category=str(labels.get("alertname") or ""),
            status=values["status"],
            source_status=state_of(alert),
            priority=values["priority"],
            impact=impact,
            urgency=urgency,
            tier=values["tier"],
            assignee=None,
            created_at=created,
            updated_at=max(created, am_date(alert.get("updatedAt") or alert.get("startsAt"))),
            version=version_of(alert),
            raw=raw,
        )

    def client_of(self, alert: Mapping[str, Any]) -> str:
        """The client an alert belongs to (`InvalidRecord` when it cannot tell)."""
        return self._client(label_set(alert))

    def _client(self, labels: Mapping[str, str]) -> str:
        value = labels.get(self.labels.client, "") if self.labels.client else ""
        if not value:
            default = self.mapping.default_client
            if not default:
                raise InvalidRecord(
                    f"no {self.labels.client!r} label to tell its client (add the label in "
                    "the alerting rule, or set mapping.default_client)"
                )
            return default
        return self.mapping.client_of(value)


def alert_values(alert: dict[str, Any], mapping: FieldMapping, labels: AlertLabels
                 ) -> dict[str, Any]:  # fmt: skip
    """The normalised values of the fields triage actions compare (status, priority,
    tier; an alert has no assignee)."""
    found = label_set(alert)
    severity = found.get(labels.severity, "") if labels.severity else ""
    return {
        "status": mapping.status_of(state_of(alert)),
        "assignee": None,
        "priority": mapping.priority_of(severity),
        "tier": mapping.tier_of(found.get(labels.tier, "") if labels.tier else ""),
    }


def label_set(alert: Mapping[str, Any]) -> dict[str, str]:
    labels = alert.get("labels")
    if not isinstance(labels, dict) or not labels:
        raise InvalidRecord("no labels")
    return {str(k): str(v) for k, v in labels.items()}


def state_of(alert: Mapping[str, Any]) -> str:
    """`active`, `silenced`, `inhibited` or `unprocessed` (a silence wins over an
    inhibition: a person acted on it); anything else is the state as sent."""
    status = alert.get("status")
    if not isinstance(status, dict):
        raise InvalidRecord("no status object")
    state = str(status.get("state") or "")
    if state == "suppressed":
        if status.get("silencedBy"):
            return SILENCED
        if status.get("inhibitedBy"):
            return INHIBITED
    return state


def silences_of(alert: Mapping[str, Any]) -> list[str]:
    status = alert.get("status")
    ids = status.get("silencedBy") if isinstance(status, dict) else None
    return [str(i) for i in ids] if isinstance(ids, list) else []


def am_date(value: Any) -> datetime:
    """An Alertmanager RFC 3339 time as aware UTC (required)."""
    when = aware_utc(value) if isinstance(value, str) else None
    if when is None:
        raise InvalidRecord(f"time {shown(value)!r} is not an RFC 3339 time")
    return when


def am_time(when: datetime) -> str:
    """A datetime as Alertmanager takes it (RFC 3339 UTC, milliseconds)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def version_of(alert: Mapping[str, Any]) -> str:
    """What the board shows of the alert, digested: `updatedAt` moves every time the
    rule's evaluation re-sends an unchanged alert, so it is not the version."""
    shown_fields = {k: alert.get(k) for k in ("labels", "annotations", "startsAt",
                                              "generatorURL")}  # fmt: skip
    shown_fields["state"] = state_of(alert)
    shown_fields["silencedBy"] = sorted(silences_of(alert))
    return marked_version(alert.get("startsAt"), shown_fields)
