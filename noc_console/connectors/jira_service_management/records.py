"""Jira Service Management issue JSON (REST v3) → normalised incidents.

- the issue `key` (NOC-42) is the id; `fields.status.name` → `mapping.status`,
  `fields.priority.name` → `mapping.priority`, `fields.assignee.displayName`;
- the client is the first organisation of the Organizations field (`client_field`, a
  custom field id that differs per site) or, for a select/text custom field naming the
  client, its value — through `mapping.client`; an issue without one (its organisation
  was deleted, or none was set) goes under `mapping.default_client`, else is skipped;
- the tier is the value of an optional select custom field (`tier_field`) →
  `mapping.tier`;
- SLA (`/rest/servicedeskapi/request/{key}/sla`, the metrics named `response_sla` and
  `resolution_sla`): an ongoing cycle's `breachTime` is the due time, a completed cycle
  of the response metric's `stopTime` is when it was responded to. A paused cycle
  carries no breach time that will hold; it becomes no due time, and our SLA engine
  keeps the clock from the contract (pauses follow the status mapping);
- times are Jira's `2026-11-25T14:00:00.000+0000`, read as the offset they carry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.jira_service_management.adf import adf_text
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import aware_utc, page_of, shown
from noc_console.connectors.records import version_of as marked_version
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Incident
from noc_console.models.priority import impact_urgency_for

log = logging.getLogger(__name__)

ISSUE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*-[0-9]+")

#: The issue fields a listing asks for besides `client_field` and `tier_field`.
FIELDS = ("summary", "description", "status", "priority", "assignee", "created", "updated",
          "resolutiondate", "issuetype")  # fmt: skip


@dataclass(frozen=True, slots=True)
class JsmFields:
    """The site's own field ids and SLA names."""

    client_field: str = "customfield_10002"  # Organizations (the id differs per site)
    tier_field: str = ""
    response_sla: str = "Time to first response"
    resolution_sla: str = "Time to resolution"

    def wanted(self) -> list[str]:
        return [*FIELDS, *(f for f in (self.client_field, self.tier_field) if f)]


@dataclass(frozen=True, slots=True)
class Sla:
    """What an issue's SLA metrics tell: due times and when it was responded to."""

    response_due: datetime | None = None
    resolution_due: datetime | None = None
    responded_at: datetime | None = None


class JsmRecords:
    def __init__(self, source: str, mapping: FieldMapping, fields: JsmFields) -> None:
        self.source = source
        self.mapping = mapping
        self.fields = fields

    def page(self, items: Iterable[Any], slas: Mapping[str, Sla]
             ) -> tuple[list[Incident], list[str], list[str]]:  # fmt: skip
        """The incidents of one search page, the keys of issues skipped, and why."""
        keyed = ({**i, "id": i.get("key") or i.get("id")} if isinstance(i, dict) else i
                 for i in items)  # fmt: skip
        convert = lambda i: self.incident(i, slas.get(str(i.get("key")), Sla()))  # noqa: E731
        return page_of(keyed, convert, self.source, "JSM issue", log)

    def incident(self, issue: dict[str, Any], sla: Sla) -> Incident:
        key = issue.get("key")
        if not isinstance(key, str) or not is_key(key):
            raise InvalidRecord(f"{shown(key)!r} is not a Jira issue key")
        f = fields_of(issue)
        values = issue_values(issue, self.mapping, self.fields)
        impact, urgency = impact_urgency_for(values["priority"])
        created, updated = jira_date(f.get("created")), jira_date(f.get("updated"))
        if created is None or updated is None:
            raise InvalidRecord("created and updated are required")
        status = values["status"]
        kind = f.get("issuetype")
        return Incident(
            source=self.source,
            external_id=key,
            client_id=self._client(key, f),
            title=str(f.get("summary") or "(no summary)"),
            description=adf_text(f.get("description")),
            category=str(kind.get("name") or "") if isinstance(kind, dict) else "",
            status=status,
            source_status=status_name(f),
            priority=values["priority"],
            impact=impact,
            urgency=urgency,
            tier=values["tier"],
            assignee=values["assignee"],
            created_at=created,
            updated_at=max(created, updated),
            responded_at=sla.responded_at,
            resolved_at=None if status.is_open else jira_date(f.get("resolutiondate")),
            response_due=sla.response_due if status.is_open else None,
            resolution_due=sla.resolution_due if status.is_open else None,
            version=version_of(issue, sla),
            raw=issue,
        )

    def _client(self, key: str, f: Mapping[str, Any]) -> str:
        name = field_text(f.get(self.fields.client_field))
        if not name:
            default = self.mapping.default_client
            if not default:
                raise InvalidRecord(f"no organisation in {self.fields.client_field} (deleted, "
                                    "or never set; set mapping.default_client to keep such "
                                    "issues)")  # fmt: skip
            log.warning("%s: JSM issue %s has no organisation; filed under %r", self.source,
                        key, default)  # fmt: skip
            return default
        return self.mapping.client_of(name)


def issue_values(issue: Mapping[str, Any], mapping: FieldMapping, fields: JsmFields
                 ) -> dict[str, Any]:  # fmt: skip
    """The normalised values of the fields triage actions change."""
    f = fields_of(issue)
    priority = f.get("priority")
    assignee = f.get("assignee")
    return {
        "status": mapping.status_of(status_name(f)),
        "assignee": str(assignee.get("displayName") or assignee.get("accountId"))
        if isinstance(assignee, dict) else None,
        "priority": mapping.priority_of(str(priority.get("name") or "")
                                        if isinstance(priority, dict) else ""),
        "tier": mapping.tier_of(field_text(f.get(fields.tier_field)) if fields.tier_field else ""),
    }  # fmt: skip


def is_key(value: Any) -> bool:
    """Whether `value` is a Jira issue key (PROJ-123): it goes into request paths, so a
    key that is anything else is refused rather than sent."""
    return isinstance(value, str) and ISSUE_KEY.fullmatch(value) is not None


def fields_of(issue: Mapping[str, Any]) -> dict[str, Any]:
    f = issue.get("fields")
    if not isinstance(f, dict):
        raise InvalidRecord("no fields (the search did not ask for them?)")
    return f


def status_name(f: Mapping[str, Any]) -> str:
    status = f.get("status")
    if not isinstance(status, dict) or not status.get("name"):
        raise InvalidRecord("no status")
    return str(status["name"])


def field_text(value: Any) -> str:
    """A custom field's text: the first of a list (organisations), an option's `value`,
    an object's `name`, or the string itself."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("value")
    return str(value) if value else ""


#: A Jira REST time (`…T14:00:00.000+0000`) as aware UTC.
jira_date = aware_utc


def sla_of(values: Any, fields: JsmFields) -> Sla:
    """The due times and response time in a `/request/{key}/sla` page's `values`."""
    found: dict[str, Any] = {}
    for metric in values if isinstance(values, list) else ():
        if isinstance(metric, dict) and metric.get("name") in (fields.response_sla,
                                                               fields.resolution_sla):  # fmt: skip
            found[str(metric["name"])] = metric
    response, resolution = found.get(fields.response_sla), found.get(fields.resolution_sla)
    return Sla(_due(response), _due(resolution), _stopped(response))


def _due(metric: Any) -> datetime | None:
    cycle = metric.get("ongoingCycle") if isinstance(metric, dict) else None
    if not isinstance(cycle, dict) or cycle.get("paused"):
        return None
    return _millis(cycle.get("breachTime"))


def _stopped(metric: Any) -> datetime | None:
    cycles = metric.get("completedCycles") if isinstance(metric, dict) else None
    if not isinstance(cycles, list) or not cycles or not isinstance(cycles[0], dict):
        return None
    return _millis(cycles[0].get("stopTime"))


def _millis(value: Any) -> datetime | None:
    if not isinstance(value, dict) or not isinstance(value.get("epochMillis"), int | float):
        return None
    return datetime.fromtimestamp(value["epochMillis"] / 1000, UTC)


def version_of(issue: Mapping[str, Any], sla: Sla | None = None) -> str:
    """`updated` plus a digest of the fields (and the SLA times, which move without the
    issue changing: a pause ends) — two edits within one millisecond still differ."""
    f = issue.get("fields")
    f = f if isinstance(f, dict) else {}
    shown_sla = [sla.response_due, sla.resolution_due, sla.responded_at] if sla else []
    return marked_version(f.get("updated"), {"fields": f, "sla": shown_sla})
