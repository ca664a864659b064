"""ServiceNow incident JSON (`sysparm_display_value=all`) → normalised incidents.

With `display_value=all` every field is `{"value": …, "display_value": …}`: we read
**values** for date-times (`value` is UTC, `YYYY-MM-DD HH:MM:SS`; the display value is
in the API user's zone and format, which we never parse), numbers (`impact`, `urgency`,
`priority`, `sys_mod_count`), and **labels** for what the mapping names (`state`,
`hold_reason`, `company`, `assignment_group`, `assigned_to`). A field sent as a bare
string (an instance answering `display_value=false`) is its value and its label.

- status: the `state` label; when the incident is On Hold, `"<state>/<hold reason>"`
  (e.g. "On Hold/Awaiting Caller") if the mapping has it, else the state label alone;
- priority: ServiceNow's `priority` value (1–5, derived from impact × urgency on the
  instance) through the mapping's numeric thresholds; `impact`/`urgency` as they are;
- client: the `company` label; a company deleted since (its reference dangles: a value
  with no label) files the incident under `mapping.default_client`, logged with the
  incident number, or skips it when none is set;
- tier: the `assignment_group` label; assignee: the `assigned_to` label;
- due dates: `task_sla` rows (`Slas`): the `planned_end_time` of the incident's
  response and resolution SLAs (not cancelled); a completed response SLA's `end_time`
  is when it was responded to.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import page_of
from noc_console.connectors.records import version_of as marked_version
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Incident, Status

log = logging.getLogger(__name__)

SN_FORMAT = "%Y-%m-%d %H:%M:%S"
ON_HOLD = "3"
#: What the listings and the write-back read of an incident.
FIELDS = (
    "sys_id", "number", "short_description", "description", "category", "state",
    "hold_reason", "impact", "urgency", "priority", "company", "assignment_group",
    "assigned_to", "opened_at", "sys_created_on", "sys_updated_on", "sys_mod_count",
    "resolved_at", "active", "parent_incident",
)  # fmt: skip
#: Read, but not shown on the board: left out of the version's digest (a parent set
#: moves `sys_mod_count` anyway, and the versions stay what they were before it was read).
UNSHOWN = ("sys_mod_count", "parent_incident")
#: task_sla fields: the dot-walked `sla.target` says response or resolution.
SLA_FIELDS = ("task", "sla", "sla.target", "stage", "planned_end_time", "end_time",
              "has_breached")  # fmt: skip


def value(record: Mapping[str, Any], name: str) -> str:
    """A field's value (`display_value=all`: its `value`; bare: itself); "" if empty."""
    field = record.get(name)
    if isinstance(field, dict):
        field = field.get("value")
    return "" if field is None else str(field)


def label(record: Mapping[str, Any], name: str) -> str:
    """A field's label (`display_value`); a bare field is its own label."""
    field = record.get(name)
    if isinstance(field, dict):
        field = field.get("display_value")
    return "" if field is None else str(field)


def sn_date(text: str) -> datetime | None:
    """A ServiceNow date-time value (UTC, `YYYY-MM-DD HH:MM:SS`) as aware UTC."""
    if not text:
        return None
    return datetime.strptime(text[:19], SN_FORMAT).replace(tzinfo=UTC)


def status_name(record: Mapping[str, Any], mapping: FieldMapping) -> str:
    """The name the mapping reads a status from: "On Hold/Awaiting Caller" when mapped."""
    state = label(record, "state")
    if value(record, "state") == ON_HOLD and label(record, "hold_reason"):
        held = f"{state}/{label(record, 'hold_reason')}"
        if held in mapping.status:
            return held
    return state


@dataclass(frozen=True, slots=True)
class Due:
    """What the incident's task_sla rows say."""

    response: datetime | None = None
    resolution: datetime | None = None
    responded: datetime | None = None


def slas_of(rows: Iterable[Any]) -> dict[str, Due]:
    """task_sla rows → incident sys_id → due dates (rows that cannot be read skipped:
    due dates are then computed by our SLA engine)."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        if not isinstance(row, dict) or value(row, "stage") == "cancelled":
            continue
        target = (value(row, "sla.target") or label(row, "sla")).lower()
        kind = "response" if "response" in target else "resolution"
        try:
            due = sn_date(value(row, "planned_end_time"))
            ended = sn_date(value(row, "end_time"))
        except ValueError:
            log.warning("task_sla %s: unreadable date", value(row, "sys_id") or "?")
            continue
        mine = found.setdefault(value(row, "task"), {})
        mine[kind] = due
        if kind == "response" and value(row, "stage") == "completed":
            mine["responded"] = ended
    return {task: Due(**due) for task, due in found.items()}


class ServiceNowRecords:
    def __init__(self, source: str, mapping: FieldMapping) -> None:
        self.source = source
        self.mapping = mapping

    def page(self, items: Iterable[Any], slas: Mapping[str, Due]
             ) -> tuple[list[Incident], list[str], list[str]]:  # fmt: skip
        convert = lambda r: self.incident(r, slas.get(value(r, "sys_id"), Due()))  # noqa: E731
        return page_of(map(_with_id, items), convert, self.source, "ServiceNow incident", log)

    def incident(self, r: dict[str, Any], due: Due) -> Incident:
        values = incident_values(r, self.mapping)
        created = sn_date(value(r, "opened_at")) or sn_date(value(r, "sys_created_on"))
        updated = sn_date(value(r, "sys_updated_on"))
        if created is None or updated is None:
            raise InvalidRecord("opened_at and sys_updated_on are required")
        status: Status = values["status"]
        return Incident(
            source=self.source,
            external_id=value(r, "number"),
            client_id=self._client(r),
            title=label(r, "short_description") or "(no short description)",
            description=label(r, "description"),
            category=label(r, "category"),
            status=status,
            source_status=status_name(r, self.mapping),
            priority=values["priority"],
            impact=int(value(r, "impact") or 3),
            urgency=int(value(r, "urgency") or 3),
            tier=values["tier"],
            assignee=values["assignee"],
            created_at=created,
            updated_at=updated,
            responded_at=due.responded,
            resolved_at=None if status.is_open else sn_date(value(r, "resolved_at")),
            response_due=due.response,
            resolution_due=due.resolution,
            version=version_of(r, due),
            raw=r,
        )

    def _client(self, r: dict[str, Any]) -> str:
        name = label(r, "company")
        if name:
            return self.mapping.client_of(name)
        fallback = self.mapping.default_client
        if not fallback:
            what = f"company {value(r, 'company')} no longer exists" if value(r, "company") \
                else "no company"  # fmt: skip
            raise InvalidRecord(f"{what} (set mapping.default_client to keep such incidents)")
        if value(r, "company"):
            log.warning("%s: ServiceNow incident %s: company %s no longer exists; filed "
                        "under %r", self.source, value(r, "number"), value(r, "company"),
                        fallback)  # fmt: skip
        return fallback


def incident_values(r: Mapping[str, Any], mapping: FieldMapping) -> dict[str, Any]:
    """The normalised values of the fields triage actions change."""
    if not value(r, "number"):
        raise InvalidRecord("no number")
    return {
        "status": mapping.status_of(status_name(r, mapping)),
        "assignee": label(r, "assigned_to") or None,
        "priority": mapping.priority_of(value(r, "priority") or "4"),
        "tier": mapping.tier_of(label(r, "assignment_group")),
    }


def version_of(r: Mapping[str, Any], due: Due = Due()) -> str:
    """`sys_mod_count` (ServiceNow's own change counter) plus a digest of what we show,
    due dates included: an SLA that moved leaves the incident's counter as it was."""
    shown = {k: r.get(k) for k in FIELDS if k not in UNSHOWN}
    shown["due"] = [str(d) for d in (due.response, due.resolution, due.responded)]
    return marked_version(value(r, "sys_mod_count"), shown)


def _with_id(item: Any) -> Any:
    """The record with `id` = its number, so a skipped one is logged by number."""
    return {**item, "id": value(item, "number") or value(item, "sys_id")} \
        if isinstance(item, dict) else item  # fmt: skip
