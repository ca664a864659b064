"""Shift handover: incident history (status, tier, priority changes) and handovers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("old", sa.String(32), nullable=False),
        sa.Column("new", sa.String(32), nullable=False),
    )
    op.create_index("ix_incident_events_at", "incident_events", ["at"])
    op.create_index("ix_incident_events_key", "incident_events", ["source", "external_id"])
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("shift_name", sa.String(100), nullable=False),
        sa.Column("shift_start", UtcDateTime(), nullable=False),
        sa.Column("shift_end", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("acknowledged_by", sa.String(200), nullable=True),
        sa.Column("acknowledged_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ux_handovers_shift", "handovers", ["shift_name", "shift_start"], unique=True)
    op.create_index("ix_incidents_created_at", "incidents", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_incidents_created_at", "incidents")
    op.drop_index("ux_handovers_shift", "handovers")
    op.drop_table("handovers")
    op.drop_index("ix_incident_events_key", "incident_events")
    op.drop_index("ix_incident_events_at", "incident_events")
    op.drop_table("incident_events")
