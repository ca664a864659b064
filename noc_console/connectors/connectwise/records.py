"""ConnectWise service tickets → normalised incidents (and comparable field values).

- status: by the status's *name* (ids differ per board); a closed ticket
  (`closedFlag`) whose status name is not mapped is taken as closed rather than
  skipped; an open one with an unknown status is skipped, naming `mapping.status`.
- priority: by name (`mapping.priority`); tier: by board name (`mapping.tier`, else
  `mapping.default_tier`); client: the company's identifier (`mapping.client` may
  rename; empty means each company is a client). A ticket without a company (its
  company was deleted) goes to `mapping.default_client`, or is skipped saying so.
- assignee: the owner's identifier (the member's login).
- times: `_info.dateEntered` / `_info.lastUpdated`; responded = `dateResponded`;
  resolved = `dateResolved`, else `closedDate`. ConnectWise exposes SLA *minutes* and
  flags, not due dates, so `response_due`/`resolution_due` stay None and our SLA
  engine computes them from the client's contract.
- version: `_info.lastUpdated` (whole seconds) plus a digest of the record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import page_of, version_of
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Incident, Status
from noc_console.models.priority import impact_urgency_for

log = logging.getLogger(__name__)


class CwRecords:
    def __init__(self, source: str, mapping: FieldMapping) -> None:
        self.source = source
        self.mapping = mapping

    def page(self, items: Iterable[Any]) -> tuple[list[Incident], list[str], list[str]]:
        """The incidents of one page, the ids of tickets skipped, and why."""
        return page_of(items, self.incident, self.source, "ConnectWise ticket", log)

    def incident(self, t: dict[str, Any]) -> Incident:
        values = ticket_values(t, self.mapping)
        info = t.get("_info") or {}
        created, updated = cw_date(info.get("dateEntered")), cw_date(info.get("lastUpdated"))
        if created is None or updated is None:
            raise InvalidRecord("_info.dateEntered and _info.lastUpdated are required")
        impact, urgency = impact_urgency_for(values["priority"])
        return Incident(
            source=self.source,
            external_id=str(t["id"]),
            client_id=self.client_of(t),
            title=str(t.get("summary") or "(no summary)"),
            category=ref_name(t.get("board")),
            status=values["status"],
            source_status=ref_name(t.get("status")),
            priority=values["priority"],
            impact=impact,
            urgency=urgency,
            tier=values["tier"],
            assignee=values["assignee"],
            created_at=created,
            updated_at=updated,
            responded_at=cw_date(t.get("dateResponded")),
            resolved_at=cw_date(t.get("dateResolved")) or cw_date(t.get("closedDate")),
            version=version_of(info.get("lastUpdated"), t),
            raw=t,
        )

    def client_of(self, t: dict[str, Any]) -> str:
        company = t.get("company")
        identifier = company.get("identifier") if isinstance(company, dict) else None
        if identifier:
            return self.mapping.client_of(str(identifier))
        if self.mapping.default_client:
            return self.mapping.default_client
        raise InvalidRecord(
            "the ticket has no company (deleted in ConnectWise?); set mapping.default_client "
            "to file such tickets under a client"
        )


def ticket_values(t: dict[str, Any], mapping: FieldMapping, strict: bool = True
                  ) -> dict[str, Any]:  # fmt: skip
    """The normalised values of the fields triage actions change. With `strict=False`
    a value the mapping does not know is returned as the source's name (for conflict
    checks on a ticket that could not be synced) instead of raising."""
    owner = t.get("owner")
    values: dict[str, Any] = {
        "assignee": str(owner["identifier"]) if isinstance(owner, dict) and
        owner.get("identifier") else None,
        "tier": mapping.tier_of(ref_name(t.get("board"))),
    }  # fmt: skip
    status, priority = ref_name(t.get("status")), ref_name(t.get("priority"))
    try:
        values["status"] = status_of(status, bool(t.get("closedFlag")), mapping)
    except InvalidRecord:
        if strict:
            raise
        values["status"] = status
    try:
        if not priority:
            raise InvalidRecord("the ticket has no priority")
        values["priority"] = mapping.priority_of(priority)
    except InvalidRecord:
        if strict:
            raise
        values["priority"] = priority
    return values


def status_of(name: str, closed: bool, mapping: FieldMapping) -> Status:
    if name in mapping.status or not closed:
        return mapping.status_of(name)
    return Status.CLOSED  # ConnectWise says closed; the name does not matter


def cw_date(value: Any) -> datetime | None:
    """ConnectWise's `YYYY-MM-DDTHH:MM:SSZ` (UTC); empty means not set."""
    if not value:
        return None
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise InvalidRecord(f"date {value!r} has no time zone")
    return when


def ref_name(ref: Any) -> str:
    """The name of a reference `{id, name}` ("" when absent)."""
    return str(ref.get("name") or "") if isinstance(ref, dict) else ""
