"""HaloPSA ticket JSON → normalised incidents (and back to comparable values).

Halo tickets carry ids (`status_id`, `priority_id`, `client_id`, `agent_id`) whose
names live in lookup lists (`/api/Status`, `/api/Priority` keyed by `priorityid`,
`/api/Client`, `/api/Agent`); the mapping works on those names, so a tenant whose ids
differ from another's maps the same. `team` (a name) gives the tier. Agent 1 is
Halo's "unassigned".

Dates: Halo writes them without a zone; we read naive datetimes as **UTC** (what the
API stores and serves; the web UI localises them) and accept an explicit `Z`/offset
when a tenant sends one. Halo's "empty" dates (`1900-01-01T00:00:00`, `0001-01-01…`)
and anything before 1980 mean "not set". `respondbydate`/`fixbydate` are Halo's own
SLA targets and become `response_due`/`resolution_due`.

A ticket whose client was deleted in Halo keeps the `client_name` printed on it (or
`mapping.default_client`), logged with the ticket id; an unknown status id or an
unmapped name skips the ticket (logged, named in the page's problems).
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

NOT_SET_BEFORE = datetime(1980, 1, 1, tzinfo=UTC)  # django-psa's cut-off for "empty"
UNASSIGNED_AGENT = 1


@dataclass(frozen=True, slots=True)
class HaloLookups:
    """Id → name tables of one Halo tenant, fetched from its lookup endpoints."""

    statuses: Mapping[int, str] = field(default_factory=dict)  # ticket statuses only
    priorities: Mapping[int, str] = field(default_factory=dict)
    clients: Mapping[int, str] = field(default_factory=dict)
    agents: Mapping[int, str] = field(default_factory=dict)

    def status_id(self, name: str) -> int:
        return _id_of(self.statuses, name, "status", "mapping.status_out")

    def priority_id(self, name: str) -> int:
        return _id_of(self.priorities, name, "priority", "mapping.priority")

    def agent_id(self, name: str | None) -> int:
        if name is None:
            return UNASSIGNED_AGENT
        return _id_of(self.agents, name, "agent", "the assignee")


class HaloRecords:
    def __init__(self, source: str, mapping: FieldMapping) -> None:
        self.source = source
        self.mapping = mapping

    def page(
        self, items: Iterable[Any], lookups: HaloLookups
    ) -> tuple[list[Incident], list[str], list[str]]:
        """The incidents of one listing page, the ids of tickets skipped, and why."""
        convert = lambda t: self.incident(t, lookups)  # noqa: E731
        return page_of(items, convert, self.source, "Halo ticket", log)

    def incident(self, t: dict[str, Any], lookups: HaloLookups) -> Incident:
        values = ticket_values(t, self.mapping, lookups)
        created = halo_date(t.get("dateoccurred")) or halo_date(t.get("datecreated"))
        updated = last_update(t)
        if created is None or updated is None:
            raise InvalidRecord("dateoccurred and last_update are required")
        impact, urgency = impact_urgency_for(values["priority"])
        status: Status = values["status"]
        return Incident(
            source=self.source,
            external_id=str(t["id"]),
            client_id=self._client(t, lookups),
            title=str(t.get("summary") or "(no summary)"),
            description=str(t.get("details") or ""),
            category=str(t.get("tickettype_name") or t.get("team") or ""),
            status=status,
            source_status=lookups.statuses[int(t["status_id"])],
            priority=values["priority"],
            impact=impact,
            urgency=urgency,
            tier=values["tier"],
            assignee=values["assignee"],
            created_at=created,
            updated_at=updated,
            responded_at=halo_date(t.get("responsedate")),
            resolved_at=None if status.is_open else halo_date(t.get("dateclosed")),
            response_due=halo_date(t.get("respondbydate")),
            resolution_due=halo_date(t.get("fixbydate")),
            version=version_of(t),
            raw=t,
        )

    def _client(self, t: dict[str, Any], lookups: HaloLookups) -> str:
        client_id = int(t.get("client_id") or 0)
        name = lookups.clients.get(client_id)
        if name is None:  # deleted (or hidden from this agent) since the ticket was logged
            name = self.mapping.default_client or str(t.get("client_name") or "")
            if not name:
                raise InvalidRecord(f"client {client_id} does not exist in Halo (set "
                                    "mapping.default_client to keep such tickets)")  # fmt: skip
            log.warning("%s: Halo ticket %s: client %s no longer exists; filed under %r",
                        self.source, t.get("id"), client_id, name)  # fmt: skip
            return name
        return self.mapping.client_of(name)


def ticket_values(t: dict[str, Any], mapping: FieldMapping, lookups: HaloLookups
                  ) -> dict[str, Any]:  # fmt: skip
    """The normalised values of the fields triage actions change."""
    status_id = int(t["status_id"])
    if status_id not in lookups.statuses:
        raise InvalidRecord(f"status id {status_id} is not in Halo's /api/Status")
    priority_id = int(t.get("priority_id") or 0)
    if priority_id not in lookups.priorities:
        raise InvalidRecord(f"priority id {priority_id} is not in Halo's /api/Priority")
    agent_id = int(t.get("agent_id") or UNASSIGNED_AGENT)
    assignee = None
    if agent_id != UNASSIGNED_AGENT:
        assignee = lookups.agents.get(agent_id) or str(t.get("agent_name") or f"agent {agent_id}")
    return {
        "status": mapping.status_of(lookups.statuses[status_id]),
        "assignee": assignee,
        "priority": mapping.priority_of(lookups.priorities[priority_id]),
        "tier": mapping.tier_of(str(t.get("team") or "")),
    }


def halo_date(value: Any) -> datetime | None:
    """A Halo datetime as aware UTC: naive means UTC; 1900/0001 "empty" dates are None."""
    if not value:
        return None
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return None if when < NOT_SET_BEFORE else when


def halo_param(when: datetime) -> str:
    """A datetime as Halo takes it in a query: naive UTC, milliseconds truncated (so an
    inclusive `lastupdatefromdate` never starts after the ticket it came from)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def last_update(t: dict[str, Any]) -> datetime | None:
    """The change marker: `last_update` on GET, `lastupdate` on POST answers."""
    return halo_date(t.get("last_update") or t.get("lastupdate"))


def version_of(t: dict[str, Any]) -> str:
    """The change marker plus a digest of the fields we show (two edits within one
    millisecond, or a clock that stood still, would otherwise look like no change)."""
    shown = {k: t.get(k) for k in ("status_id", "priority_id", "agent_id", "team", "summary",
                                   "client_id", "respondbydate", "fixbydate")}  # fmt: skip
    return marked_version(t.get("last_update") or t.get("lastupdate"), shown)


def lookup_table(items: Any, key: str = "id") -> dict[int, str]:
    """`[{key: 3, "name": "Medium"}, …]` → {3: "Medium"} (entries without both skipped)."""
    table: dict[int, str] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item.get(key) is not None and item.get("name"):
            table[int(item[key])] = str(item["name"])
    return table


def _id_of(table: Mapping[int, str], name: str, what: str, where: str) -> int:
    for number, known in table.items():
        if known.lower() == name.lower():
            return number
    raise InvalidRecord(f"Halo has no {what} named {name!r} (check {where})")
