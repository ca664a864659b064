"""ConnectWise PSA (Manage REST API 3.0) service tickets (docs/connectwise.md).

Reading: `GET service/tickets` with `conditions` — `closedFlag=false` for the first
sync and for reconciliation, `lastUpdated>=[…]` afterwards (ConnectWise stamps
changes to the whole second, so the bound is floored to the second and inclusive;
the sync engine's two-minute overlap covers clock drift). Pages are forward-only by
ascending id (stable while tickets change mid-read), so no page's newest change is a
safe resume point for the pages after it: the watermark travels on a final empty
page, once every ticket was read.

Writing: ConnectWise has no ETag and no idempotency key, so every field change is
read-compare-write: GET the ticket, compare the fields the action changes with what
the technician saw (`Conflict`), skip if the wanted value is already there (a retry
that landed), `PATCH` a JSON-Patch array of references by id (status ids belong to
the ticket's board: looked up by name on that board), and check the answer. Of
several names mapped to one value, the configured ones are tried first. Notes
are `POST …/notes` with ConnectWise's note-type flags and a short reference to the
action's idempotency key, which a retry looks for before posting again. A major
incident's link bundles the child under the lead ticket (`bundle.py`), read first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.connectwise import bundle
from noc_console.connectors.connectwise.catalog import CwCatalog
from noc_console.connectors.connectwise.records import CwRecords, ref_name, ticket_values
from noc_console.connectors.connectwise.session import MAX_PAGE_SIZE, ConnectWiseHttp
from noc_console.connectors.errors import ActionRejected, ConnectorUnavailable
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import check_conflict, note_mark, version_of
from noc_console.models.actions import Action, ActionKind
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Priority, Status, Tier

log = logging.getLogger(__name__)

DEFAULT_MAPPING = FieldMapping(
    status={  # ConnectWise's out-of-the-box status names, and the fake's
        "New": Status.NEW, "New (email)": Status.NEW, "New (portal)": Status.NEW,
        "Acknowledged": Status.ACKNOWLEDGED, "Assigned": Status.ACKNOWLEDGED,
        "In Progress": Status.IN_PROGRESS, "Scheduled": Status.IN_PROGRESS,
        "Customer Updated": Status.IN_PROGRESS, "Re-Opened": Status.IN_PROGRESS,
        "Waiting Customer": Status.WAITING_CUSTOMER, "Waiting Vendor": Status.WAITING_VENDOR,
        "Resolved": Status.RESOLVED, "Completed": Status.RESOLVED,
        "Closed": Status.CLOSED, ">Closed": Status.CLOSED, "Cancelled": Status.CLOSED,
    },
    priority={
        "Priority 1 - Emergency Response": Priority.P1,
        "Priority 2 - Quick Response": Priority.P2,
        "Priority 3 - Normal Response": Priority.P3,
        "Priority 4 - Schedule Maint": Priority.P4,
    },
    tier={  # board name → tier; escalation moves a ticket to the first board of a tier
        "Service Desk": Tier.L1, "Help Desk": Tier.L1, "NOC Alerts": Tier.L1,
        "Tier 2": Tier.L2, "Escalations": Tier.L2, "Tier 3": Tier.L3,
        "Engineering": Tier.ENG,
    },
)  # fmt: skip
#: When a board has no status mapped to the wanted one, the nearest that it has.
NEAREST = {
    Status.ACKNOWLEDGED: (Status.IN_PROGRESS,),
    Status.IN_PROGRESS: (Status.ACKNOWLEDGED,),
    Status.WAITING_VENDOR: (Status.WAITING_CUSTOMER,),
    Status.RESOLVED: (Status.CLOSED,),
    Status.CLOSED: (Status.RESOLVED,),
}
FIELDS = ("status", "assignee", "priority", "tier")


@dataclass(frozen=True, slots=True)
class CwOptions:
    """What the ConnectWise connector needs besides HTTP (`[[connectors]]`, type
    "connectwise")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    page_size: int = MAX_PAGE_SIZE  # at most 1000 (ConnectWise's cap)


class ConnectWiseConnector(NamedSource):
    def __init__(self, name: str, http: ConnectWiseHttp, options: CwOptions,
                 label: str = "") -> None:  # fmt: skip
        super().__init__(name, label)
        self.http = http
        self.options = options
        self.records = CwRecords(name, options.mapping)
        self.catalog = CwCatalog(http)

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        found: dict[str, Client] = {}
        mapping = self.options.mapping
        fields = {"fields": "id,identifier,name"}
        for page in self.http.pages("company/companies", fields, self.options.page_size):
            for company in page:
                identifier = str(company.get("identifier") or "")
                client = mapping.client.get(identifier) if mapping.client else identifier
                if client and client not in found:
                    found[client] = Client(client, str(company.get("name") or identifier))
        if mapping.default_client:
            found.setdefault(mapping.default_client, Client(mapping.default_client,
                                                            mapping.default_client))  # fmt: skip
        return list(found.values())

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        if since is None:  # first sync: what is open now, not years of history
            return self._tickets("closedFlag=false", with_watermark=True)
        return self._tickets(f"lastUpdated>=[{cw_time(since)}]", with_watermark=True)

    def list_open(self) -> Iterator[Page]:
        return self._tickets("closedFlag=false", with_watermark=False)

    def count(self, conditions: str) -> int:
        """How many tickets match `conditions` (for the connection test)."""
        body = self.http.json("GET", "service/tickets/count", params={"conditions": conditions})
        return int(body.get("count") or 0) if isinstance(body, dict) else 0

    def _tickets(self, conditions: str, with_watermark: bool) -> Iterator[Page]:
        newest: datetime | None = None
        params = {"conditions": conditions}
        for rows in self.http.pages("service/tickets", params, self.options.page_size):
            incidents, skipped, problems = self.records.page(rows)
            for incident in incidents:
                newest = max(newest or incident.updated_at, incident.updated_at)
            yield Page(incidents, None, skipped, problems)
        if with_watermark and newest is not None:
            yield Page((), newest)  # every page stored: now it is safe to resume from here

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        ticket_id = action.key.external_id
        if action.kind is ActionKind.NOTE:
            internal = bool(action.payload.get("internal", True))
            self._note(ticket_id, action, str(action.payload.get("text", "")), retry,
                       internal=internal)  # fmt: skip
            return version_of(*_stamped(self._read(ticket_id)))
        if action.kind is ActionKind.LINK:
            return self._link(ticket_id, action)
        ticket = self._read(ticket_id)
        current = ticket_values(ticket, self.options.mapping, strict=False)
        try:
            operations, target = self._patch_for(action, ticket)
        except InvalidRecord as exc:  # nothing mapped to write
            raise ActionRejected(f"{self._name}: {exc}") from None
        if any(current.get(k) != v for k, v in target.items()):  # else: it landed already
            check_conflict(action, {k: current[k] for k in FIELDS},
                           f"{self._name}: ticket {ticket_id} changed in ConnectWise")  # fmt: skip
            ticket = self._patch(ticket_id, operations)
            after = ticket_values(ticket, self.options.mapping, strict=False)
            unmet = {k: after.get(k) for k, v in target.items() if after.get(k) != v}
            if unmet:
                raise ActionRejected(f"{self._name}: ConnectWise did not apply {operations} "
                                     f"to ticket {ticket_id} (now {unmet})")  # fmt: skip
        if action.kind is ActionKind.RESOLVE and action.payload.get("text"):
            self._note(ticket_id, action, str(action.payload["text"]), retry, resolution=True)
            ticket = self._read(ticket_id)
        return version_of(*_stamped(ticket))

    def _link(self, ticket_id: str, action: Action) -> str:
        """Bundle this ticket under the major incident's lead ticket, and check it is."""
        lead = bundle.lead_of(self._name, ticket_id, action.payload.get("refers_to"))
        reference = str(action.payload.get("reference") or "the major incident")
        ticket = self._read(ticket_id)
        if bundle.attach(self.http, ticket, lead, reference):
            ticket = self._read(ticket_id)
            if ticket.get("parentTicketId") != lead:
                raise ActionRejected(f"{self._name}: ConnectWise accepted bundling ticket "
                                     f"{ticket_id} under ticket {lead}, but the ticket's "
                                     f"parent is {ticket.get('parentTicketId')}")  # fmt: skip
        return version_of(*_stamped(ticket))

    def _patch_for(self, action: Action, ticket: dict[str, Any]
                   ) -> tuple[list[dict[str, Any]], dict[str, Any]]:  # fmt: skip
        """The JSON-Patch operations for `action`, and the values they lead to."""
        mapping, p, kind = self.options.mapping, action.payload, action.kind
        if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
            name, status_id = self._status_on(ticket["board"], Status(action.changes()["status"]))
            return [_replace("status", status_id)], {"status": mapping.status_of(name)}
        if kind is ActionKind.ASSIGN:
            assignee = p.get("assignee")
            if not assignee:
                return [{"op": "remove", "path": "owner"}], {"assignee": None}
            member = self.catalog.member_id(str(assignee))
            return [_replace("owner", member)], {"assignee": str(assignee)}
        if kind is ActionKind.PRIORITY:
            priority = Priority(p["priority"])
            priority_id = self.catalog.priority_id(mapping.priority_for(priority))
            return [_replace("priority", priority_id)], {"priority": priority}
        if kind is ActionKind.TIER:
            return self._move_to_tier(ticket, Tier(p["tier"]))
        raise ActionRejected(f"{self._name}: cannot write {kind.value} to ConnectWise")

    def _status_on(self, board: dict[str, Any], wanted: Status) -> tuple[str, int]:
        """The name and id of the status of `board` that means `wanted` (or the nearest)."""
        names = self._status_names(wanted)
        return self.catalog.status_id(int(board["id"]), ref_name(board), names)

    def _status_names(self, wanted: Status) -> list[str]:
        """The source's names for `wanted`, then for the nearest statuses, in order."""
        mapping = self.options.mapping
        return [n for s in (wanted, *NEAREST.get(wanted, ())) for n in mapping.status_names(s)]

    def _move_to_tier(self, ticket: dict[str, Any], tier: Tier
                      ) -> tuple[list[dict[str, Any]], dict[str, Any]]:  # fmt: skip
        """Escalation moves the ticket to the first board mapped to `tier` that the
        tenant has (configured boards first); the status moves along to the new
        board's status of the same name (or meaning)."""
        board = self.options.mapping.tier_target(tier, self.catalog.board_names, "ConnectWise",
                                                 "board")  # fmt: skip
        board_id = self.catalog.boards()[board]
        status = ref_name(ticket.get("status"))
        current = ticket_values(ticket, self.options.mapping, strict=False)["status"]
        names = [status, *(self._status_names(current) if isinstance(current, Status) else ())]
        _, status_id = self.catalog.status_id(board_id, board, names)
        operations = [_replace("board", board_id), _replace("status", status_id)]
        return operations, {"tier": tier}

    def _read(self, ticket_id: str) -> dict[str, Any]:
        body = self.http.json("GET", f"service/tickets/{ticket_id}")
        if not isinstance(body, dict):
            raise ConnectorUnavailable(f"{self._name}: ticket {ticket_id} answered no object")
        return body

    def _patch(self, ticket_id: str, operations: list[dict[str, Any]]) -> dict[str, Any]:
        body = self.http.json("PATCH", f"service/tickets/{ticket_id}", json=operations)
        return body if isinstance(body, dict) else self._read(ticket_id)

    def _note(self, ticket_id: str, action: Action, text: str, retry: bool, *,
              internal: bool = False, resolution: bool = False) -> None:  # fmt: skip
        """Internal notes are ConnectWise's "Internal Analysis"; client-visible ones its
        "Detail Description" (discussion); a resolution note its "Resolution"."""
        mark = note_mark(action)
        if retry and self._has_note(ticket_id, mark):
            return
        body = {
            "text": f"{text}\n\n-- {mark}",
            "detailDescriptionFlag": not internal and not resolution,
            "internalAnalysisFlag": internal,
            "resolutionFlag": resolution,
        }
        self.http.request("POST", f"service/tickets/{ticket_id}/notes", json=body)

    def _has_note(self, ticket_id: str, mark: str) -> bool:
        """Whether one of the ticket's recent notes carries `mark` (an attempt landed)."""
        params = {"orderBy": "id desc", "pageSize": 100}
        notes = self.http.json("GET", f"service/tickets/{ticket_id}/notes", params=params)
        if not isinstance(notes, list):
            return False
        return any(mark in str(n.get("text", "")) for n in notes if isinstance(n, dict))


def cw_time(when: datetime) -> str:
    """ConnectWise's datetime literal (UTC, whole seconds: the floor of `when`)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _replace(path: str, record_id: int) -> dict[str, Any]:
    return {"op": "replace", "path": path, "value": {"id": record_id}}


def _stamped(ticket: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    return (ticket.get("_info") or {}).get("lastUpdated"), ticket
