"""Jira Service Management Cloud over REST v3 and the servicedeskapi
(docs/jira-service-management.md).

Auth: basic, the Atlassian account's e-mail and an API token (OAuth 2.0 3LO exists;
not done here).

Reading: `GET /rest/api/3/search/jql` (the legacy `/search` answers 410) with a bounded
JQL — the configured filter, then `updated >= "yyyy-MM-dd HH:mm" ORDER BY updated ASC`
for changes, `statusCategory != Done` for the first sync and the open listing — paged by
the opaque `nextPageToken` until none comes. JQL compares at minute precision in the
API user's time zone (`timezone`): the watermark is floored to its minute and written
in that zone, so the sync's overlap re-reads the minute it stopped in rather than
missing what changed within it (duplicates are harmless). Each open issue's SLA comes
from `/rest/servicedeskapi/request/{key}/sla`, read again only when the issue's
`updated` moved; an issue outside a service desk (403/404 there) simply has none, and
our SLA engine computes its clocks. Organisations (`/rest/servicedeskapi/organization`)
are the clients.

Writing: read-compare-write — the issue is read, the fields the action changes are
compared with what the technician saw (`Conflict`), then written: status by
transition, chosen **by name** (the target status names the mapping gives, against
`GET …/transitions`; ids differ per workflow and status, so only the id the listing
just gave is sent), assignee by account id (`user/assignable/search`, exact display
name), priority by name, tier through the optional select field. Comments are ADF
documents on the platform API, internal or public through the `sd.public.comment`
property, and carry a reference to the action's key, which a retry looks for first. A
resolution with text is an internal comment, then the transition. 429 answers wait
`Retry-After` (the HTTP layer).

A major incident's child is linked natively (`ActionKind.LINK`): a "Relates" issue link
to the lead issue (`POST /rest/api/3/issueLink`). Its `issuelinks` are read first: a
"Relates" link to the lead either way round means done (Jira would answer 201 to a
duplicate anyway, but nothing needs sending). Keys from the payload are checked before
they reach a path or a body (docs/jira-service-management.md, "Major incidents").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import ActionRejected, ConnectorUnavailable
from noc_console.connectors.http.client import HttpClient, HttpSettings, reading
from noc_console.connectors.http.paging import by_cursor, follow
from noc_console.connectors.jira_service_management.adf import adf_doc, adf_text
from noc_console.connectors.jira_service_management.records import (
    JsmFields,
    JsmRecords,
    Sla,
    fields_of,
    is_key,
    issue_values,
    sla_of,
    version_of,
)
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import RECORD_ERRORS, check_conflict, note_mark, shown
from noc_console.models.actions import Action, ActionKind
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Priority, Status, Tier

MAX_PAGE_SIZE = 100  # what the fake serves; Jira's own cap with fields is not published
SEARCH = "/rest/api/3/search/jql"
INTERNAL = "sd.public.comment"
LINK_TYPE = "Relates"  # Jira's default symmetric type ("relates to" both ways)

DEFAULT_MAPPING = FieldMapping(
    status={
        "Open": Status.NEW,
        "Waiting for support": Status.NEW,
        "In Progress": Status.IN_PROGRESS,
        "Work in progress": Status.IN_PROGRESS,
        "Escalated": Status.IN_PROGRESS,
        "Waiting for customer": Status.WAITING_CUSTOMER,
        "Pending": Status.WAITING_VENDOR,
        "Resolved": Status.RESOLVED,
        "Done": Status.RESOLVED,
        "Closed": Status.CLOSED,
        "Canceled": Status.CLOSED,
    },
    status_out={Status.ACKNOWLEDGED: "In Progress"},
    priority={
        "Highest": Priority.P1,
        "High": Priority.P2,
        "Medium": Priority.P3,
        "Low": Priority.P4,
        "Lowest": Priority.P4,
    },
    tier={
        "Service Desk": Tier.L1,
        "NOC L2": Tier.L2,
        "Network L3": Tier.L3,
        "Engineering": Tier.ENG,
    },
)


@dataclass(frozen=True, slots=True)
class JsmOptions:
    """What the JSM connector needs besides HTTP (from `[[connectors]]`, type "jsm")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    fields: JsmFields = field(default_factory=JsmFields)
    page_size: int = MAX_PAGE_SIZE
    jql: str = ""  # the issues this connector reads, e.g. 'project = NOC'
    timezone: str = "UTC"  # the API user's zone: JQL dates are read in it


class JsmConnector(NamedSource):
    def __init__(self, name: str, http: HttpClient, options: JsmOptions, label: str = ""
                 ) -> None:  # fmt: skip
        super().__init__(name, label)
        self.http = http
        self.options = options
        self.records = JsmRecords(name, options.mapping, options.fields)
        self._zone = ZoneInfo(options.timezone)
        self._slas: dict[str, tuple[str, Sla]] = {}  # key → (updated, its SLA)

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        """The service desk's organisations (when they are what names the client)."""
        found: dict[str, Client] = {}
        for org in self._organizations():
            try:
                client = self.options.mapping.client_of(org)
            except InvalidRecord:
                continue
            found.setdefault(client, Client(client, org))
        default = self.options.mapping.default_client
        if default:
            found.setdefault(default, Client(default, default))
        return list(found.values())

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        if since is None:  # first sync: what is open now, not years of history
            return self._listing("statusCategory != Done", "updated ASC", with_watermark=True)
        return self._listing(f'updated >= "{self.jql_minute(since)}"', "updated ASC",
                             with_watermark=True)  # fmt: skip

    def list_open(self) -> Iterator[Page]:
        return self._listing("statusCategory != Done", "key ASC", with_watermark=False)

    def jql_minute(self, when: datetime) -> str:
        """`when` floored to its minute in the API user's zone, as JQL takes it."""
        return when.astimezone(self._zone).strftime("%Y-%m-%d %H:%M")

    def jql(self, clause: str, order: str) -> str:
        base = self.options.jql.strip()
        where = f"({base}) AND {clause}" if base else clause
        return f"{where} ORDER BY {order}"

    def issues(self, clause: str, order: str) -> Iterator[list[Any]]:
        """Each search page's issues as Jira sends them."""
        params = {"jql": self.jql(clause, order), "maxResults": self.options.page_size,
                  "fields": ",".join(self.options.fields.wanted())}  # fmt: skip
        next_page = by_cursor(params, "nextPageToken", _token)
        for body in follow(self.http, SEARCH, params, next_page, items=_issues):
            yield _issues(body)

    def _listing(self, clause: str, order: str, with_watermark: bool) -> Iterator[Page]:
        newest: datetime | None = None
        for issues in self.issues(clause, order):
            slas = {key: self.sla(key, updated) for key, updated in _open_keys(issues)}
            incidents, skipped, problems = self.records.page(issues, slas)
            stamps = [i.updated_at for i in incidents]
            newest = max((s for s in (*stamps, newest) if s is not None), default=None)
            yield Page(incidents, newest if with_watermark else None, skipped, problems)

    def sla(self, key: str, updated: str) -> Sla:
        """The issue's SLA, read again only when its `updated` moved; none outside a
        service desk (Jira answers 403 or 404 there)."""
        known = self._slas.get(key)
        if known is not None and known[0] == updated:
            return known[1]
        with reading():
            response = self.http.request("GET", f"/rest/servicedeskapi/request/{key}/sla",
                                         accept=(403, 404))  # fmt: skip
        sla = Sla()
        if response.status_code < 400:
            body = response.json() if response.content else None
            sla = sla_of(body.get("values") if isinstance(body, dict) else None,
                         self.options.fields)  # fmt: skip
        self._slas[key] = (updated, sla)
        return sla

    def _organizations(self) -> list[str]:
        if not self.options.fields.client_field.startswith("customfield_"):
            return []
        names: list[str] = []
        start = 0
        for _ in range(self.http.settings.max_pages):
            with reading():
                response = self.http.request("GET", "/rest/servicedeskapi/organization",
                                             params={"start": start, "limit": 50},
                                             accept=(403, 404))  # fmt: skip
            body = response.json() if response.status_code < 400 and response.content else {}
            values = body.get("values") if isinstance(body, dict) else None
            names += [str(v["name"]) for v in values or [] if isinstance(v, dict) and v.get("name")]
            if not values or body.get("isLastPage", True):
                break
            start += len(values)
        return names

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        key = action.key.external_id
        if not is_key(key):
            raise ActionRejected(f"{self._name}: {shown(key)!r} is no Jira issue key")
        if action.kind is ActionKind.LINK:
            self._link(key, action)
            return version_of(self._read(key)[0])
        text = str(action.payload.get("text") or "")
        if action.kind is ActionKind.NOTE:
            self._comment(key, action, text, bool(action.payload.get("internal", True)), retry)
            return version_of(self._read(key)[0])
        raw, current = self._read(key)
        target = self._target(action)
        if current.get(target[0]) == target[1]:  # landed already (an earlier attempt)
            if action.kind is ActionKind.RESOLVE and text:
                self._comment(key, action, text, True, retry)
            return version_of(raw)
        check_conflict(action, current, f"{self._name}: {key} changed in Jira")
        kind = action.kind
        if kind is ActionKind.RESOLVE and text:
            self._comment(key, action, text, True, retry)
        if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
            self._transition(key, raw, target[1])
        elif kind is ActionKind.ASSIGN:
            self._assign(key, action.payload.get("assignee"))
        elif kind is ActionKind.PRIORITY:
            name = self._mapped(lambda m: m.priority_for(target[1]))
            self._edit(key, {"priority": {"name": name}})
        elif kind is ActionKind.TIER:
            self._edit(key, {self.options.fields.tier_field: {"value": self._tier(target[1])}})
        raw, current = self._read(key)
        if current.get(target[0]) != target[1]:
            raise ActionRejected(f"{self._name}: Jira did not apply {target[0]} "
                                 f"{shown(target[1])} to {key} (now "
                                 f"{shown(current.get(target[0]))})")  # fmt: skip
        return version_of(raw)

    def _target(self, action: Action) -> tuple[str, Any]:
        """(the normalised field the action sets, its value as reading maps it)."""
        kind, p = action.kind, action.payload
        if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
            wanted = Status(action.changes()["status"])
            if wanted is Status.ACKNOWLEDGED:  # Jira has no "acknowledged": where it writes
                wanted = self._mapped(lambda m: m.status_of(m.status_for(Status.ACKNOWLEDGED)))
            return "status", wanted
        if kind is ActionKind.ASSIGN:
            return "assignee", p.get("assignee")
        if kind is ActionKind.PRIORITY:
            return "priority", Priority(p["priority"])
        if kind is ActionKind.TIER:
            if not self.options.fields.tier_field:
                raise ActionRejected(
                    f"{self._name}: no tier field is configured (set "
                    "tier_field to the select field holding the tier)"
                )
            return "tier", Tier(p["tier"])
        raise ActionRejected(f"{self._name}: cannot write {kind.value} to Jira")

    def _mapped(self, pick: Any) -> Any:
        try:
            return pick(self.options.mapping)
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: {exc}") from None

    def _read(self, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
        raw = self.http.json("GET", f"/rest/api/3/issue/{key}",
                             params={"fields": ",".join(self.options.fields.wanted())})  # fmt: skip
        if not isinstance(raw, dict):
            raise ConnectorUnavailable(f"{self._name}: issue {key} answered no object")
        try:
            return raw, issue_values(raw, self.options.mapping, self.options.fields)
        except RECORD_ERRORS as exc:
            raise ActionRejected(f"{self._name}: {key}: {exc}") from None

    def _transition(self, key: str, raw: dict[str, Any], wanted: Status) -> None:
        """The transition whose target status is the first name the mapping writes for
        `wanted` that this issue's workflow offers from where it stands."""
        names = self.options.mapping.status_names(wanted)
        body = self.http.json("GET", f"/rest/api/3/issue/{key}/transitions")
        offered = [t for t in (body.get("transitions") if isinstance(body, dict) else None) or []
                   if isinstance(t, dict)]  # fmt: skip
        targets = {str((t.get("to") or {}).get("name")): t for t in offered}
        chosen = next((targets[n] for n in names if n in targets), None)
        if chosen is None:
            here = shown(fields_of(raw).get("status", {}).get("name"))
            raise ActionRejected(
                f"{self._name}: no transition from {here!r} leads to "
                f"{', '.join(repr(n) for n in names) or 'a status mapped to ' + wanted.value} "
                f"(the workflow offers: {', '.join(repr(n) for n in targets) or 'none'}); "
                "set [connectors.mapping.status_out] or the workflow"
            )
        self.http.request("POST", f"/rest/api/3/issue/{key}/transitions",
                          json={"transition": {"id": chosen["id"]}})  # fmt: skip

    def _assign(self, key: str, name: Any) -> None:
        account = None
        if name is not None:
            found = self.http.json("GET", "/rest/api/3/user/assignable/search",
                                   params={"issueKey": key, "query": str(name)})  # fmt: skip
            matches = (
                [u for u in found if isinstance(u, dict) and u.get("displayName") == name]
                if isinstance(found, list)
                else []
            )
            if not matches:
                raise ActionRejected(f"{self._name}: nobody named {shown(name)!r} can be "
                                     f"assigned {key} in Jira")  # fmt: skip
            account = matches[0].get("accountId")
        self.http.request("PUT", f"/rest/api/3/issue/{key}/assignee", json={"accountId": account},
                          idempotent=True)  # fmt: skip

    def _edit(self, key: str, fields: dict[str, Any]) -> None:
        self.http.request("PUT", f"/rest/api/3/issue/{key}", json={"fields": fields},
                          idempotent=True)  # fmt: skip

    def _tier(self, tier: Tier) -> str:
        names = self.options.mapping.names_for("tier", tier)
        if not names:
            raise ActionRejected(
                f"{self._name}: no option maps to tier {tier.value}; set "
                f'[connectors.mapping.tier] "<option>" = "{tier.value}"'
            )
        return names[0]

    def _link(self, key: str, action: Action) -> None:
        """A "Relates" link from this issue to the major incident's lead (the first of
        `refers_to`), unless one exists either way round."""
        leads = [str(k) for k in action.payload.get("refers_to", [])]
        if not leads:
            raise ActionRejected(f"{self._name}: nothing to link {key} to")
        lead = leads[0]
        if not is_key(lead):
            raise ActionRejected(f"{self._name}: {shown(lead)!r} is no Jira issue key")
        if lead == key:
            raise ActionRejected(f"{self._name}: {key} cannot be linked to itself")
        if lead in self._related(key):
            return
        body = {"type": {"name": LINK_TYPE}, "outwardIssue": {"key": key},
                "inwardIssue": {"key": lead}}  # fmt: skip
        response = self.http.request("POST", "/rest/api/3/issueLink", json=body,
                                     accept=(400, 403, 404))  # fmt: skip
        if response.status_code >= 400:
            raise ActionRejected(f"{self._name}: Jira refused to link {key} to {lead} "
                                 f"({LINK_TYPE}): HTTP {response.status_code}: "
                                 f"{_said(response)}")  # fmt: skip

    def _related(self, key: str) -> set[str]:
        """The keys of the issues `key` has a "Relates" link with, either way round."""
        raw = self.http.json("GET", f"/rest/api/3/issue/{key}", params={"fields": "issuelinks"})
        fields = raw.get("fields") if isinstance(raw, dict) else None
        links = fields.get("issuelinks") if isinstance(fields, dict) else None
        found = set()
        for link in links if isinstance(links, list) else []:
            if not isinstance(link, dict) or (link.get("type") or {}).get("name") != LINK_TYPE:
                continue
            for side in ("inwardIssue", "outwardIssue"):
                other = link.get(side)
                if isinstance(other, dict) and is_key(other.get("key")):
                    found.add(str(other["key"]))
        return found

    def _comment(self, key: str, action: Action, text: str, internal: bool, retry: bool) -> None:
        mark = note_mark(action)
        if retry and self._has_comment(key, mark):
            return
        body = {"body": adf_doc(f"{text}\n\n-- {mark}"),
                "properties": [{"key": INTERNAL, "value": {"internal": internal}}]}  # fmt: skip
        self.http.json("POST", f"/rest/api/3/issue/{key}/comment", json=body)

    def _has_comment(self, key: str, mark: str) -> bool:
        body = self.http.json("GET", f"/rest/api/3/issue/{key}/comment",
                              params={"orderBy": "-created", "maxResults": 100})  # fmt: skip
        comments = body.get("comments") if isinstance(body, dict) else None
        return any(mark in adf_text(c.get("body")) for c in comments or [] if isinstance(c, dict))


def jsm_client(name: str, settings: HttpSettings, email: str, token: str, *,
               sleep: Callable[[float], None] = time.sleep) -> HttpClient:  # fmt: skip
    """Basic auth with the account's e-mail and API token (the token redacted)."""
    return HttpClient(name, settings, auth=(email, token), secrets=[token], sleep=sleep)


def _said(response: Any) -> str:
    """Jira's `{"errorMessages": [...], "errors": {...}}` as one line."""
    try:
        body = response.json()
    except ValueError:
        return shown(response.text, 200)
    if not isinstance(body, dict):
        return shown(body, 200)
    errors = body.get("errors")
    errors = errors if isinstance(errors, dict) else {}
    said = [*map(str, body.get("errorMessages") or []), *(f"{k}: {v}" for k, v in errors.items())]
    return shown("; ".join(said) or body, 200)


def _issues(body: Any) -> list[Any]:
    issues = body.get("issues") if isinstance(body, dict) else None
    if not isinstance(issues, list):
        raise ConnectorUnavailable("Jira's search answered no list of issues")
    return issues


def _token(body: Any) -> str | None:
    token = body.get("nextPageToken") if isinstance(body, dict) else None
    if isinstance(body, dict) and body.get("isLast") is True:
        return None
    return str(token) if token else None


def _open_keys(issues: list[Any]) -> list[tuple[str, str]]:
    """(key, updated) of the open issues on a page (done ones need no SLA)."""
    found = []
    for issue in issues:
        f = issue.get("fields") if isinstance(issue, dict) else None
        status = f.get("status") if isinstance(f, dict) else None
        category = status.get("statusCategory") if isinstance(status, dict) else None
        done = isinstance(category, dict) and category.get("key") == "done"
        if is_key(issue.get("key")) and not done and isinstance(f, dict):
            found.append((issue["key"], str(f.get("updated"))))
    return found
