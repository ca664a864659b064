"""A fake ConnectWise PSA (Manage REST API 3.0) over real HTTP on 127.0.0.1.

Imitates (sources below; ✅ vendor text, 🔧 a client that talks to the real API):
- URLs `{site}/{codebase}/apis/3.0/…`; `v4_6_release` routes to the tenant's codebase 🔧.
  Codebase discovery: unauthenticated `GET /login/companyinfo/{company}` → `{"Codebase":
  "v2025_1/", …}`, JSON `null` for an unknown company 🔧. `move_codebase()` simulates a
  hosted upgrade: the old codebase then answers 404, and companyinfo tells the new one.
- Auth: HTTP Basic `company+publicKey:privateKey` and a `clientId` header on every call
  🔧✅; without clientId → 403 ⚠️; bad credentials → 404 on cloud (`cloud=True`, the
  default), 401 on premise ✅. `GET /system/info` needs no auth ⚠️.
- Lists are bare JSON arrays 🔧. `page` (1-based) / `pageSize` (default 25, silently
  clamped to 1000 ✅); past the end → `[]` ✅; an RFC 5988 `Link` header with first/prev/
  next/last ✅. Forward-only paging: header `pagination-type: forward-only` + `pageId`
  (acts as `id > pageId`, next pageId in the `Link` header, `orderBy` refused) ⚠️.
- `conditions` (see cw_conditions.py): `lastUpdated>[2026-…Z]`, `and`/`or`, parentheses,
  `=, !=, <, <=, >, >=, contains, like, in` 🔧⚠️; `orderBy=field asc|desc` 🔧; `fields=`
  (top-level names) 🔧; `GET /service/tickets/count` → `{"count": N}` 🔧⚠️.
- Tickets carry `_info.lastUpdated` (`YYYY-MM-DDTHH:MM:SSZ`, whole seconds: two changes
  in one second share a marker) 🔧; references `{id, name}` / `{id, identifier, name}`;
  statuses are per board, the same name with different ids on each board ⚠️; fields
  without a value (e.g. `owner` of an unassigned ticket) are left out ❓.
- Write-back: `PATCH /service/tickets/{id}` with a JSON-Patch array, bare paths
  (`status`, not `/status`), reference values `{"id": N}` 🔧; `POST
  /service/tickets/{id}/notes` → 201 with the note ✅🔧. Every write bumps
  `_info.lastUpdated` and is kept in `writes`. No ETag / If-Match (none found) ❓.
- Bundling (parent/child): `POST /service/tickets/{parentId}/attachChildren` with
  `{"childTicketIds": [N, …]}` → 200 `SuccessResponse` `{"success": true}` 🔧 (the
  OpenAPI-generated pyconnectwise-psa `TicketsApi` / `TicketBundle`; ConnectWiseManageAPI
  `New-CWMTicketChild -OperationType Bundle`). Each child's `parentTicketId` is set and
  the parent's `hasChildTicket` becomes true 🔧⚠️; closing the parent closes its children
  ⚠️ (ConnectWiseManageAPI 0.5.0 help: "closed when the parent is closed"; which closed
  status a child gets is not said ❓ — here its board's first closed status). Refused
  with 400: a parent that is itself a child ⚠️ (same help text); a child that is the
  parent, is not a ticket, or already has another parent ❓ (no vendor text found; a
  client that reads first never asks). Merge (`…/merge`) is not served: it closes the
  merged tickets.
- Errors `{"code", "message", "errors": [{"code", "message", "resource", "field"}]}` 🔧;
  429 with numeric `Retry-After` ✅ (the numeric limit is unpublished, so only injected).

Simplifies: `childConditions`/`customFieldConditions`, `PUT`, `POST …/search` are not
served; `_info` carries no hrefs; string comparisons ignore case; a status's closed-ness
is `closedStatus` on the board status ❓ (the field name is from memory of the model).

Sources: shared/reference/psa_apis.md §1 (mirrored CW Developer Guide, PSA-Pagination
and PSA-API-Requests pages; pyconnectwise; django-connectwise; connectwise-rest;
thelazyadministrator.com 2024-06-06 on forward-only paging).
"""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

from tests.fakes.cw_conditions import ALIASES, ConditionError, parse
from tests.fakes.http_fake import HttpFake, Reply, Request
from tests.fakes.vendor_seed import COMPANIES, MEMBERS, SUMMARIES

Table = dict[int, dict[str, Any]]  # records by id: boards, statuses, tickets …

MAX_PAGE = 1000
BOARDS = {1: "Service Desk", 2: "NOC Alerts"}
STATUSES = [  # (id, board, name, closed) — the same names on both boards, other ids
    (11, 1, "New", False), (12, 1, "In Progress", False), (13, 1, "Waiting Customer", False),
    (14, 1, "Resolved", True), (15, 1, "Closed", True),
    (21, 2, "New", False), (22, 2, "Acknowledged", False), (23, 2, "Resolved", True),
]  # fmt: skip
PRIORITIES = [
    (1, "Priority 1 - Emergency Response", 2), (2, "Priority 2 - Quick Response", 4),
    (3, "Priority 3 - Normal Response", 6), (4, "Priority 4 - Schedule Maint", 8),
]  # fmt: skip
REFERENCES = ("status", "priority", "owner", "board", "company")
OPTIONAL_FIELDS = {"id", "_info", "owner", "closedFlag", "closedDate", "board", "status"}
SCALARS = ("summary", "severity", "impact", "customerUpdatedFlag", "requiredDate")


def cw_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(status: int, code: str, message: str, *details: dict[str, str]) -> Reply:
    return Reply(status, {"code": code, "message": message, "errors": list(details)})


class FakeConnectWise(HttpFake):
    def __init__(self, company: str = "nocmsp", public_key: str = "pub-key",
                 private_key: str = "priv-key", client_id: str = "8c6a1f0e-noc-console",
                 codebase: str = "v2025_1/", now: datetime | None = None,
                 cloud: bool = True) -> None:  # fmt: skip
        super().__init__(now)
        self.company, self.public_key, self.private_key = company, public_key, private_key
        self.client_id, self.codebase, self.cloud = client_id, codebase, cloud
        self.boards: Table = {i: {"id": i, "name": n} for i, n in BOARDS.items()}
        self.statuses: Table = {i: {"id": i, "name": n, "board": self._ref(self.boards[b]),
                                    "closedStatus": c, "sortOrder": i % 10, "inactive": False}
                                for i, b, n, c in STATUSES}  # fmt: skip
        self.priorities = {i: {"id": i, "name": n, "sort": s} for i, n, s in PRIORITIES}
        self.companies: dict[int, dict[str, Any]] = {}
        self.members = {i + 100: {"id": i + 100, "identifier": ident, "name": name}
                        for i, (ident, name) in enumerate(MEMBERS)}  # fmt: skip
        self.tickets: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.writes: list[tuple[str, str, Any]] = []  # (method, path, body) of every write
        for i, (ident, name) in enumerate(COMPANIES):
            self.add_company(ident, name, company_id=250 + i)

    # ------------------------------------------------------------ data for tests
    def seed(self, count: int, seed: int = 1) -> list[dict[str, Any]]:
        """`count` tickets over every board, status, priority, company and member."""
        rng = random.Random(seed)
        made = []
        for _ in range(count):
            board = rng.choice(list(self.boards))
            status = rng.choice([s for s in self.statuses.values() if s["board"]["id"] == board])
            entered = self.now - timedelta(minutes=rng.randrange(5, 60 * 24 * 14))
            made.append(self.add_ticket(
                board=board, status=status["id"], priority=rng.choice(list(self.priorities)),
                company=rng.choice(list(self.companies)),
                owner=rng.choice([None, *self.members]), entered=entered,
                updated=min(entered + timedelta(minutes=rng.randrange(0, 240)), self.now),
                summary=rng.choice(SUMMARIES).format(n=rng.randrange(1, 99)),
            ))  # fmt: skip
        return made

    def add_ticket(self, summary: str = "Server offline", board: int = 1, status: int = 11,
                   priority: int = 3, company: int = 250, owner: int | None = None,
                   entered: datetime | None = None, updated: datetime | None = None,
                   **extra: Any) -> dict[str, Any]:  # fmt: skip
        with self.lock:
            ticket_id = max(self.tickets, default=1000) + 1
            entered = entered or self.now
            ticket: dict[str, Any] = {
                "id": ticket_id, "summary": summary, "recordType": "ServiceTicket",
                "board": self._ref(self.boards[board]), "status": self._ref(self.statuses[status]),
                "company": self._ref(self.companies[company]),
                "priority": self._ref(self.priorities[priority]),
                "severity": "Medium", "impact": "Medium", "closedFlag": False,
                "sla": {"id": 1, "name": "Standard SLA"}, "respondMinutes": 0,
                "resolveMinutes": 0, "isInSla": True, "hasChildTicket": False,
                "_info": {"dateEntered": cw_time(entered), "enteredBy": "nocbot",
                          "lastUpdated": cw_time(updated or entered), "updatedBy": "nocbot"},
            }  # fmt: skip
            if owner is not None:
                ticket["owner"] = self._ref(self.members[owner])
            ticket.update(extra)
            self._close_if_closed(ticket)
            self.tickets[ticket_id] = ticket
            return ticket

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        """Someone edits the ticket in ConnectWise; `status=<id>` etc. take ids."""
        with self.lock:
            ticket = self.tickets[ticket_id]
            for name, value in fields.items():
                table = self._table(name)
                ticket[name] = self._ref(table[value]) if table is not None else value
            self._close_if_closed(ticket)
            self._touch(ticket)
            self._close_children(ticket)
            return ticket

    def delete_ticket(self, ticket_id: int) -> None:
        with self.lock:
            del self.tickets[ticket_id]

    def add_company(
        self, identifier: str, name: str, company_id: int | None = None
    ) -> dict[str, Any]:
        with self.lock:
            company_id = company_id or max(self.companies, default=249) + 1
            self.companies[company_id] = {"id": company_id, "identifier": identifier,
                                          "name": name}  # fmt: skip
            return self.companies[company_id]

    def add_board(self, name: str, statuses: list[tuple[str, bool]]) -> dict[str, Any]:
        """A board of the tenant's own, with its own statuses `(name, closed)`; status
        ids continue after the highest in use, so names repeat with new ids."""
        with self.lock:
            board_id = max(self.boards) + 1
            self.boards[board_id] = {"id": board_id, "name": name}
            for status, closed in statuses:
                self.add_status(board_id, status, closed)
            return self.boards[board_id]

    def add_status(self, board: int, name: str, closed: bool = False) -> int:
        """One more status on `board` (last in its order); its new id."""
        with self.lock:
            status_id = max(self.statuses) + 1
            order = sum(1 for s in self.statuses.values() if s["board"]["id"] == board)
            self.statuses[status_id] = {
                "id": status_id, "name": name, "board": self._ref(self.boards[board]),
                "closedStatus": closed, "sortOrder": order, "inactive": False,
            }  # fmt: skip
            return status_id

    def status_id(self, board: int, name: str) -> int:
        """The id of `name` on `board` (for tests: ids differ per board)."""
        return next(i for i, s in self.statuses.items()
                    if s["board"]["id"] == board and s["name"] == name)  # fmt: skip

    def delete_company(self, company_id: int) -> None:
        """Tickets keep their now-dangling `company` reference, as after a real delete."""
        with self.lock:
            del self.companies[company_id]

    def move_codebase(self, codebase: str) -> None:
        with self.lock:
            self.codebase = codebase

    @property
    def api_url(self) -> str:
        return f"{self.url}/{self.codebase}apis/3.0"

    # ------------------------------------------------------------ requests
    def fault_body(self, status: int) -> Any:
        codes = {429: "TooManyRequests", 401: "Unauthorized", 404: "NotFound"}
        return {"code": codes.get(status, "UnexpectedError"), "message": f"HTTP {status}",
                "errors": []}  # fmt: skip

    def route(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        if parts[:2] == ["login", "companyinfo"] and len(parts) == 3:
            known = parts[2].lower() == self.company.lower()
            return Reply(200, {"CompanyName": self.company, "Codebase": self.codebase,
                               "VersionCode": "v2025.1", "IsCloud": self.cloud}
                         if known else None)  # fmt: skip
        if len(parts) < 4 or parts[1:3] != ["apis", "3.0"]:
            return error(404, "NotFound", "Not found")
        if parts[0] not in (self.codebase.strip("/"), "v4_6_release"):
            return error(404, "NotFound", f"Codebase {parts[0]} not found")
        resource = parts[3:]
        if resource == ["system", "info"]:
            return Reply(200, {"version": "v2025.1.12345", "isCloud": self.cloud})
        denied = self._auth(request)
        if denied is not None:
            return denied
        return self._resource(request, resource)

    def _auth(self, request: Request) -> Reply | None:
        if request.headers.get("clientid") != self.client_id:
            return error(403, "Forbidden", "A valid clientId header is required")
        expected = f"{self.company}+{self.public_key}:{self.private_key}".encode()
        if request.headers.get("authorization") != "Basic " + base64.b64encode(expected).decode():
            if self.cloud:
                return error(404, "NotFound", "Not found")
            return error(401, "Unauthorized", "Invalid credentials")
        return None

    def _resource(self, request: Request, resource: list[str]) -> Reply:
        method, path = request.method, "/".join(resource)
        lists: dict[str, Any] = {
            "service/tickets": self.tickets, "service/boards": self.boards,
            "service/priorities": self.priorities, "company/companies": self.companies,
            "system/members": self.members,
        }  # fmt: skip
        if method == "GET" and path in lists:
            return self._page(request, path, list(lists[path].values()))
        if method == "GET" and path == "service/tickets/count":
            records = self._filtered(request, list(self.tickets.values()))
            return records if isinstance(records, Reply) else Reply(200, {"count": len(records)})
        if resource[:2] == ["service", "boards"] and resource[3:] == ["statuses"]:
            board = int(resource[2])
            rows = [s for s in self.statuses.values() if s["board"]["id"] == board]
            return self._page(request, path, rows)
        if resource[:2] != ["service", "tickets"] or not resource[2].isdigit():
            return error(404, "NotFound", f"{path} not found")
        ticket = self.tickets.get(int(resource[2]))
        if ticket is None:
            return error(404, "NotFound", f"Ticket with id {resource[2]} not found")
        if method == "GET" and len(resource) == 3:
            return Reply(200, ticket)
        if method == "PATCH" and len(resource) == 3:
            return self._patch(request, ticket)
        if resource[3:] == ["notes"] and method == "GET":
            return Reply(200, self.notes.get(ticket["id"], []))
        if resource[3:] == ["notes"] and method == "POST":
            return self._note(request, ticket)
        if resource[3:] == ["attachChildren"] and method == "POST":
            return self._attach_children(request, ticket)
        return error(405, "MethodNotAllowed", f"{method} {path}")

    def _filtered(self, request: Request, rows: list[dict[str, Any]]) -> list[Any] | Reply:
        text = request.arg("conditions")
        if not text:
            return rows
        try:
            fields = {key for row in rows for key in row} | OPTIONAL_FIELDS
            keep = parse(text, fields)
            return [row for row in rows if keep(row)]
        except ConditionError as problem:
            return error(400, "InvalidObject", str(problem),
                         {"code": "InvalidCondition", "message": str(problem),
                          "resource": "conditions", "field": "conditions"})  # fmt: skip

    def _page(self, request: Request, path: str, rows: list[dict[str, Any]]) -> Reply:
        found = self._filtered(request, rows)
        if isinstance(found, Reply):
            return found
        size = min(max(int(request.arg("pageSize") or 25), 1), MAX_PAGE)
        query = {k: v[0] for k, v in request.query.items()}
        base = f"{self.url}{request.path}?"
        if request.headers.get("pagination-type", "").lower() == "forward-only":
            if "orderBy" in query:
                return error(400, "InvalidObject", "orderBy is not allowed with forward-only")
            after = int(query.get("pageId") or 0)
            later = sorted((r for r in found if r["id"] > after), key=lambda r: r["id"])
            chunk = later[:size]
            link = {}
            if len(later) > size:
                nxt = base + urlencode({**query, "pageId": chunk[-1]["id"], "pageSize": size})
                link = {"Link": f'<{nxt}>; rel="next"'}
            return Reply(200, self._fields(request, chunk), link)
        for key, descending in reversed(_order(query.get("orderBy", "id asc"))):
            found.sort(key=partial(_sort_key, path=key), reverse=descending)
        page = max(int(query.get("page") or 1), 1)
        last = max((len(found) + size - 1) // size, 1)
        links = [("first", 1), ("prev", page - 1), ("next", page + 1), ("last", last)]
        header = ", ".join(
            f'<{base}{urlencode({**query, "page": n, "pageSize": size})}>; rel="{rel}"'
            for rel, n in links if 1 <= n <= last
        )  # fmt: skip
        chunk = found[(page - 1) * size : page * size]
        return Reply(200, self._fields(request, chunk), {"Link": header})

    def _fields(self, request: Request, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        wanted = request.arg("fields")
        if not wanted:
            return rows
        names = {name.strip().split("/")[0] for name in wanted.split(",")}
        return [{k: v for k, v in row.items() if k in names} for row in rows]

    def _patch(self, request: Request, ticket: dict[str, Any]) -> Reply:
        body = request.json()
        if not isinstance(body, list) or not body:
            return error(400, "InvalidObject", "A JSON-Patch array of operations is required")
        changed = dict(ticket)
        for operation in body:
            op = operation.get("op") if isinstance(operation, dict) else None
            name = str(operation.get("path", "")).lstrip("/") if op else ""
            if op not in ("add", "replace", "remove") or name not in REFERENCES + SCALARS:
                return error(400, "InvalidObject", f"Cannot apply {operation!r}",
                             {"code": "InvalidField", "message": f"{name!r} cannot be patched",
                              "resource": "ticket", "field": name})  # fmt: skip
            problem = self._apply(changed, op, name, operation.get("value"))
            if problem:
                return error(400, "InvalidObject", "Ticket object is invalid",
                             {"code": "InvalidValue", "message": problem,
                              "resource": "ticket", "field": name})  # fmt: skip
        ticket.clear()
        ticket.update(changed)
        self._close_if_closed(ticket)
        self._touch(ticket)
        self._close_children(ticket)
        self.writes.append(("PATCH", request.path, body))
        return Reply(200, ticket)

    def _apply(self, ticket: dict[str, Any], op: str, name: str, value: Any) -> str | None:
        if op == "remove":
            if name != "owner":
                return f"{name} is required"
            ticket.pop("owner", None)
            return None
        table = self._table(name)
        if table is None:
            if name == "summary" and (not isinstance(value, str) or not 0 < len(value) <= 100):
                return "summary must be 1 to 100 characters"
            if name in ("severity", "impact") and value not in ("Low", "Medium", "High"):
                return f"{name} must be Low, Medium or High"
            ticket[name] = value
            return None
        ref = value.get("id") if isinstance(value, dict) else None
        record = table.get(ref) if isinstance(ref, int) else None
        if record is None:
            return f"{name} must be a reference {{'id': N}} to an existing record"
        if name == "status" and record["board"]["id"] != ticket["board"]["id"]:
            return f"status {record['id']} is not a status of board {ticket['board']['name']}"
        ticket[name] = self._ref(record)
        return None

    def _note(self, request: Request, ticket: dict[str, Any]) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not str(body.get("text") or "").strip():
            return error(400, "InvalidObject", "ServiceNote object is invalid",
                         {"code": "NullValue", "message": "The text field is required.",
                          "resource": "ServiceNote", "field": "text"})  # fmt: skip
        notes = self.notes.setdefault(ticket["id"], [])
        note = {"id": sum(map(len, self.notes.values())) + 1, "ticketId": ticket["id"],
                **{f: bool(body.get(f)) for f in ("detailDescriptionFlag",
                   "internalAnalysisFlag", "resolutionFlag", "customerUpdatedFlag")},
                "text": body["text"], "dateCreated": cw_time(self.now), "createdBy": "api",
                "_info": {"lastUpdated": cw_time(self.now), "updatedBy": "api"}}  # fmt: skip
        notes.append(note)
        self._touch(ticket)
        self.writes.append(("POST", request.path, body))
        return Reply(201, note)

    def _attach_children(self, request: Request, parent: dict[str, Any]) -> Reply:
        body = request.json()
        ids = body.get("childTicketIds") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids or not all(type(i) is int for i in ids):
            return _bundle_error("childTicketIds must be a list of ticket ids", "childTicketIds")
        if "parentTicketId" in parent:
            return _bundle_error(f"Ticket {parent['id']} is a child of ticket "
                                 f"{parent['parentTicketId']} and cannot be a parent",
                                 "parentTicketId")  # fmt: skip
        for child_id in ids:
            child = self.tickets.get(child_id)
            if child is None:
                return _bundle_error(f"Ticket {child_id} was not found", "childTicketIds")
            if child_id == parent["id"]:
                return _bundle_error(f"Ticket {child_id} cannot be its own parent",
                                     "childTicketIds")  # fmt: skip
            if child.get("parentTicketId") not in (None, parent["id"]):
                return _bundle_error(f"Ticket {child_id} is already a child of ticket "
                                     f"{child['parentTicketId']}", "childTicketIds")  # fmt: skip
        for child_id in ids:
            self.tickets[child_id]["parentTicketId"] = parent["id"]
            self._touch(self.tickets[child_id])
        parent["hasChildTicket"] = True
        self._touch(parent)
        self.writes.append(("POST", request.path, body))
        return Reply(200, {"success": True})

    def children_of(self, parent_id: int) -> list[int]:
        """The ids of the tickets bundled under `parent_id` (for tests)."""
        return sorted(i for i, t in self.tickets.items() if t.get("parentTicketId") == parent_id)

    # ------------------------------------------------------------ helpers
    def _table(self, name: str) -> Table | None:
        return {"status": self.statuses, "priority": self.priorities, "owner": self.members,
                "board": self.boards, "company": self.companies}.get(name)  # fmt: skip

    @staticmethod
    def _ref(record: dict[str, Any]) -> dict[str, Any]:
        keys = ("id", "identifier", "name", "sort")
        return {k: record[k] for k in keys if k in record}

    def _close_if_closed(self, ticket: dict[str, Any]) -> None:
        closed = self.statuses[ticket["status"]["id"]]["closedStatus"]
        ticket["closedFlag"] = closed
        if closed:
            ticket.setdefault("closedDate", cw_time(self.now))
        else:
            ticket.pop("closedDate", None)

    def _close_children(self, parent: dict[str, Any]) -> None:
        """A closed parent closes its open children, each with its own board's first
        closed status (the status is not documented ❓)."""
        if not parent["closedFlag"] or not parent.get("hasChildTicket"):
            return
        for child in self.tickets.values():
            if child.get("parentTicketId") == parent["id"] and not child["closedFlag"]:
                board = child["board"]["id"]
                closed = min((s for s in self.statuses.values()
                              if s["board"]["id"] == board and s["closedStatus"]),
                             key=lambda s: s["sortOrder"])  # fmt: skip
                child["status"] = self._ref(closed)
                self._close_if_closed(child)
                self._touch(child)

    def _touch(self, ticket: dict[str, Any]) -> None:
        ticket["_info"] = {**ticket["_info"], "lastUpdated": cw_time(self.now),
                           "updatedBy": "api"}  # fmt: skip


def _bundle_error(message: str, field: str) -> Reply:
    return error(400, "InvalidObject", message,
                 {"code": "InvalidValue", "message": message, "resource": "ticket",
                  "field": field})  # fmt: skip


def _order(text: str) -> list[tuple[str, bool]]:
    keys = []
    for part in text.split(","):
        words = part.split()
        keys.append((words[0], len(words) > 1 and words[1].lower() == "desc"))
    return keys


def _sort_key(row: dict[str, Any], path: str) -> Any:
    value: Any = row
    for key in ALIASES.get(path, path).split("/"):
        value = value.get(key) if isinstance(value, dict) else None
    return (value is not None, value if value is not None else 0)
