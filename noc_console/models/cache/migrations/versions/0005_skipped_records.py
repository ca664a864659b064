"""Skipped records per connector: how many the last sync left out, and why.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_state") as table:
        table.add_column(sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("skip_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state") as table:
        table.drop_column("skip_note")
        table.drop_column("skipped")
