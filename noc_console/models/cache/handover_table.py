"""Stored shift handovers: what the outgoing lead handed over, and who took it.

A handover is saved once per shift occurrence (name and start); saving again before
it is acknowledged replaces it, after that it is a record and cannot change. The
rendered HTML is kept as it was handed over, so browsing an old handover shows what
the incoming lead read, not today's state of its incidents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from noc_console.models.cache.schema import HANDOVERS
from noc_console.models.cache.sql import Row
from noc_console.models.errors import EnvironmentProblem
from noc_console.models.incident import IncidentKey

_H = HANDOVERS.c


class HandoverError(EnvironmentProblem):
    """A handover that cannot be saved or acknowledged as asked (the message says why)."""


@dataclass(frozen=True, slots=True)
class SavedHandover:
    shift_name: str
    shift_start: datetime
    shift_end: datetime
    created_at: datetime
    author: str
    note: str = ""
    notes: Mapping[IncidentKey, str] = field(default_factory=dict)  # per incident
    html: str = ""
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    id: int = 0  # 0 until stored

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


def save(connection: Connection, handover: SavedHandover) -> SavedHandover:
    """Insert `handover`, or replace the unacknowledged one of the same shift."""
    values = {
        "shift_name": handover.shift_name, "shift_start": handover.shift_start,
        "shift_end": handover.shift_end, "created_at": handover.created_at,
        "author": handover.author, "note": handover.note, "html": handover.html,
        "notes": {str(key): text for key, text in handover.notes.items() if text.strip()},
    }  # fmt: skip
    existing = for_shift(connection, handover.shift_name, handover.shift_start)
    if existing is None:
        result = connection.execute(insert(HANDOVERS), values)
        assert result.inserted_primary_key is not None
        number = int(result.inserted_primary_key[0])
    elif existing.acknowledged:
        raise HandoverError(
            f"the handover of shift {handover.shift_name} was acknowledged by "
            f"{existing.acknowledged_by}; it can no longer change"
        )
    else:
        number = existing.id
        connection.execute(update(HANDOVERS).where(_H.id == number), values)
    found = get(connection, number)
    assert found is not None
    return found


def acknowledge(connection: Connection, number: int, name: str, at: datetime) -> SavedHandover:
    if not name.strip():
        raise HandoverError("say who acknowledges the handover (a name is required)")
    current = get(connection, number)
    if current is None:
        raise HandoverError(f"there is no handover number {number}")
    if current.acknowledged:
        raise HandoverError(f"handover {number} was already acknowledged by "
                            f"{current.acknowledged_by}")  # fmt: skip
    connection.execute(
        update(HANDOVERS).where(_H.id == number),
        {"acknowledged_by": name.strip(), "acknowledged_at": at},
    )
    found = get(connection, number)
    assert found is not None
    return found


def get(connection: Connection, number: int) -> SavedHandover | None:
    r = connection.execute(select(HANDOVERS).where(_H.id == number)).first()
    return _handover(r) if r is not None else None


def for_shift(connection: Connection, name: str, start: datetime) -> SavedHandover | None:
    query = select(HANDOVERS).where(_H.shift_name == name, _H.shift_start == start)
    r = connection.execute(query).first()
    return _handover(r) if r is not None else None


def listing(
    connection: Connection, limit: int, unacknowledged_only: bool = False
) -> list[SavedHandover]:
    """The newest `limit` handovers, newest shift first (or only those nobody has
    acknowledged yet: what the board's flag asks every 30 s, in the database)."""
    query = select(HANDOVERS).order_by(_H.shift_start.desc(), _H.id.desc()).limit(limit)
    if unacknowledged_only:
        query = query.where(_H.acknowledged_at.is_(None))
    return [_handover(r) for r in connection.execute(query)]


def _handover(r: Row) -> SavedHandover:
    notes = {}
    for text_key, text in (r.notes or {}).items():
        source, _, external_id = str(text_key).partition(":")
        notes[IncidentKey(source, external_id)] = str(text)
    return SavedHandover(
        shift_name=r.shift_name, shift_start=r.shift_start, shift_end=r.shift_end,
        created_at=r.created_at, author=r.author, note=r.note, notes=notes, html=r.html,
        acknowledged_by=r.acknowledged_by, acknowledged_at=r.acknowledged_at, id=r.id,
    )  # fmt: skip
