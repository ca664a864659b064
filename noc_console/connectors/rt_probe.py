""" "Test connection" for Request Tracker: each step says what works or what to fix.

Reachable and authenticated (`GET /rt`), can read incidents (how many open tickets
this user sees, and whether RT reads our date literals in the configured time zone),
can write (RT lists in a ticket's `_hyperlinks` only the actions the user may do),
and the queue mapping (queues whose tickets would be skipped). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from noc_console.connectors.base import Check
from noc_console.connectors.errors import AuthFailed, ConnectorError
from noc_console.connectors.rt_records import rt_date
from noc_console.connectors.rt_time import local_literal

if TYPE_CHECKING:
    from noc_console.connectors.request_tracker import RequestTrackerConnector


def probe_rt(rt: RequestTrackerConnector) -> Iterator[Check]:
    http = rt.http
    try:
        about = http.json("GET", "/rt")
    except AuthFailed as exc:
        yield Check("reachable", True, f"RT answers at {http.base}")
        yield Check("authenticated", False, str(exc))
        return
    except ConnectorError as exc:
        yield Check("reachable", False, str(exc))
        return
    version = about.get("Version", "?") if isinstance(about, dict) else "?"
    yield Check("reachable", True, f"Request Tracker {version} at {http.base}")
    yield Check("authenticated", True, "credentials accepted")
    try:
        yield from _reading(rt)
        yield from _mapping(rt)
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))


def _reading(rt: RequestTrackerConnector) -> Iterator[Check]:
    count = rt.search_count("Status = '__Active__'")
    newest = _newest(rt)
    if newest is None:
        advice = "no open tickets visible to this user: check its rights on the queues"
        yield Check("can read incidents", None, advice)
        yield Check("can write", None, "no ticket to check write rights on")
        return
    yield Check("can read incidents", True, f"{count} open tickets visible")
    yield _time_zone(rt, newest)
    links = {link.get("ref") for link in newest.get("_hyperlinks", []) if isinstance(link, dict)}
    ticket = newest.get("id")
    if "comment" in links and "lifecycle" in links:
        yield Check("can write", True, f"may comment on and change ticket #{ticket}")
    elif "comment" in links:
        yield Check("can write", False, f"may comment on ticket #{ticket} but not change it "
                    "(needs the ModifyTicket right)")  # fmt: skip
    else:
        yield Check("can write", False, f"may not comment on ticket #{ticket} "
                    "(needs CommentOnTicket and ModifyTicket rights)")  # fmt: skip


def _newest(rt: RequestTrackerConnector) -> dict[str, Any] | None:
    params = {"query": "Status = '__Active__'", "orderby": "LastUpdated", "order": "DESC",
              "per_page": 1, "fields": "LastUpdated"}  # fmt: skip
    found = rt.http.json("GET", "/tickets", params=params)
    items = found.get("items", []) if isinstance(found, dict) else []
    if not items:
        return None
    ticket = rt.http.json("GET", f"/ticket/{items[0]['id']}")
    return (
        {**ticket, "LastUpdated": items[0].get("LastUpdated")} if isinstance(ticket, dict) else None
    )


def _time_zone(rt: RequestTrackerConnector, ticket: dict[str, Any]) -> Check:
    """RT must find the ticket at its own LastUpdated, and not one second later."""
    updated = rt_date(ticket.get("LastUpdated"))
    if updated is None:
        return Check("time zone", None, "could not check: the ticket has no LastUpdated")

    def found(when: datetime) -> bool:
        literal = local_literal(when, rt._zone)
        return rt.search_count(f"id = {ticket['id']} AND LastUpdated >= '{literal}'") > 0

    if found(updated) and not found(updated + timedelta(seconds=1)):
        return Check("time zone", True, f"RT reads dates in {rt.options.timezone}, as configured")
    return Check("time zone", False, f"RT does not read dates in {rt.options.timezone}: set "
                 "timezone to the RT user's time zone (RT's $Timezone by default)")  # fmt: skip


def _mapping(rt: RequestTrackerConnector) -> Iterator[Check]:
    mapping = rt.options.mapping
    if not mapping.client or mapping.default_client:
        yield Check("mapping", True, "every queue maps to a client")
        return
    queues = rt.http.json("GET", "/queues/all", params={"fields": "Name", "per_page": 100})
    names = (
        [str(q.get("Name")) for q in queues.get("items", [])] if isinstance(queues, dict) else []
    )
    unmapped = [n for n in names if n not in mapping.client]
    if unmapped:
        yield Check("mapping", False, f"queues without a client: {', '.join(unmapped)} "
                    "(their tickets are skipped; add them under mapping.client)")  # fmt: skip
    else:
        yield Check("mapping", True, f"all {len(names)} queues map to clients")
