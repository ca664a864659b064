"""Stored alarm acknowledgements and snoozes: who silenced which alarm, and when.

Append-only: a row is inserted when someone acknowledges or snoozes an alarm and never
changed, so every desk on the database can read what the others did since it last
looked (`listing(after=…)`) and go quiet too. The alarm's reason is stored as its
text (`new`, `critical`, `breached`: services/alarms.py owns what those mean).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from noc_console.models.cache.schema import ALARM_ACKNOWLEDGEMENTS
from noc_console.models.cache.sql import Row
from noc_console.models.incident import IncidentKey, Priority

_A = ALARM_ACKNOWLEDGEMENTS.c
#: The most rows one read returns: a desk catching up reads the rest next time.
READ_LIMIT = 5000


class AckKind(StrEnum):
    ACK = "ack"  # acknowledged: this alarm stops, on every desk
    SNOOZE = "snooze"  # no sound until `snoozed_until`, on every desk


@dataclass(frozen=True, slots=True)
class AlarmAcknowledgement:
    key: IncidentKey
    reason: str  # the alarm's kind: new, critical, breached
    priority: Priority
    kind: AckKind
    at: datetime
    by: str
    snoozed_until: datetime | None = None
    id: int = 0  # 0 until stored


def append(connection: Connection, acks: Sequence[AlarmAcknowledgement]) -> None:
    connection.execute(
        insert(ALARM_ACKNOWLEDGEMENTS),
        [
            {"acknowledged_at": a.at, "acknowledged_by": a.by[:200], "kind": a.kind.value,
             "source": a.key.source, "external_id": a.key.external_id, "reason": a.reason,
             "priority": a.priority.value, "snoozed_until": a.snoozed_until}
            for a in acks
        ],
    )  # fmt: skip


def listing(
    connection: Connection,
    after: int = 0,
    since: datetime | None = None,
    key: IncidentKey | None = None,
) -> list[AlarmAcknowledgement]:
    """Rows with an id above `after` (made at `since` or later, of incident `key`),
    oldest first."""
    query = select(ALARM_ACKNOWLEDGEMENTS).where(_A.id > after)
    if since is not None:
        query = query.where(_A.acknowledged_at >= since)
    if key is not None:
        query = query.where(_A.source == key.source, _A.external_id == key.external_id)
    rows = connection.execute(query.order_by(_A.id).limit(READ_LIMIT))
    return [a for a in (_acknowledgement(r) for r in rows) if a is not None]


def _acknowledgement(r: Row) -> AlarmAcknowledgement | None:
    """The row, or None for one this version cannot read (a newer kind or priority)."""
    try:
        kind, priority = AckKind(r.kind), Priority(r.priority)
    except ValueError:
        return None
    return AlarmAcknowledgement(
        IncidentKey(r.source, r.external_id), r.reason, priority, kind,
        r.acknowledged_at, r.acknowledged_by, r.snoozed_until, r.id,
    )  # fmt: skip
