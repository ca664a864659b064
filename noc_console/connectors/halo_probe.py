""" "Test connection" for HaloPSA: each step says what works or what to fix.

Reachable (`GET /api/authinfo`, unauthenticated), authenticated (a token from
`/auth/token`), can read incidents (how many open tickets this agent sees), can write
(the scopes Halo granted the token: `all` or `edit:tickets`), the mapping (Halo
status and priority names the mapping does not know: their tickets would be skipped)
and limits (Halo publishes none; the client-side limit in force). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.halo_auth import NoAuth

if TYPE_CHECKING:
    from noc_console.connectors.halo import HaloConnector

WRITE_SCOPES = ("all", "edit:tickets")


def probe_halo(halo: HaloConnector) -> Iterator[Check]:
    http = halo.http
    try:
        http.request("GET", "/api/authinfo", auth=NoAuth(), accept=(401, 403, 404))
    except ConnectorError as exc:
        yield Check("reachable", False, str(exc))
        return
    yield Check("reachable", True, f"Halo answers at {http.base}")
    try:
        halo.token.token()
    except ConnectorError as exc:  # refused credentials, or no token endpoint at all
        yield Check("authenticated", False, str(exc))
        return
    yield Check("authenticated", True, f"token granted (scope {halo.token.granted_scope or '?'})")
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
        yield _mapping(halo)
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    rpm = http.settings.requests_per_minute
    limit = f"client-side limit {rpm:g} requests/minute" if rpm else "no client-side limit"
    yield Check("limits", True, f"Halo publishes no request limit; {limit} "
                f"(waited {http.limiter.waited:.1f} s so far)")  # fmt: skip


def _mapping(halo: HaloConnector) -> Check:
    lookups = halo.lookups(max_age=0)
    mapping = halo.options.mapping
    statuses = [n for n in lookups.statuses.values() if n not in mapping.status]
    priorities = [n for n in lookups.priorities.values() if n not in mapping.priority]
    gaps = []
    if statuses:
        gaps.append(f"statuses {', '.join(statuses)} (add under mapping.status)")
    if priorities:
        gaps.append(f"priorities {', '.join(priorities)} (add under mapping.priority)")
    if gaps:
        return Check("mapping", False, "not mapped, their tickets are skipped: "
                     + "; ".join(gaps))  # fmt: skip
    return Check("mapping", True, f"all {len(lookups.statuses)} statuses and "
                 f"{len(lookups.priorities)} priorities map")  # fmt: skip
