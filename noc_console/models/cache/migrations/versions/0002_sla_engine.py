"""SLA engine: pause history, progress times, client calendars.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_pauses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
    )
    op.create_index("ix_incident_pauses_key", "incident_pauses", ["source", "external_id"])
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("paused_seconds")
        batch.add_column(sa.Column("status_since", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("tier_since", UtcDateTime(), nullable=True))
    op.execute("UPDATE incidents SET status_since = updated_at, tier_since = updated_at")
    with op.batch_alter_table("incidents") as batch:
        batch.alter_column("status_since", existing_type=UtcDateTime(), nullable=False)
        batch.alter_column("tier_since", existing_type=UtcDateTime(), nullable=False)
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("calendar", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("calendar")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("tier_since")
        batch.drop_column("status_since")
        batch.add_column(
            sa.Column("paused_seconds", sa.Integer(), nullable=False, server_default="0")
        )
    op.drop_index("ix_incident_pauses_key", "incident_pauses")
    op.drop_table("incident_pauses")
