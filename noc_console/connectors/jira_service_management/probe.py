""" "Test connection" for Jira Service Management: each step says what works or what to fix.

Reachable (`GET /rest/api/3/serverInfo`), authenticated (`/myself`: who, and whether
the user's time zone is the one configured — JQL dates are read in it), can read
incidents (the first page of open issues the JQL finds), can write (`/mypermissions`:
transition, edit, assign, comment), the mapping (`mapping_check`: the site's statuses
and priorities, and what the open issues carry) and limits (Jira publishes none; 429s
are waited out as `Retry-After` says). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.jira_service_management.records import field_text
from noc_console.connectors.mapping.check import OpenUse, Tenant, TenantStatus, check_mapping
from noc_console.connectors.probe_steps import first_steps

if TYPE_CHECKING:
    from noc_console.connectors.jira_service_management.connector import JsmConnector

WRITE = ("TRANSITION_ISSUES", "EDIT_ISSUES", "ASSIGN_ISSUES", "ADD_COMMENTS")


def probe_jsm(jsm: JsmConnector) -> Iterator[Check]:
    http = jsm.http

    def reach() -> str:
        info = http.json("GET", "/rest/api/3/serverInfo")
        kind = info.get("deploymentType") if isinstance(info, dict) else None
        return f"Jira ({kind or '?'}) answers at {http.base}"

    def authenticate() -> tuple[Any, str]:
        me = http.json("GET", "/rest/api/3/myself")
        me = me if isinstance(me, dict) else {}
        return me, f"signed in as {me.get('displayName') or me.get('emailAddress') or '?'}"

    found = yield from first_steps(reach, f"Jira answers at {http.base}", authenticate)
    if found is None:
        return
    zone = str(found[0].get("timeZone") or "")
    if zone and zone != jsm.options.timezone:
        yield Check("time zone", False, f"the API user's time zone in Jira is {zone} but "
                    f"timezone = {jsm.options.timezone!r}: JQL dates would be read an offset "
                    f"away and changes missed; set timezone = {zone!r}")  # fmt: skip
    try:
        first = next(jsm.issues("statusCategory != Done", "key ASC"), [])
        more = " or more" if len(first) >= jsm.options.page_size else ""
        yield Check("can read incidents", True, f"{len(first)}{more} open issues visible "
                    f"({jsm.jql('statusCategory != Done', 'key ASC')})")  # fmt: skip
        yield _can_write(jsm)
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    try:
        yield from _mapping(jsm)
    except ConnectorError as exc:
        yield Check("mapping", False, f"could not read the site's lists: {exc}")
    yield Check(
        "limits",
        True,
        "Jira publishes no fixed limit (cost-based budgets); 429 is "
        f"waited out per Retry-After (waited {http.limiter.waited:.1f} s so far)",
    )


def _can_write(jsm: JsmConnector) -> Check:
    body = jsm.http.json("GET", "/rest/api/3/mypermissions",
                         params={"permissions": ",".join(WRITE)})  # fmt: skip
    granted = body.get("permissions") if isinstance(body, dict) else None
    missing = [
        p
        for p in WRITE
        if not (
            isinstance(granted, dict)
            and isinstance(granted.get(p), dict)
            and granted[p].get("havePermission")
        )
    ]
    if missing:
        return Check("can write", False, f"the API user lacks {', '.join(missing)} (give it the "
                     "service desk's agent role)")  # fmt: skip
    return Check("can write", True, "may transition, edit, assign and comment")


def _mapping(jsm: JsmConnector) -> list[Check]:
    statuses = jsm.http.json("GET", "/rest/api/3/status")
    priorities = jsm.http.json("GET", "/rest/api/3/priority")
    tenant = Tenant(
        {"": [TenantStatus(str(s["name"]), _done(s)) for s in _dicts(statuses) if s.get("name")]},
        [str(p["name"]) for p in _dicts(priorities) if p.get("name")],
        None, "option",
    )  # fmt: skip
    used = OpenUse()
    tier_field = jsm.options.fields.tier_field
    for issues in jsm.issues("statusCategory != Done", "key ASC"):
        for issue in _dicts(issues):
            f = issue.get("fields")
            f = f if isinstance(f, dict) else {}
            status, priority = f.get("status"), f.get("priority")
            used.add(str(status.get("name")) if isinstance(status, dict) else None,
                     str(priority.get("name")) if isinstance(priority, dict) else None,
                     field_text(f.get(tier_field)) or None if tier_field else None)  # fmt: skip
    return check_mapping(jsm.options.mapping, tenant, used)


def _done(status: dict[str, Any]) -> bool:
    category = status.get("statusCategory")
    return isinstance(category, dict) and category.get("key") == "done"


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
