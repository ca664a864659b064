"""A client update: the words per affected client, then one client-visible note on
every child ticket, through the outbox, recorded on the timeline.

`compose_update` fills the phase's template for each client (its own wording, else
the NOC's) so the sender can read and edit each text; `send_update` puts exactly one
note per child in the outbox and the "update sent" event on the timeline in one
transaction — never one without the other. Delivery is the outbox's: a child whose PSA
refuses the note shows as a failed action on that child, with the reason, retryable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from noc_console.models.actions import Action, ActionKind
from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.store import Store
from noc_console.models.comms_template import Phase, TemplateSet, render
from noc_console.models.incident import IncidentKey
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentEvent,
    UpdateCadence,
)
from noc_console.services.identity import Identity


class CannotSend(ValueError):
    """The update cannot go out as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class ClientUpdate:
    """What one client is told, and the tickets of that client it goes to."""

    client_id: str
    client_name: str
    text: str
    own_template: bool  # the client's own wording (else the NOC's default)
    children: tuple[IncidentKey, ...]


def stamp(when: datetime | None) -> str:
    """A time as updates print it: `2026-11-25 14:00 UTC` ("not yet" for None)."""
    return "not yet" if when is None else when.strftime("%Y-%m-%d %H:%M UTC")


def compose_update(
    record: MajorIncident,
    phase: Phase,
    impact: str,
    templates: TemplateSet,
    cadence: UpdateCadence,
    client_names: Mapping[str, str],
    now: datetime,
) -> list[ClientUpdate]:
    """The update each affected client would get, in the record's client order.
    `TemplateError` when a phase has no template at all."""
    next_update = (
        "no further updates" if phase is Phase.RESOLVED
        else stamp(now + cadence.interval(record.severity))
    )  # fmt: skip
    by_client: dict[str, list[IncidentKey]] = {}
    for child in record.children:
        by_client.setdefault(child.client_id, []).append(child.key)
    order = [c for c in record.clients if c in by_client]
    order += [c for c in by_client if c not in order]
    updates = []
    for client_id in order:
        name = client_names.get(client_id) or client_id
        values = {
            "client": name, "title": record.title, "impact": impact.strip() or "under assessment",
            "start": stamp(record.detected_at or record.declared_at), "next_update": next_update,
            "reference": record.reference, "phase": phase.label,
        }  # fmt: skip
        text = render(templates.text_for(client_id, phase), values)
        updates.append(ClientUpdate(client_id, name, text, templates.has_own(client_id, phase),
                                    tuple(by_client[client_id])))  # fmt: skip
    return updates


def send_update(
    store: Store,
    record: MajorIncident,
    phase: Phase,
    updates: Sequence[ClientUpdate],
    me: Identity,
    now: datetime,
) -> tuple[MajorIncident, ChangeSet]:
    """One client-visible note per child of `updates`, and the timeline's event saying
    who sent which phase to whom; `CannotSend` for an update with nothing to send."""
    if not record.is_open:
        raise CannotSend(f"{record.reference} is resolved: there is nothing more to update")
    if not updates or not any(u.children for u in updates):
        raise CannotSend(f"{record.reference} has no child tickets to send the update to")
    empty = [u.client_name for u in updates if not u.text.strip()]
    if empty:
        raise CannotSend(f"the update for {', '.join(empty)} has no text")
    author = me.name
    actions = [
        Action(key, ActionKind.NOTE, {"text": u.text.strip(), "internal": False},
               created_at=now, author=author)
        for u in updates for key in u.children
    ]  # fmt: skip
    detail = {
        "phase": phase.value,
        "clients": {u.client_id: u.text.strip() for u in updates},
        "actions": {str(a.key): a.id for a in actions},
    }
    event = MajorIncidentEvent(EventKind.UPDATE_SENT, now, author, phase.label, detail)
    after, changed = store.act_on_major_incident(record.id, event, actions, now)
    if phase is Phase.MONITORING and after.mitigated_at is None:
        # A fix in place and being watched: the record's mitigation time.
        mitigated = MajorIncidentEvent(EventKind.MITIGATED, now, author, "Fix in place")
        after = store.record_major_incident_event(record.id, mitigated)
    return after, changed


@dataclass(frozen=True, slots=True)
class SentUpdate:
    """An update that went out (the handover's "client updates" lines)."""

    record: MajorIncident
    at: datetime
    phase: str
    by: str
    clients: int


def updates_sent(
    store: Store, start: datetime, end: datetime, limit: int = 200
) -> list[SentUpdate]:
    """Client updates sent in `[start, end)` by any major incident, oldest first."""
    found = []
    for record in store.major_incidents(open_only=False, limit=limit):
        for event in store.major_incident_events(record.id):
            if event.kind is EventKind.UPDATE_SENT and start <= event.at < end:
                clients = event.detail.get("clients")
                count = len(clients) if isinstance(clients, dict) else 0
                found.append(SentUpdate(record, event.at, event.text, event.by, count))
    return sorted(found, key=lambda u: (u.at, u.record.id))
