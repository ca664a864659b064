"""Zendesk Support tickets over API v2 (docs/zendesk.md).

Auth: an API token (Basic `{email}/token:{token}`) or an OAuth access token (Bearer).

Reading:
- changes: the incremental cursor export (`/incremental/tickets/cursor.json`,
  `start_time` = the watermark, then `cursor` = `after_cursor` until `end_of_stream`;
  `per_page`, `include=slas`). Zendesk allows **10 export requests a minute**; a
  limiter of our own (`export_limiter`: one request every six seconds, no burst) keeps
  under it, so the sync waits rather than being refused. The stream is ordered by
  `generated_timestamp` (bumped by every update, system ones too): the page's newest is
  its watermark. Zendesk leaves out what changed in the minute before the request; the
  next export finds it. Deleted tickets come with status `deleted` (closed here).
- open tickets (the first sync and reconciliation): the search export
  (`/search/export.json?query=status<solved&filter[type]=ticket`, cursor paging, no
  1,000-result cap) for the ids, then `/tickets/show_many.json?ids=…&include=slas`, 100
  at a time, for the tickets with their SLA metrics (search results carry none). The
  first sync's watermark comes with its last page: the newest `updated_at` read.
- organizations, groups and agents (`/organizations`, `/groups`,
  `/users?role[]=agent&role[]=admin`, cursor paging) once per sync, for names.

Writing: `PUT /tickets/{id}.json` with `safe_update: true` and `updated_stamp` = the
`updated_at` we read — Zendesk's own optimistic lock: a ticket changed since is refused
with 409. Every field change is read-compare-write: read the ticket, compare the fields
the action changes with what the technician saw (`Conflict`), skip if the wanted value
is there already (a retry that landed), `PUT`. On a 409 the ticket is read again: if a
field this action changes moved from what the technician saw it is a `Conflict`, else
(someone changed another field) the update is sent once more with the new stamp. Notes
are comments (`public` false: internal) carrying a short reference to the action's key,
which a retry looks for in the ticket's comments first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import (
    ActionRejected,
    Conflict,
    ConnectorUnavailable,
    not_linked,
)
from noc_console.connectors.http.client import HttpClient, HttpSettings, reading
from noc_console.connectors.http.paging import by_cursor, by_next_url, follow
from noc_console.connectors.http.rate_limit import RateLimiter
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import check_conflict, note_mark, shown
from noc_console.connectors.zendesk.records import (
    ZendeskLookups,
    ZendeskRecords,
    table,
    ticket_values,
    version_of,
    zd_date,
)
from noc_console.models.actions import Action, ActionKind
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Priority, Status, Tier
from noc_console.models.record_text import is_number

log = logging.getLogger(__name__)

EXPORT = "/api/v2/incremental/tickets/cursor.json"
MAX_PAGE_SIZE = 1000  # incremental export per_page and search export page[size]
SHOW_MANY = 100  # ids per show_many request (Zendesk's maximum)
EXPORTS_PER_MINUTE = 10.0  # Zendesk's limit on the incremental endpoints
#: Zendesk's plans allow 200 (Team) to 700 (Enterprise) requests a minute: the lowest.
DEFAULT_REQUESTS_PER_MINUTE = 200.0
LOOKUP_MAX_AGE = 600.0

DEFAULT_MAPPING = FieldMapping(
    status={
        "new": Status.NEW,
        "open": Status.IN_PROGRESS,
        "pending": Status.WAITING_CUSTOMER,
        "hold": Status.WAITING_VENDOR,
        "solved": Status.RESOLVED,
        "closed": Status.CLOSED,
        "deleted": Status.CLOSED,
    },
    status_out={Status.ACKNOWLEDGED: "open", Status.RESOLVED: "solved"},
    priority={
        "urgent": Priority.P1,
        "high": Priority.P2,
        "normal": Priority.P3,
        "low": Priority.P4,
    },
    tier={
        "Support": Tier.L1,
        "NOC": Tier.L1,
        "Tier 2": Tier.L2,
        "Tier 3": Tier.L3,
        "Engineering": Tier.ENG,
    },
)


@dataclass(frozen=True, slots=True)
class ZendeskOptions:
    """What the Zendesk connector needs besides HTTP (`[[connectors]]`, type "zendesk")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    page_size: int = MAX_PAGE_SIZE


def export_limiter(clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], None] = time.sleep) -> RateLimiter:  # fmt: skip
    """One export request every six seconds, no burst: never an eleventh in a minute."""
    return RateLimiter(EXPORTS_PER_MINUTE / 60.0, burst=1.0, clock=clock, sleep=sleep)


class ZendeskConnector(NamedSource):
    def __init__(self, name: str, http: HttpClient, options: ZendeskOptions, label: str = "",
                 exports: RateLimiter | None = None) -> None:  # fmt: skip
        super().__init__(name, label)
        self.http = http
        self.options = options
        self.exports = exports or export_limiter()
        self.records = ZendeskRecords(name, options.mapping)
        self._lookups: ZendeskLookups | None = None
        self._lookups_at = 0.0

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        return self.options.mapping.clients(self.lookups().organizations.values())

    def lookups(self, max_age: float = LOOKUP_MAX_AGE) -> ZendeskLookups:
        if self._lookups is None or time.monotonic() - self._lookups_at >= max_age:
            agents = {"role[]": ["agent", "admin"]}
            self._lookups = ZendeskLookups(
                organizations=table(self._all("/api/v2/organizations.json", "organizations")),
                groups=table(self._all("/api/v2/groups.json", "groups")),
                agents=table(self._all("/api/v2/users.json", "users", agents)),
            )
            self._lookups_at = time.monotonic()
        return self._lookups

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        lookups = self.lookups(max_age=60)
        if since is None:  # first sync: what is open now, not years of history
            return self._open(lookups, with_watermark=True)
        return self._export(int(since.timestamp()), lookups)

    def list_open(self) -> Iterator[Page]:
        return self._open(self.lookups(), with_watermark=False)

    def _export(self, start: int, lookups: ZendeskLookups) -> Iterator[Page]:
        params = {"per_page": self.options.page_size, "include": "slas"}
        next_page = by_cursor(params, "cursor", _after)
        with reading():
            for body in follow(self.http, EXPORT, {**params, "start_time": start}, next_page,
                               send=self._export_request):  # fmt: skip
                tickets = _list(body, "tickets")
                stamps = [t.get("generated_timestamp") for t in tickets if isinstance(t, dict)]
                newest = max((s for s in stamps if isinstance(s, int)), default=None)
                incidents, skipped, problems = self.records.page(tickets, lookups)
                mark = datetime.fromtimestamp(newest, UTC) if newest is not None else None
                yield Page(incidents, mark, skipped, problems)

    def _export_request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.exports.acquire()
        return self.http.request(method, url, **kwargs)

    def open_ids(self) -> Iterator[list[int]]:
        """The ids of every unsolved ticket, page by page (the search export)."""
        params = {"query": "status<solved", "filter[type]": "ticket",
                  "page[size]": self.options.page_size}  # fmt: skip
        with reading():
            results: Callable[[Any], list[Any]] = lambda b: _list(b, "results")  # noqa: E731
            pages = follow(self.http, "/api/v2/search/export.json", params,
                           by_next_url(_next_link), items=results)  # fmt: skip
            for body in pages:
                yield [int(r["id"]) for r in _list(body, "results")
                       if isinstance(r.get("id"), int)]  # fmt: skip

    def show_many(self, ids: list[int]) -> list[Any]:
        """The tickets with these ids (≤ 100), SLA metrics included."""
        params = {"ids": ",".join(map(str, ids)), "include": "slas"}
        with reading():
            return _list(self.http.json("GET", "/api/v2/tickets/show_many.json", params=params),
                         "tickets")  # fmt: skip

    def _open(self, lookups: ZendeskLookups, with_watermark: bool) -> Iterator[Page]:
        newest: datetime | None = None
        for ids in self.open_ids():
            for at in range(0, len(ids), SHOW_MANY):
                tickets = self.show_many(ids[at : at + SHOW_MANY])
                for t in tickets:
                    stamp = _updated(t)
                    newest = max(newest, stamp) if newest and stamp else newest or stamp
                incidents, skipped, problems = self.records.page(tickets, lookups)
                yield Page(incidents, None, skipped, problems)
        if with_watermark:  # every open ticket read: later syncs export from here
            yield Page([], newest)

    def _all(self, path: str, key: str, extra: dict[str, Any] | None = None) -> list[Any]:
        found: list[Any] = []
        with reading():
            for body in follow(self.http, path, {**(extra or {}), "page[size]": 100},
                               by_next_url(_next_link), items=lambda b: _list(b, key)):  # fmt: skip
                found.extend(_list(body, key))
        return found

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        if action.kind is ActionKind.LINK:
            raise not_linked(self._name, "Zendesk relates an incident only to a problem ticket "
                             "(problem_id), which would make the lead a problem; the internal "
                             "note names the major incident")  # fmt: skip
        if not is_number(action.key.external_id):
            raise ActionRejected(
                f"{self._name}: {action.key.external_id!r} is no Zendesk ticket id"
            )
        ticket_id = int(action.key.external_id)
        lookups = self.lookups()
        text = str(action.payload.get("text") or "")
        ticket = self._read(ticket_id)
        if action.kind is ActionKind.NOTE:
            if retry and self._has_note(ticket_id, note_mark(action)):
                return version_of(ticket)
            public = not bool(action.payload.get("internal", True))
            noted = self._put(ticket_id, {"comment": _comment(action, text, public)})
            if noted is None:  # no safe_update was asked for: Zendesk should not say 409
                raise ConnectorUnavailable(f"{self._name}: ticket {ticket_id}: Zendesk "
                                           "answered 409 to a comment; trying later")  # fmt: skip
            return version_of(noted)
        update, target = self._update_for(action, lookups)
        if action.kind is ActionKind.RESOLVE and text:
            update["comment"] = _comment(action, text, public=False)
        for attempt in range(2):
            current = self._values(ticket_id, ticket, lookups)
            if all(current.get(k) == v for k, v in target.items()):
                return version_of(ticket)  # landed already (a retry), or nothing to change
            check_conflict(action, current, f"{self._name}: ticket {ticket_id} changed in Zendesk")
            body = {**update, "safe_update": True, "updated_stamp": ticket.get("updated_at")}
            answer = self._put(ticket_id, body)
            if answer is None and attempt:
                raise Conflict(f"{self._name}: ticket {ticket_id} keeps changing in Zendesk "
                               "(safe_update refused twice)", {})  # fmt: skip
            if answer is not None:
                after = self._values(ticket_id, answer, lookups)
                unmet = {k: after.get(k) for k, v in target.items() if after.get(k) != v}
                if unmet:
                    now = shown(unmet, 200)
                    raise ActionRejected(f"{self._name}: Zendesk did not apply {update} to "
                                         f"ticket {ticket_id} (now {now})")  # fmt: skip
                return version_of(answer)
            ticket = self._read(ticket_id)  # 409: changed since we read it; compare again
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _update_for(self, action: Action, lookups: ZendeskLookups
                    ) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
        """(the ticket fields to PUT, the normalised values they set)."""
        mapping, p, kind = self.options.mapping, action.payload, action.kind
        try:
            if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
                wanted = Status(action.changes()["status"])
                name = mapping.status_for(wanted)
                return {"status": name}, {"status": _reads_as(mapping, name, wanted)}
            if kind is ActionKind.ASSIGN:
                assignee = p.get("assignee")
                return {"assignee_id": lookups.agent_id(assignee)}, {"assignee": assignee}
            if kind is ActionKind.PRIORITY:
                priority = Priority(p["priority"])
                return {"priority": mapping.priority_for(priority)}, {"priority": priority}
            if kind is ActionKind.TIER:
                tier = Tier(p["tier"])
                group = mapping.tier_target(tier, self._groups, "Zendesk", "group")
                return {"group_id": lookups.group_id(group)}, {"tier": tier}
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: {exc}") from None
        raise ActionRejected(f"{self._name}: cannot write {kind.value} to Zendesk")

    def _groups(self, fresh: bool) -> list[str]:
        return list(self.lookups(max_age=0 if fresh else LOOKUP_MAX_AGE).groups.values())

    def _values(self, ticket_id: int, ticket: dict[str, Any], lookups: ZendeskLookups
                ) -> dict[str, Any]:  # fmt: skip
        try:
            return ticket_values(ticket, self.options.mapping, lookups)
        except (InvalidRecord, LookupError, TypeError, ValueError) as exc:
            raise ActionRejected(f"{self._name}: ticket {ticket_id}: {exc}") from None

    def _read(self, ticket_id: int) -> dict[str, Any]:
        body = self.http.json("GET", f"/api/v2/tickets/{ticket_id}.json")
        ticket = body.get("ticket") if isinstance(body, dict) else None
        if not isinstance(ticket, dict):
            raise ConnectorUnavailable(f"{self._name}: ticket {ticket_id} answered no ticket")
        return ticket

    def _put(self, ticket_id: int, fields: dict[str, Any]) -> dict[str, Any] | None:
        """The updated ticket; None for a 409 (`safe_update`: changed since we read it)."""
        response = self.http.request("PUT", f"/api/v2/tickets/{ticket_id}.json",
                                     json={"ticket": fields}, accept=(409, 422))  # fmt: skip
        body = _json(response)
        if response.status_code == 409:
            log.info("%s: ticket %s: %s", self._name, ticket_id, _error(body))
            return None
        if response.status_code == 422:
            raise ActionRejected(f"{self._name}: Zendesk refused the update of ticket "
                                 f"{ticket_id} (HTTP 422): {_error(body)}")  # fmt: skip
        ticket = body.get("ticket") if isinstance(body, dict) else None
        if not isinstance(ticket, dict):
            raise ConnectorUnavailable(f"{self._name}: PUT of ticket {ticket_id} answered no "
                                       "ticket")  # fmt: skip
        return ticket

    def _has_note(self, ticket_id: int, mark: str) -> bool:
        body = self.http.json("GET", f"/api/v2/tickets/{ticket_id}/comments.json")
        return any(mark in str(c.get("body", "")) for c in _list(body, "comments"))


def _comment(action: Action, text: str, public: bool) -> dict[str, Any]:
    return {"body": f"{text}\n\n-- {note_mark(action)}", "public": public}


def _reads_as(mapping: FieldMapping, name: str, wanted: Status) -> Status:
    try:
        return mapping.status_of(name)
    except InvalidRecord:
        return wanted


def _after(body: Any) -> str | None:
    """The export's next cursor, None at the end of the stream."""
    if not isinstance(body, dict) or body.get("end_of_stream") is not False:
        return None
    cursor = body.get("after_cursor")
    return str(cursor) if cursor else None


def _next_link(body: Any) -> str | None:
    meta = body.get("meta") if isinstance(body, dict) else None
    links = body.get("links") if isinstance(body, dict) else None
    if not isinstance(meta, dict) or not meta.get("has_more") or not isinstance(links, dict):
        return None
    link = links.get("next")
    return str(link) if link else None


def _list(body: Any, key: str) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise ConnectorUnavailable(f"Zendesk answered without {key!r}: {shown(body)}")
    return [item for item in body[key] if isinstance(item, dict)]


def _updated(ticket: Any) -> datetime | None:
    try:
        return zd_date(ticket.get("updated_at")) if isinstance(ticket, dict) else None
    except ValueError:
        return None


def _json(response: requests.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return response.text[:200]


def _error(body: Any) -> str:
    """Zendesk's `{"error", "description", "details": {field: [{"description"}]}}`."""
    if not isinstance(body, dict):
        return shown(body, 300)
    parts = [str(body.get("description") or body.get("error") or "")]
    details = body.get("details")
    if isinstance(details, dict):
        parts += [str(d.get("description")) for v in details.values() if isinstance(v, list)
                  for d in v if isinstance(d, dict)]  # fmt: skip
    return shown("; ".join(p for p in parts if p), 300)


def zendesk_client(name: str, settings: HttpSettings, email: str, secret: str, oauth: bool,
                   sleep: Callable[[float], None] = time.sleep) -> HttpClient:  # fmt: skip
    """The HTTP client: Basic `{email}/token` + API token, or the OAuth bearer token."""
    if oauth:
        return HttpClient(name, settings, headers={"Authorization": f"Bearer {secret}"},
                          secrets=[secret], sleep=sleep)  # fmt: skip
    return HttpClient(name, settings, auth=(f"{email}/token", secret), secrets=[secret],
                      sleep=sleep)  # fmt: skip
