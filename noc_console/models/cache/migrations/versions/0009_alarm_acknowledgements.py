"""Alarm acknowledgements and snoozes, shared by every desk on the database.

One row per alarm acknowledged or snoozed (who, when, which incident, the alarm's
reason and priority, a snooze's end), appended and never changed: consoles only insert
and read them. On PostgreSQL, inserts are announced on `noc_console` like the other
tables' changes (schema 0008's `noc_console_notify_keys`), so a listening desk can
evaluate its alarms at once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLE = "alarm_acknowledgements"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("acknowledged_at", UtcDateTime(), nullable=False),
        sa.Column("acknowledged_by", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(2), nullable=False),
        sa.Column("snoozed_until", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_alarm_acknowledgements_at", TABLE, ["acknowledged_at"])
    op.create_index("ix_alarm_acknowledgements_key", TABLE, ["source", "external_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_insert_notify AFTER INSERT ON {TABLE} "
            "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
            "EXECUTE FUNCTION noc_console_notify_keys()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_insert_notify ON {TABLE}")
    op.drop_index("ix_alarm_acknowledgements_key", TABLE)
    op.drop_index("ix_alarm_acknowledgements_at", TABLE)
    op.drop_table(TABLE)
