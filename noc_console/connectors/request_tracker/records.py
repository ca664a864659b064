"""Request Tracker ticket JSON → normalised incidents (and back to comparable values).

RT writes an unset date as the epoch ("1970-01-01T00:00:00Z"), an unowned ticket as
owner "Nobody", and custom fields as `[{name, values: [...]}]`. Queues become clients
(or the mapping's clients) and, unless a tier custom field says otherwise, tiers.
`Started` (set when a ticket first leaves "new") is the response time; `Due` is the
resolution due date when someone or RT's SLA set it. The version marker is
`LastUpdated` plus a digest of the record (see `version_of`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import page_of
from noc_console.connectors.records import version_of as marked_version
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Incident, Tier
from noc_console.models.priority import impact_urgency_for

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RtRecords:
    def __init__(self, source: str, mapping: FieldMapping, tier_field: str) -> None:
        self.source = source
        self.mapping = mapping
        self.tier_field = tier_field

    def page(self, items: Iterable[Any]) -> tuple[list[Incident], list[str], list[str]]:
        """The incidents of one search page, the ids of records skipped, and why."""
        return page_of(items, self.incident, self.source, "RT ticket", log)

    def incident(self, t: dict[str, Any]) -> Incident:
        values = ticket_values(t, self.mapping, self.tier_field)
        queue = ref_name(t.get("Queue"))
        created, updated = rt_date(t.get("Created")), rt_date(t.get("LastUpdated"))
        if created is None or updated is None:
            raise InvalidRecord("Created and LastUpdated are required")
        impact, urgency = impact_urgency_for(values["priority"])
        return Incident(
            source=self.source,
            external_id=str(t["id"]),
            client_id=self.mapping.client_of(queue),
            title=str(t.get("Subject") or "(no subject)"),
            category=queue,
            status=values["status"],
            source_status=str(t["Status"]),
            priority=values["priority"],
            impact=impact,
            urgency=urgency,
            tier=values["tier"],
            assignee=values["assignee"],
            created_at=created,
            updated_at=updated,
            responded_at=rt_date(t.get("Started")),
            resolved_at=rt_date(t.get("Resolved")),
            resolution_due=rt_date(t.get("Due")),
            version=version_of(t),
            raw=t,
        )


def ticket_values(t: dict[str, Any], mapping: FieldMapping, tier_field: str) -> dict[str, Any]:
    """The normalised values of the fields triage actions change."""
    owner = ref_name(t.get("Owner"))
    tier_value = _custom_field(t.get("CustomFields"), tier_field) if tier_field else ""
    tier = Tier(tier_value) if tier_value in Tier.__members__ else None
    return {
        "status": mapping.status_of(str(t["Status"])),
        "assignee": None if owner in ("", "Nobody") else owner,
        "priority": mapping.priority_of(str(t.get("Priority") or "0")),
        "tier": tier or mapping.tier_of(ref_name(t.get("Queue"))),
    }


def version_of(t: dict[str, Any]) -> str:
    """`LastUpdated` plus a digest of the record: RT stamps changes to the second, so
    two changes within one second would otherwise look like no change at all."""
    return marked_version(t.get("LastUpdated"), t)


def rt_date(value: Any) -> datetime | None:
    """RT's ISO 8601 UTC dates; the epoch and empty values mean "not set"."""
    if not value:
        return None
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise InvalidRecord(f"date {value!r} has no time zone")
    return None if when <= EPOCH else when


def ref_name(ref: Any) -> str:
    """A user or queue reference: `{id, Name?}` (with fields[Queue]=Name) or a string."""
    if isinstance(ref, dict):
        return str(ref.get("Name") or ref.get("id") or "")
    return str(ref or "")


def _custom_field(fields: Any, name: str) -> str:
    for cf in fields or ():
        if isinstance(cf, dict) and cf.get("name") == name:
            values = cf.get("values") or []
            return str(values[0]) if values else ""
    return ""
