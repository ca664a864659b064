"""A fake Autotask PSA (REST API v1.0) over real HTTP on 127.0.0.1.

Imitates (✅ vendor text, 🔧 a client that talks to the real API, ❓ unverified):
- Zone discovery: `GET /atservicesrest/v1.0/zoneInformation?user=` needs no auth ✅ and
  answers `{"zoneName", "url", "webUrl", "ci"}` (`url`/`webUrl` 🔧; the other names ❓);
  an unknown user → 500 🔧. Each zone is served under `/zone{N}/ATServicesRest/`;
  `move_zone()` moves the tenant, after which the old zone answers 401 — the signal on
  which django-autotask rediscovers its zone 🔧. Paths ignore case, as on the real API.
- Auth headers `ApiIntegrationCode`, `UserName`, `Secret` on every call ✅🔧; a wrong user
  name or secret → 401; right ones with a wrong integration code → 500 🔧 (apigrate/
  autotask-restapi#19: "valid credentials, but an invalid integration code, you'll get
  back an HTTP 500 status code, not a 401") with `{"errors": ["IntegrationCode is
  invalid."]}` (the words of Autotask's SOAP API, python-atws#64 🔧; the REST text ❓).
- `Tickets/query` by GET `?search={json}` and by POST, `query/count` → `{"queryCount": N}`
  🔧; filters as in at_query.py; a query needs at least one filter ❓ (clients always send
  `id gte 0`); `MaxRecords` 1–500, default 500; outside that range → 500 ❓ (the vendor
  states the range; what it does outside it is unverified — the fake refuses loudly).
  Results in id order as `{"items", "pageDetails": {"count", "requestCount",
  "prevPageUrl", "nextPageUrl"}}` 🔧; the page URLs are opaque GETs in the same zone.
  `IncludeFields` restricts fields (id always kept) ✅. `GET Tickets/{id}` → `{"item": …}`
  (`null` when absent) 🔧.
- Picklists as integers on tickets, labels only from `Tickets/entityInformation/fields`
  (`picklistValues` with string `value`s) 🔧; `picklists` is per tenant and mutable.
- Change markers: `lastActivityDate` (bumped by edits and notes) and
  `lastTrackedModificationDateTime` (bumped by edits of the ticket itself only ❓), UTC
  with milliseconds 🔧; due dates `firstResponseDueDateTime`, `resolvedDueDateTime` 🔧.
- Write-back: `PATCH /Tickets` with the id in the body → `{"itemId": id}` 🔧; picklist
  values checked; a resource needs its role ✅; status 5 (Complete) sets `completedDate`.
  `POST /Tickets/{id}/Notes` with title, description, noteType, publish → `{"itemId"}` 🔧.
  Every write is kept in `writes`. No ETag (none found) ❓.
- Errors `{"errors": ["…"]}` 🔧; `read_only=True` answers writes with the permission
  error as HTTP 500, as the real API does 🔧; a missing record on PATCH → 500 🔧.
- Limits: `hourly_limit` (default 10,000 ✅) requests per rolling hour of the fake clock
  for the whole tenant; past it → 429 with an `errors` message (the real status is ❓,
  clients assume 429; no Retry-After is documented, so none is sent). `thread_limit`
  (default 3 ✅) concurrent requests per integration code and entity; one more → 429 ❓.
  `latency` slows every request so tests can overlap them. `GET ThresholdInformation` →
  `{"externalRequestThreshold", "requestThresholdTimeframe", "currentTimeframeRequestCount"}`
  (first and last name 🔧/⚠️, the timeframe name ❓). zoneInformation is exempt ✅.

- `ResourceServiceDeskRoles` (resourceID, roleID, isDefault) say which role a resource
  takes on a ticket ✅ (entity exists; its default-role use is 🔧); `TicketNotes/
  entityInformation/fields` describes the note picklists `noteType` and `publish`
  (1 All Autotask Users, 2 Internal Users 🔧 django-autotask). Tickets carry
  `resolution` ✅ (Tickets entity page), which PATCH may set.
- Problem and incidents (the major incident's native link, docs/autotask.md): `ticketType`
  1 Service Request, 2 Incident, 3 Problem, 4 Change Request, 5 Alert (labels ✅ Autotask
  help; ids 🔧); an Incident names one Problem ticket in `problemTicketId` (so spelled in a
  recorded REST `Tickets/query` response 🔧; writable, `Set-AtwsTicket -ProblemTicketId`
  🔧), set by PATCH like any field; `incidents_of()` lists a problem's incidents. Refused
  with a 500: an id that is no ticket (the wording of a real REST refusal, "Value does not
  reference an existing entity for …" 🔧 WYRE-AI/autotask-mcp#46), the ticket itself, a
  problem that is not a Problem ticket, a Problem ticket as an incident, a ticket that is
  not an Incident (these four and their wording ❓). Completing a problem leaves its
  incidents as they are here (what Autotask does then is ❓).

Simplifies: no UDFs, no impersonation, no usage-based slow-down before the threshold,
Companies/Resources/TicketNotes/ResourceServiceDeskRoles are query-only, PUT and
DELETE are not served.

Sources: shared/reference/psa_apis.md §2 (autotask.net REST pages: Tickets entity, basic
and advanced query calls, thread limiting, thresholds; django-autotask `api_rest.py`;
apigrate/autotask-restapi README; n8n-nodes-autotask).
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections import Counter, deque
from datetime import datetime, timedelta
from typing import Any

from tests.fakes.at_query import QueryError, at_time, compile_filter
from tests.fakes.http_fake import HttpFake, Reply, Request
from tests.fakes.vendor_seed import COMPANIES, MEMBERS, SUMMARIES

MAX_RECORDS = 500
DENIED = "The logged in Resource does not have the adequate permissions to update this entity type."
PICKLISTS = {
    "status": {1: "New", 5: "Complete", 7: "Waiting Customer", 8: "In Progress", 13: "Escalate"},
    "priority": {1: "High", 2: "Medium", 3: "Low", 4: "Critical"},
    "queueID": {29682833: "Client Portal", 29683354: "Monitoring Alert", 29683481: "Level I"},
    "ticketType": {
        1: "Service Request",
        2: "Incident",
        3: "Problem",
        4: "Change Request",
        5: "Alert",
    },
    "source": {2: "Phone", 4: "Email", 8: "Monitoring Alert"},
    "noteType": {1: "Task Summary", 3: "Task Detail", 13: "Internal Notes"},
    "publish": {1: "All Autotask Users", 2: "Internal Users"},
}
#: Fields an entity has even while it holds no record (a query may name them: Autotask
#: knows its entities' fields, not just those of the records it happens to hold).
DECLARED_FIELDS = {"ticketnotes": ("id", "ticketID", "title", "description", "noteType",
                                   "publish", "createDateTime", "lastActivityDate")}  # fmt: skip
NOTE_FIELDS = ("noteType", "publish")  # the TicketNotes picklists the fake describes
RESPOND_HOURS = {4: 0.5, 1: 1, 2: 4, 3: 8}  # priority → first-response target
READ_ONLY = {"id", "ticketNumber", "createDate", "lastActivityDate",
             "lastTrackedModificationDateTime", "completedDate", "resolvedDateTime"}  # fmt: skip
ROLE = 29682885
INCIDENT, PROBLEM = 2, 3  # ticketType ids


def errors(status: int, *messages: str) -> Reply:
    return Reply(status, {"errors": list(messages)})


class FakeAutotask(HttpFake):
    def __init__(self, username: str = "noc-api@example.com", secret: str = "s3cret",
                 integration_code: str = "NOCCONSOLE7QF3JX2WZ5TRACKID", zone: int = 5,
                 now: datetime | None = None, hourly_limit: int = 10_000,
                 thread_limit: int = 3, latency: float = 0.0) -> None:  # fmt: skip
        super().__init__(now)
        self.username, self.secret, self.integration_code = username, secret, integration_code
        self.zone, self.hourly_limit, self.thread_limit = zone, hourly_limit, thread_limit
        self.latency, self.read_only = latency, False
        self.picklists = {name: dict(values) for name, values in PICKLISTS.items()}
        self.entities: dict[str, dict[int, dict[str, Any]]] = {
            "tickets": {}, "companies": {}, "resources": {}, "ticketnotes": {},
            "resourceservicedeskroles": {}}  # fmt: skip
        self.writes: list[tuple[str, str, Any]] = []
        self.window: deque[datetime] = deque()  # times of this hour's tenant requests
        self.in_flight: Counter[tuple[str, str]] = Counter()
        for i, (_, name) in enumerate(COMPANIES):
            self.add_company(name, company_id=174 + i)
        for i, (ident, name) in enumerate(MEMBERS):
            first, last = name.split()
            self.entities["resources"][29682900 + i] = {
                "id": 29682900 + i, "firstName": first, "lastName": last,
                "userName": ident, "email": f"{ident}@noc.example", "isActive": True}  # fmt: skip
            self.entities["resourceservicedeskroles"][500 + i] = {
                "id": 500 + i, "resourceID": 29682900 + i, "roleID": ROLE,
                "isDefault": True, "isActive": True}  # fmt: skip

    # ------------------------------------------------------------ data for tests
    @property
    def tickets(self) -> dict[int, dict[str, Any]]:
        return self.entities["tickets"]

    @property
    def notes(self) -> dict[int, dict[str, Any]]:
        return self.entities["ticketnotes"]

    @property
    def api_url(self) -> str:
        return f"{self.url}/zone{self.zone}/ATServicesRest/V1.0"

    def config_toml(self) -> str:
        """A console's config.toml for this tenant: connector "autotask", its secret in
        the keyring entry "autotask-test"."""
        return f"""
[[connectors]]
name = "autotask"
type = "autotask"
label = "Autotask — test"
base_url = "{self.url}/atservicesrest/v1.0"
allow_insecure_http = true  # the fake speaks plain http
username = "{self.username}"
integration_code = "{self.integration_code}"
secret = "autotask-test"
page_size = 500
"""

    def seed(self, count: int, seed: int = 1) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        made = []
        for _ in range(count):
            created = self.now - timedelta(minutes=rng.randrange(5, 60 * 24 * 14))
            made.append(self.add_ticket(
                title=rng.choice(SUMMARIES).format(n=rng.randrange(1, 99)), created=created,
                status=rng.choice(list(self.picklists["status"])),
                priority=rng.choice(list(self.picklists["priority"])),
                queueID=rng.choice(list(self.picklists["queueID"])),
                companyID=rng.choice(list(self.entities["companies"])),
                assignedResourceID=rng.choice([None, *self.entities["resources"]]),
                serviceLevelAgreementID=rng.choice([None, 1]),
            ))  # fmt: skip
        return made

    def add_ticket(self, title: str = "Server offline", created: datetime | None = None,
                   **fields: Any) -> dict[str, Any]:  # fmt: skip
        with self.lock:
            ticket_id = max(self.tickets, default=7000) + 1
            self.tickets[ticket_id] = self._build(ticket_id, title, created or self.now, fields)
            return self.tickets[ticket_id]

    @staticmethod
    def _build(
        ticket_id: int, title: str, created: datetime, fields: dict[str, Any]
    ) -> dict[str, Any]:
        sla = fields.get("serviceLevelAgreementID", 1)
        respond = timedelta(hours=RESPOND_HOURS.get(fields.get("priority", 2), 4))
        ticket: dict[str, Any] = {
                "id": ticket_id, "ticketNumber": f"T{created:%Y%m%d}.{ticket_id % 10000:04d}",
                "title": title, "description": "", "resolution": "", "companyID": 174,
                "contactID": None,
                "queueID": 29683354, "status": 1, "priority": 2, "ticketType": 5, "source": 8,
                "assignedResourceID": None, "assignedResourceRoleID": None,
                "createDate": at_time(created), "lastActivityDate": at_time(created),
                "lastTrackedModificationDateTime": at_time(created),
                "firstResponseDateTime": None, "resolvedDateTime": None, "completedDate": None,
                "serviceLevelAgreementID": sla, "serviceLevelAgreementHasBeenMet": None,
                "firstResponseDueDateTime": at_time(created + respond) if sla else None,
                "resolvedDueDateTime": at_time(created + 4 * respond) if sla else None,
                "problemTicketId": None, "userDefinedFields": [],
            }  # fmt: skip
        ticket.update(fields)
        if ticket["assignedResourceID"] is not None:
            ticket["assignedResourceRoleID"] = ticket["assignedResourceRoleID"] or ROLE
        return ticket

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        """Someone edits the ticket in Autotask: both change markers move."""
        with self.lock:
            ticket = self.tickets[ticket_id]
            ticket.update(fields)
            self._touch(ticket, tracked=True)
            return ticket

    def delete_ticket(self, ticket_id: int) -> None:
        with self.lock:
            del self.tickets[ticket_id]

    def add_company(self, name: str, company_id: int | None = None) -> dict[str, Any]:
        with self.lock:
            company_id = company_id or max(self.entities["companies"], default=173) + 1
            company = {"id": company_id, "companyName": name, "companyType": 1,
                       "isActive": True, "lastActivityDate": at_time(self.now)}  # fmt: skip
            self.entities["companies"][company_id] = company
            return company

    def delete_company(self, company_id: int) -> None:
        with self.lock:
            del self.entities["companies"][company_id]

    def move_zone(self, zone: int) -> None:
        with self.lock:
            self.zone = zone

    # ------------------------------------------------------------ requests
    def fault_body(self, status: int) -> Any:
        return {"errors": [f"HTTP {status}"]}

    def serve(self, request: Request) -> Reply:
        """Count threads per integration code and entity outside the lock, then route."""
        parts = request.path.lower().strip("/").split("/")
        if len(parts) < 4 or not parts[0].startswith("zone"):
            return super().serve(request)
        key = (request.headers.get("apiintegrationcode", ""), parts[3])
        with self.lock:
            if self.in_flight[key] >= self.thread_limit:
                return errors(429, f"Thread limit of {self.thread_limit} reached for {parts[3]}.")
            self.in_flight[key] += 1
        try:
            time.sleep(self.latency)
            return super().serve(request)
        finally:
            with self.lock:
                self.in_flight[key] -= 1

    def route(self, request: Request) -> Reply:
        parts = request.path.lower().strip("/").split("/")
        if parts == ["atservicesrest", "v1.0", "zoneinformation"]:
            if (request.arg("user") or "").lower() != self.username.lower():
                return errors(500, "Zone information could not be determined for this user.")
            zone = self.zone
            return Reply(200, {"zoneName": f"America East {zone}",
                               "url": f"{self.url}/zone{zone}/ATServicesRest/",
                               "webUrl": f"{self.url}/ww{zone}/", "ci": 20000 + zone})  # fmt: skip
        if len(parts) < 4 or parts[1:3] != ["atservicesrest", "v1.0"]:
            return errors(404, "Not found.")
        if parts[0] != f"zone{self.zone}" or not self._authorised(request):
            return errors(401, "Unauthorized.")  # a moved tenant looks unauthorised here
        if request.headers.get("apiintegrationcode") != self.integration_code:
            return errors(500, "IntegrationCode is invalid.")
        self.window.append(self.now)
        while self.window and self.window[0] <= self.now - timedelta(hours=1):
            self.window.popleft()
        if len(self.window) > self.hourly_limit:
            self.window.pop()  # refused requests do not count
            return errors(429, f"Request threshold of {self.hourly_limit} per hour exceeded.")
        return self._resource(request, parts[3:])

    def _authorised(self, request: Request) -> bool:
        """The API user and its secret (the integration code is checked after them)."""
        given = (request.headers.get(h) for h in ("username", "secret"))
        return list(given) == [self.username, self.secret]

    def _resource(self, request: Request, path: list[str]) -> Reply:
        method, entity = request.method, path[0]
        if path == ["thresholdinformation"]:
            return Reply(200, {"externalRequestThreshold": self.hourly_limit,
                               "requestThresholdTimeframe": 60,
                               "currentTimeframeRequestCount": len(self.window)})  # fmt: skip
        if entity not in self.entities:
            return errors(404, f"Entity {entity} not found.")
        rest = path[1:]
        if rest[:1] == ["query"]:
            try:
                return self._query(request, entity, rest[1:])
            except (QueryError, ValueError) as problem:
                return errors(500, str(problem))
        if entity == "tickets" and rest == ["entityinformation", "fields"]:
            return Reply(200, {"fields": self._fields_info()})
        if entity == "ticketnotes" and rest == ["entityinformation", "fields"]:
            return Reply(200, {"fields": [self._picklist_info(n) for n in NOTE_FIELDS]})
        if rest and rest[0].isdigit() and method == "GET" and len(rest) == 1:
            return Reply(200, {"item": self.entities[entity].get(int(rest[0]))})
        if entity != "tickets" or method not in ("PATCH", "POST"):
            return errors(405, f"{method} is not supported here.")
        if self.read_only:
            return errors(500, DENIED)
        if not rest and method == "PATCH":
            return self._patch(request)
        if len(rest) == 2 and rest[1] == "notes" and rest[0].isdigit() and method == "POST":
            return self._note(request, int(rest[0]))
        return errors(405, f"{method} is not supported here.")

    def _query(self, request: Request, entity: str, rest: list[str]) -> Reply:
        after, before = 0, None
        if rest == ["next"] or rest == ["prev"]:
            token = json.loads(base64.urlsafe_b64decode(request.arg("paging") or ""))
            spec, after, before = token["search"], token.get("after", 0), token.get("before")
        elif request.method == "POST":
            spec = request.json()
        else:
            spec = json.loads(request.arg("search") or "null")
        if not isinstance(spec, dict):
            raise QueryError("A search object with a filter is required.")
        rows = self.entities[entity]
        fields = sorted({key for row in rows.values() for key in row} | {"id"}
                        | set(DECLARED_FIELDS.get(entity, ())))  # fmt: skip
        keep = compile_filter(spec.get("filter") or spec.get("Filter"), fields)
        found = sorted((r for r in rows.values() if keep(r)), key=lambda r: r["id"])
        if rest == ["count"]:
            return Reply(200, {"queryCount": len(found)})
        size = int(spec.get("MaxRecords") or spec.get("maxRecords") or MAX_RECORDS)
        if not 1 <= size <= MAX_RECORDS:
            raise QueryError(f"MaxRecords must be between 1 and {MAX_RECORDS}.")
        if before is not None:
            chunk = [r for r in found if r["id"] < before][-size:]
        else:
            chunk = [r for r in found if r["id"] > after][:size]
        base = f"{self.api_url}/{request.path.split('/')[4]}/query"
        more_after = chunk and found[-1]["id"] > chunk[-1]["id"]
        more_before = chunk and found[0]["id"] < chunk[0]["id"]
        include = spec.get("IncludeFields") or spec.get("includeFields")
        if include:
            wanted = {name.lower() for name in include} | {"id"}
            chunk = [{k: v for k, v in r.items() if k.lower() in wanted} for r in chunk]
        prev_url = _page_url(base, "prev", spec, before=chunk[0]["id"]) if more_before else None
        next_url = _page_url(base, "next", spec, after=chunk[-1]["id"]) if more_after else None
        return Reply(200, {"items": chunk, "pageDetails": {
            "count": len(chunk), "requestCount": size,
            "prevPageUrl": prev_url, "nextPageUrl": next_url}})  # fmt: skip

    def _fields_info(self) -> list[dict[str, Any]]:
        return [self._picklist_info(name) for name in self._build(0, "", self.now, {})]

    def _picklist_info(self, name: str) -> dict[str, Any]:
        picklist = self.picklists.get(name)
        kind = "string"
        if name.endswith(("Date", "DateTime")):
            kind = "datetime"
        elif name.endswith("ID") or picklist or name == "id":
            kind = "integer"
        return {
            "name": name, "dataType": kind, "length": 0 if kind != "string" else 8000,
            "isRequired": name in ("title", "status", "priority", "companyID"),
            "isReadOnly": name in READ_ONLY, "isQueryable": True,
            "isReference": name.endswith("ID"), "referenceEntityType": "",
            "isPickList": picklist is not None, "picklistParentValueField": "",
            "picklistValues": [
                {"value": str(v), "label": label, "isDefaultValue": False, "sortOrder": i,
                 "parentValue": "", "isActive": True, "isSystem": True}
                for i, (v, label) in enumerate(picklist.items())
            ] if picklist is not None else None,
            "isSupportedWebhookField": False,
        }  # fmt: skip

    def _patch(self, request: Request) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("id"), int):
            return errors(500, "An id is required to update an entity.")
        ticket = self.tickets.get(body["id"])
        if ticket is None:
            return errors(500, "No matching records found. The logged in Resource may not "
                               "have the required permissions to update the data.")  # fmt: skip
        changes = {k: v for k, v in body.items() if k != "id"}
        for name, value in changes.items():
            if name not in ticket or name in READ_ONLY:
                return errors(500, f"Field {name} cannot be updated.")
            picklist = self.picklists.get(name)
            if picklist is not None and value is not None and _int(value) not in picklist:
                return errors(500, f"Value {value} is not a valid {name}.")
        refused = self._problem_refusal(ticket, changes)
        if refused:
            return errors(500, refused)
        if changes.get("assignedResourceID") and not changes.get("assignedResourceRoleID"):
            return errors(500, "assignedResourceRoleID is required with assignedResourceID.")
        ticket.update({k: int(v) if k in self.picklists and v is not None else v
                       for k, v in changes.items()})  # fmt: skip
        if changes.get("status") is not None:
            done = ticket["status"] == 5
            ticket["completedDate"] = at_time(self.now) if done else None
            ticket["resolvedDateTime"] = ticket["completedDate"]
        self._touch(ticket, tracked=True)
        self.writes.append(("PATCH", request.path, body))
        return Reply(200, {"itemId": ticket["id"]})

    def _problem_refusal(self, ticket: dict[str, Any], changes: dict[str, Any]) -> str:
        """Why Autotask would refuse `changes` to make `ticket` an incident of a problem
        ("" when it would not): the problem must exist and be a Problem ticket, and only
        an Incident ticket has a problem (the messages' wording is ❓)."""
        if changes.get("problemTicketId") is None:
            return ""
        value = changes["problemTicketId"]
        problem = self.tickets.get(value) if isinstance(value, int) else None
        kind = changes.get("ticketType", ticket["ticketType"])
        if problem is None:
            return f"Value {value} does not reference an existing entity for problemTicketId."
        if problem["id"] == ticket["id"]:
            return f"Ticket {value} cannot be its own problem ticket."
        if kind == PROBLEM:
            return "A Problem ticket cannot be an incident of another problem ticket."
        if problem["ticketType"] != PROBLEM:
            return f"Ticket {value} is not a Problem ticket."
        if kind != INCIDENT:
            return "Only an Incident ticket can be associated with a problem ticket."
        return ""

    def incidents_of(self, problem_id: int) -> list[int]:
        """The tickets whose problem ticket is `problem_id` (its Incidents, in Autotask)."""
        with self.lock:
            return sorted(t["id"] for t in self.tickets.values()
                          if t.get("problemTicketId") == problem_id)  # fmt: skip

    def _note(self, request: Request, ticket_id: int) -> Reply:
        ticket, body = self.tickets.get(ticket_id), request.json()
        if ticket is None:
            return errors(500, f"Ticket {ticket_id} not found.")
        required = ("title", "description", "noteType", "publish")
        missing = [k for k in required if not isinstance(body, dict) or body.get(k) in (None, "")]
        if missing:
            return errors(500, *(f"{name} is required." for name in missing))
        for name in NOTE_FIELDS:
            if _int(body[name]) not in self.picklists[name]:
                return errors(500, f"Value {body[name]} is not a valid {name}.")
        note_id = max(self.notes, default=900) + 1
        self.notes[note_id] = {
            "id": note_id, "ticketID": ticket_id, "title": body["title"],
            "description": body["description"], "noteType": int(body["noteType"]),
            "publish": int(body["publish"]), "createDateTime": at_time(self.now),
            "lastActivityDate": at_time(self.now),
        }  # fmt: skip
        self._touch(ticket, tracked=False)
        self.writes.append(("POST", request.path, body))
        return Reply(200, {"itemId": note_id})

    def _touch(self, ticket: dict[str, Any], tracked: bool) -> None:
        ticket["lastActivityDate"] = at_time(self.now)
        if tracked:
            ticket["lastTrackedModificationDateTime"] = at_time(self.now)


def _page_url(base: str, direction: str, spec: dict[str, Any], **bound: int) -> str:
    token = base64.urlsafe_b64encode(json.dumps({"search": spec, **bound}).encode()).decode()
    return f"{base}/{direction}?paging={token}"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
