"""Zendesk ticket JSON → normalised incidents (and back to comparable values).

Tickets carry ids (`organization_id`, `group_id`, `assignee_id`) whose names come from
the account's lists (`/organizations`, `/groups`, agents from `/users`), fetched once
per sync; the mapping works on names. Zendesk's statuses (`new, open, pending, hold,
solved, closed`, and `deleted` in the incremental export) and priorities (`urgent,
high, normal, low`) are fixed words; a ticket without a priority reads as `normal`.
Times are ISO 8601 UTC (`…Z`).

- client: the organization's name; a ticket without one, or whose organization was
  deleted since, is filed under `mapping.default_client` (logged with the ticket id)
  or skipped when none is set;
- tier: the group's name; assignee: the agent's name;
- due dates: the SLA policy metrics sideloaded with `include=slas`
  (`slas.policy_metrics[]`): `first_reply_time` / `next_reply_time` give the response
  due date, `requester_wait_time` / `agent_work_time` the resolution due date
  (`breach_at`; an achieved metric has none). Without them our SLA engine computes both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import page_of
from noc_console.connectors.records import version_of as marked_version
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Incident, Status
from noc_console.models.priority import impact_urgency_for

log = logging.getLogger(__name__)

RESPONSE_METRICS = ("first_reply_time", "next_reply_time")
RESOLUTION_METRICS = ("requester_wait_time", "agent_work_time")
NO_PRIORITY = "normal"


@dataclass(frozen=True, slots=True)
class ZendeskLookups:
    """Id → name tables of one Zendesk account."""

    organizations: Mapping[int, str] = field(default_factory=dict)
    groups: Mapping[int, str] = field(default_factory=dict)
    agents: Mapping[int, str] = field(default_factory=dict)

    def group_id(self, name: str) -> int:
        return _id_of(self.groups, name, "group")

    def agent_id(self, name: str | None) -> int | None:
        return None if name is None else _id_of(self.agents, name, "agent")


class ZendeskRecords:
    def __init__(self, source: str, mapping: FieldMapping) -> None:
        self.source = source
        self.mapping = mapping

    def page(self, items: Iterable[Any], lookups: ZendeskLookups
             ) -> tuple[list[Incident], list[str], list[str]]:  # fmt: skip
        convert = lambda t: self.incident(t, lookups)  # noqa: E731
        return page_of(items, convert, self.source, "Zendesk ticket", log)

    def incident(self, t: dict[str, Any], lookups: ZendeskLookups) -> Incident:
        values = ticket_values(t, self.mapping, lookups)
        created, updated = zd_date(t.get("created_at")), zd_date(t.get("updated_at"))
        if created is None or updated is None:
            raise InvalidRecord("created_at and updated_at are required")
        status: Status = values["status"]
        impact, urgency = impact_urgency_for(values["priority"])
        response, resolution = due_dates(t)
        return Incident(
            source=self.source,
            external_id=str(int(t["id"])),
            client_id=self._client(t, lookups),
            title=str(t.get("subject") or "(no subject)"),
            description=str(t.get("description") or ""),
            category=str(t.get("type") or ""),
            status=status,
            source_status=str(t.get("status") or ""),
            priority=values["priority"],
            impact=impact,
            urgency=urgency,
            tier=values["tier"],
            assignee=values["assignee"],
            created_at=created,
            updated_at=updated,
            resolved_at=None if status.is_open else updated,
            response_due=response,
            resolution_due=resolution,
            version=version_of(t),
            raw=t,
        )

    def _client(self, t: dict[str, Any], lookups: ZendeskLookups) -> str:
        org = t.get("organization_id")
        name = lookups.organizations.get(int(org)) if org is not None else None
        if name is not None:
            return self.mapping.client_of(name)
        fallback = self.mapping.default_client
        what = f"organization {org} no longer exists" if org is not None else "no organization"
        if not fallback:
            raise InvalidRecord(f"{what} (set mapping.default_client to keep such tickets)")
        log.warning("%s: Zendesk ticket %s: %s; filed under %r", self.source, t.get("id"),
                    what, fallback)  # fmt: skip
        return fallback


def ticket_values(t: Mapping[str, Any], mapping: FieldMapping, lookups: ZendeskLookups
                  ) -> dict[str, Any]:  # fmt: skip
    """The normalised values of the fields triage actions change."""
    assignee_id = t.get("assignee_id")
    assignee = None
    if assignee_id is not None:
        assignee = lookups.agents.get(int(assignee_id)) or f"agent {int(assignee_id)}"
    group = t.get("group_id")
    return {
        "status": mapping.status_of(str(t["status"])),
        "assignee": assignee,
        "priority": mapping.priority_of(str(t.get("priority") or NO_PRIORITY)),
        "tier": mapping.tier_of(lookups.groups.get(int(group), "") if group is not None else ""),
    }


def due_dates(t: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """(response due, resolution due) from the sideloaded SLA policy metrics."""
    slas = t.get("slas")
    metrics = slas.get("policy_metrics") if isinstance(slas, dict) else None
    found: dict[str, datetime] = {}
    for m in metrics if isinstance(metrics, list) else ():
        if isinstance(m, dict) and m.get("breach_at"):
            kind = "response" if m.get("metric") in RESPONSE_METRICS else \
                "resolution" if m.get("metric") in RESOLUTION_METRICS else ""  # fmt: skip
            when = zd_date(m["breach_at"])
            if kind and when is not None:
                found[kind] = min(when, found.get(kind, when))
    return found.get("response"), found.get("resolution")


def zd_date(value: Any) -> datetime | None:
    if not value:
        return None
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def version_of(t: Mapping[str, Any]) -> str:
    """`updated_at` plus a digest of the fields we show (not the SLA metrics: a Show
    Ticket answer, which write-back reads, has none; Zendesk recomputes them on the
    ticket updates that move `updated_at`)."""
    shown = {k: t.get(k) for k in ("status", "priority", "assignee_id", "group_id", "subject",
                                   "organization_id")}  # fmt: skip
    return marked_version(t.get("updated_at"), shown)


def table(items: Iterable[Any]) -> dict[int, str]:
    """`[{"id": 3, "name": "NOC"}, …]` → {3: "NOC"} (entries without both skipped)."""
    return {int(i["id"]): str(i["name"]) for i in items
            if isinstance(i, dict) and i.get("id") is not None and i.get("name")}  # fmt: skip


def _id_of(names: Mapping[int, str], name: str, what: str) -> int:
    for number, known in names.items():
        if known == name:
            return number
    raise InvalidRecord(f"Zendesk has no {what} named {name!r}")
