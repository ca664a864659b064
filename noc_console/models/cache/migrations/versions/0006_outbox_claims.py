"""Outbox claims (who is delivering an action, until when) and sync warnings.

An action is claimed in the same transaction that marks it in flight, so two
processes sharing a cache never deliver it twice; a dead claimant's lease expires.
`sync_state.warning` says when a source looks stuck (a future-dated watermark, or a
full listing that finds changes the incremental sync never saw).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("claimed_by", sa.String(200), nullable=True))
        table.add_column(sa.Column("lease_until", UtcDateTime(), nullable=True))
    with op.batch_alter_table("sync_state") as table:
        table.add_column(sa.Column("warning", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state") as table:
        table.drop_column("warning")
    with op.batch_alter_table("outbox") as table:
        table.drop_column("lease_until")
        table.drop_column("claimed_by")
