"""A fake Zendesk Support account (API v2) over real HTTP on 127.0.0.1.

Imitates (✅ Zendesk's developer docs, 🔧 a client that talks to the real API, ⚠️ a
secondary source, ❓ unverified; see shared/reference/psa_apis.md §6):
- Auth: Basic `{email}/token:{api_token}` ✅ or `Authorization: Bearer {oauth token}`;
  anything else → 401 `{"error": "Couldn't authenticate you"}` ❓. `revoke()` kills the
  API token (an admin rotating it mid-sync).
- `GET /api/v2/incremental/tickets/cursor.json?start_time={unix}` or `?cursor=…`, with
  `per_page` (≤ 1000 ❓) and `include=slas` → `{"tickets", "after_cursor", "after_url",
  "before_cursor", "before_url", "end_of_stream"}` ✅. Tickets come in
  `generated_timestamp` order, which every update bumps ✅; a ticket changed again
  later comes again later in the stream; tickets changed in the last minute before the
  request are left out ✅; deleted tickets come with status `deleted` ✅. **10 requests
  per minute** per account on these endpoints ✅ (`incremental_per_minute`, a sliding
  minute of the fake clock) → 429 with `Retry-After` ✅.
- `GET /api/v2/search/export.json?query=status<solved&filter[type]=ticket&page[size]=`
  (≤ 1000 ✅) → `{"results", "meta": {"has_more", "after_cursor"}, "links": {"next"}}` ✅
  (only `status<solved` and `status:<s>` terms are understood).
- `GET /api/v2/tickets/show_many.json?ids=…&include=slas` (≤ 100 ids ✅ else 400) →
  `{"tickets"}`; `GET /api/v2/tickets/{id}.json` → `{"ticket"}` without SLAs (a client
  reports Show Ticket ignores `include=slas` 🔧).
- `include=slas` adds `slas.policy_metrics[]` (`metric` first_reply_time /
  requester_wait_time, `stage` active / achieved / paused, `breach_at`) 🔧⚠️ — names
  "not crisply documented"; set here from priority at creation.
- `PUT /api/v2/tickets/{id}.json` with `{"ticket": {...}}` ✅: `status`, `priority`,
  `assignee_id`, `group_id`, `comment: {body, public}` ✅; `safe_update: true` with
  `updated_stamp` ≠ the ticket's `updated_at` → **409** `{"error": "UpdateConflict",
  "description": …}` ✅ (the body's wording ❓); a closed ticket → 422 `RecordInvalid` ✅;
  an unknown assignee or group → 422 ❓. Every update bumps `updated_at` and
  `generated_timestamp`. `GET /api/v2/tickets/{id}/comments.json` → `{"comments"}` ✅.
- `GET /api/v2/organizations.json`, `/groups.json`, `/users.json?role[]=agent&role[]=admin`
  with cursor paging (`page[size]` ≤ 100, `meta.has_more`, `links.next`) ✅;
  `GET /api/v2/users/me.json` ✅.
- Account limit `per_minute` (None: none) → 429 + `Retry-After`; answers carry
  `X-Rate-Limit` and `X-Rate-Limit-Remaining` ✅.

Simplifies: no archived tickets, no custom fields, no ticket forms, no follow-ups.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tests.fakes.http_fake import HttpFake, Reply, Request
from tests.fakes.vendor_seed import COMPANIES, MEMBERS, SUMMARIES

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = {"urgent": (0.25, 4), "high": (1, 8), "normal": (4, 24), "low": (8, 72)}
GROUPS = ["Support", "NOC", "Tier 2", "Tier 3", "Engineering"]
MAX_EXPORT_PAGE = 1000


def zd_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cursor(position: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def _position(cursor: str) -> tuple[int, int]:
    stamp, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    return int(stamp), int(ident)


class FakeZendesk(HttpFake):
    def __init__(self, email: str = "noc@example.com", api_token: str = "zd-t0ken",
                 now: datetime | None = None,
                 incremental_per_minute: int = 10) -> None:  # fmt: skip
        super().__init__(now)
        self.email, self.api_token = email, api_token
        self.oauth_tokens: set[str] = set()
        self.incremental_per_minute = incremental_per_minute
        self.incremental_calls: deque[datetime] = deque()
        self.per_minute: int | None = None
        self.account_calls: deque[datetime] = deque()
        self.organizations = {360 + i: {"id": 360 + i, "name": name}
                              for i, (_, name) in enumerate(COMPANIES)}  # fmt: skip
        self.groups = {90 + i: {"id": 90 + i, "name": name} for i, name in enumerate(GROUPS)}
        self.users = {700: {"id": 700, "name": "NOC API", "email": email, "role": "admin"}} | {
            701 + i: {"id": 701 + i, "name": name, "email": f"{login}@example.com",
                      "role": "agent"} for i, (login, name) in enumerate(MEMBERS)}  # fmt: skip
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.slas: dict[int, list[dict[str, Any]]] = {}
        self.writes: list[tuple[int, dict[str, Any]]] = []

    # ------------------------------------------------------------ data for tests
    def seed(self, count: int, seed: int = 1) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        return [self.add_ticket(
            rng.choice(SUMMARIES).format(n=rng.randrange(1, 99)),
            created=self.now - timedelta(minutes=rng.randrange(5, 60 * 24 * 14)),
            status=rng.choice(["new", "open", "pending", "hold", "solved"]),
            priority=rng.choice(list(PRIORITIES)),
            organization_id=rng.choice(list(self.organizations)),
            group_id=rng.choice([90, 91, 92]), assignee_id=rng.choice([None, 701, 702, 703]),
        ) for _ in range(count)]  # fmt: skip

    def add_ticket(self, subject: str = "Server offline", *, created: datetime | None = None,
                   **fields: Any) -> dict[str, Any]:  # fmt: skip
        with self.lock:
            created = created or self.now
            ticket_id = max(self.tickets, default=100) + 1
            ticket: dict[str, Any] = {
                "id": ticket_id, "url": f"/api/v2/tickets/{ticket_id}.json", "subject": subject,
                "description": f"{subject}. Raised by monitoring.", "status": "new",
                "priority": "normal", "type": "incident", "requester_id": 700,
                "assignee_id": None, "group_id": 90, "organization_id": 360,
                "created_at": zd_time(created), "updated_at": zd_time(created),
                "generated_timestamp": int(created.timestamp()), "tags": [],
            }  # fmt: skip
            ticket.update(fields)
            self.tickets[ticket_id] = ticket
            self.comments[ticket_id] = [{"id": ticket_id * 10, "body": ticket["description"],
                                         "public": True, "author_id": 700,
                                         "created_at": ticket["created_at"]}]  # fmt: skip
            respond, resolve = PRIORITIES.get(str(ticket["priority"]), (4, 24))
            self.slas[ticket_id] = [
                {"metric": "first_reply_time", "instance_id": 1, "stage": "active",
                 "breach_at": zd_time(created + timedelta(hours=respond)), "minutes": 0},
                {"metric": "requester_wait_time", "instance_id": 1, "stage": "active",
                 "breach_at": zd_time(created + timedelta(hours=resolve)), "minutes": 0},
            ]  # fmt: skip
            return ticket

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        """Someone edits the ticket in Zendesk: `updated_at` moves."""
        with self.lock:
            ticket = self.tickets[ticket_id]
            ticket.update(fields)
            self._touch(ticket)
            return ticket

    def delete_ticket(self, ticket_id: int) -> None:
        self.update_ticket(ticket_id, status="deleted")

    def revoke(self) -> None:
        """The API token is rotated: every request with the old one is refused."""
        with self.lock:
            self.api_token = secrets.token_hex(8)

    def issue_oauth_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.oauth_tokens.add(token)
        return token

    # ------------------------------------------------------------ requests
    def fault_body(self, status: int) -> Any:
        if status == 429:
            return {"error": "TooManyRequests", "description": "Rate limit exceeded"}
        return {"error": f"HTTP {status}", "description": "Injected failure"}

    def route(self, request: Request) -> Reply:
        if not request.path.startswith("/api/v2/"):
            return Reply(404, b"<html><body>Not found</body></html>")
        if not self._authenticated(request):
            return Reply(401, {"error": "Couldn't authenticate you"})
        limited = self._window(self.account_calls, self.per_minute)
        if limited is not None:
            return limited
        path = request.path.removeprefix("/api/v2/").removesuffix(".json")
        reply = self._api(request, path)
        if self.per_minute is not None:
            left = max(0, self.per_minute - len(self.account_calls))
            reply.headers.update({"X-Rate-Limit": str(self.per_minute),
                                  "X-Rate-Limit-Remaining": str(left)})  # fmt: skip
        return reply

    def _authenticated(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer "):
            return header[7:] in self.oauth_tokens
        if header.startswith("Basic "):
            given = base64.b64decode(header[6:]).decode()
            return given == f"{self.email}/token:{self.api_token}"
        return False

    def _window(self, calls: deque[datetime], limit: int | None) -> Reply | None:
        """A sliding minute of the fake clock: over `limit`, 429 until the oldest leaves."""
        if limit is None:
            return None
        while calls and calls[0] <= self.now - timedelta(minutes=1):
            calls.popleft()
        if len(calls) >= limit:
            wait = max(1, int((calls[0] + timedelta(minutes=1) - self.now).total_seconds()))
            return Reply(429, self.fault_body(429), {"Retry-After": str(wait)})
        calls.append(self.now)
        return None

    def _api(self, request: Request, path: str) -> Reply:
        parts = path.split("/")
        if request.method == "GET" and path == "incremental/tickets/cursor":
            return self._window(self.incremental_calls, self.incremental_per_minute) or \
                self._incremental(request)  # fmt: skip
        if request.method == "GET" and path == "search/export":
            return self._search(request)
        if request.method == "GET" and path == "tickets/show_many":
            ids = [int(i) for i in (request.arg("ids") or "").split(",") if i.isdigit()]
            if len(ids) > 100:
                return Reply(400, {"error": "InvalidEndpoint",
                                   "description": "Too many ids (maximum 100)"})  # fmt: skip
            slas = "slas" in (request.arg("include") or "")
            found = [self._shown(self.tickets[i], slas) for i in ids if i in self.tickets]
            return Reply(200, {"tickets": found})
        if parts[0] == "tickets" and len(parts) >= 2 and parts[1].isdigit():
            ticket = self.tickets.get(int(parts[1]))
            if ticket is None or ticket["status"] == "deleted":
                return Reply(404, {"error": "RecordNotFound", "description": "Not found"})
            if len(parts) == 3 and parts[2] == "comments" and request.method == "GET":
                return Reply(200, {"comments": self.comments[ticket["id"]], "next_page": None})
            if len(parts) == 2 and request.method == "GET":
                return Reply(200, {"ticket": self._shown(ticket, False)})
            if len(parts) == 2 and request.method == "PUT":
                return self._update(request, ticket)
        if request.method == "GET" and path in ("organizations", "groups", "users"):
            return self._list(request, path)
        if request.method == "GET" and path == "users/me":
            return Reply(200, {"user": self.users[700]})
        return Reply(404, {"error": "InvalidEndpoint", "description": "Not found"})

    # ------------------------------------------------------------ reading
    def _shown(self, ticket: dict[str, Any], slas: bool) -> dict[str, Any]:
        shown = dict(ticket)
        if slas:
            shown["slas"] = {"policy_metrics": [dict(m) for m in self.slas[ticket["id"]]]}
        return shown

    def _incremental(self, request: Request) -> Reply:
        cursor = request.arg("cursor")
        if cursor:
            position = _position(cursor)
        else:
            start = request.arg("start_time")
            if start is None or not start.isdigit():
                return Reply(400, {"error": "InvalidValue",
                                   "description": "start_time or cursor is required"})  # fmt: skip
            position = (int(start), 0)
        size = min(int(request.arg("per_page") or MAX_EXPORT_PAGE), MAX_EXPORT_PAGE)
        horizon = int(self.now.timestamp()) - 60  # the last minute is left out
        stream = sorted((t["generated_timestamp"], t["id"]) for t in self.tickets.values()
                        if t["generated_timestamp"] < horizon)  # fmt: skip
        after = [p for p in stream if p > position]  # start_time: ids start at 1
        chunk = after[:size]
        end = len(after) <= size
        slas = "slas" in (request.arg("include") or "")
        base = f"{self.url}/api/v2/incremental/tickets/cursor.json"
        following = _cursor(chunk[-1] if chunk else position)
        query = {k: v[0] for k, v in request.query.items() if k not in ("start_time", "cursor")}
        query["cursor"] = following  # the next page keeps per_page and include ✅
        return Reply(200, {
            "tickets": [self._shown(self.tickets[i], slas) for _, i in chunk],
            "after_cursor": following, "after_url": f"{base}?{urlencode(query)}",
            "before_cursor": None, "before_url": None, "end_of_stream": end,
        })  # fmt: skip

    def _search(self, request: Request) -> Reply:
        if request.arg("filter[type]") != "ticket":
            return Reply(400, {"error": "InvalidSearchParameters",
                               "description": "filter[type] is required"})  # fmt: skip
        found = [t for t in self.tickets.values() if t["status"] != "deleted"]
        for term in (request.arg("query") or "").split():
            if term == "status<solved":
                found = [t for t in found if t["status"] not in ("solved", "closed")]
            elif term.startswith("status:"):
                found = [t for t in found if t["status"] == term[7:]]
        found.sort(key=lambda t: t["id"])
        return self._cursor_page(request, "results", found, MAX_EXPORT_PAGE)

    def _list(self, request: Request, kind: str) -> Reply:
        rows: list[dict[str, Any]] = list(getattr(self, kind).values())
        roles = request.query.get("role[]", [])
        if kind == "users" and roles:
            rows = [u for u in rows if u["role"] in roles]
        return self._cursor_page(request, kind, rows, 100)

    def _cursor_page(self, request: Request, key: str, rows: list[dict[str, Any]],
                     largest: int) -> Reply:  # fmt: skip
        size = min(int(request.arg("page[size]") or 100), largest)
        after = request.arg("page[after]")
        start = _position(after)[1] if after else 0
        chunk = rows[start : start + size]
        more = start + size < len(rows)
        cursor = _cursor((0, start + size))
        query = {k: v[0] for k, v in request.query.items()} | {"page[after]": cursor}
        following = f"{self.url}{request.path}?{urlencode(query)}" if more else None
        return Reply(200, {key: chunk, "meta": {"has_more": more,
                                                "after_cursor": cursor if more else None},
                           "links": {"next": following}})  # fmt: skip

    # ------------------------------------------------------------ writing
    def _update(self, request: Request, ticket: dict[str, Any]) -> Reply:
        body = request.json()
        changes = body.get("ticket") if isinstance(body, dict) else None
        if not isinstance(changes, dict):
            return Reply(400, {"error": "InvalidValue", "description": "ticket is required"})
        if changes.get("safe_update") and changes.get("updated_stamp") != ticket["updated_at"]:
            return Reply(409, {"error": "UpdateConflict", "description": "Safe Update prevented "
                               "the update due to outdated ticket data. Please fetch the latest "
                               "ticket data and try again."})  # fmt: skip
        if ticket["status"] == "closed":
            return _invalid("status", "Status: closed prevents ticket update")
        problem = self._check(changes)
        if problem is not None:
            return problem
        comment = changes.get("comment")
        for name in ("status", "priority", "assignee_id", "group_id"):
            if name in changes:
                ticket[name] = changes[name]
        if isinstance(comment, dict) and comment.get("body"):
            self.comments[ticket["id"]].append({
                "id": ticket["id"] * 10 + len(self.comments[ticket["id"]]),
                "body": str(comment["body"]), "public": bool(comment.get("public", True)),
                "author_id": 700, "created_at": zd_time(self.now)})  # fmt: skip
        self._touch(ticket)
        self.writes.append((ticket["id"], changes))
        return Reply(200, {"ticket": self._shown(ticket, False), "audit": {"id": len(self.writes)}})

    def _check(self, changes: dict[str, Any]) -> Reply | None:
        if "status" in changes and changes["status"] not in STATUSES:
            return _invalid("status", f"Status: {changes['status']} is not valid")
        if "priority" in changes and changes["priority"] not in (*PRIORITIES, None):
            return _invalid("priority", f"Priority: {changes['priority']} is not valid")
        if changes.get("assignee_id") is not None and changes["assignee_id"] not in self.users:
            return _invalid("assignee_id", "Assignee: is invalid")
        if "group_id" in changes and changes["group_id"] not in self.groups:
            return _invalid("group_id", "Group: is invalid")
        return None

    def _touch(self, ticket: dict[str, Any]) -> None:
        ticket["updated_at"] = zd_time(self.now)
        ticket["generated_timestamp"] = int(self.now.timestamp())


def _invalid(field: str, description: str) -> Reply:
    return Reply(422, {"error": "RecordInvalid", "description": "Record validation errors",
                       "details": {field: [{"description": description}]}})  # fmt: skip
