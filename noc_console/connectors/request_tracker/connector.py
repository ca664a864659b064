"""Request Tracker 5 over its REST2 API (docs/connectors.md, "Request Tracker").

Reading: TicketSQL searches with `fields=` so one request per 100 tickets carries
everything the board needs; incremental on `LastUpdated`, ordered by it so each page's
watermark only grows. RT reads date literals in the API user's time zone and garbles
explicit offsets, so the connector writes them in the configured `timezone`
(`connectors test` checks it against the server). Around a DST change RT 5.0.3 reads
them up to an hour late, so there the search starts earlier (`rt_time`).

Writing: RT has no idempotency keys and answers many refusals with 200 and a message
list ("Ticket 7: Permission Denied"), so every field update is read-compare-write:
GET the ticket (values and ETag), compare the fields the action changes with what
the technician saw (`Conflict` if they moved), PUT with `If-Match`, check RT's
messages, and read the ticket back to confirm the change and return its new version.
A 412 (the ticket changed after our GET) is compared again: a `Conflict` names only
the fields that moved from what the technician saw; if none did (someone edited
another field), the PUT goes again with the new ETag. A write RT ignored without a
message is named in words, with what to check. Notes carry a short reference to the
action's idempotency key, which a retry looks for in the ticket's recent history
before posting again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests.auth

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import ActionRejected, ConnectorUnavailable
from noc_console.connectors.http.client import HttpClient, HttpSettings, parse_json
from noc_console.connectors.http.paging import by_next_url, follow
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import check_conflict, note_mark, shown
from noc_console.connectors.request_tracker.dates import since_literal
from noc_console.connectors.request_tracker.records import RtRecords, ref_name, ticket_values
from noc_console.models.actions import Action, ActionKind
from noc_console.models.incident import Client, Priority, Status, Tier
from noc_console.models.record_text import is_number

log = logging.getLogger(__name__)

TICKET_FIELDS = (
    "Subject,Status,Owner,Queue,Priority,Created,LastUpdated,Started,Resolved,Due,"
    "Requestor,CustomFields,Type"
)
PUT_ATTEMPTS = 2  # a 412 on a field the action leaves alone is written over once
#: RT's refusals that still come back as HTTP 200 (lower-cased substrings).
REFUSALS = ("permission denied", "isn't a valid", "is not a valid", "invalid", "could not",
            "couldn't", "not allowed", "no permission", "failed")  # fmt: skip

DEFAULT_MAPPING = FieldMapping(
    status={
        "new": Status.NEW,
        "open": Status.IN_PROGRESS,
        "stalled": Status.WAITING_CUSTOMER,
        "resolved": Status.RESOLVED,
        "rejected": Status.CLOSED,
        "deleted": Status.CLOSED,
    },
    status_out={
        Status.ACKNOWLEDGED: "open",
        Status.WAITING_VENDOR: "stalled",
        Status.CLOSED: "resolved",
    },
    priority={"100": Priority.P1, "75": Priority.P2, "50": Priority.P3, "0": Priority.P4},
)


@dataclass(frozen=True, slots=True)
class RtTicket:
    """A ticket as RT has it: its JSON, the normalised values of the triage fields,
    and its ETag (or `LastUpdated` when RT sends none)."""

    raw: dict[str, Any]
    values: dict[str, Any]
    etag: str


@dataclass(frozen=True, slots=True)
class RtOptions:
    """What the RT connector needs besides HTTP (from `[[connectors]]`, type "rt")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    page_size: int = 100  # RT's maximum
    timezone: str = "UTC"  # the API user's time zone in RT (its $Timezone by default)
    tier_field: str = "Tier"  # ticket custom field holding L1/L2/L3/ENG ("" = by queue)


class RequestTrackerConnector(NamedSource):
    def __init__(self, name: str, http: HttpClient, options: RtOptions, label: str = "") -> None:
        super().__init__(name, label)
        self.http = http
        self.options = options
        self.records = RtRecords(name, options.mapping, options.tier_field)
        self._zone = ZoneInfo(options.timezone)

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        found: dict[str, Client] = {}
        for body in self._collection("/queues/all", {"fields": "Name,Description"}):
            for queue in body.get("items", []):
                name = str(queue.get("Name", ""))
                client = (
                    self.options.mapping.client.get(name) if self.options.mapping.client else name
                )
                if client and client not in found:
                    found[client] = Client(client, str(queue.get("Description") or name))
        if self.options.mapping.default_client:
            default = self.options.mapping.default_client
            found.setdefault(default, Client(default, default))
        return list(found.values())

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        if since is None:  # first sync: what is open now, not years of history
            return self._search("Status = '__Active__'", with_watermark=True)
        literal = since_literal(since, self._zone)  # earlier near a DST change: see rt_time
        return self._search(f"LastUpdated >= '{literal}'", with_watermark=True)

    def list_open(self) -> Iterator[Page]:
        return self._search("Status = '__Active__'", with_watermark=False)

    def search_count(self, query: str) -> int:
        """How many tickets `query` finds (for the connection test)."""
        body = self.http.json("GET", "/tickets", params={"query": query, "per_page": 1})
        return int(body.get("total") or body.get("count") or 0) if isinstance(body, dict) else 0

    def _search(self, query: str, with_watermark: bool) -> Iterator[Page]:
        params = {
            "query": query,
            "fields": TICKET_FIELDS,
            "fields[Queue]": "Name",
            "orderby": "LastUpdated",
            "order": "ASC",
            "per_page": self.options.page_size,
        }
        for body in self._collection("/tickets", params):
            incidents, skipped, problems = self.records.page(body.get("items", []))
            watermark = max((i.updated_at for i in incidents), default=None)
            yield Page(incidents, watermark if with_watermark else None, skipped, problems)

    def _collection(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for body in follow(self.http, path, params, by_next_url(_next_page)):
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise ConnectorUnavailable(f"{self._name}: {path} answered an unexpected shape")
            yield body

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        ticket_id = action.key.external_id
        if action.kind is ActionKind.NOTE:
            internal = bool(action.payload.get("internal", True))
            self._note(ticket_id, action, str(action.payload.get("text", "")), internal, retry)
            return self._read(ticket_id).etag
        if action.kind is ActionKind.LINK:
            self._link(ticket_id, action)
            return self._read(ticket_id).etag
        update = self._update_for(action)
        target = self._values_after(update)
        ticket = self._read(ticket_id)
        if any(ticket.values.get(k) != v for k, v in target.items()):  # else: done already
            check_conflict(action, ticket.values,
                           f"{self._name}: ticket {ticket_id} changed in RT")  # fmt: skip
            self._put(ticket_id, action, update, ticket.etag)
            ticket = self._read(ticket_id)
            unmet = [k for k, v in target.items() if ticket.values.get(k) != v]
            if unmet:
                raise ActionRejected(f"{self._name}: {self._not_applied(ticket, update, unmet)}")
        if action.kind is ActionKind.RESOLVE and action.payload.get("text"):
            self._note(ticket_id, action, str(action.payload["text"]), True, retry)
        return self._read(ticket_id).etag

    def _update_for(self, action: Action) -> dict[str, Any]:
        mapping, p = self.options.mapping, action.payload
        kind = action.kind
        if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
            return {"Status": mapping.status_for(Status(action.changes()["status"]))}
        if kind is ActionKind.ASSIGN:
            return {"Owner": p.get("assignee") or "Nobody"}
        if kind is ActionKind.PRIORITY:
            return {"Priority": mapping.priority_for(Priority(p["priority"]))}
        if kind is ActionKind.TIER:
            if not self.options.tier_field:
                raise ActionRejected(f"{self._name}: escalation needs mapping tier_field")
            return {"CustomFields": {self.options.tier_field: Tier(p["tier"]).value}}
        raise ActionRejected(f"{self._name}: cannot write {kind.value} to RT")

    def _values_after(self, update: dict[str, Any]) -> dict[str, Any]:
        """The normalised values RT will report once `update` is applied."""
        mapping, after = self.options.mapping, dict[str, Any]()
        if "Status" in update:
            after["status"] = mapping.status_of(update["Status"])
        if "Owner" in update:
            after["assignee"] = None if update["Owner"] == "Nobody" else update["Owner"]
        if "Priority" in update:
            after["priority"] = mapping.priority_of(str(update["Priority"]))
        if "CustomFields" in update:
            after["tier"] = Tier(update["CustomFields"][self.options.tier_field])
        return after

    def _read(self, ticket_id: str) -> RtTicket:
        response = self.http.request("GET", f"/ticket/{ticket_id}")
        body = parse_json(self.http, response)
        if not isinstance(body, dict):
            raise ConnectorUnavailable(f"{self._name}: ticket {ticket_id} answered no object")
        values = ticket_values(body, self.options.mapping, self.options.tier_field)
        etag = response.headers.get("ETag", "") or str(body.get("LastUpdated", ""))
        return RtTicket(body, values, etag)

    def _put(self, ticket_id: str, action: Action, update: dict[str, Any], etag: str) -> None:
        """PUT `update` if the ticket is still at `etag`. On 412 the ticket is compared
        again (`check_conflict`: only fields that moved from what the technician saw);
        if none did, or the user chose "apply mine", it is written over the new ETag."""
        for _ in range(PUT_ATTEMPTS):
            headers = {"If-Match": etag} if etag.startswith('"') else {}
            response = self.http.request("PUT", f"/ticket/{ticket_id}", json=update,
                                         headers=headers, accept=(412,),
                                         idempotent=True)  # fmt: skip
            if response.status_code != 412:
                self._check_messages(parse_json(self.http, response), f"update ticket {ticket_id}")
                return
            ticket = self._read(ticket_id)
            check_conflict(action, ticket.values,
                           f"{self._name}: ticket {ticket_id} changed in RT meanwhile")  # fmt: skip
            etag = ticket.etag
        raise ConnectorUnavailable(f"{self._name}: ticket {ticket_id} kept changing in RT while "
                                   "we wrote to it; will try again")  # fmt: skip

    def _not_applied(self, ticket: RtTicket, update: dict[str, Any], unmet: list[str]) -> str:
        """What RT left unchanged, in words, and what to check (RT answers some refusals
        with 200 and no message: a custom field not applied to the queue is ignored)."""
        raw, tier_field = ticket.raw, self.options.tier_field
        owner = ref_name(raw.get("Owner")) or "Nobody"
        said = {
            "status": ("Status", update.get("Status"), raw.get("Status"),
                       "check that the queue's lifecycle allows it and the API user may "
                       "modify the ticket"),
            "assignee": ("Owner", update.get("Owner"), owner,
                         f"check that {shown(update.get('Owner'))} may own tickets in the "
                         "queue and the API user may modify the ticket"),
            "priority": ("Priority", update.get("Priority"), raw.get("Priority"),
                         "check that the API user may modify the ticket"),
            "tier": (tier_field, (update.get("CustomFields") or {}).get(tier_field),
                     ticket.values.get("tier"),
                     f"check that the {shown(tier_field)} custom field is applied to the "
                     "queue and the API user may modify it"),
        }  # fmt: skip
        return "; ".join(
            f"RT did not change {shown(said[k][0])} to {shown(said[k][1])} on ticket "
            f"{shown(raw.get('id'))} (it is still {shown(said[k][2])}) — {said[k][3]}"
            for k in unmet
        )

    def _note(self, ticket_id: str, action: Action, text: str, internal: bool, retry: bool) -> None:
        mark = note_mark(action)
        if retry and self._has_note(ticket_id, mark):
            return
        kind = "comment" if internal else "correspond"
        body = {"Content": f"{text}\n\n-- {mark}", "ContentType": "text/plain"}
        response = self.http.request("POST", f"/ticket/{ticket_id}/{kind}", json=body)
        self._check_messages(parse_json(self.http, response), f"{kind} on ticket {ticket_id}")

    def _link(self, ticket_id: str, action: Action) -> None:
        """RT's native link: this ticket RefersTo the others (a major incident's lead
        ticket in this RT). Adding a link that exists is answered "Link already exists",
        so a retry changes nothing."""
        others = [str(i) for i in action.payload.get("refers_to", []) if is_number(str(i))]
        if not others:
            raise ActionRejected(f"{self._name}: nothing to link ticket {ticket_id} to")
        response = self.http.request("PUT", f"/ticket/{ticket_id}", json={"AddRefersTo": others},
                                     idempotent=True)  # fmt: skip
        what = f"link ticket {ticket_id} to {', '.join(others)} (RefersTo)"
        self._check_messages(parse_json(self.http, response), what)

    def _has_note(self, ticket_id: str, mark: str) -> bool:
        """Whether a recent comment or reply carries `mark` (an earlier attempt landed)."""
        params = {"fields": "Type", "orderby": "id", "order": "DESC", "per_page": 50}
        history = self.http.json("GET", f"/ticket/{ticket_id}/history", params=params)
        items = history.get("items", []) if isinstance(history, dict) else []
        notes = [t["id"] for t in items if t.get("Type") in ("Comment", "Correspond")]
        for txn in notes[:20]:
            attachments = self.http.json("GET", f"/transaction/{txn}/attachments",
                                         params={"fields": "Content"})  # fmt: skip
            if any(mark in str(a.get("Content", "")) for a in attachments.get("items", [])):
                return True
        return False

    def _check_messages(self, messages: Any, what: str) -> None:
        texts = [str(m) for m in messages] if isinstance(messages, list) else []
        refused = [m for m in texts if any(r in m.lower() for r in REFUSALS)]
        if refused:
            raise ActionRejected(f"{self._name}: RT refused to {what}: {'; '.join(refused)}")


def rt_client(name: str, settings: HttpSettings, auth: str, username: str, secret: str
              ) -> HttpClient:  # fmt: skip
    """The HTTP client for RT: `Authorization: token …` (RT::Authen::Token) or basic."""
    if auth == "basic":
        basic = requests.auth.HTTPBasicAuth(username, secret)
        return HttpClient(name, settings, auth=basic, secrets=[secret])
    return HttpClient(name, settings, headers={"Authorization": f"token {secret}"},
                      secrets=[secret])  # fmt: skip


def _next_page(body: Any) -> str | None:
    return body.get("next_page") if isinstance(body, dict) else None
