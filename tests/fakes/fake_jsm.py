"""A fake Jira Service Management Cloud (REST v3 + servicedeskapi) over real HTTP on 127.0.0.1.

Imitates (✅ Atlassian's documentation or typed models of its OpenAPI, 🔧 a client that
talks to the real API, ❓ not verified — shared/reference/psa_apis.md §5):
- Basic auth `email:api_token` ✅; anything else → 401 `{"errorMessages": [...]}` ❓.
- `GET /rest/api/3/search/jql?jql=&fields=&maxResults=&nextPageToken=` ✅ → `{"issues",
  "nextPageToken"?, "isLast"}` (`isLast` ❓); only `id` per issue unless `fields` asks ✅;
  no total ✅; `maxResults` capped at `max_results` (100 here; the real cap ❓); the token
  is opaque and names the query it came from (another query's token → 400 ❓). The
  legacy `GET /rest/api/3/search` answers **410** with the removal message ✅.
- JQL, a subset: clauses joined by AND (parentheses group; no OR) —
  `updated >= "yyyy-MM-dd HH:mm"` (also `>`, `<`, `<=`; minute precision, read in the
  API user's time zone `user_zone` ❓),
  `statusCategory = Done` / `!= Done`, `project = KEY` / `project in (A, B)` — then
  `ORDER BY updated|key|created [ASC|DESC]`; anything else → 400 "Error in the JQL
  Query" ❓ wording.
- Issue JSON: `id`, `key`, `fields.summary/description (ADF)/status {name, statusCategory
  {key}}/priority {name}/assignee {accountId, displayName}/created/updated/
  resolutiondate/project {key}` with Jira's `2026-11-25T14:00:00.000+0000` times ❓;
  Organizations as custom field `customfield_10002` (a list of `{id, name}`) ❓ id per
  site; a select `customfield_10100` (`{"value"}`) for the tier ❓.
- `GET /rest/servicedeskapi/request/{key}/sla` ✅ → paged `{size, start, limit,
  isLastPage, values}`; each `{id, name, ongoingCycle?, completedCycles}` with
  `breachTime`/`startTime`/`stopTime` as `{iso8601, jira, friendly, epochMillis}`,
  `paused`, `breached`, `goalDuration {millis, friendly}` ✅. "Time to first response"
  completes at the first transition out of the new category or the first public
  comment; "Time to resolution" when the issue is done; both pause while "Waiting for
  customer" (the real conditions are per service desk ❓).
- Write-back (❓ not verified against a tenant, shapes from the REST v3 reference):
  `GET/POST /rest/api/3/issue/{key}/transitions` (`{"transitions": [{id, name, to}]}`;
  ids differ per current status, so only names are stable), `PUT …/assignee
  {"accountId"}`, `GET /rest/api/3/user/assignable/search?issueKey&query`, `PUT
  /rest/api/3/issue/{key} {"fields": {"priority": {"name"}}}` and the tier select,
  `GET/POST …/comment` with an ADF body (anything but `{"type": "doc", "version": 1,
  "content": [...]}` → 400) and the `sd.public.comment` property `{"internal": bool}` ✅.
  Each write moves `updated`; kept in `writes`.
- Issue links: `GET /rest/api/3/issueLinkType` → `{"issueLinkTypes": [{id, name, inward,
  outward, self}]}` with Jira's default types Blocks, Cloners, Duplicate, Relates ✅
  (the names, Atlassian's "Configure issue linking"; the ids ❓ per site; JSM projects
  may add more — not modelled); `POST /rest/api/3/issueLink` with `{"type": {"name"|"id"},
  "inwardIssue": {"key"}, "outwardIssue": {"key"}}` → **201 with no body** ✅; a
  request that duplicates a link answers 201 and adds nothing ✅ (REST v3 reference);
  an issue or a link type that does not exist → 404, issue linking disabled (`linking`)
  → 404 ✅ statuses, ❓ wording; an issue linked to itself → 400 ❓. The links show in
  both issues' `issuelinks` field (`{id, type, inwardIssue | outwardIssue}`: the other
  issue, `{id, key, fields: {summary, status}}`) ✅ shape; a link moves neither issue's
  `updated` ❓.
- `GET /rest/api/3/serverInfo` (no auth needed ❓), `/myself`, `/status`, `/priority`,
  `/mypermissions?permissions=` (`{"permissions": {KEY: {"havePermission"}}}` ✅ shape),
  `/rest/servicedeskapi/organization?start&limit` (paged like the SLA DTO ✅).
- 429 with `Retry-After` (and `X-RateLimit-*`) only when injected ✅ shape, limits
  unpublished.

Simplifies: one service desk and project, no request types, no customers or approvals,
no changelog, no `expand`, no `reconcileIssues`, no eventual consistency.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from noc_console.connectors.jira_service_management.adf import adf_doc
from tests.fakes.http_fake import HttpFake, Reply, Request, running
from tests.fakes.vendor_seed import COMPANIES, MEMBERS, SUMMARIES

#: status → its category key (new, indeterminate, done)
STATUSES = {"Waiting for support": "new", "In Progress": "indeterminate",
            "Waiting for customer": "indeterminate", "Pending": "indeterminate",
            "Escalated": "indeterminate", "Resolved": "done", "Closed": "done",
            "Canceled": "done"}  # fmt: skip
#: transition name → the status it leads to (offered from every other status)
TRANSITIONS = {"Back to support": "Waiting for support", "Start progress": "In Progress",
               "Respond to customer": "Waiting for customer", "Pending": "Pending",
               "Escalate": "Escalated", "Resolve this issue": "Resolved",
               "Close": "Closed"}  # fmt: skip
#: priority → (id, response goal hours, resolution goal hours)
PRIORITIES = {"Highest": ("1", 0.5, 4), "High": ("2", 1, 8), "Medium": ("3", 4, 24),
              "Low": ("4", 8, 72), "Lowest": ("5", 24, 120)}  # fmt: skip
#: Jira's default issue link types: name → (id, inward, outward)
LINK_TYPES = {"Blocks": ("10000", "is blocked by", "blocks"),
              "Cloners": ("10001", "is cloned by", "clones"),
              "Duplicate": ("10002", "is duplicated by", "duplicates"),
              "Relates": ("10003", "relates to", "relates to")}  # fmt: skip
ORG_FIELD, TIER_FIELD = "customfield_10002", "customfield_10100"
TIERS = ["Service Desk", "NOC L2", "Network L3", "Engineering"]
PAUSING = {"Waiting for customer"}
RESPONSE, RESOLUTION = "Time to first response", "Time to resolution"
CLAUSE = re.compile(
    r'\s*(?:(?P<field>updated|created)\s*(?P<op>>=|<=|>|<)\s*"(?P<when>[^"]+)"'
    r"|statusCategory\s*(?P<cat_op>!=|=)\s*(?P<cat>\w+)"
    r"|project\s*(?:=\s*(?P<project>[\w-]+)|in\s*\((?P<projects>[^)]*)\)))\s*$",
    re.IGNORECASE,
)


def jira_time(when: datetime) -> str:
    """Jira's REST time: milliseconds and an offset without a colon."""
    return (
        when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}+0000"
    )


def sla_time(when: datetime) -> dict[str, Any]:
    return {"iso8601": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "jira": jira_time(when), "friendly": when.strftime("%d/%b/%y %I:%M %p"),
            "epochMillis": int(when.timestamp() * 1000)}  # fmt: skip


class FakeJsm(HttpFake):
    def __init__(self, email: str = "noc@example.com", token: str = "jsm-token",
                 max_results: int = 100, user_zone: str = "UTC",
                 now: datetime | None = None) -> None:  # fmt: skip
        super().__init__(now)
        self.email, self.token = email, token
        self.statuses = dict(STATUSES)  # the site's statuses (tests add their own)
        self.max_results = max_results
        self.user_zone = ZoneInfo(user_zone)
        self.organizations = {str(10 + i): name for i, (_, name) in enumerate(COMPANIES)}
        self.users = {f"5b10ac8d82e05b22cc7d{i:04d}": name for i, (_, name) in enumerate(MEMBERS)}
        self.issues: dict[str, dict[str, Any]] = {}  # key → issue (times as datetimes)
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.writes: list[tuple[str, str, Any]] = []
        self._tokens: dict[str, tuple[str, int]] = {}
        self.denied: set[str] = set()  # permissions /mypermissions says the user lacks
        self.link_types = dict(LINK_TYPES)
        self.links: list[dict[str, str]] = []  # {id, type (name), outward, inward} (keys)
        self.linking = True  # the site's "Issue linking" setting

    # ------------------------------------------------------------ data for tests
    def seed(self, count: int, seed: int = 1) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        statuses = list(self.statuses)
        return [self.add_issue(
            rng.choice(SUMMARIES).format(n=rng.randrange(1, 99)),
            created=self.now - timedelta(minutes=rng.randrange(5, 60 * 24 * 14)),
            status=rng.choice(statuses), priority=rng.choice(list(PRIORITIES)),
            organization=rng.choice(list(self.organizations.values())),
            assignee=rng.choice([None, *self.users.values()]), tier=rng.choice(TIERS),
        ) for _ in range(count)]  # fmt: skip

    def add_issue(
        self,
        summary: str = "Server offline",
        *,
        created: datetime | None = None,
        status: str = "Waiting for support",
        priority: str = "Medium",
        organization: str | None = "Acme Corp",
        assignee: str | None = None,
        tier: str | None = "Service Desk",
        project: str = "NOC",
    ) -> dict[str, Any]:
        with self.lock:
            number = len(self.issues) + 1
            created = created or self.now
            key = f"{project}-{number}"
            issue = {"id": str(10000 + number), "key": key, "summary": summary,
                     "description": f"{summary} (raised by monitoring)", "status": status,
                     "priority": priority, "organization": organization,
                     "assignee": self._account(assignee) if assignee else None, "tier": tier,
                     "project": project, "created": created, "updated": created,
                     "resolved": created if self.statuses[status] == "done" else None,
                     "responded": None if self.statuses[status] == "new" else created,
                     "paused_since": None}  # fmt: skip
            self.issues[key] = issue
            self.comments[key] = []
            return issue

    def update_issue(self, key: str, **fields: Any) -> dict[str, Any]:
        """Someone edits the issue in Jira: `updated` moves."""
        with self.lock:
            issue = self.issues[key]
            if "assignee" in fields and fields["assignee"] is not None:
                fields["assignee"] = self._account(fields["assignee"])
            issue.update(fields)
            issue["updated"] = self.now
            return issue

    def delete_organization(self, name: str) -> None:
        """The organisation goes; issues keep nothing of it (Jira drops the value ❓)."""
        with self.lock:
            for issue in self.issues.values():
                if issue["organization"] == name:
                    issue["organization"] = None
            self.organizations = {k: v for k, v in self.organizations.items() if v != name}

    # ------------------------------------------------------------ HTTP
    def fault_body(self, status: int) -> Any:
        return {"errorMessages": [f"HTTP {status} from the fake"], "errors": {}}

    def route(self, request: Request) -> Reply:
        path = request.path
        if path == "/rest/api/3/serverInfo":
            return Reply(200, {"baseUrl": self.url, "version": "1001.0.0-SNAPSHOT",
                               "deploymentType": "Cloud"})  # fmt: skip
        if not self._authorised(request):
            return Reply(
                401,
                {
                    "errorMessages": [
                        "You are not authenticated. Authentication "
                        "required to perform this operation."
                    ]
                },
            )
        if path == "/rest/api/3/search" or path == "/rest/api/2/search":
            return Reply(410, {"errorMessages": ["The requested API has been removed. Please "
                                                 "migrate to the /rest/api/3/search/jql API. A "
                                                 "full migration guideline is available at "
                                                 "https://developer.atlassian.com/changelog/"
                                                 "#CHANGE-2046"], "errors": {}})  # fmt: skip
        if path == "/rest/api/3/search/jql":
            return self._search(request)
        if path == "/rest/api/3/myself":
            return Reply(200, {"accountId": "5b10ac8d82e05b22cc7dffff", "emailAddress":
                               self.email, "displayName": "NOC Console", "timeZone":
                               str(self.user_zone)})  # fmt: skip
        if path == "/rest/api/3/status":
            return Reply(200, [{"name": n, "statusCategory": {"key": c}}
                               for n, c in self.statuses.items()])  # fmt: skip
        if path == "/rest/api/3/priority":
            return Reply(200, [{"id": i, "name": n} for n, (i, _, _) in PRIORITIES.items()])
        if path == "/rest/api/3/mypermissions":
            wanted = (request.arg("permissions") or "").split(",")
            return Reply(200, {"permissions": {p: {"key": p, "havePermission": p not in
                                                   self.denied} for p in wanted if p}})  # fmt: skip
        if path == "/rest/api/3/issueLinkType":
            return Reply(200, {"issueLinkTypes": [
                {"id": i, "name": n, "inward": inward, "outward": outward,
                 "self": f"{self.url}/rest/api/3/issueLinkType/{i}"}
                for n, (i, inward, outward) in self.link_types.items()]})  # fmt: skip
        if path == "/rest/api/3/issueLink" and request.method == "POST":
            return self._link(request)
        if path == "/rest/servicedeskapi/organization":
            return self._organizations(request)
        if path == "/rest/api/3/user/assignable/search":
            return self._assignable(request)
        parts = path.strip("/").split("/")
        if parts[:4] == ["rest", "api", "3", "issue"] and len(parts) >= 5:
            issue = self.issues.get(parts[4])
            if issue is None:
                return Reply(
                    404,
                    {
                        "errorMessages": [
                            "Issue does not exist or you do not have permission to see it."
                        ],
                        "errors": {},
                    },
                )
            return self._issue_api(request, issue, parts[5:])
        if parts[:3] == ["rest", "servicedeskapi", "request"] and parts[4:] == ["sla"]:
            issue = self.issues.get(parts[3])
            if issue is None:
                return Reply(404, {"errorMessage": "The request could not be found."})
            values = self._slas(issue)
            return Reply(200, {"size": len(values), "start": 0, "limit": 50, "isLastPage": True,
                               "values": values, "_links": {}})  # fmt: skip
        return Reply(404, {"errorMessages": [f"No API at {path}"]})

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        return header == f"Basic {expected}"

    # ------------------------------------------------------------ search
    def _search(self, request: Request) -> Reply:
        jql = request.arg("jql") or ""
        try:
            matches, order = self._query(jql)
        except ValueError as exc:
            return Reply(400, {"errorMessages": [f"Error in the JQL Query: {exc}"], "errors": {}})
        size = min(int(request.arg("maxResults") or 50), self.max_results)
        offset = 0
        token = request.arg("nextPageToken")
        if token:
            found = self._tokens.get(token)
            if found is None or found[0] != jql:
                return Reply(400, {"errorMessages": ["The nextPageToken is invalid."]})
            offset = found[1]
        wanted = [f for f in (request.arg("fields") or "").split(",") if f]
        issues = sorted(matches, key=order[0], reverse=order[1])
        page = issues[offset : offset + size]
        body: dict[str, Any] = {"issues": [self._json(i, wanted) for i in page]}
        if offset + size < len(issues):
            token = base64.urlsafe_b64encode(
                f"{len(self._tokens)}:{offset + size}".encode()
            ).decode()
            self._tokens[token] = (jql, offset + size)
            body["nextPageToken"] = token
        body["isLast"] = "nextPageToken" not in body
        return Reply(200, body)

    def _query(self, jql: str) -> tuple[list[dict[str, Any]], tuple[Any, bool]]:
        parts = re.split(r"\s+ORDER\s+BY\s+", jql, maxsplit=1, flags=re.I)
        text, ordering = parts[0], parts[1] if len(parts) > 1 else ""
        field, _, direction = (ordering.strip() or "updated").partition(" ")
        if field.lower() not in ("updated", "created", "key"):
            raise ValueError(f"cannot order by {field!r}")
        name = field.lower()
        descending = direction.strip().upper() == "DESC"
        order: tuple[Any, bool] = (
            ((lambda i: int(i["id"])) if name == "key" else (lambda i: (i[name], int(i["id"])))),
            descending,
        )
        tests = [self._clause(c) for c in re.split(r"\s+AND\s+", text, flags=re.I) if c.strip()]
        return [i for i in self.issues.values() if all(t(i) for t in tests)], order

    def _clause(self, clause: str) -> Callable[[dict[str, Any]], bool]:
        clause = clause.strip().lstrip("(")  # grouping: (a AND b) AND c
        while clause.count(")") > clause.count("("):
            clause = clause[: clause.rindex(")")] + clause[clause.rindex(")") + 1 :]
        found = CLAUSE.match(clause)
        if found is None:
            raise ValueError(f"the clause {clause.strip()!r} is not supported by the fake")
        if found["field"]:
            when = datetime.strptime(found["when"], "%Y-%m-%d %H:%M").replace(tzinfo=self.user_zone)
            name, op = found["field"].lower(), found["op"]
            compare: Callable[[datetime], bool] = {
                ">=": lambda a: a >= when, ">": lambda a: a > when,
                "<": lambda a: a < when, "<=": lambda a: a <= when}[op]  # fmt: skip
            return lambda i: compare(i[name].replace(second=0, microsecond=0))
        if found["cat"]:
            done = found["cat"].lower() == "done"
            if found["cat_op"] == "=":
                return lambda i: (self.statuses[i["status"]] == "done") == done
            return lambda i: (self.statuses[i["status"]] == "done") != done
        projects = {found["project"]} if found["project"] else {
            p.strip().strip('"') for p in found["projects"].split(",")}  # fmt: skip
        return lambda i: i["project"] in projects

    def _json(self, issue: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
        full = self._fields(issue)
        out: dict[str, Any] = {"id": issue["id"]}
        if wanted:
            out["key"] = issue["key"]
            out["self"] = f"{self.url}/rest/api/3/issue/{issue['id']}"
            all_fields = "*all" in wanted
            out["fields"] = {k: v for k, v in full.items() if all_fields or k in wanted}
        return out

    def _fields(self, issue: dict[str, Any]) -> dict[str, Any]:
        org = issue["organization"]
        org_ids = [k for k, v in self.organizations.items() if v == org]
        return {
            "summary": issue["summary"],
            "description": adf_doc(issue["description"]),
            "status": {"name": issue["status"],
                       "statusCategory": {"key": self.statuses[issue["status"]]}},
            "priority": {"id": PRIORITIES[issue["priority"]][0], "name": issue["priority"]},
            "assignee": issue["assignee"],
            "created": jira_time(issue["created"]),
            "updated": jira_time(issue["updated"]),
            "resolutiondate": jira_time(issue["resolved"]) if issue["resolved"] else None,
            "project": {"key": issue["project"]},
            ORG_FIELD: [{"id": org_ids[0], "name": org}] if org and org_ids else [],
            TIER_FIELD: {"value": issue["tier"]} if issue["tier"] else None,
            "issuelinks": self._issuelinks(issue["key"]),
        }  # fmt: skip

    def _issuelinks(self, key: str) -> list[dict[str, Any]]:
        """The links of `key` as its `issuelinks` field shows them: each with the other
        issue, under `inwardIssue` on the link's outward issue and vice versa."""
        shown = []
        for link in self.links:
            if key not in (link["outward"], link["inward"]):
                continue
            side, other = (("inwardIssue", link["inward"]) if link["outward"] == key
                           else ("outwardIssue", link["outward"]))  # fmt: skip
            i, inward, outward = self.link_types.get(link["type"], ("0", "", ""))
            issue = self.issues[other]
            shown.append({"id": link["id"], "self": f"{self.url}/rest/api/3/issueLink/"
                          f"{link['id']}", "type": {"id": i, "name": link["type"],
                          "inward": inward, "outward": outward},
                          side: {"id": issue["id"], "key": other, "fields": {
                              "summary": issue["summary"],
                              "status": {"name": issue["status"]}}}})  # fmt: skip
        return shown

    def _link(self, request: Request) -> Reply:
        def refused(status: int, message: str) -> Reply:
            return Reply(status, {"errorMessages": [message], "errors": {}})

        if not self.linking:
            return refused(404, "Issue linking is disabled.")
        body = request.json() if isinstance(request.json(), dict) else {}
        kind = body.get("type") or {}
        name = next((n for n, (i, _, _) in self.link_types.items()
                     if kind.get("name") == n or kind.get("id") == i), None)  # fmt: skip
        if name is None:
            return refused(404, f"No issue link type with name '{kind.get('name')}' found.")
        keys = [((body.get(side) or {}).get("key")) for side in ("outwardIssue", "inwardIssue")]
        if any(k not in self.issues for k in keys):
            return refused(404, "Issue Does Not Exist")
        if keys[0] == keys[1]:
            return refused(400, "You cannot link an issue to itself.")
        link = {"type": name, "outward": str(keys[0]), "inward": str(keys[1])}
        if not any({k: v for k, v in ln.items() if k != "id"} == link for ln in self.links):
            self.links.append({"id": str(30000 + len(self.links)), **link})
            self.writes.append(("POST", request.path, body))
        return Reply(201, b"")

    # ------------------------------------------------------------ one issue
    def _issue_api(self, request: Request, issue: dict[str, Any], rest: list[str]) -> Reply:
        method, key = request.method, issue["key"]
        if not rest and method == "GET":
            wanted = [f for f in (request.arg("fields") or "*all").split(",") if f]
            return Reply(200, self._json(issue, wanted))
        if not rest and method == "PUT":
            return self._edit(issue, request.json())
        if rest == ["transitions"] and method == "GET":
            return Reply(200, {"transitions": self._transitions(issue)})
        if rest == ["transitions"] and method == "POST":
            asked = ((request.json() or {}).get("transition") or {}).get("id")
            found = next((t for t in self._transitions(issue) if t["id"] == asked), None)
            if found is None:
                return Reply(400, {"errorMessages": [f"Transition id '{asked}' is not valid for "
                                                     "this issue."], "errors": {}})  # fmt: skip
            self._move(issue, found["to"]["name"])
            self.writes.append((method, request.path, request.json()))
            return Reply(204, b"")
        if rest == ["assignee"] and method == "PUT":
            account = (request.json() or {}).get("accountId")
            if account is not None and account not in self.users:
                return Reply(400, {"errorMessages": [], "errors": {
                    "assignee": f"User '{account}' cannot be assigned issues."}})  # fmt: skip
            issue["assignee"] = None if account is None else self._account(self.users[account])
            return self._touched(issue, request)
        if rest == ["comment"] and method == "GET":
            comments = self.comments[key]
            return Reply(200, {"startAt": 0, "maxResults": 5000, "total": len(comments),
                               "comments": comments})  # fmt: skip
        if rest == ["comment"] and method == "POST":
            return self._comment(issue, request)
        return Reply(405, {"errorMessages": [f"{method} is not allowed here"]})

    def _edit(self, issue: dict[str, Any], body: Any) -> Reply:
        fields = (body or {}).get("fields") if isinstance(body, dict) else None
        if not isinstance(fields, dict) or not fields:
            return Reply(400, {"errorMessages": ["No fields to edit"], "errors": {}})
        for name, value in fields.items():
            if name == "priority":
                priority = (value or {}).get("name")
                if priority not in PRIORITIES:
                    return Reply(400, {"errorMessages": [], "errors": {
                        "priority": f"The priority selected is invalid: {priority}"}})  # fmt: skip
                issue["priority"] = priority
            elif name == TIER_FIELD:
                tier = (value or {}).get("value") if value is not None else None
                if tier is not None and tier not in TIERS:
                    return Reply(400, {"errorMessages": [], "errors": {
                        TIER_FIELD: f"Option value '{tier}' is not valid"}})  # fmt: skip
                issue["tier"] = tier
            else:
                return Reply(400, {"errorMessages": [], "errors": {
                    name: f"Field '{name}' cannot be set. It is not on the appropriate screen, "
                          "or unknown."}})  # fmt: skip
        issue["updated"] = self.now
        self.writes.append(("PUT", f"/rest/api/3/issue/{issue['key']}", body))
        return Reply(204, b"")

    def _transitions(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        here = list(self.statuses).index(issue["status"])
        return [{"id": str(11 + 10 * here + n), "name": name,
                 "to": {"name": to, "statusCategory": {"key": self.statuses[to]}}}
                for n, (name, to) in enumerate(TRANSITIONS.items())
                if to != issue["status"]]  # fmt: skip

    def _move(self, issue: dict[str, Any], status: str) -> None:
        before = issue["status"]
        if (
            self.statuses[before] == "new"
            and self.statuses[status] != "new"
            and not issue["responded"]
        ):
            issue["responded"] = self.now
        if status in PAUSING and before not in PAUSING:
            issue["paused_since"] = self.now
        if before in PAUSING and status not in PAUSING and issue["paused_since"] is not None:
            issue["created_shift"] = issue.get("created_shift", timedelta()) + (
                self.now - issue["paused_since"])  # fmt: skip
            issue["paused_since"] = None
        issue["status"] = status
        issue["resolved"] = self.now if self.statuses[status] == "done" else None
        issue["updated"] = self.now

    def _comment(self, issue: dict[str, Any], request: Request) -> Reply:
        body = request.json() or {}
        adf = body.get("body")
        if not (
            isinstance(adf, dict)
            and adf.get("type") == "doc"
            and adf.get("version") == 1
            and isinstance(adf.get("content"), list)
        ):
            return Reply(400, {"errorMessages": [], "errors": {
                "comment": "Comment body is not valid!"}})  # fmt: skip
        internal = False
        for prop in body.get("properties") or []:
            if isinstance(prop, dict) and prop.get("key") == "sd.public.comment":
                internal = bool((prop.get("value") or {}).get("internal"))
        comment = {"id": str(20000 + sum(len(c) for c in self.comments.values())),
                   "body": adf, "jsdPublic": not internal, "created": jira_time(self.now),
                   "properties": body.get("properties") or []}  # fmt: skip
        self.comments[issue["key"]].append(comment)
        if not internal and not issue["responded"]:
            issue["responded"] = self.now
        issue["updated"] = self.now
        self.writes.append(("POST", request.path, body))
        return Reply(201, comment)

    def _touched(self, issue: dict[str, Any], request: Request) -> Reply:
        issue["updated"] = self.now
        self.writes.append((request.method, request.path, request.json()))
        return Reply(204, b"")

    def _organizations(self, request: Request) -> Reply:
        start, limit = int(request.arg("start") or 0), min(int(request.arg("limit") or 50), 50)
        orgs = [{"id": k, "name": v} for k, v in self.organizations.items()]
        page = orgs[start : start + limit]
        return Reply(200, {"size": len(page), "start": start, "limit": limit,
                           "isLastPage": start + limit >= len(orgs), "values": page})  # fmt: skip

    def _assignable(self, request: Request) -> Reply:
        query = (request.arg("query") or "").lower()
        return Reply(200, [{"accountId": a, "displayName": n, "active": True}
                           for a, n in self.users.items() if query in n.lower()])  # fmt: skip

    def _account(self, name: str) -> dict[str, Any]:
        account = next((a for a, n in self.users.items() if n == name), None)
        if account is None:
            raise KeyError(f"no user {name!r} in the fake")
        return {"accountId": account, "displayName": name, "active": True}

    # ------------------------------------------------------------ SLA
    def _slas(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        _, respond, resolve = PRIORITIES[issue["priority"]]
        return [
            self._sla(1, RESPONSE, issue, timedelta(hours=respond), issue["responded"]),
            self._sla(2, RESOLUTION, issue, timedelta(hours=resolve), issue["resolved"]),
        ]

    def _sla(self, number: int, name: str, issue: dict[str, Any], goal: timedelta,
             stopped: datetime | None) -> dict[str, Any]:  # fmt: skip
        start = issue["created"]
        breach = start + goal + issue.get("created_shift", timedelta())
        goal_json = {"millis": int(goal.total_seconds() * 1000), "friendly": f"{goal}"}
        sla: dict[str, Any] = {"id": str(number), "name": name, "completedCycles": [],
                               "slaDisplayFormat": "NEW_SLA_FORMAT", "_links": {}}  # fmt: skip
        if stopped is not None:
            sla["completedCycles"] = [{"startTime": sla_time(start), "stopTime": sla_time(stopped),
                                       "breachTime": sla_time(breach), "breached": stopped > breach,
                                       "goalDuration": goal_json}]  # fmt: skip
            return sla
        paused = issue["paused_since"] is not None
        cycle: dict[str, Any] = {"startTime": sla_time(start), "breached": self.now > breach,
                                 "paused": paused, "withinCalendarHours": True,
                                 "goalDuration": goal_json}  # fmt: skip
        if not paused:  # a paused cycle has no breach time yet (it moves on resuming) ❓
            cycle["breachTime"] = sla_time(breach)
        sla["ongoingCycle"] = cycle
        return sla


@contextmanager
def seeded(issues: int = 30) -> Iterator[FakeJsm]:
    """A JSM fake with `issues` seeded issues (NOC-1 …), serving on 127.0.0.1."""
    fake = FakeJsm()
    fake.seed(issues)
    with running(fake) as server:
        yield server


def decoded(token: str) -> str:
    """A fake page token's text (for tests that check it is opaque to the client)."""
    return base64.urlsafe_b64decode(token.encode()).decode()
