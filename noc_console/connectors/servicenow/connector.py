"""ServiceNow incidents over the Table API (docs/servicenow.md).

Auth: Basic (user + password) or OAuth 2 (`auth.ServiceNowToken`: password or
client-credentials grant, refresh token, renewed before expiry and once on a 401).

Reading: `GET /api/now/table/incident` with `sysparm_display_value=all` (values and
labels: `records.py` says which it reads), `sysparm_fields`, `sysparm_limit` and
`sysparm_offset`, following the `Link` header's `next`. The encoded query filters on
`sys_updated_on` (first sync and reconciliation: `active=true`) and orders by
`sys_updated_on`, then `sys_id`. Offsets alone would skip an incident whenever one edited
mid-read moves from an earlier page to the end, so the listing walks by change marker
(`paging.Keyset`): each page's newest `sys_updated_on` becomes the next query's
inclusive bound (`>=`, ties deduplicated), from offset 0; only a page whose incidents
all share one stamp steps the offset. Date literals go in as
`javascript:gs.dateGenerate('YYYY-MM-DD','HH:MM:SS')`, which ServiceNow reads in the
**API user's time zone**: the connector converts from UTC to `time_zone` (the probe
checks it against the user's record). Due dates come from `task_sla` (one request per
hundred incidents of a page, `taskIN…`); an instance that refuses task_sla (ACL) leaves
them to our SLA engine, said once in the log.

Writing: the Table API has no ETag (no `If-Match` found), so every field change is
read-compare-write: read the incident by number, compare the fields the action changes
with what the technician saw (`Conflict`), skip if the wanted value is there already (a
retry that landed), `PATCH` the change with `sysparm_input_display_value=true` (states,
hold reasons, groups and users by label, as the mapping names them; the priority as
impact and urgency values), and check the answer. A `sys_mod_count` in the answer more
than one above the one read means someone else wrote between our read and our write:
logged, as it cannot be undone. Notes are the `work_notes` (internal) or `comments`
(customer-visible) journal fields, carrying a short reference to the action's key that
a retry looks for in `sys_journal_field` first.

A major incident's child is linked natively (`ActionKind.LINK`): its `parent_incident`
becomes the lead incident, by sys_id (read first: already that parent, nothing is sent;
another parent is left alone and refused). ServiceNow then keeps the child's state in
step with its parent's — resolving the lead resolves its children with the lead's
resolution notes (docs/servicenow.md, "Major incidents: native links"). Incident numbers
from the payload are checked before they reach a query.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import ActionRejected, ConnectorUnavailable, NotFound
from noc_console.connectors.http.client import HttpClient, HttpSettings, reading
from noc_console.connectors.http.paging import Keyset, by_link_header, follow
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.records import check_conflict, note_mark, shown
from noc_console.connectors.servicenow.auth import ServiceNowToken
from noc_console.connectors.servicenow.records import (
    FIELDS,
    SLA_FIELDS,
    SN_FORMAT,
    Due,
    ServiceNowRecords,
    incident_values,
    label,
    slas_of,
    sn_date,
    value,
    version_of,
)
from noc_console.models.actions import Action, ActionKind
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Priority, Status, Tier

log = logging.getLogger(__name__)

TABLE = "/api/now/table/"
MAX_PAGE_SIZE = 1000  # our choice: ServiceNow allows up to 10,000 rows per call
SLA_CHUNK = 100  # incident sys_ids per task_sla request (keeps the URL under ~4 KB)
LOOKUP_MAX_AGE = 600.0
#: An incident number: the table's prefix and digits (`INC0010001`); nothing that could
#: add a term to an encoded query (`^`, `=`) or a path segment.
NUMBER = re.compile(r"[A-Za-z]{1,10}\d{1,15}")

DEFAULT_MAPPING = FieldMapping(
    status={
        "New": Status.NEW,
        "In Progress": Status.IN_PROGRESS,
        "On Hold/Awaiting Caller": Status.WAITING_CUSTOMER,
        "On Hold": Status.WAITING_VENDOR,  # Awaiting Vendor, Problem, Change
        "Resolved": Status.RESOLVED,
        "Closed": Status.CLOSED,
        "Canceled": Status.CLOSED,
    },
    status_out={
        Status.ACKNOWLEDGED: "In Progress",
        Status.WAITING_CUSTOMER: "On Hold/Awaiting Caller",
        Status.WAITING_VENDOR: "On Hold/Awaiting Vendor",
        Status.RESOLVED: "Resolved",
    },
    priority={"1": Priority.P1, "2": Priority.P2, "3": Priority.P3, "4": Priority.P4},
    tier={
        "Service Desk": Tier.L1,
        "NOC": Tier.L1,
        "Network L2": Tier.L2,
        "Server L3": Tier.L3,
        "Engineering": Tier.ENG,
    },
)


@dataclass(frozen=True, slots=True)
class ServiceNowOptions:
    """What the ServiceNow connector needs besides HTTP (`[[connectors]]`, type "servicenow")."""

    mapping: FieldMapping = DEFAULT_MAPPING
    page_size: int = MAX_PAGE_SIZE
    time_zone: str = "UTC"  # the API user's zone: gs.dateGenerate reads dates in it
    close_code: str = "Solved Remotely (Permanently)"


class _QueryKeyset(Keyset):
    """`Keyset` whose bound lives inside `sysparm_query` and whose pages are offsets."""

    def __init__(self, connector: ServiceNowConnector, filters: str, mark: str | None) -> None:
        self.filters, self.zone = filters, ZoneInfo(connector.options.time_zone)
        self.size = connector.options.page_size
        super().__init__(connector.listing_params, _result, _updated, "", _stamp,
                         lambda body, _: len(_result(body)) < self.size, "sysparm_offset",
                         first=0, mark=mark)  # fmt: skip

    @property
    def start(self) -> dict[str, Any]:
        terms = [self.filters] if self.filters else []
        if self.mark is not None:
            terms.append("sys_updated_on>=" + generated(self.mark, self.zone))
        query = "^".join([*terms, "ORDERBYsys_updated_on", "ORDERBYsys_id"])
        return {**self.params, "sysparm_query": query, "sysparm_offset": self.page * self.size}


class ServiceNowConnector(NamedSource):
    def __init__(self, name: str, http: HttpClient, options: ServiceNowOptions,
                 label: str = "") -> None:  # fmt: skip
        super().__init__(name, label)
        self.http = http
        self.options = options
        self.records = ServiceNowRecords(name, options.mapping)
        self.sla_readable: bool | None = None  # None: not asked yet
        self._groups: tuple[float, list[str]] | None = None

    @property
    def listing_params(self) -> dict[str, Any]:
        return {
            "sysparm_display_value": "all",
            "sysparm_exclude_reference_link": "true",
            "sysparm_fields": ",".join(FIELDS),
            "sysparm_limit": self.options.page_size,
        }

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        return self.options.mapping.clients(self._names("core_company", ""))

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        if since is None:  # first sync: what is open now, not years of history
            return self._listing("active=true", None, with_watermark=True)
        stamp = since.astimezone(UTC).strftime(SN_FORMAT)  # floored to the second
        return self._listing("", stamp, with_watermark=True)

    def list_open(self) -> Iterator[Page]:
        return self._listing("active=true", None, with_watermark=False)

    def raw_pages(self, filters: str) -> Iterator[list[Any]]:
        """The incidents `filters` find as ServiceNow sends them, page by page."""
        keyset = _QueryKeyset(self, filters, None)
        with reading():
            for body in follow(self.http, TABLE + "incident", keyset.start, keyset):
                yield _result(body)

    def _listing(self, filters: str, mark: str | None, with_watermark: bool) -> Iterator[Page]:
        keyset = _QueryKeyset(self, filters, mark)
        served: set[tuple[str, str]] = set()  # (sys_id, sys_updated_on): a tie comes again
        newest: datetime | None = None
        with reading():
            for body in follow(self.http, TABLE + "incident", keyset.start, keyset):
                rows = _result(body)
                fresh = [r for r in rows if _seen(r) not in served]
                served |= {_seen(r) for r in rows}
                stamps = [s for s in map(_updated, rows) if s is not None]
                newest = max([*stamps, *([newest] if newest else [])], default=None)
                slas = self.slas([value(r, "sys_id") for r in fresh if isinstance(r, dict)])
                incidents, skipped, problems = self.records.page(fresh, slas)
                resumable = keyset.in_order(rows) or keyset.last_page(body)
                yield Page(incidents, newest if with_watermark and resumable else None,
                           skipped, problems)  # fmt: skip

    def slas(self, sys_ids: list[str]) -> dict[str, Due]:
        """The due dates task_sla holds for these incidents ({} when it cannot be read)."""
        rows: list[Any] = []
        for at in range(0, len(sys_ids) if self.sla_readable is not False else 0, SLA_CHUNK):
            params = {"sysparm_query": "taskIN" + ",".join(sys_ids[at : at + SLA_CHUNK]),
                      "sysparm_fields": ",".join(SLA_FIELDS), "sysparm_limit": 1000,
                      "sysparm_exclude_reference_link": "true"}  # fmt: skip
            for body in follow(self.http, TABLE + "task_sla", params, by_link_header,
                               send=self._sla_request):  # fmt: skip
                if not isinstance(body, dict) or not isinstance(body.get("result"), list):
                    if self.sla_readable is not False:
                        log.warning("%s: task_sla cannot be read (%s); due dates are computed "
                                    "by our SLA engine", self._name, shown(body, 200))  # fmt: skip
                    self.sla_readable = False
                    return {}
                rows.extend(body["result"])
            self.sla_readable = True
        return slas_of(rows)

    def _sla_request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, url, accept=(403,), **kwargs)

    def groups(self, fresh: bool = False) -> list[str]:
        """The instance's active assignment groups, for escalation."""
        if fresh or self._groups is None or time.monotonic() - self._groups[0] >= LOOKUP_MAX_AGE:
            self._groups = (time.monotonic(), self._names("sys_user_group", "active=true"))
        return self._groups[1]

    def _names(self, table: str, query: str) -> list[str]:
        params = {"sysparm_fields": "name", "sysparm_limit": MAX_PAGE_SIZE,
                  "sysparm_query": "^".join(filter(None, [query, "ORDERBYname"]))}  # fmt: skip
        names: list[str] = []
        with reading():
            for body in follow(self.http, TABLE + table, params, by_link_header, items=_result):
                names.extend(str(r["name"]) for r in _result(body)
                             if isinstance(r, dict) and r.get("name"))  # fmt: skip
        return names

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        number = action.key.external_id
        raw = self._read(number)
        sys_id = value(raw, "sys_id")
        if action.kind is ActionKind.LINK:
            return self._link(number, raw, action)
        text = str(action.payload.get("text") or "")
        if action.kind is ActionKind.NOTE:
            internal = bool(action.payload.get("internal", True))
            if not (retry and self._has_note(sys_id, note_mark(action))):
                element = "work_notes" if internal else "comments"
                raw = self._patch(number, sys_id, {element: f"{text}\n\n-- {note_mark(action)}"})
            return version_of(raw)
        update, labels, target = self._update_for(action, text)
        current = self._values(number, raw)
        if all(current.get(k) == v for k, v in target.items()):
            return version_of(raw)  # landed already (a retry), or nothing to change
        check_conflict(action, current, f"{self._name}: incident {number} changed in ServiceNow")
        answer = self._patch(number, sys_id, update, labels=labels)
        after = self._values(number, answer)
        unmet = {k: after.get(k) for k, v in target.items() if after.get(k) != v}
        if unmet:
            raise ActionRejected(f"{self._name}: ServiceNow did not apply {update} to {number} "
                                 f"(now {shown(unmet, 200)})")  # fmt: skip
        before, now = (
            int(value(raw, "sys_mod_count") or 0),
            int(value(answer, "sys_mod_count") or 0),
        )
        if now > before + 1:
            log.warning("%s: incident %s was also changed by someone else between our read "
                        "and our write (sys_mod_count %d → %d)", self._name, number, before,
                        now)  # fmt: skip
        return version_of(answer)

    def _link(self, number: str, raw: dict[str, Any], action: Action) -> str:
        """The child's `parent_incident` becomes the major incident's lead (one parent:
        the first of `refers_to`). Already so: nothing to send (a retry that landed)."""
        leads = [str(n) for n in action.payload.get("refers_to", [])]
        if not leads:
            raise ActionRejected(f"{self._name}: nothing to link {number} to")
        lead = leads[0]
        if lead == number:
            raise ActionRejected(f"{self._name}: {number} cannot be its own parent incident")
        try:
            parent = self._read(lead)
        except NotFound:
            missing = f"ServiceNow has no incident {lead}"
            raise ActionRejected(f"{self._name}: cannot make {lead} the parent incident of "
                                 f"{number}: {missing}") from None  # fmt: skip
        wanted, have = value(parent, "sys_id"), value(raw, "parent_incident")
        if have == wanted:
            return version_of(raw)
        if have:
            raise ActionRejected(f"{self._name}: {number} already has parent incident "
                                 f"{shown(label(raw, 'parent_incident') or have)} in ServiceNow, "
                                 f"not {lead}: left as it is")  # fmt: skip
        answer = self._patch(number, value(raw, "sys_id"), {"parent_incident": wanted},
                             labels=False)  # fmt: skip
        if value(answer, "parent_incident") != wanted:
            raise ActionRejected(f"{self._name}: ServiceNow did not make {lead} the parent "
                                 f"incident of {number} (it is "
                                 f"{shown(label(answer, 'parent_incident'))})")  # fmt: skip
        return version_of(answer)

    def _update_for(self, action: Action, text: str
                    ) -> tuple[dict[str, str], bool, dict[str, Any]]:  # fmt: skip
        """(the PATCH body, whether it is in labels, the normalised values it sets)."""
        mapping, p, kind = self.options.mapping, action.payload, action.kind
        try:
            if kind in (ActionKind.ACKNOWLEDGE, ActionKind.STATUS, ActionKind.RESOLVE):
                wanted = Status(action.changes()["status"])
                name = mapping.status_for(wanted)
                state, _, reason = name.partition("/")
                update = {"state": state, "hold_reason": reason}
                if kind is ActionKind.RESOLVE:
                    notes = f"{text or 'Resolved from NOC Console'}\n\n-- {note_mark(action)}"
                    update.update(close_code=self.options.close_code, close_notes=notes)
                try:
                    reads_as = mapping.status_of(name)
                except InvalidRecord:
                    reads_as = wanted
                return update, True, {"status": reads_as}
            if kind is ActionKind.ASSIGN:
                return {"assigned_to": str(p.get("assignee") or "")}, True, \
                    {"assignee": p.get("assignee") or None}  # fmt: skip
            if kind is ActionKind.PRIORITY:
                wanted_priority = Priority(p["priority"])
                update = {"impact": str(int(p["impact"])), "urgency": str(int(p["urgency"]))}
                return update, False, {"priority": wanted_priority}
            if kind is ActionKind.TIER:
                tier = Tier(p["tier"])
                group = mapping.tier_target(tier, self.groups, "ServiceNow", "assignment group")
                return {"assignment_group": group}, True, {"tier": tier}
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: {exc}") from None
        raise ActionRejected(f"{self._name}: cannot write {kind.value} to ServiceNow")

    def _values(self, number: str, raw: dict[str, Any]) -> dict[str, Any]:
        try:
            return incident_values(raw, self.options.mapping)
        except InvalidRecord as exc:
            raise ActionRejected(f"{self._name}: incident {number}: {exc}") from None

    def _read(self, number: str) -> dict[str, Any]:
        """The incident with this number, as the listings read it."""
        if not NUMBER.fullmatch(number):
            raise ActionRejected(f"{self._name}: {shown(number)!r} is no ServiceNow incident "
                                 "number")  # fmt: skip
        params = {**self.listing_params, "sysparm_query": f"number={number}", "sysparm_limit": 2}
        found = _result(self.http.json("GET", TABLE + "incident", params=params))
        if len(found) != 1 or not isinstance(found[0], dict) or value(found[0], "number") != number:
            raise NotFound(f"{self._name}: ServiceNow has no incident {shown(number)}")
        row: dict[str, Any] = found[0]
        return row

    def _patch(self, number: str, sys_id: str, body: dict[str, str], labels: bool = True
               ) -> dict[str, Any]:  # fmt: skip
        params = {k: v for k, v in self.listing_params.items() if k != "sysparm_limit"}
        if labels:
            params["sysparm_input_display_value"] = "true"
        response = self.http.request("PATCH", f"{TABLE}incident/{sys_id}", params=params,
                                     json=body, accept=(400, 403))  # fmt: skip
        answer = _json(response)
        if response.status_code >= 400:
            raise ActionRejected(f"{self._name}: ServiceNow refused the update of {number} "
                                 f"(HTTP {response.status_code}): {_error(answer)}")  # fmt: skip
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, dict):
            raise ConnectorUnavailable(f"{self._name}: PATCH of {number} answered no record")
        return result

    def _has_note(self, sys_id: str, mark: str) -> bool:
        """Whether a journal entry of the incident carries `mark` (an earlier attempt)."""
        params = {"sysparm_query": f"element_id={sys_id}^elementINwork_notes,comments",
                  "sysparm_fields": "value", "sysparm_limit": MAX_PAGE_SIZE}  # fmt: skip
        for body in follow(self.http, TABLE + "sys_journal_field", params, by_link_header):
            if any(mark in str(r.get("value", "")) for r in _result(body) if isinstance(r, dict)):
                return True
        return False


def servicenow_client(
    name: str, settings: HttpSettings, auth: ServiceNowToken | tuple[str, str],
    secrets: list[str], sleep: Callable[[float], None] = time.sleep,
) -> HttpClient:  # fmt: skip
    """The HTTP client: Basic auth as a (user, password) pair, or a `ServiceNowToken`
    as auth and authenticator."""
    token = auth if isinstance(auth, ServiceNowToken) else None
    return HttpClient(name, settings, auth=auth, secrets=secrets, sleep=sleep,
                      authenticator=token)  # fmt: skip


def generated(stamp: str, zone: ZoneInfo) -> str:
    """A UTC `YYYY-MM-DD HH:MM:SS` as `gs.dateGenerate` in the API user's zone."""
    local = datetime.strptime(stamp, SN_FORMAT).replace(tzinfo=UTC).astimezone(zone)
    return f"javascript:gs.dateGenerate('{local:%Y-%m-%d}','{local:%H:%M:%S}')"


def _result(body: Any) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("result"), list):
        raise ConnectorUnavailable(f"the Table API answered an unexpected shape: {shown(body)}")
    rows: list[Any] = body["result"]
    return rows


def _updated(row: Any) -> datetime | None:
    try:
        return sn_date(value(row, "sys_updated_on")) if isinstance(row, dict) else None
    except ValueError:
        return None


def _stamp(when: datetime) -> str:
    return when.strftime(SN_FORMAT)


def _seen(row: Any) -> tuple[str, str]:
    return (value(row, "sys_id"), value(row, "sys_updated_on")) if isinstance(row, dict) \
        else ("", repr(row))  # fmt: skip


def _json(response: requests.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return response.text[:200]


def _error(body: Any) -> str:
    """ServiceNow's `{"error": {"message", "detail"}}` as one line."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        parts = [str(error.get(k) or "") for k in ("message", "detail")]
        return shown(": ".join(p for p in parts if p), 300)
    return shown(body, 300)
