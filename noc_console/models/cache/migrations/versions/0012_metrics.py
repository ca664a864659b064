"""Service metrics: per-incident facts the metrics add up, and indexes for their periods.

`symptom` (the title's and category's key for recurrence, `models/symptom.py`),
`paused_s` (wall-clock seconds a resolved incident spent paused) and
`resolution_business_s` (created → resolved in the business time of its resolution
clock, pauses excluded) are written with every incident by the store. Here, existing
rows get `symptom` and `paused_s` (both need only the cache); `resolution_business_s`
needs the configured calendars, so incidents resolved before this revision have none
and count in MTTR but not in business MTTR (docs/metrics.md).

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-28
"""

from datetime import datetime

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
    ("ix_incidents_recurrence", ["client_id", "symptom", "created_at"]),
)


def upgrade() -> None:
    with op.batch_alter_table("incidents") as table:
        table.add_column(sa.Column("symptom", sa.String(200), server_default="", nullable=False))
        table.add_column(sa.Column("paused_s", sa.Integer, nullable=True))
        table.add_column(sa.Column("resolution_business_s", sa.Integer, nullable=True))
    _fill()
    for name, columns in INDEXES:
        op.create_index(name, "incidents", columns)


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.drop_index(name, "incidents")
    with op.batch_alter_table("incidents") as table:
        table.drop_column("resolution_business_s")
        table.drop_column("paused_s")
        table.drop_column("symptom")


def _fill() -> None:
    connection = op.get_bind()
    incidents = sa.table(
        "incidents",
        sa.column("source", sa.String),
        sa.column("external_id", sa.String),
        sa.column("title", sa.String),
        sa.column("category", sa.String),
        sa.column("created_at", UtcDateTime),
        sa.column("resolved_at", UtcDateTime),
        sa.column("symptom", sa.String),
        sa.column("paused_s", sa.Integer),
    )
    pauses = sa.table(
        "incident_pauses",
        sa.column("source", sa.String),
        sa.column("external_id", sa.String),
        sa.column("started_at", UtcDateTime),
        sa.column("ended_at", UtcDateTime),
    )
    i, p = incidents.c, pauses.c
    paused: dict[tuple[str, str], list[tuple[datetime, datetime | None]]] = {}
    for row in connection.execute(sa.select(p.source, p.external_id, p.started_at, p.ended_at)):
        paused.setdefault((row.source, row.external_id), []).append((row.started_at, row.ended_at))
    rows = []
    query = sa.select(i.source, i.external_id, i.title, i.category, i.created_at, i.resolved_at)
    for one in connection.execute(query):
        seconds = None
        if one.resolved_at is not None:
            spans = paused.get((one.source, one.external_id), [])
            seconds = _paused(one.created_at, one.resolved_at, spans)
        rows.append({"b_source": one.source, "b_external_id": one.external_id,
                     "symptom": symptom(one.title, one.category), "paused_s": seconds})  # fmt: skip
    if rows:
        statement = (
            incidents.update()
            .where(
                i.source == sa.bindparam("b_source"), i.external_id == sa.bindparam("b_external_id")
            )
            .values(symptom=sa.bindparam("symptom"), paused_s=sa.bindparam("paused_s"))
        )
        connection.execute(statement, rows)


def _paused(
    created: datetime, resolved: datetime, spans: list[tuple[datetime, datetime | None]]
) -> int:
    total = 0.0
    for start, end in spans:
        begin, finish = max(start, created), min(end or resolved, resolved)
        if finish > begin:
            total += (finish - begin).total_seconds()
    return round(total)
