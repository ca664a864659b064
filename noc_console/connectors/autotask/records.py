"""Autotask ticket JSON → normalised incidents, through the tenant's own picklists.

Tickets carry picklist ids (`status`, `priority`, `queueID`); what they mean is only in
`Tickets/entityInformation/fields`, and every tenant edits its lists. So ids are turned
into labels with the tenant's `Picklists`, and the `FieldMapping` maps labels (never
ids): "Complete" is resolved wherever the tenant numbered it. An id missing from the
picklist, or a label missing from the mapping, raises `InvalidRecord` naming it.

Companies are the clients (by name, or the mapping's client for that name); a queue
listed under `mapping.client` sends its tickets to that client instead; queues give
tiers. A ticket whose company was deleted keeps its place on the board under
`mapping.default_client`, else "Autotask company N", with a warning naming the ticket.
Due dates are Autotask's own (`firstResponseDueDateTime`, `resolvedDueDateTime`).
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
from noc_console.models.incident import Incident
from noc_console.models.priority import impact_urgency_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Picklists:
    """field name → {id (as text) → label}, from an entity's `entityInformation/fields`."""

    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_fields(cls, body: Any) -> Picklists:
        found: dict[str, dict[str, str]] = {}
        fields = body.get("fields") if isinstance(body, dict) else None
        for f in fields or ():
            if isinstance(f, dict) and f.get("isPickList") and f.get("picklistValues"):
                values = [v for v in f["picklistValues"] if v.get("isActive", True)]
                found[str(f["name"])] = {str(v["value"]): str(v["label"]) for v in values}
        return cls(found)

    def label(self, name: str, value: Any) -> str:
        """The label of id `value` of picklist `name`; "" for an empty value."""
        if value is None or value == "":
            return ""
        try:
            return self.labels[name][str(value)]
        except KeyError:
            raise InvalidRecord(f"{name} id {value} is not in this tenant's picklist "
                                "(was it deleted in Autotask?)") from None  # fmt: skip

    def id_of(self, name: str, label: str) -> int:
        """The id the tenant gave `label` in picklist `name` (labels match exactly)."""
        for value, known in self.labels.get(name, {}).items():
            if known == label:
                return int(value)
        choices = ", ".join(self.labels.get(name, {}).values())
        key = "status_out" if name == "status" else name
        raise InvalidRecord(f"Autotask has no {name} {label!r} (it has: {choices}); "
                            f"map it under mapping.{key}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Directory:
    """What a ticket's ids refer to: picklists, companies (id → name), resources
    (id → userName, and back)."""

    picklists: Picklists
    companies: Mapping[int, str]
    resources: Mapping[int, str]

    def resource_id(self, user_name: str) -> int | None:
        for rid, name in self.resources.items():
            if name == user_name:
                return rid
        return None


class AtRecords:
    def __init__(self, source: str, mapping: FieldMapping) -> None:
        self.source = source
        self.mapping = mapping

    def page(self, items: Iterable[Any], d: Directory
             ) -> tuple[list[Incident], list[str], list[str]]:  # fmt: skip
        """The incidents of one page, the ids of tickets skipped, and why."""
        return page_of(items, lambda t: self.incident(t, d), self.source, "Autotask ticket", log)

    def values(self, t: Mapping[str, Any], d: Directory) -> dict[str, Any]:
        """The normalised values of the fields triage actions change."""
        return {name: self.value(name, t, d) for name in ("status", "priority", "assignee", "tier")}

    def value(self, name: str, t: Mapping[str, Any], d: Directory) -> Any:
        """One of `values`; raises `InvalidRecord` for an id or label nobody mapped."""
        if name == "status":
            return self.mapping.status_of(d.picklists.label("status", t["status"]))
        if name == "priority":
            return self.mapping.priority_of(d.picklists.label("priority", t["priority"]))
        if name == "tier":
            return self.mapping.tier_of(d.picklists.label("queueID", t.get("queueID")))
        resource = t.get("assignedResourceID")
        return None if resource is None else d.resources.get(int(resource), f"resource {resource}")

    def incident(self, t: dict[str, Any], d: Directory) -> Incident:
        values = self.values(t, d)
        created, activity = at_date(t.get("createDate")), at_date(t.get("lastActivityDate"))
        tracked = at_date(t.get("lastTrackedModificationDateTime"))
        updated = max((w for w in (activity, tracked) if w is not None), default=None)
        if created is None or updated is None:
            raise InvalidRecord("createDate and lastActivityDate are required")
        queue = d.picklists.label("queueID", t.get("queueID"))
        impact, urgency = impact_urgency_for(values["priority"])
        return Incident(
            source=self.source,
            external_id=str(t["id"]),
            client_id=self._client(t, queue, d),
            title=str(t.get("title") or "(no title)"),
            description=str(t.get("description") or ""),
            category=queue,
            status=values["status"],
            source_status=d.picklists.label("status", t["status"]),
            priority=values["priority"],
            impact=impact,
            urgency=urgency,
            tier=values["tier"],
            assignee=values["assignee"],
            created_at=created,
            updated_at=updated,
            responded_at=at_date(t.get("firstResponseDateTime")),
            resolved_at=at_date(t.get("resolvedDateTime")) or at_date(t.get("completedDate")),
            response_due=at_date(t.get("firstResponseDueDateTime")),
            resolution_due=at_date(t.get("resolvedDueDateTime")),
            version=version_of(t),
            raw=t,
        )

    def _client(self, t: Mapping[str, Any], queue: str, d: Directory) -> str:
        if queue and queue in self.mapping.client:
            return self.mapping.client[queue]
        company_id = t.get("companyID")
        name = d.companies.get(int(company_id)) if company_id is not None else None
        if name is None:
            fallback = self.mapping.default_client or f"Autotask company {company_id}"
            log.warning("%s: Autotask ticket %s: company %s no longer exists; shown under %r "
                        "(set mapping.default_client to choose)", self.source, t.get("id"),
                        company_id, fallback)  # fmt: skip
            return fallback
        return self.mapping.client_of(name)


def version_of(t: Mapping[str, Any]) -> str:
    """`lastActivityDate` plus a digest of the ticket: Autotask has no ETag, and a digest
    also tells apart two changes within one millisecond."""
    return marked_version(t.get("lastActivityDate"), t)


def at_date(value: Any) -> datetime | None:
    """Autotask's UTC timestamps (`2026-11-25T14:00:00.123Z`); naive ones are UTC too."""
    if not value:
        return None
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)
