""" "Test connection" for Zendesk: each step says what works or what to fix.

Reachable (the API answers, even if it refuses us), authenticated (`/users/me`: who we
are and our role), can read incidents (every unsolved ticket, by the search export),
SLA data (whether tickets carry SLA policy metrics), can write (an agent or admin may
update tickets; an end user may not), the mapping (`mapping_check`: Zendesk's fixed
statuses and priorities, the groups, and what the unsolved tickets carry) and limits
(the account's rate and the export's ten requests a minute). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.http.oauth import NoAuth
from noc_console.connectors.mapping.check import OpenUse, Tenant, TenantStatus, check_mapping
from noc_console.connectors.probe_steps import first_steps
from noc_console.connectors.records import shown

if TYPE_CHECKING:
    from noc_console.connectors.zendesk.connector import ZendeskConnector

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("urgent", "high", "normal", "low")
AGENTS = ("agent", "admin")
ME = "/api/v2/users/me.json"


def probe_zendesk(zd: ZendeskConnector) -> Iterator[Check]:
    http = zd.http
    answers_at = f"Zendesk answers at {http.base}"

    def reach() -> str:
        http.request("GET", ME, auth=NoAuth(), headers={"Authorization": ""},
                     accept=(401, 403))  # fmt: skip
        return answers_at

    def authenticate() -> tuple[dict[str, Any], str]:
        body = http.json("GET", ME)
        user = body.get("user") if isinstance(body, dict) else None
        user = user if isinstance(user, dict) else {}
        return user, f"signed in as {shown(user.get('name') or '?')} ({shown(user.get('role'))})"

    found = yield from first_steps(reach, answers_at, authenticate)
    if found is None:
        return
    (user,) = found
    try:
        ids = [i for page in zd.open_ids() for i in page]
        yield Check("can read incidents", True, f"{len(ids)} unsolved tickets visible")
        sample = zd.show_many(ids[:1]) if ids else []
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    if not sample:
        yield Check("SLA data", None, "no unsolved ticket to look at")
    elif isinstance(sample[0].get("slas"), dict) and sample[0]["slas"].get("policy_metrics"):
        yield Check("SLA data", True, "tickets carry SLA policy metrics: due dates come from "
                    "Zendesk")  # fmt: skip
    else:
        yield Check("SLA data", None, "tickets carry no SLA policy metrics (no SLA policy, "
                    "or a plan without SLAs): due dates are computed from the client's "
                    "contract")  # fmt: skip
    role = str(user.get("role") or "")
    if role in AGENTS:
        yield Check("can write", True, f"{role}s may update tickets")
    else:
        yield Check("can write", False, f"role {shown(role) or '?'} cannot update tickets "
                    "(use an agent's or admin's credentials)")  # fmt: skip
    try:
        yield from _mapping(zd, ids)
    except ConnectorError as exc:
        yield Check("mapping", False, f"could not read the account's lists: {exc}")
    rpm = http.settings.requests_per_minute
    yield Check("limits", True, f"the incremental export allows 10 requests a minute (one "
                f"every 6 s here); account requests: client-side limit {rpm:g}/minute "
                "(Zendesk plans allow 200 to 700)")  # fmt: skip


def _mapping(zd: ZendeskConnector, ids: list[int]) -> list[Check]:
    lookups = zd.lookups(max_age=0)
    tenant = Tenant({"": [TenantStatus(s, s == "closed") for s in STATUSES]},
                    list(PRIORITIES), list(lookups.groups.values()), "group")  # fmt: skip
    used = OpenUse()
    for at in range(0, len(ids), 100):
        for t in zd.show_many(ids[at : at + 100]):
            group = t.get("group_id")  # untrusted: a group id that is no number is no group
            name = lookups.groups.get(group, f"group {shown(group)}") if group is not None else None
            used.add(str(t.get("status")), str(t.get("priority") or "normal"), name)
    return check_mapping(zd.options.mapping, tenant, used)
