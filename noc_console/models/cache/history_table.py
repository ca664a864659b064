"""The incident history: every change of status, tier or priority and when it happened.

The incidents table holds only the present; a shift handover must say what happened
during the shift (escalated, resolved, reopened …), so the store records, in the same
transaction as each write, the fields whose shown value changed. The time of a change
is the source's change time, or the time of the triage action that caused it when
that is later. An incident's first appearance records nothing: what it did before the
console saw it is unknown (its `created_at` still tells when it was raised).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from noc_console.models.cache.schema import EVENTS
from noc_console.models.cache.sql import Row
from noc_console.models.incident import IncidentKey

TRACKED = ("status", "tier", "priority")


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """`field` of incident `key` went from `old` to `new` at `at` (stored values)."""

    key: IncidentKey
    at: datetime
    field: str
    old: str
    new: str


def changes(previous: Row, values: Mapping[str, Any], at: datetime) -> list[IncidentEvent]:
    """The tracked fields whose value differs between the stored row and `values`."""
    key = IncidentKey(previous.source, previous.external_id)
    return [
        IncidentEvent(key, at, name, str(getattr(previous, name)), str(values[name]))
        for name in TRACKED
        if getattr(previous, name) != values[name]
    ]


def record(connection: Connection, events: Iterable[IncidentEvent]) -> None:
    rows = [
        {"source": e.key.source, "external_id": e.key.external_id, "at": e.at,
         "field": e.field, "old": e.old, "new": e.new}
        for e in events
    ]  # fmt: skip
    if rows:
        connection.execute(insert(EVENTS), rows)


def between(connection: Connection, start: datetime, end: datetime) -> list[IncidentEvent]:
    """Events in `[start, end)`, oldest first (ties in the order they were recorded)."""
    e = EVENTS.c
    query = select(EVENTS).where(e.at >= start, e.at < end).order_by(e.at, e.id)
    return [
        IncidentEvent(IncidentKey(r.source, r.external_id), r.at, r.field, r.old, r.new)
        for r in connection.execute(query)
    ]
