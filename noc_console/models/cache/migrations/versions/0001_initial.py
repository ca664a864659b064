"""Initial cache: clients, incidents, sync state.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("contract", sa.String(100), nullable=False),
    )
    op.create_table(
        "incidents",
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("external_id", sa.String(200), primary_key=True),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("source_status", sa.String(200), nullable=False),
        sa.Column("priority", sa.String(4), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(8), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("responded_at", UtcDateTime(), nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("response_due", UtcDateTime(), nullable=True),
        sa.Column("resolution_due", UtcDateTime(), nullable=True),
        sa.Column("response_due_origin", sa.String(16), nullable=False),
        sa.Column("resolution_due_origin", sa.String(16), nullable=False),
        sa.Column("response_target_s", sa.Integer(), nullable=False),
        sa.Column("resolution_target_s", sa.Integer(), nullable=False),
        sa.Column("paused_since", UtcDateTime(), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("next_deadline", UtcDateTime(), nullable=True),
        sa.Column("version", sa.String(200), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
    )
    op.create_index("ix_incidents_client_id", "incidents", ["client_id"])
    op.create_index("ix_incidents_open_deadline", "incidents", ["is_open", "next_deadline"])
    op.create_table(
        "sync_state",
        sa.Column("connector", sa.String(100), primary_key=True),
        sa.Column("watermark", UtcDateTime(), nullable=True),
        sa.Column("last_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("last_success_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sync_state")
    op.drop_index("ix_incidents_open_deadline", "incidents")
    op.drop_index("ix_incidents_client_id", "incidents")
    op.drop_table("incidents")
    op.drop_table("clients")
