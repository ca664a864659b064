"""A fake HaloPSA (API v2) over real HTTP on 127.0.0.1.

Imitates (✅ the published Halo API spec, 🔧 a client that talks to the real API, ❓):
- `GET /api/authinfo` → `{"auth_url", "tenant_id"}` 🔧 (HaloAPI); `POST /auth/token` form
  `grant_type=client_credentials&client_id&client_secret&scope` → `{"access_token",
  "token_type": "Bearer", "expires_in", "scope"}` 🔧. Tokens expire after
  `token_lifetime` seconds of the fake clock; an expired or unknown token → 401 (empty
  body ❓). `new_token_revokes_old=True` imitates what django-psa warns of: a new token
  may invalidate the ones before it 🔧. Bad client → 400 `{"error": "invalid_client",
  "error_description"}` (OAuth2's shape ❓).
- `GET /api/Tickets` with `pageinate=true&page_size&page_no` (1-based) → `{"page_no",
  "page_size", "record_count", "tickets"}` ✅🔧; `page_size` is clamped to
  `max_page_size` (100 per the spec ✅; clamping rather than refusing is ❓ — clients
  that ask for 1000 and compute pages from `record_count` would silently miss tickets);
  without `pageinate`, `count=N` limits ✅. Filters: `lastupdatefromdate` /
  `lastupdatetodate` (inclusive ❓; naive or `Z`), `open_only`, `closed_only`,
  `client_id`, `status_id`, `agent_id`, `order` + `orderdesc` ✅.
  `GET /api/Tickets/{id}` ✅. `/api/Status` (a list; `type` 0 = ticket statuses 🔧),
  `/api/Priority` (a list keyed by `priorityid`, `id` an opaque string 🔧), `/api/Client`
  (`{"record_count", "clients"}` 🔧), `/api/Agent` (a list; id 1 = unassigned 🔧),
  `/api/Team` (a list of `{"id", "name", "department_id", "inactive"}` ✅ spec `Team`).
- Naive datetimes (UTC), `1900-01-01T00:00:00` for empty dates 🔧; `respondbydate`,
  `fixbydate`, `responsedate`, `dateclosed` ✅; the change marker is `last_update` on GET
  and `lastupdate` on POST answers 🔧 (django-psa: it differs by verb; which is which ❓).
- Write-back: `POST /api/Tickets` with a JSON array; an item with an existing `id` is an
  update 🔧; `POST /api/Actions` with an array of `{"ticket_id", "note", "outcome",
  "hiddenfromuser", "new_status", "new_agent", "new_priority"}` ✅🔧. A one-item array is
  answered with the object 🔧 (django-psa reads the answer as one record). Every write is
  kept in `writes` and bumps `last_update`. No ETag (none found) ❓. A `team` (or
  `new_team`) that is not one of the tenant's active teams is refused with 400 and
  `Team '<name>' is not valid` (what a tenant without the team answered, issue 15 🔧);
  the ticket's team is a name, so the list is `teams` (edit it per test).
- Child tickets ✅ spec `Faults`: `parent_id` (0 = none ❓; the spec says a nullable int)
  set by `POST /api/Tickets` `[{"id", "parent_id"}]`; `GET /api/Tickets?parent_id=N` lists
  a parent's children and `GET /api/Tickets/{id}?includechildids=true` adds
  `child_ticket_ids` ✅ spec parameters. Refused with 400 (wording ❓, not published): a
  parent that does not exist, a ticket as its own parent, a parent that is one of the
  ticket's own descendants (a loop), a ticket whose type is in `not_child_types` (the
  spec's `allowtickettypetobechild` off ✅). Nesting deeper is allowed
  (`fetchgrandchildren` ✅).
  `children_close_first` imitates a ticket type's `mustclosechildbeforeclosurebool` ✅
  spec `RequestType`: closing a parent with an open child is refused (400). Not
  modelled: the other ticket-type settings that govern children
  (`allowtickettypetobechild`, `parentstatusafterallchildclosed`,
  `adduserupdatestochildren` ✅ spec `RequestType`; docs/halo.md).
- Errors have no standard shape 🔧: a bare JSON string, `{"ClassName", "Message"}`,
  `{"message"}`, `{"error": {"error_description"}}` — see `ERROR_SHAPES` and
  `inject_error()`. 429 with Retry-After is only injected (limits unpublished ❓).

Simplifies: no sites/users beyond names on the ticket, no custom fields, no SLA engine
(due dates are set from priority at creation), no DELETE, no `includedetails` switch.

Sources: shared/reference/psa_apis.md §3 (halopsa-rest swagger.json; homotechsual/
HaloAPI; topleft-team/django-psa `djpsa/halo/api.py`, `sync.py`, `records/*/sync.py`).
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.http_fake import HttpFake, Reply, Request
from tests.fakes.vendor_seed import COMPANIES, MEMBERS, SUMMARIES

EMPTY = "1900-01-01T00:00:00"
STATUSES = [(1, "New", 0), (2, "In Progress", 0), (3, "Action Required", 0),
            (4, "Waiting on User", 0), (9, "Closed", 0), (20, "Quote Sent", 1)]  # fmt: skip
CLOSED = {9}
#: The tenant's teams: Halo's out-of-the-box names plus an engineering team.
TEAMS = ["NOC", "Service Desk", "2nd Line", "3rd Line", "Engineering"]
PRIORITIES = {1: ("Critical", 0.5, 4), 2: ("High", 1, 8), 3: ("Medium", 4, 24), 4: ("Low", 8, 72)}
UPDATABLE = {"summary", "details", "status_id", "agent_id", "priority_id", "team", "impact",
             "urgency", "client_id", "fixbydate", "respondbydate", "parent_id"}  # fmt: skip
ERROR_SHAPES: dict[str, Any] = {
    "string": "An error occurred processing your request",
    "classname": {"ClassName": "System.NullReferenceException",
                  "Message": "Object reference not set to an instance of an object."},
    "message": {"message": "The request is invalid."},
    "nested": {"error": {"error_description": "The request is invalid."}},
}  # fmt: skip


def halo_time(value: datetime) -> str:
    """Halo's naive UTC datetimes, with milliseconds only when there are some."""
    text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{value.microsecond // 1000:03d}" if value.microsecond >= 1000 else "")


def parse_halo(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class FakeHalo(HttpFake):
    def __init__(self, client_id: str = "noc-console", client_secret: str = "s3cret",
                 token_lifetime: float = 3600, max_page_size: int = 100,
                 now: datetime | None = None,
                 new_token_revokes_old: bool = False) -> None:  # fmt: skip
        super().__init__(now)
        self.client_id, self.client_secret = client_id, client_secret
        self.token_lifetime, self.max_page_size = token_lifetime, max_page_size
        self.new_token_revokes_old = new_token_revokes_old
        self.tokens: dict[str, datetime] = {}  # access token → expiry
        self.clients = {12 + i: {"id": 12 + i, "name": name, "inactive": False}
                        for i, (_, name) in enumerate(COMPANIES)}  # fmt: skip
        self.agents = {1: {"id": 1, "name": "Unassigned"}} | {
            2 + i: {"id": 2 + i, "name": name} for i, (_, name) in enumerate(MEMBERS)}  # fmt: skip
        self.teams = list(TEAMS)  # names; tests replace them with a tenant's own
        #: Fields a ticket POST answers 201 to and drops (a tenant or version that does not
        #: take them: whether Halo refuses or ignores a field it will not set is ❓).
        self.ignored_fields: set[str] = set()
        #: The ticket type's `mustclosechildbeforeclosurebool` (✅ spec `RequestType`): a
        #: parent cannot close while a child is open (refusal wording ❓).
        self.children_close_first = False
        #: Ticket types (`tickettype_id` → the tenant's name for it) whose
        #: `allowtickettypetobechild` is off (✅ spec `RequestType`; refusal wording ❓).
        self.not_child_types: dict[int, str] = {}
        self.tickets: dict[int, dict[str, Any]] = {}
        self.actions: list[dict[str, Any]] = []
        self.writes: list[tuple[str, str, Any]] = []

    # ------------------------------------------------------------ data for tests
    def seed(self, count: int, seed: int = 1) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        return [self.add_ticket(
            summary=rng.choice(SUMMARIES).format(n=rng.randrange(1, 99)),
            created=self.now - timedelta(minutes=rng.randrange(5, 60 * 24 * 14)),
            status_id=rng.choice([s for s, _, kind in STATUSES if kind == 0]),
            priority_id=rng.choice(list(PRIORITIES)), client_id=rng.choice(list(self.clients)),
            agent_id=rng.choice(list(self.agents)), team=rng.choice(["NOC", "Service Desk"]),
        ) for _ in range(count)]  # fmt: skip

    def add_ticket(self, summary: str = "Server offline", created: datetime | None = None,
                   **fields: Any) -> dict[str, Any]:  # fmt: skip
        with self.lock:
            ticket_id = max(self.tickets, default=4000) + 1
            created = created or self.now
            _, respond, fix = PRIORITIES[fields.get("priority_id", 3)]
            client = self.clients.get(fields.get("client_id", 12), {"name": ""})
            ticket: dict[str, Any] = {
                "id": ticket_id, "summary": summary, "details": "", "client_id": 12,
                "client_name": client["name"], "site_id": 1, "site_name": "Main",
                "user_id": 1, "user_name": "General User", "status_id": 1, "priority_id": 3,
                "tickettype_id": 1, "team": "NOC", "agent_id": 1, "impact": 2, "urgency": 2,
                "sla_id": 1, "dateoccurred": halo_time(created), "datecreated": halo_time(created),
                "lastactiondate": halo_time(created), "last_update": halo_time(created),
                "respondbydate": halo_time(created + timedelta(hours=respond)),
                "fixbydate": halo_time(created + timedelta(hours=fix)), "responsedate": EMPTY,
                "dateclosed": EMPTY, "deadlinedate": EMPTY, "onhold": False, "inactive": False,
                "excludefromsla": False, "parent_id": 0,
            }  # fmt: skip
            ticket.update(fields)
            if ticket["status_id"] in CLOSED:
                ticket["dateclosed"] = halo_time(created)
            self.tickets[ticket_id] = ticket
            return ticket

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        """Someone edits the ticket in Halo: `last_update` moves."""
        with self.lock:
            ticket = self.tickets[ticket_id]
            ticket.update(fields)
            self._touch(ticket)
            return ticket

    def delete_ticket(self, ticket_id: int) -> None:
        with self.lock:
            del self.tickets[ticket_id]

    def add_client(self, name: str) -> dict[str, Any]:
        with self.lock:
            client_id = max(self.clients) + 1
            self.clients[client_id] = {"id": client_id, "name": name, "inactive": False}
            return self.clients[client_id]

    def delete_client(self, client_id: int) -> None:
        with self.lock:
            del self.clients[client_id]

    def inject_error(self, shape: str, path: str = "/api/", status: int = 400) -> None:
        """The next request under `path` fails with one of Halo's error shapes."""
        self.inject(str(status), path, body=ERROR_SHAPES[shape])

    # ------------------------------------------------------------ requests
    def fault_body(self, status: int) -> Any:
        if status == 429:
            return "Too many requests, please try again later"
        return {"ClassName": "System.Exception", "Message": f"HTTP {status}"}

    def route(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        lowered = [p.lower() for p in parts]
        if lowered == ["auth", "token"] and request.method == "POST":
            return self._token(request)
        if lowered[:1] != ["api"]:
            return Reply(404, "Not found")
        if lowered == ["api", "authinfo"]:
            return Reply(200, {"auth_url": f"{self.url}/auth", "tenant_id": "noc"})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.tokens.get(token, self.now) <= self.now:
            return Reply(401, b"")
        return self._api(request, lowered[1:])

    def _token(self, request: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type"})
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return Reply(400, {"error": "invalid_client",
                               "error_description": "Invalid client credentials"})  # fmt: skip
        if self.new_token_revokes_old:
            self.tokens.clear()
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.now + timedelta(seconds=self.token_lifetime)
        return Reply(200, {"access_token": token, "token_type": "Bearer",
                           "expires_in": int(self.token_lifetime),
                           "scope": form.get("scope", "all")})  # fmt: skip

    def _api(self, request: Request, path: list[str]) -> Reply:
        method = request.method
        if method == "GET" and path == ["tickets"]:
            return self._listing(request)
        if method == "GET" and len(path) == 2 and path[0] == "tickets" and path[1].isdigit():
            ticket = self.tickets.get(int(path[1]))
            if ticket is None:
                return Reply(404, f"Ticket {path[1]} not found")
            if _true(request.arg("includechildids")):
                return Reply(200, ticket | {"child_ticket_ids": self.children_of(ticket["id"])})
            return Reply(200, ticket)
        if method == "POST" and path in (["tickets"], ["actions"]):
            body = request.json()
            if not isinstance(body, list) or not all(isinstance(i, dict) for i in body):
                return Reply(400, {"ClassName": "Newtonsoft.Json.JsonSerializationException",
                                   "Message": "Cannot deserialize the current JSON object "
                                              "into type List`1: send an array."})  # fmt: skip
            write = self._save_ticket if path == ["tickets"] else self._save_action
            answers = []
            for item in body:
                answer = write(item)
                if isinstance(answer, Reply):
                    return answer  # earlier items stay applied (real batch semantics ❓)
                answers.append(answer)
            self.writes.append((method, request.path, body))
            return Reply(201, answers[0] if len(answers) == 1 else answers)
        if method == "GET" and path == ["actions"]:
            ticket_id = int(request.arg("ticket_id") or 0)
            found = [a for a in self.actions if a["ticket_id"] == ticket_id or not ticket_id]
            return Reply(200, {"record_count": len(found), "actions": found})
        if method == "GET" and path == ["status"]:
            return Reply(200, [{"id": i, "name": n, "shortname": n[:4].lower(), "type": kind,
                                "colour": "#3b82f6"} for i, n, kind in STATUSES])  # fmt: skip
        if method == "GET" and path == ["priority"]:
            return Reply(200, [{"priorityid": i, "name": n, "id": f"{i}-{i * 7919:08x}",
                                "slaid": 1, "ishidden": False, "colour": "#ef4444"}
                               for i, (n, _, _) in PRIORITIES.items()])  # fmt: skip
        if method == "GET" and path == ["client"]:
            clients = list(self.clients.values())
            return Reply(200, {"record_count": len(clients), "clients": clients})
        if method == "GET" and path == ["agent"]:
            return Reply(200, list(self.agents.values()))
        if method == "GET" and path == ["team"]:
            return Reply(200, [{"id": 1 + i, "name": name, "department_id": 1, "inactive": False}
                               for i, name in enumerate(self.teams)])  # fmt: skip
        return Reply(404, f"{method} /api/{'/'.join(path)} not found")

    def _listing(self, request: Request) -> Reply:
        found = list(self.tickets.values())
        since, until = request.arg("lastupdatefromdate"), request.arg("lastupdatetodate")
        if since:
            found = [t for t in found if parse_halo(t["last_update"]) >= parse_halo(since)]
        if until:
            found = [t for t in found if parse_halo(t["last_update"]) <= parse_halo(until)]
        if _true(request.arg("open_only")):
            found = [t for t in found if t["status_id"] not in CLOSED]
        if _true(request.arg("closed_only")):
            found = [t for t in found if t["status_id"] in CLOSED]
        for name in ("client_id", "status_id", "agent_id", "parent_id"):
            if request.arg(name):
                found = [t for t in found if str(t[name]) == request.arg(name)]
        order = request.arg("order") or "id"
        found.sort(key=lambda t: (t.get(order) is None, t.get(order), t["id"]),
                   reverse=_true(request.arg("orderdesc")))  # fmt: skip
        if not _true(request.arg("pageinate")):
            count = int(request.arg("count") or len(found))
            return Reply(200, {"record_count": len(found), "tickets": found[:count]})
        size = min(max(int(request.arg("page_size") or 50), 1), self.max_page_size)
        page = max(int(request.arg("page_no") or 1), 1)
        chunk = found[(page - 1) * size : page * size]
        return Reply(200, {"page_no": page, "page_size": size, "record_count": len(found),
                           "tickets": chunk})  # fmt: skip

    def _save_ticket(self, item: dict[str, Any]) -> dict[str, Any] | Reply:
        if "id" not in item:
            if not item.get("summary") or item.get("client_id") not in self.clients:
                return Reply(400, {"message": "A new ticket needs a summary and a client_id."})
            created = self.add_ticket(**{k: v for k, v in item.items() if k in UPDATABLE})
            return self._posted(created)
        ticket = self.tickets.get(item["id"])
        if ticket is None:
            return Reply(404, f"Ticket {item['id']} not found")
        changes = {k: v for k, v in item.items() if k != "id"}
        problem = (self._check(changes) or self._parent_problem(ticket["id"], changes)
                   or self._closing_problem(ticket, changes))  # fmt: skip
        if problem:
            return Reply(400, problem)
        self._apply(ticket, {k: v for k, v in changes.items() if k not in self.ignored_fields})
        return self._posted(ticket)

    def _save_action(self, item: dict[str, Any]) -> dict[str, Any] | Reply:
        ticket = self.tickets.get(item.get("ticket_id"))  # type: ignore[arg-type]
        if ticket is None:
            return Reply(400, {"ClassName": "System.Exception",
                               "Message": f"Ticket {item.get('ticket_id')} not found"})  # fmt: skip
        renames = {"new_status": "status_id", "new_agent": "agent_id",
                   "new_priority": "priority_id", "new_team": "team"}  # fmt: skip
        changes = {renames[k]: v for k, v in item.items() if k in renames}
        problem = self._check(changes) or self._closing_problem(ticket, changes)
        if problem:
            return Reply(400, problem)
        action = {"id": len(self.actions) + 1, "ticket_id": ticket["id"],
                  "outcome": item.get("outcome", "Private Note"), "note": item.get("note", ""),
                  "hiddenfromuser": bool(item.get("hiddenfromuser")),
                  "datetime": halo_time(self.now), "who": "API"}  # fmt: skip
        self.actions.append(action)
        self._apply(ticket, changes)
        ticket["lastactiondate"] = halo_time(self.now)
        return action

    def _check(self, changes: dict[str, Any]) -> str | None:
        unknown = set(changes) - UPDATABLE
        if unknown:
            return f"Cannot update {', '.join(sorted(unknown))}"
        valid = {"status_id": {s for s, _, kind in STATUSES if kind == 0},
                 "agent_id": set(self.agents), "priority_id": set(PRIORITIES)}  # fmt: skip
        for name, allowed in valid.items():
            if name in changes and changes[name] not in allowed:
                return f"Invalid {name} {changes[name]}"
        if "team" in changes and changes["team"] not in self.teams:
            return f"Team '{changes['team']}' is not valid"
        return None

    def children_of(self, ticket_id: int) -> list[int]:
        """The ids of the tickets whose parent is `ticket_id`."""
        return sorted(t["id"] for t in self.tickets.values() if t.get("parent_id") == ticket_id)

    def _parent_problem(self, ticket_id: int, changes: dict[str, Any]) -> str | None:
        """Why `changes["parent_id"]` cannot be this ticket's parent (None: it can)."""
        parent = changes.get("parent_id", 0)
        if parent in (0, None):
            return None  # not changed, or the link taken off
        if not isinstance(parent, int) or isinstance(parent, bool):
            return f"Invalid parent_id {parent!r}"
        if parent == ticket_id:
            return f"Ticket {ticket_id} cannot be its own parent"
        if parent not in self.tickets:
            return f"Parent ticket {parent} not found"
        kind = self.tickets[ticket_id].get("tickettype_id")
        if kind in self.not_child_types:
            return f"Tickets of type '{self.not_child_types[kind]}' cannot be child tickets"
        above, seen = parent, set()
        while above and above not in seen:  # walk up from the new parent
            if above == ticket_id:
                return f"Ticket {parent} is a child of ticket {ticket_id}: it cannot be its parent"
            seen.add(above)
            above = self.tickets.get(above, {}).get("parent_id", 0)
        return None

    def _closing_problem(self, ticket: dict[str, Any], changes: dict[str, Any]) -> str | None:
        """With `children_close_first`, why this change may not close the ticket."""
        closing = changes.get("status_id") in CLOSED and ticket["status_id"] not in CLOSED
        if not (self.children_close_first and closing):
            return None
        open_children = [c for c in self.children_of(ticket["id"])
                         if self.tickets[c]["status_id"] not in CLOSED]  # fmt: skip
        if not open_children:
            return None
        listed = ", ".join(str(c) for c in open_children)
        return f"Ticket {ticket['id']} has open child tickets ({listed}): close them first"

    def _apply(self, ticket: dict[str, Any], changes: dict[str, Any]) -> None:
        old_status = ticket["status_id"]
        ticket.update(changes)
        if ticket["status_id"] != old_status:
            closed = ticket["status_id"] in CLOSED
            ticket["dateclosed"] = halo_time(self.now) if closed else EMPTY
            if ticket["responsedate"] == EMPTY:
                ticket["responsedate"] = halo_time(self.now)
        self._touch(ticket)

    def _posted(self, ticket: dict[str, Any]) -> dict[str, Any]:
        answer = {k: v for k, v in ticket.items() if k != "last_update"}
        return answer | {"lastupdate": ticket["last_update"]}

    def _touch(self, ticket: dict[str, Any]) -> None:
        ticket["last_update"] = halo_time(self.now)


def _true(value: str | None) -> bool:
    return (value or "").lower() == "true"
