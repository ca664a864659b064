"""Autotask PSA over its REST API v1.0 (docs/autotask.md).

Reading: `POST Tickets/query` with a JSON filter, `MaxRecords` ≤ 500, then GET each
`pageDetails.nextPageUrl` until it is null. Incremental on two markers at once:
`lastActivityDate` moves on notes and time entries as well as edits (a note from the
customer must reach the board) and `lastTrackedModificationDateTime` on tracked
field edits, which integrations report as the reliable edit marker; an `or` of both
costs nothing and misses neither. The first sync reads the open tickets only.
Picklist labels, companies and resources are read from the tenant (see at_records).

Writing: Autotask has no ETag and no idempotency key, so every field change is
read-compare-write: `GET Tickets/{id}`, compare what the action changes with what the
technician saw (`Conflict`), `PATCH Tickets` at the entity root with the id in the
body, read back to confirm and return the new version. A retry finds an update that
already landed by the comparison, and a note by the reference it carries
(`TicketNotes` query). Notes: `POST Tickets/{id}/Notes`, `publish` Internal Users or
All Autotask Users, `noteType` chosen by label from `TicketNotes` field information.
A major incident's link sets the child Incident's `problemTicketId` to the lead Problem
ticket, and only that (problem_link.py says when it refuses instead).

Limits: see at_session (hourly budget, 3 threads per endpoint, zone moves, 500s).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from noc_console.connectors.autotask import problem_link
from noc_console.connectors.autotask.records import AtRecords, Directory, Picklists, version_of
from noc_console.connectors.autotask.session import AutotaskSession
from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import ActionRejected, ConnectorUnavailable, NotFound
from noc_console.connectors.http.client import reading
from noc_console.connectors.http.paging import by_next_url, follow
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import check_conflict, note_mark
from noc_console.models.actions import CHANGED_FIELDS, Action, ActionKind
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Priority, Status, Tier

log = logging.getLogger(__name__)

MAX_RECORDS = 500  # Autotask's cap per query page
ALL = [{"op": "gte", "field": "id", "value": 0}]  # a query needs at least one filter
#: noteType labels tried in order for each kind of note; publish labels by prefix.
NOTE_TYPES = {True: ("Internal Notes", "Task Detail"), False: ("Task Summary", "Task Detail")}
PUBLISH = {True: ("Internal", 2), False: ("All Autotask Users", 1)}  # label prefix, documented id

DEFAULT_MAPPING = FieldMapping(
    status={
        "New": Status.NEW,
        "In Progress": Status.IN_PROGRESS,
        "Dispatched": Status.IN_PROGRESS,
        "Escalate": Status.IN_PROGRESS,
        "Customer Note Added": Status.IN_PROGRESS,
        "Waiting Customer": Status.WAITING_CUSTOMER,
        "On Hold": Status.WAITING_CUSTOMER,
        "Waiting Vendor": Status.WAITING_VENDOR,
        "Waiting Materials": Status.WAITING_VENDOR,
        "RMM Resolved": Status.RESOLVED,
        "Complete": Status.RESOLVED,
    },
    status_out={
        Status.ACKNOWLEDGED: "In Progress",
        Status.RESOLVED: "Complete",
        Status.CLOSED: "Complete",
    },
    priority={
        "Critical": Priority.P1,
        "High": Priority.P2,
        "Medium": Priority.P3,
        "Low": Priority.P4,
    },
    tier={
        "Level I": Tier.L1,
        "Level II": Tier.L2,
        "Level III": Tier.L3,
        "Engineering": Tier.ENG,
    },
)


@dataclass(frozen=True, slots=True)
class AtOptions:
    """What the Autotask connector needs besides HTTP (`[[connectors]]`, type "autotask")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    page_size: int = MAX_RECORDS
    lookup_ttl: float = 300.0  # seconds picklists, companies and resources are reused


class AutotaskConnector(NamedSource):
    def __init__(self, name: str, session: AutotaskSession, options: AtOptions,
                 label: str = "") -> None:  # fmt: skip
        super().__init__(name, label)
        self.session = session
        self.options = options
        self.records = AtRecords(name, options.mapping)
        self._lookups: tuple[float, Directory] | None = None
        self._note_lists: Picklists | None = None

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        mapping, found = self.options.mapping, dict[str, Client]()
        for name in self.directory(refresh=True).companies.values():
            try:
                client = mapping.client_of(name)
            except InvalidRecord:
                continue  # its tickets are skipped and named
            found.setdefault(client, Client(client, name if client == name else client))
        for client in (*mapping.client.values(), mapping.default_client):
            if client:
                found.setdefault(client, Client(client, client))
        return list(found.values())

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        if since is None:  # first sync: what is open now, not years of history
            return self._tickets(self.open_filter(), with_watermark=True)
        stamp = at_time(since)
        changed = {"op": "or", "items": [
            {"op": "gte", "field": "lastActivityDate", "value": stamp},
            {"op": "gte", "field": "lastTrackedModificationDateTime", "value": stamp}]}  # fmt: skip
        return self._tickets([changed], with_watermark=True)

    def list_open(self) -> Iterator[Page]:
        return self._tickets(self.open_filter(), with_watermark=False)

    def directory(self, refresh: bool = False) -> Directory:
        """Picklists, companies and resources, re-read after `lookup_ttl` seconds."""
        now = time.monotonic()
        if refresh or self._lookups is None or now - self._lookups[0] > self.options.lookup_ttl:
            with reading():
                fields = self.session.json("GET", "Tickets/entityInformation/fields")
            picklists = Picklists.from_fields(fields)
            companies = {
                int(c["id"]): str(c.get("companyName") or c["id"])
                for c in self.query("Companies", ALL, ["id", "companyName"])
            }
            resources = {int(r["id"]): str(r.get("userName") or r["id"])
                         for r in self.query("Resources", ALL, ["id", "userName"])}  # fmt: skip
            self._lookups = (now, Directory(picklists, companies, resources))
        return self._lookups[1]

    def query(self, entity: str, filters: list[dict[str, Any]],
              include: list[str] | None = None) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Every record `filters` finds, page by page (`nextPageUrl`)."""
        for items in self._pages(entity, filters, include):
            yield from items

    def _pages(self, entity: str, filters: list[dict[str, Any]],
               include: list[str] | None = None) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
        search: dict[str, Any] = {
            "filter": filters,
            "MaxRecords": min(self.options.page_size, MAX_RECORDS),
        }
        if include:
            search["IncludeFields"] = include
        pages = follow(self.session.http, f"{entity}/query", {}, by_next_url(_next_page_url),
                       "POST", body=search, items=lambda b: self._items(entity, b),
                       send=self.session.request)  # fmt: skip
        for body in pages:
            yield self._items(entity, body)

    def _items(self, entity: str, body: Any) -> list[dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise ConnectorUnavailable(f"{self._name}: {entity}/query answered an "
                                       "unexpected shape")  # fmt: skip
        items: list[dict[str, Any]] = body["items"]
        return items

    def _tickets(self, filters: list[dict[str, Any]], with_watermark: bool) -> Iterator[Page]:
        directory = self.directory()
        for items in self._pages("Tickets", filters):
            incidents, skipped, problems = self.records.page(items, directory)
            watermark = max((i.updated_at for i in incidents), default=None)
            yield Page(incidents, watermark if with_watermark else None, skipped, problems)

    def open_filter(self) -> list[dict[str, Any]]:
        """Tickets whose status label maps to an open status (unmapped ones are read,
        then skipped with the reason, so a new status is noticed, not hidden)."""
        closed = []
        for value, label in self.directory().picklists.labels.get("status", {}).items():
            status = self.options.mapping.status.get(label)
            if status is not None and not status.is_open:
                closed.append(int(value))
        return [{"op": "notIn", "field": "status", "value": closed}] if closed else ALL

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        ticket_id = _ticket_id(action)
        if action.kind is ActionKind.LINK:
            return self._link(ticket_id, action)
        try:
            if action.kind is ActionKind.NOTE:
                internal = bool(action.payload.get("internal", True))
                self._note(ticket_id, action, str(action.payload.get("text", "")), internal,
                           retry)  # fmt: skip
                return version_of(self._read(ticket_id))
            update = self._update_for(action, self.directory())
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: {exc}") from None
        current_raw = self._read(ticket_id)
        fields = CHANGED_FIELDS[action.kind]
        current = self._values(current_raw)
        target = self._values({**current_raw, **update})
        if any(current.get(k) != target.get(k) for k in fields):  # else: landed already
            check_conflict(action, current,
                           f"{self._name}: ticket {ticket_id} changed in Autotask")  # fmt: skip
            self.session.json("PATCH", "Tickets", json={"id": ticket_id, **update})
            current_raw = self._read(ticket_id)
            after = self._values(current_raw)
            unmet = {k: after.get(k) for k in fields if after.get(k) != target.get(k)}
            if unmet:
                raise ActionRejected(f"{self._name}: Autotask did not apply {update} "
                                     f"(now {unmet})")  # fmt: skip
        return version_of(current_raw)

    def _update_for(self, action: Action, d: Directory) -> dict[str, Any]:
        mapping, p, kind = self.options.mapping, action.payload, action.kind
        if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
            label = mapping.status_for(Status(action.changes()["status"]))
            update: dict[str, Any] = {"status": d.picklists.id_of("status", label)}
            if kind is ActionKind.RESOLVE and p.get("text"):
                update["resolution"] = str(p["text"])
            return update
        if kind is ActionKind.PRIORITY:
            label = mapping.priority_for(Priority(p["priority"]))
            return {"priority": d.picklists.id_of("priority", label)}
        if kind is ActionKind.ASSIGN:
            return self._assignment(p.get("assignee"), d)
        if kind is ActionKind.TIER:
            queue = mapping.tier_target(Tier(p["tier"]), self._queues, "Autotask", "queue")
            return {"queueID": self.directory().picklists.id_of("queueID", queue)}
        raise InvalidRecord(f"cannot write {kind.value} to Autotask")

    def _queues(self, fresh: bool) -> list[str]:
        """The tenant's queue labels (read again when `fresh`), for escalation."""
        return list(self.directory(refresh=fresh).picklists.labels.get("queueID", {}).values())

    def _assignment(self, assignee: Any, d: Directory) -> dict[str, Any]:
        """A resource must come with a role: its default service-desk role."""
        if not assignee:
            return {"assignedResourceID": None, "assignedResourceRoleID": None}
        resource = d.resource_id(str(assignee))
        if resource is None:
            raise InvalidRecord(f"Autotask has no resource with user name {assignee!r}")
        roles = list(self.query("ResourceServiceDeskRoles",
                                [{"op": "eq", "field": "resourceID", "value": resource},
                                 {"op": "eq", "field": "isActive", "value": True}]))  # fmt: skip
        roles.sort(key=lambda r: not r.get("isDefault"))
        if not roles:
            raise InvalidRecord(f"resource {assignee!r} has no service desk role in Autotask")
        return {"assignedResourceID": resource, "assignedResourceRoleID": roles[0]["roleID"]}

    def _values(self, t: Mapping[str, Any]) -> dict[str, Any]:
        """Normalised values of the ticket's triage fields; one Autotask no longer knows
        (a deleted status id) is shown as the raw id so a conflict can name it."""
        d, found = self.directory(), dict[str, Any]()
        for name in ("status", "priority", "assignee", "tier"):
            try:
                found[name] = self.records.value(name, t, d)
            except (InvalidRecord, KeyError, TypeError, ValueError):
                raw = {"assignee": "assignedResourceID", "tier": "queueID"}.get(name, name)
                found[name] = f"{raw} {t.get(raw)}"
        return found

    def _read(self, ticket_id: int) -> dict[str, Any]:
        body = self.session.json("GET", f"Tickets/{ticket_id}")
        item = body.get("item") if isinstance(body, dict) else None
        if not isinstance(item, dict):
            raise NotFound(f"{self._name}: Autotask ticket {ticket_id} no longer exists")
        return item

    def _note(self, ticket_id: int, action: Action, text: str, internal: bool,
              retry: bool) -> None:  # fmt: skip
        mark = note_mark(action)
        if retry and self._has_note(ticket_id, mark):
            return
        lists = self._note_picklists()
        kinds = lists.labels.get("noteType", {})
        note_type = next((lists.id_of("noteType", k) for k in NOTE_TYPES[internal]
                          if k in kinds.values()), None)  # fmt: skip
        if note_type is None:
            raise InvalidRecord(f"Autotask has none of the note types {NOTE_TYPES[internal]}")
        prefix, documented = PUBLISH[internal]
        publish = next((int(v) for v, label in lists.labels.get("publish", {}).items()
                        if label.startswith(prefix)), documented)  # fmt: skip
        title = (text.strip().splitlines() or ["Note"])[0][:250]
        body = {"title": title, "description": f"{text}\n\n-- {mark}",
                "noteType": note_type, "publish": publish}  # fmt: skip
        self.session.json("POST", f"Tickets/{ticket_id}/Notes", json=body)

    def _link(self, ticket_id: int, action: Action) -> str:
        """Make the child an incident of the lead Problem ticket (problem_link.py), read
        before writing: a link that exists is done, whether or not this is a retry."""
        try:
            lead_id = problem_link.lead_of(action.payload.get("refers_to"), ticket_id)
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: ticket {ticket_id} not linked: {exc}") from None
        child = self._read(ticket_id)
        if problem_link.problem_of(child) == lead_id:
            return version_of(child)
        what = f"{self._name}: ticket {ticket_id} not linked to {lead_id}"
        try:
            lead = self._read(lead_id)
        except NotFound:
            raise ActionRejected(f"{what}: Autotask has no ticket {lead_id}") from None
        refused = problem_link.refusal(child, lead, self.directory().picklists)
        if refused:
            raise ActionRejected(f"{what}: {refused}")
        self.session.json("PATCH", "Tickets",
                          json={"id": ticket_id, problem_link.FIELD: lead_id})  # fmt: skip
        child = self._read(ticket_id)
        kept = problem_link.problem_of(child)
        if kept != lead_id:
            raise ActionRejected(f"{what}: Autotask did not keep it (its problem ticket is {kept})")
        return version_of(child)

    def _note_picklists(self) -> Picklists:
        if self._note_lists is None:
            fields = self.session.json("GET", "TicketNotes/entityInformation/fields")
            self._note_lists = Picklists.from_fields(fields)
        return self._note_lists

    def _has_note(self, ticket_id: int, mark: str) -> bool:
        """Whether a note carrying `mark` is on the ticket (an earlier attempt landed)."""
        found = self.query("TicketNotes", [
            {"op": "eq", "field": "ticketID", "value": ticket_id},
            {"op": "contains", "field": "description", "value": mark}], ["id"])  # fmt: skip
        return any(True for _ in found)


def _next_page_url(body: Any) -> str | None:
    details = body.get("pageDetails") if isinstance(body, dict) else None
    return str(details.get("nextPageUrl") or "") if isinstance(details, dict) else None


def at_time(when: datetime) -> str:
    """A datetime in Autotask's filter format: UTC with milliseconds."""
    when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _ticket_id(action: Action) -> int:
    try:
        return int(action.key.external_id)
    except ValueError:
        raise ActionRejected(f"{action.key.external_id!r} is not an Autotask ticket id") from None
