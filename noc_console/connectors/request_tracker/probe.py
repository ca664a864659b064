""" "Test connection" for Request Tracker: each step says what works or what to fix.

Reachable and authenticated (`GET /rt`), can read incidents (how many open tickets
this user sees, and whether RT reads our date literals in the configured time zone),
can write (RT lists in a ticket's `_hyperlinks` only the actions the user may do),
the queue mapping (queues whose tickets would be skipped), the statuses and priorities
of the open tickets (`mapping_check`) and whether their queues carry the tier custom
field that escalation writes. Nothing is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.mapping.check import TIER_VALUES, OpenUse, Tenant, check_mapping
from noc_console.connectors.probe_steps import first_steps
from noc_console.connectors.request_tracker.dates import local_literal
from noc_console.connectors.request_tracker.records import rt_date

if TYPE_CHECKING:
    from noc_console.connectors.request_tracker.connector import RequestTrackerConnector


def probe_rt(rt: RequestTrackerConnector) -> Iterator[Check]:
    http = rt.http

    def reach() -> str:  # RT answers only whom it authenticated
        about = http.json("GET", "/rt")
        version = about.get("Version", "?") if isinstance(about, dict) else "?"
        return f"Request Tracker {version} at {http.base}"

    def authenticated() -> tuple[None, str]:
        return None, "credentials accepted"

    if (yield from first_steps(reach, f"RT answers at {http.base}", authenticated)) is None:
        return
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
        yield Check("clients", True, "every queue maps to a client")
    else:
        queues = rt.http.json("GET", "/queues/all", params={"fields": "Name", "per_page": 100})
        names = (
            [str(q.get("Name")) for q in queues.get("items", [])]
            if isinstance(queues, dict)
            else []
        )
        unmapped = [n for n in names if n not in mapping.client]
        if unmapped:
            listed = ", ".join(repr(n[:40]) for n in unmapped)
            yield Check("clients", False, f"queues without a client: {listed} "
                        "(their tickets are skipped; add them under mapping.client)")  # fmt: skip
        else:
            yield Check("clients", True, f"all {len(names)} queues map to clients")
    yield from _open_tickets(rt)


def _open_tickets(rt: RequestTrackerConnector) -> Iterator[Check]:
    """Every open ticket's status, priority, queue and tier field (`mapping_check`).
    RT lists neither its lifecycles' statuses nor, over REST2, which queues a custom
    field applies to — but a ticket lists the custom fields of its queue, even empty
    ones, so a queue whose open tickets lack the tier field cannot be escalated."""
    field, used = rt.options.tier_field, OpenUse()
    without: Counter[str] = Counter()  # queue → open tickets without the tier field
    odd: Counter[str] = Counter()  # tier values that are no tier
    params = {"query": "Status = '__Active__'", "fields": "Status,Queue,Priority,CustomFields",
              "fields[Queue]": "Name", "per_page": rt.options.page_size}  # fmt: skip
    for body in rt._collection("/tickets", params):
        for t in (t for t in body.get("items", []) if isinstance(t, dict)):
            queue = _queue(t.get("Queue"))
            used.add(str(t.get("Status") or ""), str(t.get("Priority") or "0"),
                     None if field else queue)  # fmt: skip
            values = _field_values(t.get("CustomFields"), field) if field else None
            if field and values is None:
                without[queue] += 1
            elif values and values[0] not in TIER_VALUES:
                odd[values[0]] += 1
    yield from check_mapping(rt.options.mapping, Tenant(None, None, None), used)
    yield _escalation(field, without, used.tickets)
    if odd:
        shown = ", ".join(f"{v[:40]!r} ({n})" for v, n in odd.most_common(8))
        yield Check("tier values", None, f"open tickets whose {field} is not L1, L2, L3 or "
                    f"ENG, so their tier comes from the queue: {shown}")  # fmt: skip


def _escalation(field: str, without: Counter[str], tickets: int) -> Check:
    if not field:
        return Check("escalation", False, "tier_field is empty, so escalation has nothing to "
                     "write — set tier_field to RT's ticket custom field for the tier")  # fmt: skip
    if without:
        queues = ", ".join(f"{q[:40]!r} ({n} open ticket{'s' * (n != 1)})"
                           for q, n in without.most_common(8))  # fmt: skip
        return Check("escalation", False, f"the ticket custom field {field!r} is not applied "
                     f"to queue {queues}, so escalating their tickets fails — in RT: Admin › "
                     f"Custom Fields › {field} › Applies to")  # fmt: skip
    if not tickets:
        return Check("escalation", None, f"no open ticket to check the {field!r} field on")
    return Check("escalation", True, f"the {field!r} custom field is on every queue with "
                 "open tickets")  # fmt: skip


def _queue(ref: Any) -> str:
    return str(ref.get("Name") or ref.get("id") or "") if isinstance(ref, dict) else str(ref)


def _field_values(fields: Any, name: str) -> list[str] | None:
    """The values of the ticket's custom field `name`; None when the ticket has no such
    field (not applied to its queue)."""
    for cf in fields if isinstance(fields, list) else ():
        if isinstance(cf, dict) and cf.get("name") == name:
            values = cf.get("values")
            return [str(v) for v in values] if isinstance(values, list) else []
    return None
