"""Major incidents: the record, its children and its timeline (issue 21).

The record is ours, not a PSA's: `major_incidents` (title, severity, commander, comms
lead, affected clients, state and the times its timeline sets), its tickets
(`major_incident_children`, one row per ticket in its own PSA) and the timeline
(`major_incident_events`, appended and never changed). On PostgreSQL every change is
announced on `noc_console` like the handovers' (schema 0008's
`noc_console_notify_table`: the table's name, no keys), so every desk and wall shows a
declaration at once.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from noc_console.models.cache.schema import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = ("major_incidents", "major_incident_children", "major_incident_events")


def upgrade() -> None:
    op.create_table(
        "major_incidents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("severity", sa.String(2), nullable=False),
        sa.Column("commander", sa.String(200), nullable=False),
        sa.Column("comms_lead", sa.String(200), nullable=False),
        sa.Column("clients", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("declared_at", UtcDateTime(), nullable=False),
        sa.Column("declared_by", sa.String(200), nullable=False),
        sa.Column("detected_at", UtcDateTime(), nullable=True),
        sa.Column("first_update_at", UtcDateTime(), nullable=True),
        sa.Column("last_update_at", UtcDateTime(), nullable=True),
        sa.Column("mitigated_at", UtcDateTime(), nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_major_incidents_state", "major_incidents", ["state"])
    op.create_table(
        "major_incident_children",
        sa.Column("major_incident_id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("external_id", sa.String(200), primary_key=True),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_major_incident_children_key", "major_incident_children", ["source", "external_id"]
    )
    op.create_table(
        "major_incident_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("major_incident_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index(
        "ix_major_incident_events_mi", "major_incident_events", ["major_incident_id", "at"]
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION noc_console_notify_table()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_notify ON {table}")
    op.drop_index("ix_major_incident_events_mi", "major_incident_events")
    op.drop_table("major_incident_events")
    op.drop_index("ix_major_incident_children_key", "major_incident_children")
    op.drop_table("major_incident_children")
    op.drop_index("ix_major_incidents_state", "major_incidents")
    op.drop_table("major_incidents")
