"""Team mode: who wrote the schema, and change notifications on PostgreSQL.

`cache_meta` holds small facts about the database itself; `schema_written_by` names
the NOC Console version that last migrated it, so an older console meeting a newer
schema can say which version to install.

On PostgreSQL, triggers announce every committed change of incidents, the outbox and
handovers on the channel `noc_console` (NOTIFY is delivered at commit, and only then):
`{"table": …, "source": …, "ids": […]}` per source, split below PostgreSQL's 8,000-byte
payload limit, or `"ids": null` for "any of this source" (an id too long to list);
handovers carry no keys. Consoles LISTEN on it instead of polling. SQLite has no
listeners, so it gets no triggers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NOTIFY_KEYS = """
CREATE FUNCTION noc_console_notify_keys() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  ids jsonb := '[]';
  whole boolean := false;
  size integer := 0;
  current text := NULL;
BEGIN
  FOR r IN SELECT DISTINCT source, external_id FROM changed ORDER BY source, external_id LOOP
    IF current IS DISTINCT FROM r.source OR size > 6000 THEN
      IF whole OR size > 0 THEN
        PERFORM pg_notify('noc_console', jsonb_build_object('table', TG_TABLE_NAME,
          'source', current, 'ids', CASE WHEN whole THEN 'null'::jsonb ELSE ids END)::text);
      END IF;
      ids := '[]';
      whole := false;
      size := 0;
      current := r.source;
    END IF;
    IF octet_length(r.external_id) > 1000 THEN
      whole := true;
    ELSIF NOT whole THEN
      ids := ids || to_jsonb(r.external_id);
      size := size + octet_length(to_jsonb(r.external_id)::text) + 2;
    END IF;
  END LOOP;
  IF whole OR size > 0 THEN
    PERFORM pg_notify('noc_console', jsonb_build_object('table', TG_TABLE_NAME,
      'source', current, 'ids', CASE WHEN whole THEN 'null'::jsonb ELSE ids END)::text);
  END IF;
  RETURN NULL;
END $$
"""
NOTIFY_TABLE = """
CREATE FUNCTION noc_console_notify_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('noc_console', jsonb_build_object('table', TG_TABLE_NAME)::text);
  RETURN NULL;
END $$
"""
KEYED = ("incidents", "outbox")


def upgrade() -> None:
    op.create_table(
        "cache_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NOTIFY_KEYS)
    op.execute(NOTIFY_TABLE)
    for table in KEYED:  # a trigger with a transition table has one event
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_notify AFTER {event} ON {table} "
                "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
                "EXECUTE FUNCTION noc_console_notify_keys()"
            )
    op.execute(
        "CREATE TRIGGER handovers_notify AFTER INSERT OR UPDATE OR DELETE ON handovers "
        "FOR EACH STATEMENT EXECUTE FUNCTION noc_console_notify_table()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER handovers_notify ON handovers")
        for table in KEYED:
            for event in ("insert", "update"):
                op.execute(f"DROP TRIGGER {table}_{event}_notify ON {table}")
        op.execute("DROP FUNCTION noc_console_notify_table()")
        op.execute("DROP FUNCTION noc_console_notify_keys()")
    op.drop_table("cache_meta")
