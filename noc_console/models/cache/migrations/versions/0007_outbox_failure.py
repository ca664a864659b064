"""Why an outbox action failed (`outbox.failure`): "credentials" (the source refused
our credentials: it is queued again by itself once the connector's secret changes) or
"rejected" (the source refused the action itself: a person decides). Failed actions
already in the cache are classified by their `retryable` flag, which only refused
credentials set.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("failure", sa.String(16), nullable=True))
    outbox = sa.table(
        "outbox",
        sa.column("state", sa.String),
        sa.column("retryable", sa.Boolean),
        sa.column("failure", sa.String),
    )
    failed = outbox.c.state == "failed"
    op.execute(outbox.update().where(failed, outbox.c.retryable).values(failure="credentials"))
    op.execute(outbox.update().where(failed, ~outbox.c.retryable).values(failure="rejected"))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.drop_column("failure")
