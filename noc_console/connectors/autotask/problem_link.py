"""Autotask's native link for a major incident's children: an Incident ticket names
the source's lead ticket as its problem ticket (`problemTicketId`).

It is the one ticket-to-ticket relation Autotask has that fits: a Problem ticket
gathers the Incident tickets it causes. Nothing is converted to make it fit: a ticket's
type is part of the client's record (an RMM alert, a service request, a change) and
may drive the tenant's workflow rules, so a lead that is not already a Problem ticket,
or a child that is not an Incident, is refused with what to do instead, and the child
keeps the note that names the major incident (docs/autotask.md, "Major incidents").

This module holds the decisions, no I/O: which ticket the payload names, checked
before it goes into a URL, and whether Autotask can link the two as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from noc_console.connectors.autotask.records import Picklists
from noc_console.models.errors import InvalidRecord

FIELD = "problemTicketId"  # so spelled in REST responses (SOAP: ProblemTicketId)
PROBLEM, INCIDENT = "Problem", "Incident"  # ticketType labels (system picklist)
_TICKET_ID = re.compile(r"[1-9][0-9]{0,9}")  # ASCII digits only: it goes into a URL


def lead_of(refers_to: Any, ticket_id: int) -> int:
    """The one ticket a link payload's `refers_to` names; `InvalidRecord` saying why
    when it names none, several, a non-id, or the ticket itself."""
    named = list(refers_to) if isinstance(refers_to, list | tuple) else []
    if len(named) != 1:
        raise InvalidRecord(f"Autotask gives a ticket one problem ticket, not {len(named)}")
    text = str(named[0])
    if not _TICKET_ID.fullmatch(text):
        shown = " ".join(text.split())[:40]
        raise InvalidRecord(f"{shown!r} is not an Autotask ticket id")
    if int(text) == ticket_id:
        raise InvalidRecord("it cannot be its own problem ticket")
    return int(text)


def problem_of(ticket: Mapping[str, Any]) -> int | None:
    """The problem ticket `ticket` is an incident of (None: none). The key is matched
    without case: the SOAP API spelled it ProblemTicketId, REST problemTicketId."""
    for key, value in ticket.items():
        if key.lower() == FIELD.lower():
            return int(value) if isinstance(value, int) and value > 0 else None
    return None


def refusal(child: Mapping[str, Any], lead: Mapping[str, Any], types: Picklists) -> str:
    """Why `child` cannot be made an incident of `lead` as they are ("" when it can)."""
    current = problem_of(child)
    if current is not None and current != lead.get("id"):
        return (f"it is an incident of problem ticket {current} already "
                "(move it in Autotask if it belongs to this one)")  # fmt: skip
    lead_type = type_label(lead, types)
    if lead_type != PROBLEM:
        return (f"{lead.get('id')} is {_a(lead_type)} ticket, and Autotask links incidents to "
                "a Problem ticket only: make it the Problem ticket in Autotask and retry, or "
                "leave this child to its note")  # fmt: skip
    child_type = type_label(child, types)
    if child_type != INCIDENT:
        return (f"it is {_a(child_type)} ticket, and only an Incident ticket can have a "
                "problem ticket: its type is the client's record, not changed from here "
                "(the note names the major incident)")  # fmt: skip
    return ""


def type_label(ticket: Mapping[str, Any], types: Picklists) -> str:
    """The ticket's `ticketType` label in this tenant, on one short line."""
    value = ticket.get("ticketType")
    try:
        label = types.label("ticketType", value) or "untyped"
    except InvalidRecord:
        label = f"ticketType {value}"
    return " ".join(label.split())[:40]


def _a(label: str) -> str:
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"
