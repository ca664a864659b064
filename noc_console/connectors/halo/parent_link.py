"""A major incident's native link in Halo: the child ticket's `parent_id` is the lead.

Halo tickets carry one `parent_id` (the spec's `Faults`; set with `POST /api/Tickets`
`[{"id", "parent_id"}]`), so a link is "this ticket is a child of the lead" — one parent,
never a list. The ids come from an outbox payload, i.e. from a database anyone with the
file can edit: they are checked here, as Halo's int32 ids in ASCII digits, before they go
near a URL or a body (`str.isdigit` admits "²", which `int()` then refuses).
"""

from __future__ import annotations

import re
from typing import Any

from noc_console.connectors.errors import ActionRejected
from noc_console.models.actions import Action

INT32_MAX = 2**31 - 1  # Halo's ids are int32 (spec `Faults.id`)
_DIGITS = re.compile(r"[0-9]{1,10}")
_REFERENCE = re.compile(r"MI-[0-9]{1,10}")


def halo_id(name: str, value: Any) -> int:
    """`value` as a Halo ticket id, or `ActionRejected` naming it."""
    text = value if isinstance(value, str) else None
    if text is None or not _DIGITS.fullmatch(text) or not 0 < int(text) <= INT32_MAX:
        raise ActionRejected(f"{name}: {value!r} is no Halo ticket id")
    return int(text)


def lead_of(name: str, action: Action, ticket_id: int) -> int:
    """The parent a LINK action asks for (payload `refers_to`: [the lead's id])."""
    refers_to = action.payload.get("refers_to")
    leads = refers_to if isinstance(refers_to, list) else []
    if not leads:
        raise ActionRejected(f"{name}: no lead ticket to link ticket {ticket_id} to")
    if len(leads) > 1:
        listed = ", ".join(str(i) for i in leads[:5])
        raise ActionRejected(f"{name}: a Halo ticket has one parent, not {len(leads)} ({listed})")
    lead = halo_id(name, leads[0])
    if lead == ticket_id:
        raise ActionRejected(f"{name}: ticket {ticket_id} cannot be its own parent")
    return lead


def parent_of(raw: Any) -> int:
    """The ticket's parent as Halo reads it back (0: none — Halo may send 0 or null;
    digits in a string are read as the id, anything else as no parent)."""
    parent = raw.get("parent_id") if isinstance(raw, dict) else None
    if isinstance(parent, str) and _DIGITS.fullmatch(parent):
        return int(parent)
    return parent if isinstance(parent, int) and not isinstance(parent, bool) else 0


def reference_of(action: Action) -> str:
    """The major incident's reference for a message: ours ("MI-7"), else a plain phrase."""
    reference = action.payload.get("reference")
    return (
        reference
        if isinstance(reference, str) and _REFERENCE.fullmatch(reference)
        else ("the major incident")
    )
