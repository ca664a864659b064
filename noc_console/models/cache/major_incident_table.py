"""Stored major incidents: the record, its children and its timeline (schema 0013).

The timeline is appended and never changed; the record's times and state are what its
events made of it (`models/major_incident.py` `after_event`), written in the same
transaction as the event, so the two never disagree. Text from PSAs (a child's title)
and from people (title, names) is cut to its column's size, never refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection

from noc_console.models.cache.schema import (
    MAJOR_INCIDENT_CHILDREN,
    MAJOR_INCIDENT_EVENTS,
    MAJOR_INCIDENTS,
)
from noc_console.models.cache.sql import Row
from noc_console.models.errors import EnvironmentProblem
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import (
    EventKind,
    MajorIncident,
    MajorIncidentChild,
    MajorIncidentEvent,
    MajorIncidentState,
    after_event,
)

_M = MAJOR_INCIDENTS.c
_C = MAJOR_INCIDENT_CHILDREN.c
_E = MAJOR_INCIDENT_EVENTS.c


#: The transaction-level advisory lock declaring and joining take on PostgreSQL ("NOC"
#: and 3): "no child is in another open major incident" and the insert are one step, so
#: two desks declaring the same group at once cannot both pass the check.
CHILDREN_LOCK = 0x4E4F4303


def serialize_children(connection: Connection) -> None:
    """Wait for any other declaration or join on this database to commit (SQLite's
    writes are one at a time already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHILDREN_LOCK})


class MajorIncidentError(EnvironmentProblem):
    """A major incident that cannot be stored as asked (the message says why)."""


def insert_record(connection: Connection, record: MajorIncident) -> int:
    """Store `record` and its children; its new id."""
    result = connection.execute(insert(MAJOR_INCIDENTS), _record_values(record))
    assert result.inserted_primary_key is not None
    number = int(result.inserted_primary_key[0])
    add_children(connection, number, record.children, record.declared_at)
    return number


def add_children(
    connection: Connection, number: int, children: Iterable[MajorIncidentChild], at: datetime
) -> list[MajorIncidentChild]:
    """Link `children` not linked yet; those added."""
    known = set(child_keys(connection, number))
    fresh = list({c.key: c for c in children if c.key not in known}.values())
    if fresh:
        connection.execute(
            insert(MAJOR_INCIDENT_CHILDREN),
            [{"major_incident_id": number, "source": c.key.source,
              "external_id": c.key.external_id, "client_id": c.client_id[:200],
              "title": c.title[:1000], "added_at": c.added_at or at,
              "position": len(known) + n} for n, c in enumerate(fresh)],
        )  # fmt: skip
    return fresh


def join(
    connection: Connection, number: int, children: Sequence[MajorIncidentChild],
    event: MajorIncidentEvent,
) -> tuple[MajorIncident, list[MajorIncidentChild]]:  # fmt: skip
    """Add `children` to open record `number` (those not in it yet), their clients to its
    affected clients and `event` to its timeline; the record as it is now and the
    children added. `MajorIncidentError` for an unknown or resolved record."""
    serialize_children(connection)
    current = get(connection, number)
    if current is None:
        raise MajorIncidentError(f"there is no major incident MI-{number}")
    if not current.is_open:
        raise MajorIncidentError(f"{current.reference} was resolved meanwhile: nothing added")
    taken = of_incidents(connection, [c.key for c in children])
    elsewhere = [c.key for c in children if taken.get(c.key, number) != number]
    if elsewhere:
        raise MajorIncidentError(f"{elsewhere[0]} joined MI-{taken[elsewhere[0]]} meanwhile: "
                                 "nothing added")  # fmt: skip
    fresh = add_children(connection, number, children, event.at)
    if not fresh:
        return current, []
    clients = list(dict.fromkeys((*current.clients, *(c.client_id[:200] for c in fresh))))
    connection.execute(update(MAJOR_INCIDENTS).where(_M.id == number), {"clients": clients})
    append_event(connection, number, event)
    stored = get(connection, number)
    assert stored is not None
    return stored, fresh


def child_keys(connection: Connection, number: int) -> list[IncidentKey]:
    query = select(_C.source, _C.external_id).where(_C.major_incident_id == number)
    return [IncidentKey(*r) for r in connection.execute(query)]


def append_event(connection: Connection, number: int, event: MajorIncidentEvent) -> MajorIncident:
    """Add `event` to the timeline of record `number` and set the times it sets; the
    record as it is now."""
    current = get(connection, number)
    if current is None:
        raise MajorIncidentError(f"there is no major incident MI-{number}")
    connection.execute(
        insert(MAJOR_INCIDENT_EVENTS),
        {"major_incident_id": number, "at": event.at, "kind": event.kind.value,
         "by": event.by[:200], "text": event.text, "detail": dict(event.detail)},
    )  # fmt: skip
    after = after_event(current, event)
    if after != current:
        values = _record_values(after)
        for fixed in ("title", "severity", "commander", "comms_lead", "clients", "declared_at",
                      "declared_by", "detected_at"):  # fmt: skip
            del values[fixed]
        connection.execute(update(MAJOR_INCIDENTS).where(_M.id == number), values)
    return after


def get(connection: Connection, number: int) -> MajorIncident | None:
    r = connection.execute(select(MAJOR_INCIDENTS).where(_M.id == number)).first()
    if r is None:
        return None
    return _records(connection, [r])[0]


def listing(connection: Connection, open_only: bool, limit: int) -> list[MajorIncident]:
    """Newest declared first (open ones only, if asked)."""
    query = select(MAJOR_INCIDENTS).order_by(_M.declared_at.desc(), _M.id.desc()).limit(limit)
    if open_only:
        query = query.where(_M.state == MajorIncidentState.OPEN.value)
    return _records(connection, list(connection.execute(query)))


def active_between(connection: Connection, start: datetime, end: datetime) -> list[MajorIncident]:
    """Records open at some moment of [start, end): declared before `end` and not
    resolved before `start`; in the order they were declared."""
    query = (
        select(MAJOR_INCIDENTS)
        .where(_M.declared_at < end)
        .where((_M.resolved_at.is_(None)) | (_M.resolved_at >= start))
        .order_by(_M.declared_at, _M.id)
    )
    return _records(connection, list(connection.execute(query)))


def event_counts(connection: Connection, numbers: Sequence[int], kind: EventKind) -> dict[int, int]:
    """How many `kind` events each of records `numbers` has (0 is left out)."""
    if not numbers:
        return {}
    query = (
        select(_E.major_incident_id, func.count())
        .where(_E.major_incident_id.in_(list(numbers)))
        .where(_E.kind == kind.value)
        .group_by(_E.major_incident_id)
    )
    return {int(n): int(c) for n, c in connection.execute(query)}


def events(connection: Connection, number: int) -> list[MajorIncidentEvent]:
    """The timeline of record `number`, oldest first (kinds this version does not know
    are left out)."""
    query = select(MAJOR_INCIDENT_EVENTS).where(_E.major_incident_id == number)
    found = []
    for r in connection.execute(query.order_by(_E.at, _E.id)):
        try:
            kind = EventKind(r.kind)
        except ValueError:
            continue
        detail = r.detail if isinstance(r.detail, dict) else {}
        found.append(MajorIncidentEvent(kind, r.at, r.by, r.text, detail, number, r.id))
    return found


def of_incidents(connection: Connection, keys: Sequence[IncidentKey]) -> dict[IncidentKey, int]:
    """The open major incident each of `keys` belongs to (the newest, if several)."""
    if not keys:
        return {}
    wanted = set(keys)
    query = (
        select(_C.source, _C.external_id, _C.major_incident_id)
        .join(MAJOR_INCIDENTS, _M.id == _C.major_incident_id)
        .where(_M.state == MajorIncidentState.OPEN.value)
        .order_by(_C.major_incident_id)
    )
    found: dict[IncidentKey, int] = {}
    for source, external_id, number in connection.execute(query):
        key = IncidentKey(source, external_id)
        if key in wanted:
            found[key] = number
    return found


def _record_values(record: MajorIncident) -> dict[str, Any]:
    return {
        "title": record.title[:300], "severity": record.severity.value,
        "commander": record.commander[:200], "comms_lead": record.comms_lead[:200],
        "clients": list(record.clients), "state": record.state.value,
        "declared_at": record.declared_at, "declared_by": record.declared_by[:200],
        "detected_at": record.detected_at, "first_update_at": record.first_update_at,
        "last_update_at": record.last_update_at, "mitigated_at": record.mitigated_at,
        "resolved_at": record.resolved_at,
    }  # fmt: skip


def _records(connection: Connection, rows: list[Row]) -> list[MajorIncident]:
    children: dict[int, list[MajorIncidentChild]] = {r.id: [] for r in rows}
    if children:
        query = (
            select(MAJOR_INCIDENT_CHILDREN)
            .where(_C.major_incident_id.in_(list(children)))
            .order_by(_C.major_incident_id, _C.position)
        )
        for c in connection.execute(query):
            children[c.major_incident_id].append(
                MajorIncidentChild(
                    IncidentKey(c.source, c.external_id), c.client_id, c.title, c.added_at
                )
            )
    return [
        MajorIncident(
            title=r.title,
            severity=_severity(r.severity),
            commander=r.commander,
            comms_lead=r.comms_lead,
            declared_at=r.declared_at,
            declared_by=r.declared_by,
            clients=tuple(str(c) for c in (r.clients or [])),
            children=tuple(children[r.id]),
            state=_state(r.state),
            detected_at=r.detected_at,
            first_update_at=r.first_update_at,
            last_update_at=r.last_update_at,
            mitigated_at=r.mitigated_at,
            resolved_at=r.resolved_at,
            id=r.id,
        )
        for r in rows
    ]


def _severity(value: str) -> Priority:
    try:
        return Priority(value)
    except ValueError:
        return Priority.P1  # a newer version's severity: shown as the most urgent


def _state(value: str) -> MajorIncidentState:
    try:
        return MajorIncidentState(value)
    except ValueError:
        return MajorIncidentState.OPEN
