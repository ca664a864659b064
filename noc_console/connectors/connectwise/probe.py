""" "Test connection" for ConnectWise PSA: each step says what works or what to fix.

Reachable (codebase discovery at the site, then the unauthenticated `system/info`),
authenticated (a list every API member may read; cloud answers bad keys with 404,
which becomes "credentials refused"), can read incidents (how many open tickets),
can write (ConnectWise has no rights query short of writing, so this only tells),
the mapping (`mapping_check`: each board's statuses, the priorities and the boards as
tiers, against the mapping and against what the open tickets carry) and request
limits. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from noc_console.connectors.base import Check
from noc_console.connectors.connectwise.records import ref_name
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.mapping.check import OpenUse, Tenant, TenantStatus, check_mapping
from noc_console.connectors.probe_steps import first_steps

if TYPE_CHECKING:
    from noc_console.connectors.connectwise.connector import ConnectWiseConnector


def probe_connectwise(cw: ConnectWiseConnector) -> Iterator[Check]:
    http = cw.http

    def reach() -> str:
        codebase = http.codebase if http.codebase == "(configured)" else http.discover()
        info = http.json("GET", "system/info")
        version = info.get("version", "?") if isinstance(info, dict) else "?"
        return f"ConnectWise {version} at {http.site} (codebase {codebase.strip('/')})"

    def authenticate() -> tuple[dict[str, int], str]:
        boards = cw.catalog.boards()
        return boards, f"credentials accepted ({len(boards)} boards visible)"

    found = yield from first_steps(reach, f"ConnectWise answers at {http.site}", authenticate)
    if found is None:
        return
    (boards,) = found
    try:
        open_tickets = cw.count("closedFlag=false")
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    yield Check("can read incidents", True, f"{open_tickets} open tickets visible")
    yield Check("can write", None, "ConnectWise cannot be asked without writing: the "
                "API member's security role needs Service Desk › Service Tickets "
                "(edit) and Ticket notes (add)")  # fmt: skip
    try:
        yield from _mapping(cw, boards)
    except ConnectorError as exc:
        yield Check("mapping", False, f"could not read the tenant's lists: {exc}")
    yield _limits(cw)


def _mapping(cw: ConnectWiseConnector, boards: dict[str, int]) -> list[Check]:
    """Boards with their own statuses, priorities, boards as tiers; every open ticket's
    board, status and priority (one listing of four fields)."""
    statuses = {board: [TenantStatus(str(s["name"]), bool(s.get("closedStatus")))
                        for s in cw.catalog.statuses(board_id)]
                for board, board_id in boards.items()}  # fmt: skip
    tenant = Tenant(statuses, list(cw.catalog.priorities()), list(boards), "board", "board")
    used = OpenUse()
    params = {"conditions": "closedFlag=false", "fields": "id,board,status,priority"}
    for page in cw.http.pages("service/tickets", params, cw.options.page_size):
        for t in page:
            board = ref_name(t.get("board"))
            used.add(ref_name(t.get("status")), ref_name(t.get("priority")), board, board)
    return check_mapping(cw.options.mapping, tenant, used, cw._status_names)


def _limits(cw: ConnectWiseConnector) -> Check:
    rate = cw.http.settings.requests_per_minute
    pacing = f"paced at {rate:g} requests/minute" if rate else "not paced client-side"
    return Check("limits", True, f"ConnectWise publishes no numeric limit; {pacing}, "
                 f"pages of {min(cw.options.page_size, 1000)} tickets, 429 Retry-After "
                 f"honoured; {cw.http.requests_made} requests for this test")  # fmt: skip
