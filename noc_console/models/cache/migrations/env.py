"""Alembic environment: runs on the connection the store hands over, never its own."""

from alembic import context

from noc_console.models.cache.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables.
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
