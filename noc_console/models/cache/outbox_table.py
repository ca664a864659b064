"""The outbox table: durable triage actions and their delivery state.

Functions over a connection inside the store's transactions. Order is the table's
`seq`; per incident, only the oldest unsettled action may be delivered, so actions
reach the source in the order they were taken, and a failed or conflicting action
that changes the ticket holds back the ones after it until the user decides. A failed
note or native link changes no field (`CHANGED_FIELDS`): it stays failed on its row
for the user, and holds nothing back — a major incident's next client update, the
triage and the close-out still go out (a PSA that refuses a link or a note type must
not silence a client's updates).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from noc_console.models.actions import (
    CHANGED_FIELDS,
    Action,
    ActionState,
    FailureKind,
    QueuedAction,
    action_fields,
    action_from_fields,
)
from noc_console.models.cache.sql import OUTBOX, Row, chunks, key_filter
from noc_console.models.incident import IncidentKey

_O = OUTBOX.c
UNSETTLED = (ActionState.PENDING.value, ActionState.FAILED.value, ActionState.CONFLICT.value)
#: The kinds that change no incident field: failed, they hold nothing back.
FIELDLESS = tuple(kind.value for kind, fields in CHANGED_FIELDS.items() if not fields)


def add(connection: Connection, action: Action, now: datetime) -> int:
    """Insert `action` unless an action with its `id` is there already; its `seq` either
    way. Submitting again what may have landed (the connection broke during COMMIT, a
    console died between its desk spool and the outbox) so inserts nothing twice: the
    `id` column is unique, and `ON CONFLICT (id) DO NOTHING` needs only the INSERT
    privilege a console role has (docs/team.md)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OUTBOX).on_conflict_do_nothing(index_elements=[_O.id])
    connection.execute(
        statement,
        {
            **action_fields(action),
            "created_at": action.created_at or now,
            "state": ActionState.PENDING.value,
            "attempts": 0,
            "in_flight": False,
            "next_attempt_at": now,
            "retryable": True,
            "theirs": {},
        },
    )
    return int(connection.execute(select(_O.seq).where(_O.id == action.id)).scalar_one())


def pending_by_key(
    connection: Connection, keys: Sequence[IncidentKey]
) -> dict[IncidentKey, list[Action]]:
    """Pending actions of `keys`, oldest first (they overlay the source's values)."""
    found: dict[IncidentKey, list[Action]] = {}
    for chunk in chunks(keys):
        query = (
            select(OUTBOX)
            .where(key_filter(chunk, _O), _O.state == ActionState.PENDING.value)
            .order_by(_O.seq)
        )
        for r in connection.execute(query):
            action = _action(r)
            found.setdefault(action.key, []).append(action)
    return found


def deliverable(
    connection: Connection, source: str, now: datetime, owner: str = ""
) -> list[QueuedAction]:
    """For each incident of `source`, its oldest unsettled action if it is pending, due
    for an attempt and not claimed by another live claimant; in the order taken. A
    failed note or link is passed over (module docstring)."""
    holding = _O.state.in_(UNSETTLED) & ~(
        (_O.state == ActionState.FAILED.value) & _O.kind.in_(FIELDLESS)
    )
    heads = select(func.min(_O.seq)).where(_O.source == source, holding).group_by(_O.external_id)
    query = (
        select(OUTBOX)
        .where(_O.seq.in_(heads), _O.state == ActionState.PENDING.value)
        .where((_O.next_attempt_at.is_(None)) | (_O.next_attempt_at <= now))
        .where(_unclaimed(owner, now))
        .order_by(_O.seq)
    )
    return [queued(r) for r in connection.execute(query)]


def _unclaimed(owner: str, now: datetime) -> Any:
    return (
        _O.claimed_by.is_(None)
        | (_O.claimed_by == owner)
        | _O.lease_until.is_(None)
        | (_O.lease_until <= now)
    )


def claim(
    connection: Connection, seq: int, owner: str, now: datetime, lease_until: datetime
) -> QueuedAction | None:
    """Claim `seq` for `owner` and mark it in flight, or None when it is not pending any
    more or another live claimant holds it. One conditional UPDATE: atomic on every
    database, whoever else is trying at the same moment. On PostgreSQL the row is locked
    `FOR UPDATE SKIP LOCKED` first: a row another transaction is claiming right now is
    skipped, never waited for (and never claimed twice)."""
    claimable = (_O.seq == seq, _O.state == ActionState.PENDING.value, _unclaimed(owner, now))
    statement = update(OUTBOX).where(*claimable)
    if connection.dialect.name == "postgresql":
        locked = select(_O.seq).where(*claimable).with_for_update(skip_locked=True)
        statement = statement.where(_O.seq.in_(locked.scalar_subquery()))
    claimed = connection.execute(
        statement.values(
            claimed_by=owner, lease_until=lease_until, in_flight=True, attempts=_O.attempts + 1
        )
    )
    if claimed.rowcount != 1:
        return None
    return get(connection, seq)


def claims(connection: Connection, now: datetime) -> list[tuple[int, str]]:
    """(seq, claimant) of pending actions under a live lease."""
    query = select(_O.seq, _O.claimed_by).where(
        _O.state == ActionState.PENDING.value, _O.claimed_by.is_not(None), _O.lease_until > now
    )
    return [(seq, by) for seq, by in connection.execute(query)]


def release(connection: Connection, seqs: Sequence[int]) -> None:
    """End the claims on `seqs`; an action still in flight stays so (its next attempt
    is a retry)."""
    if seqs:
        connection.execute(
            update(OUTBOX).where(_O.seq.in_(seqs)).values(claimed_by=None, lease_until=None)
        )


def get(connection: Connection, seq: int) -> QueuedAction | None:
    r = connection.execute(select(OUTBOX).where(_O.seq == seq)).first()
    return queued(r) if r is not None else None


def set_state(connection: Connection, seq: int, **values: Any) -> IncidentKey:
    connection.execute(update(OUTBOX).where(_O.seq == seq), values)
    r = connection.execute(select(_O.source, _O.external_id).where(_O.seq == seq)).one()
    return IncidentKey(r.source, r.external_id)


def listing(
    connection: Connection,
    states: Iterable[ActionState] | None = None,
    key: IncidentKey | None = None,
) -> list[QueuedAction]:
    query = select(OUTBOX).order_by(_O.seq)
    if states is not None:
        query = query.where(_O.state.in_([s.value for s in states]))
    if key is not None:
        query = query.where(_O.source == key.source, _O.external_id == key.external_id)
    return [queued(r) for r in connection.execute(query)]


def marks(connection: Connection, keys: Sequence[IncidentKey]) -> dict[IncidentKey, dict[str, int]]:
    """Counts of unsettled actions per state for `keys`."""
    found: dict[IncidentKey, dict[str, int]] = {}
    for chunk in chunks(keys):
        query = (
            select(_O.source, _O.external_id, _O.state, func.count())
            .where(key_filter(chunk, _O), _O.state.in_(UNSETTLED))
            .group_by(_O.source, _O.external_id, _O.state)
        )
        for source, external_id, state, count in connection.execute(query):
            found.setdefault(IncidentKey(source, external_id), {})[state] = count
    return found


def delivered(connection: Connection, keys: Sequence[IncidentKey]) -> dict[IncidentKey, datetime]:
    """When the latest action of each of `keys` was delivered (those with one)."""
    found: dict[IncidentKey, datetime] = {}
    for chunk in chunks(keys):
        query = (
            select(_O.source, _O.external_id, func.max(_O.settled_at))
            .where(key_filter(chunk, _O), _O.state == ActionState.DELIVERED.value)
            .group_by(_O.source, _O.external_id)
        )
        for source, external_id, at in connection.execute(query):
            if at is not None:
                found[IncidentKey(source, external_id)] = at
    return found


def refused(connection: Connection, source: str) -> list[int]:
    """The actions of `source` that failed because it refused our credentials."""
    query = select(_O.seq).where(
        _O.source == source,
        _O.state == ActionState.FAILED.value,
        _O.failure == FailureKind.CREDENTIALS.value,
    )
    return [seq for (seq,) in connection.execute(query.order_by(_O.seq))]


def unsettled_keys(connection: Connection) -> list[IncidentKey]:
    query = select(_O.source, _O.external_id).where(_O.state.in_(UNSETTLED)).distinct()
    return [IncidentKey(s, e) for s, e in connection.execute(query)]


def count_unsettled(connection: Connection, source: str) -> int:
    query = select(func.count()).where(_O.source == source, _O.state.in_(UNSETTLED))
    return int(connection.scalar(query) or 0)


def queued(r: Row) -> QueuedAction:
    return QueuedAction(
        seq=r.seq,
        action=_action(r),
        state=ActionState(r.state),
        attempts=r.attempts,
        in_flight=r.in_flight,
        next_attempt_at=r.next_attempt_at,
        last_error=r.last_error,
        retryable=r.retryable,
        failure=FailureKind(r.failure) if r.failure else None,
        theirs=r.theirs or {},
        delivered_version=r.delivered_version,
    )


def _action(r: Row) -> Action:
    return action_from_fields(r._mapping)
