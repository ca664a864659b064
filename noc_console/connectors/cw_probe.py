""" "Test connection" for ConnectWise PSA: each step says what works or what to fix.

Reachable (codebase discovery at the site, then the unauthenticated `system/info`),
authenticated (a list every API member may read; cloud answers bad keys with 404,
which becomes "credentials refused"), can read incidents (how many open tickets),
can write (ConnectWise has no rights query short of writing, so this only tells),
the mapping (the tenant's boards, statuses and priorities that the mapping does not
know: their tickets would be skipped) and request limits. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from noc_console.connectors.base import Check
from noc_console.connectors.errors import AuthFailed, ConnectorError

if TYPE_CHECKING:
    from noc_console.connectors.connectwise import ConnectWiseConnector


def probe_connectwise(cw: ConnectWiseConnector) -> Iterator[Check]:
    http = cw.http
    try:
        codebase = http.codebase if http.codebase == "(configured)" else http.discover()
        info = http.json("GET", "system/info")
    except AuthFailed as exc:  # an unknown company
        yield Check("reachable", True, f"ConnectWise answers at {http.site}")
        yield Check("authenticated", False, str(exc))
        return
    except ConnectorError as exc:
        yield Check("reachable", False, str(exc))
        return
    version = info.get("version", "?") if isinstance(info, dict) else "?"
    yield Check("reachable", True, f"ConnectWise {version} at {http.site} "
                f"(codebase {codebase.strip('/')})")  # fmt: skip
    try:
        boards = cw.catalog.boards()
    except ConnectorError as exc:
        yield Check("authenticated", False, str(exc))
        return
    yield Check("authenticated", True, f"credentials accepted ({len(boards)} boards visible)")
    try:
        open_tickets = cw.count("closedFlag=false")
        yield Check("can read incidents", True, f"{open_tickets} open tickets visible")
        yield Check("can write", None, "ConnectWise cannot be asked without writing: the "
                    "API member's security role needs Service Desk › Service Tickets "
                    "(edit) and Ticket notes (add)")  # fmt: skip
        yield from _mapping(cw, boards)
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    yield _limits(cw)


def _mapping(cw: ConnectWiseConnector, boards: dict[str, int]) -> Iterator[Check]:
    mapping = cw.options.mapping
    unknown_status = sorted(
        {
            f"{board}: {s['name']}"
            for board, board_id in boards.items()
            for s in cw.catalog.statuses(board_id)
            if s["name"] not in mapping.status and not s.get("closedStatus")
        }
    )
    unknown_priority = sorted(p for p in cw.catalog.priorities() if p not in mapping.priority)
    no_tier = sorted(b for b in boards if b not in mapping.tier)  # fmt: skip
    problems = []
    if unknown_status:
        problems.append(f"open statuses not mapped: {', '.join(unknown_status)} (add them "
                        "under mapping.status)")  # fmt: skip
    if unknown_priority:
        problems.append(f"priorities not mapped: {', '.join(unknown_priority)} (add them "
                        "under mapping.priority)")  # fmt: skip
    if problems:
        yield Check("mapping", False, "; ".join(problems) + " — their tickets are skipped")
        return
    detail = f"every open status and priority of {len(boards)} boards is mapped"
    if no_tier:
        detail += f"; boards at tier {mapping.default_tier.value}: {', '.join(no_tier)}"
    yield Check("mapping", True, detail)


def _limits(cw: ConnectWiseConnector) -> Check:
    rate = cw.http.settings.requests_per_minute
    pacing = f"paced at {rate:g} requests/minute" if rate else "not paced client-side"
    return Check("limits", True, f"ConnectWise publishes no numeric limit; {pacing}, "
                 f"pages of {min(cw.options.page_size, 1000)} tickets, 429 Retry-After "
                 f"honoured; {cw.http.requests_made} requests for this test")  # fmt: skip
