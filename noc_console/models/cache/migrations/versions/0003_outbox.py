"""Outbox of triage actions; connectivity state per connector.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("base_version", sa.String(200), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("force", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("in_flight", sa.Boolean(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("retryable", sa.Boolean(), nullable=False),
        sa.Column("theirs", sa.JSON(), nullable=False),
        sa.Column("delivered_version", sa.String(200), nullable=True),
        sa.Column("settled_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_outbox_state_source", "outbox", ["state", "source"])
    op.create_index("ix_outbox_key", "outbox", ["source", "external_id"])
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))
    with op.batch_alter_table("sync_state") as batch:
        batch.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("offline_since", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("retry_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("last_reconciled_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state") as batch:
        batch.drop_column("last_reconciled_at")
        batch.drop_column("retry_at")
        batch.drop_column("offline_since")
        batch.drop_column("failures")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("snapshot")
    op.drop_index("ix_outbox_key", "outbox")
    op.drop_index("ix_outbox_state_source", "outbox")
    op.drop_table("outbox")
