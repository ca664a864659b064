"""Service metrics: per-incident facts the metrics add up, and indexes for their periods.

`symptom` (the title's and category's key for recurrence, `models/symptom.py`),
`created_s` (epoch seconds), `response_wall_s` (raised → answered),
`resolution_wall_s` (raised → resolved without paused time) and
`resolution_business_s` (the same in the business time of its resolution clock) are
written with every incident by the store (`incident_columns.metric_facts`): the
metrics' SQL then adds integers instead of parsing times. Here existing rows get all
but `resolution_business_s`, which needs the configured calendars: incidents resolved
before this revision count in MTTR but not in business MTTR (docs/metrics.md).

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-28
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime
from noc_console.models.symptom import symptom

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_incidents_resolved_at", ["resolved_at"]),
    ("ix_incidents_responded_at", ["responded_at"]),
    ("ix_incidents_recurrence", ["client_id", "symptom", "created_s"]),
)
FACTS = ("created_s", "response_wall_s", "resolution_wall_s", "resolution_business_s")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Span = tuple[datetime, datetime | None]


def upgrade() -> None:
    with op.batch_alter_table("incidents") as table:
        table.add_column(sa.Column("symptom", sa.String(200), server_default="", nullable=False))
        for name in FACTS:
            table.add_column(sa.Column(name, sa.Integer, nullable=True))
    _fill()
    for name, columns in INDEXES:
        op.create_index(name, "incidents", columns)


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.drop_index(name, "incidents")
    with op.batch_alter_table("incidents") as table:
        for name in reversed(FACTS):
            table.drop_column(name)
        table.drop_column("symptom")


def _fill() -> None:
    connection = op.get_bind()
    incidents = sa.table(
        "incidents",
        *(sa.column(name, sa.String) for name in ("source", "external_id", "title", "category")),
        *(sa.column(name, UtcDateTime) for name in ("created_at", "responded_at", "resolved_at")),
        *(sa.column(name, sa.Integer) for name in FACTS),
        sa.column("symptom", sa.String),
    )
    pauses = sa.table(
        "incident_pauses",
        sa.column("source", sa.String),
        sa.column("external_id", sa.String),
        sa.column("started_at", UtcDateTime),
        sa.column("ended_at", UtcDateTime),
    )
    i, p = incidents.c, pauses.c
    paused: dict[tuple[str, str], list[Span]] = {}
    for pause in connection.execute(sa.select(p.source, p.external_id, p.started_at, p.ended_at)):
        key = (pause.source, pause.external_id)
        paused.setdefault(key, []).append((pause.started_at, pause.ended_at))
    rows = []
    query = sa.select(i.source, i.external_id, i.title, i.category, i.created_at,
                      i.responded_at, i.resolved_at)  # fmt: skip
    for one in connection.execute(query):
        created, resolved = one.created_at, one.resolved_at
        answered = one.responded_at or resolved
        spans = paused.get((one.source, one.external_id), [])
        rows.append({
            "b_source": one.source, "b_external_id": one.external_id,
            "symptom": symptom(one.title, one.category),
            "created_s": int((created - _EPOCH).total_seconds()),
            "response_wall_s": _seconds(answered, created, []) if answered else None,
            "resolution_wall_s": _seconds(resolved, created, spans) if resolved else None,
        })  # fmt: skip
    if rows:
        names = ("symptom", "created_s", "response_wall_s", "resolution_wall_s")
        statement = (
            incidents.update()
            .where(i.source == sa.bindparam("b_source"))
            .where(i.external_id == sa.bindparam("b_external_id"))
            .values({name: sa.bindparam(name) for name in names})
        )
        connection.execute(statement, rows)


def _seconds(end: datetime, start: datetime, spans: list[Span]) -> int:
    """`end` − `start` without the paused stretches between them, in whole seconds."""
    total = (end - start).total_seconds()
    for begin, finish in spans:
        a, b = max(begin, start), min(finish or end, end)
        if b > a:
            total -= (b - a).total_seconds()
    return max(0, round(total))
