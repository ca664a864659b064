"""Adding incidents to a major incident already declared (Ctrl+M on the board).

A carrier outage keeps arriving after it is declared: the fifth client rings twenty
minutes later. Its tickets join the open record — the same internal note every child got
at the declaration, and the native link to its source's lead child where the PSA links
(`declare.child_actions`) — and the client joins the affected clients, so the next
client update reaches it. Every mistake is a `CannotJoin` with one line saying what to
fix; nothing is stored then.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.models.actions import Action
from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
)
from noc_console.services.correlation import Group
from noc_console.services.identity import Identity
from noc_console.services.major_incident.declare import child_actions, group_of


class CannotJoin(ValueError):
    """The incidents cannot join that major incident; the message says why."""


@dataclass(frozen=True, slots=True)
class Joining:
    """What the store is asked to add: new children and the timeline's event."""

    children: tuple[MajorIncidentChild, ...]
    event: MajorIncidentEvent


def joining(
    record: MajorIncident,
    rows: Sequence[BoardRow],
    elsewhere: Mapping[IncidentKey, int],
    me: Identity,
    now: datetime,
) -> Joining:
    """The children `rows` become in `record`; `elsewhere`: the open major incident each
    row already belongs to (`Store.major_incidents_of`). `CannotJoin` with what to fix."""
    if not record.is_open:
        raise CannotJoin(f"{record.reference} is resolved: declare a new major incident (M)")
    fresh = [r for r in {r.key: r for r in rows}.values() if r.key not in record.child_keys]
    if not fresh:
        raise CannotJoin(f"already in {record.reference}: nothing to add")
    closed = [str(r.key) for r in fresh if not r.is_open]
    if closed:
        raise CannotJoin(f"{', '.join(closed)} is closed: leave it out")
    taken = [
        (r.key, elsewhere[r.key]) for r in fresh if elsewhere.get(r.key, record.id) != record.id
    ]
    if taken:
        key, number = taken[0]
        raise CannotJoin(f"{key} is already in MI-{number}: one major incident per ticket")
    children = tuple(
        MajorIncidentChild(r.key, r.client_id, " ".join(r.title.split())[:1000], now) for r in fresh
    )
    added = [str(c.key) for c in children]
    event = MajorIncidentEvent(
        EventKind.CHILD_ADDED, now, me.name,
        f"{len(children)} incident{'s' if len(children) != 1 else ''} added: " + ", ".join(added),
        {"children": added},
    )  # fmt: skip
    return Joining(children, event)


def joined_actions(
    stored: MajorIncident,
    added: Sequence[MajorIncidentChild],
    client_names: Mapping[str, str],
    me: Identity,
    native_links: Container[str] = (),
) -> list[Action]:
    """For the children `added` to `stored` (as stored, with them): each one's note and,
    where its PSA links, its link to the source's lead child — nothing for the others."""
    new = {c.key for c in added}
    return [a for a in child_actions(stored, dict(client_names), me, native_links)
            if a.key in new]  # fmt: skip


def suggested(
    records: Sequence[MajorIncident], rows: Sequence[BoardRow], groups: Sequence[Group]
) -> int | None:
    """The open major incident the rows most likely belong to: the one holding most of
    the members of their groups (of `groups`, the board's), else the newest open one
    (None: there is none)."""
    candidates = [r for r in records if r.is_open]
    if not candidates:
        return None
    members: set[IncidentKey] = set()
    for row in rows:
        group = group_of(row, groups)
        if group is not None:
            members |= set(group.members)
    best = max(candidates, key=lambda r: (len(members & set(r.child_keys)), r.declared_at, r.id))
    return best.id
