"""HaloPSA over its API v2 (docs/halo.md).

Auth: OAuth2 client credentials (`halo_auth.HaloToken`), cached and renewed before
expiry, renewed once on a 401.

Reading: `GET /api/Tickets?pageinate=true&page_size=&page_no=` answers
`{record_count, tickets}`. Halo caps `page_size` (100 per its spec) and may clamp a
bigger request instead of refusing it, so nothing here trusts the size it asked for:
the listing ends when the tickets actually served cover `record_count`. Tickets are
read in `last_update` order and the listing walks by change marker (keyset): after
each page the next request starts at `lastupdatefromdate` = the page's newest change
(inclusive, so ties come again; the sync engine tolerates duplicates), from page 1.
Page numbers alone would skip a ticket whenever one edited mid-sync moves from an
earlier page to the end; walking by marker cannot. Only when a whole page shares one
marker does the walk step to the next page number. If Halo ever serves a page out of
`last_update` order, the walk falls back to page numbers and withholds watermarks
until the listing is complete. Statuses, priorities, clients and agents come from
Halo's lookup endpoints (refreshed once per sync) and are mapped by name.

Writing: Halo has no ETag and no idempotency key, so every field update is
read-compare-write: GET the ticket, compare the fields the action changes with what
the technician saw (`Conflict`), `POST /api/Tickets` with a one-item array, and check
the answer. Escalation writes the first team mapped to the tier that `/api/Team` lists
(configured teams before the defaults), since Halo refuses a team it does not have.
Notes are `POST /api/Actions` (`hiddenfromuser` for internal ones) with a short
reference to the action's key, which a retry looks for first; a resolution with a
note is one action carrying `new_status`. A major incident's link makes the ticket a
child of the lead (`parent_id`, `parent_link.py`), read first so a retry writes nothing.
What remains: someone editing the same field between our read and our write goes
unnoticed (a window of one round trip).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import ActionRejected, ConnectorUnavailable
from noc_console.connectors.halo.auth import HaloToken
from noc_console.connectors.halo.parent_link import halo_id, lead_of, parent_of, reference_of
from noc_console.connectors.halo.records import (
    HaloLookups,
    HaloRecords,
    halo_param,
    last_update,
    lookup_table,
    ticket_values,
    version_of,
)
from noc_console.connectors.http.client import HttpClient, HttpSettings, reading
from noc_console.connectors.http.paging import Keyset, LastPage, by_page_number, follow
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import check_conflict, note_mark, shown
from noc_console.models.actions import Action, ActionKind
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Priority, Status, Tier

MAX_PAGE_SIZE = 100  # Halo's spec; a bigger page_size may be clamped silently
#: Halo publishes no rate limit; node-halopsa cites 500 requests per 3 minutes.
DEFAULT_REQUESTS_PER_MINUTE = 150.0
LOOKUP_MAX_AGE = 600.0  # seconds; apply() and clients() reuse lookups this fresh
#: Ticket field → the normalised field it carries (for read-compare-write).
WRITABLE = {"status_id": "status", "agent_id": "assignee", "priority_id": "priority",
            "team": "tier"}  # fmt: skip

DEFAULT_MAPPING = FieldMapping(
    status={
        "New": Status.NEW,
        "In Progress": Status.IN_PROGRESS,
        "Action Required": Status.IN_PROGRESS,
        "Waiting on User": Status.WAITING_CUSTOMER,
        "With Supplier": Status.WAITING_VENDOR,
        "Resolved": Status.RESOLVED,
        "Closed": Status.CLOSED,
    },
    status_out={Status.ACKNOWLEDGED: "In Progress", Status.RESOLVED: "Closed"},
    priority={
        "Critical": Priority.P1,
        "High": Priority.P2,
        "Medium": Priority.P3,
        "Low": Priority.P4,
    },
    tier={
        "NOC": Tier.L1,
        "Service Desk": Tier.L1,
        "2nd Line": Tier.L2,
        "3rd Line": Tier.L3,
        "Engineering": Tier.ENG,
    },
)


@dataclass(frozen=True, slots=True)
class HaloOptions:
    """What the Halo connector needs besides HTTP (from `[[connectors]]`, type "halo")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    page_size: int = MAX_PAGE_SIZE
    internal_outcome: str = "Private Note"  # Halo action outcomes for our notes
    public_outcome: str = "Note"


class HaloConnector(NamedSource):
    def __init__(self, name: str, http: HttpClient, token: HaloToken, options: HaloOptions,
                 label: str = "") -> None:  # fmt: skip
        super().__init__(name, label)
        self.http = http
        self.token = token
        self.options = options
        self.records = HaloRecords(name, options.mapping)
        self._lookups: HaloLookups | None = None
        self._lookups_at = 0.0
        self._teams: tuple[float, list[str]] | None = None

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        lookups = self.lookups()
        return self.options.mapping.clients(lookups.clients.values())

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        self.lookups(max_age=60)
        if since is None:  # first sync: what is open now, not years of history
            return self._listing({"open_only": "true"}, None, with_watermark=True)
        return self._listing({}, halo_param(since), with_watermark=True)

    def list_open(self) -> Iterator[Page]:
        return self._listing({"open_only": "true"}, None, with_watermark=False)

    def lookups(self, max_age: float = LOOKUP_MAX_AGE) -> HaloLookups:
        """Halo's status/priority/client/agent names, fetched again when older than
        `max_age` seconds (a sync refreshes them; `clients()` just before it counts)."""
        if self._lookups is None or time.monotonic() - self._lookups_at >= max_age:
            statuses = [s for s in _list(self.get("/api/Status")) if s.get("type", 0) == 0]
            self._lookups = HaloLookups(
                statuses=lookup_table(statuses),
                priorities=lookup_table(self.get("/api/Priority"), key="priorityid"),
                clients=lookup_table(self._all("/api/Client", "clients")),
                agents=lookup_table(self.get("/api/Agent")),
            )
            self._lookups_at = time.monotonic()
        return self._lookups

    def teams(self, fresh: bool = False) -> list[str]:
        """The tenant's active team names (`/api/Team`), for escalation: a team Halo
        does not have is refused with 400. Read again when `fresh` or older than the
        lookups' maximum age."""
        if fresh or self._teams is None or time.monotonic() - self._teams[0] >= LOOKUP_MAX_AGE:
            teams = [str(t["name"]) for t in _list(self.get("/api/Team"))
                     if t.get("name") and not t.get("inactive")]  # fmt: skip
            self._teams = (time.monotonic(), teams)
        return self._teams[1]

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET for reading: any refusal is "cannot read now", never a crash of the sync."""
        with reading():
            return self.http.json("GET", path, params=params)

    def tickets_page(self, params: dict[str, Any]) -> tuple[list[Any], int, int]:
        """One listing page: (tickets, record_count, the page size the server used)."""
        body = self.get("/api/Tickets", {**self._page_of_tickets, **params})
        return _tickets(self._name, body), *_served(body, "tickets")

    def open_tickets(self) -> Iterator[list[Any]]:
        """Every open ticket as Halo sends it, page by page (for the connection test)."""
        start, next_page = by_page_number(
            {**self._page_of_tickets, "open_only": "true"}, _list, "page_no", "page_size",
            self.options.page_size, last=_covered("tickets"))  # fmt: skip
        for body in follow(self.http, "/api/Tickets", start, next_page,
                           items=lambda b: _tickets(self._name, b)):  # fmt: skip
            yield _tickets(self._name, body)

    @property
    def _page_of_tickets(self) -> dict[str, Any]:
        return {"pageinate": "true", "page_size": self.options.page_size}

    def _listing(self, filters: dict[str, Any], mark: str | None, with_watermark: bool
                 ) -> Iterator[Page]:  # fmt: skip
        """The tickets `filters` find, walked by change marker (`paging.Keyset`)."""
        lookups = self.lookups()
        params = {**self._page_of_tickets, **filters, "order": "last_update",
                  "orderdesc": "false"}  # fmt: skip
        keyset = Keyset(params, lambda body: _tickets(self._name, body), _last_update,
                        "lastupdatefromdate", halo_param, _covered("tickets"), "page_no",
                        mark=mark)  # fmt: skip
        newest: datetime | None = None
        served: set[tuple[Any, str]] = set()  # (id, last_update): a tie comes again
        for body in follow(self.http, "/api/Tickets", keyset.start, keyset):
            tickets = _tickets(self._name, body)
            stamps = [_last_update(t) for t in tickets]
            newest = max((s for s in (*stamps, newest) if s is not None), default=None)
            fresh = [t for t, s in zip(tickets, stamps, strict=True)
                     if s is None or (t.get("id"), halo_param(s)) not in served]  # fmt: skip
            served |= {(t.get("id"), halo_param(s)) for t, s in zip(tickets, stamps, strict=True)
                       if s is not None}  # fmt: skip
            incidents, skipped, problems = self.records.page(fresh, lookups)
            resumable = keyset.in_order(tickets) or keyset.last_page(body)
            yield Page(incidents, newest if with_watermark and resumable else None, skipped,
                       problems)  # fmt: skip

    def _all(self, path: str, key: str) -> list[Any]:
        """Every record of a paginated lookup (`{record_count, <key>: [...]}`)."""
        start, next_page = by_page_number(
            {"pageinate": "true"}, lambda b: _items(b, key), "page_no", "page_size",
            MAX_PAGE_SIZE, last=_covered(key))  # fmt: skip
        found: list[Any] = []
        for body in follow(self.http, path, start, next_page, items=lambda b: _items(b, key)):
            found.extend(_items(body, key))
        return found

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        ticket_id = halo_id(self._name, action.key.external_id)
        if action.kind is ActionKind.LINK:
            return self._link(ticket_id, action)
        lookups = self.lookups()
        text = str(action.payload.get("text") or "")
        if action.kind is ActionKind.NOTE:
            internal = bool(action.payload.get("internal", True))
            self._note(ticket_id, action, text, internal, retry)
            return self._read(ticket_id, lookups)[2]
        update = self._update_for(action, lookups)
        raw, current, version = self._read(ticket_id, lookups)
        target = {k: v for k, v in ticket_values({**raw, **update}, self.options.mapping,
                                                 lookups).items()
                  if k in {WRITABLE[u] for u in update}}  # fmt: skip
        resolve_note = action.kind is ActionKind.RESOLVE and bool(text)
        if any(current.get(k) != v for k, v in target.items()):  # else: landed already
            check_conflict(action, current,
                           f"{self._name}: ticket {ticket_id} changed in Halo")  # fmt: skip
            if resolve_note:
                self._note(ticket_id, action, text, True, retry, new_status=update["status_id"])
            else:
                self._post("/api/Tickets", [{"id": ticket_id, **update}])
            raw, current, version = self._read(ticket_id, lookups)
            unmet = {k: current.get(k) for k, v in target.items() if current.get(k) != v}
            if unmet:
                raise ActionRejected(f"{self._name}: Halo did not apply {update} (now {unmet})")
        elif resolve_note:
            self._note(ticket_id, action, text, True, retry)
            version = self._read(ticket_id, lookups)[2]
        return version

    def _link(self, ticket_id: int, action: Action) -> str:
        """Halo's native link for a major incident: this ticket becomes a child of the
        lead (`parent_id`); answers the ticket's version. Read first, so a retry — or any
        second delivery — finds the link and writes nothing; a ticket a technician
        already put under another parent is left there (one parent only: moving it
        would undo their work). Needs no lookups: nothing is mapped."""
        lead = lead_of(self._name, action, ticket_id)
        raw = self._ticket(ticket_id)
        current = parent_of(raw)
        if current == lead:
            return version_of(raw)
        if current:
            raise ActionRejected(
                f"{self._name}: ticket {ticket_id} is already a child of ticket {current} in "
                f"Halo: not moved under ticket {lead} (link it by hand if it belongs to "
                f"{reference_of(action)})"
            )
        what = f"{self._name}: cannot make ticket {ticket_id} a child of ticket {lead}"
        try:
            self._post("/api/Tickets", [{"id": ticket_id, "parent_id": lead}])
        except ActionRejected as exc:  # Halo's words: unknown parent, a loop …
            raise ActionRejected(f"{what}: {_said(exc)}") from None
        raw = self._ticket(ticket_id)
        if parent_of(raw) != lead:
            raise ActionRejected(f"{what}: Halo accepted it but the ticket shows no such parent")
        return version_of(raw)

    def _update_for(self, action: Action, lookups: HaloLookups) -> dict[str, Any]:
        mapping, p, kind = self.options.mapping, action.payload, action.kind
        try:
            if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
                status = Status(action.changes()["status"])
                return {"status_id": lookups.status_id(mapping.status_for(status))}
            if kind is ActionKind.ASSIGN:
                return {"agent_id": lookups.agent_id(p.get("assignee"))}
            if kind is ActionKind.PRIORITY:
                priority = mapping.priority_for(Priority(p["priority"]))
                return {"priority_id": lookups.priority_id(priority)}
            if kind is ActionKind.TIER:
                return {"team": mapping.tier_target(Tier(p["tier"]), self.teams, "HaloPSA",
                                                    "team")}  # fmt: skip
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: {exc}") from None
        raise ActionRejected(f"{self._name}: cannot write {kind.value} to Halo")

    def _read(self, ticket_id: int, lookups: HaloLookups
              ) -> tuple[dict[str, Any], dict[str, Any], str]:  # fmt: skip
        """The ticket as Halo has it: raw, normalised writable values, version."""
        raw = self._ticket(ticket_id)
        try:
            values = ticket_values(raw, self.options.mapping, lookups)
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: ticket {ticket_id}: {exc}") from None
        return raw, values, version_of(raw)

    def _ticket(self, ticket_id: int) -> dict[str, Any]:
        """`GET /api/Tickets/{id}`: the ticket's raw object."""
        raw = self.http.json("GET", f"/api/Tickets/{ticket_id}")
        if not isinstance(raw, dict):
            raise ConnectorUnavailable(f"{self._name}: ticket {ticket_id} answered no object")
        return raw

    def _post(self, path: str, items: list[dict[str, Any]]) -> Any:
        """Halo's writes take an array, even of one; a refusal names what Halo said."""
        return self.http.json("POST", path, json=items)

    def _note(self, ticket_id: int, action: Action, text: str, internal: bool, retry: bool,
              new_status: int | None = None) -> None:  # fmt: skip
        mark = note_mark(action)
        if retry and self._has_note(ticket_id, mark):
            return
        outcome = self.options.internal_outcome if internal else self.options.public_outcome
        item: dict[str, Any] = {"ticket_id": ticket_id, "note": f"{text}\n\n-- {mark}",
                                "outcome": outcome, "hiddenfromuser": internal}  # fmt: skip
        if new_status is not None:
            item["new_status"] = new_status
        self._post("/api/Actions", [item])

    def _has_note(self, ticket_id: int, mark: str) -> bool:
        """Whether an action on the ticket carries `mark` (an earlier attempt landed)."""
        body = self.http.json("GET", "/api/Actions", params={"ticket_id": ticket_id})
        actions = _list(body.get("actions") if isinstance(body, dict) else body)
        return any(mark in str(a.get("note", "")) for a in actions)


def halo_client(
    name: str,
    settings: HttpSettings,
    client_id: str,
    secret: str,
    tenant: str = "",
    *,
    token: HaloToken | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[HttpClient, HaloToken]:
    """The HTTP client for Halo, its token as auth and authenticator (the secret is
    redacted)."""
    token = token or HaloToken(client_id, secret, tenant)
    http = HttpClient(name, settings, auth=token, secrets=[secret], sleep=sleep,
                      authenticator=token)  # fmt: skip
    return http, token


_REFUSED = re.compile(r" refused \(HTTP \d+\): (.+)$", re.DOTALL)  # the HTTP layer's words


def _said(exc: ActionRejected) -> str:
    """What Halo said — tenant text: on one printable line, cut short — without the HTTP
    layer's "name: POST url refused (HTTP n)" before it."""
    said = _REFUSED.search(str(exc))
    return shown(said.group(1) if said else str(exc), limit=160)


def _tickets(name: str, body: Any) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("tickets"), list):
        raise ConnectorUnavailable(f"{name}: /api/Tickets answered an unexpected shape")
    tickets: list[Any] = body["tickets"]
    return tickets


def _items(body: Any, key: str) -> list[dict[str, Any]]:
    """A lookup page's records (`{record_count, <key>: [...]}`, or a bare list)."""
    return _list(body.get(key) if isinstance(body, dict) else body)


def _served(body: Any, key: str) -> tuple[int, int]:
    """(record_count, the page size the server used: it may clamp what we asked)."""
    if not isinstance(body, dict):
        return 0, 0
    served = max(int(body.get("page_size") or 0), len(_raw(body, key)))
    return int(body.get("record_count") or 0), served


def _covered(key: str) -> LastPage:
    """Halo may serve fewer than `page_size` asked: a listing ends when the records
    served cover `record_count` (or a page is empty), never at a "short" page."""

    def last(body: Any, page_no: int) -> bool:
        records = _raw(body, key)
        total, size = _served(body, key)
        return not records or (page_no - 1) * size + len(records) >= total

    return last


def _raw(body: Any, key: str) -> list[Any]:
    value = body.get(key) if isinstance(body, dict) else body
    return value if isinstance(value, list) else []


def _last_update(ticket: Any) -> datetime | None:
    return last_update(ticket) if isinstance(ticket, dict) else None


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
