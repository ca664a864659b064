"""A fake ServiceNow instance (Table API) over real HTTP on 127.0.0.1.

Imitates (✅ ServiceNow's docs, 🔧 a client that talks to the real API, ❓ unverified;
see shared/reference/psa_apis.md §4):
- Auth: Basic (the `users` table) or a bearer token from `POST /oauth_token.do` (form
  `grant_type=password` with `client_id`, `client_secret`, `username`, `password`;
  `refresh_token`; `client_credentials` only when `client_credentials=True`, as an
  instance must enable it ❓) → `{access_token, refresh_token, scope, token_type,
  expires_in}` 🔧. Tokens expire after `token_lifetime` seconds of the fake clock. A
  refused grant → 401 `{"error_description": "access_denied", "error": "server_error"}` ❓;
  a request without valid credentials → 401 `{"error": {"message": "User Not
  Authenticated", …}, "status": "failure"}` 🔧.
- `GET /api/now/table/{table}` with `sysparm_query` (`^`-joined terms: `f=v`, `f!=v`,
  `f>v`, `f>=v`, `f<v`, `fINa,b`, `ORDERBYf`, `ORDERBYDESCf`; dot-walked `task.f`;
  dates as `javascript:gs.dateGenerate('YYYY-MM-DD','HH:MM:SS')` **in the API user's
  time zone** (`time_zone`) 🔧; a term naming an unknown field is silently ignored ✅),
  `sysparm_fields`, `sysparm_display_value=true|false|all` (`all`: every field is
  `{"value", "display_value"}`, references add `link` unless
  `sysparm_exclude_reference_link=true`) ✅, `sysparm_limit` (capped at 10,000 ⚠️) and
  `sysparm_offset`; answers `{"result": [...]}` with `X-Total-Count` and a `Link`
  header (`first`, `prev`, `next`, `last`; no `Link` for a single page) ⚠️.
  `GET …/{table}/{sys_id}` → `{"result": {...}}`.
- Values: date-times are `YYYY-MM-DD HH:MM:SS` in UTC as `value`, in the user's zone as
  `display_value` ✅; choices (`state`, `hold_reason`, `impact`, `urgency`, `priority`,
  `close_code`) are numbers-as-strings with labels 🔧 (servicenow.itsm); `priority` is
  derived from impact × urgency by the default lookup ❓; `sys_mod_count` counts updates.
- `PATCH /api/now/table/incident/{sys_id}` (`sysparm_input_display_value=true`: values
  given as labels and references by display name ✅); `work_notes` / `comments` append a
  `sys_journal_field` row (`element_id`, `element`, `value`) ❓; an unknown choice label or
  reference name → 400 ❓; resolving (state 6) without `close_code` and `close_notes` →
  403 "Data Policy Exception" 🔧 (servicenow.itsm validates both). No `If-Match` ❓.
- `parent_incident` (a reference to another incident, ✅ docs "Synchronizing parent and
  child incidents"; the field name 🔧 ServiceNowDevProgram/code-snippets business rules
  querying `parent_incident=<sys_id>`): written by sys_id like any reference; an incident
  made its own parent → 403 ❓ (ServiceNow's docs say so for security incidents), as is
  any parent while `refuse_parents` (a business rule or ACL of the instance) ❓. A parent's
  state change is followed by its children that are not closed or canceled (✅ the
  docs' table): In Progress → In Progress; On Hold awaiting change, problem or vendor →
  the same; Resolved → Resolved, the parent's resolution code and notes copied into the
  child and its activity (a work note); Awaiting Caller, Closed, Canceled → nothing.
  (The docs add: not while the parent is a proposed or accepted major incident — not
  modelled.)
- `task_sla` rows per incident (response and resolution, `sla` → `contract_sla` with
  `target`), `planned_end_time` (the breach time), `has_breached`, `stage` ✅; `sys_user`
  (`user_name`, `name`, `time_zone`), `sys_user_group`, `core_company`,
  `sys_user_has_role` (`user`, `role` → `sys_user_role.name`; the API user has `itil`).
  `sla_readable=False` answers task_sla with 403 (an ACL) ❓.
- Per-user rate-limit rule (`rate_limit_per_hour`): every answer carries
  `X-RateLimit-Limit`, `X-RateLimit-Reset` (Unix time) and `X-RateLimit-Rule`; beyond the
  limit → 429 with `Retry-After` (seconds to the reset) ✅.
- Errors: `{"error": {"message", "detail"}, "status": "failure"}` 🔧.

Simplifies: no business rules beyond those named, no ACLs but the task_sla switch, no
`sys_updated_by`, tables other than these answer 400 "Invalid table".
"""

from __future__ import annotations

import base64
import random
import re
import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from tests.fakes.http_fake import HttpFake, Reply, Request
from tests.fakes.vendor_seed import COMPANIES, MEMBERS, SUMMARIES

FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_LIMIT = 10_000
STATES = {"1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved", "7": "Closed",
          "8": "Canceled"}  # fmt: skip
HOLD_REASONS = {"1": "Awaiting Caller", "3": "Awaiting Problem", "4": "Awaiting Vendor",
                "5": "Awaiting Change"}  # fmt: skip
LEVELS = {"1": "1 - High", "2": "2 - Medium", "3": "3 - Low"}
PRIORITIES = {"1": "1 - Critical", "2": "2 - High", "3": "3 - Moderate", "4": "4 - Low",
              "5": "5 - Planning"}  # fmt: skip
CLOSE_CODES = {c: c for c in ("Solved (Work Around)", "Solved (Permanently)",
                              "Solved Remotely (Work Around)", "Solved Remotely (Permanently)",
                              "Not Solved (Not Reproducible)", "Not Solved (Too Costly)",
                              "Closed/Resolved by Caller")}  # fmt: skip
CHOICES = {"state": STATES, "hold_reason": HOLD_REASONS, "impact": LEVELS, "urgency": LEVELS,
           "priority": PRIORITIES, "close_code": CLOSE_CODES}  # fmt: skip
#: impact × urgency → priority, ServiceNow's default priority lookup ❓
LOOKUP = {("1", "1"): "1", ("1", "2"): "2", ("2", "1"): "2", ("1", "3"): "3", ("2", "2"): "3",
          ("3", "1"): "3", ("2", "3"): "4", ("3", "2"): "4", ("3", "3"): "5"}  # fmt: skip
#: priority → (response, resolution) SLA hours
SLA_HOURS = {"1": (0.25, 4), "2": (1, 8), "3": (4, 24), "4": (8, 72), "5": (24, 120)}
REFERENCES = {"company": "core_company", "assignment_group": "sys_user_group",
              "assigned_to": "sys_user", "task": "incident", "sla": "contract_sla",
              "element_id": "incident", "caller_id": "sys_user", "user": "sys_user",
              "role": "sys_user_role", "parent_incident": "incident"}  # fmt: skip
GROUPS = ["Service Desk", "NOC", "Network L2", "Server L3", "Engineering"]
INCIDENT_FIELDS = (
    "sys_id", "number", "short_description", "description", "state", "hold_reason", "impact",
    "urgency", "priority", "company", "assignment_group", "assigned_to", "caller_id",
    "opened_at", "sys_created_on", "sys_updated_on", "sys_mod_count", "resolved_at",
    "closed_at", "close_code", "close_notes", "active", "work_notes", "comments", "category",
    "parent_incident",
)  # fmt: skip
WRITABLE = {"short_description", "description", "state", "hold_reason", "impact", "urgency",
            "assignment_group", "assigned_to", "close_code", "close_notes", "work_notes",
            "comments", "category", "parent_incident"}  # fmt: skip
#: a parent's state (and hold reason) its children follow, per the docs' table
FOLLOWED = {("2", ""), ("3", "3"), ("3", "4"), ("3", "5"), ("6", "")}
_TERM = re.compile(r"^([\w.]+?)(>=|<=|!=|>|<|=|IN)(.*)$", re.S)
_GS_DATE = re.compile(r"javascript:gs\.dateGenerate\('(\d{4}-\d\d-\d\d)','(\d\d:\d\d:\d\d)'\)")


def sn_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime(FORMAT)


def sys_id() -> str:
    return secrets.token_hex(16)


def error(message: str, detail: str = "") -> dict[str, Any]:
    return {"error": {"message": message, "detail": detail}, "status": "failure"}


class FakeServiceNow(HttpFake):
    def __init__(self, user: str = "noc.api", password: str = "pa55", client_id: str = "noc-app",
                 client_secret: str = "c1ient", time_zone: str = "Europe/Amsterdam",
                 token_lifetime: float = 1800, now: datetime | None = None,
                 client_credentials: bool = False) -> None:  # fmt: skip
        super().__init__(now)
        self.user, self.password = user, password
        self.client_id, self.client_secret = client_id, client_secret
        self.token_lifetime = token_lifetime
        self.client_credentials = client_credentials
        self.tokens: dict[str, tuple[str, datetime]] = {}  # access token → (user, expiry)
        self.refresh_tokens: dict[str, str] = {}  # refresh token → user
        self.rate_limit_per_hour: int | None = None
        self.used: Counter[tuple[str, int]] = Counter()  # (user, hour) → requests
        self.sla_readable = True
        self.refuse_parents = False
        self.rng = random.Random(7)
        self.tables: dict[str, dict[str, dict[str, Any]]] = {
            name: {} for name in ("incident", "task_sla", "sys_journal_field", "sys_user",
                                  "sys_user_group", "core_company", "contract_sla",
                                  "sys_user_role", "sys_user_has_role")
        }  # fmt: skip
        api_user = self.add("sys_user", user_name=user, name="NOC API", time_zone=time_zone)
        roles = {name: self.add("sys_user_role", name=name) for name in ("itil", "admin")}
        self.add("sys_user_has_role", user=api_user["sys_id"], role=roles["itil"]["sys_id"])
        for login, name in MEMBERS:
            self.add("sys_user", user_name=login, name=name, time_zone="UTC")
        for group in GROUPS:
            self.add("sys_user_group", name=group, active="true")
        for _, name in COMPANIES:
            self.add("core_company", name=name)
        self.slas = {target: self.add("contract_sla", name=f"Priority {target}", target=target)
                     for target in ("response", "resolution")}  # fmt: skip
        self.writes: list[tuple[str, dict[str, Any]]] = []  # (sys_id, body) of PATCHes
        self.numbers = 10000

    # ------------------------------------------------------------ data for tests
    @property
    def time_zone(self) -> ZoneInfo:
        (user,) = [u for u in self.tables["sys_user"].values() if u["user_name"] == self.user]
        return ZoneInfo(user["time_zone"])

    def add(self, table: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            record = {"sys_id": sys_id(), **fields}
            self.tables[table][record["sys_id"]] = record
            return record

    def find(self, table: str, **match: Any) -> dict[str, Any]:
        with self.lock:
            found = [r for r in self.tables[table].values()
                     if all(r.get(k) == v for k, v in match.items())]  # fmt: skip
            assert len(found) == 1, (table, match, len(found))
            return found[0]

    def named(self, table: str, name: str) -> str:
        return str(self.find(table, name=name)["sys_id"])

    def incident(self, number: str) -> dict[str, Any]:
        return self.find("incident", number=number)

    def seed(self, count: int, seed: int = 1) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        companies = [name for _, name in COMPANIES]
        return [self.add_incident(
            rng.choice(SUMMARIES).format(n=rng.randrange(1, 99)),
            created=self.now - timedelta(minutes=rng.randrange(5, 60 * 24 * 14)),
            state=rng.choice(["1", "2", "3", "6"]), impact=rng.choice("123"),
            urgency=rng.choice("123"), company=rng.choice(companies),
            group=rng.choice(["Service Desk", "NOC", "Network L2"]),
            assignee=rng.choice([None, *(n for _, n in MEMBERS)]),
        ) for _ in range(count)]  # fmt: skip

    def add_incident(self, summary: str = "Server offline", *, created: datetime | None = None,
                     state: str = "1", impact: str = "2", urgency: str = "2",
                     company: str | None = "Acme Corp", group: str | None = "Service Desk",
                     assignee: str | None = None,
                     hold_reason: str = "") -> dict[str, Any]:  # fmt: skip
        with self.lock:
            created = created or self.now
            self.numbers += 1
            incident = self.add(
                "incident", number=f"INC{self.numbers:07d}", short_description=summary,
                description=f"{summary}. Raised by monitoring.", state=state,
                hold_reason=hold_reason if state == "3" else "", impact=impact, urgency=urgency,
                priority=LOOKUP[(impact, urgency)],
                company=self.named("core_company", company) if company else "",
                assignment_group=self.named("sys_user_group", group) if group else "",
                assigned_to=self.find("sys_user", name=assignee)["sys_id"] if assignee else "",
                caller_id="", opened_at=sn_time(created), sys_created_on=sn_time(created),
                sys_updated_on=sn_time(created), sys_mod_count="0", resolved_at="",
                closed_at="", close_code="", close_notes="", category="network",
                active="true" if state in ("1", "2", "3") else "false", work_notes="",
                comments="", parent_incident="",
            )  # fmt: skip
            if state in ("6", "7"):
                incident.update(resolved_at=sn_time(created), close_code="Solved (Permanently)",
                                close_notes="Fixed")  # fmt: skip
            response, resolution = SLA_HOURS[incident["priority"]]
            for target, hours in (("response", response), ("resolution", resolution)):
                due = created + timedelta(hours=hours)
                self.add("task_sla", task=incident["sys_id"], sla=self.slas[target]["sys_id"],
                         stage="in_progress", planned_end_time=sn_time(due),
                         has_breached="true" if due < self.now else "false",
                         sys_updated_on=sn_time(created))  # fmt: skip
            return incident

    def update_incident(self, number: str, **fields: Any) -> dict[str, Any]:
        """Someone edits the incident in ServiceNow: `sys_updated_on` and
        `sys_mod_count` move."""
        with self.lock:
            incident = self.incident(number)
            incident.update(fields)
            self._touch(incident)
            return incident

    def children(self, number: str) -> list[str]:
        """The numbers of the incidents whose parent is `number`, in number order."""
        parent = self.incident(number)["sys_id"]
        return sorted(r["number"] for r in self.tables["incident"].values()
                      if r.get("parent_incident") == parent)  # fmt: skip

    def sla(self, number: str, target: str) -> dict[str, Any]:
        incident = self.incident(number)
        return self.find("task_sla", task=incident["sys_id"], sla=self.slas[target]["sys_id"])

    def journal(self, number: str) -> list[dict[str, Any]]:
        incident = self.incident(number)
        return [j for j in self.tables["sys_journal_field"].values()
                if j["element_id"] == incident["sys_id"]]  # fmt: skip

    # ------------------------------------------------------------ requests
    def fault_body(self, status: int) -> Any:
        if status == 429:
            return error("Rate limit exceeded", "Too many requests")
        return error(f"HTTP {status}", "Injected failure")

    def route(self, request: Request) -> Reply:
        if request.path == "/oauth_token.do" and request.method == "POST":
            return self._grant(request)
        if not request.path.startswith("/api/now/"):
            return Reply(404, b"<html><body>Not found</body></html>")
        user = self._user(request)
        if user is None:
            return Reply(401, error("User Not Authenticated",
                                    "Required to provide Auth information"))  # fmt: skip
        limits = self._rate(user)
        if isinstance(limits, Reply):
            return limits
        reply = self._api(request)
        reply.headers.update(limits)
        return reply

    def _user(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return user if (user, password) == (self.user, self.password) else None
        if header.startswith("Bearer "):
            user, expiry = self.tokens.get(header[7:], ("", self.now))
            return user if expiry > self.now else None
        return None

    def _rate(self, user: str) -> dict[str, str] | Reply:
        if self.rate_limit_per_hour is None:
            return {}
        hour = int(self.now.timestamp()) // 3600
        self.used[user, hour] += 1
        reset = (hour + 1) * 3600
        headers = {"X-RateLimit-Limit": str(self.rate_limit_per_hour),
                   "X-RateLimit-Reset": str(reset), "X-RateLimit-Rule": "b6a5f6e7"}  # fmt: skip
        if self.used[user, hour] > self.rate_limit_per_hour:
            wait = reset - int(self.now.timestamp())
            return Reply(429, error("Rate limit exceeded", f"{user} exceeded the rule"),
                         {**headers, "Retry-After": str(wait)})  # fmt: skip
        return headers

    def _grant(self, request: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        refused = Reply(401, {"error_description": "access_denied", "error": "server_error"})
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id,
                                                                  self.client_secret):  # fmt: skip
            return refused
        grant = form.get("grant_type")
        if grant == "password":
            if (form.get("username"), form.get("password")) != (self.user, self.password):
                return refused
            user = self.user
        elif grant == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            user = self.refresh_tokens[form["refresh_token"]]
        elif grant == "client_credentials" and self.client_credentials:
            user = self.user
        else:
            return refused
        token, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.tokens[token] = (user, self.now + timedelta(seconds=self.token_lifetime))
        self.refresh_tokens[refresh] = user
        return Reply(200, {"access_token": token, "refresh_token": refresh,
                           "scope": "useraccount", "token_type": "Bearer",
                           "expires_in": int(self.token_lifetime)})  # fmt: skip

    def _api(self, request: Request) -> Reply:
        parts = request.path.removeprefix("/api/now/").removeprefix("v2/").split("/")
        if parts[:1] != ["table"] or len(parts) not in (2, 3):
            return Reply(400, error("Requested URI does not represent any resource"))
        table = parts[1]
        if table not in self.tables or (table == "contract_sla" and request.method != "GET"):
            return Reply(400, error("Invalid table " + table))
        if table == "task_sla" and not self.sla_readable:
            return Reply(403, error("Operation Failed", "ACL Exception: read access to task_sla "
                                    "denied"))  # fmt: skip
        if request.method == "GET" and len(parts) == 2:
            return self._listing(request, table)
        record = self.tables[table].get(parts[2]) if len(parts) == 3 else None
        if record is None:
            return Reply(404, error("No Record found", "Record doesn't exist or ACL restricts "
                                    "the record retrieval"))  # fmt: skip
        if request.method == "GET":
            return Reply(200, {"result": self._shown(request, table, record)})
        if request.method in ("PATCH", "PUT") and table == "incident":
            return self._update(request, record)
        return Reply(405, error("Method not Supported", f"{request.method} {request.path}"))

    # ------------------------------------------------------------ reading
    def _listing(self, request: Request, table: str) -> Reply:
        rows = list(self.tables[table].values())
        order: list[tuple[str, bool]] = []
        for term in (request.arg("sysparm_query") or "").split("^"):
            if term.startswith("ORDERBYDESC"):
                order.append((term[11:], True))
            elif term.startswith("ORDERBY"):
                order.append((term[7:], False))
            elif term:
                rows = self._where(table, rows, term)
        for name, descending in reversed(order):
            rows.sort(key=lambda r: str(self._path(table, r, name) or ""), reverse=descending)
        total = len(rows)
        limit = min(int(request.arg("sysparm_limit") or MAX_LIMIT), MAX_LIMIT)
        offset = int(request.arg("sysparm_offset") or 0)
        chunk = rows[offset : offset + limit]
        headers = {"X-Total-Count": str(total)}
        if total > limit:
            headers["Link"] = self._links(request, offset, limit, total)
        return Reply(200, {"result": [self._shown(request, table, r) for r in chunk]}, headers)

    def _links(self, request: Request, offset: int, limit: int, total: int) -> str:
        def link(at: int, rel: str) -> str:
            query = {k: v[0] for k, v in request.query.items()}
            query.update(sysparm_offset=str(at), sysparm_limit=str(limit))
            return f'<{self.url}{request.path}?{urlencode(query)}>;rel="{rel}"'

        last = (total - 1) // limit * limit
        rels = [link(0, "first")]
        if offset > 0:
            rels.append(link(max(offset - limit, 0), "prev"))
        if offset + limit < total:
            rels.append(link(offset + limit, "next"))
        rels.append(link(last, "last"))
        return ",".join(rels)

    def _where(self, table: str, rows: list[dict[str, Any]], term: str) -> list[dict[str, Any]]:
        match = _TERM.match(term)
        if not match:
            return rows  # an invalid part of a query is ignored ✅
        name, op, raw = match.groups()
        if not self._known(table, name):
            return rows
        date = _GS_DATE.fullmatch(raw)
        if date:  # gs.dateGenerate: the API user's wall time
            local = datetime.fromisoformat(f"{date[1]}T{date[2]}").replace(tzinfo=self.time_zone)
            raw = sn_time(local)
        values = set(raw.split(","))

        def keep(row: dict[str, Any]) -> bool:
            have = str(self._path(table, row, name) or "")
            return {"=": have == raw, "!=": have != raw, ">": have > raw, ">=": have >= raw,
                    "<": have < raw, "<=": have <= raw, "IN": have in values}[op]  # fmt: skip

        return [r for r in rows if keep(r)]

    def _known(self, table: str, name: str) -> bool:
        head, _, rest = name.partition(".")
        sample = next(iter(self.tables[table].values()), {})
        if head not in sample and not (table == "incident" and head in INCIDENT_FIELDS):
            return False
        return not rest or head in REFERENCES

    def _path(self, table: str, row: dict[str, Any], name: str) -> Any:
        head, _, rest = name.partition(".")
        if not rest:
            return row.get(head)
        target = self.tables[REFERENCES[head]].get(str(row.get(head)))
        return self._path(REFERENCES[head], target, rest) if target else None

    def _shown(self, request: Request, table: str, row: dict[str, Any]) -> dict[str, Any]:
        mode = request.arg("sysparm_display_value") or "false"
        links = request.arg("sysparm_exclude_reference_link") != "true"
        wanted = [f for f in (request.arg("sysparm_fields") or "").split(",") if f]
        shown: dict[str, Any] = {}
        for name in wanted or list(row):
            value = self._path(table, row, name)
            value = "" if value is None else str(value)
            head = name.split(".")[-1] if "." in name else name
            label = self._label(table if "." not in name else "", head, value)
            if mode == "all":
                shown[name] = {"display_value": label, "value": value}
                if links and head in REFERENCES and value and "." not in name:
                    shown[name]["link"] = f"{self.url}/api/now/table/{REFERENCES[head]}/{value}"
            else:
                shown[name] = label if mode == "true" else value
        return shown

    def _label(self, table: str, name: str, value: str) -> str:
        if name in CHOICES:
            return CHOICES[name].get(value, value)
        if name in REFERENCES and table != "":
            target = self.tables[REFERENCES[name]].get(value)
            return str(target.get("name") or target.get("number") or "") if target else ""
        if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", value):
            when = datetime.strptime(value, FORMAT).replace(tzinfo=UTC)
            return when.astimezone(self.time_zone).strftime(FORMAT)
        return value

    # ------------------------------------------------------------ writing
    def _update(self, request: Request, incident: dict[str, Any]) -> Reply:
        body = request.json()
        if not isinstance(body, dict):
            return Reply(400, error("Exception while reading request",
                                    "The payload is not valid JSON."))  # fmt: skip
        labels = request.arg("sysparm_input_display_value") == "true"
        changes: dict[str, str] = {}
        for name, given in body.items():
            if name not in WRITABLE:
                continue  # ServiceNow ignores fields it does not know ❓
            value = str(given)
            if labels and name in CHOICES and value:
                found = [k for k, label in CHOICES[name].items() if label == value]
                if not found:
                    return Reply(400, error("Invalid value", f"{name}: no choice {value!r}"))
                value = found[0]
            elif labels and name in REFERENCES and value:
                table = REFERENCES[name]
                found = [r["sys_id"] for r in self.tables[table].values() if r.get("name") == value]
                if not found:
                    return Reply(400, error("Invalid value", f"{name}: no {table} {value!r}"))
                value = found[0]
            changes[name] = value
        after = {**incident, **changes}
        if after["state"] in ("6", "7") and not (after["close_code"] and after["close_notes"]):
            policy = "Data Policy Exception: The following fields are mandatory: Resolution " \
                "code, Resolution notes"  # fmt: skip
            return Reply(403, error("Operation Failed", policy))
        parent = changes.get("parent_incident")
        if parent is not None and (self.refuse_parents or parent == incident["sys_id"]):
            return Reply(403, error("Operation Failed", "Invalid update: the parent incident "
                                    "cannot be set"))  # fmt: skip
        for element in ("work_notes", "comments"):
            text = changes.pop(element, "")
            if text:
                self.add("sys_journal_field", element_id=incident["sys_id"], element=element,
                         name="incident", value=text, sys_created_on=sn_time(self.now))  # fmt: skip
        old_state = incident["state"]
        incident.update(changes)
        if "impact" in changes or "urgency" in changes:
            incident["priority"] = LOOKUP[(incident["impact"], incident["urgency"])]
        if incident["state"] != "3":
            incident["hold_reason"] = ""
        if incident["state"] != old_state:
            closed = incident["state"] in ("6", "7", "8")
            incident["active"] = "false" if closed else "true"
            incident["resolved_at"] = sn_time(self.now) if closed else ""
        self._touch(incident)
        if incident["state"] != old_state:
            self._children_follow(incident)
        self.writes.append((incident["sys_id"], body))
        return Reply(200, {"result": self._shown(request, "incident", incident)})

    def _children_follow(self, parent: dict[str, Any]) -> None:
        """ServiceNow's parent–child state synchronisation (the docs' table)."""
        if (parent["state"], parent["hold_reason"]) not in FOLLOWED:
            return
        for child in list(self.tables["incident"].values()):
            if child.get("parent_incident") != parent["sys_id"] or child["state"] in ("7", "8"):
                continue
            child.update(state=parent["state"], hold_reason=parent["hold_reason"])
            resolved = parent["state"] == "6"
            child["active"] = "false" if resolved else "true"
            child["resolved_at"] = sn_time(self.now) if resolved else ""
            if resolved:
                child.update(close_code=parent["close_code"], close_notes=parent["close_notes"])
                self.add("sys_journal_field", element_id=child["sys_id"], element="work_notes",
                         name="incident", value=f"Resolved by parent incident "
                         f"{parent['number']}: {parent['close_notes']}",
                         sys_created_on=sn_time(self.now))  # fmt: skip
            self._touch(child)

    def _touch(self, incident: dict[str, Any]) -> None:
        incident["sys_updated_on"] = sn_time(self.now)
        incident["sys_mod_count"] = str(int(incident["sys_mod_count"]) + 1)
