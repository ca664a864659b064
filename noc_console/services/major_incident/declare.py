"""Declaring a major incident: the record from what the dialog says, and what each
child's PSA is told.

One place for the dialog (`views/major_incident/declare_dialog.py`) and any later
command line. `draft` prefills a declaration from board rows (and a correlated group
they belong to: its label is the title, its members the children, each with why it is in
the group — a member that joined other clients' incidents by wording alone starts
unticked, `starts_ticked`); `declare` checks it
and returns the record and the actions that go through the outbox with it: an internal
note on every child naming the major incident, its roles and its other tickets, and
a native link where the child's PSA has one (`native_links`: the sources whose
connector links tickets — docs/major-incidents.md says which vendors do). Every
mistake is a `CannotDeclare` with one line saying what to fix; nothing is stored then.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from noc_console.models.actions import Action, ActionKind
from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import MajorIncident, MajorIncidentChild
from noc_console.services.correlation import Group, Reason, starts_unticked
from noc_console.services.identity import Identity

#: The severities a major incident is declared at (the cadence has entries for them).
SEVERITIES = (Priority.P1, Priority.P2)
#: At most this many other tickets are named in a child's note (the rest are counted).
NAMED_IN_NOTE = 12


class CannotDeclare(ValueError):
    """The declaration is incomplete or wrong; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Declaration:
    """What the dialog holds: the children are board rows as the technician saw them."""

    title: str
    severity: Priority
    commander: str
    comms_lead: str
    children: tuple[BoardRow, ...]
    #: Why each child is in the correlated group it came from (none for a selection).
    reasons: Mapping[IncidentKey, Reason] = field(default_factory=dict)

    def starts_ticked(self, row: BoardRow) -> bool:
        """Whether the dialog ticks `row` at first: not a stray — joined other clients'
        incidents by wording alone beside members held by something firmer
        (`correlation.starts_unticked`); what the technician selected is."""
        if row.key not in self.reasons:
            return True
        keys = [r.key for r in self.children if r.key in self.reasons]
        unticked = starts_unticked([self.reasons[k] for k in keys])
        return not dict(zip(keys, unticked, strict=True))[row.key]

    @property
    def clients(self) -> tuple[str, ...]:
        """The affected clients' ids, in the order their first child appears."""
        return tuple(dict.fromkeys(row.client_id for row in self.children))

    @property
    def client_names(self) -> tuple[str, ...]:
        names = {row.client_id: row.client_name for row in self.children}
        return tuple(names[c] for c in self.clients)


def group_of(row: BoardRow, groups: Sequence[Group]) -> Group | None:
    """The group of `groups` (what the board's correlator made of the open rows) `row`
    belongs to, if any."""
    return next((group for group in groups if row.key in group.members), None)


def draft(
    selected: Sequence[BoardRow],
    open_rows: Sequence[BoardRow],
    groups: Sequence[Group],
    me: Identity,
) -> Declaration:
    """A declaration to edit: the selected rows as children; one row alone brings the
    group of `groups` it is part of (its label the title) — the groups the board shows,
    not correlated again on the GUI thread. I am the commander."""
    if len(selected) == 1:
        group = group_of(selected[0], groups)
        if group is not None:
            return group_draft(group, open_rows, me)
    return _draft(selected, selected[0].title if len(selected) == 1 else "", me)


def group_draft(group: Group, open_rows: Sequence[BoardRow], me: Identity) -> Declaration:
    """A declaration of a correlated group (M on its row): its open members as children,
    its label the title."""
    by_key = {r.key: r for r in open_rows}
    children = [by_key[k] for k in group.members if k in by_key]
    reasons = {k: r for k, r in zip(group.members, group.reasons, strict=False) if k in by_key}
    return _draft(children, group.label, me, reasons)


def _draft(
    children: Sequence[BoardRow],
    title: str,
    me: Identity,
    reasons: Mapping[IncidentKey, Reason] | None = None,
) -> Declaration:
    severity = min((r.priority for r in children), default=Priority.P1)
    severity = severity if severity in SEVERITIES else Priority.P2
    return Declaration(title, severity, me.name, "", tuple(children), dict(reasons or {}))


def declare(
    declaration: Declaration,
    me: Identity,
    now: datetime,
    native_links: Container[str] = (),
) -> tuple[MajorIncident, Callable[[MajorIncident], list[Action]]]:
    """The record to store and, for `Store.declare_major_incident`, the actions its
    children's PSAs get once it has its number; `CannotDeclare` with what to fix."""
    check(declaration)
    d = declaration
    title, commander, comms = d.title.strip(), d.commander.strip(), d.comms_lead.strip()
    children = tuple(
        MajorIncidentChild(r.key, r.client_id, " ".join(r.title.split())[:1000], now)
        for r in dict((r.key, r) for r in d.children).values()
    )
    record = MajorIncident(
        title=" ".join(title.split()), severity=d.severity, commander=" ".join(commander.split()),
        comms_lead=" ".join(comms.split()), declared_at=now, declared_by=me.name or commander,
        clients=d.clients, children=children,
        detected_at=min(r.created_at for r in d.children),
    )  # fmt: skip
    names = dict(zip(d.clients, d.client_names, strict=True))

    def actions(stored: MajorIncident) -> list[Action]:
        return child_actions(stored, names, me, native_links)

    return record, actions


def check(declaration: Declaration) -> None:
    """`CannotDeclare` with the first thing to fix (the dialog asks before it sends)."""
    d = declaration
    if not d.children:
        raise CannotDeclare("a major incident needs at least one incident: select its rows "
                            "or its group on the board, then press M")  # fmt: skip
    if not d.title.strip():
        raise CannotDeclare("give the major incident a title (what clients will read)")
    if not d.commander.strip():
        raise CannotDeclare("name the incident commander")
    if not d.comms_lead.strip():
        raise CannotDeclare("name the communications lead")
    if d.severity not in SEVERITIES:
        raise CannotDeclare(f"a major incident is P1 or P2, not {d.severity.value}")
    closed = [str(r.key) for r in d.children if not r.is_open]
    if closed:
        raise CannotDeclare(f"{', '.join(closed)} is closed: leave it out of the major incident")


def child_actions(
    record: MajorIncident,
    client_names: dict[str, str],
    me: Identity,
    native_links: Container[str] = (),
) -> list[Action]:
    """For each child: an internal note naming the major incident and its other tickets,
    then, for a source in `native_links`, a link from each of its other children to the
    source's lead child (its first) in their own PSA — one link each, not every pair."""
    found: list[Action] = []
    leads: dict[str, IncidentKey] = {}
    for child in record.children:
        text = note_text(record, child.key, client_names)
        found.append(Action(child.key, ActionKind.NOTE, {"text": text, "internal": True},
                            author=me.name))  # fmt: skip
        if child.key.source not in native_links:
            continue
        lead = leads.setdefault(child.key.source, child.key)
        if lead != child.key:
            payload = {"refers_to": [lead.external_id], "reference": record.reference}
            found.append(Action(child.key, ActionKind.LINK, payload, author=me.name))
    return found


def note_text(record: MajorIncident, key: IncidentKey, client_names: dict[str, str]) -> str:
    """The internal note on child `key`: what it is part of, who runs it, the others."""
    others = [c for c in record.children if c.key != key]
    clients = len(record.clients)
    lines = [
        f"Major incident {record.reference} ({record.severity.value}): {record.title}",
        f"Declared {record.declared_at:%Y-%m-%d %H:%M} UTC by {record.declared_by}. "
        f"Incident commander: {record.commander}; communications lead: {record.comms_lead}.",
        f"This ticket is one of {len(record.children)} linked incidents across {clients} "
        f"client{'s' if clients != 1 else ''}; client updates follow from the major incident.",
    ]
    if others:
        named = [f"{c.key} ({client_names.get(c.client_id, c.client_id)})"
                 for c in others[:NAMED_IN_NOTE]]  # fmt: skip
        more = len(others) - len(named)
        lines.append("Linked: " + ", ".join(named) + (f" and {more} more" if more else ""))
    return "\n".join(lines)
