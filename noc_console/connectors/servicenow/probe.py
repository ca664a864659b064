""" "Test connection" for ServiceNow: each step says what works or what to fix.

Reachable (the Table API answers, even if it refuses us), authenticated (the API user's
`sys_user` record; with OAuth, a token first), time zone (the user's zone must be the
configured `time_zone`, or incremental queries miss or repeat changes), can read
incidents (how many active incidents this user sees, `X-Total-Count`), SLA data (whether
`task_sla` is readable: due dates from ServiceNow, else computed), can write (the user
holds itil, sn_incident_write or admin, from `sys_user_has_role`), the mapping (`mapping_check`:
the states, priorities and assignment groups active incidents carry, and whether each
tier's escalation names a group the instance has) and limits (a rate-limit rule matching
this user, from the `X-RateLimit-*` headers). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.http.oauth import NoAuth
from noc_console.connectors.mapping.check import OpenUse, Tenant, check_mapping
from noc_console.connectors.probe_steps import first_steps
from noc_console.connectors.records import shown
from noc_console.connectors.servicenow.auth import ServiceNowToken
from noc_console.connectors.servicenow.records import label, status_name, value

if TYPE_CHECKING:
    from noc_console.connectors.servicenow.connector import ServiceNowConnector

TABLE = "/api/now/table/"
WRITERS = ("itil", "sn_incident_write", "admin")  # roles that may update incidents


def probe_servicenow(sn: ServiceNowConnector) -> Iterator[Check]:
    http = sn.http
    token = http.authenticator if isinstance(http.authenticator, ServiceNowToken) else None
    username = token.username if token is not None else _basic_user(http.session.auth)
    answers_at = f"ServiceNow answers at {http.base}"

    def reach() -> str:
        http.request("GET", TABLE + "sys_user", params={"sysparm_limit": 1}, auth=NoAuth(),
                     accept=(401, 403), authenticate=False)  # fmt: skip
        return answers_at

    def authenticate() -> tuple[dict[str, Any], str]:
        how = f"OAuth {token.grant_type} grant, " if token is not None else ""
        if not username:  # client credentials: the token's user is the instance's choice
            http.json("GET", TABLE + "sys_user", params={"sysparm_limit": 1})
            return {}, f"{how}token granted"
        params = {"sysparm_query": f"user_name={username}", "sysparm_limit": 1,
                  "sysparm_fields": "user_name,name,time_zone"}  # fmt: skip
        users = http.json("GET", TABLE + "sys_user", params=params)
        rows = users.get("result") if isinstance(users, dict) else None
        user = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
        return user, f"{how}signed in as {shown(username)}"

    found = yield from first_steps(reach, answers_at, authenticate)
    if found is None:
        return
    (user,) = found
    zone = value(user, "time_zone")
    configured = sn.options.time_zone
    if not user:
        yield Check("time zone", None, f"could not read the API user's time zone; date queries "
                    f"are sent in {configured}")  # fmt: skip
    elif zone in ("", configured):
        yield Check("time zone", True, f"date queries in {configured}, the API user's zone"
                    + (" (the instance default)" if not zone else ""))  # fmt: skip
    else:
        yield Check("time zone", False, f"the API user's time zone is {shown(zone)} but "
                    f"time_zone = {configured!r}: set time_zone = {shown(zone)!r} (or the "
                    "user's zone), else incremental syncs miss or repeat changes")  # fmt: skip
    try:
        params = {"sysparm_query": "active=true", "sysparm_limit": 1, "sysparm_fields": "number"}
        response = http.request("GET", TABLE + "incident", params=params)
        count = response.headers.get("X-Total-Count", "?")
        yield Check("can read incidents", True, f"{count} active incidents visible")
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    sn.sla_readable = None
    sample = next(sn.raw_pages("active=true"), [])
    sn.slas([value(r, "sys_id") for r in sample[:1] if isinstance(r, dict)] or ["-"])
    if sn.sla_readable:
        yield Check("SLA data", True, "task_sla is readable: due dates come from ServiceNow")
    else:
        yield Check("SLA data", None, "task_sla cannot be read by this user: due dates are "
                    "computed from the client's contract (grant read on task_sla to use "
                    "ServiceNow's)")  # fmt: skip
    yield _can_write(sn, username)
    try:
        yield from _mapping(sn)
    except ConnectorError as exc:
        yield Check("mapping", False, f"could not read the instance's lists: {exc}")
    limit, reset = response.headers.get("X-RateLimit-Limit"), response.headers.get(
        "X-RateLimit-Reset")  # fmt: skip
    if limit:
        when = _reset(reset)
        yield Check("limits", True, f"a rate-limit rule applies to this user: {shown(limit)} "
                    f"requests/hour{when}; a 429 is waited out or ends the sync until "
                    "Retry-After")  # fmt: skip
    else:
        yield Check("limits", True, "no rate-limit rule reported for this user (no "
                    "X-RateLimit-Limit header)")  # fmt: skip


def _mapping(sn: ServiceNowConnector) -> list[Check]:
    """States, priorities and groups of every active incident; the instance's groups."""
    mapping = sn.options.mapping
    tenant = Tenant(None, None, sn.groups(fresh=True), "assignment group")
    used = OpenUse()
    for rows in sn.raw_pages("active=true"):
        for r in (r for r in rows if isinstance(r, dict)):
            used.add(status_name(r, mapping), value(r, "priority") or None,
                     label(r, "assignment_group") or None)  # fmt: skip
    return check_mapping(mapping, tenant, used)


def _can_write(sn: ServiceNowConnector, username: str) -> Check:
    """Whether the API user holds a role that may update incidents (`sys_user_has_role`):
    itil, sn_incident_write or admin. An instance's own ACLs may differ; a user whose
    roles cannot be read (client credentials, or no read on the table) is "?"."""
    unsure = Check("can write", None, "could not read the API user's roles: it needs the "
                   "itil role (or write ACLs on incident)")  # fmt: skip
    if not username:
        return unsure
    params = {"sysparm_query": f"user.user_name={username}^role.nameIN{','.join(WRITERS)}",
              "sysparm_fields": "role.name", "sysparm_limit": 10}  # fmt: skip
    response = sn.http.request("GET", TABLE + "sys_user_has_role", params=params,
                               accept=(400, 403, 404))  # fmt: skip
    body = response.json() if response.status_code == 200 and response.content else None
    rows = body.get("result") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        return unsure
    roles = sorted({value(r, "role.name") for r in rows if isinstance(r, dict)} & set(WRITERS))
    if roles:
        return Check("can write", True, f"role {', '.join(roles)} may update incidents")
    return Check("can write", False, f"{shown(username)} has none of the roles "
                 f"{', '.join(WRITERS)}: give it itil, else every action fails")  # fmt: skip


def _basic_user(auth: Any) -> str:
    return str(auth[0]) if isinstance(auth, tuple) and auth else ""


def _reset(stamp: str | None) -> str:
    try:
        return f", resets {datetime.fromtimestamp(int(stamp or ''), UTC):%H:%M} UTC"
    except (ValueError, OverflowError, OSError):
        return ""
