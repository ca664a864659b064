""" "Test connection" for HaloPSA: each step says what works or what to fix.

Reachable (`GET /api/authinfo`, unauthenticated), authenticated (a token from
`/auth/token`), can read incidents (how many open tickets this agent sees), can write
(the scopes Halo granted the token: `all` or `edit:tickets`), the mapping
(`mapping_check`: Halo's statuses, priorities and teams against the mapping and against
what the open tickets carry) and limits (Halo publishes none; the client-side limit in
force). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.halo.auth import NoAuth
from noc_console.connectors.mapping.check import OpenUse, Tenant, TenantStatus, check_mapping
from noc_console.connectors.probe_steps import first_steps

if TYPE_CHECKING:
    from noc_console.connectors.halo.connector import HaloConnector

WRITE_SCOPES = ("all", "edit:tickets")


def probe_halo(halo: HaloConnector) -> Iterator[Check]:
    http = halo.http

    def reach() -> str:
        http.request("GET", "/api/authinfo", auth=NoAuth(), accept=(401, 403, 404),
                     authenticate=False)  # fmt: skip
        return f"Halo answers at {http.base}"

    def authenticate() -> tuple[str, str]:
        token = halo.token.token(http)  # refused credentials, or no token endpoint at all
        return token, f"token granted (scope {halo.token.granted_scope or '?'})"

    if (yield from first_steps(reach, f"Halo answers at {http.base}", authenticate)) is None:
        return
    try:
        _, count, _ = halo.tickets_page({"open_only": "true", "page_no": 1, "page_size": 1})
        yield Check("can read incidents", True, f"{count} open tickets visible")
        scopes = halo.token.granted_scope.split()
        if not scopes:
            yield Check("can write", None, "Halo did not say which scopes the token has")
        elif any(s in scopes for s in WRITE_SCOPES):
            yield Check("can write", True, f"scope {' '.join(scopes)} may edit tickets")
        else:
            yield Check("can write", False, f"scope {' '.join(scopes)} cannot edit tickets "
                        "(give the API application the all or edit:tickets scope)")  # fmt: skip
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    try:
        yield from _mapping(halo)
    except ConnectorError as exc:
        yield Check("mapping", False, f"could not read the tenant's lists: {exc}")
    rpm = http.settings.requests_per_minute
    limit = f"client-side limit {rpm:g} requests/minute" if rpm else "no client-side limit"
    yield Check("limits", True, f"Halo publishes no request limit; {limit} "
                f"(waited {http.limiter.waited:.1f} s so far)")  # fmt: skip


def _mapping(halo: HaloConnector) -> list[Check]:
    """Halo's ticket statuses, priorities and teams; every open ticket's status,
    priority and team (the listing the sync reads, page by page)."""
    lookups = halo.lookups(max_age=0)
    tenant = Tenant({"": [TenantStatus(n) for n in lookups.statuses.values()]},
                    list(lookups.priorities.values()), _teams(halo), "team")  # fmt: skip
    used = OpenUse()
    for tickets in halo.open_tickets():
        for t in (t for t in tickets if isinstance(t, dict)):
            status = _name(lookups.statuses, "status", t.get("status_id"), used)
            priority = _name(lookups.priorities, "priority", t.get("priority_id"), used)
            used.add(status, priority, str(t.get("team") or "") or None)
    return check_mapping(halo.options.mapping, tenant, used)


def _teams(halo: HaloConnector) -> list[str] | None:
    """The tenant's active team names (`GET /api/Team`, as escalation reads them); None
    if Halo would not list them."""
    try:
        return halo.teams(fresh=True)
    except ConnectorError:
        return None


def _name(table: Mapping[int, str], what: str, value: object, used: OpenUse) -> str | None:
    """The name of a ticket's lookup id; an id Halo's list lacks is counted as unlisted."""
    try:
        return table[int(str(value))]
    except (KeyError, ValueError):
        used.unknown(what, value)
        return None
